#!/usr/bin/env bash
# tests/cli/api-stats.sh: the registry's statistics through the server for
# dashboards: incidence rates from the database (/api/stats/rates) agree
# with "fangai stats rates" and with the crude rate counted here, and the
# Kaplan-Meier survival of the registry's tumours (/api/stats/survival)
# counts its subjects and deaths as the database does.  Only the region's
# users (the cancer centre) get these figures; bad parameters are 400
# naming the parameter; every request is audited.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/population.sh"

city 200
population_csv 2025 >"$WORK/pop.csv"
"$F" registry population import "$WORK/pop.csv" >/dev/null
tap $? "the population of 2025 is imported"
set -- $(sql "SELECT id FROM person WHERE sex = '2' AND birth_date < '1975-01-01' AND vital_status = 'alive' ORDER BY id LIMIT 3")
for p in "$@"; do
	"$F" tumour add --person "$p" --institution 1 --incidence-date 2025-03-02 --topography C50.4 \
		--morphology 8500/3 --basis 7 >/dev/null 2>&1
done
tap $? "three breast cancers are registered"

server_start
TR=$(token reg1 "$(new_user 1 reg1 registry)")	# the cancer centre: the region
TC=$(token c14 "$(new_user 14 c14 clinician)")	# a community health centre
get() { http GET "$2" -H "Authorization: Bearer $1"; }
field() { tr ',{}[' '\n\n\n\n' <"$WORK/body" | sed -n "s/^\"$1\":\\(.*\\)/\\1/p" | head -n 1; }

expect_equal "the rates of the region" 200 "$(get "$TR" "/api/stats/rates?standard=segi")"
pop=$(sql "SELECT sum(count) FROM population WHERE year = 2025")
expect_equal "  count the three cases" 3 "$(field cases)"
expect_equal "  over the population imported" "$pop" "$(field population)"
expect_equal "  with the crude rate per 100,000" \
	"$(awk -v p="$pop" 'BEGIN { printf "%.6f", 3 / p * 100000 }')" "$(awk -v c="$(field crude)" 'BEGIN { printf "%.6f", c }')"
"$F" stats rates --standard segi --format csv >"$WORK/cli.csv"
cli_asr=$(awk -F, 'NR == 2 { print $4 }' "$WORK/cli.csv")
api_asr=$(sed -n 's/.*"segi":{"rate":\([0-9.e-]*\).*/\1/p' "$WORK/body")
expect_equal "  and the Segi ASR of fangai stats rates" "$(awk -v r="$cli_asr" 'BEGIN { printf "%.2f", r }')" \
	"$(awk -v r="$api_asr" 'BEGIN { printf "%.2f", r }')"
expect_equal "the rates by site and sex" 200 "$(get "$TR" "/api/stats/rates?by=site,sex")"
grep -q '"site":"14","sex":"2","cases":3' "$WORK/body"
tap $? "  give breast in women 3 cases"
expect_equal "the rates are audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE resource = 'stats/rates?by=site,sex'")"
expect_equal "a community centre may not read the region's rates" 403 "$(get "$TC" /api/stats/rates)"
expect_equal "an unknown breakdown is refused" 400 "$(get "$TR" "/api/stats/rates?by=colour")"
grep -q '"field":"by"' "$WORK/body"
tap $? "  naming the parameter"
expect_equal "a standard that is a file name is refused" 400 "$(get "$TR" "/api/stats/rates?standard=/etc/passwd")"
grep -q '"field":"standard"' "$WORK/body"
tap $? "  naming the parameter"

expect_equal "the quality indicators by sex" 200 "$(get "$TR" "/api/stats/quality?by=sex")"
grep -q '"sex":"2","cases":3,"mv_percent":100' "$WORK/body"
tap $? "  give the three cases in women, all microscopically verified (basis 7)"
expect_equal "a community centre may not read the region's quality indicators" 403 "$(get "$TC" /api/stats/quality)"

expect_equal "the survival of the registry's tumours" 200 "$(get "$TR" "/api/stats/survival?closing=2026-01-01&site=C50")"
expect_equal "  has the three subjects" 3 "$(field n)"
expect_equal "  and the deaths of the database" "$(sql "SELECT count(*) FROM person WHERE id IN ($1, $2, $3) AND vital_status = 'dead' AND death_date <= '2026-01-01'")" "$(field events)"
grep -q '"time_unit":"days"' "$WORK/body"
tap $? "  in days since diagnosis"
expect_equal "the survival request is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE resource = 'stats/survival?site=C50&n=3'")"
expect_equal "a site without tumours is 404" 404 "$(get "$TR" "/api/stats/survival?site=C16")"
expect_equal "an invalid closing date is refused" 400 "$(get "$TR" "/api/stats/survival?closing=2025-13-01")"
grep -q '"field":"closing"' "$WORK/body"
tap $? "  naming the parameter"
expect_equal "an invalid site is refused" 400 "$(get "$TR" "/api/stats/survival?site=lung")"
expect_equal "a community centre may not read the region's survival" 403 "$(get "$TC" /api/stats/survival)"
