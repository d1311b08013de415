#!/usr/bin/env bash
# tests/cli/fhir-bundle.sh: FHIR batch and transaction Bundles of several
# resource types on the real server.  A transaction registers a Patient and
# its Condition (a tumour of the registry), or creates a Patient and books
# its Appointment (the Appointment's urn:uuid reference to the Patient
# resolved, whatever the order of the entries), and answers GET entries
# (read, search) in the response; every entry is audited as its direct
# request.  One failing entry rolls back the whole transaction and the
# OperationOutcome names the entry and the field; nothing is stored.  A
# batch answers each entry: reads in and out of scope, a failed create and
# the entry that depended on it (424), a write refused to a role that may
# only read.  Every Bundle and OperationOutcome validates against the
# official R4 JSON schema.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/fhir.sh"
fhir_needs "FHIR Bundles"

export FANGAI_NOW=2027-02-20T09:00
fhir_start 200
R="Authorization: Bearer $(token a14 "$(new_user 14 a14 institution_admin)")"	# reads, never writes
# get_status PATH NAME: GET as A, keep the answer as NAME.json, print the status.
get_status() {
	curl -s -o "$WORK/fhir/$2.json" -w '%{http_code}' -H "$A" "$BASE$1"
}
# bundle NAME AUTH BODY: POST the Bundle, keep the answer as NAME.json, print the status.
bundle() {
	curl -s -o "$WORK/fhir/$1.json" -w '%{http_code}' -X POST -H "$2" -H 'Content-Type: application/fhir+json' \
		-d "$3" "$BASE/fhir"
}
curl -s -o "$WORK/sched.json" -H "$A" -H 'Content-Type: application/json' \
	-d '{"service":"ldct","name":"Low-dose CT"}' "$BASE/api/schedules"
SCHED=$(jq -r .id "$WORK/sched.json")
curl -s -o /dev/null -H "$A" -H 'Content-Type: application/json' \
	-d '{"starts_at":"2027-03-01T08:00","minutes":30,"count":2,"capacity":1}' "$BASE/api/schedules/$SCHED/slots"
SLOTS=($(sql "SELECT id FROM slot WHERE schedule_id = $SCHED ORDER BY id"))
expect_equal "two slots of one place are published" "2" "${#SLOTS[@]}"
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14")
OTHER=$(sql "SELECT min(id) FROM person WHERE institution_id = 15")
NAME=$(sql "SELECT name FROM person WHERE id = $P")
SEARCH="Patient?name=$(jq -rn --arg n "$NAME" '$n | @uri')&_elements=gender"
patient() {	# patient NAME
	echo '{"resourceType":"Patient","name":[{"text":"'"$1"'"}],"gender":"female","birthDate":"1970-05-06"}'
}
appointment() {	# appointment SLOT PATIENT-REFERENCE
	echo '{"resourceType":"Appointment","status":"booked","slot":[{"reference":"Slot/'"$1"'"}],"participant":[{"actor":{"reference":"'"$2"'"},"status":"accepted"}]}'
}

# --- transaction: Patient and Appointment, the Appointment first ---
TX='{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c01","resource":'$(appointment "${SLOTS[0]}" urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c02)',"request":{"method":"POST","url":"Appointment"}},
 {"fullUrl":"urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c02","resource":'$(patient 周一)',"request":{"method":"POST","url":"Patient"}},
 {"request":{"method":"GET","url":"Patient/'$P'"}},
 {"request":{"method":"GET","url":"Appointment?patient=Patient/'$P'"}}]}'
expect_equal "a transaction of Patient, Appointment and reads is answered 200" "200 transaction-response" \
	"$(bundle tx "$A" "$TX") $(q tx .type)"
expect_equal "each entry has its status" "201,201,200,200" "$(q tx '[.entry[].response.status | .[0:3]] | join(",")')"
NEW=$(sql "SELECT id FROM person WHERE name = '周一'")
expect_equal "the Appointment books the new Patient: its urn:uuid reference resolved" "1 $NEW" \
	"$(sql "SELECT count(*) FROM appointment WHERE slot_id = ${SLOTS[0]}") $(sql "SELECT person_id FROM appointment WHERE slot_id = ${SLOTS[0]}")"
expect_equal "the response locates both" "Appointment Patient/$NEW/_history/1" \
	"$(q tx '.entry[0].response.location | split("/")[0]') $(q tx '.entry[1].response.location')"
expect_equal "the read entry carries the Patient" "Patient $P" "$(q tx '.entry[2].resource.resourceType + " " + .entry[2].resource.id')"
expect_equal "the search entry carries a searchset" "Bundle searchset" "$(q tx '.entry[3].resource.resourceType + " " + .entry[3].resource.type')"
expect_equal "each entry is audited as its direct request" "1 1 1" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'create' AND result = 'ok' AND resource = 'person/$NEW'") $(sql "SELECT count(*) FROM audit_log WHERE action = 'create' AND result = 'ok' AND resource LIKE 'appointment/%'") $(sql "SELECT count(*) FROM audit_log WHERE action = 'read' AND resource = 'Patient/$P'")"

