#!/usr/bin/env bash
# tests/cli/screening.sh: a screening episode end to end through the fangai
# command: enrolment of a district, questionnaires, exams, outcomes,
# worklists, indicators, programme versions, and every refusal storing
# nothing.  Today is fixed at 2026-06-30.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/screening.sh"

"$F" init >/dev/null
"$F" synth --persons 1500 --seed 11 --quiet >/dev/null
D=440111
pick() {	# SQL condition on person p -> one person id of district D, aged 55-70 on 2026-01-10
	sql "SELECT id FROM person WHERE district = '$D' AND birth_date BETWEEN '1956-01-11' AND '1971-01-10' $1 ORDER BY id LIMIT 1 OFFSET ${2:-0}"
}
A=$(pick "" 0); B=$(pick "" 1); C=$(pick "" 2); E=$(pick "" 3)
OUT=$(sql "SELECT id FROM person WHERE district <> '$D' ORDER BY id LIMIT 1")
exams() { sql "SELECT count(*) FROM screening_exam"; }

expect_status 0 "enrol the lung programme (version 1) in district $D" \
	"$F" screen enrol lung --version 1 --district $D --institution 3 --date 2026-01-10
expect_output "enrolment reports residents, eligible and enrolled" "^programme lung: [0-9]+ residents, [0-9]+ eligible, [0-9]+ enrolled and invited"
N=$(sql "SELECT count(*) FROM screening_episode")
expect_equal "every enrolled person is 50-74 on the enrolment day" "$N" \
	"$(sql "SELECT count(*) FROM person WHERE district = '$D' AND birth_date BETWEEN '1951-01-11' AND '1976-01-10'")"
expect_status 0 "enrolling again" "$F" screen enrol lung --version 1 --district $D --institution 3 --date 2026-01-11
expect_output "enrolling again opens no second episode" "0 enrolled and invited, $N with an open episode"

cat >"$WORK/q.csv" <<CSV
person,date,pack_years,years_since_quit,passive_smoking_years,copd,occupational_exposure_years,family_history
$A,2026-01-20,35,,0,no,0,no
$B,2026-01-20,5,10,0,no,0,no
$C,2026-01-20,0,,25,no,0,no
$E,2026-01-20,0,,0,yes,0,no
CSV
expect_status 0 "record four questionnaires" "$F" screen questionnaire lung "$WORK/q.csv" --format csv
expect_equal "30+ pack-years, passive smoking and COPD are high risk; 5 pack-years is not" \
	"$(printf 'person,high_risk\n%s,yes\n%s,no\n%s,yes\n%s,yes' $A $B $C $E)" "$(cat "$WORK/out")"
expect_equal "the low-risk episode is closed until the next round" "closed|low_risk|2028-01-20" \
	"$(sql "SELECT state, end_code, next_due FROM screening_episode WHERE person_id = $B")"
expect_status 1 "a second questionnaire for the same episode is refused" "$F" screen questionnaire lung "$WORK/q.csv"

# ---- refused exams store nothing ----
hdr="person,date,finding,status,size_mm"
printf '%s\n%s,2026-02-01,solid,baseline,9.0\n' "$hdr" $A >"$WORK/e.csv"
expect_status 1 "an exam type the programme lacks is refused" "$F" screen exam lung mri "$WORK/e.csv"
expect_output "the error names the exam type and the programme's types" 'exam type "mri" is not part of programme lung version 1'
printf '%s\n%s,2026-02-01,solid,baseline,9.0\n%s,2026-02-01,solid,baseline,300.5\n' "$hdr" $A $C >"$WORK/e.csv"
expect_status 1 "a size out of range in row 2 is refused" "$F" screen exam lung ldct "$WORK/e.csv"
expect_output "the error names the field, the value and the row" 'size_mm "300.5" is out of range.*|In row 2'
expect_equal "nothing is stored when row 2 is refused (row 1 was valid)" 0 "$(exams)"
printf '%s\n%s,2026-02-01,solid,baseline,9.0\n' "$hdr" $OUT >"$WORK/e.csv"
expect_status 1 "an exam for a person not enrolled is refused" "$F" screen exam lung ldct "$WORK/e.csv"
expect_output "the error names the person" "person $OUT is not enrolled in programme lung"
printf '%s\n%s,1940-02-01,solid,baseline,9.0\n' "$hdr" $A >"$WORK/e.csv"
expect_status 1 "an exam dated before the person's birth is refused" "$F" screen exam lung ldct "$WORK/e.csv"
expect_output "the error names the date and the birth" "date 1940-02-01 is before the birth of person $A"
printf '%s\n%s,2026-07-01,solid,baseline,9.0\n' "$hdr" $A >"$WORK/e.csv"
expect_status 1 "an exam dated in the future is refused" "$F" screen exam lung ldct "$WORK/e.csv"
expect_output "the error names the future date" "date 2026-07-01 is in the future"
printf '%s\n%s,2026-02-01,mass,baseline,9.0\n' "$hdr" $A >"$WORK/e.csv"
expect_status 1 "an unknown finding type is refused" "$F" screen exam lung ldct "$WORK/e.csv"
printf '%s\n%s,2026-02-01,solid,baseline,9.0\n' "$hdr" $B >"$WORK/e.csv"
expect_status 1 "an exam for a person found not at high risk is refused" "$F" screen exam lung ldct "$WORK/e.csv"
expect_equal "no refused exam was stored" 0 "$(exams)"

