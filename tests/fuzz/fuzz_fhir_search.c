/*
 * fuzz_fhir_search.c
 *	  libFuzzer harness for FHIR search parameters: the input is the query
 *	  string of every FHIR search (each GET route under /fhir without an
 *	  id), decoded as libmicrohttpd decodes it, run by a user of the cancer
 *	  centre or of a community centre.
 */
#include "fuzz_server.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query = fz_text(data, size), *path;
	size_t n;

	if (query == NULL)
		goto out;
	fz_setup();
	for (const struct route *r = server_routes; r->method; r++) {
		if (strcmp(r->method, "GET") != 0 || strncmp(r->pattern, "/fhir/", 6) != 0 ||
		    strchr(r->pattern, '{') != NULL)
			continue;
		n = strlen(r->pattern) + size + 2;
		path = malloc(n);
		if (path == NULL)
			break;
		snprintf(path, n, "%s?%s", r->pattern, query);
		fz_request(size % 2, "GET", path, NULL, NULL, 0);
		free(path);
	}
out:
	free(query);
	return 0;
}
