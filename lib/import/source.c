/*
 * source.c
 *	  Import files as UTF-8 streams: encoding detection, conversion from
 *	  GB18030/GBK through iconv behind a stdio stream (fopencookie), and a
 *	  fingerprint of the file's bytes to recognise it when run again.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "fangai/import.h"
#include "fangai/util.h"
#include "import_int.h"

#define SAMPLE (64 * 1024)
#define CONV_BUF (64 * 1024)

/* True if buf is valid UTF-8, a sequence cut by the end of the sample allowed. */
static bool
valid_utf8(const unsigned char *buf, size_t n)
{
	size_t i = 0;

	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate(buf + i, (utf8proc_ssize_t)(n - i), &c);

		if (len < 0)
			return n - i < 4 && buf[i] >= 0xC0;
		i += (size_t)len;
	}
	return true;
}

fg_rc
fg_import_detect_encoding(const char *path, char *out, size_t outsz,
			  struct fg_error *err)
{
	unsigned char *buf = malloc(SAMPLE);
	FILE *f = fopen(path, "rb");
	size_t n;
	fg_rc rc = FG_OK;

	if (f == NULL || buf == NULL) {
		rc = fg_error_set(err, FG_IO, "file", "could not open \"%s\": %s", path,
				  f ? "out of memory" : strerror(errno));
		goto out;
	}
	n = fread(buf, 1, SAMPLE, f);
	fg_strlcpy(out, valid_utf8(buf, n) ? "UTF-8" : "GB18030", outsz);
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

/* Size and FNV-1a hash of every byte of the file. */
static fg_rc
fingerprint(FILE *f, const char *path, char *out, size_t outsz, int64_t *size,
	    struct fg_error *err)
{
	unsigned char buf[16384];
	uint64_t h = 0xCBF29CE484222325ULL;
	size_t n;

	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 0x100000001B3ULL;
		}
		*size += (int64_t)n;
	}
	if (ferror(f))
		return fg_error_set(err, FG_IO, "file", "could not read \"%s\": %s", path, strerror(errno));
	rewind(f);
	snprintf(out, outsz, "%lld:%016llx", (long long)*size, (unsigned long long)h);
	return FG_OK;
}

/* ---- iconv behind a stdio stream ---- */

struct conv {
	FILE *raw;
	iconv_t cd;
	char in[CONV_BUF];
	size_t inlen;
	bool eof;
	int64_t offset;		/* bytes of raw converted */
	int64_t bad_offset;	/* first undecodable byte, or -1 */
};

static ssize_t
conv_read(void *cookie, char *buf, size_t size)
{
	struct conv *c = cookie;
	char *out = buf;
	size_t outleft = size;

	while (outleft == size && c->bad_offset < 0) {
		char *inp = c->in;
		size_t inleft, before, r;

		if (!c->eof && c->inlen < sizeof(c->in)) {
			size_t n = fread(c->in + c->inlen, 1, sizeof(c->in) - c->inlen, c->raw);

			c->inlen += n;
			c->eof = n == 0;
		}
		if (c->inlen == 0)
			break;
		inleft = before = c->inlen;
		r = iconv(c->cd, &inp, &inleft, &out, &outleft);
		c->offset += (int64_t)(before - inleft);
		memmove(c->in, inp, inleft);
		c->inlen = inleft;
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EILSEQ || (errno == EINVAL && c->eof))
			c->bad_offset = c->offset;
	}
	return (ssize_t)(size - outleft);
}

static int
conv_close(void *cookie)
{
	struct conv *c = cookie;

	iconv_close(c->cd);
	fclose(c->raw);
	free(c);
	return 0;
}

