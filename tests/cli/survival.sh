# survival.sh: fangai survival on CSV files, end to end: the command's CSV
# output equals R's (tests/r/data, written by tests/r/survival-expected.R)
# to 1e-6, and bad input is refused naming file, line, field and value.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
D=$(cd "$(dirname "$0")/../r/data" && pwd)

# same_numbers NAME GOT.csv WANT.csv COLUMNS...: the named columns agree row by row to 1e-6.
same_numbers() {
	local name=$1 got=$2 want=$3
	shift 3
	if awk -F, -v cols="$*" '
		FNR == 1 && /^#/ { next }
		!seen[FILENAME]++ { for (i = 1; i <= NF; i++) idx[FILENAME, $i] = i; next }
		FILENAME == ARGV[1] { n1++; for (k in want_cols) a[n1, k] = $(idx[FILENAME, k]); next }
		{ n2++; for (k in want_cols) b[n2, k] = $(idx[FILENAME, k]) }
		BEGIN { split(cols, c, " "); for (i in c) want_cols[c[i]] = 1 }
		END {
			if (n1 != n2 || n1 == 0) { print "# rows: " n1 " vs " n2; exit 1 }
			for (r = 1; r <= n1; r++) for (k in want_cols) {
				x = a[r, k]; y = b[r, k]
				if (y == "NA") y = ""
				if (x == "" && y == "") continue
				d = x - y; if (d < 0) d = -d
				m = y < 0 ? -y : y; if (m < 1) m = 1
				if (x == "" || y == "" || d > 1e-6 * m) { print "# row " r " " k ": " x " vs " y; exit 1 }
			}
		}' "$got" "$want"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
	fi
}

"$F" survival km "$D/lung.csv" --time time --status status --event 2 --conf-type log-log \
	--format csv >"$WORK/km.csv"
tap $? "km on lung runs"
same_numbers "km with log-log bounds equals survfit" "$WORK/km.csv" "$D/km-lung-loglog.csv" \
	time n_risk n_event n_censor surv std_err lower upper

"$F" survival km "$D/lung.csv" --time time --status status --event 2 --by sex --format csv >"$WORK/sex.csv"
same_numbers "km by sex equals survfit ~ sex" "$WORK/sex.csv" "$D/km-lung-sex.csv" \
	group time n_risk n_event surv std_err lower upper

"$F" survival km "$D/lung.csv" --time time --status status --event 2 --at 0,100,183,365,500,730,1000 \
	--format csv >"$WORK/at.csv"
same_numbers "km --at equals summary(survfit, times)" "$WORK/at.csv" "$D/km-lung-at.csv" \
	time n_risk n_event surv std_err lower upper

"$F" survival km "$D/lung.csv" --time time --status status --event 2 --entry entry --format csv >"$WORK/entry.csv"
same_numbers "km with delayed entry equals survfit(Surv(entry, time, status))" "$WORK/entry.csv" \
	"$D/km-lung-entry.csv" time n_risk n_event surv std_err lower upper

# Period analysis: follow-up within the window only.  Patient a ended before it
# and is left out; b enters at day 214 and is censored at day 400; c is
# diagnosed within it and dies on day 50, when only c is at risk.
printf 'time,status,diag\n100,1,2020-01-01\n400,0,2020-06-01\n50,1,2021-03-01\n' >"$WORK/period.csv"
"$F" survival km "$WORK/period.csv" --time time --status status --period 2021-01-01,2021-12-31 \
	--diagnosed diag --format csv >"$WORK/out"
expect_equal "period analysis keeps the follow-up inside the window" "50,1,1,0,0;400,1,0,1,0;" \
	"$(awk -F, 'NR > 1 { printf "%s,%s,%s,%s,%s;", $1, $2, $3, $4, $5 }' "$WORK/out")"

"$F" survival quantiles "$D/lung.csv" --time time --status status --event 2 --conf-type plain \
	--format csv >"$WORK/q.csv"
same_numbers "quantiles equal quantile(survfit)" "$WORK/q.csv" "$D/km-lung-quantiles-plain.csv" \
	p time lower upper

"$F" survival logrank "$D/lung.csv" --time time --status status --event 2 --by sex --format csv >"$WORK/lr.csv"
same_numbers "logrank equals survdiff" "$WORK/lr.csv" "$D/logrank-lung-sex.csv" n observed expected chisq df p

