#!/usr/bin/env bash
# tests/cli/server-matrix.sh: deny by default, generated.  Every
# institution x role x endpoint x person registered elsewhere (and the
# follow-up plan and contact of each, as FHIR CarePlan and Encounter) must
# be denied (403/404, or a search that finds nothing, counts included), while
# the same users still reach their own persons, and none of them may merge,
# un-merge or work the duplicate review queue; a referral opens a person
# to the hospital it is referred to and to no one else.  Every request is
# in the audit log.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

city 400
ROLES="screening clinician followup registry institution_admin system_admin auditor"
INSTITUTIONS="2 10 14"		# a hospital and two community health centres
OBJECTS=8			# persons registered elsewhere, per institution

# A referral from the community centre 14 to hospital 2, once accepted, opens that person to 2.
REFERRED=$(sql "SELECT min(id) FROM person WHERE institution_id = 14")
REFERRAL=$("$F" referral request --person "$REFERRED" --from 14 --to 2 --type suspected_cancer \
	--reason "nodule on low-dose CT" | sed -n 's/^referral \([0-9]*\) requested.*/\1/p')
"$F" referral accept "$REFERRAL" >/dev/null

# objects INSTITUTION: persons registered elsewhere, the referred one aside.
objects() {
	sql "SELECT id FROM person WHERE institution_id <> $1 AND id <> $REFERRED ORDER BY (id * 7919) % 1009 LIMIT $OBJECTS"
}
# Each living object is followed up, and its first visit closed by a phone call.
for id in $( (for inst in $INSTITUTIONS; do objects "$inst"; done
	      sql "SELECT id FROM person ORDER BY (id * 7919) % 1009 LIMIT $OBJECTS") | sort -un); do
	[ "$(sql "SELECT vital_status FROM person WHERE id = $id")" = dead ] && continue
	"$F" followup enrol --person "$id" --plan cancer-standard --start 2025-01-15 >/dev/null &&
		"$F" followup record "$(sql "SELECT min(id) FROM followup WHERE person_id = $id")" --method phone \
			--outcome alive --date 2025-04-16 >/dev/null || echo "not ok - person $id is followed up"
done
OWN_PLAN_PERSON=$(sql "SELECT min(id) FROM person WHERE institution_id = 10 AND vital_status = 'alive'")
"$F" followup enrol --person "$OWN_PLAN_PERSON" --plan cancer-standard --start 2025-01-15 >/dev/null
OWN_PLAN=$(sql "SELECT max(id) FROM followup_plan")

declare -A TOKEN
server_start
for inst in $INSTITUTIONS; do
	for role in $ROLES; do
		u="u$inst.$role"
		pw=$(new_user "$inst" "$u" "$role")
		TOKEN[$u]=$(token "$u" "$pw")
	done
done
for role in system_admin auditor; do	# region-wide users without access to persons
	u="u1.$role"
	pw=$(new_user 1 "$u" "$role")
	TOKEN[$u]=$(token "$u" "$pw")
done

cases=0
denied=0
requests=0

# check_statuses NAME: read "status" lines on stdin; each must be 403 or 404.
check_statuses() {
	local s
	while read -r s; do
		cases=$((cases + 1))
		requests=$((requests + 1))
		if [ "$s" = 403 ] || [ "$s" = 404 ]; then
			denied=$((denied + 1))
		else
			echo "not ok - $1 was not denied (status $s)"
		fi
	done
}

# check_searches NAME: read body and status line pairs; 403, or 200 with a total of 0.
check_searches() {
	local body s
	while read -r body && read -r s; do
		cases=$((cases + 1))
		requests=$((requests + 1))
		if [ "$s" = 403 ] || { [ "$s" = 200 ] && [[ "$body" == *'"total":0'* ]]; }; then
			denied=$((denied + 1))
		else
			echo "not ok - $1 found a person out of scope (status $s)"
		fi
	done
}

