#!/usr/bin/env bash
# tests/cli/fhir-batch-export.sh: FHIR batch Bundles (each entry on its
# own: a failing entry gets its status and OperationOutcome while the
# others are stored and audited) and Bulk Data $export on the real server
# (202 with Content-Location, polling 202 with X-Progress then 200 with the
# manifest, NDJSON files of the caller's scope only, each type counted as its search gives it,
# the job and its files still there after a restart of the server, DELETE cancels and removes
# them, another user cannot see the job, every step audited).  Bundles and exported
# resources validate against the official R4 JSON schema.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/fhir.sh"
fhir_needs "FHIR batch and export"

fhir_start 300

# --- batch ---
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14")
BATCH='{"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Patient","name":[{"text":"孙一"}],"gender":"male","birthDate":"1962-02-02"},"request":{"method":"POST","url":"Patient"}},
 {"resource":{"resourceType":"Patient","name":[{"text":"孙二"}],"gender":"female","birthDate":"1962-13-02"},"request":{"method":"POST","url":"Patient"}},
 {"resource":{"resourceType":"Patient","id":"'$P'","name":[{"text":"孙三"}],"gender":"female","birthDate":"1963-01-01"},"request":{"method":"PUT","url":"Patient/'$P'","ifMatch":"W/\"7\""}},
 {"resource":{"resourceType":"Patient","name":[{"text":"孙四"}],"gender":"male","birthDate":"1964-04-04"},"request":{"method":"POST","url":"Patient"}}]}'
s=$(curl -s -o "$WORK/fhir/batch-response.json" -w '%{http_code}' -X POST -H "$A" -H 'Content-Type: application/fhir+json' -d "$BATCH" "$BASE/fhir")
expect_equal "a batch is answered 200 with a batch-response" "200 batch-response" "$s $(q batch-response .type)"
expect_equal "each entry has its own status" "201,422,412,201" "$(q batch-response '[.entry[].response.status | .[0:3]] | join(",")')"
expect_equal "a failed entry carries an OperationOutcome" "OperationOutcome Patient.birthDate" \
	"$(q batch-response '.entry[1].response.outcome.resourceType') $(q batch-response '.entry[1].response.outcome.issue[0].expression[0]')"
expect_equal "the good entries are stored, the bad ones not" "1 1 0" \
	"$(sql "SELECT count(*) FROM person WHERE name = '孙一'") $(sql "SELECT count(*) FROM person WHERE name = '孙四'") $(sql "SELECT count(*) FROM person WHERE name IN ('孙二', '孙三')")"
expect_equal "each stored entry is audited" "2" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'create' AND result = 'ok' AND resource IN (SELECT 'person/' || id FROM person WHERE name IN ('孙一', '孙四'))")"
s=$(curl -s -o "$WORK/fhir/bad-type.json" -w '%{http_code}' -X POST -H "$A" -H 'Content-Type: application/fhir+json' -d '{"resourceType":"Bundle","type":"collection"}' "$BASE/fhir")
expect_equal "a collection Bundle is refused" "422 OperationOutcome" "$s $(q bad-type .resourceType)"

# --- $export ---
s=$(curl -s -o "$WORK/fhir/no-prefer.json" -w '%{http_code}' -H "$A" "$BASE/fhir/\$export")
expect_equal "an export without Prefer: respond-async is refused" "400 OperationOutcome" "$s $(q no-prefer .resourceType)"
s=$(curl -s -o "$WORK/fhir/bad-type-export.json" -w '%{http_code}' -H "$A" -H 'Prefer: respond-async' "$BASE/fhir/\$export?_type=Claim")
expect_equal "an export of an unknown type is refused" "400" "$s"
"$F" tumour add --person "$P" --institution 14 --incidence-date 2025-03-02 --topography C34.1 \
	--morphology 8070/3 --basis 7 >/dev/null 2>&1
# Records of every other exported type in institution 14: a follow-up plan with a contact, a
# referral received from the cancer centre, a screening episode with an exam.
T=$(sql "SELECT max(id) FROM tumour")
"$F" followup enrol --person "$P" --plan cancer-standard --start 2025-04-01 --tumour "$T" >/dev/null &&
	"$F" followup record "$(sql "SELECT min(id) FROM followup WHERE plan_id = (SELECT max(id) FROM followup_plan)")" \
		--method phone --outcome alive --date 2025-07-02 >/dev/null &&
	"$F" referral request --person "$P" --from 1 --to 14 --type followup --reason 术后随访 >/dev/null