# --- transaction: a Patient and its Condition (a tumour of the registry) ---
condition() {	# condition SUBJECT-REFERENCE MORPHOLOGY
	echo '{"resourceType":"Condition","extension":[{"url":"http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior","valueCodeableConcept":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/icd-o-3","code":"'"$2"'"}]}},{"url":"urn:fangai:basis-of-diagnosis","valueCode":"7"}],"bodySite":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/icd-o-3","code":"C34.1"}]}],"subject":{"reference":"'"$1"'"},"onsetDateTime":"2025-03-02"}'
}
TXC='{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c11","resource":'$(patient 吴一)',"request":{"method":"POST","url":"Patient"}},
 {"request":{"method":"GET","url":"Condition?patient=urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c11"}},
 {"resource":'$(condition urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c11 8070/3)',"request":{"method":"POST","url":"Condition"}}]}'
expect_equal "a transaction registers a Patient and its Condition" "200 201,200,201" \
	"$(bundle tx-condition "$A" "$TXC") $(q tx-condition '[.entry[].response.status | .[0:3]] | join(",")')"
NEWC=$(sql "SELECT id FROM person WHERE name = '吴一'")
expect_equal "  the tumour is the new person's, as the Condition said" "1 C34.1 8070 3 7" \
	"$(sql "SELECT count(*) || ' ' || max(topography) || ' ' || max(morphology) || ' ' || max(behaviour) || ' ' || max(basis) FROM tumour WHERE person_id = $NEWC")"
expect_equal "  a search entry naming the Patient by its urn:uuid finds the Condition" "1 Patient/$NEWC" \
	"$(q tx-condition '.entry[1].resource.total') $(q tx-condition '.entry[1].resource.entry[0].resource.subject.reference')"
expect_equal "  and reads back as a Condition of the Patient" "200 Patient/$NEWC 8070/3" \
	"$(get_status "/fhir/$(q tx-condition '.entry[2].response.location')" condition-read) $(q condition-read .subject.reference) $(q condition-read '.extension[0].valueCodeableConcept.coding[0].code')"
TXC2='{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c12","resource":'$(patient 吴二)',"request":{"method":"POST","url":"Patient"}},
 {"resource":'$(condition urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c12 9999/3)',"request":{"method":"POST","url":"Condition"}}]}'
expect_equal "a Condition the registry refuses refuses the transaction, naming its element" "422 Bundle.entry[1].resource.extension 0" \
	"$(bundle tx-condition-refused "$A" "$TXC2") $(q tx-condition-refused '.issue[0].expression[0]') $(sql "SELECT count(*) FROM person WHERE name = '吴二'")"
expect_equal "a Condition of a Patient out of scope is refused, naming the subject" "422 Condition.subject" \
	"$(curl -s -o "$WORK/fhir/condition-other.json" -w '%{http_code}' -X POST -H "$A" -H 'Content-Type: application/fhir+json' \
		-d "$(condition "Patient/$OTHER" 8070/3)" "$BASE/fhir/Condition") $(q condition-other '.issue[0].expression[0]')"

# --- transaction refused: the second Appointment finds its slot full ---
refused=$(sql "SELECT count(*) FROM audit_log WHERE action = 'transaction' AND result = 'refused'")
before=$(sql "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM appointment) || ' ' || (SELECT count(*) FROM audit_log WHERE action = 'create')")
TX2='{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c03","resource":'$(patient 周二)',"request":{"method":"POST","url":"Patient"}},
 {"resource":'$(appointment "${SLOTS[1]}" urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c03)',"request":{"method":"POST","url":"Appointment"}},
 {"resource":'$(appointment "${SLOTS[0]}" "Patient/$P")',"request":{"method":"POST","url":"Appointment"}}]}'
expect_equal "a transaction whose last entry fails is refused with an OperationOutcome" "409 OperationOutcome" \
	"$(bundle tx-refused "$A" "$TX2") $(q tx-refused .resourceType)"
expect_equal "  naming the entry" "entry 2: yes" "$(q tx-refused '.issue[0].details.text[0:8]') $(q tx-refused '.issue[0].expression[0] | startswith("Bundle.entry[2]") | if . then "yes" else . end')"
expect_equal "  and nothing of it is stored or audited as done" "$before" \
	"$(sql "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM appointment) || ' ' || (SELECT count(*) FROM audit_log WHERE action = 'create')")"
expect_equal "  the refusal is audited" "$((refused + 1))" "$(sql "SELECT count(*) FROM audit_log WHERE action = 'transaction' AND result = 'refused'")"
expect_equal "a transaction with a read out of scope is refused: 404 naming the entry" "404 Bundle.entry[1].request.url" \
	"$(bundle tx-scope "$A" '{"resourceType":"Bundle","type":"transaction","entry":[{"resource":'"$(patient 周三)"',"request":{"method":"POST","url":"Patient"}},{"request":{"method":"GET","url":"Patient/'$OTHER'"}}]}') $(q tx-scope '.issue[0].expression[0]')"
