#!/usr/bin/env bash
# bench/linkage.sh: bulk import and deduplication at scale.
#   - import of BENCH_IMPORT_ROWS persons (default 200,000) from CSV with fangai import
#     (every row validated through the person registry) into an empty registry (a first
#     load: one transaction, indexes built after the rows) and in committed batches,
#     beside the sqlite3 shell's .import of the same file into a bare table, and the same
#     rows inserted by SQL into the person table of an empty fangai database (its
#     indexes kept up to date row by row, or built after the rows);
#   - deduplication of BENCH_DEDUP_PERSONS persons (default 1,000,000 records: 909,091
#     persons, a tenth of them recorded twice) with fangai link dedup on 2 threads, with
#     its precision and recall against the known truth.
# Prints wall time and CPU time (the machine may be shared); never fails on a timing.
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
set -u
F=${FANGAI_BIN:?FANGAI_BIN is not set}
W=${BENCH_WORK:-$(mktemp -d)}
mkdir -p "$W"
export FANGAI_TODAY=${FANGAI_TODAY:-2026-06-30}
rows=${BENCH_IMPORT_ROWS:-200000}
records=${BENCH_DEDUP_PERSONS:-1000000}

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f s, %.0f rows/s", b - a, n / (b - a) }'; }
# cpu FILE: the CPU seconds /usr/bin/time wrote there (user + system), to set beside
# the wall time on a shared machine.
cpu() { awk 'END { printf "CPU %.1f s (user %.1f, system %.1f)", $1 + $2, $1, $2 }' "$1"; }
timed() { /usr/bin/time -o "$W/cpu" -f "%U %S" "$@"; }

"$F" link synth --persons "$rows" --duplicates 0 --seed 21 | cut -d, -f1,3-8 >"$W/import.csv"
db="$W/import.db"
rm -f "$db"*
"$F" init --db "$db" >/dev/null && "$F" synth --db "$db" --persons 0 --quiet >/dev/null
cp "$db" "$W/batches.db"
t0=$(now)
timed "$F" import persons "$W/import.csv" --db "$db" --institution 1 --quiet >/dev/null
t1=$(now)
echo "fangai import of $rows validated persons, first load:   $(rate "$rows" "$t0" "$t1"); $(cpu "$W/cpu")"
t0=$(now)
timed "$F" import persons "$W/import.csv" --db "$W/batches.db" --institution 1 --batch-rows 50000 --quiet >/dev/null
t1=$(now)
echo "the same in batches of 50,000 rows (resumable):        $(rate "$rows" "$t0" "$t1"); $(cpu "$W/cpu")"
rm -f "$W/plain.db"
t0=$(now)
timed sqlite3 "$W/plain.db" ".mode csv" ".import $W/import.csv person"
t1=$(now)
echo "sqlite3 .import of the same file (bare table): $(rate "$rows" "$t0" "$t1"); $(cpu "$W/cpu")"
# The floor set by the person table's indexes: the same rows inserted by SQL into an empty
# fangai database's person table (six indexes, foreign keys; no validation, no source keys).
rm -f "$W/floor.db"*
"$F" init --db "$W/floor.db" >/dev/null && "$F" synth --db "$W/floor.db" --persons 0 --quiet >/dev/null
cp "$W/floor.db" "$W/floor-after.db"
insert="INSERT INTO person (district, institution_id, id_number, name, name_key, sex, birth_date, phone,
	address, created_at, updated_at) SELECT '440103', 1, id_number, name, name, sex, birth_date,
	nullif(phone, ''), address, '2026-06-30T00:00:00Z', '2026-06-30T00:00:00Z' FROM raw"
indexes=$(sqlite3 "$W/floor.db" "SELECT group_concat(sql, '; ') FROM sqlite_master
	WHERE type = 'index' AND tbl_name = 'person' AND sql IS NOT NULL")
drops=$(sqlite3 "$W/floor.db" "SELECT group_concat('DROP INDEX ' || name, '; ') FROM sqlite_master
	WHERE type = 'index' AND tbl_name = 'person' AND sql IS NOT NULL")
t0=$(now)
timed sqlite3 "$W/floor.db" "PRAGMA cache_size = -131072" "PRAGMA foreign_keys = ON" ".mode csv" \
	".import $W/import.csv raw" "$insert"
t1=$(now)
echo "sqlite3 of the same rows into person (indexes):        $(rate "$rows" "$t0" "$t1"); $(cpu "$W/cpu")"
t0=$(now)
timed sqlite3 "$W/floor-after.db" "PRAGMA cache_size = -131072" "PRAGMA foreign_keys = ON" ".mode csv" \
	".import $W/import.csv raw" "BEGIN" "$drops" "$insert" "$indexes" "COMMIT"
t1=$(now)
echo "the same with the indexes built after the rows:        $(rate "$rows" "$t0" "$t1"); $(cpu "$W/cpu")"

persons=$((records * 10 / 11))
"$F" link synth --persons "$persons" --duplicates 0.1 --seed 9 >"$W/dedup.csv"
n=$(($(wc -l <"$W/dedup.csv") - 1))
t0=$(now)
timed "$F" link dedup "$W/dedup.csv" --threads 2 --output "$W/pairs.csv" 2>"$W/dedup.err"
t1=$(now)
echo "fangai link dedup of $n records on 2 threads: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }'); $(cpu "$W/cpu")"
sed 's/^/  /' "$W/dedup.err"
awk -F, 'NR == FNR { if (FNR > 1 && $9 != "") dups++; next }
	FNR > 1 && $3 == "match" { b = $2; sub(/-dup$/, "", b); if ($1 == b) tp++; else fp++ }
	END { printf "  precision %.4f, recall %.4f (%d duplicates, %d linked, %d wrongly)\n", tp / (tp + fp), tp / dups, dups, tp, fp }' \
	"$W/dedup.csv" "$W/pairs.csv"
rm -f "$W/import.csv" "$W/dedup.csv" "$W/pairs.csv" "$W"/*.db*
