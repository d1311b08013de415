#!/usr/bin/env bash
# tests/cli/server-audit.sh: the audit trail.  Logins, reads, searches and
# writes of personal data are logged with user, institution, action,
# resource, result and client address; auditors read the log over the API;
# the log refuses UPDATE and DELETE, and "fangai audit verify" finds a row
# changed or removed behind the database's back.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

city 100
REG=$(new_user 10 c01.registry registry)
AUD=$(new_user 1 ccc.auditor auditor)
LAUD=$(new_user 10 c01.auditor auditor)
expect_equal "account creation is audited" 3 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'user-add' AND result = 'ok'")"
server_start
T=$(token c01.registry "$REG")
OWN=$(sql "SELECT min(id) FROM person WHERE institution_id = 10")
OTHER=$(sql "SELECT min(id) FROM person WHERE institution_id <> 10")
http GET /api/persons/$OWN -H "Authorization: Bearer $T" >/dev/null
http GET "/api/persons/$OWN?unmask=1" -H "Authorization: Bearer $T" >/dev/null
http GET /fhir/Patient/$OTHER -H "Authorization: Bearer $T" >/dev/null
http GET "/api/persons?q=王" -H "Authorization: Bearer $T" >/dev/null
http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"name":"审计","sex":"2","birth_date":"1970-05-05"}' >/dev/null
NEW=$(json_field id <"$WORK/body"; sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$WORK/body")

row() {	# action resource: "user|institution|result|client" of the newest matching entry
	sql "SELECT u.username || '|' || coalesce(CAST(a.institution_id AS TEXT), '') || '|' || a.result || '|' || a.client
	     FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
	     WHERE a.action = '$1' AND a.resource = '$2' ORDER BY a.id DESC LIMIT 1"
}
expect_equal "a login is audited" "c01.registry|10|ok|127.0.0.1" "$(row login user/c01.registry)"
http POST /api/login -H 'Content-Type: application/json' -d '{"username":"c01.registry","password":"not-the-password"}' >/dev/null
expect_equal "a failed login is audited" "|failed" "$(sql "SELECT coalesce(CAST(user_id AS TEXT), '') || '|' || CASE result WHEN 'invalid' THEN 'failed' ELSE result END FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1")"
expect_equal "a read is audited" "c01.registry|10|ok|127.0.0.1" "$(row read person/$OWN)"
expect_equal "an unmasked read is audited as such" "c01.registry|10|ok|127.0.0.1" "$(row read-unmasked person/$OWN)"
expect_equal "a read out of scope is audited as not found" "c01.registry|10|notfound|127.0.0.1" "$(row read Patient/$OTHER)"
expect_equal "a search is audited with what was asked" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'search' AND resource LIKE 'person?q=王&n=%'")"
expect_equal "a registration is audited" "c01.registry|10|ok|127.0.0.1" "$(row create person/$NEW)"
chain=$(sql "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.id = a.id - 1 WHERE a.prev_hash <> b.hash")
expect_equal "every row chains to the one before" 0 "$chain"

TA=$(token ccc.auditor "$AUD")
expect_equal "the auditor reads the log" 200 "$(http GET "/api/audit?action=read-unmasked" -H "Authorization: Bearer $TA")"
grep -q "\"resource\":\"person/$OWN\"" "$WORK/body"; tap $? "the log names the resource"
expect_equal "the auditor's own reading is audited" 1 "$(sql "SELECT count(*) FROM audit_log a JOIN app_user u ON u.id = a.user_id WHERE u.username = 'ccc.auditor' AND a.resource LIKE 'audit%'")"
TL=$(token c01.auditor "$LAUD")
http GET "/api/audit?limit=1000&institution=1" -H "Authorization: Bearer $TL" >/dev/null
others=$(grep -o '"institution_id":[0-9]*' "$WORK/body" | grep -vc '"institution_id":10$')
expect_equal "an institution's auditor sees only its entries" 0 "$others"
server_stop

expect_status 0 "audit verify passes on an intact log" "$F" audit verify
expect_output "verify counts the rows" "audit log intact: [0-9]+ rows"
ANCHOR=$(sed -n 's/^anchor: //p' "$WORK/out")
expect_status 0 "verify passes with its own anchor" "$F" audit verify --anchor "$ANCHOR"
! sql "UPDATE audit_log SET result = 'ok' WHERE id = 3" 2>/dev/null; tap $? "the log refuses UPDATE"
! sql "DELETE FROM audit_log WHERE id = 3" 2>/dev/null; tap $? "the log refuses DELETE"

save_db copy
sql "$(drop_trigger audit_log audit_log_no_update); UPDATE audit_log SET resource = 'person/0' WHERE id = 5"
expect_status 1 "audit verify detects a changed row" "$F" audit verify
expect_output "verify names the changed row" "broken at row 5"
restore_db copy
sql "$(drop_trigger audit_log audit_log_no_delete); DELETE FROM audit_log WHERE id = 6"
expect_status 1 "audit verify detects a removed row" "$F" audit verify
expect_output "verify names the row after the gap" "broken at row 7"
restore_db copy
sql "$(drop_trigger audit_log audit_log_no_update); UPDATE audit_log SET hash = '$(printf '%064d' 0)' WHERE id = 4"
expect_status 1 "audit verify detects a replaced hash" "$F" audit verify
restore_db copy
sql "$(drop_trigger audit_log audit_log_no_delete); DELETE FROM audit_log WHERE id > 10"
expect_status 0 "a log cut short still chains" "$F" audit verify
expect_status 1 "verify with the anchor detects the cut" "$F" audit verify --anchor "$ANCHOR"
expect_output "verify says the log was cut short" "cut short"
expect_status 2 "a malformed anchor is a usage error" "$F" audit verify --anchor 12:xyz
