# tests/lib/db.sh: the test database on either backend, and queries on it.
#
# Source it, then:
#   test_db NAME      under FANGAI_TEST_BACKEND=postgresql (tests/run's PostgreSQL
#                     pass), point FANGAI_DB at a fresh database NAME_<pid> on the
#                     run's server; otherwise leave FANGAI_DB (an SQLite file)
#   sql [-s SEP] QUERY  run QUERY (one or more statements) with the sqlite3 shell,
#                     or psql for a PostgreSQL database: the same output, fields
#                     separated by | (or SEP), NULL as nothing
#   sql_csv QUERY     the result as CSV with a header line
#   reset_db          make the test database empty again
#   db_ready          status 0 when the test database holds the schema
#   pg_only           in a PostgreSQL-only script: skip it (exit) on SQLite
#   save_db NAME, restore_db NAME
#                     keep a copy of the test database (no client connected),
#                     and put it back
#   drop_trigger TABLE NAME
#                     the SQL that drops trigger NAME of TABLE
DB_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

test_db() {
	[ "${FANGAI_TEST_BACKEND:-sqlite}" = postgresql ] || return 0
	. "$DB_LIB/pg.sh"
	FANGAI_DB=$(pg_createdb "$(printf '%s' "$1" | tr -c 'a-z0-9' _)_$$") || return 1
	export FANGAI_DB
}

# Move each identity key of PostgreSQL past the highest id of its table, after
# rows inserted with explicit ids (SQLite picks max(id) + 1 by itself).
PG_RESYNC="DO \$\$DECLARE r record; BEGIN FOR r IN SELECT c.relname, a.attname FROM pg_class c
 JOIN pg_attribute a ON a.attrelid = c.oid WHERE a.attidentity <> ''
 AND c.relnamespace = current_schema()::regnamespace LOOP EXECUTE format(
 'SELECT setval(pg_get_serial_sequence(%L, %L), (SELECT coalesce(max(%I), 0) + 1 FROM %I), false)',
 r.relname, r.attname, r.attname, r.relname); END LOOP; END\$\$"

sql() {
	local sep='|'
	if [ "$1" = -s ]; then
		sep=$2
		shift 2
	fi
	case "$FANGAI_DB" in
	postgresql://*)
		psql -X -q -A -t -F "$sep" -v ON_ERROR_STOP=1 -d "$FANGAI_DB" <<<"$1" &&
			case "$1" in *[Ii][Nn][Ss][Ee][Rr][Tt]\ *)
				psql -X -q -d "$FANGAI_DB" -c "$PG_RESYNC" >/dev/null ;;
			esac
		;;
	*) sqlite3 -cmd ".timeout 10000" -separator "$sep" "$FANGAI_DB" <<<"$1" ;;
	esac
}

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
	*) rm -f "$FANGAI_DB" "$FANGAI_DB-wal" "$FANGAI_DB-shm" ;;
	esac
}

# The name of the PostgreSQL database of FANGAI_DB, and a URI of its server's own database.
pg_db_name() {
	local path=${FANGAI_DB#postgresql://*/}
	echo "${path%%\?*}"
}
pg_admin_uri() {
	echo "${FANGAI_DB/\/$(pg_db_name)\?//postgres?}"
}

save_db() {
	case "$FANGAI_DB" in
	postgresql://*)
		psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_admin_uri)" \
			-c "CREATE DATABASE \"$(pg_db_name)_$1\" TEMPLATE \"$(pg_db_name)\"" ;;
	*) cp "$FANGAI_DB" "$FANGAI_DB.$1" ;;
	esac
}

restore_db() {
	case "$FANGAI_DB" in
	postgresql://*)
		psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_admin_uri)" -c "DROP DATABASE \"$(pg_db_name)\"" \
			-c "CREATE DATABASE \"$(pg_db_name)\" TEMPLATE \"$(pg_db_name)_$1\"" ;;
	*) cp "$FANGAI_DB.$1" "$FANGAI_DB" ;;
	esac
}

drop_trigger() {
	case "$FANGAI_DB" in
	postgresql://*) echo "DROP TRIGGER $2 ON $1" ;;
	*) echo "DROP TRIGGER $2" ;;
	esac
}

db_ready() {
	sql "SELECT count(*) FROM person" >/dev/null 2>&1
}

pg_only() {
	case "$FANGAI_DB" in
	postgresql://*) ;;
	*)
		echo "1..0 # skip: PostgreSQL only (tests/run runs it in its PostgreSQL pass)"
		exit 0
		;;
	esac
}
