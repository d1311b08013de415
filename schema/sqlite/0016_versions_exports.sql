-- 0016_referral_history.sql: the prior versions of each referral, so that FHIR
-- vread and _history of its ServiceRequest and Task can return them.  Before a
-- change bumps referral.version, the row as it was is copied here
-- (lib/network/referral.c, keep_version); the current version stays in referral.
-- The columns are those of referral, under the same names.  Append-only: rows
-- are never updated.
CREATE TABLE referral_version (
    id              INTEGER NOT NULL REFERENCES referral(id),
    version         INTEGER NOT NULL,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL,
    institution_id  INTEGER NOT NULL,
    to_institution_id INTEGER NOT NULL,
    direction       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    report          TEXT,
    tumour_id       INTEGER,
    requested_at    TEXT NOT NULL,
    updated_at      TEXT,                -- when this version was written
    state_at        TEXT,
    accepted_at     TEXT,
    ended_at        TEXT,
    appointment_at  TEXT,
    access_until    TEXT,
    access_revoked_at TEXT,
    access_revoked_reason TEXT,
    PRIMARY KEY (id, version)
);
