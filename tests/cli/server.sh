#!/usr/bin/env bash
# tests/cli/server.sh: the platform server end to end, over HTTP on loopback:
# limits, logins and sessions, roles and masking, versioned updates, FHIR,
# and a graceful stop.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

city 300
REG=$(new_user 1 ccc.registry registry)
SCR=$(new_user 10 c01.screening screening)
CLI=$(new_user 10 c01.clinician clinician)
AUD=$(new_user 1 ccc.auditor auditor)
ADM=$(new_user 1 ccc.admin system_admin)
expect_equal "user add generates a 16-character password" 16 "${#REG}"

expect_status 1 "user add refuses an unknown role" "$F" user add --institution 1 --username x.y --role boss
expect_output "the refusal names the role" "invalid role \"boss\""
expect_status 1 "user add refuses a short password" sh -c "echo short | '$F' user add --institution 1 --username x.z --role registry --password-stdin"
expect_output "the refusal names the password" "field: password"
expect_status 1 "user add refuses a taken username" "$F" user add --institution 1 --username ccc.registry --role registry
expect_equal "no account without an argon2id hash" 0 "$(sql "SELECT count(*) FROM app_user WHERE password_hash IS NULL OR password_hash NOT LIKE '\$argon2id\$%'")"

server_start
expect_equal "GET /health" 200 "$(http GET /health)"
expect_equal "GET /ready" 200 "$(http GET /ready)"
expect_equal "persons need a login" 401 "$(http GET /api/persons)"
expect_equal "FHIR Patient needs a login" 401 "$(http GET /fhir/Patient/1)"
grep -q '"resourceType":"OperationOutcome"' "$WORK/body"; tap $? "FHIR errors are OperationOutcomes"

# --- logins ---
expect_equal "wrong password is refused" 401 "$(http POST /api/login -H 'Content-Type: application/json' -d '{"username":"ccc.registry","password":"wrong-password-1"}')"
expect_equal "unknown user is refused alike" 401 "$(http POST /api/login -H 'Content-Type: application/json' -d '{"username":"nobody","password":"wrong-password-1"}')"
T=$(token ccc.registry "$REG")
[ ${#T} -eq 43 ]; tap $? "API login gives a 256-bit bearer token"
expect_equal "the bearer token works" 200 "$(http GET /api/me -H "Authorization: Bearer $T")"
expect_equal "no session row keeps the token itself" 0 "$(sql "SELECT count(*) FROM app_session WHERE token_hash = '$T'")"

curl -s -D "$WORK/headers" -o "$WORK/body" -H 'Content-Type: application/json' \
	-d "{\"username\":\"c01.screening\",\"password\":\"$SCR\"}" "$BASE/api/login"
grep -i '^Set-Cookie: fg_session=' "$WORK/headers" | grep -q 'HttpOnly' ; tap $? "the session cookie is HttpOnly"
grep -i '^Set-Cookie: fg_session=' "$WORK/headers" | grep -q 'SameSite=Strict' ; tap $? "the session cookie is SameSite=Strict"
COOKIE=$(sed -n 's/^Set-Cookie: \(fg_session=[^;]*\);.*/\1/Ip' "$WORK/headers" | tr -d '\r')
CSRF=$(json_field csrf_token <"$WORK/body")
[ -n "$CSRF" ]; tap $? "a cookie login gives a CSRF token"
expect_equal "the cookie session reads" 200 "$(http GET /api/persons -H "Cookie: $COOKIE")"
BODY='{"name":"测试人","id_number":"11010519491231002X"}'
expect_equal "a write without the CSRF token is refused" 403 "$(http POST /api/persons -H "Cookie: $COOKIE" -H 'Content-Type: application/json' -d "$BODY")"
expect_equal "a write with a wrong CSRF token is refused" 403 "$(http POST /api/persons -H "Cookie: $COOKIE" -H "X-CSRF-Token: x$CSRF" -H 'Content-Type: application/json' -d "$BODY")"
expect_equal "a write with the CSRF token is stored" 201 "$(http POST /api/persons -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$BODY")"
expect_equal "the write is committed when 201 is sent" 1 "$(sql "SELECT count(*) FROM person WHERE id_number = '11010519491231002X'")"
expect_equal "the same ID number again is a conflict" 409 "$(http POST /api/persons -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$BODY")"
expect_equal "a cookie secret is not a bearer token" 401 "$(http GET /api/me -H "Authorization: Bearer ${COOKIE#fg_session=}")"
expect_equal "logout" 204 "$(http POST /api/logout -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF")"
expect_equal "the session ends on the server at logout" 401 "$(http GET /api/me -H "Cookie: $COOKIE")"

