# tests/cli/booking.sh: the appointment platform under contention.  50 fangai processes
# book at once into the same slots (SQLite in WAL mode, each waiting on the busy
# timeout); the successful bookings must equal the capacity exactly, every refusal must
# be "full" (exit 1), and no person may hold a slot twice.  Also the help of the network
# commands.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"

for cmd in referral schedule slot booking consult network; do
	expect_status 0 "fangai help $cmd" "$F" help "$cmd"
	expect_output "help $cmd shows usage" "^usage: fangai $cmd"
done

"$F" synth --persons 120 --seed 5 --quiet >/dev/null
"$F" schedule add --institution 2 --service ldct --name "LDCT" >/dev/null
"$F" slot add --schedule 1 --start 2026-07-01T08:00 --capacity 20 >/dev/null
"$F" slot add --schedule 1 --start 2026-07-01T09:00 --count 3 --capacity 5 >/dev/null

# run_parallel N COMMAND-TEMPLATE: N processes at once; %i in the template is 1..N.
# Leaves each exit status in $WORK/status.i and its stderr in $WORK/err.i.
run_parallel() {
	local n=$1 template=$2 i
	for i in $(seq 1 "$n"); do
		# shellcheck disable=SC2086
		( "$F" ${template//%i/$i} >/dev/null 2>"$WORK/err.$i"; echo $? >"$WORK/status.$i" ) &
	done
	wait
}
count_status() { cat "$WORK"/status.* | grep -cx "$1"; }
clear_status() { rm -f "$WORK"/status.* "$WORK"/err.*; }

# 50 persons, one slot of capacity 20.
run_parallel 50 "booking book --slot 1 --person %i"
expect_equal "50 bookers, capacity 20: 20 bookings succeed" 20 "$(count_status 0)"
expect_equal "the other 30 are refused as data (exit 1)" 30 "$(count_status 1)"
expect_equal "every refusal says the slot is full" 30 "$(grep -l 'slot 1 is full' "$WORK"/err.* | wc -l)"
expect_equal "slot.booked equals the capacity" 20 "$(sql "SELECT booked FROM slot WHERE id = 1")"
expect_equal "20 live appointments in the slot" 20 \
	"$(sql "SELECT count(*) FROM appointment WHERE slot_id = 1 AND state = 'booked'")"
clear_status

# 50 persons spread over three slots of capacity 5 each.
for i in $(seq 1 50); do
	( "$F" booking book --slot $((2 + i % 3)) --person $((50 + i)) >/dev/null 2>&1; echo $? >"$WORK/status.$i" ) &
done
wait
expect_equal "50 bookers over three slots of 5: 15 bookings succeed" 15 "$(count_status 0)"
expect_equal "no slot over its capacity" 0 "$(sql "SELECT count(*) FROM slot WHERE booked > capacity")"
expect_equal "booked counts agree with the appointments" 0 \
	"$(sql "SELECT count(*) FROM slot s WHERE booked <> (SELECT count(*) FROM appointment a WHERE a.slot_id = s.id AND a.state IN ('booked', 'attended', 'no_show'))")"
clear_status

# One person, 50 times at once, into a slot with room: exactly one booking.
"$F" slot add --schedule 1 --start 2026-07-02T08:00 --capacity 10 >/dev/null
run_parallel 50 "booking book --slot 5 --person 101"
expect_equal "the same person 50 times at once: one booking" 1 "$(count_status 0)"
expect_equal "49 refusals that the person holds the slot already" 49 \
	"$(grep -l 'person 101 is booked into slot 5 already' "$WORK"/err.* | wc -l)"
expect_equal "one live appointment of the person in the slot" 1 \
	"$(sql "SELECT count(*) FROM appointment WHERE slot_id = 5 AND person_id = 101 AND state = 'booked'")"
