#!/usr/bin/env bash
# tests/cli/import-clinical.sh: fangai import of tumours and treatments -- Chinese headings,
# GB18030, references to persons and tumours by their keys in the same source, every row
# checked by the registry's own rules (IARC/IACR checks, treatment dates), all or nothing,
# and idempotent re-import.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/xlsx.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --quiet >/dev/null
tap $? "a database with the demo city's institutions"

printf '病案号,身份证号码,姓名,性别,出生日期\nH1,440103197704270200,闫秀芳,2,1977-04-27\nH2,,张伟,1,1960-05-01\n' >"$WORK/p.csv"
expect_status 0 "two persons from the hospital system" "$F" import persons "$WORK/p.csv" --institution 1 --source his

# Row 3 names a person the source never sent; row 5 is diagnosed in the future.
printf '%s\n' '报告卡编号,病案号,诊断日期,部位编码,形态学编码,诊断依据,T分期,N分期,M分期' \
	'K1,H1,2025-03-02,C50.4,8500/3,7,T2,N0,M0' 'K2,H2,2025-04-01,C34.1,8140/3,7,,,' \
	'K3,H9,2025-04-01,C34.1,8140/3,7,,,' 'K4,H2,2025-04-01,C61.9,8140/3,7,,,' \
	'K5,H1,2030-01-01,C18.7,8140/3,7,,,' >"$WORK/t.csv"
expect_status 1 "a tumour file with bad rows is refused whole" "$F" import tumours "$WORK/t.csv" --institution 1 --source his
expect_output "the unknown person key is reported" '^3,4,person_key,H9,"no person was imported from source ""his"" with key ""H9""",$'
expect_output "the future incidence date is reported by the IARC/IACR check" '^5,6,incidence_date,2030-01-01,incidence date 2030-01-01 is in the future,'
expect_equal "nothing was stored" "0" "$(sql "SELECT count(*) FROM tumour")"

expect_status 0 "the good rows with --skip-bad-rows" "$F" import tumours "$WORK/t.csv" --institution 1 --source his --skip-bad-rows
expect_output "three stored, two refused" 'into batch [0-9]+: 5 rows, 3 inserted, 0 matched by ID number, 0 updated, 0 unchanged, 2 refused'
expect_equal "linked to the persons of their keys, coded and staged (AJCC 8th: T2 N0 M0 breast is IIA)" \
	"H1 C504 IIA|H2 C341 |H2 C61 " \
	"$(sql "SELECT s.source_key || ' ' || t.icd10 || ' ' || coalesce(t.stage, '')
		FROM tumour t JOIN source_record s ON s.kind = 'persons' AND s.target_id = t.person_id ORDER BY t.id" | paste -sd'|')"
expect_status 0 "imported again" "$F" import tumours "$WORK/t.csv" --institution 1 --source his --skip-bad-rows
expect_output "nothing doubled" '5 rows, 0 inserted, 0 matched by ID number, 0 updated, 3 unchanged, 2 refused'
expect_equal "still three tumours" "3" "$(sql "SELECT count(*) FROM tumour")"
sed 's/^K2,H2,2025-04-01/K2,H2,2025-04-02/' "$WORK/t.csv" >"$WORK/t2.csv"
expect_status 0 "a changed tumour row" "$F" import tumours "$WORK/t2.csv" --institution 1 --source his --skip-bad-rows
expect_output "is refused, not rewritten" '^2,3,source_key,K2,"tumour [0-9]+ imported from record ""K2"" has changed since"'

# The same primary twice in one file: the check stores each accepted row until it ends.
printf '%s\n' '报告卡编号,病案号,诊断日期,部位编码,形态学编码,诊断依据' 'K7,H1,2025-05-01,C18.7,8140/3,7' \
	'K8,H1,2025-05-02,C18.7,8140/3,7' >"$WORK/twice.csv"
expect_status 1 "a file repeating a primary tumour is refused whole" "$F" import tumours "$WORK/twice.csv" --institution 1 --source his
expect_output "the repeat is reported in the check" '^2,3,'
expect_equal "nothing of it stored" "3" "$(sql "SELECT count(*) FROM tumour")"

# One key twice with other values: which row the source means cannot be told.
printf '%s\n' '报告卡编号,病案号,诊断日期,部位编码,形态学编码,诊断依据' 'K10,H2,2025-06-01,C16.2,8140/3,7' \
	'K10,H2,2025-06-01,C16.3,8140/3,7' >"$WORK/rekey.csv"
