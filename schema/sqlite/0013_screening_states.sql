-- 0013_screening_states.sql: the booked step of a screening episode.
--
-- A screening episode moves to "booked" when an appointment is made for
-- its exam (the network's booking); booked_on keeps the day of the first
-- booking, for the booking rate of the indicators.

ALTER TABLE screening_episode ADD COLUMN booked_on TEXT;

-- The screening tally: the episodes counted by programme version,
-- institution, year of enrolment, sex, age, the pathway steps reached
-- (flags: 1 invited, 2 assessed, 4 high risk, 8 booked, 16 screened,
-- 32 positive, 64 recalled, 128 referred), the diagnosis and the early
-- flag.  Maintained by the library on every write of an episode, so that
-- indicators read a few thousand rows instead of every episode.  Filled
-- here from the episodes already stored.
CREATE TABLE screening_tally (
    programme_id    INTEGER NOT NULL REFERENCES screening_programme(id),
    institution_id  INTEGER NOT NULL,
    year            INTEGER NOT NULL,
    sex             TEXT NOT NULL,
    age             INTEGER NOT NULL,
    flags           INTEGER NOT NULL,
    diagnosis       TEXT NOT NULL,                -- '' before a diagnosis
    early           INTEGER NOT NULL,
    n               INTEGER NOT NULL,
    UNIQUE (programme_id, institution_id, year, sex, age, flags, diagnosis, early)
);

INSERT INTO screening_tally (programme_id, institution_id, year, sex, age, flags, diagnosis, early, n)
SELECT programme_id, institution_id, CAST(substr(started_on, 1, 4) AS INTEGER), coalesce(sex, '0'),
       coalesce(age, 0),
       (CASE WHEN invited_on IS NULL THEN 0 ELSE 1 END) + (CASE WHEN assessed_on IS NULL THEN 0 ELSE 2 END)
       + (CASE WHEN high_risk = 1 THEN 4 ELSE 0 END) + (CASE WHEN booked_on IS NULL THEN 0 ELSE 8 END)
       + (CASE WHEN screened_on IS NULL THEN 0 ELSE 16 END) + (CASE WHEN positive_on IS NULL THEN 0 ELSE 32 END)
       + (CASE WHEN recalled_on IS NULL THEN 0 ELSE 64 END) + (CASE WHEN referred_on IS NULL THEN 0 ELSE 128 END),
       coalesce(diagnosis, ''), coalesce(early, 0), count(*)
FROM screening_episode
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- The diagnosed positives, read one by one for the time to diagnosis.
CREATE INDEX screening_episode_diagnosed ON screening_episode(programme_id, diagnosed_on)
    WHERE positive_on IS NOT NULL AND diagnosed_on IS NOT NULL;