tap $? "a follow-up plan with a contact and a referral are recorded"
Q=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND sex = '1' AND vital_status = 'alive'
	 AND birth_date BETWEEN '1952-01-11' AND '1975-01-10'")
http POST /api/screening/enrolments -H "$A" -H 'Content-Type: application/json' \
	-d '{"programme":"lung","version":"1","person":"'$Q'","date":"2026-01-10"}' >/dev/null
http POST /api/screening/questionnaires -H "$A" -H 'Content-Type: application/json' \
	-d '{"programme":"lung","person":"'$Q'","date":"2026-01-20","answers":{"pack_years":"35","passive_smoking_years":"0","copd":"no","occupational_exposure_years":"0","family_history":"no"}}' >/dev/null
expect_equal "a screening exam is recorded" 201 "$(http POST /api/screening/exams -H "$A" -H 'Content-Type: application/json' \
	-d '{"programme":"lung","person":"'$Q'","date":"2026-02-01","exam_type":"ldct","findings":{"finding":"solid","status":"baseline","size_mm":"4.0"}}')"
curl -s -D "$WORK/kick.h" -o "$WORK/fhir/kickoff.json" -H "$A" -H 'Prefer: respond-async' \
	-H 'Accept: application/fhir+json' "$BASE/fhir/Patient/\$export"
STATUS_URL=$(sed -n 's/^[Cc]ontent-[Ll]ocation: \(.*\)\r$/\1/p' "$WORK/kick.h")
expect_equal "the kick-off answers 202 with a status URL" "202 yes" \
	"$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$WORK/kick.h") $(case "$STATUS_URL" in */fhir/\$export-status/*) echo yes;; esac)"
STATUS_PATH=${STATUS_URL#http://*/fhir}
code=202
for _ in $(seq 1 100); do
	code=$(curl -s -D "$WORK/poll.h" -o "$WORK/manifest.json" -w '%{http_code}' -H "$A" "$BASE/fhir$STATUS_PATH")
	[ "$code" = 202 ] || break
	grep -qi '^X-Progress:' "$WORK/poll.h" || echo "not ok - a running export reports X-Progress"
	sleep 0.2
done
expect_equal "the export completes with a manifest" "200" "$code"
expect_equal "another user cannot see the job" "404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$B" "$BASE/fhir$STATUS_PATH")"
expect_equal "the manifest lists Patient and Condition files" "Condition,Patient" \
	"$(jq -r '[.output[].type | select(. == "Patient" or . == "Condition")] | unique | join(",")' "$WORK/manifest.json")"
for t in Observation DiagnosticReport EpisodeOfCare CarePlan Encounter ServiceRequest Task; do
	n=$(curl -s -H "$A" "$BASE/fhir/$t?_summary=count" | jq .total)
	expect_equal "the $t count ($n) is that of the caller's search" "$n" \
		"$(jq --arg t "$t" '[.output[] | select(.type == $t) | .count] | add // 0' "$WORK/manifest.json")"
done
expect_equal "  resources of every type were exported" "9" "$(jq '[.output[].type] | unique | length' "$WORK/manifest.json")"
IN_SCOPE=$(curl -s -H "$A" "$BASE/fhir/Patient?_summary=count" | jq .total)
expect_equal "the Patient count is that of the caller's scope" "$IN_SCOPE" \
	"$(jq '[.output[] | select(.type == "Patient") | .count] | add' "$WORK/manifest.json")"
: >"$WORK/all.ndjson"
for url in $(jq -r '.output[].url' "$WORK/manifest.json"); do
	curl -s -H "$A" "$BASE/fhir${url#http://*/fhir}" >>"$WORK/all.ndjson"
done
expect_equal "the files hold every resource of the manifest" "$(jq '[.output[].count] | add' "$WORK/manifest.json")" "$(wc -l <"$WORK/all.ndjson" | tr -d ' ')"
expect_equal "no Patient of another institution is exported" "0" \
	"$(jq -r 'select(.resourceType == "Patient") | .managingOrganization.reference' "$WORK/all.ndjson" | grep -vc '^Organization/14$')"
