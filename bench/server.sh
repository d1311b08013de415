#!/usr/bin/env bash
# bench/server.sh: the platform server under load.  FHIR Patient read by id
# over a synthetic city of BENCH_PERSONS (default 1,000,000) persons, with
# wrk on loopback: requests per second and latency percentiles.  Every
# request is authenticated, scoped and written to the audit log (group
# commit) before its reply, as in production: once with the entry synced to
# disk before the reply (--audit-sync disk, the default), once handed to the
# operating system (--audit-sync os), and with four times the connections.
# Beside it, nginx serving one such Patient as a static file (an unprivileged
# process with its own configuration), when nginx is installed.  Then
# transaction Bundle ingest: BENCH_BUNDLES (default 40) Bundles of 500 new
# Patients each, four clients at once, each Bundle one transaction with its
# audit entries.  Each figure is printed with the load average (1 minute)
# before and after it: the cores may be shared.
#
# BENCH_SERVER_DB reuses a database made before (it must hold the city).
set -u
F=${FANGAI_BIN:?FANGAI_BIN is not set}
WORK=${BENCH_WORK:-$(mktemp -d)}
PERSONS=${BENCH_PERSONS:-1000000}
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-4}
DB=${BENCH_SERVER_DB:-$WORK/server-city.db}
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" && wait "$SERVER_PID"' EXIT

if ! command -v wrk >/dev/null; then
	echo "wrk is not installed (scripts/bootstrap installs it): skipped"
	exit 0
fi
if [ ! -f "$DB" ]; then
	start=$(date +%s)
	"$F" init --db "$DB" >/dev/null && "$F" synth --db "$DB" --persons "$PERSONS" --seed 2026 >/dev/null || exit 1
	echo "synthetic city of $PERSONS persons made in $(( $(date +%s) - start )) s"
