# tests/lib/xlsx.sh: read Excel workbooks (.xlsx) back in end-to-end tests, with unzip.
# Source it after tap.sh.

# xlsx_sheets FILE: the workbook's sheet names, in order, one per line.
xlsx_sheets() {
	unzip -p "$1" xl/workbook.xml | grep -o '<sheet name="[^"]*"' | cut -d'"' -f2
}

# xlsx_rows FILE N: the rows of sheet number N, cells separated by "|", text resolved
# whether the workbook keeps it in shared strings or inline in the cells.
xlsx_rows() {
	unzip -p "$1" xl/sharedStrings.xml 2>/dev/null | grep -o '<t[^>]*>[^<]*</t>' |
		sed 's/<[^>]*>//g' >"$WORK/xlsx-strings"
	unzip -p "$1" "xl/worksheets/sheet$2.xml" | sed 's/<row /\n/g' | grep '^r="[0-9]' |
		awk -v strings="$WORK/xlsx-strings" '
		BEGIN { while ((getline s < strings) > 0) str[n++] = s }
		{
			line = ""; col = 0; k = split($0, cells, "<c ")
			for (i = 2; i <= k; i++) {
				match(cells[i], /r="[A-Z]+/)
				at = index("ABCDEFGHIJKLMNOPQRSTUVWXYZ", substr(cells[i], RSTART + 3, 1)) - 1
				for (; col < at; col++) line = line (col ? "|" : "")
				v = ""
				if (match(cells[i], /<v>[^<]*<\/v>/)) v = substr(cells[i], RSTART + 3, RLENGTH - 7)
				if (cells[i] ~ /t="s"/) v = str[v]
				if (cells[i] ~ /t="inlineStr"/ && match(cells[i], /<t[^>]*>[^<]*<\/t>/)) {
					v = substr(cells[i], RSTART, RLENGTH); gsub(/<[^>]*>/, "", v)
				}
				line = line (col ? "|" : "") v; col++
			}
			print line
		}'
}
