#!/usr/bin/env bash
# tests/cli/link.sh: fangai link dedup|match|synth on CSV files, end to end.
. "$(dirname "$0")/../lib/tap.sh"

"$F" link synth --persons 3000 --duplicates 0.1 --seed 7 >"$WORK/people.csv"
tap $? "link synth writes persons with duplicates"
dups=$(grep -c -- '-dup,' "$WORK/people.csv")
expect_equal "synth is deterministic" "$("$F" link synth --persons 3000 --duplicates 0.1 --seed 7 | md5sum)" \
	"$(md5sum <"$WORK/people.csv")"

expect_status 0 "dedup runs" "$F" link dedup "$WORK/people.csv" --output "$WORK/pairs.csv"
expect_output "dedup reports its counts" "^link: 3[0-9]{3} records, [0-9]+ candidate pairs"
expect_equal "pairs header" "key_a,key_b,decision,method,probability,weight,id_number,name,sex,birth_date,phone,address" \
	"$(head -n 1 "$WORK/pairs.csv")"
# Matches whose keys name the same person (P12 and P12-dup) over all true duplicates.
true_matches=$(awk -F, '$3 == "match" { a = $1; b = $2; sub(/-dup$/, "", b); if (a == b) n++ } END { print n + 0 }' "$WORK/pairs.csv")
false_matches=$(awk -F, 'NR > 1 && $3 == "match" { a = $1; b = $2; sub(/-dup$/, "", b); if (a != b) n++ } END { print n + 0 }' "$WORK/pairs.csv")
[ $((true_matches * 100)) -ge $((dups * 95)) ]
tap $? "dedup finds at least 95% of the $dups duplicates ($true_matches; the measure is in test_linkage)"
expect_equal "dedup links no different persons" 0 "$false_matches"
grep -q ',match,id_number,1.000000,' "$WORK/pairs.csv"
tap $? "deterministic links are marked id_number"

# The same file in GBK, as Excel saves it: detected and converted.
iconv -f UTF-8 -t GBK "$WORK/people.csv" >"$WORK/people-gbk.csv"
"$F" link dedup "$WORK/people-gbk.csv" --output "$WORK/pairs-gbk.csv" 2>/dev/null
tap $? "dedup of a GBK file"
expect_equal "it gives the same pairs" "$(md5sum <"$WORK/pairs.csv")" "$(md5sum <"$WORK/pairs-gbk.csv")"

# Two files with other column names, mapped by a configuration file.
awk -F, 'NR == 1 || /-dup,/' "$WORK/people.csv" |
	sed '1s/.*/编号,truth,身份证号,姓名,性别,出生日期,电话,地址,perturbations/' >"$WORK/b.csv"
cat >"$WORK/link.conf" <<'CONF'
# Hospital export against the registry extract.
reset
field id_number:id:id_number:身份证号
field name:name:name:姓名
field sex:exact:sex:性别
field birth_date:date:birth_date:出生日期
block birth_date+sex
block name:pinyin+sex
block id_number
threshold 0.95 0.5
CONF
"$F" link match "$WORK/people.csv" "$WORK/b.csv" --config "$WORK/link.conf" >"$WORK/m.csv" 2>"$WORK/err"
tap $? "match with a configuration file"
expect_equal "match header" "key_a,key_b,decision,method,probability,weight,id_number,name,sex,birth_date" \
	"$(head -n 1 "$WORK/m.csv")"
grep -q '^P[0-9]*,[0-9]*,match,' "$WORK/m.csv"
tap $? "match pairs keys of A with row numbers of B (B has no key column)"

expect_status 1 "an unknown column is refused" "$F" link dedup "$WORK/people.csv" --fields nom:name --blocks nom
expect_output "the missing column is named" 'column "nom" does not exist in ".*people.csv"'
expect_status 1 "an unknown comparator is refused" "$F" link dedup "$WORK/people.csv" --fields name:soundex
expect_output "the comparator is named" 'invalid linkage field "name:soundex"'
expect_status 2 "fields without blocking rules" "$F" link dedup "$WORK/people.csv" --fields name:name
expect_status 1 "a bad configuration line is refused" "$F" link dedup "$WORK/people.csv" --config "$WORK/people.csv"
expect_output "the configuration line is named" 'line 1\.'
expect_status 2 "a missing file" "$F" link dedup "$WORK/nosuch.csv"
