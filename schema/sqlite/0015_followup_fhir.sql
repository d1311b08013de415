-- 0015_followup_fhir.sql: indexes for reading follow-up plans and contacts
-- by institution (FHIR CarePlan and Encounter searches outside the region).
--
-- A person's plans and visits, and a visit by id, are found through the
-- indexes of 0001 and 0004; an institution's plans by start day, and its
-- contacts by contact day, through these.

CREATE INDEX followup_plan_institution ON followup_plan(institution_id, started_on);
CREATE INDEX followup_contact ON followup(institution_id, contact_date);