# --- idle and absolute timeouts: age the sessions in the database ---
T2=$(token c01.screening "$SCR")
sql "UPDATE app_session SET last_seen = last_seen - 1801 WHERE ended_at IS NULL AND user_id = (SELECT id FROM app_user WHERE username = 'c01.screening')"
expect_equal "an idle session has ended" 401 "$(http GET /api/me -H "Authorization: Bearer $T2")"
T2=$(token c01.screening "$SCR")
sql "UPDATE app_session SET created_at = created_at - 43201 WHERE ended_at IS NULL AND user_id = (SELECT id FROM app_user WHERE username = 'c01.screening')"
expect_equal "a session past its lifetime has ended" 401 "$(http GET /api/me -H "Authorization: Bearer $T2")"

# --- back-off after failed logins ---
for i in 1 2 3; do http POST /api/login -H 'Content-Type: application/json' -d '{"username":"c01.clinician","password":"wrong-password-1"}' >/dev/null; done
code=$(curl -s -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"username\":\"c01.clinician\",\"password\":\"$CLI\"}" "$BASE/api/login")
expect_equal "after 3 failures even the right password waits" 429 "$code"
grep -qi '^Retry-After: [1-9]' "$WORK/headers"; tap $? "the back-off says when to retry"
sql "UPDATE login_failure SET last_failure = last_failure - 10"
TC=$(token c01.clinician "$CLI")
[ -n "$TC" ]; tap $? "the right password works once the back-off has passed"
expect_equal "a success clears the failures" 0 "$(sql "SELECT count(*) FROM login_failure WHERE username = 'c01.clinician'")"

# --- roles and masking ---
TS=$(token c01.screening "$SCR")
TA=$(token ccc.auditor "$AUD")
TM=$(token ccc.admin "$ADM")
OWN=$(sql "SELECT min(id) FROM person WHERE institution_id = 10")
expect_equal "screening staff read their own persons" 200 "$(http GET /api/persons/$OWN -H "Authorization: Bearer $TS")"
grep -Eq '"id_number":"[0-9]{3}\*{11}[0-9]{3}[0-9X]"' "$WORK/body"; tap $? "the ID number is masked as 110***********123X"
sql "UPDATE person SET phone = '13812341234' WHERE id = $OWN"
http GET /api/persons/$OWN -H "Authorization: Bearer $TS" >/dev/null
grep -q '"phone":"138\*\*\*\*1234"' "$WORK/body"; tap $? "the phone is masked as 138****1234"
expect_equal "screening staff may not unmask" 403 "$(http GET "/api/persons/$OWN?unmask=1" -H "Authorization: Bearer $TS")"
expect_equal "clinicians may unmask" 200 "$(http GET "/api/persons/$OWN?unmask=1" -H "Authorization: Bearer $TC")"
grep -q '"phone":"13812341234"' "$WORK/body"; tap $? "unmasked, the phone is whole"
expect_equal "unmasking is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'read-unmasked' AND resource = 'person/$OWN'")"
http GET "/api/persons?limit=1000" -H "Authorization: Bearer $TC" >/dev/null
! grep -Eq '"id_number":"[0-9]{17}[0-9X]"' "$WORK/body"; tap $? "lists are masked"
expect_equal "auditors read no persons" 403 "$(http GET /api/persons -H "Authorization: Bearer $TA")"
expect_equal "auditors read the audit log" 200 "$(http GET /api/audit -H "Authorization: Bearer $TA")"
expect_equal "system administrators read no persons" 403 "$(http GET /api/persons/$OWN -H "Authorization: Bearer $TM")"
expect_equal "screening staff do not read the audit log" 403 "$(http GET /api/audit -H "Authorization: Bearer $TS")"
http GET /api/stats/summary -H "Authorization: Bearer $T" >/dev/null
grep -q '"scope":"region"' "$WORK/body"; tap $? "the cancer centre's summary covers the region"
http GET /api/stats/summary -H "Authorization: Bearer $TS" >/dev/null
n=$(sql "SELECT count(*) FROM person WHERE institution_id = 10")
grep -q "\"persons\":$n" "$WORK/body"; tap $? "a community centre's summary counts only its persons"

