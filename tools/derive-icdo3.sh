#!/bin/sh
# tools/derive-icdo3.sh: derive fangai's ICD-O-3 code and check tables under
# data/icdo3/ from IARC's CanReg5 dictionaries and look-up tables.
#
#   sh tools/derive-icdo3.sh /work/shared/reference/icdo3/canreg5 data/icdo3
#
# The source tables are part of CanReg5 (IARC-CSU/CanReg5, GPL-3.0-or-later,
# Copyright (C) 2008-2018 International Agency for Research on Cancer); the
# derived files keep that licence and cite it in their headers.  This script
# only re-encodes the tables as plain CSV with fangai's own column names.
set -eu
src=${1:?canreg5 directory}
out=${2:?output directory}
commit=$(sed -n 's/^source: IARC-CSU\/CanReg5 @ //p' "$src/SOURCE.txt")
mkdir -p "$out"

header() {	# file purpose
	printf '# %s\n' "$2" >"$out/$1"
	cat >>"$out/$1" <<HDR
# Derived by tools/derive-icdo3.sh from IARC CanReg5 (github.com/IARC-CSU/CanReg5
# @ $commit), file $3, which implements IARC Technical Report 42
# (Ferlay et al., Check and conversion programs for cancer registries, IARC/IACR 2005).
# Licence: GPL-3.0-or-later, as the CanReg5 source (Copyright (C) 2008-2018 IARC).
HDR
}

# Topography: 3-character sites and 4-character subsites.
header topography.csv "ICD-O-3 topography codes C00.0-C80.9 with their labels." \
	dictionaries/topography.tsv
echo "code,label" >>"$out/topography.csv"
tr -d '\r' <"$src/dictionaries/topography.tsv" | awk -F'\t' '
	length($1) == 2 { printf "C%s,\"%s\"\n", $1, $2 }
	length($1) == 3 { printf "C%s,\"%s\"\n", $1, $2 }' >>"$out/topography.csv"

# Morphology terms printed in ICD-O-3, with their behaviour.
header morphology.csv "ICD-O-3 morphology terms (code, behaviour) with their preferred labels." \
	dictionaries/morphology5.tsv
echo "morphology,behaviour,label" >>"$out/morphology.csv"
tr -d '\r' <"$src/dictionaries/morphology5.tsv" | awk -F'\t' '
	$1 ~ /^[0-9][0-9][0-9][0-9][0-9]$/ { gsub(/"/, "\"\"", $2);
		printf "%s,%s,\"%s\"\n", substr($1, 1, 4), substr($1, 5, 1), $2 }' >>"$out/morphology.csv"

# Morphology families and the sites they require or forbid (TR42 appendix 1).
header morph-family.csv "Site/histology: the morphology family of each ICD-O-3 morphology code.
# kind: any (no site restriction), must (the site must be one listed for the family
# in site-family.csv), mustnot (the site must not be one listed for the family)." lookup/MorphFam.txt
echo "morphology,kind,family" >>"$out/morph-family.csv"
tr -d '\r' <"$src/lookup/MorphFam.txt" | awk '
	/^[0-9][0-9][0-9][0-9]/ { k = substr($0, 5, 1); f = substr($0, 6, 2);
		if (k == "*") printf "%s,any,\n", substr($0, 1, 4);
		else if (k == "+") printf "%s,must,%d\n", substr($0, 1, 4), f;
		else printf "%s,mustnot,%d\n", substr($0, 1, 4), f + 63 }' >>"$out/morph-family.csv"

header family.csv "Site/histology: names of the morphology families (1-63 need listed sites, 64-70 forbid them)." \
	lookup/MorphFamDict.txt
echo "family,label" >>"$out/family.csv"
tr -d '\r' <"$src/lookup/MorphFamDict.txt" | awk 'NF { printf "%d,\"%s\"\n", NR, $0 }' >>"$out/family.csv"

header site-family.csv "Site/histology: the sites each morphology family requires (must) or forbids (mustnot).
# topography: a 3-character site (all its subsites) or a 4-character subsite." lookup/Must.txt
echo "family,kind,topography" >>"$out/site-family.csv"
{
	tr -d '\r' <"$src/lookup/Must.txt" | awk '{ print "must", $0 }'
	tr -d '\r' <"$src/lookup/MustNot.txt" | awk '{ print "mustnot", $0 }'
} | awk '$2 ~ /^[0-9][0-9]C/ {
	f = substr($2, 1, 2) + ($1 == "mustnot" ? 63 : 0); s = substr($2, 4, 2); d = substr($2, 6, 1);
	key = f "," $1 ",C" s (d == "*" ? "" : d);
	if (!(key in seen)) { seen[key] = 1; print key } }' >>"$out/site-family.csv"

