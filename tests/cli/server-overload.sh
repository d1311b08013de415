#!/usr/bin/env bash
# tests/cli/server-overload.sh: the server under slow clients and overload.
# Slow clients (slowloris headers, bodies a byte at a time) from other
# loopback addresses, then twice the working capacity of audited reads:
# the server stays up, keeps serving a normal client during the slow
# floods, sheds the excess with 503 and Retry-After while serving at its
# capacity, and recovers when the load stops.  Each flood lasts
# OVERLOAD_SECONDS (default 3; make check-long: 30).
. "$(dirname "$0")/../lib/server.sh"

SECONDS_EACH=${OVERLOAD_SECONDS:-3}
PER_ADDRESS=16
ADDRESSES=4
MAX_INFLIGHT=8
LIB="$(dirname "$0")/../lib"

if ! command -v node >/dev/null || ! command -v wrk >/dev/null; then
	echo "ok - # SKIP node or wrk is not installed (scripts/bootstrap installs them)"
	exit 0
fi

city 200
REG=$(new_user 1 ccc.registry registry)
server_start --max-connections 200 --per-address "$PER_ADDRESS" --max-inflight "$MAX_INFLIGHT" --timeout 3
T=$(token ccc.registry "$REG")
PORT=${BASE##*:}

# served N: how many of N requests of a normal client (127.0.0.1), 0.1 s apart, got 200.
served() {
	local ok=0
	for _ in $(seq 1 "$1"); do
		[ "$(http GET /fhir/Patient/1 -H "Authorization: Bearer $T" --max-time 5)" = 200 ] && ok=$((ok + 1))
		sleep 0.1
	done
	echo "$ok"
}

# flood MODE: slow clients for SECONDS_EACH while a normal client asks 10 times.
flood() {
	local stats ok held early
	node "$LIB/slow-clients.mjs" "$PORT" "$1" 40 "$ADDRESSES" "$SECONDS_EACH" >"$WORK/slow-$1" &
	local pid=$!
	sleep 1
	ok=$(served 10)
	wait "$pid"
	stats=$(cat "$WORK/slow-$1")
	echo "# $1: $stats; the normal client got 200 for $ok of 10"
	held=$(echo "$stats" | sed -n 's/.*"held":\([0-9]*\).*/\1/p')
	early=$(echo "$stats" | sed -n 's/.*"closed_early":\([0-9]*\).*/\1/p')
	expect_equal "slow $1: every request of a normal client is served during the flood" 10 "$ok"
	[ "${held:-0}" -gt 0 ] && [ "$held" -le $((PER_ADDRESS * ADDRESSES)) ]
	tap $? "slow $1: the flood held connections, at most $PER_ADDRESS per address ($held)"
	[ "${early:-0}" -gt 0 ]; tap $? "slow $1: connections beyond the per-address limit were refused ($early)"
}

flood headers
flood body
kill -0 "$SERVER_PID" 2>/dev/null; tap $? "the server is up after the slow clients"

# --- twice the working capacity: audited reads from 2 x --max-inflight connections ---
cat >"$WORK/read.lua" <<LUA
request = function()
	return wrk.format("GET", "/fhir/Patient/" .. math.random(1, 200), {["Authorization"] = "Bearer $T"})
end
LUA
wrk -t2 -c$((MAX_INFLIGHT * 2)) -d"${SECONDS_EACH}s" -s "$WORK/read.lua" "$BASE" >"$WORK/wrk.txt" 2>&1 &
WRK=$!
sleep 0.5
busy=
for _ in $(seq 1 200); do
	code=$(curl -s -D "$WORK/busy-headers" -o "$WORK/busy-body" -w '%{http_code}' -H "Authorization: Bearer $T" "$BASE/fhir/Patient/2")
	if [ "$code" = 503 ]; then busy=1; break; fi
done
ok=$(served 10)
wait "$WRK"
total=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt")
echo "# twice the capacity: $total requests in ${SECONDS_EACH} s, ${non2xx:-0} shed; another client got 200 for $ok of 10"
[ -n "$busy" ]; tap $? "under twice the capacity the server sheds with 503"
grep -qi '^Retry-After: 1' "$WORK/busy-headers"; tap $? "the 503 says when to retry"
grep -q '"code":"transient"' "$WORK/busy-body"; tap $? "the 503 is an OperationOutcome"
[ "${non2xx:-0}" -gt 0 ] && [ "${total:-0}" -gt "${non2xx:-0}" ]
tap $? "the server goes on serving at its capacity while it sheds the rest ($((${total:-0} - ${non2xx:-0})) served)"

# --- recovery ---
kill -0 "$SERVER_PID" 2>/dev/null; tap $? "the server is up after the overload"
expect_equal "once the load stops every request is served" 20 "$(served 20)"
expect_equal "the server is ready" 200 "$(http GET /ready)"
server_stop
expect_equal "the server stops cleanly after it all" 0 "$SERVER_STATUS"
