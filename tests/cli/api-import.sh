#!/usr/bin/env bash
# tests/cli/api-import.sh: POST /api/import/persons within the caller's scope.  A community
# centre imports persons for itself only: a row naming another institution, by id or USCC,
# is refused naming the field and its value, and with it the whole file; its own USCC is
# accepted.  The cancer centre imports for any institution.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/api.sh"

city 300
server_start
TC=$(token scr10 "$(new_user 10 scr10 screening)")
TR=$(token reg1 "$(new_user 1 reg1 registry)")
upload() { http POST "/api/import/persons$3" -H "Authorization: Bearer $1" -H 'Content-Type: text/csv' --data-binary @"$2"; }
USCC2=$(sql "SELECT uscc FROM institution WHERE id = 2")
USCC10=$(sql "SELECT uscc FROM institution WHERE id = 10")
persons() { sql "SELECT count(*) FROM person WHERE name LIKE '导入%'"; }

printf 'source_key,name,sex,birth_date,institution\nA1,导入甲,1,1980-01-01,\nA2,导入乙,2,1981-02-02,2\nA3,导入丙,1,1982-03-03,%s\nA4,导入丁,2,1983-04-04,%s\n' \
	"$USCC2" "$USCC10" >"$WORK/mixed.csv"
expect_equal "a community centre's file naming other institutions is refused" 422 "$(upload "$TC" "$WORK/mixed.csv")"
expect_body "  row 2 names institution 2" '"row":2,"line":3,"field":"institution","value":"2","reason":"cannot import records of institution \\"2\\""'
expect_body "  row 3 names it by its USCC" "\"row\":3,\"line\":4,\"field\":\"institution\",\"value\":\"$USCC2\""
expect_body "  two rows refused" '"problem_count":2,'
expect_equal "  nothing is stored" 0 "$(persons)"
expect_equal "with skip_bad_rows, the rows of its own are imported" 200 "$(upload "$TC" "$WORK/mixed.csv" '?skip_bad_rows=1')"
expect_body "  two rows inserted, two refused" '"inserted":2,.*"rejected":2'
expect_equal "  both owned by the centre itself (its own USCC accepted)" "10 10" \
	"$(sql "SELECT institution_id FROM person WHERE name IN ('导入甲', '导入丁') ORDER BY name" | xargs)"
printf 'source_key,name,sex,birth_date,institution\nB1,导入戊,1,1984-05-05,2\n' >"$WORK/other.csv"
expect_equal "the cancer centre imports for another institution" 200 "$(upload "$TR" "$WORK/other.csv")"
expect_equal "  owned by it" 2 "$(sql "SELECT institution_id FROM person WHERE name = '导入戊'")"
server_stop
