#!/usr/bin/env bash
# tests/cli/web.sh: the web UI in a real browser.  Starts the real server
# on a synthetic city on a free loopback port, makes an account for each
# role, and runs tests/web/*.mjs (playwright-core driving Debian's
# chromium), which print TAP lines.  Screenshots go to build/web-shots/.
# Skipped, with a reason, only when chromium or the npm modules are missing.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/population.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHROMIUM=/usr/bin/chromium

"$F" init >/dev/null && "$F" synth --persons 1500 --seed 11 --screening --network --quiet >/dev/null
# Follow-up visits for the follow-up staff of the community centre (10) and the hospital (2).
for inst in 10 2; do
	for p in $(sql "SELECT id FROM person WHERE institution_id = $inst AND vital_status = 'alive' ORDER BY id LIMIT 3"); do
		"$F" followup enrol --person "$p" --plan cancer-standard --start 2026-03-30 >/dev/null
	done
done

# A tumour for the first person of the community centre, for the timeline.
TUMOUR_PERSON=$(sql "SELECT min(id) FROM person WHERE institution_id = 10")
"$F" tumour add --person "$TUMOUR_PERSON" --institution 2 --incidence-date 2026-02-03 --topography C34.1 \
	--morphology 8140/3 --basis 7 --t T1b --n N0 --m M0 >/dev/null || echo "not ok - a tumour for the timeline"