# --- tumours of the registry, and FHIR Condition ---
ADULT=$(sql "SELECT min(id) FROM person WHERE institution_id = 10 AND birth_date < '1970-01-01'")
FAR=$(sql "SELECT min(id) FROM person WHERE institution_id <> 10 AND birth_date < '1970-01-01'")
for p in "$ADULT" "$FAR"; do
	"$F" tumour add --person "$p" --institution 1 --incidence-date 2025-03-01 --topography C34.1 \
		--morphology 8140/3 --basis 7 --t T2a --n N0 --m M0 >/dev/null || echo "not ok - tumour add for person $p"
done
TUM=$(sql "SELECT id FROM tumour WHERE person_id = $ADULT")
TFAR=$(sql "SELECT id FROM tumour WHERE person_id = $FAR")
expect_equal "a centre reads the tumours of its person" 200 "$(http GET /api/persons/$ADULT/tumours -H "Authorization: Bearer $TC")"
grep -q '"topography":"C34.1"' "$WORK/body" && grep -q '"total":1' "$WORK/body"; tap $? "the list holds the tumour"
expect_equal "and one tumour by id" 200 "$(http GET /api/tumours/$TUM -H "Authorization: Bearer $TC")"
expect_equal "not a tumour of another centre's person" 404 "$(http GET /api/tumours/$TFAR -H "Authorization: Bearer $TC")"
expect_equal "nor that person's tumours" 404 "$(http GET /api/persons/$FAR/tumours -H "Authorization: Bearer $TC")"
expect_equal "the cancer centre reads both" "200 200" "$(http GET /api/tumours/$TUM -H "Authorization: Bearer $T") $(http GET /api/tumours/$TFAR -H "Authorization: Bearer $T")"
expect_equal "FHIR Condition read" 200 "$(http GET /fhir/Condition/$TUM -H "Authorization: Bearer $TC")"
grep -q '"system":"http://hl7.org/fhir/sid/icd-10","code":"C34.1"' "$WORK/body" && grep -q '"code":"8140/3"' "$WORK/body" &&
	grep -q "\"subject\":{\"reference\":\"Patient/$ADULT\"}" "$WORK/body"; tap $? "the Condition carries ICD-10, ICD-O-3 and its Patient"
grep -q '"stage":\[{"summary":{"text":"I' "$WORK/body"; tap $? "the Condition carries the derived stage group"
expect_equal "FHIR Condition out of scope is 404" 404 "$(http GET /fhir/Condition/$TFAR -H "Authorization: Bearer $TC")"
http GET "/fhir/Condition?patient=Patient/$FAR" -H "Authorization: Bearer $TC" >/dev/null
grep -q '"total":0' "$WORK/body"; tap $? "a Condition search for a person out of scope finds nothing"
http GET "/fhir/Condition?patient=$ADULT" -H "Authorization: Bearer $TC" >/dev/null
grep -q '"total":1' "$WORK/body"; tap $? "a Condition search by patient"
expect_equal "reading tumours is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'read' AND resource = 'Condition/$TFAR' AND result = 'notfound'")"

# --- optimistic versions ---
expect_equal "read for update" 200 "$(http GET /api/persons/$OWN -H "Authorization: Bearer $TC")"
UPD=$(sql "SELECT id_number, phone FROM person WHERE id = $OWN" |
	jq -Rc 'split("|") | map(if . == "" then null else . end) |
	       {name: "改名字", address: "新地址1号", id_number: .[0], phone: .[1]}')
expect_equal "an update without a version is refused" 428 "$(http PUT /api/persons/$OWN -H "Authorization: Bearer $TC" -H 'Content-Type: application/json' -d "$UPD")"
expect_equal "an update with If-Match succeeds" 200 "$(http PUT /api/persons/$OWN -H "Authorization: Bearer $TC" -H 'If-Match: W/"1"' -H 'Content-Type: application/json' -d "$UPD")"
grep -q '"version":2' "$WORK/body"; tap $? "the update increments the version"
expect_equal "a stale If-Match is refused with 412" 412 "$(http PUT /api/persons/$OWN -H "Authorization: Bearer $TC" -H 'If-Match: W/"1"' -H 'Content-Type: application/json' -d "$UPD")"
expect_equal "a stale version in the body is refused with 409" 409 "$(http PUT /api/persons/$OWN -H "Authorization: Bearer $TC" -H 'Content-Type: application/json' -d "${UPD%\}},\"version\":1}")"
expect_equal "the stored name is the first update's" "改名字" "$(sql "SELECT name FROM person WHERE id = $OWN")"

