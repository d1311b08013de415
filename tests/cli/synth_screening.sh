#!/usr/bin/env bash
# tests/cli/synth_screening.sh: the synthetic city with screening histories
# (fangai synth --screening): histories are written through the screening
# library, are deterministic, and land near the levels of
# data/synth/screening.csv.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/screening.sh"

"$F" init >/dev/null
expect_status 0 "generate a city of 4000 with screening histories" \
	"$F" synth --persons 4000 --seed 9 --quiet --screening
expect_output "the histories are reported" "^screening histories: [0-9]+ episodes, [0-9]+ questionnaires, [0-9]+ exams, [0-9]+ diagnoses"
expect_equal "all seven programmes are enrolled" 7 "$(sql "SELECT count(DISTINCT programme_id) FROM screening_episode")"
expect_equal "every exam carries a classified result" 0 \
	"$(sql "SELECT count(*) FROM screening_exam WHERE category IS NULL OR scheme IS NULL")"
expect_equal "no exam is dated after the as-of day or before its enrolment" 0 \
	"$(sql "SELECT count(*) FROM screening_exam x JOIN screening_episode e ON e.id = x.episode_id
	        WHERE x.exam_date > '2025-12-31' OR x.exam_date < e.started_on")"
hr=$(sql "SELECT CAST(round(100.0 * sum(high_risk) / count(assessed_on)) AS INTEGER) FROM screening_episode e
          JOIN screening_programme p ON p.id = e.programme_id WHERE p.code = 'lung'")
tap $([ "$hr" -ge 17 ] && [ "$hr" -le 31 ] && echo 0 || echo 1) "lung: high-risk share near 24% of the assessed (got $hr%)"
up=$(sql "SELECT CAST(round(100.0 * count(screened_on) / sum(high_risk)) AS INTEGER) FROM screening_episode e
          JOIN screening_programme p ON p.id = e.programme_id WHERE p.code = 'lung'")
tap $([ "$up" -ge 40 ] && [ "$up" -le 66 ] && echo 0 || echo 1) "lung: LDCT uptake near 53% of the high-risk (got $up%)"
expect_status 0 "indicators over the synthetic histories" "$F" screen indicators --format csv
expect_equal "one indicator row per programme" 8 "$(wc -l <"$WORK/out")"
expect_tally_in_step
first=$(sql "SELECT category FROM screening_exam ORDER BY id LIMIT 50" | paste -sd,)
rm -f "$FANGAI_DB"
"$F" init >/dev/null
"$F" synth --persons 4000 --seed 9 --quiet --screening >/dev/null
expect_equal "the same seed gives the same histories" "$first" \
	"$(sql "SELECT category FROM screening_exam ORDER BY id LIMIT 50" | paste -sd,)"
