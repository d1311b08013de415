# tests/cli/network.sh: the referral network of the synthetic city end to end: the same
# seed gives the same network; every generated row obeys the rules (state machine,
# capacity, access); and the referral indicators agree with an independent computation
# in R (tests/data/network/indicators.R, expected values checked in).
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
D=$(cd "$(dirname "$0")/../data/network" && pwd)

expect_status 0 "synth --network" "$F" synth --persons 8000 --seed 11 --network --quiet
expect_output "synth reports the network" "^referral network: 45 schedules, 3375 slots, [0-9]+ bookings, 80 referrals, 8 consultations"

export_referrals() { sql_csv "SELECT id, to_institution_id, state, kind, requested_at FROM referral ORDER BY id"; }
export_events() { sql_csv "SELECT referral_id, action, at FROM referral_event ORDER BY id"; }
expect_equal "the same seed gives the same referrals" "$(md5sum <"$D/referrals.csv" | cut -c1-32)" \
	"$(export_referrals | md5sum | cut -c1-32)"
expect_equal "the same seed gives the same referral events" "$(md5sum <"$D/events.csv" | cut -c1-32)" \
	"$(export_events | md5sum | cut -c1-32)"

"$F" network indicators --indicator referral --format csv --as-of 2025-12-31T18:00 >"$WORK/ind.csv"
tap $? "network indicators runs"
cut -d, -f1,3-7,9- "$WORK/ind.csv" | diff - "$D/expected-referral.csv" >"$WORK/diff"
tap $? "referral indicators agree with R (indicators.R)"
sed 's/^/#   /' "$WORK/diff" | head -n 20

# Invariants of the generated data.
expect_equal "every referral's state is the state of its last event" 0 \
	"$(sql "SELECT count(*) FROM referral r WHERE state <> (SELECT state FROM referral_event e WHERE e.referral_id = r.id ORDER BY e.id DESC LIMIT 1)")"
expect_equal "every event follows a legal transition" 0 \
	"$(sql "SELECT count(*) FROM referral_event e WHERE e.action NOT IN ('request', 'revoke_access') AND NOT EXISTS (SELECT 1 FROM referral_transition t WHERE t.action = e.action AND t.from_state = e.from_state AND t.to_state = e.state)")"
expect_equal "events never go back in time" 0 \
	"$(sql "SELECT count(*) FROM referral_event a JOIN referral_event b ON b.referral_id = a.referral_id AND b.id > a.id WHERE b.at < a.at")"
expect_equal "no slot over its capacity" 0 "$(sql "SELECT count(*) FROM slot WHERE booked > capacity")"
expect_equal "booked counts agree with the live appointments" 0 \
	"$(sql "SELECT count(*) FROM slot s WHERE booked <> (SELECT count(*) FROM appointment a WHERE a.slot_id = s.id AND a.state IN ('booked', 'attended', 'no_show'))")"
expect_equal "access only from accepted, open referrals and open consultations" 0 \
	"$(sql "SELECT count(*) FROM access_grant g LEFT JOIN referral r ON g.source = 'referral' AND r.id = g.source_id LEFT JOIN consultation c ON g.source = 'consultation' AND c.id = g.source_id WHERE coalesce(r.state, c.state) NOT IN ('accepted', 'scheduled', 'attended', 'requested')")"
expect_equal "concluded consultations have an opinion" 0 \
	"$(sql "SELECT count(*) FROM consultation c WHERE state = 'concluded' AND NOT EXISTS (SELECT 1 FROM consultation_participant p WHERE p.consultation_id = c.id AND p.opinion IS NOT NULL)")"
expect_status 0 "the failsafe list" "$F" referral overdue --as-of 2025-12-31T18:00
expect_status 0 "all indicators as tables" "$F" network indicators --as-of 2025-12-31T18:00
expect_output "the screening indicator says it is not available" "not available: no screening exams recorded"
