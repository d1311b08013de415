# tests/lib/tap.sh: helpers for end-to-end test scripts that print TAP lines.
# Source it; it sets $F (the fangai binary) and a fresh $WORK directory.
F=${FANGAI_BIN:?FANGAI_BIN is not set}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export FANGAI_DB="$WORK/test.db"
export FANGAI_TODAY=${FANGAI_TODAY:-2026-06-30}

# Under FANGAI_TEST_BACKEND=postgresql (tests/run's PostgreSQL pass, for the
# scripts marked "# backends: sqlite postgresql"), FANGAI_DB is a fresh
# database on the run's server instead.
if [ "${FANGAI_TEST_BACKEND:-sqlite}" = postgresql ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
	FANGAI_DB=$(pg_createdb "t_$(basename "$0" .sh | tr -c 'a-z0-9\n' _)_$$") || exit 2
	export FANGAI_DB
fi

# ok CONDITION-STATUS NAME: print a TAP line for the status of the last check.
tap() {
	if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi
}

# expect_status N NAME COMMAND...: run COMMAND, check its exit status is N.
expect_status() {
	local want=$1 name=$2 got
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit status $got, expected $want)"
		sed 's/^/#   /' "$WORK/out" "$WORK/err" | head -n 20
	fi
}

# expect_output NAME PATTERN: the last command's stdout+stderr matches the grep -E pattern.
expect_output() {
	if cat "$WORK/out" "$WORK/err" | grep -qE -- "$2"; then
		echo "ok - $1"
	else
		echo "not ok - $1 (no match for /$2/)"
		sed 's/^/#   /' "$WORK/out" "$WORK/err" | head -n 20
	fi
}

# expect_equal NAME WANT GOT
expect_equal() {
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1 (expected '$2', got '$3')"; fi
}

# Move each identity key of PostgreSQL past the highest id of its table, after
# rows inserted with explicit ids (SQLite picks max(id) + 1 by itself).
PG_RESYNC="DO \$\$DECLARE r record; BEGIN FOR r IN SELECT c.relname, a.attname FROM pg_class c
 JOIN pg_attribute a ON a.attrelid = c.oid WHERE a.attidentity <> ''
 AND c.relnamespace = current_schema()::regnamespace LOOP EXECUTE format(
 'SELECT setval(pg_get_serial_sequence(%L, %L), (SELECT coalesce(max(%I), 0) + 1 FROM %I), false)',
 r.relname, r.attname, r.attname, r.relname); END LOOP; END\$\$"

# sql QUERY: run a query against the test database with the sqlite3 shell, or
# psql for a PostgreSQL database (same output: fields separated by |).
sql() {
	case "$FANGAI_DB" in
	postgresql://*)
		psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$FANGAI_DB" -c "$1" &&
			case "$1" in [Ii][Nn][Ss][Ee][Rr][Tt]*)
				psql -X -q -d "$FANGAI_DB" -c "$PG_RESYNC" >/dev/null ;;
			esac
		;;
	*) sqlite3 "$FANGAI_DB" "$1" ;;
	esac
}

# sql_csv QUERY: the result as CSV with a header line.
sql_csv() {
	case "$FANGAI_DB" in
	postgresql://*) psql -X -q --csv -v ON_ERROR_STOP=1 -d "$FANGAI_DB" -c "$1" ;;
	*) sqlite3 -csv -header "$FANGAI_DB" "$1" ;;
	esac
}

# reset_db: make the test database empty again (a new file, or a new schema).
reset_db() {
	case "$FANGAI_DB" in
	postgresql://*)
		psql -X -q -v ON_ERROR_STOP=1 -d "$FANGAI_DB" \
			-c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null 2>&1
		;;
	*) rm -f "$FANGAI_DB" ;;
	esac
}
