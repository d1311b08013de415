# tests/cli/spine.sh: the fangai command end to end: help and exit statuses of
# every command, an uninitialised database, and the synthetic city (size,
# determinism, valid data).
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

expect_status 0 "fangai help" "$F" help
expect_output "help lists the commands" "^  person +the person registry"
expect_status 2 "no command is a usage error" "$F"
expect_status 2 "an unknown command is a usage error" "$F" frobnicate
expect_output "unknown command names itself" 'no command named "frobnicate"'

for cmd in init migrate institution person id synth stats; do
	expect_status 0 "fangai help $cmd" "$F" help "$cmd"
	expect_output "help $cmd shows usage" "^usage: fangai $cmd"
done
for sub in "institution add" "institution list" "institution show" "person add" "person find" \
	"person show" "person list" "id check" "stats summary"; do
	# shellcheck disable=SC2086
	expect_status 0 "fangai $sub --help" "$F" $sub --help
	expect_output "$sub --help shows its options" "^options:"
	# shellcheck disable=SC2086
	expect_status 0 "fangai help $sub" "$F" help $sub
done
expect_status 2 "an unknown option is a usage error" "$F" person list --colour
expect_output "unknown option is named" 'unrecognised option "--colour" for person list'
expect_status 2 "an option without its value" "$F" person list --limit
expect_status 2 "a page size out of range" "$F" person list --limit 0
expect_status 2 "an unknown subcommand" "$F" person frob
expect_status 2 "an unknown output format" "$F" id check --format xml 11010519491231002X

expect_status 2 "a database that was never initialised" "$F" person list --db "$WORK/none.db"
expect_output "says how to initialise it" 'Create it first with "fangai init"'
expect_status 0 "init" "$F" init
expect_status 0 "init again is harmless" "$F" init
expect_status 0 "migrate" "$F" migrate
expect_output "migrate reports the schema version" "^database ready: schema version [0-9]+ \((sqlite|postgresql)\)"

# The synthetic city: deterministic for a seed, and every record valid.
expect_status 0 "synth 3000 persons" "$F" synth --db "$WORK/a.db" --persons 3000 --seed 42 --quiet
expect_status 0 "synth again with the same seed" "$F" synth --db "$WORK/b.db" --persons 3000 --seed 42 --quiet
expect_status 0 "synth with another seed" "$F" synth --db "$WORK/c.db" --persons 3000 --seed 43 --quiet
dump() { sqlite3 "$1" "SELECT id_number, name, sex, birth_date, phone, address, district, institution_id FROM person ORDER BY id"; }
expect_equal "the same seed gives the same city" "$(dump "$WORK/a.db" | md5sum)" "$(dump "$WORK/b.db" | md5sum)"
if [ "$(dump "$WORK/a.db" | md5sum)" != "$(dump "$WORK/c.db" | md5sum)" ]; then
	echo "ok - another seed gives another city"
else
	echo "not ok - another seed gives another city"
fi
expect_equal "3000 persons" 3000 "$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM person")"
expect_equal "ID numbers are unique" 3000 "$(sqlite3 "$WORK/a.db" "SELECT count(DISTINCT id_number) FROM person")"
expect_equal "institutions of the demo city" 31 "$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM institution")"
expect_equal "one cancer centre" 1 "$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM institution WHERE kind = 'cancer_centre'")"
expect_equal "community centres register residents of their own district" 0 \
	"$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM person p JOIN institution i ON i.id = p.institution_id WHERE i.district <> p.district")"

# Every generated ID number passes the validator and agrees with the record.
sqlite3 -separator ' ' "$WORK/a.db" "SELECT id_number FROM person ORDER BY random() LIMIT 60" >"$WORK/ids"
# shellcheck disable=SC2046
expect_status 0 "sampled ID numbers are valid" "$F" id check --format csv $(cat "$WORK/ids")
bad=$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM person WHERE substr(id_number, 7, 4) || '-' || substr(id_number, 11, 2) || '-' || substr(id_number, 13, 2) <> birth_date OR (CAST(substr(id_number, 17, 1) AS INTEGER) % 2 = 1) <> (sex = '1')")
expect_equal "birth date and sex agree with every ID number" 0 "$bad"
males=$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM person WHERE sex = '1'")
if [ "$males" -gt 1380 ] && [ "$males" -lt 1700 ]; then
	echo "ok - sex ratio near the census (men: $males of 3000)"
else
	echo "not ok - sex ratio near the census (men: $males of 3000)"
fi
old=$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM person WHERE birth_date <= '1961-12-31'")
if [ "$old" -gt 360 ] && [ "$old" -lt 640 ]; then
	echo "ok - share aged 64 and over near the census ($old of 3000)"
else
	echo "not ok - share aged 64 and over near the census ($old of 3000)"
fi
expect_status 1 "synth refuses a database that holds a city" "$F" synth --db "$WORK/a.db" --persons 10 --quiet
expect_output "and says why" "already holds 31 institutions"

expect_status 0 "stats summary" "$F" stats summary --db "$WORK/a.db" --as-of 2025-12-31 --format json
expect_output "summary counts the persons" '"persons": 3000'
expect_status 0 "stats summary as text" "$F" stats summary --db "$WORK/a.db"
expect_output "summary lists the age groups" "^85\+ "