# ---- results move episodes on ----
printf '%s\n%s,2026-02-01,solid,baseline,16.0\n%s,2026-02-01,solid,baseline,9.0\n%s,2026-02-01,solid,baseline,4.0\n' \
	"$hdr" $A $C $E >"$WORK/e.csv"
expect_status 0 "record three LDCT exams" "$F" screen exam lung ldct "$WORK/e.csv" --format csv
expect_equal "the exams are classified with Lung-RADS v2022" \
	"$(printf 'row,category,management,recall_months,positive,referral\n%s,4B,diagnostic_ct_pet_or_biopsy,,yes,yes\n%s,4A,ldct_in_3_months_pet_if_solid_8mm,3,yes,no\n%s,2,annual_ldct,12,no,no' $A $C $E)" \
	"$(cat "$WORK/out")"
expect_equal "4B: referred for diagnosis" "referred|2026-02-01" \
	"$(sql "SELECT state, referred_on FROM screening_episode WHERE person_id = $A")"
expect_equal "4A: recalled in 3 months" "recalled|2026-05-01" \
	"$(sql "SELECT state, next_due FROM screening_episode WHERE person_id = $C")"
expect_equal "2: closed normal, next round after the programme's 24 months" "closed|normal|2028-02-01" \
	"$(sql "SELECT state, end_code, next_due FROM screening_episode WHERE person_id = $E")"
expect_equal "the findings are kept as entered, with the scheme" '{"finding": "solid", "status": "baseline", "size_mm": "16.0"}|lung-rads-2022' \
	"$(sql "SELECT findings, scheme FROM screening_exam WHERE person_id = $A")"

# ---- worklists ----
expect_status 0 "recalls as of 2026-04-01" "$F" screen worklist recalls --as-of 2026-04-01 --format csv
expect_equal "a recall due on 2026-05-01 is not yet listed on 2026-04-01" 1 "$(wc -l <"$WORK/out")"
expect_status 0 "recalls due within 30 days of 2026-04-15" "$F" screen worklist recalls --as-of 2026-04-15 --within 30 --format csv
expect_output "it is listed as due within the window" "^3,lung,$C,.*,4A,2026-05-01,-16,due$"
expect_status 0 "recalls of institution 3 as of 2026-06-30" "$F" screen worklist recalls --institution 3 --format csv
expect_output "after its date it is overdue" "^3,lung,$C,.*,4A,2026-05-01,60,overdue$"
expect_status 0 "the failsafe list 60 days after referral" "$F" screen worklist failsafe --as-of 2026-04-01 --format csv
expect_equal "60 days is within the lung programme's 90: not listed" 1 "$(wc -l <"$WORK/out")"
expect_status 0 "the failsafe list 91 days after referral" "$F" screen worklist failsafe --as-of 2026-05-03 --format csv
expect_output "a 4B result with no diagnosis after 91 days is listed" "^3,lung,$A,.*,4B,2026-02-01,91,no diagnosis$"

# ---- outcomes ----
printf 'person,date,diagnosis,stage\n%s,2026-03-10,cancer,IA2\n' $A >"$WORK/o.csv"
expect_status 0 "record a stage IA2 lung cancer" "$F" screen outcome lung "$WORK/o.csv" --format csv
expect_equal "stage IA2 is an early diagnosis under lung version 1 (stages 0-I)" "$(printf 'person,early\n%s,yes' $A)" "$(cat "$WORK/out")"
expect_equal "the episode is closed as cancer" "closed|cancer|cancer|IA2|1" \
	"$(sql "SELECT state, end_code, diagnosis, stage, early FROM screening_episode WHERE person_id = $A")"
expect_status 0 "the failsafe list after the diagnosis" "$F" screen worklist failsafe --as-of 2026-06-30 --format csv
expect_equal "a diagnosed person leaves the failsafe list" 1 "$(wc -l <"$WORK/out")"
printf 'person,date,diagnosis,stage\n%s,2026-03-10,cancer,V\n' $C >"$WORK/o.csv"
expect_status 1 "an invalid stage is refused" "$F" screen outcome lung "$WORK/o.csv"
printf 'person,date,diagnosis,stage\n%s,2026-01-25,benign,\n' $C >"$WORK/o.csv"
expect_status 1 "an outcome dated before the screening exam is refused" "$F" screen outcome lung "$WORK/o.csv"
expect_output "the error names the exam date" "before the screening exam \\(2026-02-01\\)"

