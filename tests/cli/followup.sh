# followup.sh: passive follow-up from death records, end to end.  A death
# record linked to a patient with open visits closes the first of them as
# "dead" by record linkage, records the death on the person and cancels the
# rest; a second run finds nothing more to do.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --seed 1 >/dev/null
"$F" person add --institution 1 --name 王秀英 --id-number 11010519491231002X >/dev/null
"$F" followup enrol --person 1 --plan cancer-standard --start 2025-03-01 >/dev/null
tap $? "a patient is enrolled"

sql "INSERT INTO death_record (district, person_id, institution_id, id_number, name, name_key, sex,
	death_date, cause_icd10, source) VALUES ('440106', 1, 1, '11010519491231002X', '王秀英', '王秀英', '2',
	'2026-02-10', 'C16.9', 'cause-of-death surveillance')"
expect_status 0 "death records are linked" "$F" followup link-deaths --as-of 2026-06-01
expect_output "one patient is found dead" '^1 person\(s\) found dead'
expect_equal "the person is recorded dead on the date of the death record" "dead|2026-02-10" \
	"$(sql "SELECT vital_status, death_date FROM person WHERE id = 1")"
expect_equal "the first open visit is closed by record linkage with the cause" \
	"record_linkage|dead|C16.9|2026-06-01" \
	"$(sql "SELECT method, outcome, cause_icd10, contact_date FROM followup WHERE person_id = 1 AND outcome = 'dead'")"
expect_equal "no open visit is left" 0 "$(sql "SELECT count(*) FROM followup WHERE outcome IS NULL")"
expect_status 0 "a second linkage runs" "$F" followup link-deaths --as-of 2026-06-01
expect_output "and finds nothing more" '^0 person\(s\) found dead'

# Worklists per staff member: visits assigned to a follow-up nurse.
sql "INSERT INTO app_user (institution_id, username, display_name, role, created_at)
	VALUES (1, 'nurse.li', '李护士', 'followup', '2026-01-01T00:00:00Z')"
"$F" person add --institution 1 --name 李建国 --id-number 440106196503151234 >/dev/null
expect_status 1 "visits cannot be assigned to an unknown staff member" \
	"$F" followup enrol --person 2 --plan diabetes-t2 --start 2026-01-10 --user 99
expect_output "the unknown staff member is named" 'user 99 does not exist'
expect_status 0 "visits are assigned to a staff member" \
	"$F" followup enrol --person 2 --plan diabetes-t2 --start 2026-01-10 --user 1
expect_status 0 "the staff member's worklist" "$F" followup worklist --user 1 --format csv
expect_equal "lists only that member's due visit" "2026-04-10,李建国" \
	"$(awk -F, 'NR > 1 { print $2 "," $5 }' "$WORK/out")"
