/*
 * fhir_search.c
 *	  The common search parameters of FHIR R4 (_count, _offset, _total,
 *	  _sort, _include, _revinclude and their :iterate, _summary=count,
 *	  _elements), the
 *	  handling of parameters the server does not understand (Prefer:
 *	  handling=strict or lenient), and searchset Bundles with their paging
 *	  links, included resources and the report of what was ignored.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

#define SYSTEM_OBSERVATION_VALUE "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
#define MAX_ITERATE 3		/* rounds of :iterate over the resources each one brought */

static const char *const common_params[] = {
	"_count", "_offset", "_total", "_sort", "_include", "_revinclude", "_include:iterate",
	"_revinclude:iterate", "_summary", "_elements", "_format", NULL,
};

/* The searches whose resources an include may bring, for :iterate. */
static const struct fhir_search_spec *const iterable[] = {
	&fhir_patient_spec, &fhir_condition_spec, &fhir_servicerequest_spec, &fhir_task_spec,
};

static bool
listed(const char *const *list, const char *name)
{
	for (size_t i = 0; list != NULL && list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

bool
fhir_paging_read(struct request *req, struct fhir_paging *out)
{
	const char *total = req_query(req, "_total");

	memset(out, 0, sizeof(*out));
	out->total = true;
	if (total != NULL && strcmp(total, "none") == 0)
		out->total = false;
	else if (total != NULL && strcmp(total, "accurate") != 0 && strcmp(total, "estimate") != 0) {
		reply_error(req, 400, "_total", fg_arena_printf(req->arena, "invalid _total \"%.32s\"", total),
			    NULL, "Use none, estimate or accurate.");
		return false;
	}
	return req_query_int(req, "_count", 1, 1000, 20, &out->count) &&
	       req_query_int(req, "_offset", 0, INT64_MAX / 2, 0, &out->offset);
}

/* State of the walk over the query arguments of a search. */
struct search_walk {
	struct request *req;
	struct fhir_paging *out;
	bool strict;
	bool failed;
};

/*
 * A parameter (or value) the search cannot apply: refused under strict
 * handling, else remembered as ignored.
 */
static void
cannot_apply(struct search_walk *w, const char *name, const char *value, const char *why)
{
	struct request *req = w->req;

	if (w->strict) {
		reply_error(req, 400, name, fg_arena_printf(req->arena, "%s \"%.64s=%.64s\"", why, name,
							    value ? value : ""),
			    "The request asked for strict handling of search parameters.",
			    "Leave it out, or send Prefer: handling=lenient to have it ignored.");
		w->failed = true;
	} else if (w->out->nignored < FHIR_MAX_IGNORED)
		w->out->ignored[w->out->nignored++] = fg_arena_printf(req->arena, "%.64s=%.64s", name,
								      value ? value : "");
}

static void
read_sort(struct search_walk *w, const char *value)
{
	const struct fhir_search_spec *spec = w->out->spec;
	const char *comma = strchr(value, ',');
	size_t len = comma ? (size_t)(comma - value) : strlen(value);
	bool desc = value[0] == '-';

	if (w->out->sort != NULL) {
		cannot_apply(w, "_sort", value, "only one _sort is applied");
		return;
	}
	if (desc) {
		value++;
		len--;
	}
	for (size_t i = 0; spec->sorts != NULL && spec->sorts[i].param; i++)
		if (strlen(spec->sorts[i].param) == len && strncmp(spec->sorts[i].param, value, len) == 0) {
			w->out->sort = &spec->sorts[i];
			w->out->descending = desc;
		}
	if (w->out->sort == NULL)
		cannot_apply(w, "_sort", value, "cannot sort by");
	else if (comma != NULL)
		cannot_apply(w, "_sort", comma + 1, "only the first _sort key is applied, not");
}

static void
read_include(struct search_walk *w, const char *value)
{
	const struct fhir_search_spec *spec = w->out->spec;
	struct fhir_paging *out = w->out;

	for (size_t i = 0; spec->includes != NULL && spec->includes[i].name; i++)
		if (strcmp(spec->includes[i].name, value) == 0) {
			for (size_t k = 0; k < out->ninclude; k++)
				if (out->include[k] == &spec->includes[i])
					return;
			if (out->ninclude < FHIR_MAX_INCLUDES) {
				out->include[out->ninclude++] = &spec->includes[i];
				return;
			}
		}
	cannot_apply(w, "_include", value, "cannot include");
}

/* The search of the type that include name ("Type:param") starts from: the search's own or an iterable one. */
static const struct fhir_search_spec *
spec_of(const struct fhir_search_spec *own, const char *name)
{
	size_t len = strcspn(name, ":");

	if (strlen(own->type) == len && strncmp(own->type, name, len) == 0)
		return own;
	for (size_t i = 0; i < sizeof(iterable) / sizeof(iterable[0]); i++)
		if (strlen(iterable[i]->type) == len && strncmp(iterable[i]->type, name, len) == 0)
			return iterable[i];
	return NULL;
}

/* _include:iterate=Type:param, Type being any search's whose resources may be included. */
static void
read_include_iterate(struct search_walk *w, const char *value)
{
	const struct fhir_search_spec *from = spec_of(w->out->spec, value);
	struct fhir_paging *out = w->out;

	for (size_t i = 0; from != NULL && from->includes != NULL && from->includes[i].name; i++)
		if (strcmp(from->includes[i].name, value) == 0 && out->ninclude_iterate < FHIR_MAX_INCLUDES) {
			out->include_iterate[out->ninclude_iterate++] = &from->includes[i];
			return;
		}
	cannot_apply(w, "_include:iterate", value, "cannot include");
}

/* _revinclude:iterate=Type:param: a revinclude of any search whose resources may be included. */
static void
read_revinclude_iterate(struct search_walk *w, const char *value)
{
	struct fhir_paging *out = w->out;
	const struct fhir_search_spec *by = listed(out->spec->revincludes, value) ? out->spec : NULL;

	for (size_t i = 0; by == NULL && i < sizeof(iterable) / sizeof(iterable[0]); i++)
		if (listed(iterable[i]->revincludes, value))
			by = iterable[i];
	if (by != NULL && by->revinclude != NULL && out->nrevinclude_iterate < FHIR_MAX_INCLUDES) {
		out->revinclude_iterate_spec[out->nrevinclude_iterate] = by;
		out->revinclude_iterate[out->nrevinclude_iterate++] = fg_arena_strdup(w->req->arena, value);
		return;
	}
	cannot_apply(w, "_revinclude:iterate", value, "cannot include");
}

static void
read_revinclude(struct search_walk *w, const char *value)
{
	struct fhir_paging *out = w->out;

	if (listed(out->spec->revincludes, value) && out->spec->revinclude != NULL &&
	    out->nrevinclude < FHIR_MAX_INCLUDES) {
		out->revinclude[out->nrevinclude++] = fg_arena_strdup(w->req->arena, value);
		return;
	}
	cannot_apply(w, "_revinclude", value, "cannot include");
}

/* _elements: a comma-separated list of element names. */
static void
read_elements(struct search_walk *w, const char *value)
{
	if (value[0] == '\0' || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,") != strlen(value)) {
		cannot_apply(w, "_elements", value, "cannot select the elements");
		return;
	}
	w->out->elements = fg_arena_strdup(w->req->arena, value);
}

static void
walk_one(void *ctx, const char *name, const char *value)
{
	struct search_walk *w = ctx;

	if (w->failed)
		return;
	if (value == NULL)
		value = "";
	if (strcmp(name, "_sort") == 0)
		read_sort(w, value);
	else if (strcmp(name, "_include") == 0)
		read_include(w, value);
	else if (strcmp(name, "_revinclude") == 0)
		read_revinclude(w, value);
	else if (strcmp(name, "_include:iterate") == 0)
		read_include_iterate(w, value);
	else if (strcmp(name, "_revinclude:iterate") == 0)
		read_revinclude_iterate(w, value);
	else if (strcmp(name, "_elements") == 0)
		read_elements(w, value);
	else if (strcmp(name, "_summary") == 0) {
		if (strcmp(value, "count") == 0)
			w->out->summary_count = true;
		else if (strcmp(value, "false") != 0)
			cannot_apply(w, name, value, "cannot summarise as");
	} else if (!listed(common_params, name) && !listed(w->out->spec->params, name))
		cannot_apply(w, name, value, "unknown search parameter");
}

/* True if the Prefer header asks for handling=strict. */
static bool
prefer_strict(const struct request *req)
{
	const char *prefer = req_header(req, "Prefer");

	return prefer != NULL && strstr(prefer, "handling=strict") != NULL;
}

bool
fhir_search_read(struct request *req, const struct fhir_search_spec *spec, struct fhir_paging *out)
{
	struct search_walk w = {req, out, prefer_strict(req), false};

	if (!fhir_paging_read(req, out))
		return false;
	out->spec = spec;
	req_query_each(req, walk_one, &w);
	return !w.failed;
}

bool
fhir_page_take(const struct fhir_paging *paging, int64_t *total)
{
	int64_t n = (*total)++;

	return n >= paging->offset && n < paging->offset + paging->count;
}

/* The sort of the thread's current fhir_page_sorted() (json-c's sort takes no context). */
static _Thread_local const char *sort_element;
static _Thread_local bool sort_descending;

static const char *
member_text(json_object *o, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool
all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* Order by the sort element: numbers as numbers, other text (dates) as text, absent last. */
static int
compare_resources(const void *a, const void *b)
{
	const char *x = member_text(*(json_object *const *)a, sort_element);
	const char *y = member_text(*(json_object *const *)b, sort_element);
	int c;

	if (x == NULL || y == NULL)
		return (x == NULL) - (y == NULL);
	if (all_digits(x) && all_digits(y) && strlen(x) != strlen(y))
		c = strlen(x) < strlen(y) ? -1 : 1;
	else
		c = strcmp(x, y);
	return sort_descending ? -c : c;
}

json_object *
fhir_page_sorted(const struct fhir_paging *paging, json_object *all, int64_t *total)
{
	json_object *page = json_object_new_array();
	size_t n = json_object_array_length(all);

	if (paging->sort != NULL) {
		sort_element = paging->sort->element;
		sort_descending = paging->descending;
		json_object_array_sort(all, compare_resources);
	}
	for (int64_t i = paging->offset; i < (int64_t)n && i < paging->offset + paging->count; i++)
		json_object_array_add(page, json_object_get(json_object_array_get_idx(all, (size_t)i)));
	json_object_put(all);
	*total = (int64_t)n;
	return page;
}

/* Append "&name=value" to buf, percent-encoding the value. */
static void
append_param(char *buf, size_t size, const char *name, const char *value)
{
	size_t n = strlen(buf);

	n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s=", n ? "&" : "", name);
	for (const unsigned char *p = (const unsigned char *)value; *p && n + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~')
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, size - n, "%%%02X", *p);
	}
	buf[n < size ? n : size - 1] = '\0';
}

struct link_query {
	const struct fhir_paging *paging;
	const char *const *params;	/* a search without a spec: the parameters it takes */
	char text[1024];
};

static bool
was_ignored(const struct fhir_paging *paging, const char *name, const char *value)
{
	char pair[160];

	snprintf(pair, sizeof(pair), "%.64s=%.64s", name, value);
	for (size_t i = 0; i < paging->nignored; i++)
		if (strcmp(paging->ignored[i], pair) == 0)
			return true;
	return false;
}

/* Repeat in the links every argument understood, except the page's own. */
static void
link_arg(void *ctx, const char *name, const char *value)
{
	struct link_query *q = ctx;

	if (value == NULL || strcmp(name, "_count") == 0 || strcmp(name, "_offset") == 0 ||
	    (q->params != NULL ? !listed(q->params, name) : was_ignored(q->paging, name, value)))
		return;
	append_param(q->text, sizeof(q->text), name, value);
}

static json_object *
link(struct request *req, const char *relation, const char *type, const char *params,
     int64_t count, int64_t offset)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "relation", json_object_new_string(relation));
	json_object_object_add(o, "url", json_object_new_string(fg_arena_printf(
		req->arena, "%s/%s?%s%s_count=%lld&_offset=%lld", fhir_base(req), type, params,
		*params ? "&" : "", (long long)count, (long long)offset)));
	return o;
}

