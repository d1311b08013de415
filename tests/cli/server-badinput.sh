#!/usr/bin/env bash
# tests/cli/server-badinput.sh: every case of server-badinput.cases (and a
# few built here: invalid UTF-8, a NUL byte, an oversized body, a garbled
# If-Match) gets its 4xx with a field-level error, never a 5xx, and
# stores nothing.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

city 100
PW=$(new_user 10 c01.clinician clinician)
server_start
T=$(token c01.clinician "$PW")
OWN=$(sql "SELECT min(id) FROM person WHERE institution_id = 10")
persons=$(sql "SELECT count(*) FROM person")
versions=$(sql "SELECT sum(version) FROM person")
n=0

# check NAME WANT-STATUS FIELD GOT-STATUS: the status, and the field named in $WORK/body.
check() {
	local name=$1 want=$2 field=$3 got=$4
	n=$((n + 1))
	if [ "$got" != "$want" ]; then
		echo "not ok - $name: status $got, expected $want"
		sed 's/^/#   /' "$WORK/body" | head -c 400; echo
	elif ! grep -qF "\"field\":\"$field\"" "$WORK/body" && ! grep -qF "\"expression\":[\"$field\"]" "$WORK/body"; then
		echo "not ok - $name: the error does not name the field $field"
		sed 's/^/#   /' "$WORK/body" | head -c 400; echo
	else
		echo "ok - $name"
	fi
}

while IFS='|' read -r want method path ctype body field; do
	case "$want" in "#"*|"") continue ;; esac
	path=${path//OWN/$OWN}
	body=${body//OWN/$OWN}
	args=(-H "Authorization: Bearer $T")
	[ "$ctype" != "-" ] && args+=(-H "Content-Type: $ctype")
	[ "$method" != GET ] && args+=(--data-binary "$body")
	[[ "$path" == */fhir/Patient/* && "$method" == PUT ]] && args+=(-H 'If-Match: W/"1"')
	check "$method $path $body" "$want" "$field" "$(http "$method" "$path" "${args[@]}")"
done <"$(dirname "$0")/server-badinput.cases"

printf '{"name":"\xff\xfe","sex":"1","birth_date":"1980-01-01"}' >"$WORK/utf8"
check "invalid UTF-8 in the body" 400 body "$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary @"$WORK/utf8")"
printf '{"name":"王\0五","sex":"1","birth_date":"1980-01-01"}' >"$WORK/nul"
check "a NUL byte in the body" 400 body "$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary @"$WORK/nul")"
{ printf '{"name":"'; head -c 1100000 /dev/zero | tr '\0' a; printf '"}'; } >"$WORK/big"
check "an oversized body" 413 body "$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary @"$WORK/big")"
check "a garbled If-Match" 400 If-Match "$(http PUT /api/persons/$OWN -H "Authorization: Bearer $T" -H 'If-Match: yesterday' -H 'Content-Type: application/json' -d '{"name":"王五","sex":"1","birth_date":"1980-01-01"}')"
check "a deeply nested body" 400 body "$(http POST /api/persons -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary "$(printf '%.0s[' $(seq 1 100))")"

[ "$n" -ge 100 ]; tap $? "at least 100 bad-input cases ($n)"
expect_equal "no person was stored" "$persons" "$(sql "SELECT count(*) FROM person")"
expect_equal "no person was changed" "$versions" "$(sql "SELECT sum(version) FROM person")"
expect_equal "no write was audited as a success" 0 "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('create', 'update') AND result = 'ok'")"
expect_equal "refused writes are audited" 1 "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM audit_log WHERE action = 'create' AND result = 'invalid'")"
server_stop
grep -q "AddressSanitizer\|runtime error" "$WORK/server.log"; [ $? -ne 0 ]; tap $? "the server ran clean under the sanitizers"
