#!/usr/bin/env bash
# tests/cli/api-booking-concurrency.sh: the shared appointment platform's
# guarantee through the server.  50 clients at once book 50 persons into
# the same three slots (capacity 5, 5 and 2), half through POST
# /api/appointments and half through POST /fhir/Appointment, each trying
# every slot and then its first slot again.  Every request is
# answered 201 or 409, nothing else; the bookings that succeed are exactly
# the capacity; no slot holds a person twice or more persons than places.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"

CLIENTS=50
city 300
export FANGAI_NOW=2027-02-20T09:00
server_start --threads 8
T=$(token cc01 "$(new_user 1 cc01 screening)")	# the cancer centre books for the region
AUTH=(-H "Authorization: Bearer $T" -H 'Content-Type: application/json')

code=$(curl -s -o "$WORK/body" -w '%{http_code}' "${AUTH[@]}" -d '{"service":"endoscopy","name":"Endoscopy"}' "$BASE/api/schedules")
expect_equal "a schedule is published" 201 "$code"
SCHED=$(sed -n 's/^{"id":\([0-9]*\).*/\1/p' "$WORK/body")
for spec in "08:00 5" "09:00 5" "10:00 2"; do
	set -- $spec
	curl -s -o /dev/null "${AUTH[@]}" -d '{"starts_at":"2027-03-01T'"$1"'","minutes":60,"count":1,"capacity":'"$2"'}' \
		"$BASE/api/schedules/$SCHED/slots"
done
SLOTS=($(sql "SELECT id FROM slot WHERE schedule_id = $SCHED ORDER BY id"))
expect_equal "three slots with 12 places are published" "3 12" \
	"$(sql "SELECT count(*) || ' ' || sum(capacity) FROM slot WHERE schedule_id = $SCHED")"
PERSONS=($(sql "SELECT id FROM person WHERE vital_status = 'alive' ORDER BY id LIMIT $CLIENTS"))

# book N SLOT PERSON: one booking, through the JSON API for even N, FHIR Appointment for odd.
book() {
	if (($1 % 2 == 0)); then
		curl -s -o /dev/null -w '%{http_code}\n' "${AUTH[@]}" \
			-d '{"slot":"'"$2"'","person":"'"$3"'"}' "$BASE/api/appointments"
	else
		curl -s -o /dev/null -w '%{http_code}\n' "${AUTH[@]}" -d '{"resourceType":"Appointment",
			"status":"booked","slot":[{"reference":"Slot/'"$2"'"}],
			"participant":[{"actor":{"reference":"Patient/'"$3"'"},"status":"accepted"}]}' \
			"$BASE/fhir/Appointment"
	fi
}

# client N: book person N into each slot, starting at slot N mod 3, then into that slot again.
client() {
	local n=$1 k
	for k in 0 1 2 0; do
		book "$n" "${SLOTS[$(((n + k) % 3))]}" "${PERSONS[$n]}"
	done >"$WORK/codes.$n"
}
pids=()
for n in $(seq 0 $((CLIENTS - 1))); do
	client "$n" &
	pids+=($!)
done
wait "${pids[@]}"	# the clients, not the server

cat "$WORK"/codes.* >"$WORK/codes"
expect_equal "every request is answered" $((CLIENTS * 4)) "$(wc -l <"$WORK/codes" | tr -d ' ')"
expect_equal "every answer is 201 or 409" "" "$(grep -vE '^(201|409)$' "$WORK/codes" | sort | uniq -c)"
expect_equal "the successful bookings are exactly the capacity" 12 "$(grep -c '^201$' "$WORK/codes")"
expect_equal "the appointments stored are the capacity" 12 \
	"$(sql "SELECT count(*) FROM appointment WHERE slot_id IN (${SLOTS[0]}, ${SLOTS[1]}, ${SLOTS[2]})")"
expect_equal "no slot is over its capacity, and each counts its bookings" "" \
	"$(sql "SELECT s.id FROM slot s WHERE s.schedule_id = $SCHED AND (s.booked > s.capacity
	   OR s.booked <> (SELECT count(*) FROM appointment a WHERE a.slot_id = s.id AND a.state = 'booked'))")"
expect_equal "each slot is full" "5 5 2" \
	"$(sql "SELECT booked FROM slot WHERE schedule_id = $SCHED ORDER BY id" | paste -sd' ')"
expect_equal "no person is booked twice into a slot" "" \
	"$(sql "SELECT slot_id, person_id FROM appointment GROUP BY slot_id, person_id HAVING count(*) > 1")"
expect_equal "each booking is audited" 12 \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'create' AND resource LIKE 'appointment/%' AND result = 'ok'")"
expect_equal "each refusal is audited as a conflict" $((CLIENTS * 4 - 12)) \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'create' AND resource = 'appointment' AND result = 'conflict'")"
