/*
 * api_export.c
 *	  GET /api/export/{list}: a list of the registry as a file to download
 *	  — persons, tumours, treatments, deaths, populations or canreg5 as CSV
 *	  (?format=csv, the default) or an Excel workbook (?format=xlsx), or ncc,
 *	  the workbook of one ?year= for the National Cancer Center — within
 *	  the caller's scope: an institution's users export the rows their
 *	  institution owns, the cancer centre's any (?institution= narrows);
 *	  ?district= keeps a 2-, 4- or 6-digit prefix.  ncc counts a whole area
 *	  and is the cancer centre's.  ID and phone numbers are masked unless
 *	  ?unmask=1 is asked and allowed.  The file is written as the rows come
 *	  to an unlinked temporary file and sent from it, so that a province's
 *	  list takes disk, not memory; each export is audited with its rows.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fangai/import.h"
#include "server.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CSV_TYPE "text/csv; charset=utf-8"

/* Read the export's options into rq; replies 400 or 403 and returns false when they are wrong. */
static bool
read_request(struct request *req, struct fg_export_request *rq, bool *unmask)
{
	const char *format = req_query(req, "format");
	int64_t year = 0, institution = 0;
	bool refused = false, ncc;

	rq->list = req->params[0];
	ncc = strcmp(rq->list, "ncc") == 0;
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0) {
		reply_error(req, 400, "format", fg_arena_printf(req->arena, "invalid format \"%.32s\"", format),
			    NULL, "Use csv or xlsx.");
		return false;
	}
	rq->xlsx = ncc || (format != NULL && strcmp(format, "xlsx") == 0);
	if (!req_query_int(req, "year", ncc ? 1900 : 0, 2200, ncc ? -1 : 0, &year) ||
	    !req_query_int(req, "institution", 1, INT64_MAX, 0, &institution))
		return false;
	if (ncc && year < 0) {
		reply_error(req, 400, "year", "the ncc workbook needs ?year=", NULL, NULL);
		return false;
	}
	if (!req->scope.region && (ncc || (institution != 0 && institution != req->scope.institution_id))) {
		reply_error(req, 403, ncc ? "list" : "institution",
			    ncc ? "only the cancer centre exports the registry workbook"
				: "cannot export another institution's records", NULL, NULL);
		audit_note(req, "export", "denied", "export/%.16s", rq->list);
		return false;
	}
	*unmask = req_unmask(req, &refused);
	if (refused)
		return false;
	rq->year = ncc ? (int)year : 0;	/* a list has no year */
	rq->filter.district = req_query(req, "district");
	rq->filter.institution_id = req->scope.region ? institution : req->scope.institution_id;
	rq->filter.mask = !*unmask;
	return true;
}

/* Reply with the export's error: an unknown list is 404, a bad query argument 400. */
static void
reply_export_error(struct request *req, const struct fg_error *err)
{
	if (err->code == FG_INVALID && strcmp(err->field, "list") == 0)
		reply_error(req, 404, "list", err->message, NULL, err->hint[0] ? err->hint : NULL);
	else if (err->code == FG_INVALID)
		reply_error(req, 400, err->field, err->message, NULL, err->hint[0] ? err->hint : NULL);
	else
		reply_fg_error(req, err);
}

void
api_export(struct request *req)
{
	struct fg_export_request rq = {0};
	struct fg_error err;
	char path[512];
	int64_t rows = 0;
	bool unmask = false;
	FILE *f;
	fg_rc rc;

	if (!read_request(req, &rq, &unmask))
		return;
	f = server_temp_file("fangai-export", path, sizeof(path));
	if (f == NULL) {
		reply_error(req, 503, NULL, "could not create a file for the export", NULL, "Try again later.");
		return;
	}
	rq.out = rq.xlsx ? NULL : f;
	rq.path = path;
	rc = fg_export_write(req->store, &rq, &rows, &err);
	if (rc == FG_OK && rq.xlsx && (f = freopen(path, "rb", f)) == NULL)	/* the file written at close */
		rc = fg_error_set(&err, FG_IO, "output", "could not read the workbook back");
	unlink(path);
	audit_note(req, unmask ? "export-unmasked" : "export", audit_result(rc), "export/%.16s?district=%.8s&rows=%lld",
		   rq.list, rq.filter.district ? rq.filter.district : "", (long long)rows);
	if (rc != FG_OK) {
		if (f != NULL)
			fclose(f);
		reply_export_error(req, &err);
		return;
	}
	reply_file(req, 200, rq.xlsx ? XLSX_TYPE : CSV_TYPE, f);
	reply_header(req, "Content-Disposition", rq.year
		     ? fg_arena_printf(req->arena, "attachment; filename=\"%s-%d.xlsx\"", rq.list, rq.year)
		     : fg_arena_printf(req->arena, "attachment; filename=\"%s.%s\"", rq.list, rq.xlsx ? "xlsx" : "csv"));
}
