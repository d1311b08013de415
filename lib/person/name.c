/*
 * name.c
 *	  Name normalisation (utf8proc) and simplified-character matching keys
 *	  (OpenCC, configuration t2s).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc.h>
#include <utf8proc.h>

#include "fangai/name.h"

static pthread_once_t opencc_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t opencc_lock = PTHREAD_MUTEX_INITIALIZER;
static opencc_t t2s = (opencc_t)-1;

static void
open_t2s(void)
{
	t2s = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
}

static bool
is_space(utf8proc_int32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0x00A0;
}

fg_rc
fg_name_normalise(const char *text, const char *field, char *out,
		  size_t outsz, struct fg_error *err)
{
	utf8proc_uint8_t *nfc = NULL;
	const utf8proc_uint8_t *p;
	size_t n = 0;
	bool pending_space = false;
	fg_rc rc = FG_OK;

	if (text == NULL || *text == '\0')
		return fg_error_set(err, FG_INVALID, field, "%s is empty", field);
	nfc = utf8proc_NFC((const utf8proc_uint8_t *)text);
	if (nfc == NULL) {
		fg_error_set(err, FG_INVALID, field, "invalid %s \"%s\"", field, text);
		fg_error_detail(err, "The text is not valid UTF-8.");
		fg_error_hint(err, "Convert GB18030 files to UTF-8, or name their encoding when importing.");
		return FG_INVALID;
	}
	for (p = nfc; *p;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);

		if (is_space(c)) {
			pending_space = n > 0;
			p += len;
			continue;
		}
		if (utf8proc_category(c) == UTF8PROC_CATEGORY_CC) {
			rc = fg_error_set(err, FG_INVALID, field,
					  "invalid %s \"%s\"", field, text);
			fg_error_detail(err, "It holds the control character U+%04X.", (unsigned)c);
			goto out;
		}
		if (n + (pending_space ? 1 : 0) + (size_t)len + 1 > outsz) {
			rc = fg_error_set(err, FG_INVALID, field, "%s is too long: \"%s\"",
					  field, text);
			fg_error_detail(err, "The limit is %zu bytes of UTF-8.", outsz - 1);
			goto out;
		}
		if (pending_space)
			out[n++] = ' ';
		pending_space = false;
		memcpy(out + n, p, (size_t)len);
		n += (size_t)len;
		p += len;
	}
	if (n == 0) {
		rc = fg_error_set(err, FG_INVALID, field, "%s is empty", field);
		goto out;
	}
	out[n] = '\0';
out:
	free(nfc);
	return rc;
}

/* Drop spaces and middle dots (· U+00B7, ・ U+30FB, • U+2022), fold Latin case. */
static fg_rc
fold_key(const char *simplified, char *out, size_t outsz, struct fg_error *err)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)simplified;
	size_t n = 0;

	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);
		utf8proc_uint8_t buf[4];
		utf8proc_ssize_t blen;

		if (len <= 0)
			return fg_error_set(err, FG_INTERNAL, NULL, "name key holds invalid UTF-8");
		p += len;
		if (c == ' ' || c == 0x00B7 || c == 0x30FB || c == 0x2022 || c == 0x2027)
			continue;
		blen = utf8proc_encode_char(utf8proc_tolower(c), buf);
		if (n + (size_t)blen + 1 > outsz)
			return fg_error_set(err, FG_INVALID, "name", "name is too long for its key");
		memcpy(out + n, buf, (size_t)blen);
		n += (size_t)blen;
	}
	out[n] = '\0';
	return FG_OK;
}

/*
 * Keys of recent names.  OpenCC takes microseconds a name and a bulk import
 * checks each name twice, so the keys of short names are kept in a
 * direct-mapped cache (allocated on first use, guarded by opencc_lock).
 */
#define KEY_CACHE_SLOTS 16384
#define KEY_CACHE_TEXT 48

struct key_slot {
	char name[KEY_CACHE_TEXT];
	char key[KEY_CACHE_TEXT];
};

static struct key_slot *key_cache;

static struct key_slot *
key_slot(const char *name)
{
	uint32_t h = 2166136261u;

	if (key_cache == NULL)
		key_cache = calloc(KEY_CACHE_SLOTS, sizeof(*key_cache));
	if (key_cache == NULL || strlen(name) >= KEY_CACHE_TEXT)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &key_cache[h % KEY_CACHE_SLOTS];
}

/* The cached key of name into out; false if not cached (or out is too small). */
static bool
cached_key(const char *name, char *out, size_t outsz)
{
	struct key_slot *slot;
	bool hit;

	pthread_mutex_lock(&opencc_lock);
	slot = key_slot(name);
	hit = slot && slot->name[0] && strcmp(slot->name, name) == 0 && strlen(slot->key) < outsz;
	if (hit)
		memcpy(out, slot->key, strlen(slot->key) + 1);
	pthread_mutex_unlock(&opencc_lock);
	return hit;
}

static void
cache_key(const char *name, const char *key)
{
	struct key_slot *slot;

	pthread_mutex_lock(&opencc_lock);
	slot = key_slot(name);
	if (slot && strlen(key) < KEY_CACHE_TEXT) {
		memcpy(slot->name, name, strlen(name) + 1);
		memcpy(slot->key, key, strlen(key) + 1);
	}
	pthread_mutex_unlock(&opencc_lock);
}

fg_rc
fg_name_key(const char *normalised, char *out, size_t outsz,
	    struct fg_error *err)
{
	char *simplified;
	fg_rc rc;

	pthread_once(&opencc_once, open_t2s);
	if (t2s == (opencc_t)-1) {
		fg_error_set(err, FG_INTERNAL, NULL, "could not load the OpenCC t2s conversion");
		fg_error_detail(err, "OpenCC: %s.", opencc_error());
		fg_error_hint(err, "Install the Debian package libopencc-data.");
		return FG_INTERNAL;
	}
	if (cached_key(normalised, out, outsz))
		return FG_OK;
	pthread_mutex_lock(&opencc_lock);
	simplified = opencc_convert_utf8(t2s, normalised, strlen(normalised));
	pthread_mutex_unlock(&opencc_lock);
	if (simplified == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "could not convert a name to simplified characters");
	rc = fold_key(simplified, out, outsz, err);
	opencc_convert_utf8_free(simplified);
	if (rc == FG_OK)
		cache_key(normalised, out);
	return rc;
}
