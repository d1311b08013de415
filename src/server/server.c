/*
 * server.c
 *	  The HTTP core of "fangai serve" on libmicrohttpd: limits answered
 *	  early (413, 414, 431, 503), one store per worker thread, sessions,
 *	  dispatch through the route table, audit before the reply, and a
 *	  graceful stop on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fangai/log.h"
#include "fangai/util.h"
#include "server.h"
#include "server_audit.h"
#include "server_session.h"

#define MAX_WORKER_STORES 256
#define ARENA_CAP (64u << 20)
#define STOP_GRACE_SECONDS 10

struct conn_ctx {
	struct request req;
	struct fg_arena arena;
	char *body;
	size_t body_len, body_cap;
	bool too_large;
	atomic_bool ready;		/* the audit is written; the reply may go */
	bool audit_failed;
	bool working;			/* counted in `working` */
};

/*
 * Requests begun (headers read, until the reply is sent), which a graceful
 * stop waits for; and requests at work (their body read, being handled or
 * waiting for their audit entry), which --max-inflight limits.  A body
 * still arriving holds no working slot, so slow uploads cannot starve the
 * others: they are bounded by the connection limits and the timeout.
 */
static atomic_int inflight;
static atomic_int working;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local unsigned write_depth;	/* nested server_write_lock() calls of this thread */
static const struct server_config *config;

/* Worker stores: opened on a thread's first request, closed after the daemon stops. */
static _Thread_local fg_store *worker_store;
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static fg_store *stores[MAX_WORKER_STORES];
static int nstores;

void
server_write_lock(void)
{
	if (write_depth++ == 0)
		pthread_mutex_lock(&write_lock);
}

void
server_write_unlock(void)
{
	if (--write_depth == 0)
		pthread_mutex_unlock(&write_lock);
}

/*
 * Workers leave checkpoints to the checkpointer (server_audit.c), so that
 * no request waits for one.  No memory map: SQLite drops a connection's
 * pages (and unmaps its map) whenever another connection has committed,
 * which the audit writer does many times a second, and unmapping costs
 * more than reading the few pages of a lookup again.
 */
static fg_rc
tune_store(fg_store *store, struct fg_error *err)
{
	return audit_no_autocheckpoint(store, err);
}

static fg_store *
thread_store(void)
{
	struct fg_store_options opts = {.durable = true};
	struct fg_error err;
	fg_store *store = NULL;

	if (worker_store != NULL)
		return worker_store;
	fg_error_clear(&err);
	pthread_mutex_lock(&stores_lock);
	if (nstores < MAX_WORKER_STORES && fg_store_open(config->db, &opts, &store, &err) == FG_OK &&
	    tune_store(store, &err) == FG_OK)
		stores[nstores++] = store;
	else {
		fg_log(FG_LOG_ERROR, "could not open a store for a worker: %s", err.message);
		fg_store_close(store);
		store = NULL;
	}
	pthread_mutex_unlock(&stores_lock);
	worker_store = store;
	return store;
}

static void
close_stores(void)
{
	for (int i = 0; i < nstores; i++)
		fg_store_close(stores[i]);
	nstores = 0;
}

/* A response sending the whole of the request's reply file, which it takes; NULL on failure. */
static struct MHD_Response *
file_response(struct request *req)
{
	struct MHD_Response *resp = NULL;
	struct stat st;
	int fd;

	fd = fflush(req->reply_file) == 0 ? dup(fileno(req->reply_file)) : -1;
	request_release(req);
	if (fd >= 0 && fstat(fd, &st) == 0)
		resp = MHD_create_response_from_fd((size_t)st.st_size, fd);	/* closes fd */
	if (resp == NULL && fd >= 0)
		close(fd);
	return resp;
}

