/*
 * fuzz_api_json.c
 *	  libFuzzer harness for the JSON API's request bodies: the input is the
 *	  body of every POST and PUT route under /api (login aside: its
 *	  password hashing takes a tenth of a second), sent by a user of the
 *	  cancer centre and by one of a community centre, through the server's
 *	  own routing, JSON parsing, member checks and validation.
 */
#include "fuzz_server.h"

/* A concrete path for a route pattern: {scheme} a real scheme, {action} cancel, {kind} persons, others 1. */
static const char *
concrete_path(const char *pattern, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = pattern; *p && n + 32 < size; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		const char *value = "1";

		if (end == NULL) {
			out[n++] = *p;
			continue;
		}
		if (strncmp(p, "{scheme}", 8) == 0)
			value = "lung-rads-2022";
		else if (strncmp(p, "{action}", 8) == 0)
			value = "cancel";
		else if (strncmp(p, "{kind}", 6) == 0)
			value = "persons";
		n += (size_t)snprintf(out + n, size - n, "%s", value);
		p = end;
	}
	out[n] = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256];

	fz_setup();
	for (const struct route *r = server_routes; r->method; r++) {
		if ((strcmp(r->method, "POST") != 0 && strcmp(r->method, "PUT") != 0) ||
		    strncmp(r->pattern, "/api/", 5) != 0 || strcmp(r->pattern, "/api/login") == 0)
			continue;
		concrete_path(r->pattern, path, sizeof(path));
		fz.if_match = NULL;
		fz_request(size % 2, r->method, path, "application/json", (const char *)data, size);
	}
	return 0;
}