"$F" survival lifetable "$D/lung.csv" --time time --status status --event 2 \
	--breaks 0,100,200,300,400,500,600,700,800,900,1000,inf --format csv >"$WORK/lt.csv"
same_numbers "lifetable equals KMsurv::lifetab" "$WORK/lt.csv" "$D/lifetab-lung.csv" \
	entered lost at_risk events surv pdf hazard se_pdf se_hazard

for m in ederer2 pohar-perme; do
	"$F" survival net "$D/colrec.csv" --ratetable "$D/slopop.csv" --method $m --time time --status stat \
		--age age --age-unit days --sex sex --diagnosed diag --conf-type log-log --format csv >"$WORK/net.csv"
	same_numbers "net $m on colrec equals rs.surv" "$WORK/net.csv" "$D/net-colrec-$m.csv" \
		time n_risk n_event surv std_err lower upper
done

"$F" survival net "$D/colrec.csv" --ratetable "$D/slopop.csv" --time time --status stat --age age \
	--age-unit days --sex sex --diagnosed diag --at 365,1826,3652 --standardise icss1 --format csv >"$WORK/std.csv"
tap $? "age-standardised net survival runs"
same_numbers "ICSS 1 age-standardised net survival equals the weighted rs.surv curves" "$WORK/std.csv" \
	"$D/net-colrec-icss1.csv" time surv std_err lower upper

printf 'time,status\n10,1\n12,x\n' >"$WORK/bad.csv"
expect_status 1 "a bad status is refused" "$F" survival km "$WORK/bad.csv" --time time --status status
expect_output "the error names file, line and value" 'bad.csv, line 3: invalid status "x"'
expect_output "the error names the field" 'field: status'

printf 'time,status\n10,1\nsoon,0\n' >"$WORK/bad.csv"
expect_status 1 "a bad time is refused" "$F" survival km "$WORK/bad.csv" --time time --status status
expect_output "the time error names the value" 'line 3: invalid time "soon"'

expect_status 1 "a missing column is refused" "$F" survival km "$D/lung.csv" --time days --status status
expect_output "the missing column is named" 'has no column "days"'

expect_status 2 "an unknown interval type is a usage error" \
	"$F" survival km "$D/lung.csv" --time time --status status --event 2 --conf-type logit

printf 'year,sex,age,qx\n2020,1,0,0.01\n2020,1,1,0.002\n2020,2,0,1.5\n' >"$WORK/rt.csv"
expect_status 1 "a probability of death over 1 is refused" "$F" survival net "$D/rdata.csv" \
	--ratetable "$WORK/rt.csv" --time time --status cens --age age --sex sex --diagnosed year
expect_output "the life table error names the line" 'rt.csv, line 4: invalid qx "1.5"'

"$F" survival km "$D/lung.csv" --time time --status status --event 2 --by sex --at 365 --svg "$WORK/km.svg" >/dev/null
tap $? "km draws its curves as SVG"
expect_equal "the figure has a curve and a band per group" 4 "$(grep -c '<path' "$WORK/km.svg")"
expect_equal "the numbers at risk start from each group's size" "138 90" \
	"$(grep -o '<text x="90.0" y="4[0-9]*" text-anchor="middle">[0-9]*</text>' "$WORK/km.svg" |
		sed 's/.*">\([0-9]*\)<.*/\1/' | tr '\n' ' ' | sed 's/ $//')"
expect_status 2 "an unwritable figure is an error" "$F" survival km "$D/lung.csv" --time time --status status \
	--event 2 --svg /nonexistent/dir/km.svg
expect_output "naming the file" 'could not write the figure "/nonexistent/dir/km.svg"'

# Life tables imported into the database give the same net survival as the file.
"$F" init >/dev/null
expect_status 0 "a life table is imported" "$F" survival ratetable "$D/slopop.csv" --name slopop
expect_output "every cell is stored" 'life table "slopop": 9360 cells imported'
"$F" survival net "$D/colrec.csv" --ratetable-name slopop --method pohar-perme --time time --status stat \
	--age age --age-unit days --sex sex --diagnosed diag --conf-type log-log --format csv >"$WORK/net.csv"
same_numbers "net survival from the stored life table equals rs.surv" "$WORK/net.csv" \
	"$D/net-colrec-pohar-perme.csv" time n_risk n_event surv std_err lower upper
