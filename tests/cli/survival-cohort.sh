# survival-cohort.sh: the registry's tumours as survival subjects.  A patient
# who died ends at the date of death (an event), one lost to follow-up at the
# last contact that found them alive, the others at the closing date; the
# cohort then feeds the survival commands.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --seed 1 >/dev/null
"$F" person add --institution 1 --name 王秀英 --id-number 11010519491231002X >/dev/null
"$F" person add --institution 1 --name 李建国 --id-number 440106196503151234 >/dev/null
"$F" person add --institution 1 --name 张伟 --id-number 53010219200508011X >/dev/null
for p in 1 2 3; do
	sql "INSERT INTO tumour (district, person_id, institution_id, incidence_date, topography, morphology,
		behaviour, basis, stage, detection, created_at)
		VALUES ('440106', $p, 1, '2024-01-10', 'C34.1', '8140', '3', '7', 'II', 'screen', '2024-02-01')"
done
sql "INSERT INTO tumour (district, person_id, institution_id, incidence_date, topography, morphology,
	behaviour, basis, created_at) VALUES ('440106', 3, 1, '2024-03-01', 'C18.7', '8140', '2', '7', '2024-03-02')"
"$F" followup enrol --person 1 --plan cancer-standard --start 2024-01-31 >/dev/null
"$F" followup record 1 --method phone --outcome dead --date 2024-06-01 --death-date 2024-05-20 --cause C34.1 >/dev/null
"$F" followup enrol --person 2 --plan cancer-standard --start 2024-01-31 >/dev/null
"$F" followup record 20 --method visit --outcome alive --date 2024-05-05 >/dev/null
"$F" followup record 21 --method phone --outcome lost --date 2024-08-10 --reason "moved away" >/dev/null

expect_status 0 "the cohort is listed" "$F" survival cohort --closing 2025-12-31 --format csv
expect_equal "three malignant tumours, the in-situ one left out" 4 "$(wc -l <"$WORK/out")"
expect_equal "the patient who died ends at death, as an event" "1,2024-05-20,131,1,dead" \
	"$(awk -F, '$1 == 1 { print $1 "," $9 "," $10 "," $11 "," $12 }' "$WORK/out")"
expect_equal "the lost patient ends at the last contact alive, censored" "2,2024-05-05,116,0,last_contact" \
	"$(awk -F, '$1 == 2 { print $1 "," $9 "," $10 "," $11 "," $12 }' "$WORK/out")"
expect_equal "the patient alive is censored at the closing date" "3,2025-12-31,721,0,closing" \
	"$(awk -F, '$1 == 3 { print $1 "," $9 "," $10 "," $11 "," $12 }' "$WORK/out")"
expect_equal "site, stage, detection and ICSS age group are carried" "C34,II,screen,75+" \
	"$(awk -F, '$1 == 3 { print $13 "," $14 "," $15 "," $7 }' "$WORK/out")"

cp "$WORK/out" "$WORK/cohort.csv"
expect_status 0 "the cohort feeds Kaplan-Meier" "$F" survival km "$WORK/cohort.csv" --time time --status status \
	--format csv
expect_equal "the lost patient leaves at 116 days, so the death at 131 halves survival" "131,2,1,0,0.5" \
	"$(awk -F, '$1 == 131 { print $1 "," $2 "," $3 "," $4 "," $5 }' "$WORK/out")"
