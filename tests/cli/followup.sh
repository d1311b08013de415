# followup.sh: passive follow-up from death records, end to end.  A death
# record linked to a patient with open visits closes the first of them as
# "dead" by record linkage, records the death on the person and cancels the
# rest; a second run finds nothing more to do.
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
