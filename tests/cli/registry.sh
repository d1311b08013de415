#!/usr/bin/env bash
# tests/cli/registry.sh: duplicates inside the person registry -- scan, review queue,
# merge with a record of what moved, and un-merge.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

"$F" init >/dev/null && "$F" synth --persons 0 --quiet >/dev/null
"$F" link synth --persons 1500 --duplicates 0.1 --seed 5 | cut -d, -f1,3-8 >"$WORK/d.csv"
"$F" import persons "$WORK/d.csv" --institution 1 --skip-bad-rows --source his --quiet >/dev/null
tap $? "persons with duplicates imported"

expect_status 0 "scan the registry" "$F" link scan
expect_output "pairs are queued" "^scanned [0-9]+ persons: [0-9]+ candidate pairs, 0 merged, [1-9][0-9]* queued for review"
queued=$(sql "SELECT count(*) FROM link_review WHERE state = 'open'")
expect_status 0 "scan again" "$F" link scan
expect_equal "a pair is queued once" "$queued" "$(sql "SELECT count(*) FROM link_review")"

"$F" link review --format csv >"$WORK/review.csv"
expect_equal "the queue lists every open pair" "$((queued + 1))" "$(wc -l <"$WORK/review.csv")"
read -r review a b <<<"$(sed -n 2p "$WORK/review.csv" | awk -F, '{ print $1, $2, $4 }')"
keys_b=$(sql "SELECT count(*) FROM source_record WHERE target_id = $b")

# Rows of B elsewhere: a death record (person-level table) points at B.
sql "INSERT INTO death_record (district, person_id, institution_id, name, name_key, sex, death_date, cause_icd10)
     VALUES ('440106', $b, 1, 'x', 'x', '1', '2026-01-01', 'C34.1')"
expect_status 0 "decide the first review: the same person" "$F" link review "$review" --same --by registrar
expect_output "a merge is made" "^review $review: the same person; merge [0-9]+"
expect_equal "B is merged into A" "$a" "$(sql "SELECT merged_into FROM person WHERE id = $b")"
expect_equal "B's death record moved to A" "$a" "$(sql "SELECT person_id FROM death_record")"
expect_equal "B's source records moved to A" "0" "$(sql "SELECT count(*) FROM source_record WHERE target_id = $b")"
expect_equal "the merge is recorded" "review|registrar|1" \
	"$(sql "SELECT method, merged_by, moved FROM person_merge" |
	   jq -Rr 'split("|") | "\(.[0])|\(.[1])|\(.[2:] | join("|") | fromjson | .death_record | length)"')"
expect_equal "the review is closed" "merged" "$(sql "SELECT state FROM link_review WHERE id = $review")"

expect_status 1 "a merged person cannot be merged again" "$F" link merge "$a" "$b"
expect_output "saying so" "person $b is merged into person $a already"
expect_status 1 "nor merged into itself" "$F" link merge "$a" "$a"

expect_status 0 "un-merge B" "$F" link unmerge "$b" --by registrar
expect_equal "B is active again" "" "$(sql "SELECT merged_into FROM person WHERE id = $b")"
expect_equal "its death record is back" "$b" "$(sql "SELECT person_id FROM death_record")"
expect_equal "its source records are back" "$keys_b" "$(sql "SELECT count(*) FROM source_record WHERE target_id = $b")"
expect_equal "the merge is marked undone" "registrar" "$(sql "SELECT unmerged_by FROM person_merge")"
expect_status 1 "un-merging an active person is refused" "$F" link unmerge "$b"
expect_output "saying so" "person $b is not merged into another"

read -r review2 <<<"$(sed -n 3p "$WORK/review.csv" | cut -d, -f1)"
expect_status 0 "decide another review: two persons" "$F" link review "$review2" --distinct
expect_equal "it is closed as distinct" "distinct" "$(sql "SELECT state FROM link_review WHERE id = $review2")"
expect_status 1 "a decided review cannot be decided again" "$F" link review "$review2" --same
expect_status 2 "a decision needs --same or --distinct" "$F" link review "$review2"

