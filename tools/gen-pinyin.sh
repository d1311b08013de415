#!/bin/sh
# tools/gen-pinyin.sh: derive data/linkage/pinyin.csv, the toneless Mandarin
# reading of every Han character, from the Unihan database that Debian's
# unicode-data package ships (/usr/share/unicode/Unihan_Readings.txt.bz2,
# field kMandarin; its first reading is the most common one, UAX #38).
#
#   sh tools/gen-pinyin.sh > data/linkage/pinyin.csv
set -eu
export LC_ALL=C.UTF-8
src=${1:-/usr/share/unicode/Unihan_Readings.txt.bz2}
version=$(bzcat "$src" | sed -n 's/^# Unicode version: //p' | head -n 1)
cat <<HEADER
# Toneless Mandarin (pinyin) reading of each Han character, for comparing names by sound.
# Derived by tools/gen-pinyin.sh from the Unihan database, Unicode $version
# (Unihan_Readings.txt, field kMandarin, first reading; Debian package unicode-data).
# Tone marks are removed and ü is written v. Source: Unicode, Inc., https://www.unicode.org/reports/tr38/
# (Unicode License v3).
code,pinyin
HEADER
bzcat "$src" | awk -F'\t' '$1 ~ /^U\+/ && $2 == "kMandarin" { split($3, r, " "); print substr($1, 3) "," r[1] }' |
	sed -e 'y/āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ/aaaaeeeeiiiioooouuuuvvvvvnnnm/' -e 's/ê̄/e/g; s/ế/e/g; s/ê̌/e/g; s/ề/e/g; s/ê/e/g'