expect_equal "the Condition of the Patient is exported" "1" "$(jq -r 'select(.resourceType == "Condition") | .subject.reference' "$WORK/all.ndjson" | grep -c "^Patient/$P\$")"
expect_equal "a file cannot be fetched by another user" "404" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "$B" "$BASE/fhir$(jq -r '.output[0].url' "$WORK/manifest.json" | sed 's|^http://[^/]*/fhir||')")"
head -n 1 "$WORK/all.ndjson" >"$WORK/fhir/export-first.json"
for t in $(jq -r '.resourceType' "$WORK/all.ndjson" | sort -u); do
	jq -c --arg t "$t" 'select(.resourceType == $t)' "$WORK/all.ndjson" | head -n 1 >"$WORK/fhir/export-$t.json"
done
expect_equal "the export is audited: start, end, downloads" "1 1 $(jq '.output | length' "$WORK/manifest.json")" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'export' AND result = 'accepted'") $(sql "SELECT count(*) FROM audit_log WHERE action = 'export' AND result = 'ok'") $(sql "SELECT count(*) FROM audit_log WHERE action = 'export-download' AND result = 'ok'")"

# --- the job outlives a restart of the server ---
JOB=${STATUS_PATH##*/}
DIR=$(sql "SELECT dir FROM export_job WHERE id = '$JOB'")
files_of() {	# files_of MANIFEST: type, count and path of each file, without the host
	jq -c '[.transactionTime, [.output[] | [.type, .count, (.url | sub("^http://[^/]*"; ""))]]]' "$1"
}
server_stop
server_start
code=$(curl -s -o "$WORK/manifest-again.json" -w '%{http_code}' -H "$A" "$BASE/fhir$STATUS_PATH")
expect_equal "a restarted server answers the status of the earlier job with the same manifest" "200 $(files_of "$WORK/manifest.json")" \
	"$code $(files_of "$WORK/manifest-again.json")"
expect_equal "  its file URLs name the server as it is now" "$(jq '.output | length' "$WORK/manifest.json")" \
	"$(jq --arg b "$BASE/fhir/" '[.output[].url | select(startswith($b))] | length' "$WORK/manifest-again.json")"
: >"$WORK/all-again.ndjson"
for url in $(jq -r '.output[].url' "$WORK/manifest-again.json"); do
	curl -s -H "$A" "$BASE/fhir${url#http://*/fhir}" >>"$WORK/all-again.ndjson"
done
expect_equal "  and serves the same files" "$(md5sum <"$WORK/all.ndjson")" "$(md5sum <"$WORK/all-again.ndjson")"
expect_equal "  still to its user only" "404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$B" "$BASE/fhir$STATUS_PATH")"
expect_equal "DELETE cancels the job" "202" "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "$A" "$BASE/fhir$STATUS_PATH")"
expect_equal "a cancelled job is gone" "404" "$(curl -s -o "$WORK/fhir/gone.json" -w '%{http_code}' -H "$A" "$BASE/fhir$STATUS_PATH")"
expect_equal "  with its record and its files" "0 0 no" \
	"$(sql "SELECT count(*) FROM export_job WHERE id = '$JOB'") $(sql "SELECT count(*) FROM export_file WHERE job_id = '$JOB'") $([ -e "$DIR" ] && echo yes || echo no)"
INTERRUPTED=$(sql "SELECT id FROM app_user WHERE username = 'c14'")
sql "INSERT INTO export_job (id, user_id, state, request, started_at, dir) VALUES ('0123abcd', $INTERRUPTED, 'running', 'x', '2026-01-01T00:00:00Z', '$WORK/none')" >/dev/null
expect_equal "a job that was running when the server stopped is reported failed" "500 OperationOutcome" \
	"$(curl -s -o "$WORK/fhir/interrupted.json" -w '%{http_code}' -H "$A" "$BASE/fhir/\$export-status/0123abcd") $(q interrupted .resourceType)"
curl -s -D "$WORK/kick2.h" -o /dev/null -H "$B" -H 'Prefer: respond-async' "$BASE/fhir/\$export?_type=Patient&_since=2000-01-01T00:00:00Z"
S2=$(sed -n 's/^[Cc]ontent-[Ll]ocation: http:\/\/[^/]*\/fhir\(.*\)\r$/\1/p' "$WORK/kick2.h")
for _ in $(seq 1 100); do
	code=$(curl -s -o "$WORK/manifest2.json" -w '%{http_code}' -H "$B" "$BASE/fhir$S2")
	[ "$code" = 202 ] || break
	sleep 0.2
done
expect_equal "a system export with _type=Patient writes Patients only" "200 Patient" "$code $(jq -r '[.output[].type] | unique | join(",")' "$WORK/manifest2.json")"

node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
