#!/usr/bin/env bash
# tests/cli/stats-output.sh: registry tables written as Excel workbooks, and
# charts of age-specific rates and trends as SVG.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/xlsx.sh"
C="$(cd "$(dirname "$0")/../cases" && pwd)"

expect_status 0 "stats rates --format xlsx writes a workbook" \
	"$F" stats rates --cases "$C/rates/cases.csv" --population "$C/rates/pop.csv" --by site,sex \
	--format xlsx --output "$WORK/rates.xlsx"
unzip -p "$WORK/rates.xlsx" xl/workbook.xml >"$WORK/book.xml" 2>/dev/null
grep -q '<sheet name="rates"' "$WORK/book.xml"
tap $? "the workbook has a sheet named rates"
xlsx_rows "$WORK/rates.xlsx" 1 >"$WORK/rates.rows"
head -n 1 "$WORK/rates.rows" | grep -q 'asr_china2000' && grep -q 'Trachea, bronchus and lung' "$WORK/rates.rows"
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

expect_status 0 "stats rates --age-specific --format svg draws a chart" \
	"$F" stats rates --cases "$C/rates/cases.csv" --population "$C/rates/pop.csv" --by sex \
	--age-specific --format svg --output "$WORK/age.svg"
expect_equal "one colour of line per sex" 2 \
	"$(grep -o '<polyline fill="none" stroke="#[0-9A-F]*"' "$WORK/age.svg" | sort -u | wc -l)"
# men have no case at 75-79: their line breaks there (a rate of 0 has no place on a log axis)
expect_equal "a rate of 0 breaks the line" 3 "$(grep -c '<polyline' "$WORK/age.svg")"
grep -q '>male</text>' "$WORK/age.svg" && grep -q '>85+</text>' "$WORK/age.svg"
tap $? "the legend names the strata and the axis the age groups"
# men: 1 case in 20,000 at 60-64 ... 70-74 = 5 per 100,000, on a log axis from 1 to 10
grep -q '>1</text>' "$WORK/age.svg" && grep -q '>10</text>' "$WORK/age.svg"
tap $? "the log axis spans the decades of the rates"

"$F" stats rates --cases "$C/rates/cases-gap.csv" --population "$C/rates/pop-3years.csv" --eapc \
	--format svg >"$WORK/trend.svg" 2>"$WORK/err"
tap $? "stats rates --eapc --format svg draws the trend to stdout"
expect_equal "the ASR by year and its fitted trend" 2 "$(grep -c '<polyline' "$WORK/trend.svg")"
grep -q 'stroke-dasharray' "$WORK/trend.svg" && grep -q '>2021</text>' "$WORK/trend.svg"
tap $? "the trend is dashed, the years on the axis"
if command -v xmllint >/dev/null; then
	xmllint --noout "$WORK/age.svg" "$WORK/trend.svg" 2>/dev/null
	tap $? "the charts are well-formed XML"
fi

expect_status 2 "a summary table has no chart" \
	"$F" stats rates --cases "$C/rates/cases.csv" --population "$C/rates/pop.csv" --format svg
expect_output "the error says which tables have charts" 'svg charts are drawn of --age-specific or --eapc'
