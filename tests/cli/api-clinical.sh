#!/usr/bin/env bash
# tests/cli/api-clinical.sh: the clinical resources of the server end to end
# on a real server: tumours (/api/tumours, FHIR Condition), referrals
# (/api/referrals, FHIR ServiceRequest and Task), the follow-up worklist,
# screening classifiers, records and worklists, and booking.
# Each has its happy path, a denial across institutions (404, searches
# empty with total 0), field-level 4xx for bad input with nothing stored,
# and audit entries.  A referral opens its person, tumour and Condition to
# the receiving hospital once accepted and closes them when it ends.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/api.sh"

city 300
P=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND birth_date < '1975-01-01' AND vital_status = 'alive'")
ELSEWHERE=$(sql "SELECT min(id) FROM person WHERE institution_id = 10")
server_start
TC=$(token c14 "$(new_user 14 c14 clinician)")	# community health centre 14, owns P
TH=$(token h02 "$(new_user 2 h02 clinician)")	# hospital 2, receives the referral
TO=$(token c10 "$(new_user 10 c10 clinician)")	# community health centre 10, never involved
J=(-H 'Content-Type: application/json')


# --- Tumours ---
TUMOUR='{"person":"'$P'","incidence_date":"2025-03-02","topography":"C34.1","morphology":"8070","behaviour":"3","basis":"7","t":"T2a","n":"N0","m":"M0"}'
expect_equal "a tumour is registered through the API" 201 "$(as "$TC" POST /api/tumours "$TUMOUR")"
T=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_body "the saved tumour carries its ICD-10 code and stage" '"icd10":"C341".*"stage":"IB"'
expect_body "the saved tumour returns its check findings" '"findings":\['
expect_equal "the registration is audited" 1 "$(audited create "tumour/$T")"
expect_equal "the owner reads the tumour" 200 "$(as "$TC" GET "/api/tumours/$T")"
expect_equal "the read is audited" 1 "$(audited read "tumour/$T")"
expect_equal "another institution gets 404 for the tumour" 404 "$(as "$TO" GET "/api/tumours/$T")"
expect_equal "the denied read is audited as notfound" 1 "$(audited read "tumour/$T" notfound)"
expect_equal "another institution cannot list the person's tumours" 404 "$(as "$TO" GET "/api/persons/$P/tumours")"
expect_equal "the owner lists the person's tumours" 200 "$(as "$TC" GET "/api/persons/$P/tumours")"
expect_body "  finding the tumour" '"total":1'

before=$(sql "SELECT count(*) FROM tumour")
expect_equal "an invalid topography is refused" 422 \
	"$(as "$TC" POST /api/tumours "${TUMOUR/C34.1/C99.9}")"
expect_body "  naming the field" '"field":"topography"'
expect_equal "a person of another institution is refused" 422 \
	"$(as "$TC" POST /api/tumours "${TUMOUR/\"$P\"/\"$ELSEWHERE\"}")"
expect_body "  naming the field person" '"field":"person"'
expect_equal "an unknown member is refused" 400 "$(as "$TC" POST /api/tumours '{"person":"1","colour":"red"}')"
expect_body "  naming it" '"field":"colour"'
expect_equal "a number where text is expected is refused" 400 "$(as "$TC" POST /api/tumours '{"person":1}')"
expect_equal "a stage category the table does not know is refused" 422 \
	"$(as "$TC" POST /api/tumours "${TUMOUR/T2a/T9}")"
expect_equal "nothing was stored by the refused requests" "$before" "$(sql "SELECT count(*) FROM tumour")"

expect_equal "FHIR Condition read" 200 "$(as "$TC" GET "/fhir/Condition/$T")"
expect_body "  codes ICD-10, ICD-O-3 and the clinical stage group" \
	'"resourceType":"Condition".*icd-o-3.*"code":"8070\/3".*icd-10","code":"C34.1".*"code":"C34.1".*"stage":\[\{"summary":\{"text":"IB"\},"assessment":\[\{"reference":"#t"\}.*"code":"21908-9"'