run_matrix() {	# user institution object-ids...
	local u=$1 inst=$2
	shift 2
	local auth="Authorization: Bearer ${TOKEN[$u]}" urls=() unmask=() fhir=() vread=() tumours=() q=() fq=() cq=() id idn
	local plans=() encounters=() fu=() merges=() unmerges=() in
	in=$(echo "$@" | tr ' ' ,)
	for id in $(sql "SELECT id FROM followup_plan WHERE person_id IN ($in)"); do
		plans+=(-o /dev/null "$BASE/fhir/CarePlan/$id")
	done
	for id in $(sql "SELECT id FROM followup WHERE contact_date IS NOT NULL AND person_id IN ($in)"); do
		encounters+=(-o /dev/null "$BASE/fhir/Encounter/$id")
	done
	for id in "$@"; do
		idn=$(sql "SELECT id_number FROM person WHERE id = $id")
		urls+=(-o /dev/null "$BASE/api/persons/$id")
		unmask+=(-o /dev/null "$BASE/api/persons/$id?unmask=1")
		fhir+=(-o /dev/null "$BASE/fhir/Patient/$id")
		vread+=(-o /dev/null "$BASE/fhir/Patient/$id/_history/1")
		tumours+=(-o /dev/null "$BASE/api/persons/$id/tumours")
		merges+=(-o /dev/null "$BASE/api/persons/$id/merge")
		unmerges+=(-o /dev/null "$BASE/api/persons/$id/unmerge")
		cq+=("$BASE/fhir/Condition?patient=Patient/$id")
		fu+=("$BASE/fhir/CarePlan?patient=$id" "$BASE/fhir/Encounter?subject=Patient/$id")
		q+=("$BASE/api/persons?q=$idn")
		fq+=("$BASE/fhir/Patient?identifier=$idn")
	done
	check_statuses "$u GET /api/persons/ID" < <(curl -s -w '%{http_code}\n' -H "$auth" "${urls[@]}")
	check_statuses "$u GET /api/persons/ID?unmask=1" < <(curl -s -w '%{http_code}\n' -H "$auth" "${unmask[@]}")
	check_statuses "$u GET /fhir/Patient/ID" < <(curl -s -w '%{http_code}\n' -H "$auth" "${fhir[@]}")
	check_statuses "$u GET /fhir/Patient/ID/_history/1" < <(curl -s -w '%{http_code}\n' -H "$auth" "${vread[@]}")
	check_statuses "$u GET /api/persons/ID/tumours" < <(curl -s -w '%{http_code}\n' -H "$auth" "${tumours[@]}")
	check_statuses "$u PUT /api/persons/ID" < <(curl -s -w '%{http_code}\n' -H "$auth" -X PUT \
		-H 'Content-Type: application/json' \
		-d '{"name":"改","sex":"1","birth_date":"1980-01-01","version":1}' "${urls[@]}")
	check_statuses "$u PUT /fhir/Patient/ID" < <(for id in "$@"; do
		curl -s -o /dev/null -w '%{http_code}\n' -H "$auth" -X PUT -H 'If-Match: W/"1"' \
			-H 'Content-Type: application/fhir+json' \
			-d "{\"resourceType\":\"Patient\",\"id\":\"$id\",\"name\":[{\"text\":\"改\"}],\"gender\":\"male\",\"birthDate\":\"1980-01-01\"}" \
			"$BASE/fhir/Patient/$id"
	done)
	# Duplicates are the cancer centre's work: merge, un-merge and the review queue are refused.
	check_statuses "$u POST /api/persons/ID/merge" < <(curl -s -w '%{http_code}\n' -H "$auth" -X POST \
		-H 'Content-Type: application/json' -d "{\"into\":$1}" "${merges[@]}")
	check_statuses "$u POST /api/persons/ID/unmerge" < <(curl -s -w '%{http_code}\n' -H "$auth" -X POST "${unmerges[@]}")
	check_statuses "$u GET /api/link/reviews" < <(curl -s -o /dev/null -w '%{http_code}\n' -H "$auth" "$BASE/api/link/reviews")
	check_statuses "$u POST /api/link/reviews/ID" < <(curl -s -o /dev/null -w '%{http_code}\n' -H "$auth" -X POST \
		-H 'Content-Type: application/json' -d '{"decision":"same"}' "$BASE/api/link/reviews/1")
	check_searches "$u GET /api/persons?q=ID-NUMBER" < <(curl -s -w '\n%{http_code}\n' -H "$auth" "${q[@]}")
	check_searches "$u GET /fhir/Patient?identifier=ID-NUMBER" < <(curl -s -w '\n%{http_code}\n' -H "$auth" "${fq[@]}")
	check_searches "$u GET /fhir/Condition?patient=ID" < <(curl -s -w '\n%{http_code}\n' -H "$auth" "${cq[@]}")
	check_statuses "$u GET /fhir/CarePlan/ID" < <(curl -s -w '%{http_code}\n' -H "$auth" "${plans[@]}")
	check_statuses "$u GET /fhir/Encounter/ID" < <(curl -s -w '%{http_code}\n' -H "$auth" "${encounters[@]}")
	check_searches "$u GET /fhir/CarePlan|Encounter?patient=ID" < <(curl -s -w '\n%{http_code}\n' -H "$auth" "${fu[@]}")
}

