#!/usr/bin/env bash
# tests/cli/registry-population.sh: population denominators imported into the
# database all or nothing, and `fangai stats rates` over the database's tumours
# giving the same table as over the same cases and population as CSV files.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/population.sh"

"$F" init >/dev/null && "$F" synth --persons 300 --seed 7 --quiet >/dev/null
tap $? "a synthetic city of 300 persons"

population_csv 2023 2024 >"$WORK/pop.csv"
cells=$(($(wc -l <"$WORK/pop.csv") - 1))

# Two bad rows near the end: nothing may be stored, and both are reported.
sed -e '704s/,85+,/,85-89,/' -e '800s/,[0-9]*$/,12.5x/' "$WORK/pop.csv" >"$WORK/bad.csv"
expect_status 1 "a file with two bad rows is refused" "$F" registry population import "$WORK/bad.csv"
expect_output "the error names the field, the value and the line" \
	"invalid age_group \"85-89\" at line 704 of"
expect_output "the second bad row is reported too" 'invalid population "12.5x" at line 800 of'
expect_output "and how many rows were bad" '2 rows of ".*bad.csv" are invalid'
expect_output "and that nothing was imported" '^nothing imported$'
expect_equal "nothing was stored" 0 "$(sql 'SELECT count(*) FROM population')"

sed '100d' "$WORK/pop.csv" >"$WORK/short.csv"
expect_status 1 "a cell missing an age group is refused" "$F" registry population import "$WORK/short.csv"
expect_output "the error names the cell and the group" 'population of sex "[12]", district "[0-9]+", year "202[34]" has no age group'

expect_status 0 "the population is imported" "$F" registry population import "$WORK/pop.csv"
expect_output "the import reports its rows" "imported $cells rows"
expect_equal "every row is stored" "$cells" "$(sql 'SELECT count(*) FROM population')"
expect_equal "owned by the cancer centre" 1 \
	"$(sql "SELECT count(DISTINCT institution_id) FROM population p JOIN institution i ON i.id = p.institution_id AND i.kind = 'cancer_centre'")"

expect_status 1 "importing the same cells again is refused" "$F" registry population import "$WORK/pop.csv"
expect_output "the conflict names the cell and the remedy" 'is stored already|--replace'
expect_status 0 "with --replace they are replaced" "$F" registry population import --replace "$WORK/pop.csv"
expect_equal "still one row per cell" "$cells" "$(sql 'SELECT count(*) FROM population')"

# Tumours of persons born before 2015, in 2023 and 2024; D05.1 (in situ) is not counted.
sql "INSERT INTO tumour (district, person_id, institution_id, incidence_date, topography,
	morphology, behaviour, basis, icd10, created_at)
	SELECT district, id, 1, CASE id % 2 WHEN 0 THEN '2023-06-15' ELSE '2024-03-01' END,
	'C16.2', '8140', '3', '7',
	CASE id % 5 WHEN 0 THEN 'C16.2' WHEN 1 THEN 'C34.1' WHEN 2 THEN 'C44.3'
		WHEN 3 THEN 'D05.1' ELSE 'C18.7' END, '2026-01-01T00:00:00Z'
	FROM person WHERE birth_date < '2015-01-01' AND id % 3 = 0"
sql "SELECT t.district, substr(t.incidence_date, 1, 4), p.sex,
	CAST(substr(t.incidence_date, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) AS INTEGER)
	- CASE WHEN substr(t.incidence_date, 6, 5) < substr(p.birth_date, 6, 5) THEN 1 ELSE 0 END, t.icd10
	FROM tumour t JOIN person p ON p.id = t.person_id WHERE t.icd10 NOT LIKE 'D%'" |
	{ echo "district,year,sex,age,icd10"; tr '|' ','; } >"$WORK/cases.csv"

for by in site,sex district,year; do
	"$F" stats rates --by "$by" --format csv >"$WORK/db.csv" 2>"$WORK/err"
	tap $? "stats rates --by $by over the database"
	"$F" stats rates --by "$by" --format csv --cases "$WORK/cases.csv" --population "$WORK/pop.csv" \
		>"$WORK/files.csv" 2>>"$WORK/err"
	cmp -s "$WORK/db.csv" "$WORK/files.csv"
	tap $? "--by $by: the database gives the table the CSV files give"
done
expect_equal "in situ tumours are not counted" \
	"$(($(wc -l <"$WORK/cases.csv") - 1))" \
	"$("$F" stats rates --format csv | awk -F, 'NR == 2 { print $1 }')"

reset_db
"$F" init >/dev/null && "$F" synth --persons 20 --seed 7 --quiet >/dev/null
expect_status 1 "rates over a database without population are refused" "$F" stats rates
expect_output "with a hint to import it" 'registry population import'
