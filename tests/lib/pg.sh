# tests/lib/pg.sh: a throw-away PostgreSQL 15 server for the tests.
#
# Source it, then:
#   pg_start            initdb a temporary data directory, start the server on
#                       127.0.0.1 and a unix socket in that directory, on a free
#                       port; sets PG_DIR and PG_BASE (a URI without a database)
#   pg_createdb NAME    create database NAME; prints its postgresql:// URI
#   pg_stop             stop the server and remove its directory
#   pg_available        status 0 when the PostgreSQL 15 programs are installed
#
# As root, the server runs as the unprivileged "postgres" user (PostgreSQL
# refuses to run as root); the tests connect as the role "fangai", trusted on
# loopback only.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER_ROLE=fangai

pg_available() {
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && command -v psql >/dev/null
}

# Run a server program as the server's owner.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# A TCP port of loopback that nothing listens on.
pg_free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

pg_start() {
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fangai-pg.XXXXXX") || return 1
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data" "$PG_DIR/run"
	[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR/data" "$PG_DIR/run"
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER_ROLE" --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2
		return 1
	}
	local port tries=0
	while :; do
		port=$(pg_free_port) || return 1
		# Quick and throw-away: no fsync; the tests kill clients, never the machine.
		if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/run/server.log" -w -t 60 \
			-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR/run \
			    -c fsync=off -c full_page_writes=off -c synchronous_commit=off \
			    -c max_connections=200 -c shared_buffers=64MB" start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		[ $tries -ge 5 ] && { cat "$PG_DIR/run/server.log" >&2; return 1; }
	done
	PG_PORT=$port
	PG_BASE="postgresql://$PG_USER_ROLE@/?host=$PG_DIR/run&port=$PG_PORT"
	export PG_DIR PG_PORT PG_BASE
}

# The URI of database NAME on the test server.
pg_uri() {
	echo "postgresql://$PG_USER_ROLE@/$1?host=$PG_DIR/run&port=$PG_PORT"
}

pg_createdb() {
	psql -X -q -d "$(pg_uri postgres)" -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
	pg_uri "$1"
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}
