/*
 * fuzz_http_path.c
 *	  libFuzzer harness for request paths and query strings: the input is a
 *	  URL ("/path?query", percent-escapes decoded as libmicrohttpd decodes
 *	  them) for a GET through the whole route table, the path parameters,
 *	  every query argument the handlers read, and the static files of the
 *	  web UI.  The first byte picks the user: the cancer centre's, a
 *	  community centre's, or none.
 */
#include "fuzz_server.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url;

	if (size < 1)
		return 0;
	url = fz_text(data + 1, size - 1);
	if (url == NULL)
		return 0;
	/* libmicrohttpd hands over a path that starts with '/' and has no NUL or '#'. */
	if (url[0] == '/' && strlen(url) == size - 1) {
		fz_setup();
		fz_request(data[0] % 3 - 1, "GET", url, NULL, NULL, 0);
	}
	free(url);
	return 0;
}