# The registry's statistics: the population of 2023-2026, 45 tumours of three
# sites registered by the cancer centre (1), and the deaths of a quarter of them.
population_csv 2023 2024 2025 2026 >"$WORK/pop.csv"
"$F" registry population import "$WORK/pop.csv" >/dev/null || echo "not ok - the population is imported"
n=0
for p in $(sql "SELECT id FROM person WHERE vital_status = 'alive' AND birth_date < '1970-01-01'
	AND institution_id NOT IN (2, 10) ORDER BY id LIMIT 45"); do
	set -- C34.1:8070/3 C16.9:8140/3 C22.0:8170/3
	shift $((n % 3))
	"$F" tumour add --person "$p" --institution 1 --incidence-date "$((2023 + n % 3))-0$((1 + n % 9))-1$((n % 10))" \
		--topography "${1%%:*}" --morphology "${1#*:}" --basis 7 >/dev/null || echo "not ok - tumour $n is registered"
	[ $((n % 4)) = 0 ] && sql "UPDATE person SET vital_status = 'dead', death_date = '2026-0$((1 + n % 9))-01' WHERE id = $p"
	n=$((n + 1))
done

# Free low-dose CT slots of the hospital (2) from 2027-01-04 for the booking page.
SCHEDULE=$("$F" schedule add --institution 2 --service ldct --name "低剂量螺旋CT 上午" | sed -n "s/^schedule \([0-9]*\) .*/\1/p")
"$F" slot add --schedule "$SCHEDULE" --start 2027-01-04T08:00 --capacity 2 --count 30 >/dev/null ||
	echo "not ok - slots are published"
# A person of the community centre invited to lung screening (for the questionnaire), and one to refer.
Q_PERSON=$(sql "SELECT e.person_id FROM screening_episode e JOIN screening_programme pr ON pr.id = e.programme_id
	JOIN person p ON p.id = e.person_id WHERE p.institution_id = 10 AND e.closed_on IS NULL AND pr.code = 'lung'
	AND e.state = 'invited' ORDER BY e.person_id LIMIT 1")
REF_PERSON=$(sql "SELECT id FROM person WHERE institution_id = 10 AND vital_status = 'alive' AND id NOT IN
	(SELECT person_id FROM followup) AND id NOT IN (SELECT person_id FROM referral) ORDER BY id DESC LIMIT 1")
EXAM_PERSON=$(sql "SELECT x.person_id FROM screening_exam x JOIN person p ON p.id = x.person_id
	WHERE p.institution_id = 10 ORDER BY x.person_id LIMIT 1")

# Two persons of the community centre 11 registered again by centre 12 without their ID
# numbers: duplicates for the review queue of the cancer centre's registry.
for p in $(sql "SELECT id FROM person WHERE institution_id = 11 AND vital_status = 'alive' ORDER BY id DESC LIMIT 2"); do
	"$F" person add --institution 12 --name "$(sql "SELECT name FROM person WHERE id = $p")" \
		--sex "$(sql "SELECT sex FROM person WHERE id = $p")" --birth-date "$(sql "SELECT birth_date FROM person WHERE id = $p")" \
		--phone "$(sql "SELECT phone FROM person WHERE id = $p")" --address "$(sql "SELECT address FROM person WHERE id = $p")" \
		>/dev/null || echo "not ok - a duplicate of person $p is registered"
done
# A hospital's export of the city's residents, some recorded with typing errors and without
# their ID numbers: enough duplicates for the scan to keep a linkage model, with which each
# registration is checked.
"$F" link synth --persons 1500 --duplicates 0.1 --seed 11 | cut -d, -f1,3-8 >"$WORK/his.csv"
"$F" import persons "$WORK/his.csv" --institution 1 --source his --skip-bad-rows --quiet >/dev/null ||
	echo "not ok - the hospital's export is imported"
"$F" link scan | grep -q "^linkage model kept" || echo "not ok - the registry is scanned for duplicates"

ACCOUNTS="$WORK/accounts.json"
{
	printf '{'
	sep=
	while read -r inst user role; do
		printf '%s"%s":{"institution":%s,"role":"%s","password":"%s"}' "$sep" "$user" "$inst" "$role" \
			"$(new_user "$inst" "$user" "$role")"
		sep=,
	done <<-'LIST'
	10 c01.screening screening
	2 h1.clinician clinician
	10 c01.followup followup
	1 ccc.registry registry
	1 ccc.admin system_admin
	1 ccc.auditor auditor
	LIST
	printf '}\n'
} >"$ACCOUNTS"

server_start

# --- the static files, served by the server itself ---
expect_equal "GET / is the UI" 200 "$(http GET /)"
grep -q '<main id="view"' "$WORK/body"; tap $? "/ is index.html"
ctype() { curl -s -o /dev/null -w '%{content_type}' "$BASE$1"; }
expect_equal "HTML is text/html in UTF-8" "text/html; charset=utf-8" "$(ctype /index.html)"
expect_equal "modules are JavaScript" "text/javascript; charset=utf-8" "$(ctype /js/app.js)"
expect_equal "catalogues are JSON" "application/json; charset=utf-8" "$(ctype /i18n/zh.json)"
expect_equal "ECharts is served under /vendor/" 200 "$(http GET /vendor/echarts.min.js)"
for bad in /../Makefile /%2e%2e/Makefile /js/../../Makefile /.gitignore //etc/passwd /vendor/../package.json /vendor/playwright-core/package.json; do
	expect_equal "no traversal: $bad" 404 "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$BASE$bad")"
done
expect_equal "a file without a known type is not served" 404 "$(http GET /README)"
curl -s -D "$WORK/h" -o /dev/null "$BASE/app.css"
grep -qi '^Cache-Control: no-cache' "$WORK/h"; tap $? "UI files are revalidated (Cache-Control: no-cache)"
ETAG=$(sed -n 's/^ETag: //Ip' "$WORK/h" | tr -d '\r')
expect_equal "an unchanged file answers 304" 304 "$(http GET /app.css -H "If-None-Match: $ETAG")"
curl -s -D "$WORK/h" -o /dev/null "$BASE/api/me"
grep -qi '^Cache-Control: no-store' "$WORK/h"; tap $? "API replies stay no-store"
curl -s -D "$WORK/h" -o /dev/null "$BASE/"
grep -qi "^Content-Security-Policy: default-src 'self'" "$WORK/h"; tap $? "the page has a content security policy"
expect_equal "POST to a UI path is no such resource" 404 "$(http POST /index.html)"

if [ ! -x "$CHROMIUM" ]; then
	echo "ok - web UI in a browser # SKIP $CHROMIUM is not installed (scripts/bootstrap installs it)"
	exit 0
fi
if [ ! -d "$ROOT/node_modules/playwright-core" ]; then
	echo "not ok - playwright-core is installed (run scripts/bootstrap: npm ci)"
	exit 0
fi

# A person of another community centre (11) that neither 10 nor the hospital (2) may see.
OTHER=$(sql "SELECT id FROM person WHERE institution_id = 11 AND id NOT IN
	(SELECT person_id FROM access_grant WHERE institution_id IN (2, 10)) ORDER BY id LIMIT 1")
mkdir -p "$ROOT/build/web-shots"
for t in "$ROOT"/tests/web/${WEB_TEST:-*}.mjs; do
	BASE="$BASE" ACCOUNTS="$ACCOUNTS" OTHER_PERSON="$OTHER" TUMOUR_PERSON="$TUMOUR_PERSON" CHROMIUM="$CHROMIUM" \
		Q_PERSON="$Q_PERSON" REF_PERSON="$REF_PERSON" EXAM_PERSON="$EXAM_PERSON" \
		SHOTS="$ROOT/build/web-shots" node "$t" || echo "not ok - $(basename "$t") ran to its end"
done