json_object *
fhir_paging_links(struct request *req, const char *type, const char *query, int64_t total, size_t n,
	     const struct fhir_paging *paging)
{
	json_object *links = json_object_new_array();
	int64_t count = paging->count, offset = paging->offset;

	json_object_array_add(links, link(req, "self", type, query, count, offset));
	json_object_array_add(links, link(req, "first", type, query, count, 0));
	if (offset > 0)
		json_object_array_add(links, link(req, "previous", type, query, count,
						  offset > count ? offset - count : 0));
	if (!paging->summary_count && offset + (int64_t)n < total)
		json_object_array_add(links, link(req, "next", type, query, count, offset + count));
	if (paging->total && total > 0)
		json_object_array_add(links, link(req, "last", type, query, count, (total - 1) / count * count));
	return links;
}

static json_object *
entry(struct request *req, json_object *resource, const char *mode)
{
	json_object *e = json_object_new_object(), *search = json_object_new_object();
	const char *type = member_text(resource, "resourceType"), *id = member_text(resource, "id");

	if (type != NULL && id != NULL)
		json_object_object_add(e, "fullUrl", json_object_new_string(
			fg_arena_printf(req->arena, "%s/%s/%s", fhir_base(req), type, id)));
	json_object_object_add(e, "resource", resource);
	json_object_object_add(search, "mode", json_object_new_string(mode));
	json_object_object_add(e, "search", search);
	return e;
}

