#!/usr/bin/env bash
# tests/cli/import-tables.sh: fangai import of whole tables -- population denominators and
# life tables with Chinese headings in GB18030, checked and stored whole by their libraries
# (fg_population_import, fg_ratetable_save): all or nothing, and idempotent.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --quiet >/dev/null
tap $? "a database with the demo city's institutions"

labels="0 1-4 5-9 10-14 15-19 20-24 25-29 30-34 35-39 40-44 45-49 50-54 55-59 60-64 65-69 70-74 75-79 80-84 85+"
{
	echo '地区编码,年份,性别,年龄组,人口数'
	for s in 1 2; do
		g=0
		for l in $labels; do
			echo "440106,2025,$s,$l,$((1000 + g * 10 + s))"
			g=$((g + 1))
		done
	done
} | iconv -f UTF-8 -t GB18030 >"$WORK/pop.csv"
expect_status 0 "a population table in GB18030 with Chinese headings" "$F" import populations "$WORK/pop.csv" --institution 1
expect_output "stored whole" '^imported .*pop.csv \(GB18030\) whole: 38 rows, 38 stored$'
expect_equal "every cell, every person" "38 41477" "$(sql "SELECT count(*) || ' ' || sum(count) FROM population")"
expect_status 0 "imported again" "$F" import populations "$WORK/pop.csv" --institution 1
expect_equal "the same cells, not doubled" "38 41477" "$(sql "SELECT count(*) || ' ' || sum(count) FROM population")"
sed 's/^440106,2025,1,5-9,1021$/440106,2025,1,5-9,-3/' "$WORK/pop.csv" >"$WORK/neg.csv"
sed '$d' "$WORK/pop.csv" >"$WORK/short.csv"
expect_status 1 "a negative count is refused" "$F" import populations "$WORK/neg.csv"
expect_output "naming the value, the line and the user's file" 'invalid population ""-3"" at line 4 of "".*neg.csv""'
expect_output "reported as row 3, line 4 of the file" '^3,4,population,,'
awk 'NR == 3 { print ""; print "" } { print }' "$WORK/neg.csv" >"$WORK/gaps.csv"
expect_status 1 "the same with two blank lines before the bad row" "$F" import populations "$WORK/gaps.csv"
expect_output "the report gives the file's own line" '^3,6,population,,"invalid population ""-3"" at line 6 of '
expect_status 1 "a sex without its 85+ group is refused" "$F" import populations "$WORK/short.csv"
expect_output "saying which group is missing" 'has no age group "85\+"'
expect_equal "nothing changed" "38 41477" "$(sql "SELECT count(*) || ' ' || sum(count) FROM population")"

# A life table: relsurv's Slovene population of 1930 (tests/r/data/slopop.csv), both sexes, ages 0-103.
{
	echo '年份,性别,年龄,死亡率'
	grep '^1930,' "$(dirname "$0")/../r/data/slopop.csv"
} | iconv -f UTF-8 -t GB18030 >"$WORK/slo1930.csv"
expect_status 0 "a life table with Chinese headings" "$F" import life-tables "$WORK/slo1930.csv"
expect_output "every cell stored" 'whole: 208 rows, 208 stored$'
expect_equal "under the file's name" "slo1930 208" "$(sql "SELECT name || ' ' || count(*) FROM life_table GROUP BY name")"
expect_status 0 "imported again under that name" "$F" import life-tables "$WORK/slo1930.csv" --source slo1930
expect_equal "replaced, not doubled" "208" "$(sql "SELECT count(*) FROM life_table")"
iconv -f GB18030 -t UTF-8 "$WORK/slo1930.csv" | sed 3d >"$WORK/gap.csv"
expect_status 1 "a life table with a missing age" "$F" import life-tables "$WORK/gap.csv" --source gap
expect_output "is refused naming the cell" 'life table ".*gap.csv" lacks year 1930, sex 1, age 1'
expect_equal "and not stored" "0" "$(sql "SELECT count(*) FROM life_table WHERE name = 'gap'")"
iconv -f GB18030 -t UTF-8 "$WORK/slo1930.csv" | sed '5s/^1930,1,/1930,3,/; 3i\\' >"$WORK/sex.csv"
expect_status 1 "a life table with a bad sex after a blank line" "$F" import life-tables "$WORK/sex.csv" --source sex
expect_output "names the file's own line" 'sex.csv, line 6: invalid sex "3"'
