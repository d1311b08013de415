-- 0013_screening_states.sql: the booked step of a screening episode.
--
-- A screening episode moves to "booked" when an appointment is made for
-- its exam (the network's booking); booked_on keeps the day of the first
-- booking, for the booking rate of the indicators.

ALTER TABLE screening_episode ADD COLUMN booked_on TEXT;
