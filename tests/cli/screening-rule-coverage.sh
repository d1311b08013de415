#!/usr/bin/env bash
# tests/cli/screening-rule-coverage.sh: every rule of every classification
# scheme has a case.  Each "fangai screen classify" command of the case
# files (tests/cases/*.test) is run again with --rule-line, which names the
# line of the rule file that decided; then every "rule" and "adjust" line
# of data/screening/schemes/*.rules must have decided at least one case,
# the "default" at least one where the scheme has one, and every
# "modifier" must have been appended to at least one category.  And every
# number a rule compares an entered measurement with (size_mm=8.0..15.0,
# afp_ng_ml=>=400.0) must be the value of that measurement in a case: the
# boundaries are tested where they fall.
. "$(dirname "$0")/../lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CASES="$ROOT/tests/cases"

# fangai as the case files call it: the classification with its rule line,
# printed as "SCHEME LINE CATEGORY" per row (the --format asked for is dropped).
fangai() {
	local args=() skip=0 scheme=""
	for a in "$@"; do
		if [ $skip = 1 ]; then skip=0; continue; fi
		if [ "$a" = --format ]; then skip=1; continue; fi
		args+=("$a")
	done
	scheme=${args[2]}
	input=$(mktemp "$WORK/inputs/$scheme.XXXXXX")
	if [ "${args[3]}" = - ]; then cat >"$input"; else cp "${args[3]}" "$input" 2>/dev/null; fi
	args[3]=$input
	"$F" "${args[@]}" --rule-line 2>/dev/null | tail -n +2 |
		awk -F, -v s="$scheme" '{ print s, $NF, $2 }'
}
export -f fangai
export F

mkdir "$WORK/inputs"
grep -h '^\$ .*fangai screen classify' "$CASES"/*.test | sed 's/^\$ //' | while IFS= read -r cmd; do
	(cd "$WORK" && eval "$cmd")
done | sort -u >"$WORK/decided"
expect_equal "the case files classify findings" yes "$([ -s "$WORK/decided" ] && echo yes)"

for rules in "$ROOT"/data/screening/schemes/*.rules; do
	scheme=$(basename "$rules" .rules)
	while IFS=: read -r n text; do
		set -- $text
		case $1 in
		rule | adjust)
			expect_equal "$scheme line $n ($text) decides a case" yes \
				"$(grep -q "^$scheme $n " "$WORK/decided" && echo yes)" ;;
		default)
			expect_equal "$scheme: the default ($2) decides a case" yes \
				"$(grep -q "^$scheme 0 " "$WORK/decided" && echo yes)" ;;
		modifier)
			expect_equal "$scheme line $n: modifier $2 is appended in a case" yes \
				"$(grep -qE "^$scheme [0-9]+ .+$2\$" "$WORK/decided" && echo yes)" ;;
		esac
	done < <(grep -nE '^(rule|adjust|default|modifier) ' "$rules")
done

# The measurements entered in the cases, as "SCHEME FIELD VALUE" lines.
for f in "$WORK"/inputs/*; do
	awk -F, -v s="$(basename "${f%.*}")" '/^#/ { next } NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; next }
		{ for (i = 1; i <= NF; i++) if ($i != "") print s, h[i], $i }' "$f"
done | sort -u >"$WORK/entered"

for rules in "$ROOT"/data/screening/schemes/*.rules; do
	scheme=$(basename "$rules" .rules)
	for field in $(awk '$1 == "field" && $3 == "number" { print $2 }' "$rules"); do
		for bound in $(grep -E '^(rule|adjust) ' "$rules" | grep -oE "(^| )$field=[<>=]*[0-9.]*(\.\.[0-9.]*)?" |
			       grep -oE '[0-9]+(\.[0-9]+)?' | sort -u); do
			expect_equal "$scheme: a case enters $field $bound, a boundary of its rules" yes \
				"$(awk -v s="$scheme" -v f="$field" -v b="$bound" \
					'$1 == s && $2 == f && $3 + 0 == b + 0 { found = 1 } END { if (found) print "yes" }' \
					"$WORK/entered")"
		done
	done
done