expect_equal "  and its Patient is not stored" "0" "$(sql "SELECT count(*) FROM person WHERE name = '周三'")"

# --- batch ---
BATCH='{"resourceType":"Bundle","type":"batch","entry":[
 {"fullUrl":"urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c04","resource":{"resourceType":"Patient","name":[{"text":"周四"}],"gender":"x","birthDate":"1970-05-06"},"request":{"method":"POST","url":"Patient"}},
 {"resource":'$(appointment "${SLOTS[1]}" urn:uuid:6b1c3d2e-0a4f-4e55-9d1c-0b7e6f1a2c04)',"request":{"method":"POST","url":"Appointment"}},
 {"request":{"method":"GET","url":"Patient/'$OTHER'"}},
 {"request":{"method":"GET","url":"'$SEARCH'"}},
 {"request":{"method":"GET","url":"Condition?patient=Patient/'$P'&_count=0"}},
 {"request":{"method":"GET","url":"Patient/'$P'/_history/1"}}]}'
expect_equal "a batch answers each entry" "200 400,424,404,200,400,200" \
	"$(bundle batch "$A" "$BATCH") $(q batch '[.entry[].response.status | .[0:3]] | join(",")')"
expect_equal "  the entry depending on a failed one names its reference" "Patient.gender participant.actor.reference" \
	"$(q batch '.entry[0].response.outcome.issue[0].expression[0]') $(q batch '.entry[1].response.outcome.issue[0].expression[0] | sub("^Bundle.entry\\[1\\].resource."; "")')"
expect_equal "  a search entry (its query decoded) finds what the direct search finds" \
	"$(curl -s -H "$A" "$BASE/fhir/$SEARCH" | jq -c '[.total, [.entry[].resource.id]]') gender" \
	"$(q batch '.entry[3].resource | [.total, [.entry[].resource.id]] | tojson') $(q batch '[.entry[3].resource.entry[].resource | keys - ["resourceType", "id", "meta"]] | flatten | unique | join(",")')"
expect_equal "  the vread entry returns version 1" "1" "$(q batch '.entry[5].resource.meta.versionId')"
expect_equal "  nothing of the failed entries is stored" "0 0" \
	"$(sql "SELECT count(*) FROM person WHERE name = '周四'") $(sql "SELECT count(*) FROM appointment WHERE slot_id = ${SLOTS[1]}")"
expect_equal "  the reads are audited, the one out of scope as not found" "1 1" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'read' AND result = 'notfound' AND resource = 'Patient/$OTHER'") $(sql "SELECT count(*) FROM audit_log WHERE action = 'batch' AND result = 'partial'")"

# --- Prefer: return=representation and return=minimal ---
curl -s -o "$WORK/fhir/repr.json" -X POST -H "$A" -H 'Content-Type: application/fhir+json' -H 'Prefer: return=representation' \
	-d '{"resourceType":"Bundle","type":"batch","entry":[{"resource":'"$(patient 周六)"',"request":{"method":"POST","url":"Patient"}}]}' "$BASE/fhir"
expect_equal "with Prefer: return=representation the response carries the resource created" "Patient 周六 201" \
	"$(q repr '.entry[0].resource.resourceType + " " + .entry[0].resource.name[0].text + " " + .entry[0].response.status[0:3]')"
expect_equal "without it, only the status, location and etag" "null" "$(q tx '.entry[1].resource')"
expect_equal "a direct create with Prefer: return=minimal answers 201 with a Location and no body" "201 0 yes" \
	"$(curl -s -D "$WORK/minimal.h" -o "$WORK/minimal.body" -w '%{http_code}' -X POST -H "$A" -H 'Content-Type: application/fhir+json' \
		-H 'Prefer: return=minimal' -d "$(patient 周七)" "$BASE/fhir/Patient") $(wc -c <"$WORK/minimal.body" | tr -d ' ') $(grep -qi '^Location: .*/Patient/[0-9]*/_history/1' "$WORK/minimal.h" && echo yes)"

# --- a role that may only read ---
RB='{"resourceType":"Bundle","type":"batch","entry":[
 {"request":{"method":"GET","url":"Patient/'$P'"}},
 {"resource":'$(patient 周五)',"request":{"method":"POST","url":"Patient"}}]}'
expect_equal "a reading role's batch: the read answered, the create refused" "200 200,403" \
	"$(bundle read-only "$R" "$RB") $(q read-only '[.entry[].response.status | .[0:3]] | join(",")')"
expect_equal "  and not stored" "0" "$(sql "SELECT count(*) FROM person WHERE name = '周五'")"
expect_equal "no Bundle was answered with a server error" "" "$(grep -l '"status":"5' "$WORK"/fhir/*.json)"

node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
server_stop
expect_equal "the server stops cleanly (no leak, no sanitizer report)" 0 "$SERVER_STATUS"
