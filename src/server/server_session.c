/*
 * server_session.c
 *	  A short-lived cache of resolved sessions, one per worker thread, so
 *	  that a client sending many requests with one token costs one session
 *	  and scope lookup a second instead of two queries a request.
 *
 * An entry is trusted for SESSION_CACHE_MS after the database said the
 * session was live; then the session is checked (and marked used) again.
 * A logout through this server ends the cached entries of every thread at
 * once (a generation counter); a session ended from outside the server
 * (fangai user passwd, a deactivation) stops working within that time.
 * The cache is per thread, so lookups take no lock.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "fangai/crypto.h"
#include "server.h"
#include "server_session.h"

#define SESSION_SLOTS 64

struct cached_session {
	char token[FG_SECRET_TEXT];
	struct fg_session session;
	struct fg_scope scope;
	int64_t checked_ms;		/* monotonic time of the database check */
	unsigned generation;
};

static atomic_uint generation = 1;
static _Thread_local struct cached_session slots[SESSION_SLOTS];

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a of the token picks its slot. */
static struct cached_session *
slot_of(const char *token)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)token; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &slots[h % SESSION_SLOTS];
}

bool
session_cache_get(const char *token, unsigned *gen, struct fg_session *session,
		  struct fg_scope *scope)
{
	struct cached_session *c;

	*gen = atomic_load(&generation);
	if (token == NULL || strlen(token) != FG_SECRET_TEXT - 1)
		return false;
	c = slot_of(token);
	if (c->generation != *gen || c->token[0] == '\0' ||
	    monotonic_ms() - c->checked_ms >= SESSION_CACHE_MS || !fg_secret_equal(c->token, token))
		return false;
	*session = c->session;
	*scope = c->scope;
	return true;
}

void
session_cache_put(const char *token, unsigned gen, const struct fg_session *session,
		  const struct fg_scope *scope)
{
	struct cached_session *c;

	if (token == NULL || strlen(token) != FG_SECRET_TEXT - 1)
		return;
	c = slot_of(token);
	memcpy(c->token, token, FG_SECRET_TEXT);
	c->session = *session;
	c->scope = *scope;
	c->checked_ms = monotonic_ms();
	c->generation = gen;
}

void
session_cache_forget_all(void)
{
	atomic_fetch_add(&generation, 1);
}
