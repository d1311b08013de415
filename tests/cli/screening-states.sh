#!/usr/bin/env bash
# tests/cli/screening-states.sh: the states of a screening episode and the
# transition table (lib/screening/states.c): a booking made for the
# episode's exam moves it to "booked", an exam and an outcome move on from
# there, cancelling or missing the last live booking moves it back, and a
# step the table does not allow is refused, storing nothing.
# Today is fixed at 2026-06-30.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/screening.sh"

"$F" synth --persons 1500 --seed 11 --quiet >/dev/null
D=440111
pick() {
	sql "SELECT id FROM person WHERE district = '$D' AND birth_date BETWEEN '1956-01-11' AND '1971-01-10' ORDER BY id LIMIT 1 OFFSET $1"
}
A=$(pick 0); B=$(pick 1)
state() { sql "SELECT state FROM screening_episode WHERE person_id = $1 ORDER BY id DESC LIMIT 1"; }
episode() { sql "SELECT id FROM screening_episode WHERE person_id = $1 ORDER BY id DESC LIMIT 1"; }

"$F" screen enrol lung --version 1 --district $D --institution 3 --date 2026-01-10 >/dev/null
expect_equal "an enrolled person is invited" invited "$(state $A)"
printf 'person,date,pack_years,years_since_quit,passive_smoking_years,copd,occupational_exposure_years,family_history\n%s,2026-01-20,35,,0,no,0,no\n%s,2026-01-20,40,,0,no,0,no\n' \
	$A $B >"$WORK/q.csv"
"$F" screen questionnaire lung "$WORK/q.csv" >/dev/null
expect_equal "a high-risk answer moves the episode to high_risk" high_risk "$(state $A)"

"$F" schedule add --institution 3 --service ldct --name "LDCT" >/dev/null
"$F" slot add --schedule 1 --start 2026-07-01T08:00 --count 3 --capacity 5 >/dev/null
expect_status 0 "book the LDCT of the episode" "$F" booking book --slot 1 --person $A --episode "$(episode $A)"
expect_equal "the booking moves the episode to booked, booked_on set" "booked|2026-06-30" \
	"$(sql "SELECT state, booked_on FROM screening_episode WHERE person_id = $A")"
expect_status 0 "a second booking of a booked episode" "$F" booking book --slot 2 --person $A --episode "$(episode $A)"
expect_equal "leaves it booked" booked "$(state $A)"

printf 'person,date,finding,status,size_mm\n%s,2026-06-29,solid,baseline,16.0\n' $A >"$WORK/e.csv"
expect_status 0 "an exam of a booked episode is recorded" "$F" screen exam lung ldct "$WORK/e.csv"
expect_equal "a 4B result refers the booked episode" referred "$(state $A)"
printf 'person,date,diagnosis,stage\n%s,2026-06-30,cancer,IA1\n' $A >"$WORK/o.csv"
expect_status 0 "the outcome of a referred episode" "$F" screen outcome lung "$WORK/o.csv"
expect_equal "closes it as a cancer" "closed|cancer" \
	"$(sql "SELECT state, end_code FROM screening_episode WHERE person_id = $A")"

expect_status 1 "booking an exam for a closed episode is refused" \
	"$F" booking book --slot 3 --person $A --episode "$(episode $A)"
expect_output "the error names the event, the episode and its state" "cannot record book in screening episode [0-9]+: it is closed"
expect_equal "nothing is stored: no third appointment" 2 "$(sql "SELECT count(*) FROM appointment WHERE person_id = $A")"

# A cancelled booking: the episode returns to where it was once no live booking is left.
expect_status 0 "book the LDCT of a high-risk episode" "$F" booking book --slot 1 --person $B --episode "$(episode $B)"
expect_status 0 "  and a second one" "$F" booking book --slot 3 --person $B --episode "$(episode $B)"
first=$(sql "SELECT min(id) FROM appointment WHERE person_id = $B")
second=$(sql "SELECT max(id) FROM appointment WHERE person_id = $B")
expect_status 0 "cancel the first booking" "$F" booking cancel "$first"
expect_equal "the episode stays booked while the second is live" "booked|2026-06-30" \
	"$(sql "SELECT state, booked_on FROM screening_episode WHERE person_id = $B")"
expect_status 0 "cancel the second booking" "$F" booking cancel "$second"
expect_equal "the episode is high_risk again, with no booking day" "high_risk|" \
	"$(sql "SELECT state, coalesce(booked_on, '') FROM screening_episode WHERE person_id = $B")"
expect_status 0 "book it again" "$F" booking book --slot 2 --person $B --episode "$(episode $B)"
expect_status 0 "B misses the appointment" env FANGAI_NOW=2026-07-01T12:00 "$F" booking no-show \
	"$(sql "SELECT max(id) FROM appointment WHERE person_id = $B")"
expect_equal "the episode is high_risk again, the missed booking's day kept" "high_risk|2026-06-30" \
	"$(sql "SELECT state, booked_on FROM screening_episode WHERE person_id = $B")"
expect_status 0 "a booking of A's closed episode cancelled" "$F" booking cancel \
	"$(sql "SELECT min(id) FROM appointment WHERE person_id = $A")"
expect_equal "  leaves the closed episode as it is" "closed|2026-06-30" \
	"$(sql "SELECT state, booked_on FROM screening_episode WHERE person_id = $A")"
printf 'person,date,diagnosis,stage\n%s,2026-06-30,negative,\n' $B >"$WORK/o.csv"
expect_status 1 "an outcome for a high-risk person not yet screened is refused" "$F" screen outcome lung "$WORK/o.csv"
expect_equal "the episode stays high_risk" high_risk "$(state $B)"
expect_tally_in_step
sql "UPDATE screening_tally SET n = n + 5"
expect_status 0 "the tally is recounted" "$F" screen recount
expect_tally_in_step