/* Keep only resourceType, id, meta and the elements listed, tagged SUBSETTED. */
static void
select_elements(json_object *r, const char *elements)
{
	json_object *meta, *tags, *tag = json_object_new_object();
	char list[256];
	struct json_object_iterator it = json_object_iter_begin(r), end = json_object_iter_end(r);
	const char *drop[64];
	size_t ndrop = 0;

	snprintf(list, sizeof(list), ",%s,", elements);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *name = json_object_iter_peek_name(&it);
		char key[80];

		snprintf(key, sizeof(key), ",%s,", name);
		if (strcmp(name, "resourceType") != 0 && strcmp(name, "id") != 0 && strcmp(name, "meta") != 0 &&
		    strstr(list, key) == NULL && ndrop < 64)
			drop[ndrop++] = name;
	}
	for (size_t i = 0; i < ndrop; i++)
		json_object_object_del(r, drop[i]);
	if (!json_object_object_get_ex(r, "meta", &meta)) {
		meta = json_object_new_object();
		json_object_object_add(r, "meta", meta);
	}
	tags = json_object_new_array();
	json_object_object_add(tag, "system", json_object_new_string(SYSTEM_OBSERVATION_VALUE));
	json_object_object_add(tag, "code", json_object_new_string("SUBSETTED"));
	json_object_array_add(tags, tag);
	json_object_object_add(meta, "tag", tags);
}

