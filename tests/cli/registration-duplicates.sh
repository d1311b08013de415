#!/usr/bin/env bash
# tests/cli/registration-duplicates.sh: the duplicate check at registration.
# A scan of a registry with duplicates keeps its linkage model; each person
# registered afterwards -- by the command line, the JSON API, FHIR or an
# import -- is scored against the persons it could be, and the possible
# duplicates are queued for review.  Before any model is kept nothing is
# checked.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --quiet >/dev/null
expect_status 0 "a person registered before any scan" "$F" person add --institution 1 --name 林小雨 \
	--sex 2 --birth-date 1980-05-06
grep -q "possible duplicate" "$WORK/out"; tap $((!$?)) "is not checked: no model is kept yet"
expect_equal "no model" 0 "$(sql "SELECT count(*) FROM link_model")"

"$F" link synth --persons 1500 --duplicates 0.1 --seed 5 | cut -d, -f1,3-8 >"$WORK/d.csv"
"$F" import persons "$WORK/d.csv" --institution 1 --skip-bad-rows --source his --quiet >/dev/null
tap $? "persons with duplicates imported"
expect_status 0 "scan the registry" "$F" link scan
expect_output "the scan keeps its model" "^linkage model kept for the duplicate check at registration$"
expect_equal "one model, for the person fields" \
	"1 id_number:id;name:name;sex:exact;birth_date:date;phone:digits;address:jw" \
	"$(sql "SELECT count(*) || ' ' || max(fields) FROM link_model")"

# A registered person without an ID number, registered again with the same name,
# sex, birth date and phone.
IFS='|' read -r pid name sex birth phone <<<"$(sql "SELECT id, name, sex, birth_date, phone FROM person
	WHERE id_number IS NULL AND phone IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 1")"
[ -n "$pid" ]; tap $? "a person without an ID number ($pid $name)"
expect_status 0 "the same person registered again" "$F" person add --institution 1 --name "$name" \
	--sex "$sex" --birth-date "$birth" --phone "$phone"
new=$(sed -n 's/^person \([0-9]*\) registered: .*/\1/p' "$WORK/out")
expect_output "is reported as a possible duplicate" "^possible duplicate: person $pid $name, born $birth \(probability [01]\.[0-9]{3}\): queued for review"
expect_equal "and queued for review against it" 1 \
	"$(sql "SELECT count(*) FROM link_review WHERE person_a = $pid AND person_b = $new AND state = 'open'")"
queued=$(sql "SELECT count(*) FROM link_review")
expect_status 0 "a person like no other" "$F" person add --institution 1 --name 欧阳明远 --sex 1 \
	--birth-date 1931-02-03 --phone 13900000001
grep -q "possible duplicate" "$WORK/out"; tap $((!$?)) "is not reported"
expect_equal "nor queued" "$queued" "$(sql "SELECT count(*) FROM link_review")"

# An import into the registry checks the persons it adds the same way: here copies of twenty
# registered persons without an ID number, under keys of another source.
sql_csv "SELECT 'L' || id AS source_key, name, sex, birth_date, phone FROM person
	WHERE id_number IS NULL AND phone IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 20" >"$WORK/lab.csv"
expect_status 0 "twenty registered persons imported again from another source" \
	"$F" import persons "$WORK/lab.csv" --institution 1 --source lab --quiet
expect_output "are added" "20 rows, 20 inserted"
expect_output "and checked for duplicates" "^checked 20 new persons for duplicates: [0-9]+ possible duplicates queued for review$"
expect_equal "each queued for review against the person it copies" 20 \
	"$(sql "SELECT count(*) FROM source_record AS s JOIN link_review AS r
		ON r.person_a = CAST(substr(s.source_key, 2) AS INTEGER) AND r.person_b = s.target_id
		WHERE s.source = 'lab'")"
queued=$(sql "SELECT count(*) FROM link_review")
sed -i 's/^L/M/' "$WORK/lab.csv"
expect_status 0 "imported again under other keys, without the check" \
	"$F" import persons "$WORK/lab.csv" --institution 1 --source lab --quiet --no-duplicate-check
grep -q "checked" "$WORK/out"; tap $((!$?)) "nothing is checked"
expect_equal "nor queued" "$queued" "$(sql "SELECT count(*) FROM link_review")"
# The persons an import matched by ID number are not checked: here more than a step of the
# check (1,000) of them, with ids before those of five new persons.
matched=$(sql "SELECT count(*) FROM person WHERE id_number IS NOT NULL AND merged_into IS NULL")
[ "$matched" -gt 1000 ]; tap $? "more than 1,000 registered persons with an ID number ($matched)"
{ sql_csv "SELECT 'Y' || id AS source_key, id_number, name, sex, birth_date, phone FROM person
	WHERE id_number IS NOT NULL AND merged_into IS NULL ORDER BY id"
  sql_csv "SELECT 'Z' || id AS source_key, '' AS id_number, name, sex, birth_date, phone FROM person
	WHERE id_number IS NULL AND phone IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 5" | tail -n +2
} >"$WORK/mixed.csv"
expect_status 0 "registered persons and five copies imported" \
	"$F" import persons "$WORK/mixed.csv" --institution 1 --source mixed --quiet
