#!/usr/bin/env bash
# tests/cli/synthea-cli.sh: fangai synthea import on the Synthea-shaped
# bundle of tests/data: persons, the death and the two mapped cancers are
# stored, the unmapped cancer Conditions listed, a second run adds nothing,
# a file that is not a Bundle exits 1 and a missing --institution 2.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUNDLE="$ROOT/tests/data/synthea-bundle.json"
"$F" init >/dev/null && "$F" synth --persons 20 --seed 5 >/dev/null

expect_status 0 "a Synthea bundle is imported" "$F" synthea import --institution 14 "$BUNDLE"
expect_output "the summary counts patients, deaths and cancers" '2 patients \(2 new, 0 known\), 1 deaths, 2 cancers registered'
expect_output "an unmapped cancer Condition is listed" 'warning: Bundle.entry\[9\].resource: cancer Condition SNOMED CT 94260004'
expect_equal "the tumours are C34.9 and C50.9" "C34.9,C50.9" "$(sql "SELECT topography FROM tumour ORDER BY topography" | paste -sd,)"
expect_equal "the dead patient has his date of death" "2024-06-01" "$(sql "SELECT death_date FROM person WHERE name = 'Wei Lin'")"
n=$(sql "SELECT count(*) FROM person")
expect_status 0 "importing it again" "$F" synthea import --institution 14 "$BUNDLE"
expect_equal "adds nothing" "$n 2" "$(sql "SELECT count(*) FROM person") $(sql "SELECT count(*) FROM tumour")"
echo '{"resourceType":"Patient"}' >"$WORK/patient.json"
expect_status 1 "a file that is not a Bundle is refused" "$F" synthea import --institution 14 "$WORK/patient.json"
expect_output "naming the element" 'field: resourceType'
expect_status 2 "--institution is required" "$F" synthea import "$BUNDLE"
