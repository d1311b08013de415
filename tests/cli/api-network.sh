#!/usr/bin/env bash
# tests/cli/api-network.sh: the referral network on the JSON API and FHIR,
# end to end on a real server: remote consultation and MDT
# (/api/consultations), the record access an open consultation grants to
# the invited institutions (appears with the invitation, gone at the
# conclusion), publishing schedules and slots (/api/schedules, FHIR
# Schedule), booking a screening recall and a referral straight into a
# slot, rescheduling, the appointment and reminder lists, and the
# network's indicators (/api/stats/network).  Every refusal names its
# field; out-of-scope objects are 404; reads of personal data are audited.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/api.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

city 300
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND vital_status = 'alive'")
# The server's clock (network time): slots of March 2027 are still to come.
export FANGAI_NOW=2027-02-20T09:00
server_start
TC=$(token c14 "$(new_user 14 c14 clinician)")	# community health centre 14, owns P, requests
TH=$(token h02 "$(new_user 2 h02 clinician)")	# hospital 2, invited expert; holds the slots
TO=$(token c10 "$(new_user 10 c10 clinician)")	# community health centre 10, never involved
TR=$(token cc01 "$(new_user 1 cc01 screening)")	# the cancer centre: the region
mkdir -p "$WORK/fhir"

keep() { cp "$WORK/body" "$WORK/fhir/$1.json"; }

# --- Remote consultation and MDT ---
before=$(sql "SELECT count(*) FROM consultation")
expect_equal "a consultation of another institution's person is refused" 422 \
	"$(as "$TO" POST /api/consultations '{"person":"'$P'","kind":"mdt","question":"?"}')"
expect_body "  naming the person" '"field":"person"'
expect_equal "an unknown kind is refused" 422 \
	"$(as "$TC" POST /api/consultations '{"person":"'$P'","kind":"chat","question":"?"}')"
expect_body "  naming the kind" '"field":"kind"'
expect_equal "a consultation without a question is refused" 422 \
	"$(as "$TC" POST /api/consultations '{"person":"'$P'","kind":"mdt"}')"
expect_body "  naming the question" '"field":"question"'
expect_equal "a member the resource does not have is refused" 400 \
	"$(as "$TC" POST /api/consultations '{"person":"'$P'","colour":"red"}')"
expect_body "  naming it" '"field":"colour"'
expect_equal "acting for another institution is refused" 422 \
	"$(as "$TC" POST /api/consultations '{"person":"'$P'","institution":"2","kind":"mdt","question":"?"}')"
expect_body "  naming the institution" '"field":"institution"'
expect_equal "nothing was stored by the refused requests" "$before" "$(sql "SELECT count(*) FROM consultation")"

expect_equal "the centre requests an MDT consultation" 201 \
	"$(as "$TC" POST /api/consultations '{"person":"'$P'","kind":"mdt","question":"Resect the 16 mm nodule?","at":"2027-02-10T09:00"}')"
C=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_body "  requested, no participant, no access granted yet" '"state":"requested".*"participants":\[\],"access":\[\]'
expect_equal "the request is audited" 1 "$(audited create "consultation/$C")"
expect_equal "the hospital does not see the consultation before its invitation" 404 "$(as "$TH" GET "/api/consultations/$C")"
expect_equal "  nor the person" 404 "$(as "$TH" GET "/api/persons/$P")"
expect_equal "the hospital cannot invite itself" 404 \
	"$(as "$TH" POST "/api/consultations/$C/invite" '{"institution":"2","expert":"Dr Wang"}')"
expect_equal "an invitation without an expert is refused" 422 \
	"$(as "$TC" POST "/api/consultations/$C/invite" '{"institution":"2"}')"
expect_body "  naming the expert" '"field":"expert"'
expect_equal "the centre invites a thoracic surgeon of the hospital" 200 \
	"$(as "$TC" POST "/api/consultations/$C/invite" '{"institution":"2","expert":"Dr Wang","specialty":"thoracic surgery","at":"2027-02-10T10:00"}')"
PART=$(body | sed -n 's/.*"participants":\[{"id":\([0-9]*\).*/\1/p')
expect_body "  who is listed, and the hospital is granted access" \
	'"expert":"Dr Wang","specialty":"thoracic surgery".*"access":\[\{"institution_id":2,"granted_at":"2027-02-10T09:00","ends_at":null\}\]'
