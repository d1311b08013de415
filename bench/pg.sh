#!/usr/bin/env bash
# bench/pg.sh: bulk load into PostgreSQL 15, on a throw-away server of its own
# (tests/lib/pg.sh):
#   - BENCH_PG_ROWS person rows (default 200,000, taken from a synthetic city)
#     appended through fg_store_copy (COPY FROM STDIN, bench_pg), beside psql's
#     \copy of the same rows into the same table: the ratio is the figure to watch
#     (target 70% or more);
#   - fangai import of BENCH_PG_IMPORT_ROWS of them (default 100,000) from CSV on
#     PostgreSQL (validated in memory, written with COPY) into an empty registry (a
#     first load) and in committed batches, beside psql's \copy of the same person
#     rows (target 70% or more), and of the person and source record rows the import
#     wrote; and the same import on SQLite.
# Prints wall time; never fails on a timing.
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
set -u
cd "$(dirname "$0")/.."
. tests/lib/pg.sh
F=${FANGAI_BIN:?FANGAI_BIN is not set}
B=$(dirname "$F")
W=${BENCH_WORK:-$(mktemp -d)}
export FANGAI_TODAY=${FANGAI_TODAY:-2026-06-30}
rows=${BENCH_PG_ROWS:-200000}
import_rows=${BENCH_PG_IMPORT_ROWS:-100000}
if ! pg_available; then
	echo "(PostgreSQL 15 is not installed: run scripts/bootstrap)"
	exit 0
fi
pg_start || exit 1
trap 'pg_stop' EXIT
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f s, %.0f rows/s", b - a, n / (b - a) }'; }
cols="district, institution_id, id_type, id_number, name, name_key, sex, birth_date, phone,
	address, vital_status, created_at, updated_at"

# The rows: a synthetic city generated into SQLite (quicker), its persons in COPY text format.
"$F" init --db "$W/city.db" >/dev/null && "$F" synth --db "$W/city.db" --persons "$rows" --quiet >/dev/null
sqlite3 -separator $'\t' -nullvalue '\N' "$W/city.db" "SELECT $cols FROM person ORDER BY id" >"$W/persons.txt"
sqlite3 -separator $'\t' -nullvalue '\N' "$W/city.db" "SELECT * FROM institution ORDER BY id" >"$W/institutions.txt"
n=$(wc -l <"$W/persons.txt")

# fresh NAME: a database with the schema and the institutions of the city; prints its URI.
fresh() {
	local uri
	uri=$(pg_createdb "$1") && "$F" init --db "$uri" >/dev/null &&
		psql -X -q -d "$uri" -c "\\copy institution FROM '$W/institutions.txt'" && echo "$uri"
}

uri=$(fresh bench_psql) || exit 1
t0=$(now)
psql -X -q -d "$uri" -c "\\copy person ($(echo $cols)) FROM '$W/persons.txt'"
t1=$(now)
psql_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "psql \\copy of $n persons:                   $(rate "$n" "$t0" "$t1")"

uri=$(fresh bench_copy) || exit 1
t0=$(now)
out=$(FANGAI_BENCH_PG="$uri" "$B/bench/bench_pg" "$W/persons.txt")
t1=$(now)
echo "$out"
awk -v a="$t0" -v b="$t1" -v p="$psql_s" \
	'BEGIN { printf "  fg_store_copy runs at %.0f%% of psql \\copy (wall time, process start included)\n", 100 * p / (b - a) }'

# fangai import of the first rows as CSV, beside psql's \copy of the same rows.
head -n "$import_rows" "$W/persons.txt" >"$W/import.txt"
head -n "$import_rows" "$W/persons.txt" | awk -F'\t' -v OFS=, '
	BEGIN { print "source_key,id_type,id_number,name,sex,birth_date,phone,address,district" }
	{ for (i = 1; i <= NF; i++) if ($i == "\\N") $i = ""
	  print "P" NR, $3, $4, $5, $7, $8, $9, $10, $1 }' >"$W/import.csv"
uri=$(fresh bench_import_psql) || exit 1
t0=$(now)
psql -X -q -d "$uri" -c "\\copy person ($(echo $cols)) FROM '$W/import.txt'"
t1=$(now)
psql_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "psql \\copy of the $import_rows persons into person:           $(rate "$import_rows" "$t0" "$t1")"
uri=$(fresh bench_import) || exit 1
t0=$(now)
"$F" import persons "$W/import.csv" --db "$uri" --institution 1 --quiet >/dev/null
t1=$(now)
import_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "fangai import of the same $import_rows persons, PostgreSQL, first load:  $(rate "$import_rows" "$t0" "$t1")"
awk -v a="$t0" -v b="$t1" -v p="$psql_s" 'BEGIN { printf "  fangai import runs at %.0f%% of psql \\copy (every row validated, matched by ID number\n  and recorded as a source record: two tables written, where psql writes one; one\n  transaction, the indexes and foreign keys made after the rows)\n", 100 * p / (b - a) }'
uri_batches=$(fresh bench_import_batches) || exit 1
t0=$(now)
"$F" import persons "$W/import.csv" --db "$uri_batches" --institution 1 --batch-rows 50000 --quiet >/dev/null
t1=$(now)
echo "the same in batches of 50,000 rows (resumable): $(rate "$import_rows" "$t0" "$t1")"
awk -v a="$t0" -v b="$t1" -v p="$psql_s" 'BEGIN { printf "  %.0f%% of psql \\copy\n", 100 * p / (b - a) }'

# psql \copy of what the import wrote: its persons and source records.
psql -X -q -d "$uri" -c "\\copy import_batch TO '$W/batch.txt'" \
	-c "\\copy person (id, $(echo $cols)) TO '$W/imported.txt'" -c "\\copy source_record TO '$W/source.txt'"
uri=$(fresh bench_import_both) || exit 1
psql -X -q -d "$uri" -c "\\copy import_batch FROM '$W/batch.txt'"
t0=$(now)
psql -X -q -d "$uri" -c "\\copy person (id, $(echo $cols)) FROM '$W/imported.txt'" \
	-c "\\copy source_record FROM '$W/source.txt'"
t1=$(now)
echo "psql \\copy of the rows the import wrote (person, source_record): $(rate "$import_rows" "$t0" "$t1")"
awk -v a="$t0" -v b="$t1" -v i="$import_s" \
	'BEGIN { printf "  fangai import runs at %.0f%% of psql \\copy of the same rows of both tables\n", 100 * (b - a) / i }'

rm -f "$W/import.db"*
"$F" init --db "$W/import.db" >/dev/null && "$F" synth --db "$W/import.db" --persons 0 --quiet >/dev/null
t0=$(now)
"$F" import persons "$W/import.csv" --db "$W/import.db" --institution 1 --quiet >/dev/null
t1=$(now)
echo "fangai import of the same $import_rows persons, SQLite, first load:      $(rate "$import_rows" "$t0" "$t1")"
rm -f "$W/persons.txt" "$W/institutions.txt" "$W/import.csv" "$W/import.txt" "$W/imported.txt" \
	"$W/source.txt" "$W/batch.txt" "$W"/*.db*