for inst in $INSTITUTIONS; do
	objects=$(objects "$inst")
	for role in $ROLES; do
		run_matrix "u$inst.$role" "$inst" $objects
	done
done
objects=$(sql "SELECT id FROM person ORDER BY (id * 7919) % 1009 LIMIT $OBJECTS")
run_matrix u1.system_admin 1 $objects
run_matrix u1.auditor 1 $objects

[ "$cases" -ge 1000 ]; tap $? "the matrix has at least 1000 cases ($cases)"
expect_equal "every case of the matrix is denied" "$cases" "$denied"

# Lists leave out what is out of scope, and their totals count only what is in it.
for inst in 10 14; do
	curl -s -H "Authorization: Bearer ${TOKEN[u$inst.registry]}" "$BASE/api/persons?limit=1000" >"$WORK/body"
	requests=$((requests + 1))
	want=$(sql "SELECT count(*) FROM person WHERE institution_id = $inst")
	grep -q "\"total\":$want," "$WORK/body"; tap $? "institution $inst lists a total of its own $want persons"
	others=$(grep -o '"institution_id":[0-9]*' "$WORK/body" | grep -vc "\"institution_id\":$inst$")
	expect_equal "institution $inst lists no person of another institution" 0 "$others"
	curl -s -H "Authorization: Bearer ${TOKEN[u$inst.registry]}" "$BASE/api/export/persons" >"$WORK/export.csv"
	requests=$((requests + 1))
	expect_equal "institution $inst exports its $want persons and none of another" "$want $inst" \
		"$(tail -n +2 "$WORK/export.csv" | wc -l) $(tail -n +2 "$WORK/export.csv" | cut -d, -f3 | sort -u | xargs)"
done

# Positive controls: the same users reach what is theirs.
own=$(sql "SELECT min(id) FROM person WHERE institution_id = 10")
for role in screening clinician followup registry institution_admin; do
	expect_equal "u10.$role reads a person of its own" 200 "$(http GET /api/persons/$own -H "Authorization: Bearer ${TOKEN[u10.$role]}")"
	requests=$((requests + 1))
done
expect_equal "u10.followup reads a follow-up plan of its own" 200 "$(http GET /fhir/CarePlan/$OWN_PLAN -H "Authorization: Bearer ${TOKEN[u10.followup]}")"
requests=$((requests + 1))
expect_equal "the hospital reads the person referred to it" 200 "$(http GET /fhir/Patient/$REFERRED -H "Authorization: Bearer ${TOKEN[u2.clinician]}")"
expect_equal "another centre does not" 404 "$(http GET /fhir/Patient/$REFERRED -H "Authorization: Bearer ${TOKEN[u10.clinician]}")"
requests=$((requests + 2))
for step in "schedule --appointment 2026-06-30T10:00" attend "complete --report benign"; do
	# shellcheck disable=SC2086
	"$F" referral $step "$REFERRAL" >/dev/null
done
expect_equal "a completed referral no longer opens the person" 404 "$(http GET /fhir/Patient/$REFERRED -H "Authorization: Bearer ${TOKEN[u2.clinician]}")"
requests=$((requests + 1))

# One audit entry per request of the matrix users (logins aside).
logged=$(sql "SELECT count(*) FROM audit_log WHERE action <> 'login' AND user_id IN
	      (SELECT id FROM app_user WHERE username LIKE 'u%.%')")
expect_equal "every request is in the audit log" "$requests" "$logged"
expect_equal "no denied read is logged as a success" 0 "$(sql "SELECT count(*) FROM audit_log a JOIN app_user u ON u.id = a.user_id
	WHERE a.result = 'ok' AND a.action IN ('read', 'update') AND u.username LIKE 'u%.%'
	AND a.resource NOT IN ('person/$own', 'Patient/$REFERRED', 'CarePlan/$OWN_PLAN')")"
server_stop
