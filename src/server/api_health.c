/*
 * api_health.c
 *	  GET /health (the process answers) and GET /ready (it can also reach
 *	  its database with the current schema).
 */
#include "server.h"

void
api_health(struct request *req)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string("ok"));
	reply_json(req, 200, o);
}

void
api_ready(struct request *req)
{
	json_object *o;
	struct fg_error err;
	int version = 0;

	if (fg_store_schema_version(req->store, &version, &err) != FG_OK ||
	    version < fg_store_schema_latest(req->store)) {
		reply_header(req, "Retry-After", "5");
		reply_error(req, 503, NULL, "database is not ready", err.message, NULL);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("ready"));
	json_object_object_add(o, "schema_version", json_object_new_int(version));
	reply_json(req, 200, o);
}