expect_equal "the invitation is audited" 1 "$(audited invite "consultation/$C")"
expect_equal "  and the grant of access is audited for the hospital" 1 \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'grant_access' AND resource = 'Patient/$P via consultation $C' AND institution_id = 2")"
expect_equal "the same expert cannot be invited twice" 409 \
	"$(as "$TC" POST "/api/consultations/$C/invite" '{"institution":"2","expert":"Dr Wang"}')"
expect_equal "a second expert of the hospital is invited" 200 \
	"$(as "$TC" POST "/api/consultations/$C/invite" '{"institution":"2","expert":"Dr Li","specialty":"oncology"}')"
expect_body "  the hospital holds one grant" '"access":\[\{"institution_id":2,[^]]*\}\]'
expect_equal "  which is not granted again" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'grant_access'")"
expect_equal "the invited hospital reads the consultation" 200 "$(as "$TH" GET "/api/consultations/$C")"
expect_equal "  and the person's record (API)" 200 "$(as "$TH" GET "/api/persons/$P")"
expect_equal "  and through FHIR Patient" 200 "$(as "$TH" GET "/fhir/Patient/$P")"
expect_equal "  the read of the person is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'read' AND resource = 'person/$P' AND institution_id = 2 AND result = 'ok'")"
expect_equal "an uninvolved institution gets 404 for the consultation" 404 "$(as "$TO" GET "/api/consultations/$C")"
expect_equal "  and for the person" 404 "$(as "$TO" GET "/api/persons/$P")"
expect_equal "  and cannot act on it" 404 "$(as "$TO" POST "/api/consultations/$C/cancel" '{"reason":"x"}')"
expect_equal "the invited hospital cannot schedule it" 422 \
	"$(as "$TH" POST "/api/consultations/$C/schedule" '{"session_at":"2027-02-21T14:00"}')"
expect_body "  naming the action" '"field":"action"'
expect_equal "scheduling without a time is refused" 422 "$(as "$TC" POST "/api/consultations/$C/schedule" '{}')"
expect_body "  naming session_at" '"field":"session_at"'
expect_equal "a session before the request is refused" 422 \
	"$(as "$TC" POST "/api/consultations/$C/schedule" '{"session_at":"2027-01-01T14:00"}')"
expect_equal "the centre schedules the session" 200 \
	"$(as "$TC" POST "/api/consultations/$C/schedule" '{"session_at":"2027-02-21T14:00"}')"
expect_body "  scheduled" '"state":"scheduled".*"session_at":"2027-02-21T14:00"'
expect_equal "concluding without an opinion is refused" 422 \
	"$(as "$TC" POST "/api/consultations/$C/conclude" '{"conclusion":"operate"}')"
expect_body "  naming the conclusion" '"field":"conclusion"'
expect_equal "the centre cannot give the hospital expert's opinion" 422 \
	"$(as "$TC" POST "/api/consultations/$C/opinion" '{"participant":"'$PART'","opinion":"operate"}')"
expect_body "  naming the participant" '"field":"participant"'
expect_equal "an opinion without a participant is refused" 422 \
	"$(as "$TH" POST "/api/consultations/$C/opinion" '{"opinion":"operate"}')"
expect_equal "the expert gives an opinion" 200 \
	"$(as "$TH" POST "/api/consultations/$C/opinion" '{"participant":"'$PART'","opinion":"Lobectomy advised.","at":"2027-02-14T15:00"}')"
expect_body "  recorded with its time" '"opinion_at":"2027-02-14T15:00","opinion":"Lobectomy advised."'
expect_equal "  only once" 409 \
	"$(as "$TH" POST "/api/consultations/$C/opinion" '{"participant":"'$PART'","opinion":"again"}')"
