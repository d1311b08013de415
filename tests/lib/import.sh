# tests/lib/import.sh: what the import tests share (sourced after tap.sh).

# kill_midway CONDITION ROWS TOTAL COMMAND...: run an import in the background and kill it
# (SIGKILL) once the import_batch matching the SQL CONDITION has committed ROWS rows.  Sets
# $state to the batch's "state rows_done"; true if the import was left running short of
# TOTAL rows.
kill_midway() {
	local condition=$1 rows=$2 total=$3 pid done_rows=0
	shift 3
	"$@" >"$WORK/killed.out" 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do
		done_rows=$(sql "SELECT coalesce(max(rows_done), 0) FROM import_batch WHERE $condition" 2>/dev/null)
		[ "${done_rows:-0}" -ge "$rows" ] && break
		sleep 0.05
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	state=$(sql "SELECT state || ' ' || rows_done FROM import_batch WHERE $condition")
	case "$state" in
	running\ *) [ "${state#running }" -lt "$total" ] ;;
	*) false ;;
	esac
}