printf 'year,sex,age,qx\n2020,1,0,0.01\n2020,1,1,0.002\n2020,2,0,0.01\n' >"$WORK/rt.csv"
expect_status 1 "a life table with a missing cell is refused" "$F" survival ratetable "$WORK/rt.csv" --name partial
expect_output "the missing cell is named" 'lacks year 2020, sex 2, age 1'
expect_equal "and nothing of it is stored" 0 "$(sql "SELECT count(*) FROM life_table WHERE name = 'partial'")"
expect_status 1 "an unknown stored life table is refused" "$F" survival net "$D/rdata.csv" --ratetable-name nowhere \
	--time time --status cens --age age --sex sex --diagnosed year
expect_output "naming it" 'life table "nowhere" does not exist'

# The Chinese life table shipped as data (data/survival/lifetable-china-wpp2024.csv):
# derived from the verbatim WPP 2024 extract by its script, every single year of
# age carrying its 5-year group's rate, imported whole, and used as a constant hazard.
R=$(cd "$(dirname "$0")/../.." && pwd)
LT=$R/data/survival/lifetable-china-wpp2024.csv
(cd "$R" && sh tools/gen-lifetable-china.sh) | cmp -s - "$LT"
tap $? "the shipped life table is what tools/gen-lifetable-china.sh derives from the WPP extract"
awk -F'\t' -v OFS=, 'NR > 1 { print FILENAME ~ /mxM5/ ? 1 : 2, $3, $17 }' \
	"$R/data/survival/wpp2024/mxM5-china.txt" "$R/data/survival/wpp2024/mxF5-china.txt" >"$WORK/wpp2015.csv"
bad=$(awk -F, 'NR == FNR { g[$1, $2 == "100+" ? 100 : $2] = $3; next }
	$1 == 2015 { a = $3; from = a == 0 ? 0 : a < 5 ? 1 : a >= 100 ? 100 : a - a % 5
		if (g[$2, from] != $4) print $0 }' "$WORK/wpp2015.csv" "$LT" | wc -l)
expect_equal "every age of 2015 carries its group's 2015-2020 rate" 0 "$bad"
expect_status 0 "the Chinese life table is imported" "$F" survival ratetable "$LT" --name china
expect_output "all its cells" 'life table "china": 1414 cells imported'
printf 'time,status,age,sex,diagnosed\n365,0,60,1,2015-03-01\n' >"$WORK/one.csv"
"$F" survival net "$WORK/one.csv" --ratetable-name china --method ederer2 --time time --status status --age age \
	--sex sex --diagnosed diagnosed --at 365 --format csv >"$WORK/one-net.csv"
want=$(awk 'BEGIN { printf "%.8f", 1 + 365 / 365.241 * 0.01486046 }')
got=$(awk -F, 'NR == 2 { printf "%.8f", $5 }' "$WORK/one-net.csv")
expect_equal "a man of 60 alive a year after diagnosis in 2015: 1 + 365 days of the 60-64 rate (one step, as rs.surv)" "$want" "$got"

# Excel output: the same Kaplan-Meier table as a workbook, numbers as numbers.
expect_status 0 "km --format xlsx writes a workbook" "$F" survival km "$D/lung.csv" --time time --status status \
	--event 2 --by sex --format xlsx --output "$WORK/km.xlsx"
unzip -p "$WORK/km.xlsx" xl/workbook.xml 2>/dev/null | grep -q '<sheet name="kaplan-meier"'
tap $? "the workbook has a kaplan-meier sheet"
rows=$(unzip -p "$WORK/km.xlsx" xl/worksheets/sheet1.xml 2>/dev/null | grep -o '<row ' | wc -l)
expect_equal "one row per line of the CSV output" "$(wc -l <"$WORK/sex.csv" | tr -d ' ')" "$rows"
unzip -p "$WORK/km.xlsx" xl/worksheets/sheet1.xml 2>/dev/null | grep -q '<c r="F2"[^>]*><v>0\.9'
tap $? "survival is written as a number"
expect_status 0 "lifetable --format xlsx" "$F" survival lifetable "$D/lung.csv" --time time --status status --event 2 \
	--breaks 0,180,365,730,1100 --format xlsx --output "$WORK/lt.xlsx"
unzip -p "$WORK/lt.xlsx" xl/workbook.xml 2>/dev/null | grep -q '<sheet name="life table"'
tap $? "the life table has its sheet"
expect_status 2 "xlsx without --output is a usage error" "$F" survival km "$D/lung.csv" --time time --status status \
	--event 2 --format xlsx
