# tests/cli/pg-backup.sh: backup, restore and check of a PostgreSQL database
# (pg_dump / pg_restore behind fangai backup and restore), and fangai migrate
# on a postgresql:// URI.
# backends: postgresql
. "$(dirname "$0")/../lib/tap.sh"

pg_only

expect_status 2 "migrate refuses a database that was never initialised" "$F" migrate
expect_status 0 "init on a postgresql:// URI" "$F" init
expect_output "the backend is named" "schema version [0-9]+ \(postgresql\)"
expect_status 0 "migrate once initialised" "$F" migrate
"$F" synth --persons 200 --seed 9 --quiet >/dev/null
persons=$(sql "SELECT count(*) FROM person")

expect_status 0 "backup" "$F" backup "$WORK/city.dump"
expect_output "backup reports the schema version" "schema version [0-9]+"
sql "UPDATE person SET name = '改过' WHERE id = 1"
expect_status 1 "restore over data is refused without --force" "$F" restore "$WORK/city.dump"
expect_status 0 "restore --force" "$F" restore --force "$WORK/city.dump"
expect_equal "every person is back" "$persons" "$(sql "SELECT count(*) FROM person")"
[ "$(sql "SELECT name FROM person WHERE id = 1")" != "改过" ]
tap $? "the change after the backup is gone"
expect_status 0 "the restored database is consistent" "$F" check
echo "not a dump" >"$WORK/foreign.dump"
expect_status 1 "a foreign file is refused" "$F" restore --force "$WORK/foreign.dump"
expect_equal "and nothing changed" "$persons" "$(sql "SELECT count(*) FROM person")"

# check finds a row whose foreign key was bypassed (triggers off, as a careless load does).
sql "SET session_replication_role = replica; UPDATE person SET institution_id = 999999 WHERE id = 2"
expect_status 1 "check finds a broken foreign key" "$F" check
expect_output "naming the table and the column" 'table "person" refer by institution_id to missing row 999999'
