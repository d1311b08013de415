-- 0016_versions_exports.sql: the prior versions of each referral, so that FHIR
-- vread and _history of its ServiceRequest and Task can return them; and the FHIR
-- Bulk Data export jobs, so that a restarted server still knows them.
--
-- Referral versions.  Before a
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

-- FHIR Bulk Data export jobs (src/server/fhir_export.c, lib/import/export_job.c): a
-- job is recorded running when it starts and done or failed with its files when it
-- ends, so that its status URL, its files and its cancellation work across a
-- restart of the server.  The files themselves stay on disk in dir.  A cancelled
-- or expired job is deleted with its files.
CREATE TABLE export_job (
    id              TEXT PRIMARY KEY,    -- random hex: the job's name in URLs
    user_id         INTEGER NOT NULL REFERENCES app_user(id),   -- who started it: only they see it
    state           TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    request         TEXT NOT NULL,       -- the kick-off URL
    started_at      TEXT NOT NULL,       -- the manifest's transactionTime (UTC)
    dir             TEXT NOT NULL,       -- the directory of its files
    error           TEXT                 -- why it failed
);
CREATE TABLE export_file (
    job_id          TEXT NOT NULL REFERENCES export_job(id),
    seq             INTEGER NOT NULL,    -- order in the manifest, from 1
    type            TEXT NOT NULL,       -- resource type
    name            TEXT NOT NULL,       -- file name in the job's dir
    resources       INTEGER NOT NULL,    -- lines of the file
    PRIMARY KEY (job_id, seq)
);