# ICD-10 conversion by topography, per behaviour class.
header icd10-topography.csv "ICD-O-3 to ICD-10 conversion by topography: the ICD-10 code of each subsite
# for a malignant, benign, in situ, uncertain or secondary (metastatic) neoplasm there.
# An empty cell: no ICD-10 code follows from the site alone." lookup/O3_10T.txt
echo "topography,malignant,benign,in_situ,uncertain,secondary" >>"$out/icd10-topography.csv"
tr -d '\r' <"$src/lookup/O3_10T.txt" | awk '
	function code(s) { gsub(/[ #?]/, "", s); return s }
	/^[0-9][0-9][0-9]/ { printf "C%s", substr($0, 1, 3);
		for (i = 0; i < 5; i++) printf ",%s", code(substr($0, 4 + 4 * i, 4)); print "" }' >>"$out/icd10-topography.csv"

# ICD-10 conversion by morphology and behaviour.
header icd10-morphology.csv "ICD-O-3 to ICD-10 conversion by morphology and behaviour.  Every
# morphology/behaviour combination ICD-O-3 permits (printed terms and the behaviour
# matrix) has a row; a combination without a row is not a valid ICD-O-3 code.
# rare: 1 if the combination is unlikely (to be queried; TR42 behaviour/histology).
# rule: T1-T5 convert by topography (icd10-topography.csv column malignant, benign,
# in_situ, uncertain, secondary); M by morphology alone (icd10, with * replaced by
# the subsite digit); S by site list named in list of icd10-site.csv (by topography and
# sex).  sex: F or M when the histology belongs to one sex." lookup/O3_10M.txt
echo "morphology,behaviour,rare,rule,icd10,list,sex" >>"$out/icd10-morphology.csv"
awk -v n8="$(awk 'END { print NR }' "$src/lookup/O3_10r8.txt")" -v n9="$(awk 'END { print NR }' "$src/lookup/O3_10r9.txt")" '
	/^[0-9][0-9][0-9][0-9][0-9]/ {
		line = $0; sub(/ *\/\/.*/, "", line);
		r = substr(line, 6, 1); rare = 0;
		if (r ~ /[A-Z]/) { rare = 1; r = index("EFGHIJKLM", r) }
		rest = substr(line, 7); icd = ""; list = ""; sex = "";
		if (r >= 1 && r <= 5) rule = "T" r;
		else if (r == 7) { rule = "M"; icd = substr(rest, 1, 4); gsub(/[ #?]/, "", icd);
			f = substr(rest, 5, 1); sex = f == "+" ? "F" : f == "@" ? "M" : "" }
		else if (rest + 0 > (r == 8 ? n8 : n9)) rule = "M";	# a list past the end of the file: no conversion
		else { rule = "S"; list = (r == 8 ? "a" : "b") (rest + 0) }
		printf "%s,%s,%d,%s,%s,%s,%s\n", substr(line, 1, 4), substr(line, 5, 1), rare, rule, icd, list, sex
	}' "$src/lookup/O3_10M.txt" >>"$out/icd10-morphology.csv"

header icd10-site.csv "ICD-O-3 to ICD-10 conversion for histologies whose ICD-10 code depends on the site
# (lists b: and on sex).  List aN (bN) starts at row aN (bN) and runs down to the
# first row whose topography is *; the first row of the list that matches wins.  topography: a 4-character subsite, a 3-character
# site (any subsite) or * (all other sites).  male/female: an ICD-10 code (* is
# replaced by the subsite digit), =Tn for column n of icd10-topography.csv, or empty
# for none.  sex: F or M when the histology belongs to one sex." "lookup/O3_10r8.txt, lookup/O3_10r9.txt"
echo "list,topography,male,female,sex" >>"$out/icd10-site.csv"
conv_site() {	# prefix width(1: one code, 2: male and female)
	tr -d "\r" | awk -v p="$1" -v w="$2" '
	function code(s) { if (substr(s, 1, 1) == ":") return "=T" substr(s, 2, 1);
		gsub(/[ ?#]/, "", s); sub(/-$/, "*", s); return s }
	NF {
		aos = substr($0, 1, 4) == "aos.";
		topo = aos ? "*" : substr($0, 4, 1) == "-" ? "C" substr($0, 2, 2) : "C" substr($0, 2, 3);
		m = code(substr($0, 5, 4));
		if (w == 2) { f = code(substr($0, 9, 4)); flag = "" }
		else { f = m; c = substr($0, 9, 1); flag = c == "+" ? "F" : c == "@" ? "M" : "" }
		print p NR "," topo "," m "," f "," flag
	}'
}
conv_site a 1 <"$src/lookup/O3_10r8.txt" >"$out/.site-lines"
conv_site b 2 <"$src/lookup/O3_10r9.txt" >>"$out/.site-lines"
cat "$out/.site-lines" >>"$out/icd10-site.csv"
rm -f "$out/.site-lines"
