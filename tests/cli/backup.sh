# tests/cli/backup.sh: backup, restore and check end to end, and the restore
# drill: back up a synthetic city while other processes write to it, restore
# each backup, and compare full exports (the sqlite3 shell's .dump) of the
# backup, the restored database and the source at the backup's moment.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/ids.sh"
dump() { sqlite3 -cmd ".timeout 10000" "$1" .dump | md5sum; }
q() { sqlite3 -cmd ".timeout 10000" "$@"; }

for cmd in backup restore check; do
	expect_status 0 "fangai help $cmd" "$F" help "$cmd"
	expect_output "help $cmd shows usage" "^usage: fangai $cmd"
done
expect_status 2 "backup without a file is a usage error" "$F" backup

# A quiet database: backup, restore, and the three exports are identical.
expect_status 0 "synth a city of 4000" "$F" synth --db "$WORK/city.db" --persons 4000 --seed 5 --quiet
expect_status 0 "backup" "$F" backup "$WORK/city.bak" --db "$WORK/city.db"
expect_output "backup reports the file and schema" "^backup written: .*city.bak \([0-9]+ bytes, schema version [0-9]+\)"
expect_equal "the backup is one file, without a write-ahead log" "delete" "$(q "$WORK/city.bak" "PRAGMA journal_mode")"
expect_status 0 "restore into a new database" "$F" restore "$WORK/city.bak" --db "$WORK/restored.db"
expect_output "restore reports a clean check" "consistency check clean"
expect_equal "export of the backup = export of the source" "$(dump "$WORK/city.db")" "$(dump "$WORK/city.bak")"
expect_equal "export of the restored database = export of the source" "$(dump "$WORK/city.db")" "$(dump "$WORK/restored.db")"
expect_status 0 "check the restored database" "$F" check --db "$WORK/restored.db"
expect_output "check says it is consistent" "is consistent: integrity and foreign keys checked"

# Refusals: nothing is overwritten, nothing damaged is restored.
expect_status 1 "backup refuses an existing file" "$F" backup "$WORK/city.bak" --db "$WORK/city.db"
expect_output "and names it" 'backup file ".*city.bak" already exists'
expect_status 1 "restore refuses a database that holds data" "$F" restore "$WORK/city.bak" --db "$WORK/restored.db"
expect_output "and names the table" 'database holds rows in table "institution"'
expect_status 0 "restore --force replaces it" "$F" restore "$WORK/city.bak" --db "$WORK/restored.db" --force
expect_status 0 "init an empty database" "$F" init --db "$WORK/empty.db"
expect_status 0 "restore into an initialised database without data" "$F" restore "$WORK/city.bak" --db "$WORK/empty.db"
head -c 300000 "$WORK/city.bak" >"$WORK/truncated.bak"
expect_status 1 "restore refuses a truncated backup" "$F" restore "$WORK/truncated.bak" --db "$WORK/t.db"
expect_output "as damaged" 'backup file ".*truncated.bak" is damaged or not a database'
expect_equal "and leaves the target empty" "" "$(q "$WORK/t.db" "SELECT name FROM sqlite_schema")"
echo "not a database" >"$WORK/text.bak"
expect_status 1 "restore refuses a file that is not a database" "$F" restore "$WORK/text.bak" --db "$WORK/t.db"
q "$WORK/other.bak" "CREATE TABLE t (x); INSERT INTO t VALUES (1)"
expect_status 1 "restore refuses a database that is not fangai's" "$F" restore "$WORK/other.bak" --db "$WORK/t.db"
expect_output "and says so" 'is not a fangai backup'
expect_status 2 "backup of a missing database" "$F" backup "$WORK/x.bak" --db "$WORK/missing.db"

