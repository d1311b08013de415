#!/usr/bin/env bash
# tests/cli/import.sh: fangai import end to end -- encodings and headings, idempotent
# re-import, and an import killed midway (SIGKILL) then run again: nothing lost or doubled.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/import.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --quiet >/dev/null
tap $? "a database with the demo city's institutions"

# 20,000 distinct residents, with English headings.
"$F" link synth --persons 20000 --duplicates 0 --seed 11 | cut -d, -f1,3-8 >"$WORK/p.csv"
rows=20000

# GBK with Chinese headings and a byte-order mark in UTF-8: the same records.
head -n 301 "$WORK/p.csv" | sed '1s/.*/编号,身份证号码,姓名,性别,出生日期,联系电话,现住址/' |
	iconv -f UTF-8 -t GBK >"$WORK/gbk.csv"
{ printf '\357\273\277'; head -n 301 "$WORK/p.csv" | sed '1s/.*/编号,身份证号码,姓名,性别,出生日期,联系电话,现住址/'; } >"$WORK/bom.csv"
expect_status 0 "GBK file imported" "$F" import persons "$WORK/gbk.csv" --institution 1 --source his
expect_output "GBK detected" '^imported .*gbk.csv \(GB18030\) into batch [0-9]+: 300 rows, 300 inserted'
expect_status 0 "the same records in UTF-8 with a BOM" "$F" import persons "$WORK/bom.csv" --institution 1 --source his
expect_output "recognised by their source keys" '\(UTF-8\) into batch [0-9]+: 300 rows, 0 inserted, 0 matched by ID number, 0 updated, 300 unchanged'
expect_equal "names decoded from GBK" "$(sed -n 2p "$WORK/p.csv" | cut -d, -f3)" \
	"$(sql "SELECT name FROM person WHERE id = 1")"
expect_status 1 "GBK read as UTF-8 by force finds no headings" \
	"$F" import persons "$WORK/gbk.csv" --institution 1 --encoding UTF-8 --source x
expect_output "and says so" 'no column of ".*gbk.csv" gives the name'
printf 'name,sex,birth_date\n\345\274\240\377,1,1990-01-01\n' >"$WORK/bad.csv"
expect_status 2 "undecodable bytes are refused" "$F" import persons "$WORK/bad.csv" --institution 1 --encoding GBK
expect_output "naming the byte offset" 'invalid GBK byte sequence in ".*bad.csv" at byte 22'

# Kill an import midway, then run it again.
kill_midway "file_name LIKE '%p.csv'" 2000 $rows \
	"$F" import persons "$WORK/p.csv" --institution 1 --source his --batch-rows 500 --quiet
tap $? "the import was killed midway ($state)"
expect_equal "what was committed matches the resume point" "${state#running }" "$(sql "SELECT count(*) FROM person")"

expect_status 0 "run again" "$F" import persons "$WORK/p.csv" --institution 1 --source his --batch-rows 500 --quiet
expect_output "it resumed" "\(resumed\): $rows rows, $((rows - 300)) inserted, 0 matched by ID number, 0 updated, 300 unchanged, 0 refused"
expect_equal "every row arrived once" "$rows" "$(sql "SELECT count(*) FROM person")"
expect_equal "no ID number twice" "$rows" "$(sql "SELECT count(DISTINCT id_number) FROM person")"
expect_equal "one source record per row" "$rows" "$(sql "SELECT count(*) FROM source_record WHERE source = 'his'")"
expect_equal "the batch is done" "done $rows" "$(sql "SELECT state || ' ' || rows_done FROM import_batch WHERE file_name LIKE '%p.csv'")"

expect_status 0 "import the finished file again" "$F" import persons "$WORK/p.csv" --institution 1 --source his --quiet
expect_output "nothing changes" "into batch [0-9]+: $rows rows, 0 inserted, 0 matched by ID number, 0 updated, $rows unchanged"
expect_equal "still no duplicates" "$rows" "$(sql "SELECT count(*) FROM person")"

# Death records, linked to persons by ID number.
id1=$(sed -n 2p "$WORK/p.csv" | cut -d, -f2)
printf '死亡证编号,身份证号码,姓名,性别,死亡日期,根本死因编码\nD1,%s,某人,1,2026-01-02,C34.1\nD2,,无名,2,2026-01-03,C3\nD3,,李四,1,2026-01-04,I21\n' "$id1" >"$WORK/deaths.csv"
expect_status 0 "death records imported, bad rows skipped" "$F" import deaths "$WORK/deaths.csv" --institution 1 --skip-bad-rows
expect_output "the bad ICD-10 code is reported" '^2,3,cause_icd10,C3,"invalid ICD-10 code ""C3""",'
expect_equal "the death with a registered ID number is linked" "1" \
	"$(sql "SELECT count(*) FROM death_record WHERE person_id IS NOT NULL")"