expect_equal "FHIR Condition of another institution is 404" 404 "$(as "$TO" GET "/fhir/Condition/$T")"
expect_equal "FHIR Condition search by patient" 200 "$(as "$TC" GET "/fhir/Condition?patient=Patient/$P")"
expect_body "  is a searchset with the tumour" '"type":"searchset","total":1'
expect_equal "FHIR Condition search of another institution" 200 "$(as "$TO" GET "/fhir/Condition?patient=$P")"
expect_body "  finds nothing" '"total":0'

# --- Referrals, and the access they grant ---
REF='{"person":"'$P'","to":"2","kind":"suspected_cancer","reason":"nodule on low-dose CT","tumour":"'$T'"}'
expect_equal "the hospital cannot see the person before the referral" 404 "$(as "$TH" GET "/api/persons/$P")"
expect_equal "a referral is requested" 201 "$(as "$TC" POST /api/referrals "$REF")"
R=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_body "  in state requested at version 1" '"state":"requested".*"version":1'
expect_equal "the request is audited" 1 "$(audited create "referral/$R")"
expect_equal "an uninvolved institution gets 404 for the referral" 404 "$(as "$TO" GET "/api/referrals/$R")"
expect_equal "an uninvolved institution cannot accept it" 404 \
	"$(as "$TO" POST "/api/referrals/$R/accept" '{"version":1}')"
expect_equal "an uninvolved institution's referral search is empty" 200 "$(as "$TO" GET /api/referrals)"
expect_body "  with a total of 0" '"total":0'
expect_equal "the referring centre cannot accept its own referral" 422 \
	"$(as "$TC" POST "/api/referrals/$R/accept" '{"version":1}')"
expect_body "  naming the action" '"field":"action"'
expect_equal "an action that does not exist is 404" 404 "$(as "$TH" POST "/api/referrals/$R/frobnicate" '{"version":1}')"
expect_equal "a transition without a version is refused" 428 "$(as "$TH" POST "/api/referrals/$R/accept" '{}')"
expect_equal "a rejection without a reason is refused" 422 "$(as "$TH" POST "/api/referrals/$R/reject" '{"version":1}')"
expect_body "  naming the reason" '"field":"reason"'
expect_equal "the hospital accepts the referral" 200 "$(as "$TH" POST "/api/referrals/$R/accept" '{"version":1}')"
expect_body "  now accepted at version 2, with its events" '"state":"accepted".*"version":2,"events":\[.*"action":"accept"'
expect_equal "the acceptance is audited" 1 "$(audited accept "referral/$R")"
expect_equal "a stale version is a conflict" 409 "$(as "$TH" POST "/api/referrals/$R/schedule" '{"version":1,"appointment_at":"2030-01-02T09:00"}')"
expect_equal "a stale If-Match is 412" 412 \
	"$(http POST "/api/referrals/$R/schedule" -H "Authorization: Bearer $TH" -H 'If-Match: W/"1"' "${J[@]}" -d '{"appointment_at":"2030-01-02T09:00"}')"
expect_equal "the hospital's incoming referrals" 200 "$(as "$TH" GET "/api/referrals?box=incoming&state=accepted")"
expect_body "  list it" '"total":1'
expect_equal "an unknown box is refused" 400 "$(as "$TH" GET "/api/referrals?box=sideways")"
expect_equal "an unknown state is refused" 400 "$(as "$TH" GET "/api/referrals?state=lost")"

