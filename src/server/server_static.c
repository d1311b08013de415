/*
 * server_static.c
 *	  The web UI's static files, served by "fangai serve" itself from the
 *	  configured web directory (--web), and the few vendored browser
 *	  libraries under /vendor/ from the npm modules directory.
 *
 * Only GET and HEAD of paths outside /api and /fhir reach here.  A path
 * with a hidden or parent segment, a backslash or a doubled slash is
 * refused before the file system is touched, and the resolved file must
 * still lie inside its directory (no symlink escapes).  Content types come
 * from a table of extensions; anything else is not served.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server.h"

#define STATIC_MAX_BYTES (16u << 20)

static const struct {
	const char *ext;
	const char *type;
	const char *cache;
} static_types[] = {
	{".html", "text/html; charset=utf-8", "no-cache"},
	{".js", "text/javascript; charset=utf-8", "no-cache"},
	{".mjs", "text/javascript; charset=utf-8", "no-cache"},
	{".css", "text/css; charset=utf-8", "no-cache"},
	{".json", "application/json; charset=utf-8", "no-cache"},
	{".svg", "image/svg+xml", "public, max-age=3600"},
	{".png", "image/png", "public, max-age=3600"},
	{".ico", "image/x-icon", "public, max-age=86400"},
	{".txt", "text/plain; charset=utf-8", "no-cache"},
};

/* Vendored files: a URL under /vendor/ and its path below the npm modules directory. */
static const struct {
	const char *url;
	const char *file;
} vendor_files[] = {
	{"/vendor/echarts.min.js", "echarts/dist/echarts.min.js"},
};

/* The row of static_types for path's extension, or -1. */
static int
static_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	for (size_t i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++)
		if (strcmp(dot, static_types[i].ext) == 0)
			return (int)i;
	return -1;
}

/* True if every segment of path is a plain name: no "", ".", ".." or hidden file. */
static bool
static_path_safe(const char *path)
{
	if (path[0] != '/' || strchr(path, '\\') != NULL || strstr(path, "//") != NULL ||
	    strstr(path, "/.") != NULL)
		return false;
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

/* True if file (resolved) lies inside dir (resolved). */
static bool
static_inside(const char *dir, const char *file)
{
	char rdir[PATH_MAX], rfile[PATH_MAX];
	size_t n;

	if (realpath(dir, rdir) == NULL || realpath(file, rfile) == NULL)
		return false;
	n = strlen(rdir);
	return strncmp(rdir, rfile, n) == 0 && rfile[n] == '/';
}

/* Read file into the request's arena; false when it cannot be read. */
static bool
static_read(struct request *req, const char *file, const struct stat *st)
{
	FILE *f;
	char *buf;
	size_t got;

	if ((uint64_t)st->st_size > STATIC_MAX_BYTES)
		return false;
	buf = fg_arena_alloc(req->arena, (size_t)st->st_size + 1);
	if (buf == NULL)
		return false;
	f = fopen(file, "rb");
	if (f == NULL)
		return false;
	got = fread(buf, 1, (size_t)st->st_size, f);
	fclose(f);
	if (got != (size_t)st->st_size)
		return false;
	req->reply = buf;
	req->reply_len = got;
	return true;
}

/* Answer with file from dir, or 404; the ETag is size and mtime. */
static void
static_send(struct request *req, const char *dir, const char *rel, const char *url_path)
{
	char file[PATH_MAX];
	const char *etag, *match;
	struct stat st;
	int t = static_type(url_path);

	if (t < 0 || snprintf(file, sizeof(file), "%s/%s", dir, rel) >= (int)sizeof(file) ||
	    stat(file, &st) != 0 || !S_ISREG(st.st_mode) || !static_inside(dir, file)) {
		reply_error(req, 404, NULL, "no such resource", NULL, NULL);
		return;
	}
	etag = fg_arena_printf(req->arena, "\"%llx-%llx\"", (unsigned long long)st.st_size,
			       (unsigned long long)st.st_mtime);
	reply_header(req, "Cache-Control", static_types[t].cache);
	reply_header(req, "ETag", etag);
	match = req_header(req, "If-None-Match");
	req->content_type = static_types[t].type;
	if (match != NULL && strcmp(match, etag) == 0) {
		req->status = 304;
		req->reply = NULL;
		req->reply_len = 0;
		return;
	}
	if (!static_read(req, file, &st)) {
		req->nheaders = 0;
		reply_error(req, 500, NULL, "could not read the file", NULL, NULL);
		return;
	}
	if (strcmp(static_types[t].ext, ".html") == 0)
		reply_header(req, "Content-Security-Policy",
			     "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline';"
			     " frame-ancestors 'none'");
	req->status = 200;
}

bool
static_serve(struct request *req)
{
	const char *path = req->path;

	if (req->config->web_dir == NULL ||
	    (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) ||
	    strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 ||
	    strncmp(path, "/fhir", 5) == 0)
		return false;
	if (!static_path_safe(path)) {
		reply_error(req, 404, NULL, "no such resource", NULL, NULL);
		return true;
	}
	for (size_t i = 0; i < sizeof(vendor_files) / sizeof(vendor_files[0]); i++)
		if (strcmp(path, vendor_files[i].url) == 0) {
			static_send(req, req->config->vendor_dir ? req->config->vendor_dir : "/nonexistent",
				    vendor_files[i].file, path);
			return true;
		}
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	static_send(req, req->config->web_dir, path + 1, path);
	return true;
}
