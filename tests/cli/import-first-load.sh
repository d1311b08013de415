#!/usr/bin/env bash
# tests/cli/import-first-load.sh: persons imported into a registry that holds none (a first
# load) go in one transaction, their indexes built after the rows. The rows, source records,
# reports and indexes are those of an import in batches; a refused row leaves nothing, not
# even a batch; killed midway, a first load leaves nothing and starts over.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

# The indexes (and foreign keys) of the tables a first load fills, one a line.
structures() {
	case "$FANGAI_DB" in
	postgresql://*)
		sql "SELECT indexdef FROM pg_indexes WHERE tablename IN ('person', 'source_record')
		     UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		     WHERE conrelid IN (CAST('person' AS regclass), CAST('source_record' AS regclass))
		     ORDER BY 1" ;;
	*) sql "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('person', 'source_record') ORDER BY name" ;;
	esac
}
empty_registry() { reset_db && "$F" init >/dev/null && "$F" synth --persons 0 --quiet >/dev/null; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

empty_registry
tap $? "an empty registry"
before=$(structures)
# More rows than one bulk write takes (16,384): the bad row comes after rows were written.
rows=20000
"$F" link synth --persons $rows --duplicates 0 --seed 5 | cut -d, -f1,3-8 >"$WORK/p.csv"
{ cat "$WORK/p.csv"; echo "X1,,某人,1,1990-02-30,,"; } >"$WORK/bad.csv"

expect_status 1 "a first load with a bad row is refused whole" "$F" import persons "$WORK/bad.csv" --institution 1
cp "$WORK/out" "$WORK/first.out"
expect_output "the row is reported" "^$((rows + 1)),$((rows + 2)),birth_date,1990-02-30,"
expect_output "and the file refused" "1 of $((rows + 1)) rows of \".*bad.csv\" were refused"
expect_equal "no person stored" 0 "$(sql "SELECT count(*) FROM person")"
expect_equal "no source record" 0 "$(sql "SELECT count(*) FROM source_record")"
expect_equal "no batch kept" 0 "$(sql "SELECT count(*) FROM import_batch")"
expect_equal "the indexes are as they were" "$before" "$(structures)"
expect_status 1 "the same file in batches" "$F" import persons "$WORK/bad.csv" --institution 1 --batch-rows 5000
expect_equal "gives the same report" "$(cat "$WORK/first.out")" "$(cat "$WORK/out")"

expect_status 0 "a first load, bad rows skipped" "$F" import persons "$WORK/bad.csv" --institution 1 --skip-bad-rows
expect_output "reports the row" "^$((rows + 1)),$((rows + 2)),birth_date,1990-02-30,"
expect_output "and imports the others" "into batch [0-9]+: $((rows + 1)) rows, $rows inserted, 0 matched by ID number, 0 updated, 0 unchanged, 1 refused"
expect_equal "the refused row is kept with the batch" "$((rows + 1)) birth_date" \
	"$(sql "SELECT row || ' ' || field FROM import_error")"
expect_equal "the batch is done" "done $((rows + 1))" "$(sql "SELECT state || ' ' || rows_done FROM import_batch")"
expect_equal "its indexes made again" "$before" "$(structures)"

# Rows of the first batch again after it: under other keys (matched by ID number, or new
# persons without one), and as they were (unchanged): found through what the load wrote.
{ cat "$WORK/p.csv"; sed -n '2,101p' "$WORK/p.csv" | sed 's/^/R/'; sed -n '2,51p' "$WORK/p.csv"; } >"$WORK/again.csv"
stored() { sql "SELECT p.id, p.id_number, p.name, s.source_key, s.row_hash FROM person AS p
	JOIN source_record AS s ON s.target_id = p.id ORDER BY s.source_key" | md5sum; }
empty_registry
expect_status 0 "in batches, rows repeated after the first batch" \
	"$F" import persons "$WORK/again.csv" --institution 1 --source his --batch-rows 5000
sed 's/batch [0-9]*/batch N/' "$WORK/out" >"$WORK/batches.out"
in_batches=$(stored)
empty_registry
expect_status 0 "a first load of the same file" "$F" import persons "$WORK/again.csv" --institution 1 --source his
expect_equal "reports the same" "$(cat "$WORK/batches.out")" "$(sed 's/batch [0-9]*/batch N/' "$WORK/out")"
expect_output "rows found again" "$((rows + 150)) rows, [0-9]+ inserted, [1-9][0-9]* matched by ID number, 0 updated, 50 unchanged, 0 refused"
expect_equal "and stores the same persons and source records" "$in_batches" "$(stored)"

empty_registry
expect_status 0 "a first load" "$F" import persons "$WORK/p.csv" --institution 1 --source his
expect_output "imports every row" "into batch [0-9]+: $rows rows, $rows inserted"
expect_equal "one person a row" $rows "$(sql "SELECT count(DISTINCT id_number) FROM person")"
expect_equal "one source record a row" $rows "$(sql "SELECT count(*) FROM source_record WHERE source = 'his'")"
expect_equal "the indexes made again are those of the schema" "$before" "$(structures)"
expect_status 0 "the database checks clean" "$F" check
name=$(sed -n 2p "$WORK/p.csv" | cut -d, -f3)
expect_status 0 "a search by name finds the person" "$F" person find "$name" --by name --format csv
expect_output "through the index made again" ",$name,"
expect_status 0 "the file imported again" "$F" import persons "$WORK/p.csv" --institution 1 --source his
expect_output "changes nothing" "into batch [0-9]+: $rows rows, 0 inserted, 0 matched by ID number, 0 updated, $rows unchanged"

# Killed halfway through (the time a whole first load takes, halved), a first load leaves nothing.
rows=40000
"$F" link synth --persons $rows --duplicates 0 --seed 6 | cut -d, -f1,3-8 >"$WORK/big.csv"
empty_registry
t0=$(now_ms)
"$F" import persons "$WORK/big.csv" --institution 1 --quiet >/dev/null
half=$((($(now_ms) - t0) / 2))
empty_registry
"$F" import persons "$WORK/big.csv" --institution 1 --quiet >"$WORK/killed.out" 2>&1 &
pid=$!
sleep "$(awk -v ms="$half" 'BEGIN { printf "%.3f", ms / 1000 }')"
kill -9 $pid 2>/dev/null
tap $? "a first load killed halfway ($half ms)"
wait $pid 2>/dev/null
expect_equal "it had not finished" "" "$(cat "$WORK/killed.out")"
expect_equal "no person stored" 0 "$(sql "SELECT count(*) FROM person")"
expect_equal "no batch left to resume" 0 "$(sql "SELECT count(*) FROM import_batch")"
expect_equal "the indexes are as they were" "$before" "$(structures)"
expect_status 0 "run again" "$F" import persons "$WORK/big.csv" --institution 1 --quiet
expect_output "it starts over" "into batch [0-9]+: $rows rows, $rows inserted, 0 matched"
expect_equal "every row arrived once" $rows "$(sql "SELECT count(DISTINCT id_number) FROM person")"