expect_equal "an action that does not exist is 404" 404 "$(as "$TC" POST "/api/consultations/$C/explode" '{}')"
expect_equal "the centre's consultations" 200 "$(as "$TC" GET "/api/consultations?state=scheduled")"
expect_body "  list it" '"items":\[\{"id":'"$C"',.*"total":1'
expect_equal "the invited hospital's consultations list it too" 200 "$(as "$TH" GET "/api/consultations")"
expect_body "  once" '"total":1'
expect_equal "an uninvolved institution's list is empty" 200 "$(as "$TO" GET "/api/consultations")"
expect_body "  total 0" '"total":0'
expect_equal "an unknown state is refused" 400 "$(as "$TC" GET "/api/consultations?state=lost")"
expect_body "  naming it" '"field":"state"'
expect_equal "the centre concludes" 200 \
	"$(as "$TC" POST "/api/consultations/$C/conclude" '{"conclusion":"Refer for lobectomy.","at":"2027-02-15T09:00"}')"
expect_body "  concluded, and the access is gone" '"state":"concluded".*"concluded_at":"2027-02-15T09:00".*"access":\[\]'
expect_equal "the conclusion is audited" 1 "$(audited conclude "consultation/$C")"
expect_equal "  with the end of the hospital's access" 1 \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'end_access' AND resource = 'Patient/$P via consultation $C' AND institution_id = 2")"
expect_equal "the ended consultation closes the person to the hospital (API)" 404 "$(as "$TH" GET "/api/persons/$P")"
expect_equal "  and through FHIR" 404 "$(as "$TH" GET "/fhir/Patient/$P")"
expect_equal "the hospital still reads the consultation it took part in" 200 "$(as "$TH" GET "/api/consultations/$C")"
expect_equal "a concluded consultation cannot be cancelled" 409 \
	"$(as "$TC" POST "/api/consultations/$C/cancel" '{"reason":"late"}')"
expect_body "  naming its state" '"field":"state"'
expect_equal "FHIR ServiceRequest of the consultation" 200 "$(as "$TH" GET "/fhir/ServiceRequest/consultation-$C")"
keep consult-servicerequest
expect_body "  a completed consultation order from the centre to the hospital" \
	'"status":"completed","intent":"order","category":\[\{"coding":\[\{"system":"http:\/\/snomed.info\/sct","code":"11429006"'
expect_equal "FHIR Task of the consultation" 200 "$(as "$TH" GET "/fhir/Task/consultation-$C")"
keep consult-task
expect_body "  completed, with the conclusion as its output" '"status":"completed".*"output":\[\{.*"valueString":"Refer for lobectomy."'
expect_equal "FHIR ServiceRequest of the consultation of an uninvolved institution is 404" 404 \
	"$(as "$TO" GET "/fhir/ServiceRequest/consultation-$C")"
expect_equal "FHIR search of the consultations of the person" 200 \
	"$(as "$TC" GET "/fhir/ServiceRequest?patient=$P&category=consultation")"
expect_body "  finds it" '"total":1'

# --- Schedules and slots ---
expect_equal "the hospital publishes an LDCT schedule" 201 \
	"$(as "$TH" POST /api/schedules '{"service":"ldct","name":"Low-dose CT, east wing"}')"
SCHED=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_body "  of its own institution" '"institution_id":2,"service":"ldct","name":"Low-dose CT, east wing","active":true'
expect_equal "  audited" 1 "$(audited create "schedule/$SCHED")"
expect_equal "a service the platform does not offer is refused" 422 \
	"$(as "$TH" POST /api/schedules '{"service":"mri","name":"MRI"}')"
expect_body "  naming the service" '"field":"service"'
expect_equal "publishing for another institution is refused" 422 \
	"$(as "$TH" POST /api/schedules '{"institution":"3","service":"ldct","name":"x"}')"
expect_body "  naming the institution" '"field":"institution"'
expect_equal "another institution cannot publish slots on the schedule" 404 \
	"$(as "$TC" POST "/api/schedules/$SCHED/slots" '{"starts_at":"2027-03-01T08:00"}')"
expect_equal "a capacity that is not an integer is refused" 400 \
	"$(as "$TH" POST "/api/schedules/$SCHED/slots" '{"starts_at":"2027-03-01T08:00","capacity":"two"}')"
expect_body "  naming it" '"field":"capacity"'
slots=$(sql "SELECT count(*) FROM slot")
expect_equal "a count out of range is refused" 422 \
	"$(as "$TH" POST "/api/schedules/$SCHED/slots" '{"starts_at":"2027-03-01T08:00","count":5000}')"
