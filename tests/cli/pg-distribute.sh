#!/usr/bin/env bash
# tests/cli/pg-distribute.sh: schema/postgresql/distribute.sql keys the
# person-level tables by district, as Citus requires: every primary, unique
# and foreign key among them holds the district (checked in the catalog, and
# by PostgreSQL itself, which refuses a table partitioned by district whose
# unique keys lack it -- as it did before the script), the script runs once,
# and the platform works on the database it leaves: registration, matching,
# import and re-import, duplicate scan, merge and un-merge, statistics.
# backends: postgresql
. "$(dirname "$0")/../lib/tap.sh"

pg_only
SCRIPT="$(cd "$(dirname "$0")/../.." && pwd)/schema/postgresql/distribute.sql"
TABLES="'person', 'person_identifier', 'person_version', 'person_merge', 'link_review',
	'source_record', 'screening_episode', 'screening_questionnaire', 'screening_exam', 'tumour',
	'tumour_finding', 'treatment', 'followup_plan', 'followup', 'followup_attempt', 'referral',
	'referral_event', 'referral_version', 'consultation', 'consultation_participant', 'appointment',
	'death_record', 'population'"
distribute() { psql -X -q -v ON_ERROR_STOP=1 -d "$FANGAI_DB" -f "$SCRIPT"; }
# partitioned TABLE: a copy of TABLE with all its keys and indexes, partitioned by district.
partitioned() {
	sql "CREATE TABLE ${1}_part (LIKE $1 INCLUDING ALL) PARTITION BY LIST (district);
	     DROP TABLE ${1}_part"
}

"$F" init >/dev/null && "$F" synth --persons 600 --seed 5 --screening --network --registry --quiet >/dev/null
tap $? "synthetic city with screening, the network and the registry"
"$F" link synth --persons 600 --duplicates 0.1 --seed 5 | cut -d, -f1,3-8 >"$WORK/his.csv"
"$F" import persons "$WORK/his.csv" --institution 1 --source his --skip-bad-rows --quiet >/dev/null
tap $? "a hospital's export with duplicates imported"

partitioned person 2>"$WORK/err"
tap $((!$?)) "before: PostgreSQL refuses person partitioned by district"
grep -q "unique constraint on partitioned table must include all partitioning columns" "$WORK/err"
tap $? "because its unique keys lack the district"

expect_status 0 "distribute.sql runs" distribute
expect_equal "every primary and unique key of the 23 tables holds the district" 0 \
	"$(sql "SELECT count(*) FROM pg_index i WHERE i.indisunique AND i.indrelid::regclass::text IN ($TABLES)
	        AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid
	                        AND a.attnum = ANY (i.indkey) AND a.attname = 'district')")"
expect_equal "every foreign key among them holds it" 0 \
	"$(sql "SELECT count(*) FROM pg_constraint c WHERE c.contype = 'f'
	        AND c.conrelid::regclass::text IN ($TABLES) AND c.confrelid::regclass::text IN ($TABLES)
	        AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid
	                        AND a.attnum = ANY (c.conkey) AND a.attname = 'district')")"
expect_equal "a person's tumours reference the person with the district" 1 \
	"$(sql "SELECT count(*) FROM pg_constraint WHERE conrelid = 'tumour'::regclass AND contype = 'f'
	        AND pg_get_constraintdef(oid) = 'FOREIGN KEY (district, person_id) REFERENCES person(district, id)'")"
bad=0
for t in $(echo "$TABLES" | tr -d "',"); do
	partitioned "$t" 2>>"$WORK/err" || { bad=$((bad + 1)); echo "# $t"; }
done
expect_equal "after: each of the 23 tables can be partitioned by district with all its keys" 0 "$bad"
expect_status 3 "the script runs once" distribute
expect_output "and says why" "keyed by district already"

# The platform on the database keyed by district.
expect_status 0 "a person is registered" "$F" person add --institution 1 --name 测试人 --sex 1 --birth-date 1970-01-01
idnum=$(sql "SELECT id_number FROM person WHERE id_number IS NOT NULL ORDER BY id LIMIT 1")
expect_status 0 "a registered ID number is matched" "$F" person add --institution 1 --name 某某 --id-number "$idnum"
expect_output "not registered twice" "matched by ID number $idnum: nothing stored"
expect_status 0 "the export imported again" "$F" import persons "$WORK/his.csv" --institution 1 --source his --skip-bad-rows --quiet
expect_output "changes nothing" " 0 inserted, 0 matched by ID number, 0 updated, [0-9]+ unchanged"
expect_status 0 "the registry is scanned for duplicates" "$F" link scan
pair=$(sql "SELECT r.id || ' ' || r.person_b FROM link_review r JOIN person a ON a.id = r.person_a
	JOIN person b ON b.id = r.person_b WHERE r.state = 'open' AND a.district = b.district
	ORDER BY r.probability DESC, r.id LIMIT 1")
[ -n "$pair" ]; tap $? "a pair of one district is queued ($pair)"
expect_status 0 "the pair is merged" "$F" link review "${pair% *}" --same --by registrar
expect_status 0 "and un-merged" "$F" link unmerge "${pair#* }" --by registrar
expect_status 0 "statistics read the tables" "$F" stats summary
