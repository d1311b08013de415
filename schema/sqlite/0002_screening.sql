-- 0002_screening.sql: the screening pathway of an episode, for worklists and
-- indicators.
--
-- An episode follows one person through one round of one programme version:
-- eligible -> invited -> questionnaire (high risk or not) -> screened ->
-- positive / recalled / referred -> diagnosed -> closed with an end code.
-- Each step's date is kept, so that indicators and the failsafe list need
-- no history table.  Sex and age at enrolment are copied from the person
-- for grouping.

ALTER TABLE screening_episode ADD COLUMN sex TEXT;              -- GB/T 2261.1 at enrolment
ALTER TABLE screening_episode ADD COLUMN age INTEGER;           -- completed years at enrolment
ALTER TABLE screening_episode ADD COLUMN invited_on TEXT;
ALTER TABLE screening_episode ADD COLUMN assessed_on TEXT;      -- risk questionnaire done
ALTER TABLE screening_episode ADD COLUMN high_risk INTEGER CHECK (high_risk IN (0, 1));
ALTER TABLE screening_episode ADD COLUMN screened_on TEXT;      -- first clinical exam
ALTER TABLE screening_episode ADD COLUMN positive_on TEXT;      -- first positive result
ALTER TABLE screening_episode ADD COLUMN recalled_on TEXT;      -- first early recall
ALTER TABLE screening_episode ADD COLUMN referred_on TEXT;      -- first result needing diagnosis
ALTER TABLE screening_episode ADD COLUMN diagnosed_on TEXT;
ALTER TABLE screening_episode ADD COLUMN diagnosis TEXT
    CHECK (diagnosis IN ('negative', 'benign', 'precursor', 'cancer'));
ALTER TABLE screening_episode ADD COLUMN stage TEXT;            -- stage group of a cancer
ALTER TABLE screening_episode ADD COLUMN early INTEGER CHECK (early IN (0, 1));

CREATE INDEX screening_episode_programme ON screening_episode(programme_id, started_on);
CREATE INDEX screening_episode_open ON screening_episode(person_id, programme_id, closed_on);
CREATE INDEX screening_episode_referred ON screening_episode(institution_id, referred_on)
    WHERE referred_on IS NOT NULL AND diagnosed_on IS NULL;

ALTER TABLE screening_exam ADD COLUMN referral INTEGER CHECK (referral IN (0, 1));