expect_equal "the accepted referral opens the person to the hospital (API)" 200 "$(as "$TH" GET "/api/persons/$P")"
expect_equal "  and through FHIR Patient" 200 "$(as "$TH" GET "/fhir/Patient/$P")"
expect_equal "  and the tumour it is about" 200 "$(as "$TH" GET "/api/tumours/$T")"
expect_equal "  and its FHIR Condition" 200 "$(as "$TH" GET "/fhir/Condition/$T")"
expect_equal "  but not to an uninvolved institution" 404 "$(as "$TO" GET "/fhir/Patient/$P")"
expect_equal "FHIR ServiceRequest read" 200 "$(as "$TH" GET "/fhir/ServiceRequest/$R")"
expect_body "  an active order from the centre to the hospital" \
	'"status":"active","intent":"order".*"requester":\{"reference":"Organization\/14"\},"performer":\[\{"reference":"Organization\/2"\}\]'
expect_equal "FHIR ServiceRequest search by patient" 200 "$(as "$TC" GET "/fhir/ServiceRequest?patient=$P&box=outgoing")"
expect_body "  finds it" '"total":1'
expect_equal "FHIR Task of the referral" 200 "$(as "$TH" GET "/fhir/Task/$R")"
expect_body "  accepted, focused on the ServiceRequest, owned by the hospital" \
	'"status":"accepted".*"focus":\{"reference":"ServiceRequest\/'"$R"'"\}.*"owner":\{"reference":"Organization\/2"\}'
expect_equal "FHIR Task search of the hospital" 200 "$(as "$TH" GET "/fhir/Task?patient=$P")"
expect_body "  finds it" '"total":1'
expect_equal "FHIR Task of an uninvolved institution is 404" 404 "$(as "$TO" GET "/fhir/Task/$R")"
expect_equal "FHIR ServiceRequest of an uninvolved institution is 404" 404 "$(as "$TO" GET "/fhir/ServiceRequest/$R")"

expect_equal "the referring centre cancels the referral" 200 \
	"$(as "$TC" POST "/api/referrals/$R/cancel" '{"version":2,"reason":"seen elsewhere"}')"
expect_body "  now cancelled" '"state":"cancelled"'
expect_equal "the ended referral closes the person to the hospital (API)" 404 "$(as "$TH" GET "/api/persons/$P")"
expect_equal "  and through FHIR Patient" 404 "$(as "$TH" GET "/fhir/Patient/$P")"
expect_equal "  and the tumour" 404 "$(as "$TH" GET "/api/tumours/$T")"
expect_equal "  and its FHIR Condition" 404 "$(as "$TH" GET "/fhir/Condition/$T")"
expect_equal "the hospital still sees the referral it received" 200 "$(as "$TH" GET "/api/referrals/$R")"
expect_equal "FHIR ServiceRequest of the cancelled referral is revoked" 200 "$(as "$TC" GET "/fhir/ServiceRequest/$R")"
expect_body "  status revoked" '"status":"revoked"'
expect_equal "FHIR Task of the cancelled referral" 200 "$(as "$TH" GET "/fhir/Task/$R")"
expect_body "  is cancelled" '"status":"cancelled","businessStatus":\{"text":"cancelled"\}'

# --- Screening classifiers ---
expect_equal "a Lung-RADS finding is classified without storing" 200 \
	"$(as "$TC" POST /api/screening/classify/lung-rads-2022 '{"finding":"solid","status":"baseline","size_mm":"6.0"}')"
expect_body "  as category 3 (Lung-RADS v2022)" '"category":"3","management":"ldct_in_6_months","recall_months":6,"positive":true'
expect_equal "  numbers may be sent as JSON numbers" 200 \
	"$(as "$TC" POST /api/screening/classify/lung-rads-2022 '{"finding":"solid","status":"baseline","size_mm":5.9}')"
expect_body "  category 2 below 6 mm" '"category":"2"'
expect_equal "an out-of-range size is refused" 422 \
	"$(as "$TC" POST /api/screening/classify/lung-rads-2022 '{"finding":"solid","status":"baseline","size_mm":"900"}')"
expect_body "  naming the field" '"field":"size_mm"'
expect_equal "a field the scheme does not have is refused" 400 \
	"$(as "$TC" POST /api/screening/classify/lung-rads-2022 '{"colour":"red"}')"