/* Call fn with the reference of v: a Reference or an array of them. */
static void
each_reference_of(json_object *v, void (*fn)(void *ctx, const char *ref), void *ctx)
{
	const char *ref;

	if (json_object_is_type(v, json_type_object)) {
		if ((ref = member_text(v, "reference")) != NULL)
			fn(ctx, ref);
		return;
	}
	for (size_t i = 0; json_object_is_type(v, json_type_array) && i < json_object_array_length(v); i++)
		if ((ref = member_text(json_object_array_get_idx(v, i), "reference")) != NULL)
			fn(ctx, ref);
}

/*
 * Call fn with the "Type/id" of each reference of element in resource:
 * "subject" (a Reference or an array of them) or "participant.actor"
 * (the member actor of each object of the array participant).
 */
static void
each_reference(json_object *resource, const char *element, void (*fn)(void *ctx, const char *ref), void *ctx)
{
	const char *dot = strchr(element, '.');
	char outer[32];
	json_object *v, *inner;

	if (dot == NULL) {
		if (json_object_object_get_ex(resource, element, &v))
			each_reference_of(v, fn, ctx);
		return;
	}
	snprintf(outer, sizeof(outer), "%.*s", (int)(dot - element), element);
	if (!json_object_object_get_ex(resource, outer, &v) || !json_object_is_type(v, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(v, i), dot + 1, &inner))
			each_reference_of(inner, fn, ctx);
}

struct include_run {
	struct request *req;
	const struct fhir_include *inc;
	json_object *seen;		/* "Type/id" already in the Bundle */
	json_object *entries;
	json_object *added;		/* the resources included, or NULL */
	char ids[96];			/* for the audit entry */
	size_t n;
};

