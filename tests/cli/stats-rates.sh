#!/usr/bin/env bash
# tests/cli/stats-rates.sh: `fangai stats rates` end to end against the rates
# R's epitools::ageadjust.direct gives for the same files
# (tests/data/rates/cli-*.csv, written by tests/r/rates-expected.R).
. "$(dirname "$0")/../lib/tap.sh"
D="$(cd "$(dirname "$0")/../data/rates" && pwd)"

# compare_csv NAME EXPECTED GOT: same header, same keys, numbers equal to 1e-9 (relative).
compare_csv() {
	local result
	result=$(awk -F, -v tol=1e-9 '
		FNR == 1 && /^#/ { comment = 1 }
		/^#/ { next }
		NR == FNR { want[++n] = $0; next }
		{ got[++m] = $0 }
		END {
			if (n != m) { print "rows: expected " n ", got " m; exit }
			for (i = 1; i <= n; i++) {
				k = split(want[i], a, ","); l = split(got[i], b, ",")
				if (k != l) { print "row " i ": " k " fields, got " l; exit }
				for (j = 1; j <= k; j++) {
					if (a[j] == b[j]) continue
					if (i == 1 || a[j] !~ /^-?[0-9.]/) { print "row " i " field " j ": " a[j] " != " b[j]; exit }
					d = a[j] - b[j]; if (d < 0) d = -d
					s = a[j] < 0 ? -a[j] : a[j]; if (s == 0) s = 1
					if (d > tol * s) { print "row " i " field " j ": " a[j] " != " b[j]; exit }
				}
			}
			print "same"
		}' "$2" "$3")
	expect_equal "$1" same "$result"
}

"$F" stats rates --cases "$D/cli-cases.csv" --population "$D/cli-population.csv" \
	--by district --standard china2000,segi,who2000 --format csv >"$WORK/got.csv" 2>"$WORK/err"
tap $? "stats rates --format csv runs"
compare_csv "crude, ASR and intervals (3 standards), cumulative, truncated equal R's" \
	"$D/cli-expected.csv" "$WORK/got.csv"

"$F" stats rates --cases "$D/eapc-cases.csv" --population "$D/eapc-population.csv" \
	--eapc --by sex --standard segi --format csv >"$WORK/got.csv" 2>"$WORK/err"
tap $? "stats rates --eapc runs"
compare_csv "EAPC of the Segi ASR over ten years, by sex, equals R's lm() and confint()" \
	"$D/eapc-cli-expected.csv" "$WORK/got.csv"

"$F" stats rates --cases "$D/cli-cases.csv" --population "$D/cli-population.csv" \
	--format json >"$WORK/got.json" 2>"$WORK/err"
tap $? "stats rates --format json runs"
expect_equal "json: one stratum over all districts, its cases summed" 102675 \
	"$(grep -o '"cases": [0-9]*' "$WORK/got.json" | awk '{print $2}')"

expect_status 1 "a case whose district has no population is refused" \
	"$F" stats rates --cases "$D/cli-cases.csv" --population "$D/../../cases/rates/pop-one-district.csv"
expect_output "the error names the district and the line" \
	'no population for sex "2", district "110102" at line [0-9]+ of'