expect_body "  naming it" '"field":"count"'
expect_equal "  nothing stored" "$slots" "$(sql "SELECT count(*) FROM slot")"
expect_equal "the hospital publishes three 30-minute slots of capacity 2" 201 \
	"$(as "$TH" POST "/api/schedules/$SCHED/slots" '{"starts_at":"2027-03-01T08:00","minutes":30,"count":3,"capacity":2}')"
expect_body "  listed back" '"starts_at":"2027-03-01T08:00","ends_at":"2027-03-01T08:30","capacity":2,"booked":0.*"starts_at":"2027-03-01T09:00".*"total":3'
S1=$(sql "SELECT min(id) FROM slot WHERE schedule_id = $SCHED")
S2=$((S1 + 1))
S3=$((S1 + 2))
expect_equal "the network's LDCT schedules" 200 "$(as "$TO" GET "/api/schedules?service=ldct&institution=2")"
expect_body "  list it" '"id":'"$SCHED"','
expect_equal "an unknown service is refused" 400 "$(as "$TO" GET "/api/schedules?service=mri")"
expect_body "  naming it" '"field":"service"'
expect_equal "the free LDCT slots of the hospital on 1 March" 200 \
	"$(as "$TC" GET "/api/slots?service=ldct&institution=2&from=2027-03-01&to=2027-03-02&free=1")"
expect_body "  are the three" '"total":3'

expect_equal "FHIR Schedule read" 200 "$(as "$TC" GET "/fhir/Schedule/$SCHED")"
keep schedule
expect_body "  the hospital's LDCT schedule" '"resourceType":"Schedule","id":"'"$SCHED"'","active":true,"serviceType":\[\{"coding":\[\{"system":"urn:fangai:service","code":"ldct"\}\]\}\],"actor":\[\{"reference":"Organization\/2"\}\]'
expect_equal "FHIR Schedule search by actor, service type and date" 200 \
	"$(as "$TC" GET "/fhir/Schedule?actor=Organization/2&service-type=ldct&date=2027-03-01")"
keep schedule-search
expect_body "  finds it" '"total":1'
expect_equal "  and not on a day without slots" 200 "$(as "$TC" GET "/fhir/Schedule?actor=Organization/2&date=2027-03-02")"
expect_body "  total 0" '"total":0'
expect_equal "  the month of the slots, two date values" 200 \
	"$(as "$TC" GET "/fhir/Schedule?actor=Organization/2&date=ge2027-03&date=lt2027-04")"
expect_body "  finds it" '"total":1'
expect_equal "  date=ne is not taken by Schedule" 400 "$(as "$TC" GET "/fhir/Schedule?date=ne2027-03-01")"
expect_body "  naming the parameter and the value" 'invalid date \\"ne2027-03-01\\"'
expect_equal "FHIR Schedule search with a bad actor" 400 "$(as "$TC" GET "/fhir/Schedule?actor=Patient/x")"
expect_body "  is an OperationOutcome" '"resourceType":"OperationOutcome"'
expect_equal "FHIR Schedule that does not exist" 404 "$(as "$TC" GET "/fhir/Schedule/999999")"
expect_equal "FHIR Slot search of the schedule" 200 "$(as "$TC" GET "/fhir/Slot?schedule=Schedule/$SCHED")"
keep slot-search
expect_body "  lists its three slots" '"total":3'

# --- A screening recall and a referral book straight into a slot ---
D=$(sql "SELECT district FROM person WHERE id = $P")
"$F" screen enrol lung --version 1 --district "$D" --institution 14 --date 2026-01-10 >/dev/null
S=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND district = '$D' AND birth_date BETWEEN '1956-01-11' AND '1971-01-10' AND vital_status = 'alive'")
Q='{"programme":"lung","person":"'$S'","date":"2026-01-20","answers":{"pack_years":35,"years_since_quit":null,"passive_smoking_years":0,"copd":"no","occupational_exposure_years":0,"family_history":"no"}}'
expect_equal "a high-risk questionnaire is recorded" 201 "$(as "$TC" POST /api/screening/questionnaires "$Q")"
EXAM='{"programme":"lung","person":"'$S'","date":"2026-02-01","exam_type":"ldct","findings":{"finding":"solid","status":"baseline","size_mm":"7.0"}}'
expect_equal "a Lung-RADS 3 screening exam is recorded" 201 "$(as "$TC" POST /api/screening/exams "$EXAM")"
expect_body "  recalled for LDCT in 6 months" '"category":"3"'
EP=$(sql "SELECT max(id) FROM screening_episode WHERE person_id = $S")
expect_equal "an episode of another person is refused" 422 \
	"$(as "$TC" POST /api/appointments '{"slot":"'$S1'","person":"'$P'","episode":"'$EP'"}')"
