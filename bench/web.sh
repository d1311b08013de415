#!/usr/bin/env bash
# bench/web.sh: the web UI on the demo city (BENCH_WEB_PERSONS, default
# 50,000 persons with the referral network) in Debian's chromium: the time
# from navigation to the page's content on screen, for each role's home
# page, a person search, a person's timeline and the dashboard.  Prints
# figures (median of BENCH_WEB_RUNS, default 5); never fails on a timing.
set -u
F=${FANGAI_BIN:?FANGAI_BIN is not set}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_WORK:-$(mktemp -d)}
PERSONS=${BENCH_WEB_PERSONS:-50000}
DB=${BENCH_WEB_DB:-$WORK/web-city.db}
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" && wait "$SERVER_PID"' EXIT

if [ ! -x /usr/bin/chromium ] || [ ! -d "$ROOT/node_modules/playwright-core" ]; then
	echo "chromium or playwright-core is not installed (scripts/bootstrap installs them): skipped"
	exit 0
fi
if [ ! -f "$DB" ]; then
	start=$(date +%s)
	"$F" init --db "$DB" >/dev/null &&
		"$F" synth --db "$DB" --persons "$PERSONS" --seed 2026 --network --screening --quiet >/dev/null || exit 1
	# The registry's statistics: populations of 2023-2025 and 300 tumours, a quarter of them fatal.
	sql() { sqlite3 "$DB" "$@"; }
	. "$ROOT/tests/lib/population.sh"
	population_csv 2023 2024 2025 >"$WORK/web-pop.csv"
	"$F" registry population import --db "$DB" "$WORK/web-pop.csv" >/dev/null || exit 1
	n=0
	for p in $(sql "SELECT id FROM person WHERE vital_status = 'alive' AND birth_date < '1970-01-01' ORDER BY id LIMIT 300"); do
		set -- C34.1:8070/3 C16.9:8140/3 C22.0:8170/3 C18.7:8140/3
		shift $((n % 4))
		"$F" tumour add --db "$DB" --person "$p" --institution 1 --incidence-date "$((2023 + n % 3))-0$((1 + n % 9))-1$((n % 10))" \
			--topography "${1%%:*}" --morphology "${1#*:}" --basis 7 >/dev/null
		[ $((n % 4)) = 0 ] && sql "UPDATE person SET vital_status = 'dead', death_date = '2026-0$((1 + n % 9))-01' WHERE id = $p"
		n=$((n + 1))
	done
	echo "demo city of $PERSONS persons (screening, network, 300 tumours) made in $(( $(date +%s) - start )) s"
fi
ACCOUNTS="$WORK/web-accounts.json"
{
	printf '{'
	sep=
	for a in "10 screening" "2 clinician" "10 followup" "1 registry" "1 system_admin" "1 auditor"; do
		set -- $a
		u="bench.$2.$$"
		pw=$("$F" user add --db "$DB" --institution "$1" --username "$u" --role "$2" | sed -n 's/^password: //p')
		printf '%s"%s":{"user":"%s","password":"%s"}' "$sep" "$2" "$u" "$pw"
		sep=,
	done
	printf '}\n'
} >"$ACCOUNTS"
rm -f "$WORK/web-port"
"$F" serve --db "$DB" --port 0 --port-file "$WORK/web-port" --threads 4 2>"$WORK/web-server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/web-port" ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat "$WORK/web-port")" ACCOUNTS="$ACCOUNTS" RUNS=${BENCH_WEB_RUNS:-5} \
	PERSON="$(sqlite3 "$DB" "SELECT min(id) FROM person WHERE institution_id = 10")" \
	NAME="$(sqlite3 "$DB" "SELECT name FROM person WHERE institution_id = 10 ORDER BY id LIMIT 1")" \
	node "$ROOT/bench/web.mjs"