# check finds damage: a broken reference, and overwritten pages.
cp "$WORK/restored.db" "$WORK/fk.db"
q "$WORK/fk.db" "PRAGMA foreign_keys = OFF; DELETE FROM institution WHERE id = (SELECT institution_id FROM person WHERE id = 1)"
expect_status 1 "check finds persons of a deleted institution" "$F" check --db "$WORK/fk.db"
expect_output "naming the table and the row" 'error: row [0-9]+ of table "person" refers to a missing row of table "institution"'
expect_output "in the error style" 'error: database ".*fk.db" failed its consistency check'
cp "$WORK/city.bak" "$WORK/torn.db"
printf '\377%.0s' $(seq 1 400) | dd of="$WORK/torn.db" bs=1 seek=$((4096 * 150 + 200)) conv=notrunc 2>/dev/null
expect_status 1 "check finds overwritten pages" "$F" check --db "$WORK/torn.db"
expect_output "reported as integrity problems" 'error: integrity check: '

# The drill under writes: person add loops run against the city while
# backups are taken.  Each backup must be exactly the source as it was at
# one moment: the persons registered up to some id, nothing else changed.
writer() {	# DB FIRST: register 80 persons, numbered from FIRST
	local i
	for i in $(seq "$2" $(($2 + 79))); do
		"$F" person add --db "$1" --institution 2 --name "$(test_name "$i")" \
			--id-number "$(resident_id "1101081980$(printf %02d $((1 + i / 1000)))01$(printf %03d $((i % 1000)))")" \
			>/dev/null || return 1
	done
}
cp "$WORK/city.db" "$WORK/live.db"
writer "$WORK/live.db" 0 & w1=$!
writer "$WORK/live.db" 1000 & w2=$!
before=$(q "$WORK/live.db" "SELECT count(*) FROM person")
for k in 1 2 3; do
	sleep 0.4
	"$F" backup "$WORK/live$k.bak" --db "$WORK/live.db" >/dev/null || echo "not ok - backup $k while writers run"
done
wait "$w1"; s1=$?
wait "$w2"; s2=$?
expect_equal "the writers succeeded while backups were taken" "0 0" "$s1 $s2"
after=$(q "$WORK/live.db" "SELECT count(*) FROM person")
prev=$before
for k in 1 2 3; do
	n=$(q "$WORK/live$k.bak" "SELECT count(*) FROM person")
	maxid=$(q "$WORK/live$k.bak" "SELECT max(id) FROM person")
	if [ "$n" -ge "$prev" ] && [ "$n" -le "$after" ]; then
		echo "ok - backup $k taken during writes holds $n persons ($before before, $after after)"
	else
		echo "not ok - backup $k taken during writes holds $n persons ($before before, $after after)"
	fi
	prev=$n
	"$F" restore "$WORK/live$k.bak" --db "$WORK/live$k.db" >/dev/null
	cp "$WORK/live.db" "$WORK/asof$k.db"
	q "$WORK/asof$k.db" "DELETE FROM person WHERE id > $maxid"
	expect_equal "backup $k: export of the restored database = export of the backup" \
		"$(dump "$WORK/live$k.bak")" "$(dump "$WORK/live$k.db")"
	expect_equal "backup $k: export = the source's at the backup's moment" \
		"$(dump "$WORK/asof$k.db")" "$(dump "$WORK/live$k.db")"
done
if [ "$before" -lt "$after" ]; then echo "ok - the writers added persons during the drill"; else echo "not ok - the writers added persons during the drill"; fi

# Backups of a city being generated in batches hold whole batches only.
"$F" synth --db "$WORK/gen.db" --persons 12000 --batch 400 --seed 9 --quiet >/dev/null & g=$!
for k in 1 2 3 4; do
	sleep 0.4
	"$F" backup "$WORK/gen$k.bak" --db "$WORK/gen.db" >/dev/null 2>&1
done
wait "$g"
counts=""
for k in 1 2 3 4; do
	[ -f "$WORK/gen$k.bak" ] && counts="$counts $(q "$WORK/gen$k.bak" "SELECT count(*) FROM person")"
done
bad=0
for n in $counts; do [ $((n % 400)) -eq 0 ] || bad=1; done
tap $bad "backups during synth hold whole batches of 400 (persons:$counts)"