expect_body "  naming the episode" '"field":"episode"'
expect_equal "the recall of the episode is booked into the LDCT slot" 201 \
	"$(as "$TC" POST /api/appointments '{"slot":"'$S1'","person":"'$S'","episode":"'$EP'"}')"
A1=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_body "  carrying the episode" '"episode_id":'"$EP"
R='{"person":"'$P'","to":"2","kind":"diagnosis","reason":"Lung-RADS 4B nodule"}'
expect_equal "the centre refers P up to the hospital" 201 "$(as "$TC" POST /api/referrals "$R")"
REF=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_equal "the hospital accepts" 200 "$(as "$TH" POST "/api/referrals/$REF/accept" '{"version":1}')"
expect_equal "the hospital schedules the referral straight into a slot" 200 \
	"$(as "$TH" POST "/api/referrals/$REF/schedule" '{"version":2,"slot":"'$S1'"}')"
expect_body "  scheduled at the slot's time" '"state":"scheduled".*"appointment_at":"2027-03-01T08:00"'
A2=$(sql "SELECT id FROM appointment WHERE referral_id = $REF")
expect_equal "  booking it for the referral" 1 "$(sql "SELECT count(*) FROM appointment WHERE referral_id = $REF AND slot_id = $S1 AND state = 'booked'")"
expect_equal "the slot is now full" 409 "$(as "$TC" POST /api/appointments '{"slot":"'$S1'","person":"'$(sql "SELECT max(id) FROM person WHERE institution_id = 14")'"}')"

expect_equal "the recall is moved to the next slot" 200 \
	"$(as "$TC" POST "/api/appointments/$A1/reschedule" '{"slot":"'$S2'"}')"
expect_body "  which it now holds" '"slot_id":'"$S2"',.*"state":"booked"'
expect_equal "rescheduling without a slot is refused" 422 "$(as "$TC" POST "/api/appointments/$A1/reschedule" '{}')"
expect_body "  naming the slot" '"field":"slot"'
expect_equal "  and the first slot has a place again" 1 "$(sql "SELECT booked FROM slot WHERE id = $S1")"

expect_equal "the centre's appointments" 200 "$(as "$TC" GET "/api/appointments?state=booked")"
expect_body "  list both, masked" '"total":2' 
expect_body "  phones masked" '"masked":true'
expect_equal "  audited as a search" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'search' AND resource LIKE 'appointment?%n=2' AND institution_id = 14")"
expect_equal "the hospital's appointments (it holds the slots)" 200 "$(as "$TH" GET "/api/appointments?institution=2")"
expect_body "  list both" '"total":2'
expect_equal "an uninvolved institution's appointments" 200 "$(as "$TO" GET /api/appointments)"
expect_body "  are none" '"total":0'
expect_equal "an unknown state is refused" 400 "$(as "$TC" GET "/api/appointments?state=lost")"
expect_body "  naming it" '"field":"state"'
expect_equal "the reminder list of the next two weeks" 200 "$(as "$TC" GET "/api/appointments/reminders?days=14&unmask=1")"
expect_body "  holds both, unmasked for a clinician" '"masked":false.*"total":2'
expect_equal "  audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'search' AND resource LIKE 'appointment-reminders?%unmask=1' AND institution_id = 14")"
expect_equal "the reminder list of the next two days" 200 "$(as "$TC" GET "/api/appointments/reminders?days=2")"
expect_body "  is empty" '"total":0'
expect_equal "a reminder window beyond 60 days is refused" 400 "$(as "$TC" GET "/api/appointments/reminders?days=90")"
expect_body "  naming days" '"field":"days"'

