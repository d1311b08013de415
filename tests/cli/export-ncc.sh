#!/usr/bin/env bash
# tests/cli/export-ncc.sh: fangai export ncc -- the registry workbook of one year for the
# National Cancer Center, read back from the .xlsx (tests/lib/xlsx.sh) and
# checked cell by cell against counts made here in SQL from the tumours, death records and
# population of a synthetic city.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/xlsx.sh"

"$F" init >/dev/null && "$F" synth --persons 20000 --registry --quiet >/dev/null
tap $? "a synthetic city with ten years of registry data"

row() { grep "^$2|" "$1" | head -n 1; }	# the first row of a sheet file starting with $2

expect_status 0 "the workbook of 2024" "$F" export ncc --year 2024 --output "$WORK/ncc.xlsx"
expect_equal "three sheets: incidence, deaths, population" "incidence deaths population" \
	"$(xlsx_sheets "$WORK/ncc.xlsx" | xargs)"
xlsx_rows "$WORK/ncc.xlsx" 1 >"$WORK/incidence"
xlsx_rows "$WORK/ncc.xlsx" 2 >"$WORK/deaths"
xlsx_rows "$WORK/ncc.xlsx" 3 >"$WORK/population"
expect_equal "the header of the case sheets" \
	"code|site|site_zh|sex|total|0|1-4|5-9|10-14|15-19|20-24|25-29|30-34|35-39|40-44|45-49|50-54|55-59|60-64|65-69|70-74|75-79|80-84|85+|population|crude_rate" \
	"$(head -n 1 "$WORK/incidence")"
sites=$(grep -vc '^#' "$(dirname "$0")/../../data/registry/site-groups.csv")
expect_equal "a row per site group (with the totals) and sex (1, 2, both)" "$(((sites - 1) * 3 + 1))" \
	"$(wc -l <"$WORK/incidence")"

# Registry scope (C00-C97, D32-D33, D42-D43, D45-D47) and age groups 0, 1-4, 5-9 ... 85+, in SQL.
scope="(substr(%s, 1, 1) = 'C' OR substr(%s, 1, 3) IN ('D32','D33','D42','D43','D45','D46','D47'))"
age="(CAST(substr(%s, 1, 4) AS INTEGER) - CAST(substr(%s, 1, 4) AS INTEGER) - CASE WHEN substr(%s, 6, 5) < substr(%s, 6, 5) THEN 1 ELSE 0 END)"
group="CASE WHEN a = 0 THEN 0 WHEN a < 5 THEN 1 WHEN a >= 85 THEN 18 ELSE a / 5 + 1 END"
by_age() {	# a query of column a (age) -> the 19 counts, "|"-separated
	sql "WITH c AS ($1), g(k) AS (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),(16),(17),(18))
		SELECT group_concat(n, '|') FROM (SELECT g.k, (SELECT count(*) FROM c WHERE $group = g.k) AS n FROM g ORDER BY g.k)"
}
tum_scope=$(printf "$scope" t.icd10 t.icd10)
tum_age=$(printf "$age" t.incidence_date p.birth_date t.incidence_date p.birth_date)
tumours="SELECT $tum_age AS a FROM tumour t JOIN person p ON p.id = t.person_id
	WHERE t.incidence_date BETWEEN '2024-01-01' AND '2024-12-31' AND $tum_scope"
expect_equal "all sites, men: each age group as counted in SQL" \
	"$(by_age "$tumours AND p.sex = '1'")" "$(row "$WORK/incidence" 'ALL|All sites|所有部位合计|1' | cut -d'|' -f6-24)"
expect_equal "all sites, both sexes: the total" "$(sql "SELECT count(*) FROM ($tumours)")" \
	"$(row "$WORK/incidence" 'ALL|All sites|所有部位合计|0' | cut -d'|' -f5)"
expect_equal "lung, women: each age group" \
	"$(by_age "$tumours AND p.sex = '2' AND substr(t.icd10, 1, 3) IN ('C33', 'C34')")" \
	"$(row "$WORK/incidence" '10|Trachea, bronchus and lung|气管、支气管、肺|2' | cut -d'|' -f6-24)"

pop_total=$(sql "SELECT sum(count) FROM population WHERE year = 2024")
expect_equal "the population of both sexes beside the cases, and the crude rate per 100,000" \
	"$pop_total|$(sql "SELECT printf('%.2f', count(*) * 100000.0 / $pop_total) FROM ($tumours)")" \
	"$(row "$WORK/incidence" 'ALL|All sites|所有部位合计|0' | cut -d'|' -f25-26)"

death_scope=$(printf "$scope" d.cause_icd10 d.cause_icd10)
death_age=$(printf "$age" d.death_date b d.death_date b)
deaths="SELECT $death_age AS a FROM (SELECT d.*, coalesce(d.birth_date, p.birth_date) AS b FROM death_record d
	LEFT JOIN person p ON p.id = d.person_id) d WHERE d.death_date BETWEEN '2024-01-01' AND '2024-12-31' AND $death_scope"
expect_equal "deaths, all sites, women: each age group" \
	"$(by_age "$deaths AND d.sex = '2'")" "$(row "$WORK/deaths" 'ALL|All sites|所有部位合计|2' | cut -d'|' -f6-24)"
[ "$(sql "SELECT count(*) FROM ($deaths)")" -gt 0 ]
tap $? "the year has cancer deaths to count"

expect_equal "population: the header" "sex|total|0|1-4|5-9|10-14|15-19|20-24|25-29|30-34|35-39|40-44|45-49|50-54|55-59|60-64|65-69|70-74|75-79|80-84|85+" \
	"$(head -n 1 "$WORK/population")"
expect_equal "population of men by age group, as stored" \
	"$(sql "SELECT sum(count) FROM population WHERE year = 2024 AND sex = '1'")|$(sql "SELECT group_concat(n, '|') FROM
		(SELECT age_group, sum(count) AS n FROM population WHERE year = 2024 AND sex = '1' GROUP BY age_group ORDER BY age_group)")" \
	"$(row "$WORK/population" 1 | cut -d'|' -f2-)"
expect_equal "and of both sexes" "$pop_total" "$(row "$WORK/population" 0 | cut -d'|' -f2)"

D=$(sql "SELECT district FROM population ORDER BY district LIMIT 1")
expect_status 0 "the workbook of one district" "$F" export ncc --year 2024 --district "$D" --output "$WORK/d.xlsx"
xlsx_rows "$WORK/d.xlsx" 3 >"$WORK/dpop"
expect_equal "its population is the district's" \
	"$(sql "SELECT sum(count) FROM population WHERE year = 2024 AND district = '$D'")" "$(row "$WORK/dpop" 0 | cut -d'|' -f2)"
xlsx_rows "$WORK/d.xlsx" 1 >"$WORK/dinc"
expect_equal "and its cases the district's" \
	"$(sql "SELECT count(*) FROM ($tumours AND t.district = '$D')")" \
	"$(row "$WORK/dinc" 'ALL|All sites|所有部位合计|0' | cut -d'|' -f5)"

expect_status 2 "the year is required" "$F" export ncc --output "$WORK/x.xlsx"
expect_output "and named" 'export ncc needs --year YEAR'
expect_status 1 "a year without population is refused" "$F" export ncc --year 1990 --output "$WORK/x.xlsx"
expect_output "saying so" 'the database holds no population of year 1990'
