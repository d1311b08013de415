#!/usr/bin/env bash
# tests/cli/stats-xlsx.sh: registry tables written as Excel workbooks.
. "$(dirname "$0")/../lib/tap.sh"
C="$(cd "$(dirname "$0")/../cases" && pwd)"

expect_status 0 "stats rates --format xlsx writes a workbook" \
	"$F" stats rates --cases "$C/rates/cases.csv" --population "$C/rates/pop.csv" --by site,sex \
	--format xlsx --output "$WORK/rates.xlsx"
unzip -p "$WORK/rates.xlsx" xl/workbook.xml >"$WORK/book.xml" 2>/dev/null
grep -q '<sheet name="rates"' "$WORK/book.xml"
tap $? "the workbook has a sheet named rates"
unzip -p "$WORK/rates.xlsx" xl/sharedStrings.xml >"$WORK/strings.xml" 2>/dev/null
grep -q 'asr_china2000' "$WORK/strings.xml" && grep -q 'Trachea, bronchus and lung' "$WORK/strings.xml"
tap $? "its header and site names are there"
unzip -p "$WORK/rates.xlsx" xl/worksheets/sheet1.xml >"$WORK/sheet.xml" 2>/dev/null
grep -q '<c r="E2"><v>380000</v></c>' "$WORK/sheet.xml"
tap $? "populations are numbers"
expect_equal "one row per stratum and the header" 10 "$(grep -o '<row ' "$WORK/sheet.xml" | wc -l)"

expect_status 0 "stats quality --format xlsx writes a workbook" \
	"$F" stats quality --tumours "$C/quality/tumours.csv" --format xlsx --output "$WORK/quality.xlsx"
unzip -p "$WORK/quality.xlsx" xl/workbook.xml 2>/dev/null | grep -q '<sheet name="quality"'
tap $? "the workbook has a sheet named quality"

expect_status 2 "xlsx without --output is a usage error" \
	"$F" stats quality --tumours "$C/quality/tumours.csv" --format xlsx
expect_output "the error asks for --output" 'needs --output FILE.xlsx'