expect_output "the registered ones are matched" "$((matched + 5)) rows, 5 inserted, $matched matched by ID number"
expect_output "only the new ones are checked" "^checked 5 new persons for duplicates: [1-9][0-9]* possible duplicates queued"
# On a terminal (script(1) gives the command one) each phase has its progress bar.
sed -i 's/^M/N/' "$WORK/lab.csv"
script -qec "\"$F\" import persons \"$WORK/lab.csv\" --institution 1 --source lab" /dev/null >"$WORK/tty.out" 2>&1
tap $? "imported again on a terminal"
tr '\r' '\n' <"$WORK/tty.out" >"$WORK/tty.lines"
grep -qE "^import *: \[#+\] 100%  20 rows" "$WORK/tty.lines"; tap $? "the import's progress bar"
grep -qE "^duplicates: \[#+\] 100%  20 persons" "$WORK/tty.lines"; tap $? "then the duplicate check's"

# The server: the JSON API says how many were queued; FHIR queues them too.
REG=$(new_user 1 ccc.registry registry)
server_start
T=$(token ccc.registry "$REG")
body="{\"name\":\"$name\",\"sex\":\"$sex\",\"birth_date\":\"$birth\",\"phone\":\"$phone\",\"institution\":\"1\"}"
expect_equal "POST /api/persons of the same person" 201 \
	"$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d "$body")"
grep -qE '"duplicates_queued":[1-9]' "$WORK/body"; tap $? "the reply says duplicates were queued"
api=$(json_field id <"$WORK/body")
[ -z "$api" ] && api=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$WORK/body" | head -n 1)
expect_equal "queued against the person" 1 \
	"$(sql "SELECT count(*) FROM link_review WHERE person_a = $pid AND person_b = $api")"
patient="{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"$name\"}],
	\"gender\":\"$([ "$sex" = 1 ] && echo male || echo female)\",\"birthDate\":\"$birth\",
	\"telecom\":[{\"system\":\"phone\",\"value\":\"$phone\"}]}"
expect_equal "POST /fhir/Patient of the same person" 201 \
	"$(http POST /fhir/Patient -H "Authorization: Bearer $T" -H 'Content-Type: application/fhir+json' -d "$patient")"
grep -q '"resourceType":"Patient"' "$WORK/body"; tap $? "the reply is the Patient"
expect_equal "queued for review too" 1 \
	"$(sql "SELECT count(*) FROM link_review WHERE person_a = $pid AND person_b = (SELECT max(id) FROM person)")"
# FHIR says so in an OperationOutcome, when asked for one, and in a Bundle entry's response.
expect_equal "POST /fhir/Patient asking for an OperationOutcome" 201 \
	"$(http POST /fhir/Patient -H "Authorization: Bearer $T" -H 'Content-Type: application/fhir+json' \
		-H 'Prefer: return=OperationOutcome' -d "$patient")"
grep -qE '"severity":"warning","code":"duplicate","details":\{"text":"[1-9][0-9]* possible duplicates? of this person (was|were) queued for review"' \
	"$WORK/body"; tap $? "the OperationOutcome warns of the duplicates queued"
other="{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"欧阳一鸣\"}],\"gender\":\"male\",\"birthDate\":\"1931-01-02\"}"
expect_equal "POST /fhir/Patient of a person with no duplicate" 201 \
	"$(http POST /fhir/Patient -H "Authorization: Bearer $T" -H 'Content-Type: application/fhir+json' \
		-H 'Prefer: return=OperationOutcome' -d "$other")"
grep -q '"severity":"information","code":"informational","details":{"text":"the resource was created"}' "$WORK/body"
tap $? "its OperationOutcome only informs"
third=${other/欧阳一鸣/司马相如}
bundle="{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[
	{\"resource\":$patient,\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},
	{\"resource\":${third/1931-01-02/1932-03-04},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}"
expect_equal "a batch Bundle of the same person and a new one" 200 \
	"$(http POST /fhir -H "Authorization: Bearer $T" -H 'Content-Type: application/fhir+json' -d "$bundle")"
expect_equal "the first entry's response warns of its duplicates, the second's has no outcome" \
	"201 Created:warning:duplicate 201 Created:-:-" \
	"$(jq -r '[.entry[].response | "\(.status):\(.outcome.issue[0].severity // "-"):\(.outcome.issue[0].code // "-")"] | join(" ")' \
		"$WORK/body")"
printf 'source_key,name,sex,birth_date,phone\nW1,%s,%s,%s,%s\n' "$name" "$sex" "$birth" "$phone" >"$WORK/web.csv"
expect_equal "POST /api/import/persons of the same person" 200 \
	"$(http POST /api/import/persons -H "Authorization: Bearer $T" -H 'Content-Type: text/csv' \
		--data-binary @"$WORK/web.csv")"
grep -qE '"duplicates_checked":1,"duplicates_found":[1-9]' "$WORK/body"; tap $? "the report says it was checked and queued"
server_stop
