# tests/lib/api.sh: helpers for end-to-end tests of the JSON API and FHIR on
# a server started with tests/lib/server.sh (source that first, then this).

# as TOKEN METHOD PATH [BODY]: the status; a body is sent as JSON; the reply's body in $WORK/body.
as() {
	if [ $# -ge 4 ]; then
		http "$2" "$3" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$4"
	else
		http "$2" "$3" -H "Authorization: Bearer $1"
	fi
}

# body: the last reply's body.
body() { cat "$WORK/body"; }

# expect_body NAME PATTERN: the last reply's body matches the grep -E pattern.
expect_body() {
	if grep -qE -- "$2" "$WORK/body"; then
		echo "ok - $1"
	else
		echo "not ok - $1 (no match for /$2/)"
		sed 's/^/#   /' "$WORK/body" | head -c 2000
		echo
	fi
}

# audited ACTION RESOURCE [RESULT]: how many audit entries record it (result ok by default).
audited() { sql "SELECT count(*) FROM audit_log WHERE action = '$1' AND resource = '$2' AND result = '${3:-ok}'"; }
