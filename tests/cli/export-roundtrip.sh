#!/usr/bin/env bash
# tests/cli/export-roundtrip.sh: the lists of "fangai export" read back with "fangai
# import" (data/import/*.csv map their headings: id to the source key, institution_uscc to
# the institution, person_id and tumour_id to the keys of the persons and tumours exported
# with them), as a region gathers its cities' registries: a synthetic city with ten years of
# registry data is exported and imported under one source into another database, where the
# same institutions have other ids, and persons, tumours, treatments and death records
# come out the same.  Imported again, nothing is added.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 3000 --registry --quiet >/dev/null
tap $? "a synthetic city with registry data"
COPY="$WORK/copy.db"
"$F" init --db "$COPY" >/dev/null && "$F" synth --db "$COPY" --persons 0 --quiet >/dev/null
tap $? "another database with the same institutions"
# There the first hospital is registered again, last: the same USCC under another id.
IFS='|' read -r uscc name kind district < <(sqlite3 "$COPY" "SELECT uscc, name, kind, district FROM institution WHERE id = 2")
sqlite3 "$COPY" "DELETE FROM institution WHERE id = 2" &&
	"$F" institution add --db "$COPY" --uscc "$uscc" --name "$name" --kind "$kind" --district "$district" >/dev/null
expect_equal "  the hospital has another id there" "$uscc" \
	"$(sqlite3 "$COPY" "SELECT uscc FROM institution WHERE id = (SELECT max(id) FROM institution)")"
LISTS="persons tumours treatments deaths"
for list in $LISTS; do
	expect_status 0 "export $list" "$F" export "$list" --output "$WORK/$list.csv"
done
for list in $LISTS; do
	expect_status 0 "import $list" "$F" import "$list" "$WORK/$list.csv" --db "$COPY" --source city
	expect_output "  every row" "^imported .*/$list.csv \(UTF-8\) into batch [0-9]+: ([0-9]+) rows, \1 inserted, 0 matched by ID number, 0 updated, 0 unchanged, 0 refused$"
done
expect_status 0 "the deaths applied to vital status" "$F" registry deaths --db "$COPY"

# Each list as text, institutions by USCC and the database's ids left out, sorted byte by byte.
uscc() { echo "(SELECT uscc FROM institution i WHERE i.id = $1.institution_id)"; }
PERSONS="SELECT id_number, name, sex, birth_date, phone, address, district, $(uscc person), vital_status,
	death_date FROM person"
TUMOURS="SELECT p.id_number, p.name, $(uscc t), t.incidence_date, t.topography, t.morphology, t.behaviour,
	t.grade, t.basis, t.icd10, t.stage, t.primary_seq FROM tumour t JOIN person p ON p.id = t.person_id"
TREATMENTS="SELECT p.id_number, t.topography, t.incidence_date, $(uscc r), r.kind, r.start_date, r.end_date
	FROM treatment r JOIN tumour t ON t.id = r.tumour_id JOIN person p ON p.id = t.person_id"
DEATHS="SELECT d.id_number, d.name, d.death_date, d.cause_icd10, $(uscc d), p.id_number FROM death_record d
	LEFT JOIN person p ON p.id = d.person_id"
for q in PERSONS TUMOURS TREATMENTS DEATHS; do
	sql "${!q}" | LC_ALL=C sort >"$WORK/from"
	sqlite3 -separator '|' "$COPY" "${!q}" | LC_ALL=C sort >"$WORK/to"
	[ -s "$WORK/from" ] && cmp -s "$WORK/from" "$WORK/to"
	tap $? "the same $(echo "$q" | tr 'A-Z' 'a-z') ($(wc -l <"$WORK/from") rows)"
done
hospital=$(sql "SELECT count(*) FROM tumour WHERE institution_id = 2")
[ "$hospital" -gt 0 ]; tap $? "the hospital registered tumours ($hospital)"
expect_equal "  found under its id there" "$hospital" \
	"$(sqlite3 "$COPY" "SELECT count(*) FROM tumour WHERE institution_id = (SELECT max(id) FROM institution)")"

for list in $LISTS; do
	"$F" import "$list" "$WORK/$list.csv" --db "$COPY" --source city >"$WORK/out" 2>&1
	expect_output "$list imported again: nothing added" "rows, 0 inserted, "
done
