#!/usr/bin/env bash
# tests/cli/api-import.sh: POST /api/import/{kind} within the caller's scope.  A community
# centre imports persons for itself only: a row naming another institution, by id or USCC,
# is refused naming the field and its value, and with it the whole file; its own USCC is
# accepted.  The cancer centre imports for any institution, and imports the other kinds
# (tumours naming persons of the same source, populations, life tables by name), which a
# community centre may not; the stored rows are what "fangai import" stores.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/api.sh"
. "$(dirname "$0")/../lib/population.sh"

city 300
server_start
TC=$(token scr10 "$(new_user 10 scr10 screening)")
TR=$(token reg1 "$(new_user 1 reg1 registry)")
# upload TOKEN KIND FILE [QUERY]: the status; the reply in $WORK/body.
upload() { http POST "/api/import/$2$4" -H "Authorization: Bearer $1" -H 'Content-Type: text/csv' --data-binary @"$3"; }
USCC2=$(sql "SELECT uscc FROM institution WHERE id = 2")
USCC10=$(sql "SELECT uscc FROM institution WHERE id = 10")
persons() { sql "SELECT count(*) FROM person WHERE name LIKE '导入%'"; }

printf 'source_key,name,sex,birth_date,institution\nA1,导入甲,1,1980-01-01,\nA2,导入乙,2,1981-02-02,2\nA3,导入丙,1,1982-03-03,%s\nA4,导入丁,2,1983-04-04,%s\n' \
	"$USCC2" "$USCC10" >"$WORK/mixed.csv"
expect_equal "a community centre's file naming other institutions is refused" 422 "$(upload "$TC" persons "$WORK/mixed.csv")"
expect_body "  row 2 names institution 2" '"row":2,"line":3,"field":"institution","value":"2","reason":"cannot import records of institution \\"2\\""'
expect_body "  row 3 names it by its USCC" "\"row\":3,\"line\":4,\"field\":\"institution\",\"value\":\"$USCC2\""
expect_body "  two rows refused" '"problem_count":2,'
expect_equal "  nothing is stored" 0 "$(persons)"
expect_equal "with skip_bad_rows, the rows of its own are imported" 200 "$(upload "$TC" persons "$WORK/mixed.csv" '?skip_bad_rows=1')"
expect_body "  two rows inserted, two refused" '"inserted":2,.*"rejected":2'
expect_equal "  both owned by the centre itself (its own USCC accepted)" "10 10" \
	"$(sql "SELECT institution_id FROM person WHERE name IN ('导入甲', '导入丁') ORDER BY name" | xargs)"
printf 'source_key,name,sex,birth_date,institution\nB1,导入戊,1,1984-05-05,2\n' >"$WORK/other.csv"
expect_equal "the cancer centre imports for another institution" 200 "$(upload "$TR" persons "$WORK/other.csv")"
expect_equal "  owned by it" 2 "$(sql "SELECT institution_id FROM person WHERE name = '导入戊'")"

# The other kinds: the cancer centre's.
printf '%s\n' '报告卡编号,病案号,诊断日期,部位编码,形态学编码,诊断依据' 'K1,B1,2025-03-02,C34.1,8140/3,7' \
	'K2,B9,2025-04-01,C16.9,8140/3,7' >"$WORK/tumours.csv"
expect_equal "a community centre may not import tumours" 403 "$(upload "$TC" tumours "$WORK/tumours.csv" '?source=web-upload')"
expect_body "  naming kind" '"field":"kind"'
expect_equal "  the refusal audited" 1 "$(audited import import/tumours denied)"
expect_equal "the cancer centre's tumours naming an unknown person key are refused" 422 "$(upload "$TR" tumours "$WORK/tumours.csv")"
expect_body "  naming the key" '"row":2,"line":3,"field":"person_key","value":"B9"'
expect_equal "  nothing is stored" 0 "$(sql "SELECT count(*) FROM tumour")"
expect_equal "the good row with skip_bad_rows" 200 "$(upload "$TR" tumours "$WORK/tumours.csv" '?skip_bad_rows=1')"
expect_equal "  the tumour of the person imported with key B1 from the same source" "C34.1 8140/3 2" \
	"$(sql "SELECT t.topography || ' ' || t.morphology || '/' || t.behaviour || ' ' || p.institution_id FROM tumour t JOIN person p ON p.id = t.person_id")"