static enum MHD_Result
send_reply(struct request *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = req->reply_file != NULL ? file_response(req)
				       : MHD_create_response_from_buffer(req->reply_len, req->reply,
									 MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < req->nheaders; i++)
		MHD_add_response_header(resp, req->headers[i][0], req->headers[i][1]);
	if (MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL) == NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(req->conn, req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* An error answered before the request reached a handler (limits, overload). */
static enum MHD_Result
send_early(struct conn_ctx *ctx, unsigned status, const char *field, const char *message,
	   const char *hint)
{
	struct request *req = &ctx->req;

	reply_error(req, status, field, message, NULL, hint);
	return send_reply(req);
}

static void
client_address(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	fg_strlcpy(out, "unknown", size);
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

/* Split pattern and path into segments and match; captures go into req->params. */
static bool
route_match(const char *pattern, const char *path, struct request *req)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		const char *pe = strchr(p + 1, '/'), *se = strchr(s + 1, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);

		if (p[0] != '/' || s[0] != '/')
			return false;
		if (pl > 2 && p[1] == '{') {
			if (sl < 2 || n == REQUEST_MAX_PARAMS)
				return false;
			req->params[n++] = fg_arena_strndup(req->arena, s + 1, sl - 1);
		} else if (pl != sl || strncmp(p, s, pl) != 0)
			return false;
		p += pl;
		s += sl;
	}
	return *p == '\0' && *s == '\0';
}

const char *
req_session_token(const struct request *req, bool *cookie)
{
	const char *auth = req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);

	*cookie = false;
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	*cookie = true;
	return req->lookup(req, REQUEST_COOKIE, "fg_session");
}

/* The lookup of requests that came over HTTP: libmicrohttpd parsed them. */
static const char *
connection_value(const struct request *req, enum request_value kind, const char *name)
{
	static const enum MHD_ValueKind kinds[] = {
		[REQUEST_HEADER] = MHD_HEADER_KIND,
		[REQUEST_QUERY] = MHD_GET_ARGUMENT_KIND,
		[REQUEST_COOKIE] = MHD_COOKIE_KIND,
	};

	return MHD_lookup_connection_value(req->conn, kinds[kind], name);
}

static bool
method_is_safe(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* Resolve the session of the request; replies 401/403 and returns false when refused. */
static bool
authenticate(struct request *req)
{
	struct fg_error err;
	bool cookie;
	const char *token = req_session_token(req, &cookie);
	const char *csrf;
	unsigned gen;
	fg_rc rc;

	if (token == NULL) {
		reply_error(req, 401, "session", "login required", NULL,
			    "Log in with POST /api/login and send the session cookie or a bearer token.");
		return false;
	}
	if (session_cache_get(token, &gen, &req->session, &req->scope))
		rc = FG_OK;
	else {
		rc = fg_session_check(req->store, token, &req->config->policy, (int64_t)time(NULL),
				      &req->session, &err);
		if (rc == FG_OK)
			rc = fg_scope_for(req->store, &req->session.user, &req->scope, &err);
		if (rc == FG_OK)
			session_cache_put(token, gen, &req->session, &req->scope);
	}
	if (rc == FG_OK && strcmp(req->session.kind, cookie ? "cookie" : "bearer") != 0)
		rc = fg_error_set(&err, FG_NOTFOUND, "session", "session is not valid");
	if (rc == FG_NOTFOUND) {
		reply_error(req, 401, "session", "session is not valid", "It has ended, expired or never existed.",
			    "Log in again.");
		return false;
	}
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return false;
	}
	req->authenticated = true;
	if (cookie && !method_is_safe(req->method)) {
		csrf = req_header(req, "X-CSRF-Token");
		if (csrf == NULL || !fg_secret_equal(csrf, req->session.csrf)) {
			reply_error(req, 403, "X-CSRF-Token", "CSRF token missing or wrong", NULL,
				    "Send the csrf_token given at login in the X-CSRF-Token header.");
			audit_note(req, "csrf", "denied", "%s %s", req->method, req->path);
			return false;
		}
	}
	return true;
}

