#!/usr/bin/env bash
# tests/cli/stats-quality-db.sh: `fangai stats quality` over the database's
# tumours and death records gives the table the same records give as CSV files.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 300 --seed 11 --quiet >/dev/null
tap $? "a synthetic city of 300 persons"

# Tumours with every basis of diagnosis and a few unspecified morphologies; D05.1 is in situ.
sql "INSERT INTO tumour (district, person_id, institution_id, incidence_date, topography,
	morphology, behaviour, basis, icd10, created_at)
	SELECT district, id, 1, CASE id % 3 WHEN 0 THEN '2023-05-01' ELSE '2024-02-11' END, 'C16.2',
	CASE id % 4 WHEN 0 THEN '8000' WHEN 1 THEN '8140' WHEN 2 THEN '8010' ELSE '8070' END, '3',
	CAST(id % 10 AS TEXT),
	CASE id % 6 WHEN 0 THEN 'C16.2' WHEN 1 THEN 'C34.1' WHEN 2 THEN 'C80.9'
		WHEN 3 THEN 'D05.1' WHEN 4 THEN 'C44.3' ELSE 'C50.9' END, '2026-01-01T00:00:00Z'
	FROM person WHERE id % 2 = 0"
sql "INSERT INTO death_record (district, institution_id, name, name_key, sex, death_date,
	cause_icd10)
	SELECT district, 1, name, name_key, sex, '2024-08-01',
	CASE id % 4 WHEN 0 THEN 'C34.9' WHEN 1 THEN 'I21.0' WHEN 2 THEN 'C16.9' ELSE 'D05.1' END
	FROM person WHERE id % 5 = 0"
sql "SELECT t.district, substr(t.incidence_date, 1, 4), p.sex, t.icd10, t.basis, t.morphology
	FROM tumour t JOIN person p ON p.id = t.person_id WHERE t.icd10 NOT LIKE 'D%'" |
	{ echo "district,year,sex,icd10,basis,morphology"; tr '|' ','; } >"$WORK/tumours.csv"
sql "SELECT district, substr(death_date, 1, 4), sex, cause_icd10 FROM death_record" |
	{ echo "district,year,sex,icd10"; tr '|' ','; } >"$WORK/deaths.csv"

for by in site,sex district,year sex; do
	"$F" stats quality --by "$by" --format csv >"$WORK/db.csv" 2>"$WORK/err"
	tap $? "stats quality --by $by over the database"
	"$F" stats quality --by "$by" --format csv --tumours "$WORK/tumours.csv" \
		--deaths "$WORK/deaths.csv" >"$WORK/files.csv" 2>>"$WORK/err"
	cmp -s "$WORK/db.csv" "$WORK/files.csv"
	tap $? "--by $by: the database gives the table the CSV files give"
done
expect_equal "in situ tumours are not cases" "$(($(wc -l <"$WORK/tumours.csv") - 1))" \
	"$("$F" stats quality --format csv | awk -F, 'NR == 2 { print $1 }')"
expect_equal "deaths from I21 and D05 are not counted" \
	"$(grep -c ',C' "$WORK/deaths.csv")" \
	"$("$F" stats quality --format csv | awk -F, 'NR == 2 { print $4 }')"

sql "UPDATE tumour SET icd10 = NULL WHERE id = (SELECT min(id) FROM tumour)"
expect_status 1 "a tumour without an ICD-10 code is refused" "$F" stats quality
expect_output "the error names the tumour" '^fangai: error: tumour [0-9]+: has no ICD-10 code'
expect_status 2 "--deaths without --tumours is a usage error" "$F" stats quality --deaths "$WORK/deaths.csv"