expect_equal "  audited with its rows" 1 "$(audited import 'import/tumours?rows=2&rejected=1')"
population_csv 2025 >"$WORK/pop.csv"
expect_equal "the population of 2025" 200 "$(upload "$TR" populations "$WORK/pop.csv")"
expect_equal "  stored whole" "$(($(wc -l <"$WORK/pop.csv") - 1))" "$(sql "SELECT count(*) FROM population WHERE year = 2025")"
expect_equal "exported" 200 "$(http GET /api/export/populations -H "Authorization: Bearer $TR")"
sed 's/,2025,/,2031,/' "$WORK/body" >"$WORK/pop2031.csv"
expect_equal "  and imported again as another year: an export reads back" 200 "$(upload "$TR" populations "$WORK/pop2031.csv")"
expect_equal "  the same cells" "$(sql "SELECT sum(count) FROM population WHERE year = 2025")" \
	"$(sql "SELECT sum(count) FROM population WHERE year = 2031")"
sed '3s/,[0-9]*$/,-3/' "$WORK/pop.csv" >"$WORK/bad-pop.csv"
expect_equal "a population file with a bad count is refused" 422 "$(upload "$TR" populations "$WORK/bad-pop.csv")"
expect_body "  naming the row and the uploaded file" '"row":2,"line":3,"field":"population","value":"","reason":"invalid population \\"-3\\" at line 3 of \\"the uploaded file\\""'
grep -q 'fangai-upload' "$WORK/body"; expect_equal "  never its temporary path" 1 "$?"
# A death record uploaded, then linked: the person recorded dead, a DCO tumour for the cancer.
IFS='|' read -r dnum dname dsex dbirth dperson < <(sql "SELECT id_number, name, sex, birth_date, id FROM person
	WHERE id_number IS NOT NULL AND vital_status = 'alive' AND id NOT IN (SELECT person_id FROM tumour) ORDER BY id LIMIT 1")
printf 'source_key,id_number,name,sex,birth_date,death_date,cause_icd10\nD1,%s,%s,%s,%s,2026-05-01,C34.9\n' \
	"$dnum" "$dname" "$dsex" "$dbirth" >"$WORK/deaths.csv"
expect_equal "the cancer centre uploads a death record" 200 "$(upload "$TR" deaths "$WORK/deaths.csv")"
expect_equal "  linked to its person by ID number as it is stored" "$dperson" \
	"$(sql "SELECT person_id FROM death_record WHERE id_number = '$dnum'")"
expect_equal "a community centre may not link death records" 403 "$(http POST /api/deaths/link -H "Authorization: Bearer $TC")"
expect_equal "the cancer centre links them" 200 "$(http POST /api/deaths/link -H "Authorization: Bearer $TR")"
expect_body "  the person recorded dead, a DCO tumour made for the cancer death" \
	'"persons_recorded_dead":1,"cancer_deaths_without_tumour":1,"dco_tumours":1,"dco_refused":0'
expect_equal "  the person is dead" "dead 2026-05-01" "$(sql "SELECT vital_status || ' ' || death_date FROM person WHERE id = $dperson")"
expect_equal "  with a DCO tumour (basis 0)" "C34.9 0" "$(sql "SELECT topography || ' ' || basis FROM tumour WHERE person_id = $dperson")"
expect_equal "  audited" 1 "$(audited link-deaths 'deaths?linked=0&dead=1&dco=1')"
expect_equal "linked again, nothing changes" 200 "$(http POST /api/deaths/link -H "Authorization: Bearer $TR")"
expect_body "  nothing done twice" '"persons_recorded_dead":0,"cancer_deaths_without_tumour":0,"dco_tumours":0,'

# relsurv's Slovene population of 1930 (tests/r/data/slopop.csv), both sexes, ages 0-103.
{ echo '年份,性别,年龄,死亡率'; grep '^1930,' "$(dirname "$0")/../r/data/slopop.csv"; } >"$WORK/lt.csv"
expect_equal "a life table needs its name" 400 "$(upload "$TR" life-tables "$WORK/lt.csv")"
expect_body "  naming source" '"field":"source"'
expect_equal "a life table named slo1930" 200 "$(upload "$TR" life-tables "$WORK/lt.csv" '?source=slo1930')"
expect_equal "  every cell stored under its name" "slo1930 208" \
	"$(sql "SELECT name || ' ' || count(*) FROM life_table WHERE name = 'slo1930' GROUP BY name")"
expect_equal "an unknown kind is 404" 404 "$(http POST /api/import/patients -H "Authorization: Bearer $TR" \
	-H 'Content-Type: text/csv' --data-binary @"$WORK/lt.csv")"
expect_body "  naming kind" '"field":"kind"'
server_stop