expect_status 1 "a tumour file repeating a key with other values is refused whole" "$F" import tumours "$WORK/rekey.csv" --institution 1 --source his
expect_output "the repeat is reported" '^2,3,source_key,K10,"source key ""K10"" is repeated with other values",'
expect_equal "nothing of it stored" "3" "$(sql "SELECT count(*) FROM tumour")"
expect_status 0 "with --skip-bad-rows" "$F" import tumours "$WORK/rekey.csv" --institution 1 --source his --skip-bad-rows
expect_output "the first row is stored and the repeat refused, not written over it" \
	'^2,3,source_key,K10,"source key ""K10"" is repeated with other values",'
expect_equal "one tumour, with the first row's site" "4 C162" \
	"$(sql "SELECT count(*) || ' ' || max(CASE WHEN t.id = s.target_id THEN t.icd10 END) FROM tumour t, source_record s WHERE s.source_key = 'K10'")"

# Treatments in GB18030, naming their tumours by report card number.
printf '%s\n' '治疗编号,报告卡编号,治疗方式,治疗开始日期,治疗结束日期' 'R1,K1,surgery,2025-03-20,' \
	'R2,K1,chemotherapy,2025-04-10,2025-08-01' 'R3,K2,手术,2025-04-20,' 'R4,K9,surgery,2025-04-20,' \
	'R5,K2,radiotherapy,2025-01-01,' | iconv -f UTF-8 -t GB18030 >"$WORK/r.csv"
expect_status 0 "treatments from a GB18030 file" "$F" import treatments "$WORK/r.csv" --source his --skip-bad-rows
expect_output "detected" '^imported .*r.csv \(GB18030\) into batch [0-9]+: 5 rows, 2 inserted, 0 matched by ID number, 0 updated, 0 unchanged, 3 refused'
expect_output "an unknown kind of treatment" '^3,4,kind,手术,"invalid treatment kind ""手术""",'
expect_output "an unknown tumour key" '^4,5,tumour_key,K9,"no tumour was imported from source ""his"" with key ""K9""",'
expect_output "a start before the incidence date" '^5,6,start_date,2025-01-01,treatment start 2025-01-01 is before the incidence date 2025-04-01,'
expect_equal "the treatments stored, on the breast tumour" "surgery 2025-03-20|chemotherapy 2025-04-10" \
	"$(sql "SELECT kind || ' ' || start_date FROM treatment ORDER BY id" | paste -sd'|')"

# Export: CanReg5's standard variables, CSV streamed, a workbook.
expect_status 0 "tumours exported in CanReg5's layout" "$F" export canreg5
expect_output "dates yyyyMMdd, topography three digits, age at incidence, sequence" \
	'^1,10001,闫秀芳,,2,19770427,47,20250302,504,8500,3,9,7,C504,IIA,440106,1,1,1$'
expect_output "the second primary of a person" '^2,20002,张伟,,1,19600501,64,20250401,619,8140,3,9,7,C61,,440106,1,2,1$'
expect_status 0 "treatments as CSV" "$F" export treatments --district 4401
expect_equal "a header and two rows" "3" "$(wc -l <"$WORK/out")"
expect_status 0 "no rows outside the district" "$F" export treatments --district 4402
expect_equal "the header only" "1" "$(wc -l <"$WORK/out")"
expect_status 0 "persons as an Excel workbook" "$F" export persons --format xlsx --output "$WORK/p.xlsx"
expect_equal "a zip container holding the sheet" "PK" "$(head -c 2 "$WORK/p.xlsx")"
expect_output "saying how many rows it holds" "^exported persons: $(sql "SELECT count(*) FROM person WHERE merged_into IS NULL") rows to .*p.xlsx$"
"$F" export persons >"$WORK/p.csv"
expect_equal "the workbook's one sheet, persons, holds what the CSV holds (empty cells at the end aside)" \
	"$(echo persons; tr ',' '|' <"$WORK/p.csv" | sed 's/|*$//')" \
	"$(xlsx_sheets "$WORK/p.xlsx"; xlsx_rows "$WORK/p.xlsx" 1 | sed 's/|*$//')"
expect_status 0 "treatments of the institution that owns them" "$F" export treatments --institution 1
expect_equal "both" "3" "$(wc -l <"$WORK/out")"
expect_status 0 "treatments of another institution" "$F" export treatments --institution 2
expect_equal "none" "1" "$(wc -l <"$WORK/out")"
expect_status 1 "an unknown institution" "$F" export treatments --institution 99
expect_output "is named" 'institution "99" does not exist'
expect_status 1 "a district that is no code prefix" "$F" export treatments --district 44%
expect_output "is named" '^  field: district$'
expect_equal "  and nothing is written" 0 "$(wc -c <"$WORK/out")"
expect_status 2 "an unknown list" "$F" export nope
