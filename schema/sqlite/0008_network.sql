-- 0008_network.sql: the referral network on the tables of 0001: two-way referral as a
-- state machine the database enforces, remote consultation and MDT, the shared
-- appointment platform, and the view of record access that referrals and
-- consultations grant.
--
-- Times of the network (events, slots, sessions) are local wall-clock times of the
-- region, "YYYY-MM-DDTHH:MM", so that they compare as text.

-- Legal transitions of a referral (the same table as lib/network/referral.c, which a
-- unit test compares with this one).  A trigger refuses any other change of state.
CREATE TABLE referral_transition (
    action          TEXT NOT NULL,
    from_state      TEXT NOT NULL,
    to_state        TEXT NOT NULL,
    PRIMARY KEY (from_state, action)
);
INSERT INTO referral_transition (action, from_state, to_state) VALUES
    ('accept',   'requested', 'accepted'),
    ('reject',   'requested', 'rejected'),
    ('cancel',   'requested', 'cancelled'),
    ('schedule', 'accepted',  'scheduled'),
    ('cancel',   'accepted',  'cancelled'),
    ('schedule', 'scheduled', 'scheduled'),
    ('attend',   'scheduled', 'attended'),
    ('cancel',   'scheduled', 'cancelled'),
    ('complete', 'attended',  'completed');

ALTER TABLE referral ADD COLUMN updated_at TEXT;
ALTER TABLE referral ADD COLUMN state_at TEXT;          -- when the current state was entered
ALTER TABLE referral ADD COLUMN accepted_at TEXT;
ALTER TABLE referral ADD COLUMN ended_at TEXT;            -- rejected, completed or cancelled
ALTER TABLE referral ADD COLUMN appointment_at TEXT;      -- when the person is expected
ALTER TABLE referral ADD COLUMN access_until TEXT;        -- end of the record access granted
ALTER TABLE referral ADD COLUMN access_revoked_at TEXT;
ALTER TABLE referral ADD COLUMN access_revoked_reason TEXT;

CREATE TRIGGER referral_state_insert BEFORE INSERT ON referral
    WHEN NEW.state <> 'requested'
    BEGIN SELECT RAISE(ABORT, 'a referral starts in state requested'); END;
CREATE TRIGGER referral_state_update BEFORE UPDATE OF state ON referral
    WHEN NEW.state <> OLD.state AND NOT EXISTS (
        SELECT 1 FROM referral_transition t
        WHERE t.from_state = OLD.state AND t.to_state = NEW.state)
    BEGIN SELECT RAISE(ABORT, 'referral state change is not a legal transition'); END;
CREATE TRIGGER referral_institutions BEFORE INSERT ON referral
    WHEN NEW.institution_id = NEW.to_institution_id
    BEGIN SELECT RAISE(ABORT, 'a referral goes to another institution'); END;
CREATE INDEX referral_state ON referral(state, to_institution_id);
CREATE INDEX referral_from ON referral(institution_id, state);

-- Each event: the action, the states before and after, who (a user, once accounts
-- exist, or a free-text actor), why, and when.
ALTER TABLE referral_event ADD COLUMN action TEXT;
ALTER TABLE referral_event ADD COLUMN from_state TEXT;
ALTER TABLE referral_event ADD COLUMN actor TEXT;
ALTER TABLE referral_event ADD COLUMN reason TEXT;
ALTER TABLE referral_event ADD COLUMN recorded_at TEXT;   -- UTC, when it was entered

ALTER TABLE consultation ADD COLUMN updated_at TEXT;
ALTER TABLE consultation ADD COLUMN concluded_at TEXT;
ALTER TABLE consultation ADD COLUMN ended_at TEXT;
ALTER TABLE consultation ADD COLUMN requested_by TEXT;    -- actor or user
ALTER TABLE consultation ADD COLUMN cancel_reason TEXT;
CREATE TRIGGER consultation_state_check BEFORE UPDATE OF state ON consultation
    WHEN NEW.state NOT IN ('requested', 'scheduled', 'concluded', 'cancelled')
      OR OLD.state IN ('concluded', 'cancelled')
    BEGIN SELECT RAISE(ABORT, 'consultation state change is not a legal transition'); END;

ALTER TABLE consultation_participant ADD COLUMN expert TEXT;      -- name, until accounts exist
ALTER TABLE consultation_participant ADD COLUMN specialty TEXT;
ALTER TABLE consultation_participant ADD COLUMN invited_at TEXT;
ALTER TABLE consultation_participant ADD COLUMN opinion_at TEXT;
CREATE INDEX consultation_participant_consultation ON consultation_participant(consultation_id);
CREATE INDEX consultation_state ON consultation(state, institution_id);

CREATE TRIGGER schedule_service_check BEFORE INSERT ON schedule
    WHEN NEW.service NOT IN ('ldct', 'endoscopy', 'colonoscopy', 'mammography', 'ultrasound', 'clinic')
    BEGIN SELECT RAISE(ABORT, 'unknown service of a schedule'); END;
CREATE INDEX schedule_institution ON schedule(institution_id, service);
CREATE TRIGGER slot_times_check BEFORE INSERT ON slot
    WHEN NEW.ends_at <= NEW.starts_at
    BEGIN SELECT RAISE(ABORT, 'a slot ends after it starts'); END;
CREATE INDEX slot_starts ON slot(starts_at);

-- Appointments: one live appointment of a person per slot, whatever the concurrency;
-- the count of live appointments is slot.booked, kept by the conditional UPDATE of
-- the booking transaction and bounded by slot's CHECK (booked <= capacity).
ALTER TABLE appointment ADD COLUMN updated_at TEXT;
ALTER TABLE appointment ADD COLUMN note TEXT;
ALTER TABLE appointment ADD COLUMN reminded_at TEXT;
CREATE UNIQUE INDEX appointment_live_once ON appointment(slot_id, person_id)
    WHERE state IN ('booked', 'attended', 'no_show');
CREATE TRIGGER appointment_state_insert BEFORE INSERT ON appointment
    WHEN NEW.state <> 'booked'
    BEGIN SELECT RAISE(ABORT, 'an appointment starts in state booked'); END;
CREATE TRIGGER appointment_state_update BEFORE UPDATE OF state ON appointment
    WHEN NEW.state <> OLD.state AND (OLD.state <> 'booked'
      OR NEW.state NOT IN ('cancelled', 'attended', 'no_show'))
    BEGIN SELECT RAISE(ABORT, 'appointment state change is not a legal transition'); END;
CREATE INDEX appointment_referral ON appointment(referral_id) WHERE referral_id IS NOT NULL;

-- Record access granted by the network: the receiving institution of an accepted
-- referral, until the referral ends, its access is revoked or access_until passes;
-- each institution of a participant of an open consultation, until it ends.
-- A grant is in force while its row is here and the time is before ends_at.
CREATE VIEW access_grant AS
    SELECT r.to_institution_id AS institution_id, r.person_id AS person_id,
           'referral' AS source, r.id AS source_id,
           r.accepted_at AS granted_at, r.access_until AS ends_at
    FROM referral r
    WHERE r.state IN ('accepted', 'scheduled', 'attended') AND r.access_revoked_at IS NULL
    UNION ALL
    SELECT DISTINCT p.institution_id, c.person_id, 'consultation', c.id,
           c.requested_at, NULL
    FROM consultation c JOIN consultation_participant p ON p.consultation_id = c.id
    WHERE c.state IN ('requested', 'scheduled') AND p.institution_id <> c.institution_id;