# ---- indicators ----
expect_status 0 "indicators of the lung programme" "$F" screen indicators --programme lung --format csv
expect_output "4 assessed of $N invited, 3 high risk, 3 screened, 2 positive, 1 cancer, early" \
	"^lung,,,,,$N,$N,$(awk -v n=$N 'BEGIN{printf "%.4f", 4/n}'),0.7500,1.0000,3,0.6667,0.3333,1,333.33,0.5000,1.0000,0.00,37.0,37.0$"

# ---- programme versions ----
printf 'person,date,finding,status,size_mm\n%s,2026-05-02,solid,existing,9.0\n' $C >"$WORK/e.csv"
sed -i 's/,finding,status,size_mm/,finding,status,size_mm,prior_size_mm,prior_category/; s/existing,9.0/existing,9.0,9.0,4A/' "$WORK/e.csv"
expect_status 0 "a recall exam of a version 1 episode after version 2 exists" "$F" screen exam lung ldct "$WORK/e.csv" --format csv
expect_output "it is still read with Lung-RADS (version 1), stable 4A becoming 3" "^$C,3,ldct_in_6_months,6,yes,no$"
expect_status 0 "enrol another district with the newest version (2)" \
	"$F" screen enrol lung --district 440113 --institution 3 --date 2026-01-10
expect_equal "two versions of the lung programme are stored" "lung|1
lung|2" "$(sql "SELECT code, version FROM screening_programme ORDER BY version")"
expect_equal "results recorded under version 1 are unchanged" "4B|4A|2|3" \
	"$(sql "SELECT category FROM screening_exam ORDER BY id" | paste -sd'|')"
mkdir -p "$WORK/data" && cp -r "$FANGAI_DATA/screening" "$WORK/data/"
sed -i 's/^interval 24/interval 12/' "$WORK/data/screening/programmes/lung-1.programme"
FANGAI_DATA="$WORK/data" "$F" screen enrol lung --version 1 --district 440114 --institution 3 --date 2026-01-10 \
	>"$WORK/out" 2>"$WORK/err"
tap $([ $? -eq 1 ] && echo 0 || echo 1) "a changed file for a version in use is refused"
expect_output "the error says the version differs" "programme lung version 1 differs from the version in use"

# ---- closing by hand ----
expect_status 0 "close an episode as declined" "$F" screen close lung --person $C --end-code declined --date 2026-06-01
expect_status 1 "closing with an end code that follows from results is refused" \
	"$F" screen close lung --person $E --end-code normal

# ---- one file, several exams of one person, in order ----
F2=$(sql "SELECT person_id FROM screening_episode e WHERE e.closed_on IS NULL AND e.high_risk IS NULL
          AND e.programme_id = (SELECT id FROM screening_programme WHERE version = '1') ORDER BY id LIMIT 1")
printf 'person,date,pack_years,years_since_quit,passive_smoking_years,copd,occupational_exposure_years,family_history\n%s,2026-03-01,0,,0,yes,0,no\n' $F2 >"$WORK/q2.csv"
"$F" screen questionnaire lung "$WORK/q2.csv" >/dev/null
before=$(exams)
printf '%s\n%s,2026-03-05,solid,baseline,4.0\n%s,2026-03-06,solid,baseline,4.0\n' "$hdr" $F2 $F2 >"$WORK/e.csv"
expect_status 1 "a second exam after a first that closed the episode, in the same file, is refused" \
	"$F" screen exam lung ldct "$WORK/e.csv"
expect_output "the error names the second row and the closed episode" \
	"An earlier exam of this batch closed the episode on 2026-03-05 \\(normal\\). In row 2 \\(line 3\\)"
expect_equal "nothing of that file is stored" "$before" "$(exams)"

# ---- link to the registry ----
tumour() {	# person, topography, incidence date
	sql "INSERT INTO tumour (district, person_id, institution_id, incidence_date, topography, morphology,
	     behaviour, basis, created_at) VALUES ('$D', $1, 3, '$3', '$2', '8140', '3', '7', '2026-06-30T00:00:00Z')"
}
tumour $A C34.1 2026-03-10	# positive (4B) on 2026-02-01: screen-detected
tumour $E C34.3 2026-06-01	# negative (2) on 2026-02-01, interval 24 months: interval cancer
tumour $OUT C34.9 2026-05-01	# never screened: non-participant
tumour $E C50.9 2026-06-01	# breast: no breast programme in use here: left alone
expect_status 0 "link the registered tumours" "$F" screen link
expect_output "three lung tumours are classified" "^3 tumours classified"
expect_equal "screen-detected, interval, non-participant; the breast tumour untouched" \
	"screen|interval|non_participant|" "$(sql "SELECT coalesce(detection, '') FROM tumour ORDER BY id" | paste -sd'|')"
expect_status 0 "indicators after the link" "$F" screen indicators --programme lung --format csv
expect_output "one interval cancer after the one negative screen: 1,000 per 1,000" "^lung,.*,1000\\.00,[0-9.]+,[0-9.]+$"

expect_tally_in_step
