/*
 * fuzz_fhir_resource.c
 *	  libFuzzer harness for FHIR resources in request bodies: the input is
 *	  sent as a Patient to create (POST /fhir/Patient), as a Patient update
 *	  (PUT /fhir/Patient/1 with If-Match), and as a transaction Bundle
 *	  (POST /fhir), through the server's own routing and mapping.
 */
#include "fuzz_server.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	int user = size % 2;

	fz_setup();
	fz.if_match = NULL;
	fz_request(user, "POST", "/fhir/Patient", "application/fhir+json", body, size);
	fz_request(user, "POST", "/fhir", "application/fhir+json", body, size);
	fz.if_match = "W/\"1\"";
	fz_request(user, "PUT", "/fhir/Patient/1", "application/fhir+json", body, size);
	fz.if_match = NULL;
	return 0;
}
