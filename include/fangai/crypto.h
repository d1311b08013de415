/*
 * fangai/crypto.h
 *	  The few cryptographic primitives fangai needs, on libsodium: SHA-256
 *	  digests, random secrets, and argon2id password hashes.
 */
#ifndef FANGAI_CRYPTO_H
#define FANGAI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "fangai/error.h"

#define FG_SHA256_HEX 65	/* 64 hex digits and the NUL */
#define FG_SECRET_TEXT 44	/* 32 random bytes, URL-safe base64 without padding, NUL */
#define FG_PWHASH_MAX 128	/* an argon2id hash string and its NUL */

/*
 * Initialise libsodium.  Safe to call from any thread, any number of times.
 * FG_INTERNAL if the library cannot start.
 */
fg_rc fg_crypto_init(struct fg_error *err);

/* Hex SHA-256 of len bytes of data into out (FG_SHA256_HEX bytes). */
void fg_sha256_hex(const void *data, size_t len, char out[FG_SHA256_HEX]);

/* A fresh 256-bit secret as URL-safe base64 text into out (FG_SECRET_TEXT bytes). */
void fg_secret_new(char out[FG_SECRET_TEXT]);

/*
 * A random password of `len` characters (8..63) from an alphabet without
 * look-alike characters, into out (at least len + 1 bytes).
 */
void fg_password_generate(char *out, size_t len);

/*
 * Hash a password with argon2id at libsodium's interactive limits into out
 * (FG_PWHASH_MAX bytes, the self-describing "$argon2id$..." string).
 * FG_NOMEM if the hash memory cannot be had.
 */
fg_rc fg_password_hash(const char *password, char out[FG_PWHASH_MAX],
		       struct fg_error *err);

/* True if password matches the stored argon2id hash string. */
bool fg_password_verify(const char *hash, const char *password);

/* Compare two NUL-terminated secrets in time independent of where they differ. */
bool fg_secret_equal(const char *a, const char *b);

#endif