static void
include_one(void *ctx, const char *ref)
{
	struct include_run *run = ctx;
	const char *slash = strchr(ref, '/');
	char type[32];
	json_object *r;
	int64_t id;

	if (slash == NULL || slash - ref >= (ptrdiff_t)sizeof(type))
		return;
	snprintf(type, sizeof(type), "%.*s", (int)(slash - ref), ref);
	if ((run->inc->target != NULL && strcmp(type, run->inc->target) != 0) ||
	    json_object_object_get_ex(run->seen, ref, NULL) ||
	    fg_parse_int64(slash + 1, "reference", 1, INT64_MAX, &id, NULL) != FG_OK)
		return;
	json_object_object_add(run->seen, ref, NULL);
	r = fhir_resolve(run->req, type, id);
	if (r == NULL)
		return;
	if (run->added != NULL)
		json_object_array_add(run->added, json_object_get(r));
	json_object_array_add(run->entries, entry(run->req, r, "include"));
	if (strcmp(type, "Organization") == 0)	/* not personal data: not audited */
		return;
	run->n++;
	snprintf(run->ids + strlen(run->ids), sizeof(run->ids) - strlen(run->ids), "%s%s", run->n > 1 ? "," : "", ref);
}

/* Mark resource seen; false if it was already. */
static bool
mark_seen(json_object *seen, json_object *resource)
{
	const char *type = member_text(resource, "resourceType"), *id = member_text(resource, "id");
	char key[96];

	if (type == NULL || id == NULL)
		return true;
	snprintf(key, sizeof(key), "%s/%s", type, id);
	if (json_object_object_get_ex(seen, key, NULL))
		return false;
	json_object_object_add(seen, key, NULL);
	return true;
}

/* The resources of from whose type is type, as a new array. */
static json_object *
of_type(json_object *from, const char *type)
{
	json_object *out = json_object_new_array();

	for (size_t i = 0; i < json_object_array_length(from); i++) {
		json_object *r = json_object_array_get_idx(from, i);
		const char *t = member_text(r, "resourceType");

		if (t != NULL && strcmp(t, type) == 0)
			json_object_array_add(out, json_object_get(r));
	}
	return out;
}

/* Follow include inc from the resources of from (of its type), adding what is new to entries and added. */
static void
include_from(struct request *req, const struct fhir_include *inc, json_object *from, json_object *seen,
	     json_object *entries, json_object *added)
{
	struct include_run run = {req, inc, seen, entries, added, "", 0};
	json_object *sources = of_type(from, fg_arena_strndup(req->arena, inc->name, strcspn(inc->name, ":")));

	for (size_t i = 0; i < json_object_array_length(sources); i++)
		each_reference(json_object_array_get_idx(sources, i), inc->element, include_one, &run);
	if (run.n > 0)
		audit_note(req, "read", "ok", "_include=%s&n=%zu&id=%s", inc->name, run.n, run.ids);
	json_object_put(sources);
}

/* Add the resources of revinclude name of spec pointing at those of from, new ones only. */
static void
revinclude_from(struct request *req, const struct fhir_search_spec *spec, const char *name, json_object *from,
		json_object *seen, json_object *entries, json_object *added)
{
	json_object *found = json_object_new_array(), *targets = of_type(from, spec->type);

	if (json_object_array_length(targets) > 0)
		spec->revinclude(req, name, targets, found);
	for (size_t i = 0; i < json_object_array_length(found); i++) {
		json_object *r = json_object_array_get_idx(found, i);

		if (!mark_seen(seen, r))
			continue;
		if (added != NULL)
			json_object_array_add(added, json_object_get(r));
		json_object_array_add(entries, entry(req, json_object_get(r), "include"));
	}
	json_object_put(targets);
	json_object_put(found);
}

/*
 * The :iterate includes and revincludes, applied to the resources of
 * round (the matches and what they included), then to what each round
 * brought, until nothing new comes or MAX_ITERATE rounds.  Takes round.
 */
static void
add_iterated(struct request *req, const struct fhir_paging *paging, json_object *round, json_object *seen,
	     json_object *entries)
{
	for (int depth = 0; depth < MAX_ITERATE && json_object_array_length(round) > 0; depth++) {
		json_object *added = json_object_new_array();

		for (size_t k = 0; k < paging->ninclude_iterate; k++)
			include_from(req, paging->include_iterate[k], round, seen, entries, added);
		for (size_t k = 0; k < paging->nrevinclude_iterate; k++)
			revinclude_from(req, paging->revinclude_iterate_spec[k], paging->revinclude_iterate[k], round,
					seen, entries, added);
		json_object_put(round);
		round = added;
	}
	json_object_put(round);
}

