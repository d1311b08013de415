#!/usr/bin/env bash
# tests/cli/stats-registry-tumours.sh: tumours registered with `fangai tumour
# add` (the registry's own coding and ICD-10 conversion) count in the rates
# and quality indicators of the database: invasive ones as cases, in situ not.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/population.sh"

"$F" init >/dev/null && "$F" synth --persons 200 --seed 5 --quiet >/dev/null
tap $? "a synthetic city of 200 persons"

population_csv 2025 >"$WORK/pop.csv"
"$F" registry population import "$WORK/pop.csv" >/dev/null
tap $? "the population of 2025 is imported"

women=$(sql "SELECT id FROM person WHERE sex = '2' AND birth_date < '1975-01-01' ORDER BY id LIMIT 2" | tr '\n' ' ')
men=$(sql "SELECT id FROM person WHERE sex = '1' AND birth_date < '1975-01-01' ORDER BY id LIMIT 1")
set -- $women
"$F" tumour add --person "$1" --institution 1 --incidence-date 2025-03-02 --topography C50.4 \
	--morphology 8500/3 --basis 7 >/dev/null 2>&1
tap $? "an invasive breast cancer is registered"
"$F" tumour add --person "$2" --institution 1 --incidence-date 2025-05-20 --topography C50.1 \
	--morphology 8500/2 --basis 7 >/dev/null 2>&1
tap $? "an in situ breast tumour is registered"
"$F" tumour add --person "$men" --institution 1 --incidence-date 2025-07-11 --topography C34.1 \
	--morphology 8070/3 --basis 1 >/dev/null 2>&1
tap $? "a lung cancer diagnosed clinically is registered"
expect_equal "the registry derived ICD-10 codes" "C341 C504 D051" \
	"$(sql "SELECT icd10 FROM tumour ORDER BY icd10" | tr '\n' ' ' | sed 's/ $//')"

"$F" stats rates --by site,sex --format csv >"$WORK/rates.csv" 2>"$WORK/err"
tap $? "stats rates over the registered tumours"
expect_equal "breast: one case in women" "14,Breast,female,1" "$(grep '^14,' "$WORK/rates.csv" | cut -d, -f1-4)"
expect_equal "lung: one case in men" 1 \
	"$(grep -c '^10,"Trachea, bronchus and lung",male,1,' "$WORK/rates.csv")"
expect_equal "the in situ tumour is not a case" 2 \
	"$("$F" stats rates --format csv | awk -F, 'NR == 2 { print $1 }')"

"$F" stats quality --by sex --format csv >"$WORK/quality.csv" 2>"$WORK/err"
tap $? "stats quality over the registered tumours"
expect_equal "women: 1 case, all microscopically verified" "female,1,100" \
	"$(grep '^female' "$WORK/quality.csv" | cut -d, -f1-3)"
expect_equal "men: 1 case, none microscopically verified" "male,1,0" \
	"$(grep '^male' "$WORK/quality.csv" | cut -d, -f1-3)"