expect_status 0 "manual merge" "$F" link merge "$a" "$b"
expect_status 0 "scan with --merge merges the linked pairs" "$F" link scan --merge
expect_output "and says how many" "[1-9][0-9]* merged"

# Death records without ID numbers, linked to persons by name, sex and birth date.
awk -F, 'NR > 1 && NR <= 41 && $1 !~ /-dup$/ { printf "D%d,%s,%s,%s,2026-03-01,C34.1\n", NR, $3, $4, $5 }' "$WORK/d.csv" |
	sed '1i 死亡证编号,姓名,性别,出生日期,死亡日期,根本死因编码' >"$WORK/deaths.csv"
deaths=$(($(wc -l <"$WORK/deaths.csv") - 1))
"$F" import deaths "$WORK/deaths.csv" --institution 1 --quiet >/dev/null
expect_equal "death records imported unlinked" "$deaths" "$(sql "SELECT count(*) FROM death_record WHERE person_id IS NULL AND source = 'import'")"
expect_status 0 "link the death records" "$F" link deaths
expect_output "and say how many" "^link: $deaths death records without a person: [0-9]+ linked"
linked=$(sql "SELECT count(*) FROM death_record d JOIN person p ON p.id = d.person_id WHERE d.source = 'import' AND p.name_key = d.name_key AND p.birth_date = d.birth_date")
[ $((linked * 100)) -ge $((deaths * 95)) ]
tap $? "at least 95% of the $deaths death records are linked to the right person ($linked)"
expect_equal "none to a wrong one" "0" "$(sql "SELECT count(*) FROM death_record d JOIN person p ON p.id = d.person_id WHERE d.source = 'import' AND (p.name_key <> d.name_key OR p.birth_date <> d.birth_date)")"

# Every merge, un-merge and decision is in the hash-chained audit log.
expect_equal "merges and un-merges are audited" "1 1 1" \
	"$(sql "SELECT (SELECT count(*) FROM audit_log WHERE action = 'unmerge') || ' ' ||
	               (SELECT count(*) FROM audit_log WHERE action = 'review') || ' ' ||
	               (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM audit_log WHERE action = 'merge' AND resource LIKE 'Patient/$b into Patient/$a (merge %')")"
expect_status 0 "the audit chain is intact" "$F" audit verify

# A merged person is read by id, not listed: searches show the survivor (its ID number finds
# the survivor too), and its ID number registered again matches the survivor.
IFS='|' read -r c cname cid <<<"$(sql "SELECT id, name, id_number FROM person WHERE merged_into IS NULL
	AND id_number IS NOT NULL ORDER BY id DESC LIMIT 1")"
d=$(sql "SELECT id FROM person WHERE merged_into IS NULL AND id <> $c ORDER BY id DESC LIMIT 1")
expect_status 0 "merge person C into D" "$F" link merge "$d" "$c" --by registrar
expect_status 0 "search C's ID number" "$F" person find "$cid" --format csv
grep -q "^$c," "$WORK/out"; tap $((!$?)) "the merged person is not listed"
expect_output "the survivor D is" "^$d,"
expect_status 0 "search C's name" "$F" person find "$cname" --format csv
grep -q "^$c," "$WORK/out"; tap $((!$?)) "nor by name"
expect_status 0 "the merged person is still read by id" "$F" person show "$c"
expect_status 0 "C's ID number registered again" "$F" person add --institution 1 --name "$cname" --id-number "$cid"
expect_output "matches the survivor D" "^person $d matched by ID number [0-9X]*: nothing stored"
printf 'source_key,id_number,name\nC-again,%s,%s\n' "$cid" "$cname" >"$WORK/again.csv"
expect_status 0 "C's ID number imported again" "$F" import persons "$WORK/again.csv" --institution 1 --source lis
expect_output "is matched" " 0 inserted, 1 matched by ID number"
expect_equal "to the survivor D" "$d" "$(sql "SELECT target_id FROM source_record WHERE source = 'lis' AND source_key = 'C-again'")"
