/*
 * crypto.c
 *	  SHA-256, random secrets and argon2id password hashing on libsodium.
 */
#include <sodium.h>
#include <string.h>

#include "fangai/crypto.h"

/* Password characters: no 0/O, 1/l/I, so that a printed password reads back. */
static const char password_alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fg_rc
fg_crypto_init(struct fg_error *err)
{
	if (sodium_init() < 0)
		return fg_error_set(err, FG_INTERNAL, NULL, "could not initialise libsodium");
	return FG_OK;
}

void
fg_sha256_hex(const void *data, size_t len, char out[FG_SHA256_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, data, len);
	sodium_bin2hex(out, FG_SHA256_HEX, digest, sizeof(digest));
}

void
fg_secret_new(char out[FG_SECRET_TEXT])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, FG_SECRET_TEXT, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
fg_password_generate(char *out, size_t len)
{
	uint32_t n = (uint32_t)(sizeof(password_alphabet) - 1);

	if (len < 8)
		len = 8;
	if (len > 63)
		len = 63;
	for (size_t i = 0; i < len; i++)
		out[i] = password_alphabet[randombytes_uniform(n)];
	out[len] = '\0';
}

fg_rc
fg_password_hash(const char *password, char out[FG_PWHASH_MAX],
		 struct fg_error *err)
{
	char hash[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str_alg(hash, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory hashing a password");
	if (strlen(hash) >= FG_PWHASH_MAX)
		return fg_error_set(err, FG_INTERNAL, NULL, "password hash is longer than expected");
	memcpy(out, hash, strlen(hash) + 1);
	return FG_OK;
}

bool
fg_password_verify(const char *hash, const char *password)
{
	if (hash == NULL || password == NULL)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool
fg_secret_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}