# --- FHIR ---
code=$(curl -s -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$BASE/fhir/metadata")
expect_equal "GET /fhir/metadata" 200 "$code"
grep -qi '^Content-Type: application/fhir+json' "$WORK/headers"; tap $? "FHIR answers application/fhir+json"
grep -q '"resourceType":"CapabilityStatement"' "$WORK/body"; tap $? "metadata is a CapabilityStatement"
expect_equal "FHIR Patient read" 200 "$(http GET /fhir/Patient/$OWN -H "Authorization: Bearer $T")"
grep -q '"system":"urn:oid:2.16.156.10011.1.3"' "$WORK/body"; tap $? "the resident ID number has its OID system"
expect_equal "FHIR Patient search pages" 200 "$(http GET "/fhir/Patient?_count=5" -H "Authorization: Bearer $T")"
grep -q '"total":301' "$WORK/body" && grep -q "\"relation\":\"next\",\"url\":\"$BASE/fhir/Patient?_count=5&_offset=5\"" "$WORK/body"; tap $? "the searchset has its total and a next link"
expect_equal "FHIR _total=none leaves the total out" 200 "$(http GET "/fhir/Patient?_count=5&_total=none" -H "Authorization: Bearer $T")"
! grep -q '"total"' "$WORK/body"; tap $? "no total with _total=none"
IDN=$(sql "SELECT id_number FROM person WHERE id = 7")
http GET "/fhir/Patient?identifier=urn:oid:2.16.156.10011.1.3|$IDN" -H "Authorization: Bearer $T" >/dev/null
grep -q '"total":1' "$WORK/body" && grep -q '"id":"7"' "$WORK/body"; tap $? "FHIR search by identifier"
BD=$(sql "SELECT birth_date FROM person WHERE id = 7")
G=$(sql "SELECT CASE sex WHEN '1' THEN 'male' ELSE 'female' END FROM person WHERE id = 7")
http GET "/fhir/Patient?birthdate=$BD&gender=$G" -H "Authorization: Bearer $T" >/dev/null
grep -q "\"total\":$(sql "SELECT count(*) FROM person p, person q WHERE q.id = 7 AND p.birth_date = q.birth_date AND p.sex = q.sex")" "$WORK/body"; tap $? "FHIR search by birthdate and gender"
Y=${BD:0:4}
N=$(sql "SELECT count(*) FROM person p, person q WHERE q.id = 7 AND substr(p.birth_date, 1, 4) = '$Y' AND p.sex = q.sex")
http GET "/fhir/Patient?birthdate=$Y&gender=$G" -H "Authorization: Bearer $T" >/dev/null
grep -q "\"total\":$N[,}]" "$WORK/body"; tap $? "FHIR search by birth year and gender ($N)"
http GET "/fhir/Patient?birthdate=ge$Y-01-01&birthdate=lt$((Y + 1))&gender=$G" -H "Authorization: Bearer $T" >/dev/null
grep -q "\"total\":$N[,}]" "$WORK/body"; tap $? "FHIR search by two birthdate values"
code=$(http GET "/fhir/Patient?birthdate=$Y-13" -H "Authorization: Bearer $T")
[ "$code" = 400 ] && grep -q "invalid birthdate" "$WORK/body"; tap $? "a bad birthdate is refused naming the parameter"
PAT='{"resourceType":"Patient","identifier":[{"system":"urn:oid:2.16.156.10011.1.3","value":"110101199003070011"}],"name":[{"text":"赵六"}],"gender":"male","birthDate":"1990-03-07"}'
code=$(curl -s -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $TC" -H 'Content-Type: application/fhir+json' -d "$PAT" "$BASE/fhir/Patient")
expect_equal "FHIR Patient create" 201 "$code"
grep -qi '^Location: /fhir/Patient/[0-9]*/_history/1' "$WORK/headers"; tap $? "create answers with a Location"
NEW=$(json_field id <"$WORK/body")
expect_equal "vread of the current version" 200 "$(http GET /fhir/Patient/$NEW/_history/1 -H "Authorization: Bearer $TC")"
PUTB=$(printf '{"resourceType":"Patient","id":"%s","name":[{"text":"赵六六"}],"gender":"male","birthDate":"1990-03-07"}' "$NEW")
expect_equal "FHIR update with If-Match" 200 "$(http PUT /fhir/Patient/$NEW -H "Authorization: Bearer $TC" -H 'If-Match: W/"1"' -H 'Content-Type: application/fhir+json' -d "$PUTB")"
expect_equal "FHIR update with a stale If-Match is 412" 412 "$(http PUT /fhir/Patient/$NEW -H "Authorization: Bearer $TC" -H 'If-Match: W/"1"' -H 'Content-Type: application/fhir+json' -d "$PUTB")"
grep -q '"resourceType":"OperationOutcome"' "$WORK/body"; tap $? "the 412 is an OperationOutcome"
expect_equal "vread of the prior version (kept)" 200 "$(http GET /fhir/Patient/$NEW/_history/1 -H "Authorization: Bearer $TC")"
expect_equal "vread of a version that never was is 404" 404 "$(http GET /fhir/Patient/$NEW/_history/9 -H "Authorization: Bearer $TC")"
expect_equal "vread of the new version" 200 "$(http GET /fhir/Patient/$NEW/_history/2 -H "Authorization: Bearer $TC")"
expect_equal "a centre's staff read their own colleagues" 200 "$(http GET /fhir/Practitioner/3 -H "Authorization: Bearer $TS")"
expect_equal "and not another institution's staff" 404 "$(http GET /fhir/PractitionerRole/1 -H "Authorization: Bearer $TS")"
http GET "/fhir/Practitioner" -H "Authorization: Bearer $TS" >/dev/null
grep -q '"total":2' "$WORK/body"; tap $? "a Practitioner search counts only the centre's own staff"
expect_equal "FHIR Organization read" 200 "$(http GET /fhir/Organization/1 -H "Authorization: Bearer $T")"
http GET "/fhir/Organization?name=Community" -H "Authorization: Bearer $T" >/dev/null
grep -q '"total":' "$WORK/body" && ! grep -q '"total":0' "$WORK/body"; tap $? "FHIR Organization search by name"

# --- limits, answered before the request is read ---
expect_equal "an overlong URL is 414" 414 "$(http GET "/health?x=$(head -c 20000 /dev/zero | tr '\0' a)")"
expect_equal "overlong headers are 431" 431 "$(http GET /health -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)")"
head -c 1100000 /dev/zero | tr '\0' a >"$WORK/big"
expect_equal "a body over the limit is 413" 413 "$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary @"$WORK/big")"
expect_equal "a chunked body over the limit is 413" 413 "$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/json' --data-binary @"$WORK/big")"
expect_equal "an unknown path is 404" 404 "$(http GET /api/nothing)"
code=$(curl -s -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -X DELETE "$BASE/api/persons")
expect_equal "a wrong method is 405" 405 "$code"
grep -qi '^Allow: GET, POST' "$WORK/headers"; tap $? "the 405 names the methods allowed"

# --- password change ends sessions ---
"$F" user passwd c01.clinician >/dev/null
sleep 1.1	# the server trusts a session it checked for up to a second
expect_equal "a new password ends the user's sessions" 401 "$(http GET /api/me -H "Authorization: Bearer $TC")"

server_stop
expect_equal "SIGTERM stops the server cleanly" 0 "$SERVER_STATUS"
grep -q "fangai: stopped" "$WORK/server.log"; tap $? "the server says it stopped"

# --- a body still arriving holds no working slot (overload: tests/cli/server-overload.sh) ---
server_start --max-inflight 1 --timeout 2
exec 3<>"/dev/tcp/127.0.0.1/${BASE##*:}"
printf 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{' >&3
sleep 0.3
expect_equal "a slow upload does not take the one working slot" 200 "$(http GET /health)"
exec 3>&-
sleep 0.3
exec 4<>"/dev/tcp/127.0.0.1/${BASE##*:}"
printf 'GET /health HTTP/1.1\r\n' >&4
sleep 3
timeout 2 cat <&4 >/dev/null; tap $? "a connection idle past the timeout is closed"
exec 4>&-
server_stop
