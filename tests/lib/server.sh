# tests/lib/server.sh: run the real server on a free loopback port for an
# end-to-end test.  Source it after nothing else: it sources tap.sh, makes a
# synthetic city in $FANGAI_DB, and stops the server when the script exits.
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
SERVER_PID=
trap 'server_stop; rm -rf "$WORK"' EXIT

# city N: a fresh database with the synthetic city of N persons.
city() {
	"$F" init >/dev/null && "$F" synth --persons "$1" --seed 11 >/dev/null
}

# server_start [OPTIONS]: start fangai serve; sets $BASE.  Fails the script if it does not come up.
server_start() {
	rm -f "$WORK/port"
	"$F" serve --port 0 --port-file "$WORK/port" --threads 2 "$@" 2>>"$WORK/server.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$WORK/port" ] && break
		sleep 0.1
	done
	if [ ! -s "$WORK/port" ]; then
		echo "not ok - server starts"
		sed 's/^/#   /' "$WORK/server.log"
		exit 1
	fi
	BASE="http://127.0.0.1:$(cat "$WORK/port")"
}

# server_stop: SIGTERM and wait; sets $SERVER_STATUS.
server_stop() {
	SERVER_STATUS=
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	SERVER_STATUS=$?
	SERVER_PID=
}

# new_user INSTITUTION USERNAME ROLE: create the account and print its generated password.
new_user() {
	"$F" user add --institution "$1" --username "$2" --role "$3" | sed -n 's/^password: //p'
}

# json_field NAME: the string value of the first "NAME" member in the JSON on stdin.
json_field() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# token USERNAME PASSWORD: log in as an API client and print the bearer token.
token() {
	curl -s -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\",\"client\":\"api\"}" "$BASE/api/login" |
		json_field token
}

# http METHOD PATH [CURL ARGS...]: print the status code; the body goes to $WORK/body.
http() {
	local method=$1 path=$2
	shift 2
	curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$BASE$path"
}

# fhir TOKEN PATH NAME: GET PATH as FHIR JSON, keep the body as $WORK/fhir/NAME.json for a schema
# check (tests/lib/fhir-validate.cjs) and in $WORK/body; print the status.
fhir() {
	local s
	mkdir -p "$WORK/fhir"
	s=$(http GET "$2" -H "Authorization: Bearer $1" -H 'Accept: application/fhir+json')
	cp "$WORK/body" "$WORK/fhir/$3.json"
	echo "$s"
}