fi
PERSONS=$(sqlite3 "$DB" "SELECT count(*) FROM person")
user="bench.$$"
pw=$("$F" user add --db "$DB" --institution 1 --username "$user" --role registry | sed -n 's/^password: //p')
start_server() {	# extra options of fangai serve
	[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" && wait "$SERVER_PID"
	rm -f "$WORK/port"
	"$F" serve --db "$DB" --port 0 --port-file "$WORK/port" --threads "$THREADS" "$@" 2>"$WORK/server.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
	BASE="http://127.0.0.1:$(cat "$WORK/port")"
}
start_server
token=$(curl -s -H 'Content-Type: application/json' \
	-d "{\"username\":\"$user\",\"password\":\"$pw\",\"client\":\"api\"}" "$BASE/api/login" |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
audit_before=$(sqlite3 "$DB" "SELECT count(*) FROM audit_log")

cat >"$WORK/read.lua" <<LUA
local n = $PERSONS
math.randomseed(7)
request = function()
	return wrk.format("GET", "/fhir/Patient/" .. math.random(1, n),
		{["Authorization"] = "Bearer $token"})
end
LUA

load() { cut -d' ' -f1 /proc/loadavg; }

report() {	# label, wrk output file, load average before
	local rps p50 p99
	rps=$(sed -n 's/^Requests\/sec: *//p' "$2")
	p50=$(awk '$1 == "50%" {print $2}' "$2")
	p99=$(awk '$1 == "99%" {print $2}' "$2")
	printf '%-46s %10s req/s   p50 %-8s p99 %-8s load %s..%s\n' "$1" "$rps" "$p50" "$p99" "$3" "$(load)"
	grep -E 'Non-2xx|Socket errors' "$2" | sed 's/^/    /'
}

read_run() {	# label, connections
	local before
	before=$(load)
	wrk -t2 -c"$2" -d"${DURATION}s" --latency -s "$WORK/read.lua" "$BASE" >"$WORK/wrk.txt" 2>&1
	report "$1" "$WORK/wrk.txt" "$before"
}

echo "FHIR read by id, $PERSONS patients, $CONNECTIONS connections, ${DURATION}s, $THREADS server threads, $(nproc) cores"
read_run "fangai GET /fhir/Patient/{id}, audit on disk" "$CONNECTIONS"
read_run "  the same, $((CONNECTIONS * 4)) connections" "$((CONNECTIONS * 4))"
echo "audit entries written: $(( $(sqlite3 "$DB" "SELECT count(*) FROM audit_log") - audit_before ))"
start_server --audit-sync os
read_run "fangai, audit handed to the OS (--audit-sync os)" "$CONNECTIONS"
start_server

# nginx serving the bytes of one Patient as a static file: its own
# configuration and directory, as an unprivileged user (nobody when this
# runs as root), two workers like the two cores.
nginx_run() {
	local dir as=() port
	port=$((20000 + RANDOM % 20000))
	while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
	dir=$(mktemp -d "${TMPDIR:-/tmp}/fangai-nginx.XXXXXX")
	chmod 755 "$dir"
	mkdir -p "$dir/www" "$dir/tmp"
	curl -s -H "Authorization: Bearer $token" "$BASE/fhir/Patient/1" >"$dir/www/patient.json"
	cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	types { application/fhir+json json; }
	server { listen 127.0.0.1:$port; root $dir/www; }
}
CONF
	if [ "$(id -u)" -eq 0 ]; then
		chown -R nobody "$dir"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	"${as[@]}" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" &
	local pid=$! up=
	for _ in $(seq 1 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/patient.json" && up=1 && break
		sleep 0.1
	done
	if [ -z "$up" ]; then
		echo "nginx did not start: $(tail -1 "$dir/error.log")"
	else
		local before
		before=$(load)
		wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/patient.json" >"$WORK/wrk-nginx.txt" 2>&1
		report "nginx, the same bytes as a static file" "$WORK/wrk-nginx.txt" "$before"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
if command -v nginx >/dev/null; then
	nginx_run
else
	echo "nginx is not installed (scripts/bootstrap installs nginx-light): no static-file comparison"
fi

# bundles FIRST COUNT SIZE DIR: write COUNT transaction Bundles of SIZE new
# Patients with valid resident ID numbers of district 650102 (not used by
# the synthetic city), numbered from FIRST so that runs do not collide.
bundles() {
	awk -v first="$1" -v count="$2" -v size="$3" -v dir="$4" '
	function ymd(z,   era, doe, yoe, y, doy, mp, d, m) {
		z += 719468; era = int(z / 146097); doe = z - era * 146097
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
		y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
		mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
		m = mp < 10 ? mp + 3 : mp - 9
		return sprintf("%04d%02d%02d", y + (m <= 2), m, d)
	}
	function resident_id(i,   s, sum, k) {
		s = "650102" ymd(-7305 + i % 20000) sprintf("%03d", int(i / 20000) % 1000)
		sum = 0
		for (k = 1; k <= 17; k++) sum += substr(s, k, 1) * w[k]
		return s substr("10X98765432", sum % 11 + 1, 1)
	}
	BEGIN {
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		for (b = 0; b < count; b++) {
			f = dir "/bundle-" b ".json"
			printf "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" > f
			for (j = 0; j < size; j++) {
				i = first + b * size + j
				printf "%s{\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:2.16.156.10011.1.3\",\"value\":\"%s\"}],\"name\":[{\"text\":\"测试%d\"}],\"telecom\":[{\"system\":\"phone\",\"value\":\"139%08d\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}", j ? "," : "", resident_id(i), i, i % 100000000 > f
			}
			printf "]}" > f
			close(f)
		}
	}'
}

BUNDLES=${BENCH_BUNDLES:-40}
rm -rf "$WORK/bundles"
mkdir -p "$WORK/bundles"
first=$(sqlite3 "$DB" "SELECT count(*) FROM person WHERE id_number LIKE '650102%'")
bundles "$first" "$BUNDLES" 500 "$WORK/bundles"
before=$(sqlite3 "$DB" "SELECT count(*) FROM person")
lb=$(load)
start=$(date +%s.%N)
ls "$WORK"/bundles/bundle-*.json | xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	-H "Authorization: Bearer $token" -H 'Content-Type: application/fhir+json' \
	--data-binary @{} "$BASE/fhir" >"$WORK/codes"
end=$(date +%s.%N)
stored=$(( $(sqlite3 "$DB" "SELECT count(*) FROM person") - before ))
awk -v n="$stored" -v s="$start" -v e="$end" -v b="$BUNDLES" -v l="$lb..$(load)" 'BEGIN {
	printf "%-46s %10.0f resources/s (%d Bundles of 500 in %.2f s)   load %s\n", "transaction Bundle ingest, 4 clients", n / (e - s), b, e - s, l }'
grep -vc '^200$' "$WORK/codes" | awk '$1 > 0 {print "    " $1 " Bundles refused"}'