expect_body "  naming it" '"field":"colour"'
expect_equal "a scheme that does not exist is 404" 404 "$(as "$TC" POST /api/screening/classify/..%2Fetc '{}')"
expect_equal "a scheme's fields are described" 200 "$(as "$TC" GET /api/screening/schemes/bi-rads)"
expect_equal "the programmes are listed" 200 "$(as "$TC" GET /api/screening/programmes)"
expect_body "  with their exams and classifiers" '"code":"lung".*"scheme":"'
expect_equal "classifying needs a login" 401 "$(http POST /api/screening/classify/bi-rads "${J[@]}" -d '{}')"

# --- Follow-up worklist ---
"$F" followup enrol --person "$P" --plan cancer-standard --start 2025-03-01 >/dev/null
tap $? "the person is enrolled in a follow-up plan of its centre"
expect_equal "the centre's follow-up worklist" 200 "$(as "$TC" GET "/api/followup/worklist?as_of=2026-12-31&limit=2")"
expect_body "  lists the person's visits, paged, oldest first" '^\{"items":\[\{"id":[0-9]+,"plan_id":[0-9]+,"plan":"cancer-standard","person_id":'"$P"'.*"seq":1,"due":"2025-06-01".*"total":[0-9]+,"limit":2,"offset":0'
expect_body "  with the phone masked" '"phone":"[0-9]{3}\*+[0-9]{4}"'
expect_equal "the worklist read is audited" 1 \
	"$(audited search "followup-worklist?institution=14&n=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$WORK/body")")"
expect_equal "another institution's worklist does not list them" 200 "$(as "$TO" GET "/api/followup/worklist?as_of=2026-12-31")"
expect_body "  total 0" '"total":0'
expect_equal "an invalid as_of is refused" 400 "$(as "$TC" GET "/api/followup/worklist?as_of=2026-02-30")"
expect_body "  naming the parameter" '"field":"as_of"'
expect_equal "a window beyond a year is refused" 400 "$(as "$TC" GET "/api/followup/worklist?window=9999")"

# --- Screening records and worklists ---
D=$(sql "SELECT district FROM person WHERE id = $P")
S=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND district = '$D' AND birth_date BETWEEN '1956-01-11' AND '1971-01-10' AND vital_status = 'alive'")
"$F" screen enrol lung --version 1 --district "$D" --institution 14 --date 2026-01-10 >/dev/null
tap $? "the lung programme is enrolled in the centre's district"
Q='{"programme":"lung","person":"'$S'","date":"2026-01-20","answers":{"pack_years":35,"years_since_quit":null,"passive_smoking_years":0,"copd":"no","occupational_exposure_years":0,"family_history":"no"}}'
expect_equal "a risk questionnaire is recorded" 201 "$(as "$TC" POST /api/screening/questionnaires "$Q")"
expect_body "  35 pack-years are high risk" '"high_risk":true'
EXAM='{"programme":"lung","person":"'$S'","date":"2026-02-01","exam_type":"ldct","findings":{"finding":"solid","status":"baseline","size_mm":"16.0"}}'
exams=$(sql "SELECT count(*) FROM screening_exam")
expect_equal "an exam of another institution's person is refused" 422 "$(as "$TO" POST /api/screening/exams "$EXAM")"
expect_body "  naming the person" '"field":"person"'
expect_equal "a size out of range is refused" 422 "$(as "$TC" POST /api/screening/exams "${EXAM/16.0/300.5}")"
expect_body "  naming the field" '"field":"size_mm"'
expect_equal "findings that are not an object are refused" 400 \
	"$(as "$TC" POST /api/screening/exams '{"programme":"lung","person":"'$S'","findings":[1]}')"