void
server_dispatch(struct request *req)
{
	const struct route *found = NULL;
	char allow[64] = "";

	for (const struct route *r = server_routes; r->method; r++) {
		if (!route_match(r->pattern, req->path, req))
			continue;
		req->fhir = r->fhir;
		if (strcmp(r->method, req->method) == 0) {
			found = r;
			break;
		}
		snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
			 allow[0] ? ", " : "", r->method);
	}
	if (found == NULL && allow[0] == '\0' && static_serve(req))
		return;
	if (found == NULL) {
		req->fhir = strncmp(req->path, "/fhir/", 6) == 0 || strcmp(req->path, "/fhir") == 0;
		if (allow[0]) {
			reply_error(req, 405, NULL, "method not allowed", NULL, NULL);
			reply_header(req, MHD_HTTP_HEADER_ALLOW, fg_arena_strdup(req->arena, allow));
		} else
			reply_error(req, 404, NULL, "no such resource", NULL, NULL);
		return;
	}
	if (found->access == ROUTE_USER) {
		if (!req->authenticated && !authenticate(req))
			return;
		if (found->caps != 0 && !fg_scope_can(&req->scope, found->caps)) {
			reply_error(req, 403, NULL, "role may not do this", NULL, NULL);
			audit_note(req, "access", "denied", "%s %s", req->method, req->path);
			return;
		}
	}
	found->handler(req);
	if (req->status == 0)
		reply_error(req, 500, NULL, "request was not answered", NULL, NULL);
}

static void
ctx_free(struct conn_ctx *ctx)
{
	request_release(&ctx->req);
	fg_arena_free(&ctx->arena);
	free(ctx->body);
	free(ctx);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;

	if (ctx == NULL)
		return;
	if (ctx->working)
		atomic_fetch_sub(&working, 1);
	ctx_free(ctx);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

/* Called by the audit writer once the request's entries are stored (or not). */
static void
on_audited(struct request *req, bool ok)
{
	struct conn_ctx *ctx = (struct conn_ctx *)req;

	ctx->audit_failed = !ok;
	atomic_store(&ctx->ready, true);
	MHD_resume_connection(req->conn);
}

static enum MHD_Result
send_request_reply(struct conn_ctx *ctx)
{
	struct request *req = &ctx->req;

	if (ctx->audit_failed) {
		req->nheaders = 0;
		reply_error(req, 503, NULL, "could not write the audit log", NULL, "Try again later.");
		reply_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "5");
	}
	return send_reply(req);
}