static fg_rc
open_converted(struct import_source *s, FILE *raw, struct fg_error *err)
{
	cookie_io_functions_t io = {.read = conv_read, .close = conv_close};
	struct conv *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory opening \"%s\"", s->path);
	c->cd = iconv_open("UTF-8", s->encoding);
	if (c->cd == (iconv_t)-1) {
		free(c);
		fg_error_set(err, FG_INVALID, "encoding", "encoding \"%s\" is not supported", s->encoding);
		fg_error_hint(err, "Use UTF-8, GB18030 or GBK.");
		return FG_INVALID;
	}
	c->raw = raw;
	c->bad_offset = -1;
	s->f = fopencookie(c, "r", io);
	if (s->f == NULL) {
		conv_close(c);
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory opening \"%s\"", s->path);
	}
	s->conv = c;
	return FG_OK;
}

fg_rc
import_source_open(struct import_source *s, const char *path, const char *encoding,
		   bool with_fingerprint, struct fg_error *err)
{
	FILE *raw;
	fg_rc rc;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if (encoding == NULL || *encoding == '\0') {
		rc = fg_import_detect_encoding(path, s->encoding, sizeof(s->encoding), err);
		if (rc != FG_OK)
			return rc;
	} else {
		for (size_t i = 0; encoding[i] && i + 1 < sizeof(s->encoding); i++)
			s->encoding[i] = (char)(encoding[i] >= 'a' && encoding[i] <= 'z'
							? encoding[i] - 'a' + 'A' : encoding[i]);
		if (strcmp(s->encoding, "UTF8") == 0)
			fg_strlcpy(s->encoding, "UTF-8", sizeof(s->encoding));
	}
	raw = fopen(path, "rb");
	if (raw == NULL)
		return fg_error_set(err, FG_IO, "file", "could not open \"%s\": %s", path, strerror(errno));
	s->raw = raw;
	if (with_fingerprint &&
	    (rc = fingerprint(raw, path, s->fingerprint, sizeof(s->fingerprint), &s->size, err)) != FG_OK) {
		fclose(raw);
		return rc;
	}
	if (strcmp(s->encoding, "UTF-8") == 0) {
		s->f = raw;
		return FG_OK;
	}
	rc = open_converted(s, raw, err);
	if (rc != FG_OK)
		fclose(raw);
	return rc;
}

int64_t
import_source_offset(const struct import_source *s)
{
	if (s->conv)
		return s->conv->offset;
	return s->f ? (int64_t)ftell(s->f) : 0;
}

fg_rc
import_source_check(const struct import_source *s, struct fg_error *err)
{
	if (s->conv == NULL || s->conv->bad_offset < 0)
		return FG_OK;
	fg_error_set(err, FG_IO, "encoding", "invalid %s byte sequence in \"%s\" at byte %lld",
		     s->encoding, s->path, (long long)s->conv->bad_offset);
	fg_error_hint(err, "Name the file's encoding with --encoding, or convert it to UTF-8.");
	return FG_IO;
}

void
import_source_close(struct import_source *s)
{
	if (s->f)
		fclose(s->f);	/* closes raw through the cookie when converting */
	s->f = NULL;
	s->raw = NULL;
	s->conv = NULL;
}

/* ---- the public face: a text file as UTF-8 ---- */

struct fg_text {
	struct import_source src;
};

fg_rc
fg_text_open(const char *path, const char *encoding, fg_text **out, struct fg_error *err)
{
	fg_text *t = calloc(1, sizeof(*t));
	fg_rc rc;

	*out = NULL;
	if (t == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory opening \"%s\"", path);
	rc = import_source_open(&t->src, path, encoding, false, err);
	if (rc != FG_OK) {
		free(t);
		return rc;
	}
	*out = t;
	return FG_OK;
}

FILE *
fg_text_stream(fg_text *t)
{
	return t->src.f;
}

const char *
fg_text_encoding(const fg_text *t)
{
	return t->src.encoding;
}

fg_rc
fg_text_check(const fg_text *t, struct fg_error *err)
{
	return import_source_check(&t->src, err);
}

void
fg_text_close(fg_text *t)
{
	if (t == NULL)
		return;
	import_source_close(&t->src);
	free(t);
}