expect_equal "nothing was stored by the refused exams" "$exams" "$(sql "SELECT count(*) FROM screening_exam")"
expect_equal "an LDCT exam is recorded" 201 "$(as "$TC" POST /api/screening/exams "$EXAM")"
expect_body "  classified Lung-RADS 4B, to be referred" '"category":"4B".*"referral":true'
expect_equal "the exam is audited" 1 "$(audited create "screening-exam?person=$S")"
expect_equal "the centre's failsafe worklist" 200 "$(as "$TC" GET "/api/screening/worklist?kind=failsafe&as_of=2026-11-01")"
expect_body "  lists the referred person" '"person_id":'"$S"',"institution_id":14,"programme":"lung"'
expect_equal "another institution's failsafe worklist" 200 "$(as "$TO" GET "/api/screening/worklist?kind=failsafe&as_of=2026-11-01")"
expect_body "  is empty" '"total":0'
expect_equal "an unknown worklist is refused" 400 "$(as "$TC" GET "/api/screening/worklist?kind=everything")"

# --- Booking ---
"$F" schedule add --institution 2 --service ldct --name "LDCT clinic" >/dev/null
SCHED=$(sql "SELECT max(id) FROM schedule")
"$F" slot add --schedule "$SCHED" --start 2027-03-01T08:00 --capacity 1 >/dev/null
SLOT=$(sql "SELECT max(id) FROM slot")
expect_equal "free LDCT slots of the hospital" 200 \
	"$(as "$TC" GET "/api/slots?institution=2&service=ldct&from=2027-03-01T00:00&to=2027-03-02T00:00&free=1")"
expect_body "  list the new slot" '"id":'"$SLOT"',"schedule_id":'"$SCHED"',"institution_id":2,"service":"ldct","starts_at":"2027-03-01T08:00"'
expect_equal "an unknown service is refused" 400 "$(as "$TC" GET "/api/slots?service=mri")"
expect_body "  naming it" '"field":"service"'
expect_equal "an unreadable time is refused" 400 "$(as "$TC" GET "/api/slots?from=tomorrow")"
expect_equal "a person of another institution cannot be booked" 422 \
	"$(as "$TC" POST /api/appointments '{"slot":"'$SLOT'","person":"'$ELSEWHERE'"}')"
expect_body "  naming the person" '"field":"person"'
expect_equal "a booking without a slot is refused" 422 "$(as "$TC" POST /api/appointments '{"person":"'$P'"}')"
expect_body "  naming the slot" '"field":"slot"'
expect_equal "the centre books its person into the slot" 201 \
	"$(as "$TC" POST /api/appointments '{"slot":"'$SLOT'","person":"'$P'","note":"LDCT for the 4B nodule"}')"
A=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_body "  booked, the phone masked" '"state":"booked".*"masked":true'
expect_equal "the booking is audited" 1 "$(audited create "appointment/$A")"
expect_equal "the full slot refuses another booking" 409 \
	"$(as "$TC" POST /api/appointments '{"slot":"'$SLOT'","person":"'$S'"}')"
expect_equal "the hospital holding the slot reads the appointment" 200 "$(as "$TH" GET "/api/appointments/$A")"
expect_equal "an uninvolved institution gets 404 for it" 404 "$(as "$TO" GET "/api/appointments/$A")"
expect_equal "  and cannot cancel it" 404 "$(as "$TO" POST "/api/appointments/$A/cancel" '{"reason":"x"}')"
expect_equal "an action that does not exist is 404" 404 "$(as "$TC" POST "/api/appointments/$A/explode" '{}')"
expect_equal "attendance before the slot begins is refused" 422 "$(as "$TC" POST "/api/appointments/$A/attend" '{}')"
expect_equal "the centre cancels the appointment" 200 "$(as "$TC" POST "/api/appointments/$A/cancel" '{"reason":"moved away"}')"
expect_body "  now cancelled" '"state":"cancelled"'
expect_equal "the cancellation is audited" 1 "$(audited cancel "appointment/$A")"
