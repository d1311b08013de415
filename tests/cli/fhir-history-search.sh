#!/usr/bin/env bash
# tests/cli/fhir-history-search.sh: FHIR R4 versions and the common search
# parameters on the real server.  History: an updated Patient keeps its
# prior versions (vread, instance and type _history Bundles, 404 for a
# version that never was, out-of-scope Patients 404 and absent from the
# type history); a referral's ServiceRequest and Task keep a version per
# action (vread, instance history, If-Match of the ETag, 412 when stale).
# Search: _sort (ascending, descending), _include and
# _revinclude and their :iterate, _total, _summary=count, _elements, consistent paging links,
# and unknown parameters under Prefer: handling=strict (400
# OperationOutcome) and lenient (ignored and reported).  Every Bundle and
# OperationOutcome validates against the official R4 JSON schema.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/fhir.sh"
fhir_needs "FHIR history and search"

fhir_start 200
# get NAME PATH [CURL ARGS]: GET as c14, keep the body as NAME.json, print the status.
get() {
	local name=$1 path=$2
	shift 2
	curl -s -o "$WORK/fhir/$name.json" -w '%{http_code}' -H "$A" "$@" "$BASE$path"
}

# --- History ---
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14")
OTHER=$(sql "SELECT min(id) FROM person WHERE institution_id = 15")
get v1 "/fhir/Patient/$P" >/dev/null
NAME=$(q v1 '.name[0].text')
BIRTH=$(q v1 '.birthDate')
GENDER=$(q v1 '.gender')
put() {	# put NAME VERSION TEXT
	curl -s -o "$WORK/fhir/$1.json" -w '%{http_code}' -X PUT -H "$A" -H "If-Match: W/\"$2\"" \
		-H 'Content-Type: application/fhir+json' \
		-d "{\"resourceType\":\"Patient\",\"id\":\"$P\",\"name\":[{\"text\":\"$NAME\"}],\"gender\":\"$GENDER\",\"birthDate\":\"$BIRTH\",\"address\":[{\"text\":\"$3\"}]}" \
		"$BASE/fhir/Patient/$P"
}
# Versions are stamped to the second: the updates come a second after the city was made,
# so that the newest version is first in the type history whatever the speed of the machine.
sleep 1
expect_equal "the Patient is updated twice" "200 200" "$(put u2 1 '新址一号') $(put u3 2 '新址二号')"
expect_equal "vread of version 1 returns it as it was" "200 1 $(q v1 '.address[0].text')" \
	"$(get vread1 "/fhir/Patient/$P/_history/1") $(q vread1 '.meta.versionId') $(q vread1 '.address[0].text')"
expect_equal "vread of version 2 returns its address" "200 2 新址一号" \
	"$(get vread2 "/fhir/Patient/$P/_history/2") $(q vread2 '.meta.versionId') $(q vread2 '.address[0].text')"
expect_equal "vread of the current version" "200 3" "$(get vread3 "/fhir/Patient/$P/_history/3") $(q vread3 '.meta.versionId')"
expect_equal "vread of a version that never was is 404 with an OperationOutcome" "404 OperationOutcome" \
	"$(get vread-missing "/fhir/Patient/$P/_history/9") $(q vread-missing '.resourceType')"
expect_equal "instance history: 3 versions newest first" "200 history 3 3,2,1 PUT,PUT,POST" \
	"$(get history "/fhir/Patient/$P/_history") $(q history '.type') $(q history '.total') $(q history '[.entry[].resource.meta.versionId] | join(",")') $(q history '[.entry[].request.method] | join(",")')"
expect_equal "instance history pages with _count" "2 next" \
	"$(get history-page "/fhir/Patient/$P/_history?_count=2" >/dev/null; q history-page '.entry | length') $(q history-page '[.link[].relation] | map(select(. == "next")) | join(",")')"