# --- FHIR Appointment create: the same booking ---
FA='{"resourceType":"Appointment","status":"booked","slot":[{"reference":"Slot/'$S3'"}],"participant":[{"actor":{"reference":"Patient/'$P'"},"status":"accepted"}]}'
FJ=(-H 'Content-Type: application/fhir+json')
fhir_post() { http POST /fhir/Appointment -H "Authorization: Bearer $1" "${FJ[@]}" -d "$2"; }
expect_equal "a FHIR Appointment without a slot reference is refused" 400 "$(fhir_post "$TC" "${FA/Slot\//Schedule/}")"
expect_body "  with an OperationOutcome naming Appointment.slot" '"resourceType":"OperationOutcome".*"expression":\["Appointment.slot"\]'
expect_equal "a FHIR Appointment without a Patient is refused" 422 "$(fhir_post "$TC" "${FA/Patient\//Practitioner/}")"
expect_body "  naming Appointment.participant" '"expression":\["Appointment.participant"\]'
expect_equal "a proposed FHIR Appointment is refused" 422 "$(fhir_post "$TC" "${FA/"booked"/"proposed"}")"
expect_equal "a FHIR Appointment for a person out of scope is refused" 422 "$(fhir_post "$TO" "$FA")"
expect_equal "FHIR Appointment create books the Patient into the slot" 201 "$(fhir_post "$TC" "$FA")"
keep appointment-created
expect_body "  booked, in the slot" '"resourceType":"Appointment","id":"[0-9]+","status":"booked".*"slot":\[\{"reference":"Slot\/'"$S3"'"\}\]'
A3=$(sed -n 's/.*"resourceType":"Appointment","id":"\([0-9]*\)".*/\1/p' "$WORK/body")
expect_equal "  audited" 1 "$(audited create "appointment/$A3")"
expect_equal "  and the slot counts it" 1 "$(sql "SELECT booked FROM slot WHERE id = $S3")"
expect_equal "the same FHIR Appointment again is a conflict" 409 "$(fhir_post "$TC" "$FA")"
expect_body "  with an OperationOutcome" '"resourceType":"OperationOutcome"'

# --- After the slots: attendance, no-show, and the indicators ---
server_stop
export FANGAI_NOW=2027-03-01T12:00
server_start
expect_equal "the referral's appointment is attended" 200 "$(as "$TH" POST "/api/appointments/$A2/attend" '{}')"
expect_equal "  which records the referral's attendance" attended "$(sql "SELECT state FROM referral WHERE id = $REF")"
expect_equal "the recall is a no-show" 200 "$(as "$TH" POST "/api/appointments/$A1/no_show" '{}')"
expect_equal "a closed appointment cannot be rescheduled" 409 \
	"$(as "$TC" POST "/api/appointments/$A1/reschedule" '{"slot":"'$S3'"}')"

expect_equal "the region's network indicators" 200 "$(as "$TR" GET "/api/stats/network?from=2027-01-01&to=2027-04-01")"
keep_stats=$(body)
expect_body "  the consultation turnaround of the centre: 5 days" \
	'"consultations":\[\{"institution_id":14,[^]]*"requested":1,"concluded":1,"cancelled":0,"open":0,"turnaround":\{"n":1,"median_days":5(\.0)?,'
expect_body "  the LDCT slots of the hospital: 6 places, 3 booked, one attended, one no-show" \
	'"bookings":\[\{"institution_id":2,[^}]*"service":"ldct","slots":3,"capacity":6,"booked":3,"attended":1,"no_show":1,"cancelled":0,"utilisation":0\.5,"no_show_rate":0\.5'
expect_body "  the referral received by the hospital, attended" '"referrals":\[\{"institution_id":2,[^]]*"referrals":1,"open":1'
expect_body "  the region's totals and the screen-to-test figure" '"institution_id":null,"institution":.*"screen_to_test":\{"available":true'
expect_equal "the centre's own indicators" 200 "$(as "$TC" GET "/api/stats/network?from=2027-01-01")"
expect_body "  hold its consultation row" '"consultations":\[\{"institution_id":14,'
expect_body "  and nothing of other institutions or the region" '"referrals":\[\],"consultations":\[\{[^]]*\}\],"bookings":\[\],"screen_to_test":null'
expect_equal "an unreadable bound is refused" 400 "$(as "$TR" GET "/api/stats/network?from=soon")"
expect_body "  naming it" '"field":"from"'
expect_equal "the indicators need the statistics capability" 403 \
	"$(as "$(token aud "$(new_user 1 aud auditor)")" GET /api/stats/network)"

node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
