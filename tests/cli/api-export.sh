#!/usr/bin/env bash
# tests/cli/api-export.sh: GET /api/export/{list} -- the registry's lists as CSV or an
# Excel workbook over the API, the same rows as "fangai export" writes, within the caller's
# scope: a community centre exports what it owns, the cancer centre everything and the
# registry workbook (ncc); ID and phone numbers masked unless unmasking is asked and allowed;
# bad arguments refused naming them; every export audited with its rows.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/api.sh"
. "$(dirname "$0")/../lib/xlsx.sh"

"$F" init >/dev/null && "$F" synth --persons 3000 --registry --quiet >/dev/null
tap $? "a synthetic city with registry data"
server_start
TR=$(token reg1 "$(new_user 1 reg1 registry)")
TS=$(token scr10 "$(new_user 10 scr10 screening)")
TF=$(token fu10 "$(new_user 10 fu10 followup)")
# get TOKEN PATH: the status; body in $WORK/body, headers in $WORK/headers.
get() { http GET "$2" -H "Authorization: Bearer $1" -D "$WORK/headers"; }
header() { grep -i "^$1:" "$WORK/headers" | cut -d' ' -f2- | tr -d '\r'; }

"$F" export persons >"$WORK/cli-persons.csv"
expect_equal "the cancer centre's export of persons, unmasked" 200 "$(get "$TR" '/api/export/persons?unmask=1')"
expect_equal "  is CSV" "text/csv; charset=utf-8" "$(header Content-Type)"
expect_equal "  to save as persons.csv" 'attachment; filename="persons.csv"' "$(header Content-Disposition)"
cmp -s "$WORK/body" "$WORK/cli-persons.csv"; tap $? "  byte for byte what fangai export persons writes"
expect_equal "  audited as unmasked, with its rows" 1 \
	"$(audited export-unmasked "export/persons?district=&rows=$(sql "SELECT count(*) FROM person WHERE merged_into IS NULL")")"

expect_equal "masked by default" 200 "$(get "$TR" /api/export/persons)"
expect_equal "  the same rows" "$(wc -l <"$WORK/cli-persons.csv")" "$(wc -l <"$WORK/body")"
awk -F, 'NR > 1 && $5 != "" && $5 !~ /^[0-9][0-9][0-9]\*+[0-9][0-9][0-9][0-9X]$/ { bad++ }
	NR > 1 && $9 != "" && $9 !~ /^[0-9][0-9][0-9]\*+[0-9][0-9][0-9][0-9]$/ { bad++ }
	END { exit bad > 0 }' "$WORK/body"
tap $? "  every ID number and phone number masked"
expect_equal "  the other columns as they are" "$(cut -d, -f1-4,6-8,10- "$WORK/cli-persons.csv")" \
	"$(cut -d, -f1-4,6-8,10- "$WORK/body")"

expect_equal "a community centre exports its persons" 200 "$(get "$TS" /api/export/persons)"
expect_equal "  only its own" "$(sql "SELECT count(*) FROM person WHERE institution_id = 10 AND merged_into IS NULL") 10" \
	"$(tail -n +2 "$WORK/body" | wc -l) $(tail -n +2 "$WORK/body" | cut -d, -f3 | sort -u | xargs)"
expect_equal "not another institution's" 403 "$(get "$TS" '/api/export/persons?institution=11')"
expect_body "  naming institution" '"field":"institution"'
expect_equal "a screening role may not unmask" 403 "$(get "$TS" '/api/export/persons?unmask=1')"
expect_body "  naming unmask" '"field":"unmask"'
expect_equal "follow-up staff may" 200 "$(get "$TF" '/api/export/tumours?unmask=1')"
expect_equal "  the tumours of their institution only" \
	"$(sql "SELECT count(*) FROM tumour WHERE institution_id = 10")" "$(tail -n +2 "$WORK/body" | wc -l)"
expect_equal "the cancer centre narrows to one institution" 200 "$(get "$TR" '/api/export/treatments?institution=2')"
expect_equal "  its treatments" "$(sql "SELECT count(*) FROM treatment WHERE institution_id = 2")" \
	"$(tail -n +2 "$WORK/body" | wc -l)"
expect_equal "and to a district" 200 "$(get "$TR" '/api/export/deaths?district=440106')"
expect_equal "  its death records" "$(sql "SELECT count(*) FROM death_record WHERE district = '440106'")" \
	"$(tail -n +2 "$WORK/body" | wc -l)"

expect_equal "persons as an Excel workbook" 200 "$(get "$TR" '/api/export/persons?format=xlsx&unmask=1')"
expect_equal "  an xlsx file to save as persons.xlsx" \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet attachment; filename=\"persons.xlsx\"" \
	"$(header Content-Type) $(header Content-Disposition)"
cp "$WORK/body" "$WORK/api-persons.xlsx"
expect_equal "  its sheet persons holds the rows of the CSV" \
	"$(echo persons; tr ',' '|' <"$WORK/cli-persons.csv" | sed 's/|*$//')" \
	"$(xlsx_sheets "$WORK/api-persons.xlsx"; xlsx_rows "$WORK/api-persons.xlsx" 1 | sed 's/|*$//')"

year=$(sql "SELECT max(year) FROM population")
"$F" export ncc --year "$year" --output "$WORK/cli-ncc.xlsx"
expect_equal "the registry workbook of $year" 200 "$(get "$TR" "/api/export/ncc?year=$year")"
expect_equal "  to save as ncc-$year.xlsx" "attachment; filename=\"ncc-$year.xlsx\"" "$(header Content-Disposition)"
cp "$WORK/body" "$WORK/api-ncc.xlsx"
for n in 1 2 3; do
	expect_equal "  sheet $n as fangai export ncc writes it" "$(xlsx_rows "$WORK/cli-ncc.xlsx" $n)" \
		"$(xlsx_rows "$WORK/api-ncc.xlsx" $n)"
done
expect_equal "is the cancer centre's alone" 403 "$(get "$TS" "/api/export/ncc?year=$year")"
expect_equal "  the refusal audited" 1 "$(audited export export/ncc denied)"
expect_equal "needs a year" 400 "$(get "$TR" /api/export/ncc)"
expect_body "  naming year" '"field":"year"'

expect_equal "an unknown list is 404" 404 "$(get "$TR" /api/export/patients)"
expect_body "  naming list" '"field":"list"'
expect_equal "a district that is no code prefix is 400" 400 "$(get "$TR" '/api/export/persons?district=44%25')"
expect_body "  naming district" '"field":"district"'
expect_equal "an unknown format is 400" 400 "$(get "$TR" '/api/export/persons?format=pdf')"
expect_body "  naming format" '"field":"format"'
expect_equal "without a session, 401" 401 "$(http GET /api/export/persons)"
server_stop
