#!/usr/bin/env bash
# tests/cli/api-web.sh: the API added for the web UI's forms and charts.
# A follow-up contact or attempt is recorded on a visit of the caller's
# institution only (another's is 404, as one that does not exist) and a
# refused value names its field; the performance figures cover the
# caller's institution; the timeline carries the screening episodes,
# exams and follow-up visits the database holds; the programme list
# carries each questionnaire's items; a table becomes an Excel workbook
# and a malformed one is 400 naming the member.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

"$F" init >/dev/null && "$F" synth --persons 600 --seed 11 --screening --quiet >/dev/null
for inst in 10 11; do
	p=$(sql "SELECT id FROM person WHERE institution_id = $inst AND vital_status = 'alive' ORDER BY id LIMIT 1")
	"$F" followup enrol --person "$p" --plan cancer-standard --start 2026-01-05 >/dev/null
done
server_start
T10=$(token c10 "$(new_user 10 c10 followup)")
T11=$(token c11 "$(new_user 11 c11 followup)")
TR=$(token reg1 "$(new_user 1 reg1 registry)")
post() { http POST "$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3"; }
get() { http GET "$2" -H "Authorization: Bearer $1"; }

V10=$(sql "SELECT min(id) FROM followup WHERE institution_id = 10")
P10=$(sql "SELECT person_id FROM followup WHERE id = $V10")
V11=$(sql "SELECT min(id) FROM followup WHERE institution_id = 11")
expect_equal "a visit of another institution is not found" 404 \
	"$(post "$T10" "/api/followup/visits/$V11/contact" '{"date":"2026-06-01","method":"phone","outcome":"alive"}')"
expect_equal "  and nothing is recorded on it" "" "$(sql "SELECT outcome FROM followup WHERE id = $V11")"
expect_equal "a death without its date is refused" 422 \
	"$(post "$T10" "/api/followup/visits/$V10/contact" '{"date":"2026-06-01","method":"phone","outcome":"dead"}')"
grep -q '"field":"death_date"' "$WORK/body"; tap $? "  naming death_date"
expect_equal "a contact date in the future is refused" 422 \
	"$(post "$T10" "/api/followup/visits/$V10/contact" '{"date":"2026-12-01","method":"phone","outcome":"alive"}')"
grep -q '"field":"date"' "$WORK/body"; tap $? "  naming date"
expect_equal "an unknown member is 400" 400 \
	"$(post "$T10" "/api/followup/visits/$V10/contact" '{"date":"2026-06-01","outcome":"alive","colour":"red"}')"
expect_equal "an unknown action is 404" 404 "$(post "$T10" "/api/followup/visits/$V10/call" '{}')"
expect_equal "an attempt is recorded" 200 "$(post "$T10" "/api/followup/visits/$V10/attempt" '{"date":"2026-06-01","method":"phone"}')"
expect_equal "  as one attempt on the visit" 1 "$(sql "SELECT count(*) FROM followup_attempt WHERE followup_id = $V10")"
expect_equal "the contact closes the visit" 200 \
	"$(post "$T10" "/api/followup/visits/$V10/contact" '{"date":"2026-06-02","method":"visit","outcome":"alive","note":"复查正常"}')"
grep -q '"vital_status":"alive"' "$WORK/body"; tap $? "  and answers the vital status"
expect_equal "  stored with its outcome and method" "alive|visit|2026-06-02" \
	"$(sql "SELECT outcome, method, contact_date FROM followup WHERE id = $V10")"
expect_equal "a closed visit cannot be closed again" 409 \
	"$(post "$T10" "/api/followup/visits/$V10/contact" '{"date":"2026-06-03","method":"phone","outcome":"alive"}')"

expect_equal "follow-up performance" 200 "$(get "$T10" /api/stats/followup)"
expect_equal "  of the caller's institution only" '"institution_id":10' "$(grep -o '"institution_id":[0-9]*' "$WORK/body" | sort -u)"
grep -q '"done":1,' "$WORK/body"; tap $? "  counting the visit done"
expect_equal "  the region sees every institution" 2 \
	"$(get "$TR" /api/stats/followup >/dev/null; grep -o '"institution_id":[0-9]*' "$WORK/body" | sort -u | wc -l)"

expect_equal "the timeline" 200 "$(get "$T10" "/api/persons/$P10/timeline")"
grep -q "\"kind\":\"followup\",\"id\":$V10,.*\"state\":\"alive\"" "$WORK/body"; tap $? "  shows the visit done, alive"
S=$(sql "SELECT x.person_id FROM screening_exam x JOIN person p ON p.id = x.person_id WHERE p.institution_id = 10 ORDER BY 1 LIMIT 1")
get "$TR" "/api/persons/$S/timeline" >/dev/null
expect_equal "  every screening episode of the person" "$(sql "SELECT count(*) FROM screening_episode WHERE person_id = $S")" \
	"$(grep -o '"kind":"episode"' "$WORK/body" | wc -l)"
expect_equal "  every exam" "$(sql "SELECT count(*) FROM screening_exam WHERE person_id = $S")" \
	"$(grep -o '"kind":"exam"' "$WORK/body" | wc -l)"
expect_equal "  every questionnaire" "$(sql "SELECT count(*) FROM screening_questionnaire WHERE person_id = $S")" \
	"$(grep -o '"kind":"questionnaire"' "$WORK/body" | wc -l)"

get "$T10" /api/screening/programmes >/dev/null
grep -q '"questionnaire":{"name":"lung-questionnaire-2021".*"name":"pack_years"' "$WORK/body"
tap $? "the lung programme lists its questionnaire's items"

expect_equal "a table as an Excel workbook" 200 \
	"$(post "$TR" /api/tables/xlsx '{"name":"发病率","header":["年份","例数"],"rows":[["2024",15],["2025",16.5]]}')"
expect_equal "  is a zip archive (xlsx)" "PK" "$(head -c 2 "$WORK/body")"
expect_equal "a table without a header is 400" 400 "$(post "$TR" /api/tables/xlsx '{"rows":[]}')"
grep -q '"field":"header"' "$WORK/body"; tap $? "  naming header"
expect_equal "a row longer than the header is 400" 400 "$(post "$TR" /api/tables/xlsx '{"header":["a"],"rows":[[1,2]]}')"
