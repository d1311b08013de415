-- 0006_import.sql: bulk import and record linkage.
--
--   import_batch    one run of `fangai import` over a file, with its resume point
--   import_error    the rows a batch refused: row, field, value, reason, detail
--   source_record   the key of each imported record in its source system, so that
--                   importing the same record again updates instead of duplicating
--   link_review     uncertain pairs of persons waiting for a registrar's decision
--   person_merge    merges of duplicate persons, with what is needed to undo them

CREATE TABLE import_batch (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,               -- persons, deaths
    source          TEXT NOT NULL,               -- source system the file comes from
    file_name       TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,               -- size and hash of the file's bytes
    encoding        TEXT NOT NULL,               -- UTF-8, GB18030
    institution_id  INTEGER REFERENCES institution(id),
    skip_bad_rows   INTEGER NOT NULL CHECK (skip_bad_rows IN (0, 1)),
    state           TEXT NOT NULL CHECK (state IN ('running', 'done')),
    rows_done       INTEGER NOT NULL DEFAULT 0,  -- data rows committed: the resume point
    inserted        INTEGER NOT NULL DEFAULT 0,
    matched         INTEGER NOT NULL DEFAULT 0,  -- new source records of known persons
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    started_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX import_batch_file ON import_batch(kind, source, fingerprint, state);

CREATE TABLE import_error (
    id              INTEGER PRIMARY KEY,
    batch_id        INTEGER NOT NULL REFERENCES import_batch(id),
    row             INTEGER NOT NULL,            -- data row, 1-based, header excluded
    line            INTEGER NOT NULL,            -- line of the file where the row starts
    field           TEXT,
    value           TEXT,
    reason          TEXT NOT NULL,
    detail          TEXT
);
CREATE INDEX import_error_batch ON import_error(batch_id, row);

CREATE TABLE source_record (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    institution_id  INTEGER REFERENCES institution(id),
    source          TEXT NOT NULL,
    kind            TEXT NOT NULL,               -- persons, deaths
    source_key      TEXT NOT NULL,
    target_id       INTEGER NOT NULL,            -- person.id or death_record.id
    row_hash        TEXT NOT NULL,               -- of the imported values, to spot changes
    batch_id        INTEGER NOT NULL REFERENCES import_batch(id),
    UNIQUE (source, kind, source_key)
);
CREATE INDEX source_record_target ON source_record(kind, target_id);

CREATE TABLE link_review (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    institution_id  INTEGER REFERENCES institution(id),
    person_a        INTEGER NOT NULL REFERENCES person(id),
    person_b        INTEGER NOT NULL REFERENCES person(id),
    probability     REAL NOT NULL,
    weight          REAL NOT NULL,
    levels          TEXT NOT NULL,               -- field=level;... as compared
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'merged', 'distinct')),
    created_at      TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      TEXT,
    CHECK (person_a < person_b),
    UNIQUE (person_a, person_b)
);
CREATE INDEX link_review_state ON link_review(state);

CREATE TABLE person_merge (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    institution_id  INTEGER REFERENCES institution(id),
    survivor_id     INTEGER NOT NULL REFERENCES person(id),
    merged_id       INTEGER NOT NULL REFERENCES person(id),
    method          TEXT NOT NULL,               -- id_number, probabilistic, review
    probability     REAL,
    moved           TEXT NOT NULL,               -- JSON: table -> ids re-pointed to the survivor
    merged_by       TEXT NOT NULL,
    merged_at       TEXT NOT NULL,
    unmerged_by     TEXT,
    unmerged_at     TEXT
);
CREATE INDEX person_merge_merged ON person_merge(merged_id);
CREATE INDEX person_merge_survivor ON person_merge(survivor_id);

-- Blocking of the duplicate check when a person is registered: same birth date and sex.
CREATE INDEX person_birth_sex ON person(birth_date, sex);
