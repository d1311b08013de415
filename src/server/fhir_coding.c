/*
 * fhir_coding.c
 *	  Small FHIR R4 datatypes shared by the clinical resources:
 *	  CodeableConcept, dateTime from the network's clock, and code maps.
 */
#include <string.h>

#include "api_clinical.h"

json_object *
fhir_codeable(const char *system, const char *code, const char *display, const char *text)
{
	json_object *cc = json_object_new_object();

	if (code != NULL && code[0]) {
		json_object *codings = json_object_new_array(), *c = json_object_new_object();

		json_object_object_add(c, "system", json_object_new_string(system));
		json_object_object_add(c, "code", json_object_new_string(code));
		if (display != NULL && display[0])
			json_object_object_add(c, "display", json_object_new_string(display));
		json_object_array_add(codings, c);
		json_object_object_add(cc, "coding", codings);
	}
	if (text != NULL && text[0])
		json_object_object_add(cc, "text", json_object_new_string(text));
	return cc;
}

json_object *
fhir_net_time(struct request *req, const char *at)
{
	if (at == NULL || at[0] == '\0')
		return NULL;
	return json_object_new_string(fg_arena_printf(req->arena, "%.16s:00+08:00", at));
}

const char *
fhir_map(const char *const (*map)[2], size_t n, const char *key, const char *def)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(map[i][0], key) == 0)
			return map[i][1];
	return def;
}
