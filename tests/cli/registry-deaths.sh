#!/usr/bin/env bash
# tests/cli/registry-deaths.sh: `fangai registry deaths` imports death records all or
# nothing, links them by resident ID number and by probabilistic linkage, records the
# persons dead, and makes death-certificate-only (DCO) tumours (IARC Technical Report
# 42: basis 0, incidence on the date of death) for cancer deaths no tumour explains.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 300 --seed 11 --quiet >/dev/null
tap $? "a synthetic city of 300 persons"

# Person A has an ID number on the certificate; person B only name, sex and birth date;
# person C already has a stomach cancer registered; D is not a resident at all.
A=$(sql -s , "SELECT id_number, name, sex, birth_date FROM person WHERE id = 5")
B=$(sql -s , "SELECT name, sex, birth_date FROM person WHERE id = 7")
C=$(sql -s , "SELECT id_number, name, sex, birth_date FROM person WHERE id = 9")
"$F" tumour add --person 9 --institution 1 --incidence-date 2024-01-10 --topography C16.2 \
	--morphology 8140/3 --basis 7 >/dev/null
tap $? "person 9 has a registered stomach cancer"

{
	echo "id_number,name,sex,birth_date,death_date,cause"
	echo "$A,2025-03-01,C34.9"
	echo ",$B,2025-04-01,C22.0"
	echo "$C,2025-05-01,C16.9"
	echo ",张无忌,1,1950-01-01,2025-05-01,I21.9"
} >"$WORK/deaths.csv"

# A bad row: nothing is imported.
{ head -n 3 "$WORK/deaths.csv"; echo ",李四,1,1950-01-01,2027-01-01,C34.9"; } >"$WORK/bad.csv"
expect_status 1 "a death in the future is refused" "$F" registry deaths "$WORK/bad.csv"
expect_output "the error names the value" 'date of death 2027-01-01 is in the future'
expect_output "and the line, and that nothing was imported" 'line 4; nothing was imported'
expect_equal "nothing was stored" 0 "$(sql 'SELECT count(*) FROM death_record')"

printf 'name,sex,death_date,cause\n王五,1,2025-01-01,X99.x9\n' >"$WORK/cause.csv"
expect_status 1 "a cause that is not an ICD-10 code is refused" "$F" registry deaths "$WORK/cause.csv"
expect_output "the error names the field" 'cause_icd10'

expect_status 0 "the death records are imported and processed" "$F" registry deaths --format csv "$WORK/deaths.csv"
expect_output "four imported" '^imported,4$'
expect_output "two linked by ID number (A and C)" '^linked by ID number,2$'
expect_output "one by probabilistic linkage (B)" '^linked by probabilistic linkage,1$'
expect_output "three persons recorded dead" '^persons recorded dead,3$'
expect_output "two cancer deaths without a tumour of the site" '^cancer deaths without a registered tumour,2$'
expect_output "two DCO tumours" '^DCO tumours created,2$'
expect_equal "A is dead on the certificate's date" "dead|2025-03-01" "$(sql 'SELECT vital_status, death_date FROM person WHERE id = 5')"
expect_equal "B is dead too" "dead|2025-04-01" "$(sql 'SELECT vital_status, death_date FROM person WHERE id = 7')"
expect_equal "A's DCO tumour: lung NOS, 8000/3, basis 0, on the date of death" "C34.9|8000|3|0|2025-03-01" \
	"$(sql 'SELECT topography, morphology, behaviour, basis, incidence_date FROM tumour WHERE person_id = 5')"
expect_equal "B's DCO tumour: liver (ICD-O-3 has no C22.9)" "C22.0|8000|0" \
	"$(sql 'SELECT topography, morphology, basis FROM tumour WHERE person_id = 7')"
expect_equal "C's death is traced to the registered stomach cancer: no DCO" 1 \
	"$(sql 'SELECT count(*) FROM tumour WHERE person_id = 9')"
expect_equal "the non-resident stays unlinked" 1 "$(sql 'SELECT count(*) FROM death_record WHERE person_id IS NULL')"

expect_status 0 "processing again" "$F" registry deaths --format csv
expect_output "creates nothing twice" '^DCO tumours created,0$'
expect_equal "still two DCO tumours" 2 "$(sql "SELECT count(*) FROM tumour WHERE basis = '0'")"

expect_status 0 "the quality indicators count the DCO cases" "$F" stats quality --format csv
expect_output "DCO% is 2 of 3 tumours" ",66\.66+[0-9]*,"
