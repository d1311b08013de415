-- 0017_person_birth_name.sql: the duplicate check at registration
-- (lib/linkage/registry.c, fg_link_registry_check) narrows the persons sharing a
-- birth date and sex to those whose name key shares its first (surname) or its
-- last character.  With the name key in the index, that test is made on the
-- index entries, and only the few persons passing it are read: at 10,000,000
-- persons about 140 share a birth date and sex.  The index replaces
-- person_birth_sex (0006), of which it is an extension.
CREATE INDEX person_birth_sex_name ON person(birth_date, sex, name_key);
DROP INDEX person_birth_sex;
