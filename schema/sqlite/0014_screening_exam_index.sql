-- 0014_screening_exam_index.sql: exams indexed by episode only.
--
-- Exams were indexed twice, by episode and by person, and every recorded
-- exam paid for both.  An exam's person is its episode's person, so the
-- exams of a person are found through their episodes (the episodes'
-- index by person, then this one by episode): the person index goes.

DROP INDEX screening_exam_person;
