# tests/cli/pg-crash.sh: the crash loop (tests/lib/crash-loop) on PostgreSQL:
# the client killed with SIGKILL at random moments while it registers persons
# one at a time, and while it imports a list in batches (COPY, resumed by the
# next run); then every acknowledged write must be present, no batch
# half-applied, and "fangai check" clean.  The server itself is not killed:
# its durability is PostgreSQL's.  CRASH_CYCLES cycles per writer (default 10).
# backends: postgresql
. "$(dirname "$0")/../lib/tap.sh"

pg_only
cycles=${CRASH_CYCLES:-10}
dir=$(dirname "$0")/../crash

bash "$dir/../lib/crash-loop" "$dir/writer-person-add" "$cycles" 2000
IMPORT_TOTAL=6000 IMPORT_BATCH=1000 bash "$dir/../lib/crash-loop" "$dir/writer-import" "$cycles" auto
