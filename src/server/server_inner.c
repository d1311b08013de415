/*
 * server_inner.c
 *	  Requests made inside another: each entry of a FHIR batch or
 *	  transaction Bundle runs as a request of its own through the route
 *	  table, with the session, scope, store and arena of the Bundle's
 *	  request, its own method, path, query, body and the headers of the
 *	  entry (ifMatch...), so that it is checked, scoped and audited like the
 *	  same request sent directly.
 */
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "fangai/util.h"
#include "server.h"

/* Headers an entry carries itself: never taken from the outer request. */
static const char *const own_headers[] = {
	"If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since", "Content-Type", NULL,
};

static bool
is_own_header(const char *name)
{
	for (size_t i = 0; own_headers[i] != NULL; i++)
		if (strcasecmp(own_headers[i], name) == 0)
			return true;
	return false;
}

static const char *
inner_lookup(const struct request *req, enum request_value kind, const char *name)
{
	const struct inner_request *in = (const struct inner_request *)req;

	if (kind == REQUEST_QUERY) {
		for (size_t i = 0; i < in->nargs; i++)
			if (strcmp(in->args[i][0], name) == 0)
				return in->args[i][1];
		return NULL;
	}
	if (kind != REQUEST_HEADER)
		return NULL;
	for (size_t i = 0; i < INNER_MAX_HEADERS && in->headers[i][0] != NULL; i++)
		if (strcasecmp(in->headers[i][0], name) == 0)
			return in->headers[i][1];
	return is_own_header(name) ? NULL : in->outer->lookup(in->outer, kind, name);
}

static void
inner_query_each(const struct request *req, void (*fn)(void *ctx, const char *name, const char *value),
		 void *ctx)
{
	const struct inner_request *in = (const struct inner_request *)req;

	for (size_t i = 0; i < in->nargs; i++)
		fn(ctx, in->args[i][0], in->args[i][1]);
}

/* Split query ("a=1&b=x%20y") into in->args, decoded; false when out of memory. */
static bool
parse_query(struct inner_request *in, const char *query)
{
	size_t n = 1;

	for (const char *p = query; *p; p++)
		n += *p == '&';
	in->args = fg_arena_alloc(in->req.arena, n * sizeof(*in->args));
	if (in->args == NULL)
		return false;
	while (*query) {
		size_t len = strcspn(query, "&");
		char *part = fg_arena_strndup(in->req.arena, query, len), *eq;

		if (part == NULL)
			return false;
		query += len + (query[len] == '&');
		if (*part == '\0')
			continue;
		eq = strchr(part, '=');
		if (eq != NULL) {
			*eq = '\0';
			MHD_http_unescape(eq + 1);
		}
		MHD_http_unescape(part);
		in->args[in->nargs][0] = part;
		in->args[in->nargs][1] = eq ? eq + 1 : NULL;
		in->nargs++;
	}
	return true;
}

bool
inner_request_init(struct inner_request *in, const struct request *outer, const char *method,
		   const char *prefix, const char *url, json_object *body)
{
	const char *q = strchr(url, '?');
	int len = (int)(q ? (size_t)(q - url) : strlen(url));

	memset(in, 0, sizeof(*in));
	in->outer = outer;
	in->req.config = outer->config;
	in->req.lookup = inner_lookup;
	in->req.query_each = inner_query_each;
	in->req.method = method;
	in->req.path = fg_arena_printf(outer->arena, "%s%.*s", prefix, len, url);
	in->req.body_json = body;
	memcpy(in->req.client, outer->client, sizeof(in->req.client));
	in->req.fhir = outer->fhir;
	in->req.store = outer->store;
	in->req.arena = outer->arena;
	in->req.authenticated = outer->authenticated;
	in->req.session = outer->session;
	in->req.scope = outer->scope;
	return in->req.path != NULL && (q == NULL || parse_query(in, q + 1));
}

void
inner_request_header(struct inner_request *in, const char *name, const char *value)
{
	for (size_t i = 0; i < INNER_MAX_HEADERS; i++)
		if (in->headers[i][0] == NULL) {
			in->headers[i][0] = name;
			in->headers[i][1] = value;
			return;
		}
}

const char *
reply_header_value(const struct request *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i][0], name) == 0)
			return req->headers[i][1];
	return NULL;
}