static struct conn_ctx *
ctx_new(struct MHD_Connection *conn, const char *url, const char *method)
{
	struct conn_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	fg_arena_init(&ctx->arena, ARENA_CAP);
	ctx->req.config = config;
	ctx->req.conn = conn;
	ctx->req.lookup = connection_value;
	ctx->req.arena = &ctx->arena;
	ctx->req.method = fg_arena_strdup(&ctx->arena, method);
	ctx->req.path = fg_arena_strdup(&ctx->arena, url);
	ctx->req.fhir = strncmp(url, "/fhir", 5) == 0;
	client_address(conn, ctx->req.client, sizeof(ctx->req.client));
	if (ctx->req.method == NULL || ctx->req.path == NULL) {
		ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

static enum MHD_Result
send_busy(struct conn_ctx *ctx)
{
	reply_header(&ctx->req, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	return send_early(ctx, 503, NULL, "server is busy", "Retry after a second.");
}

/* First call for a request: answer overload and oversized bodies before reading them. */
static enum MHD_Result
on_headers(struct conn_ctx *ctx)
{
	const char *length = req_header(&ctx->req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int64_t n = 0;

	atomic_fetch_add(&inflight, 1);
	if (atomic_load(&working) >= (int)config->max_inflight)
		return send_busy(ctx);
	if (length != NULL && (fg_parse_int64(length, "Content-Length", 0, INT64_MAX, &n, NULL) != FG_OK ||
			       (uint64_t)n > config->max_body)) {
		ctx->too_large = true;
		return send_early(ctx, 413, "body", "request body is too large",
				  "Send at most the server's body limit.");
	}
	return MHD_YES;
}

static void
take_body(struct conn_ctx *ctx, const char *data, size_t size)
{
	size_t need = ctx->body_len + size + 1;
	char *grown;

	if (ctx->too_large || need > config->max_body + 1) {
		ctx->too_large = true;
		return;
	}
	if (need > ctx->body_cap) {
		size_t cap = ctx->body_cap ? ctx->body_cap : 4096;

		while (cap < need)
			cap *= 2;
		grown = realloc(ctx->body, cap);
		if (grown == NULL) {
			ctx->too_large = true;
			return;
		}
		ctx->body = grown;
		ctx->body_cap = cap;
	}
	memcpy(ctx->body + ctx->body_len, data, size);
	ctx->body_len += size;
	ctx->body[ctx->body_len] = '\0';
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct conn_ctx *ctx = *con_cls;
	struct request *req;

	if (ctx == NULL) {
		ctx = ctx_new(conn, url, method);
		if (ctx == NULL)
			return MHD_NO;
		*con_cls = ctx;
		return on_headers(ctx);
	}
	req = &ctx->req;
	if (atomic_load(&ctx->ready))
		return send_request_reply(ctx);
	if (*upload_data_size > 0) {
		take_body(ctx, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->too_large)
		return send_early(ctx, 413, "body", "request body is too large", NULL);
	ctx->working = true;
	if (atomic_fetch_add(&working, 1) >= (int)config->max_inflight)
		return send_busy(ctx);
	req->body = ctx->body;
	req->body_len = ctx->body_len;
	req->store = thread_store();
	if (req->store == NULL) {
		reply_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "5");
		return send_early(ctx, 503, NULL, "database is unavailable", NULL);
	}
	server_dispatch(req);
	if (req->naudit == 0 || req->audit_written)
		return send_request_reply(ctx);
	MHD_suspend_connection(conn);
	audit_queue_submit(req, on_audited);
	return MHD_YES;
}

static void FG_PRINTF(2, 0)
log_mhd(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	fg_log(FG_LOG_DEBUG, "http: %s", buf);
}

static struct MHD_Daemon *
start_daemon(const struct server_config *cfg, struct sockaddr_in *addr)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr,
				MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
				MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_address,
				MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_head,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
				MHD_OPTION_END);
}

static bool
write_port_file(const char *path, unsigned port)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return false;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0)
		return false;
	return rename(tmp, path) == 0;
}

static void
wait_for_idle(void)
{
	for (int i = 0; i < STOP_GRACE_SECONDS * 20 && atomic_load(&inflight) > 0; i++)
		usleep(50000);
}

int
server_run(const struct server_config *cfg)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *daemon = NULL;
	MHD_socket listener;
	struct fg_error err;
	sigset_t stop;
	unsigned port;
	int sig = 0, status = 2;

	config = cfg;
	if (inet_pton(AF_INET, cfg->address, &addr.sin_addr) != 1) {
		fprintf(stderr, "fangai: error: invalid listen address \"%s\"\n", cfg->address);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (audit_queue_start(cfg->db, cfg->audit_sync_os, &err) != FG_OK) {
		fprintf(stderr, "fangai: error: %s\n", err.message);
		return 2;
	}
	daemon = start_daemon(cfg, &addr);
	if (daemon == NULL) {
		fprintf(stderr, "fangai: error: could not listen on %s:%u\n", cfg->address, cfg->port);
		goto out;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : cfg->port;
	if (cfg->port_file && !write_port_file(cfg->port_file, port)) {
		fprintf(stderr, "fangai: error: could not write port file \"%s\"\n", cfg->port_file);
		goto out;
	}
	fprintf(stderr, "fangai: serving %s on http://%s:%u/ with %u threads\n", cfg->db,
		cfg->address, port, cfg->threads);
	sigwait(&stop, &sig);
	fprintf(stderr, "fangai: signal %d: finishing requests in progress\n", sig);
	listener = MHD_quiesce_daemon(daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	wait_for_idle();
	status = 0;
out:
	if (daemon != NULL)
		MHD_stop_daemon(daemon);
	audit_queue_stop();
	close_stores();
	if (status == 0)
		fprintf(stderr, "fangai: stopped\n");
	return status;
}
