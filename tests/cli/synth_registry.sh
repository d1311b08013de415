#!/usr/bin/env bash
# tests/cli/synth_registry.sh: the synthetic city's cancer registry (fangai synth
# --registry): tumours through the tumour library at incidence of the order of
# China's (data/synth/cancer-age.csv), follow-up, deaths and DCO cases, and the
# population table, so that rates, quality and survival give sensible figures;
# the same seed gives the same registry.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null
expect_status 0 "generate a city of 6000 with its cancer registry" \
	"$F" synth --persons 6000 --seed 5 --quiet --registry
expect_output "the registry is reported" "^cancer registry: [0-9]+ tumours \(0 refused by the checks\), [0-9]+ treatments, [0-9]+ DCO, [0-9]+ death records, [0-9]+ follow-up contacts, 4180 population rows, life table \"china\" \(1414 cells\)"
expect_equal "the Chinese life table is stored for net survival" 1414 \
	"$(sql "SELECT count(*) FROM life_table WHERE name = 'china'")"

n=$(sql "SELECT count(*) FROM tumour")
tap $([ "$n" -ge 80 ] && [ "$n" -le 260 ] && echo 0 || echo 1) "ten years of tumours for 6000 residents: about 150 (got $n)"
expect_equal "every tumour has its ICD-10 code" 0 "$(sql "SELECT count(*) FROM tumour WHERE icd10 IS NULL OR icd10 = ''")"
expect_equal "every tumour is within the ten years" 0 \
	"$(sql "SELECT count(*) FROM tumour WHERE incidence_date < '2016-01-01' OR incidence_date > '2025-12-31'")"
expect_equal "no treatment starts before incidence, after death or after the as-of day" 0 \
	"$(sql "SELECT count(*) FROM treatment x JOIN tumour t ON t.id = x.tumour_id JOIN person p ON p.id = t.person_id
	        WHERE x.start_date < t.incidence_date OR x.start_date > '2025-12-31'
	              OR (p.death_date IS NOT NULL AND x.start_date > p.death_date)")"
expect_equal "seven in ten registered tumours or more have a first-course treatment" 1 \
	"$(sql "SELECT CASE WHEN count(DISTINCT tumour_id) * 10 >= 7 * (SELECT count(*) FROM tumour WHERE basis <> '0')
	  THEN 1 ELSE 0 END FROM treatment")"
expect_equal "every death record is linked" 0 "$(sql "SELECT count(*) FROM death_record WHERE person_id IS NULL")"
expect_equal "every linked person is recorded dead" 0 \
	"$(sql "SELECT count(*) FROM death_record d JOIN person p ON p.id = d.person_id WHERE p.vital_status <> 'dead'")"
expect_equal "no follow-up contact after the as-of day or after death" 0 \
	"$(sql "SELECT count(*) FROM followup f JOIN person p ON p.id = f.person_id
	        WHERE f.outcome IN ('alive', 'lost') AND (f.contact_date > '2025-12-31'
	              OR (p.death_date IS NOT NULL AND f.contact_date >= p.death_date))")"
expect_equal "the 2025 population is the residents alive on 1 July" \
	"$(sql "SELECT count(*) FROM person WHERE birth_date <= '2025-07-01' AND (death_date IS NULL OR death_date > '2025-07-01')")" \
	"$(sql "SELECT sum(count) FROM population WHERE year = 2025")"

expect_status 0 "incidence over the database" "$F" stats rates --format csv
crude=$(sed -n 2p "$WORK/out" | cut -d, -f3 | cut -d. -f1)
tap $([ "$crude" -ge 120 ] && [ "$crude" -le 500 ] && echo 0 || echo 1) "crude incidence of the order of China's 342 per 100,000 (got $crude)"

expect_status 0 "quality over the database" "$F" stats quality --format csv
mv=$(sed -n 2p "$WORK/out" | cut -d, -f2 | cut -d. -f1)
tap $([ "$mv" -ge 60 ] && [ "$mv" -le 95 ] && echo 0 || echo 1) "MV% of a Chinese registry (got $mv)"

expect_status 0 "survival cohort at the as-of day" "$F" survival cohort --closing 2025-12-31 --format csv
cp "$WORK/out" "$WORK/cohort.csv"
expect_status 0 "Kaplan-Meier of all tumours" "$F" survival km "$WORK/cohort.csv" --time time --status status --at 1826 --format csv
tap $(awk -F, 'NR == 2 { exit !($5 > 0.2 && $5 < 0.6) }' "$WORK/out"; echo $?) "five-year observed survival of all sites between 20% and 60%"

first=$FANGAI_DB
export FANGAI_DB="$WORK/second.db"
test_db t_synth_registry_second || exit 2
"$F" init >/dev/null && "$F" synth --persons 6000 --seed 5 --quiet --registry >/dev/null
tap $? "the same city again"
expect_equal "the same seed gives the same tumours and deaths" \
	"$(FANGAI_DB=$first sql "SELECT person_id, topography, incidence_date, stage, basis FROM tumour ORDER BY id;
	                        SELECT person_id, death_date, cause_icd10 FROM death_record ORDER BY id" | md5sum)" \
	"$(sql "SELECT person_id, topography, incidence_date, stage, basis FROM tumour ORDER BY id;
	        SELECT person_id, death_date, cause_icd10 FROM death_record ORDER BY id" | md5sum)"
