-- 0005_server.sql: what the platform server keeps about its users besides
-- app_user and audit_log (0001): sessions and bearer tokens, failed logins
-- for back-off.
--
-- Secrets are never stored: a session or token is kept as the SHA-256 of
-- the random value handed to the client.

CREATE TABLE app_session (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the secret
    user_id         INTEGER NOT NULL REFERENCES app_user(id),
    kind            TEXT NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    csrf_token      TEXT,                        -- cookie sessions only
    client          TEXT,                        -- address it was created from
    created_at      INTEGER NOT NULL,            -- Unix seconds
    last_seen       INTEGER NOT NULL,
    ended_at        INTEGER                      -- logout; NULL while live
);
CREATE INDEX app_session_user ON app_session(user_id);

-- Failed logins by user name, for exponential back-off; cleared by a success.
CREATE TABLE login_failure (
    username        TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure    INTEGER NOT NULL             -- Unix seconds
);

CREATE INDEX audit_log_user ON audit_log(user_id);
