-- 0001_core.sql: the whole domain of fangai in one schema.
--
-- Conventions (see HACKING.md):
--   * every table has an integer surrogate key `id` and `institution_id`,
--     the institution that owns the row;
--   * every person-level table carries `district` (GB/T 2260 code of the
--     person's residence), the key to distribute it on later;
--   * dates are ISO-8601 text (YYYY-MM-DD), times UTC ISO-8601;
--   * codes follow the national standard named beside the column;
--   * `version` counts updates, for optimistic concurrency.

CREATE TABLE institution (
    id              INTEGER PRIMARY KEY,
    uscc            TEXT NOT NULL UNIQUE,      -- 统一社会信用代码, GB 32100-2015
    name            TEXT NOT NULL,
    name_en         TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('cancer_centre', 'hospital', 'community')),
    parent_id       INTEGER REFERENCES institution(id),
    district        TEXT NOT NULL CHECK (length(district) = 6),
    created_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX institution_parent ON institution(parent_id);

CREATE TABLE person (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL CHECK (length(district) = 6),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),  -- registering institution
    id_type         TEXT NOT NULL DEFAULT '01',  -- WS 364 CV02.01.101 identity document type
    id_number       TEXT,                        -- normalised; NULL when unknown
    name            TEXT NOT NULL,               -- NFC
    name_key        TEXT NOT NULL,               -- simplified, spaces removed, for matching
    sex             TEXT NOT NULL CHECK (sex IN ('0', '1', '2', '9')),  -- GB/T 2261.1
    birth_date      TEXT NOT NULL,
    phone           TEXT,
    address         TEXT,
    vital_status    TEXT NOT NULL DEFAULT 'alive' CHECK (vital_status IN ('alive', 'dead', 'unknown')),
    death_date      TEXT,
    merged_into     INTEGER REFERENCES person(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX person_id_number ON person(id_type, id_number) WHERE id_number IS NOT NULL;
CREATE INDEX person_name_key ON person(name_key, birth_date);
CREATE INDEX person_phone ON person(phone) WHERE phone IS NOT NULL;
CREATE INDEX person_district ON person(district);
CREATE INDEX person_institution ON person(institution_id);

-- Further identity documents of a person (passport, 港澳居民来往内地通行证...).
CREATE TABLE person_identifier (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    id_type         TEXT NOT NULL,               -- WS 364 CV02.01.101
    value           TEXT NOT NULL,
    UNIQUE (id_type, value)
);
CREATE INDEX person_identifier_person ON person_identifier(person_id);

-- Screening programmes are versioned data; rows are never changed once used.
CREATE TABLE screening_programme (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL,               -- lung, breast, cervix ...
    version         TEXT NOT NULL,
    site            TEXT NOT NULL,
    name            TEXT NOT NULL,
    definition      TEXT NOT NULL,               -- the programme file, as loaded
    institution_id  INTEGER REFERENCES institution(id),
    valid_from      TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE screening_episode (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    programme_id    INTEGER NOT NULL REFERENCES screening_programme(id),
    state           TEXT NOT NULL,
    end_code        TEXT,
    started_on      TEXT NOT NULL,
    closed_on       TEXT,
    next_due        TEXT,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX screening_episode_person ON screening_episode(person_id);
CREATE INDEX screening_episode_due ON screening_episode(institution_id, next_due);

CREATE TABLE screening_questionnaire (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    episode_id      INTEGER NOT NULL REFERENCES screening_episode(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    answered_on     TEXT NOT NULL,
    answers         TEXT NOT NULL,               -- JSON object, item -> answer
    high_risk       INTEGER NOT NULL CHECK (high_risk IN (0, 1))
);
CREATE INDEX screening_questionnaire_episode ON screening_questionnaire(episode_id);

CREATE TABLE screening_exam (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    episode_id      INTEGER NOT NULL REFERENCES screening_episode(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    exam_type       TEXT NOT NULL,
    exam_date       TEXT NOT NULL,
    findings        TEXT NOT NULL,               -- JSON, as entered
    scheme          TEXT,                        -- classification scheme and edition
    category        TEXT,
    management      TEXT,
    recall_months   INTEGER,
    positive        INTEGER CHECK (positive IN (0, 1))
);
CREATE INDEX screening_exam_episode ON screening_exam(episode_id);
CREATE INDEX screening_exam_person ON screening_exam(person_id);

CREATE TABLE tumour (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),   -- reporting institution
    incidence_date  TEXT NOT NULL,
    topography      TEXT NOT NULL,               -- ICD-O-3 C00.0-C80.9
    morphology      TEXT NOT NULL,               -- ICD-O-3 four digits
    behaviour       TEXT NOT NULL,               -- ICD-O-3 /0 /1 /2 /3
    grade           TEXT,
    laterality      TEXT,
    basis           TEXT NOT NULL,               -- basis of diagnosis, IACR codes 0-9
    icd10           TEXT,
    tnm_edition     TEXT,
    tnm_t           TEXT,
    tnm_n           TEXT,
    tnm_m           TEXT,
    stage           TEXT,                        -- derived stage group
    figo            TEXT,
    detection       TEXT,                        -- screen, interval, non_participant, unknown
    primary_seq     INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tumour_person ON tumour(person_id);
CREATE INDEX tumour_incidence ON tumour(incidence_date);

CREATE TABLE treatment (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    tumour_id       INTEGER NOT NULL REFERENCES tumour(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    kind            TEXT NOT NULL CHECK (kind IN ('surgery', 'radiotherapy', 'chemotherapy',
                                                  'targeted', 'immunotherapy', 'endocrine', 'other')),
    start_date      TEXT NOT NULL,
    end_date        TEXT
);
CREATE INDEX treatment_tumour ON treatment(tumour_id);

CREATE TABLE referral (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),   -- the referring institution
    to_institution_id INTEGER NOT NULL REFERENCES institution(id),
    direction       TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    kind            TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    report          TEXT,
    tumour_id       INTEGER REFERENCES tumour(id),
    requested_at    TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referral_person ON referral(person_id);
CREATE INDEX referral_to ON referral(to_institution_id, state);

CREATE TABLE referral_event (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    referral_id     INTEGER NOT NULL REFERENCES referral(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    user_id         INTEGER REFERENCES app_user(id),
    state           TEXT NOT NULL,
    at              TEXT NOT NULL,
    note            TEXT
);
CREATE INDEX referral_event_referral ON referral_event(referral_id);

CREATE TABLE consultation (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),   -- requesting institution
    kind            TEXT NOT NULL CHECK (kind IN ('remote', 'mdt')),
    tumour_id       INTEGER REFERENCES tumour(id),
    referral_id     INTEGER REFERENCES referral(id),
    question        TEXT NOT NULL,
    session_at      TEXT,
    conclusion      TEXT,
    state           TEXT NOT NULL,
    requested_at    TEXT NOT NULL
);
CREATE INDEX consultation_person ON consultation(person_id);

CREATE TABLE consultation_participant (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    consultation_id INTEGER NOT NULL REFERENCES consultation(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    user_id         INTEGER REFERENCES app_user(id),
    opinion         TEXT
);

CREATE TABLE schedule (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    service         TEXT NOT NULL,               -- ldct, endoscopy, colonoscopy, mammography ...
    name            TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE slot (
    id              INTEGER PRIMARY KEY,
    schedule_id     INTEGER NOT NULL REFERENCES schedule(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    capacity        INTEGER NOT NULL CHECK (capacity >= 0),
    booked          INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX slot_schedule ON slot(schedule_id, starts_at);

CREATE TABLE appointment (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    slot_id         INTEGER NOT NULL REFERENCES slot(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),   -- booking institution
    state           TEXT NOT NULL,
    referral_id     INTEGER REFERENCES referral(id),
    episode_id      INTEGER REFERENCES screening_episode(id),
    booked_at       TEXT NOT NULL
);
CREATE INDEX appointment_person ON appointment(person_id);
CREATE INDEX appointment_slot ON appointment(slot_id);

CREATE TABLE followup_plan (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    tumour_id       INTEGER REFERENCES tumour(id),
    plan_code       TEXT NOT NULL,
    started_on      TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE followup (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    plan_id         INTEGER NOT NULL REFERENCES followup_plan(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    assigned_user_id INTEGER REFERENCES app_user(id),
    due_date        TEXT NOT NULL,
    contact_date    TEXT,
    method          TEXT,                        -- phone, visit, message, record_linkage
    outcome         TEXT,                        -- alive, recurrence, dead, lost
    death_date      TEXT,
    cause_icd10     TEXT,
    note            TEXT
);
CREATE INDEX followup_due ON followup(institution_id, due_date);
CREATE INDEX followup_person ON followup(person_id);

CREATE TABLE death_record (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    person_id       INTEGER REFERENCES person(id),   -- set once linked
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    id_number       TEXT,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    sex             TEXT NOT NULL,
    birth_date      TEXT,
    death_date      TEXT NOT NULL,
    cause_icd10     TEXT NOT NULL,
    source          TEXT
);
CREATE INDEX death_record_person ON death_record(person_id);
CREATE INDEX death_record_id_number ON death_record(id_number);

-- Population denominators: district x year x sex x age group (19 groups: 0, 1-4, 5-9 ... 85+).
CREATE TABLE population (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    year            INTEGER NOT NULL,
    sex             TEXT NOT NULL CHECK (sex IN ('1', '2')),
    age_group       INTEGER NOT NULL CHECK (age_group BETWEEN 0 AND 18),
    count           INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (district, year, sex, age_group)
);

-- Life tables: probability of death (qx) or rate (mx) by sex, single year of age and calendar year.
CREATE TABLE life_table (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    institution_id  INTEGER REFERENCES institution(id),
    year            INTEGER NOT NULL,
    sex             TEXT NOT NULL CHECK (sex IN ('1', '2')),
    age             INTEGER NOT NULL CHECK (age BETWEEN 0 AND 120),
    qx              REAL,
    mx              REAL,
    UNIQUE (name, year, sex, age)
);

CREATE TABLE app_user (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('screening', 'clinician', 'followup', 'registry',
                                                  'institution_admin', 'system_admin', 'auditor')),
    password_hash   TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    user_id         INTEGER REFERENCES app_user(id),
    institution_id  INTEGER REFERENCES institution(id),
    action          TEXT NOT NULL,
    resource        TEXT NOT NULL,
    result          TEXT NOT NULL,
    client          TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
