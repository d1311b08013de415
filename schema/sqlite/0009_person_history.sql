-- 0009_person_history.sql: the prior versions of each person, so that FHIR vread
-- and _history can return them.  Before a change bumps person.version, the row as
-- it was is copied here (lib/person/person.c, fg_person_keep_version); the
-- current version stays in person.  Append-only: rows are never updated.
CREATE TABLE person_version (
    person_id       INTEGER NOT NULL REFERENCES person(id),
    version         INTEGER NOT NULL,
    district        TEXT NOT NULL,
    institution_id  INTEGER NOT NULL,
    id_type         TEXT NOT NULL,
    id_number       TEXT,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    sex             TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    phone           TEXT,
    address         TEXT,
    vital_status    TEXT NOT NULL,
    death_date      TEXT,
    merged_into     INTEGER,
    updated_at      TEXT NOT NULL,       -- when this version was written
    replaced_at     TEXT NOT NULL,       -- when the next one replaced it
    PRIMARY KEY (person_id, version)
);
CREATE INDEX person_version_updated ON person_version(updated_at);
