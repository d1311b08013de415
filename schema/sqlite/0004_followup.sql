-- 0004_followup.sql: follow-up contacts and attempts.
--
-- followup rows are the scheduled visits of a plan (0001); a visit is closed by
-- one contact with an outcome.  Attempts that did not reach the patient are kept
-- apart, so that overdue work shows how hard a patient is to reach.

ALTER TABLE followup ADD COLUMN seq INTEGER;             -- visit number within its plan
ALTER TABLE followup ADD COLUMN lost_reason TEXT;        -- for outcome 'lost'
ALTER TABLE followup ADD COLUMN recorded_at TEXT;        -- when the contact was entered (UTC)

CREATE TABLE followup_attempt (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    followup_id     INTEGER NOT NULL REFERENCES followup(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    attempted_on    TEXT NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('phone', 'visit', 'message')),
    note            TEXT
);
CREATE INDEX followup_attempt_visit ON followup_attempt(followup_id);
CREATE INDEX followup_plan_person ON followup_plan(person_id);