/* The _include and _revinclude resources of the page's matches (and :iterate), appended to entries. */
static void
add_includes(struct request *req, const struct fhir_paging *paging, json_object *matches, json_object *entries)
{
	bool iterate = paging->ninclude_iterate + paging->nrevinclude_iterate > 0;
	json_object *seen = json_object_new_object(), *round = iterate ? json_object_new_array() : NULL;
	size_t n = json_object_array_length(matches);

	for (size_t i = 0; i < n; i++) {
		mark_seen(seen, json_object_array_get_idx(matches, i));
		if (round != NULL)
			json_object_array_add(round, json_object_get(json_object_array_get_idx(matches, i)));
	}
	for (size_t k = 0; k < paging->ninclude; k++)
		include_from(req, paging->include[k], matches, seen, entries, round);
	for (size_t k = 0; k < paging->nrevinclude; k++)
		revinclude_from(req, paging->spec, paging->revinclude[k], matches, seen, entries, round);
	if (round != NULL)
		add_iterated(req, paging, round, seen, entries);
	json_object_put(seen);
}

json_object *
fhir_outcome(const char *severity, const char *code, const char *text, const char *expression)
{
	json_object *oo = json_object_new_object(), *issues = json_object_new_array();
	json_object *issue = json_object_new_object(), *details = json_object_new_object();

	json_object_object_add(oo, "resourceType", json_object_new_string("OperationOutcome"));
	json_object_object_add(issue, "severity", json_object_new_string(severity));
	json_object_object_add(issue, "code", json_object_new_string(code));
	json_object_object_add(details, "text", json_object_new_string(text));
	json_object_object_add(issue, "details", details);
	if (expression != NULL) {
		json_object *expr = json_object_new_array();

		json_object_array_add(expr, json_object_new_string(expression));
		json_object_object_add(issue, "expression", expr);
	}
	json_object_array_add(issues, issue);
	json_object_object_add(oo, "issue", issues);
	return oo;
}

/* An OperationOutcome entry (mode outcome) listing what was ignored. */
static json_object *
ignored_entry(struct request *req, const struct fhir_paging *paging)
{
	char text[640] = "ignored search parameters:";
	json_object *e = json_object_new_object(), *search = json_object_new_object();

	for (size_t i = 0; i < paging->nignored; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s %s", i ? "," : "", paging->ignored[i]);
	json_object_object_add(e, "resource", fhir_outcome("warning", "not-supported", text, NULL));
	json_object_object_add(search, "mode", json_object_new_string("outcome"));
	json_object_object_add(e, "search", search);
	return e;
}

json_object *
fhir_searchset(struct request *req, const char *type, json_object *resources, int64_t total,
	       const struct fhir_paging *paging, const char *const *params)
{
	json_object *b = json_object_new_object(), *entries = json_object_new_array();
	struct link_query query = {paging, paging->spec != NULL ? NULL : params, ""};
	size_t n = json_object_array_length(resources);

	req_query_each(req, link_arg, &query);
	json_object_object_add(b, "resourceType", json_object_new_string("Bundle"));
	json_object_object_add(b, "type", json_object_new_string("searchset"));
	if (paging->total || paging->summary_count)
		json_object_object_add(b, "total", json_object_new_int64(total));
	json_object_object_add(b, "link", fhir_paging_links(req, type, query.text, total, n, paging));
	if (!paging->summary_count) {
		for (size_t i = 0; i < n; i++) {
			json_object *r = json_object_get(json_object_array_get_idx(resources, i));

			if (paging->elements != NULL)
				select_elements(r, paging->elements);
			json_object_array_add(entries, entry(req, r, "match"));
		}
		if (paging->spec != NULL)
			add_includes(req, paging, resources, entries);
	}
	if (paging->nignored > 0)
		json_object_array_add(entries, ignored_entry(req, paging));
	json_object_put(resources);
	if (json_object_array_length(entries) > 0)
		json_object_object_add(b, "entry", entries);
	else
		json_object_put(entries);
	return b;
}

/* Finders of the resources an _include may reach. */
static const struct {
	const char *type;
	json_object *(*find)(struct request *req, int64_t id);
} resolvers[] = {
	{"Patient", fhir_patient_lookup},
	{"Organization", fhir_organization_lookup},
	{"ServiceRequest", fhir_servicerequest_lookup},
	{"Observation", fhir_observation_lookup},
	{"Condition", fhir_condition_lookup},
};

json_object *
fhir_resolve(struct request *req, const char *type, int64_t id)
{
	for (size_t i = 0; i < sizeof(resolvers) / sizeof(resolvers[0]); i++)
		if (strcmp(resolvers[i].type, type) == 0)
			return resolvers[i].find(req, id);
	return NULL;
}