expect_equal "vread of a Patient out of scope is 404" "404" "$(get vread-other "/fhir/Patient/$OTHER/_history/1")"
expect_equal "instance history of a Patient out of scope is 404" "404" "$(get history-other "/fhir/Patient/$OTHER/_history")"
get type-history "/fhir/Patient/_history?_count=1000" >/dev/null
VISIBLE=$(curl -s -H "$A" "$BASE/fhir/Patient?_summary=count" | jq .total)
expect_equal "type history: every version of the Patients in scope" "$((VISIBLE + 2))" "$(q type-history '.total')"
expect_equal "type history leaves out Patients of other institutions" "0" \
	"$(q type-history "[.entry[].resource.managingOrganization.reference] | map(select(. != \"Organization/14\")) | length")"
expect_equal "the newest version comes first" "$P 3" "$(q type-history '.entry[0].resource.id + " " + .entry[0].resource.meta.versionId')"
expect_equal "another institution's history does not show them" "0" \
	"$(curl -s -H "$B" "$BASE/fhir/Patient/_history?_count=1000" | jq "[.entry[]?.resource.id] | map(select(. == \"$P\")) | length")"
expect_equal "bad _since is 400" "400" "$(get bad-since "/fhir/Patient/_history?_since=yesterday")"
expect_equal "the history reads are audited (two instance, two type)" "4" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'history' AND resource LIKE 'Patient%'")"

# --- Search ---
get sort-asc "/fhir/Patient?_sort=birthdate&_count=50" >/dev/null
expect_equal "_sort=birthdate sorts ascending" "$(q sort-asc '[.entry[].resource.birthDate] | sort | join(",")')" \
	"$(q sort-asc '[.entry[].resource.birthDate] | join(",")')"
get sort-desc "/fhir/Patient?_sort=-birthdate&_count=50" >/dev/null
expect_equal "_sort=-birthdate sorts descending" "$(q sort-desc '[.entry[].resource.birthDate] | sort | reverse | join(",")')" \
	"$(q sort-desc '[.entry[].resource.birthDate] | join(",")')"
get sort-id "/fhir/Patient?_sort=-_id&_count=3" >/dev/null
expect_equal "_sort=-_id puts the highest id first" "$(sql "SELECT max(id) FROM person WHERE institution_id = 14")" "$(q sort-id '.entry[0].resource.id')"
get page2 "/fhir/Patient?_sort=-birthdate&_count=3&_offset=3" >/dev/null
expect_equal "paging links: self, first, previous, next, last" "self first previous next last" "$(q page2 '[.link[].relation] | join(" ")')"
expect_equal "links keep _sort" "5" "$(q page2 '[.link[].url | select(contains("_sort=-birthdate"))] | length')"
NEXT=$(q page2 '.link[] | select(.relation == "next") | .url' | sed 's|^http://[^/]*||')
get page3 "$NEXT" >/dev/null
expect_equal "the next link continues the order" "$(q sort-desc '.entry[6].resource.id')" "$(q page3 '.entry[0].resource.id')"
expect_equal "_total=none leaves the total out" "200 null" "$(get total-none "/fhir/Patient?_total=none") $(q total-none '.total')"
expect_equal "_total=estimate gives it" "$VISIBLE" "$(get total-est "/fhir/Patient?_total=estimate" >/dev/null; q total-est '.total')"
expect_equal "_summary=count: the total and no entries" "$VISIBLE null" "$(get count "/fhir/Patient?_summary=count" >/dev/null; q count '.total') $(q count '.entry')"
expect_equal "the count of another institution is its own" "$(sql "SELECT count(*) FROM person WHERE institution_id = 15")" \
	"$(curl -s -H "$B" "$BASE/fhir/Patient?_summary=count" | jq .total)"
get elements "/fhir/Patient?_elements=birthDate&_count=2" >/dev/null
expect_equal "_elements keeps the elements asked for, tagged SUBSETTED" "birthDate,id,meta,resourceType SUBSETTED" \
	"$(q elements '.entry[0].resource | keys | join(",")') $(q elements '.entry[0].resource.meta.tag[0].code')"

"$F" tumour add --person "$P" --institution 14 --incidence-date 2025-03-02 --topography C34.1 \
	--morphology 8070/3 --basis 7 >/dev/null 2>&1
"$F" tumour add --person "$P" --institution 14 --incidence-date 2024-01-05 --topography C18.7 \
	--morphology 8140/3 --basis 7 >/dev/null 2>&1
get cond-include "/fhir/Condition?patient=$P&_include=Condition:subject&_sort=onset-date" >/dev/null
expect_equal "_include=Condition:subject adds the Patient once" "match,match,include Patient" \
	"$(q cond-include '[.entry[].search.mode] | join(",")') $(q cond-include '.entry[2].resource.resourceType')"
expect_equal "_sort=onset-date orders the Conditions" "2024-01-05,2025-03-02" "$(q cond-include '[.entry[] | select(.search.mode == "match") | .resource.onsetDateTime] | join(",")')"
get rev "/fhir/Patient?name=$(jq -rn --arg n "$NAME" '$n|@uri')&birthdate=$BIRTH&_revinclude=Condition:subject" >/dev/null
expect_equal "_revinclude=Condition:subject adds the Patient's Conditions" "Patient,Condition,Condition" \
	"$(q rev '[.entry[].resource.resourceType] | join(",")')"
expect_equal "the included Patient is audited" "1" \
	"$(sql "SELECT count(*) FROM audit_log WHERE resource = '_include=Condition:subject&n=1&id=Patient/$P'")"
expect_equal "an _include of a Patient out of scope adds nothing" "0" \
	"$(curl -s -H "$B" "$BASE/fhir/Condition?patient=$P&_include=Condition:subject" | jq '[.entry[]?] | length')"

expect_equal "an unknown parameter is refused under handling=strict" "400 OperationOutcome" \
	"$(get strict "/fhir/Patient?colour=blue" -H 'Prefer: handling=strict') $(q strict '.resourceType')"
expect_equal "and ignored and reported under handling=lenient" "200 outcome colour=blue" \
	"$(get lenient "/fhir/Patient?colour=blue&_count=2" -H 'Prefer: handling=lenient') $(q lenient '.entry[-1].search.mode') $(q lenient '.entry[-1].resource.issue[0].details.text' | grep -o 'colour=blue')"
expect_equal "the ignored parameter is not repeated in the links" "0" "$(q lenient '[.link[].url | select(contains("colour"))] | length')"
expect_equal "an unsupported _sort is refused under strict" "400" "$(get bad-sort "/fhir/Patient?_sort=colour" -H 'Prefer: handling=strict')"
expect_equal "an unsupported _include is refused under strict" "400" "$(get bad-include "/fhir/Condition?patient=$P&_include=Condition:nothing" -H 'Prefer: handling=strict')"

# --- Versions of a referral: ServiceRequest and Task ---
H="Authorization: Bearer $(token h02 "$(new_user 2 h02 clinician)")"	# hospital 2 receives the referral
curl -s -o "$WORK/ref.json" -H "$A" -H 'Content-Type: application/json' \
	-d '{"person":"'$P'","to":"2","kind":"diagnosis","reason":"Lung-RADS 4B nodule"}' "$BASE/api/referrals"
REF=$(jq -r .id "$WORK/ref.json")
action() {	# action NAME IF-MATCH BODY: as the hospital, print the status
	curl -s -o /dev/null -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' -H "If-Match: $2" -d "$3" \
		"$BASE/api/referrals/$REF/$1"
}
expect_equal "the read of the ServiceRequest gives its version as ETag" 'W/"1"' \
	"$(curl -s -D - -o /dev/null -H "$A" "$BASE/fhir/ServiceRequest/$REF" | sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p')"
expect_equal "the hospital accepts with If-Match of that ETag, then a stale If-Match is 412" "200 412" \
	"$(action accept 'W/"1"' '{}') $(action schedule 'W/"1"' '{"appointment_at":"2027-03-02T09:00"}')"
expect_equal "ServiceRequest history: 2 versions newest first" "200 history 2 2,1 active,active" \
	"$(get sr-history "/fhir/ServiceRequest/$REF/_history") $(q sr-history .type) $(q sr-history .total) $(q sr-history '[.entry[].resource.meta.versionId] | join(",")') $(q sr-history '[.entry[].resource.status] | join(",")')"
expect_equal "Task vread: version 1 requested, version 2 accepted" "200 requested 200 accepted" \
	"$(get task-v1 "/fhir/Task/$REF/_history/1") $(q task-v1 .status) $(get task-v2 "/fhir/Task/$REF/_history/2") $(q task-v2 .status)"
expect_equal "the Task history pages with _count" "1 next" \
	"$(get task-history "/fhir/Task/$REF/_history?_count=1" >/dev/null; q task-history '.entry | length') $(q task-history '[.link[].relation] | map(select(. == "next")) | join(",")')"
expect_equal "vread of a version that never was is 404" "404 OperationOutcome" \
	"$(get sr-v9 "/fhir/ServiceRequest/$REF/_history/9") $(q sr-v9 .resourceType)"
expect_equal "another institution sees neither history nor version" "404 404" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "$B" "$BASE/fhir/ServiceRequest/$REF/_history") $(curl -s -o /dev/null -w '%{http_code}' -H "$B" "$BASE/fhir/Task/$REF/_history/1")"
expect_equal "the referral's history reads are audited" "2" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'history' AND (resource LIKE 'ServiceRequest/$REF/%' OR resource LIKE 'Task/$REF/%')")"

# --- _include:iterate and _revinclude:iterate ---
types() { q "$1" '[.entry[] | .search.mode + ":" + .resource.resourceType + "/" + .resource.id] | join(",")'; }
get task-inc "/fhir/Task?patient=$P&box=outgoing&_include=Task:focus" >/dev/null
get task-iter "/fhir/Task?patient=$P&box=outgoing&_include=Task:focus&_include:iterate=ServiceRequest:performer" >/dev/null
expect_equal "_include:iterate follows the included ServiceRequest to its performer" \
	"$(types task-inc),include:Organization/2" "$(types task-iter)"
get sr-iter "/fhir/ServiceRequest?patient=$P&box=outgoing&_include=ServiceRequest:subject&_revinclude:iterate=Condition:subject" >/dev/null
expect_equal "_revinclude:iterate adds the Conditions of the included Patient" \
	"match:ServiceRequest/$REF,include:Patient/$P,include:Condition,include:Condition" \
	"$(q sr-iter '[.entry[] | .search.mode + ":" + .resource.resourceType + (if .resource.resourceType == "Condition" then "" else "/" + .resource.id end)] | join(",")')"
get sr-iter2 "/fhir/ServiceRequest?patient=$P&box=outgoing&_revinclude=Task:focus&_include:iterate=Task:owner&_include:iterate=ServiceRequest:requester" >/dev/null
expect_equal "  each resource once, whichever way it is reached" "match:ServiceRequest/$REF,include:Task/$REF,include:Organization/2,include:Organization/14" \
	"$(types sr-iter2)"
expect_equal "an _include:iterate the server cannot follow is refused under strict" "400 _include:iterate" \
	"$(get iter-strict "/fhir/Task?patient=$P&box=outgoing&_include:iterate=Claim:patient" -H 'Prefer: handling=strict') $(q iter-strict '.issue[0].expression[0]')"
expect_equal "  and reported under lenient" "200 _include:iterate=Claim:patient" \
	"$(get iter-lenient "/fhir/Task?patient=$P&box=outgoing&_include:iterate=Claim:patient") $(q iter-lenient '.entry[-1].resource.issue[0].details.text' | grep -o '_include:iterate=Claim:patient')"
expect_equal "  another institution's search brings nothing of theirs" "0" \
	"$(curl -s -H "$B" "$BASE/fhir/Task?patient=$P&box=outgoing&_include=Task:focus&_include:iterate=ServiceRequest:subject" | jq '[.entry[]?] | length')"

rm -f "$WORK/fhir/v1.json" "$WORK/fhir/page3.json"
node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
