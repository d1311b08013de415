/*
 * server_session.h
 *	  The server's per-thread cache of resolved sessions (server_session.c).
 */
#ifndef FANGAI_SERVER_SESSION_H
#define FANGAI_SERVER_SESSION_H

#include <stdbool.h>

#include "fangai/access.h"
#include "fangai/account.h"

/* How long a session found live in the database is trusted without asking again. */
#define SESSION_CACHE_MS 1000

/*
 * The session and scope of token if this thread resolved it within
 * SESSION_CACHE_MS and no logout happened since; false otherwise.  *gen
 * receives the current generation, to pass to session_cache_put() after
 * asking the database, so that a logout in between is not forgotten.
 */
bool session_cache_get(const char *token, unsigned *gen, struct fg_session *session,
		       struct fg_scope *scope);

/* Remember what the database said about token (asked at generation gen), for this thread. */
void session_cache_put(const char *token, unsigned gen, const struct fg_session *session,
		       const struct fg_scope *scope);

/* Drop every thread's entries (a session ended through the server). */
void session_cache_forget_all(void);

#endif
