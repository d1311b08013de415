-- distribute.sql: key the person-level tables of a fangai database on PostgreSQL by
-- district, as a distributed PostgreSQL (Citus) requires, before
-- create_distributed_table (docs/scaling.md, "On Citus").
--
--   psql -v ON_ERROR_STOP=1 -d fangai -f schema/postgresql/distribute.sql
--
-- Citus, like a table partitioned by district, accepts a primary key, a unique key
-- or a foreign key between distributed tables only if it holds the distribution
-- column.  For each person-level table below:
--   - its primary key and unique keys gain district in front: PRIMARY KEY (district, id),
--     with a plain index on its former key (id) for the look-ups by id alone;
--   - a foreign key to another of them becomes (district, column) REFERENCES
--     table (district, id): a person's rows live in the person's district, with the
--     person;
--   - a reference that may cross districts is dropped, not checked by the database:
--     one person to another (a merge, a pair for review) and a death record to its
--     person (registered where the death was, the person where they lived), and
--     the references to the tables that stay on the coordinator (import_batch).
-- Ids stay unique across districts: they come from one identity sequence each.  A
-- resident ID number is then unique within a district; fangai looks it up before
-- registering, across districts.  A merge of two persons of different districts is
-- refused by the keys (docs/scaling.md).
--
-- SQLite and a single PostgreSQL server keep the keys the migrations made.  One
-- transaction: on any error nothing changes.  Run it once, after fangai init (or
-- migrate) and before distributing; a later migration must name the district in
-- any unique key it adds to these tables.
BEGIN;

CREATE TEMPORARY TABLE distributed_table (name text PRIMARY KEY) ON COMMIT DROP;
INSERT INTO distributed_table VALUES
    ('person'), ('person_identifier'), ('person_version'), ('person_merge'), ('link_review'),
    ('source_record'), ('screening_episode'), ('screening_questionnaire'), ('screening_exam'),
    ('tumour'), ('tumour_finding'), ('treatment'), ('followup_plan'), ('followup'),
    ('followup_attempt'), ('referral'), ('referral_event'), ('referral_version'),
    ('consultation'), ('consultation_participant'), ('appointment'), ('death_record'),
    ('population');

-- References that may cross districts: table and column, dropped.
CREATE TEMPORARY TABLE loose_reference (tbl text, col text, PRIMARY KEY (tbl, col)) ON COMMIT DROP;
INSERT INTO loose_reference VALUES
    ('person', 'merged_into'), ('person_merge', 'survivor_id'), ('person_merge', 'merged_id'),
    ('link_review', 'person_a'), ('link_review', 'person_b'), ('death_record', 'person_id');

-- Tables that stay on the coordinator: references to them are dropped.
CREATE TEMPORARY TABLE coordinator_table (name text PRIMARY KEY) ON COMMIT DROP;
INSERT INTO coordinator_table VALUES ('import_batch'), ('import_error'), ('audit_log'),
    ('app_session'), ('login_failure'), ('export_job'), ('export_file');

-- The columns of a constraint or index, in order, quoted and comma-separated.
CREATE FUNCTION pg_temp.key_columns(rel oid, cols int2[]) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
    FROM unnest(cols) WITH ORDINALITY AS k(att, n)
    JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = k.att
$$;

-- The foreign keys among the distributed tables, kept to be made again.
CREATE TEMPORARY TABLE foreign_key ON COMMIT DROP AS
SELECT c.conname, c.conrelid::regclass::text AS tbl, c.confrelid::regclass::text AS ref,
       pg_temp.key_columns(c.conrelid, c.conkey) AS cols,
       pg_temp.key_columns(c.confrelid, c.confkey) AS ref_cols
FROM pg_constraint c
WHERE c.contype = 'f'
  AND c.conrelid::regclass::text IN (SELECT name FROM distributed_table)
  AND c.confrelid::regclass::text IN (SELECT name FROM distributed_table);

DO $$
DECLARE
    r record;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
               WHERE c.conrelid = 'person'::regclass AND c.contype = 'p' AND a.attname = 'district') THEN
        RAISE EXCEPTION 'the person-level tables are keyed by district already'
            USING HINT = 'distribute.sql runs once, after fangai init or migrate.';
    END IF;

    -- 1. Drop the foreign keys among the distributed tables and to the coordinator's.
    FOR r IN
        SELECT c.conname, c.conrelid::regclass::text AS tbl
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND c.conrelid::regclass::text IN (SELECT name FROM distributed_table)
          AND (c.confrelid::regclass::text IN (SELECT name FROM distributed_table)
               OR c.confrelid::regclass::text IN (SELECT name FROM coordinator_table))
    LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;

    -- 2. Primary and unique keys: the district in front.
    FOR r IN
        SELECT c.conname, c.contype, c.conrelid::regclass::text AS tbl,
               pg_temp.key_columns(c.conrelid, c.conkey) AS cols
        FROM pg_constraint c
        WHERE c.contype IN ('p', 'u')
          AND c.conrelid::regclass::text IN (SELECT name FROM distributed_table)
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid
                          AND a.attnum = ANY (c.conkey) AND a.attname = 'district')
    LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I, ADD CONSTRAINT %I %s (district, %s)',
                       r.tbl, r.conname, r.conname,
                       CASE r.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, r.cols);
        -- A row is still read by its id alone (a person, a tumour, a referral...).
        IF r.contype = 'p' THEN
            EXECUTE format('CREATE INDEX %I ON %I (%s)', r.tbl || '_by_key', r.tbl, r.cols);
        END IF;
    END LOOP;

    -- 3. Unique indexes that are no constraint (partial ones): the district in front.
    FOR r IN
        SELECT i.indexrelid::regclass::text AS idx, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        WHERE i.indisunique
          AND i.indrelid::regclass::text IN (SELECT name FROM distributed_table)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid
                          AND a.attnum = ANY (i.indkey) AND a.attname = 'district')
    LOOP
        EXECUTE format('DROP INDEX %s', r.idx);
        EXECUTE regexp_replace(r.def, ' USING btree \(', ' USING btree (district, ');
    END LOOP;

    -- 4. The foreign keys among the distributed tables again, with the district,
    --    but for the references that may cross districts.
    FOR r IN
        SELECT f.* FROM foreign_key f
        WHERE NOT EXISTS (SELECT 1 FROM loose_reference l
                          WHERE l.tbl = f.tbl AND quote_ident(l.col) = f.cols)
    LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (district, %s)'
                       ' REFERENCES %I (district, %s)', r.tbl, r.conname, r.cols, r.ref, r.ref_cols);
    END LOOP;
END
$$;

COMMIT;
