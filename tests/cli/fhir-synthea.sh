#!/usr/bin/env bash
# tests/cli/fhir-synthea.sh: import of a Synthea-shaped patient bundle
# (tests/data/synthea-bundle.json: two Patients, one dead, SNOMED CT coded
# Conditions, an Encounter and Observations) through POST
# /fhir/$import-synthea.  The Patients become persons of the importing
# institution, the death its date, the NSCLC and breast cancer Conditions
# tumours coded per data/fhir/synthea-cancer.csv (C34.9 8046/3, C50.9
# 8000/3); the suspected lung cancer and the secondary colon neoplasm are
# reported as not mapped, the other resources counted; a second import adds
# nothing; a bad bundle stores nothing.  The report and the resulting
# Patient and Conditions validate against the official R4 JSON schema.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/fhir.sh"
fhir_needs "FHIR Synthea import"

fhir_start 50
BUNDLE="$ROOT/tests/data/synthea-bundle.json"
import() {	# import NAME FILE|-: POST the bundle, keep the report as NAME.json, print the status
	curl -s -o "$WORK/fhir/$1.json" -w '%{http_code}' -X POST -H "$A" -H 'Content-Type: application/fhir+json' \
		--data-binary @"$2" "$BASE/fhir/\$import-synthea"
}
persons=$(sql "SELECT count(*) FROM person")
expect_equal "the bundle is imported" "200 OperationOutcome" "$(import report "$BUNDLE") $(q report .resourceType)"
expect_equal "two new persons of the importing institution" "$((persons + 2)) 2" \
	"$(sql "SELECT count(*) FROM person") $(sql "SELECT count(*) FROM person WHERE institution_id = 14 AND name IN ('Wei Lin', 'Mei Zhou')")"
W=$(sql "SELECT id FROM person WHERE name = 'Wei Lin'")
M=$(sql "SELECT id FROM person WHERE name = 'Mei Zhou'")
expect_equal "the death is recorded with its date" "dead 2024-06-01" "$(sql "SELECT vital_status || ' ' || death_date FROM person WHERE id = $W")"
expect_equal "NSCLC becomes C34.9 8046/3 on its onset date" "C34.9 8046 3 2023-02-10" \
	"$(sql "SELECT topography || ' ' || morphology || ' ' || behaviour || ' ' || incidence_date FROM tumour WHERE person_id = $W")"
expect_equal "breast cancer becomes C50.9 8000/3" "C50.9 8000 3" \
	"$(sql "SELECT topography || ' ' || morphology || ' ' || behaviour FROM tumour WHERE person_id = $M")"
expect_equal "the summary counts what was done" "1" \
	"$(q report '.issue[0].details.text' | grep -c 'imported 2 Patients (2 new, 0 known), 1 deaths, 2 cancer Conditions as tumours; 2 cancer Conditions not registered, 1 other Conditions and 3 other resources')"
expect_equal "the suspected lung cancer is reported as not mapped" "Bundle.entry[2].resource" \
	"$(q report '.issue[] | select(.details.text | contains("162573006")) | .expression[0]')"
expect_equal "the secondary colon neoplasm is reported as not mapped" "warning" \
	"$(q report '.issue[] | select(.details.text | contains("94260004")) | .severity')"
expect_equal "the Encounter and Observations are counted" "1 Encounter resource not imported,2 Observation resources not imported" \
	"$(q report '[.issue[] | select(.details.text | contains("not imported")) | select(.details.text | contains("Encounter") or contains("Observation")) | .details.text] | join(",")')"
expect_equal "each person and tumour stored is audited" "4" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'import' AND result = 'ok' AND resource IN ('Patient/$W', 'Patient/$M', (SELECT 'Condition/' || id FROM tumour WHERE person_id = $W), (SELECT 'Condition/' || id FROM tumour WHERE person_id = $M))")"

curl -s -o "$WORK/fhir/patient.json" -H "$A" "$BASE/fhir/Patient/$W"
expect_equal "the FHIR Patient shows the death" "2024-06-01" "$(q patient .deceasedDateTime)"
curl -s -o "$WORK/fhir/conditions.json" -H "$A" "$BASE/fhir/Condition?patient=$W"
expect_equal "the FHIR Condition has ICD-10 C34.9" "C34.9" "$(q conditions '.entry[0].resource.code.coding[0].code')"
expect_equal "another institution does not see the imported persons" "404" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "$B" "$BASE/fhir/Patient/$W")"

tumours=$(sql "SELECT count(*) FROM tumour")
expect_equal "a second import of the same bundle adds nothing" "200 $((persons + 2)) $tumours" \
	"$(import again "$BUNDLE") $(sql "SELECT count(*) FROM person") $(sql "SELECT count(*) FROM tumour")"
expect_equal "and reports the Patients as known" "1" "$(q again '.issue[0].details.text' | grep -c '(0 new, 2 known)')"

jq '.entry[7].resource.birthDate = "1968-02-30"' "$BUNDLE" >"$WORK/bad.json"
jq '.entry[0].resource.id = "new-one" | .entry[0].fullUrl = "urn:uuid:new-one" | .entry[7].resource.id = "new-two" | .entry[7].resource.birthDate = "1968-02-30"' "$BUNDLE" >"$WORK/bad.json"
before=$(sql "SELECT count(*) FROM person")
expect_equal "a Patient with an impossible birth date refuses the bundle" "422 Bundle.entry[7].resource.birthDate" \
	"$(import bad "$WORK/bad.json") $(q bad '.issue[0].expression[0]')"
expect_equal "and nothing of it is stored" "$before" "$(sql "SELECT count(*) FROM person")"
expect_equal "a resource that is not a Bundle is refused" "422" "$(echo '{"resourceType":"Patient"}' | import not-bundle -)"
node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
