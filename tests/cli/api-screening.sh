#!/usr/bin/env bash
# tests/cli/api-screening.sh: screening episodes over the JSON API and FHIR:
# enrolment and invitation of one person, episodes of a person and of an
# institution with paging, the indicators per programme, institution and
# period, and the FHIR Observation of a screening result and EpisodeOfCare
# of an episode (read and search by patient, date and code), every FHIR
# resource validated against the HL7 FHIR R4 JSON schema.  Each write has
# its refusal naming the field, with nothing stored, and a denial across
# institutions.
# backends: sqlite postgresql
. "$(dirname "$0")/../lib/server.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/screening.sh"

city 300
# Two men of community health centre 14 aged 50-74 on 2026-01-10 (lung programme), and a young one.
man() {
	sql "SELECT min(id) FROM person WHERE institution_id = 14 AND sex = '1' AND vital_status = 'alive'
	     AND birth_date BETWEEN '1952-01-11' AND '1975-01-10' AND id > ${1:-0}"
}
P=$(man); Q=$(man "$P")
YOUNG=$(sql "SELECT min(id) FROM person WHERE institution_id = 14 AND birth_date > '1990-01-01'")
server_start
TC=$(token c14 "$(new_user 14 c14 clinician)")	# community health centre 14, owns P and Q
TO=$(token c10 "$(new_user 10 c10 clinician)")	# community health centre 10
TR=$(token r01 "$(new_user 1 r01 clinician)")	# the cancer centre: the region
J=(-H 'Content-Type: application/json')
as() {
	if [ $# -ge 4 ]; then
		http "$2" "$3" -H "Authorization: Bearer $1" "${J[@]}" -d "$4"
	else
		http "$2" "$3" -H "Authorization: Bearer $1"
	fi
}
body() { cat "$WORK/body"; }
expect_body() {
	if grep -qE -- "$2" "$WORK/body"; then
		echo "ok - $1"
	else
		echo "not ok - $1 (no match for /$2/)"
		sed 's/^/#   /' "$WORK/body" | head -c 2000
		echo
	fi
}
episodes() { sql "SELECT count(*) FROM screening_episode"; }

# --- enrolment and invitation ---
n=$(episodes)
expect_equal "a person outside the target group is refused" 422 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","person":"'$YOUNG'","date":"2026-01-10"}')"
expect_body "  naming the person and the programme" 'not in the target group of programme lung.*"field":"person"'
expect_equal "an unknown member is refused" 400 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","person":"'$P'","colour":"red"}')"
expect_equal "invite must be a boolean" 400 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","person":"'$P'","invite":"yes"}')"
expect_equal "another institution cannot enrol the person" 422 \
	"$(as "$TO" POST /api/screening/enrolments '{"programme":"lung","person":"'$P'","date":"2026-01-10"}')"
expect_equal "an enrolment in the future is refused" 422 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","person":"'$P'","date":"2026-07-01"}')"
expect_equal "nothing was stored by the refusals" "$n" "$(episodes)"
expect_equal "a person is enrolled and invited" 201 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","version":"1","person":"'$P'","date":"2026-01-10"}')"
expect_body "  the episode is invited on the day" '"programme":"lung","programme_version":"1","state":"invited".*"invited_on":"2026-01-10"'
E=$(body | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
expect_equal "the enrolment is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'create' AND resource = 'screening-episode/$E'")"
expect_equal "a second enrolment while the episode is open is refused" 409 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","version":"1","person":"'$P'","date":"2026-01-11"}')"
expect_equal "a person is enrolled as eligible, without an invitation" 201 \
	"$(as "$TC" POST /api/screening/enrolments '{"programme":"lung","version":"1","person":"'$Q'","date":"2026-01-10","invite":false}')"
expect_body "  in state eligible" '"state":"eligible".*"invited_on":null'
expect_equal "the invitation is recorded" 200 \
	"$(as "$TC" POST /api/screening/invitations '{"programme":"lung","person":"'$Q'","date":"2026-01-12"}')"
expect_body "  the episode moves to invited" '"state":"invited".*"invited_on":"2026-01-12"'
expect_equal "inviting twice is refused by the transition table" 409 \
	"$(as "$TC" POST /api/screening/invitations '{"programme":"lung","person":"'$Q'","date":"2026-01-13"}')"
expect_body "  naming the state" 'cannot record invite in screening episode [0-9]+: it is invited'

# --- episodes of a person and of an institution ---
expect_equal "the episodes of a person" 200 "$(as "$TC" GET "/api/screening/episodes?person=$P")"
expect_body "  one episode" '"total":1'
expect_equal "the episodes of the institution, one per page" 200 \
	"$(as "$TC" GET "/api/screening/episodes?institution=14&limit=1&offset=1")"
expect_body "  two in all, the second page holds one" '"total":2,"limit":1,"offset":1'
expect_equal "one episode is read" 200 "$(as "$TC" GET "/api/screening/episodes/$E")"
expect_equal "another institution gets 404 for it" 404 "$(as "$TO" GET "/api/screening/episodes/$E")"
as "$TO" GET "/api/screening/episodes?institution=14" >/dev/null
expect_body "another institution lists none of them" '"total":0'
expect_equal "the region must name a person or an institution" 400 "$(as "$TR" GET "/api/screening/episodes")"
expect_equal "a bad date is refused" 400 "$(as "$TC" GET "/api/screening/episodes?person=$P&from=2026-02-30")"

# --- questionnaire and exam, then the indicators ---
Qs='{"programme":"lung","person":"'$P'","date":"2026-01-20","answers":{"pack_years":"35","passive_smoking_years":"0","copd":"no","occupational_exposure_years":"0","family_history":"no"}}'
expect_equal "the questionnaire" 201 "$(as "$TC" POST /api/screening/questionnaires "$Qs")"
EX='{"programme":"lung","person":"'$P'","date":"2026-02-01","exam_type":"ldct","findings":{"finding":"part_solid","status":"baseline","size_mm":"12.0","solid_mm":"8.0","significant_finding":"yes"}}'
expect_equal "an LDCT exam with an S finding" 201 "$(as "$TC" POST /api/screening/exams "$EX")"
expect_body "  classified 4BS" '"category":"4BS"'
X=$(sql "SELECT max(id) FROM screening_exam")

expect_equal "indicators by programme, institution, year, sex and age" 200 \
	"$(as "$TC" GET "/api/stats/screening?by=institution,year,sex,age&programme=lung&year_from=2026&year_to=2026")"
expect_body "  the lung programme at institution 14 in 2026, men 50-54 or older" '"programme":"lung","institution_id":14,"year":2026,"sex":"1","age_group":"[0-9]+-[0-9]+"'
expect_body "  participation, high-risk rate, uptake, diagnostic compliance" '"participation_rate":[0-9.]+,"high_risk_rate":[0-9.]+,"uptake":[0-9.]+,"diagnostic_compliance":0'
as "$TC" GET "/api/stats/screening?programme=lung" >/dev/null
expect_body "the whole programme: 2 invited, 1 assessed at high risk, 1 screened and referred" \
	'"invited":2,"assessed":1,"high_risk":1,"offered":1,"booked":0,"screened":1,"positive":1,"recalled":0,"referred":1,"referred_diagnosed":0'
expect_body "  participation 1 of 2, compliance with the diagnostic test 0 of 1" '"participation_rate":0.5,"high_risk_rate":1(\.0)?,"uptake":1(\.0)?,"diagnostic_compliance":0(\.0)?,'
expect_equal "an unknown grouping is refused" 400 "$(as "$TC" GET "/api/stats/screening?by=colour")"
as "$TO" GET "/api/stats/screening?programme=lung&institution=14" >/dev/null
expect_body "another institution sees none of institution 14's episodes" '"items":\[\]'

# --- FHIR: the Observation of the result, the EpisodeOfCare of the episode ---
mkdir -p "$WORK/fhir"
expect_equal "the Observation of the exam is read" 200 "$(fhir "$TC" "/fhir/Observation/$X" observation)"
expect_body "  its category coded with the scheme as system" '"valueCodeableConcept":\{"coding":\[\{"system":"urn:fangai:screening-scheme:lung-rads-2022","code":"4BS"\}\]'
expect_body "  the nodule's size as a quantity in mm, the decimal as entered" '"code":"size_mm"\}\]\},"valueQuantity":\{"value":12\.0,"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"\}'
expect_body "  the solid component 8.0 mm" '"code":"solid_mm"\}\]\},"valueQuantity":\{"value":8\.0,'
expect_body "  the nodule type as a code of the scheme's field" '"system":"urn:fangai:screening-scheme:lung-rads-2022:finding","code":"part_solid"'
expect_body "  positive, for the patient, at the institution, in its episode" \
	'"reference":"EpisodeOfCare/'$E'".*"subject":\{"reference":"Patient/'$P'"\},"effectiveDateTime":"2026-02-01","performer":\[\{"reference":"Organization/14"\}\].*"code":"POS"'
expect_equal "another institution gets 404 for the Observation" 404 "$(fhir "$TO" "/fhir/Observation/$X" observation-404)"
expect_equal "Observations searched by patient, date and code" 200 \
	"$(fhir "$TC" "/fhir/Observation?patient=Patient/$P&date=ge2026-01-01&code=urn:fangai:screening-exam|ldct" observation-search)"
expect_body "  find the exam" '"resourceType":"Bundle","type":"searchset","total":1'
fhir "$TC" "/fhir/Observation?patient=$P&date=lt2026-02-01" observation-none >/dev/null
expect_body "  an exam on the day is not before it" '"total":0'
expect_equal "a bad date prefix is refused" 400 "$(fhir "$TC" "/fhir/Observation?date=xx2026-01-01" observation-bad-date)"
expect_body "  an OperationOutcome naming the parameter and the value" '"resourceType":"OperationOutcome".*invalid date \\"xx2026-01-01\\".*"expression":\["date"\]'
# The date parameter repeated, with every prefix and partial dates; the exam is of 2026-02-01, today 2026-06-30.
obs_total() {	# obs_total QUERY: the total of an Observation search of P's exams
	fhir "$TC" "/fhir/Observation?patient=$P&$1" observation-dates >/dev/null
	grep -oE '"total":[0-9]+' "$WORK/body" | cut -d: -f2
}
for c in "date=ge2026-01-01&date=lt2026-03-01 1" "date=ge2026-01-01&date=lt2026-02-01 0" \
	"date=2026-02 1" "date=2026 1" "date=2025 0" "date=eq2026-01 0" "date=ne2026-02 0" "date=ne2026-03 1" \
	"date=gt2026-01 1" "date=gt2026-02 0" "date=le2026-02-01 1" "date=lt2026-02 0" "date=le2026-01 0" \
	"date=sa2026-01-31 1" "date=sa2026-02-01 0" "date=eb2026-02-01 0" "date=eb2026-02-02 1" \
	"date=ap2026-01-20 1" "date=ap2025-06-01 0" "date=ge2026&date=ne2026-01&date=le2026-12-31 1"; do
	expect_equal "Observation?${c% *}: ${c##* } exam" "${c##* }" "$(obs_total "${c% *}")"
done
fhir "$TC" "/fhir/Observation?patient=$P&date=ge2026-01-01&date=lt2026-03-01&_count=1" observation-two-dates >/dev/null
expect_body "  the self link repeats both date values" '"url":"[^"]*date=ge2026-01-01&date=lt2026-03-01'
for bad in 2026-13 2026-02-30 26 2026-2 2026-02-01T10:00 "2026,2027" ge ""; do
	expect_equal "date=$bad is refused" 400 "$(fhir "$TC" "/fhir/Observation?date=ge2026-01-01&date=$bad" observation-bad-date)"
	expect_body "  naming the parameter and the value" "invalid date \\\\\"$bad\\\\\""
done
expect_equal "a second ne is refused" 400 "$(fhir "$TC" "/fhir/Observation?date=ne2026-01&date=ne2026-02" observation-bad-date)"
expect_body "  saying only one is taken" 'Only one ne value can be given'

expect_equal "the EpisodeOfCare is read" 200 "$(fhir "$TC" "/fhir/EpisodeOfCare/$E" episode)"
expect_body "  referred: active, the programme as type, from the enrolment day" \
	'"valueCode":"referred"\}\],"status":"active","type":\[\{"coding":\[\{"system":"urn:fangai:screening-programme","code":"lung"\}\].*"patient":\{"reference":"Patient/'$P'"\},"managingOrganization":\{"reference":"Organization/14"\},"period":\{"start":"2026-01-10"\}'
Q_EP=$(sql "SELECT id FROM screening_episode WHERE person_id = $Q")
fhir "$TC" "/fhir/EpisodeOfCare/$Q_EP" episode-invited >/dev/null
expect_body "an invited episode is planned" '"status":"planned"'
expect_equal "EpisodeOfCare searched by patient, date and type" 200 \
	"$(fhir "$TC" "/fhir/EpisodeOfCare?patient=$P&date=2026-01-10&type=urn:fangai:screening-programme|lung" episode-search)"
expect_body "  finds the episode" '"total":1'
for c in "date=2026-01 1" "date=gt2026-01-10 0" "date=le2026-01-10&date=ge2026 1" "date=ne2026 0" "date=lt2026-01-11&date=gt2026-01-09 1"; do
	fhir "$TC" "/fhir/EpisodeOfCare?patient=$P&${c% *}" episode-dates >/dev/null
	expect_body "EpisodeOfCare?${c% *}: ${c##* } episode" "\"total\":${c##* }[,}]"
done
fhir "$TC" "/fhir/EpisodeOfCare?organization=14&_count=1" episode-page >/dev/null
expect_body "the institution's episodes, one per page, with a next link" '"total":2.*"relation":"next"'
expect_equal "another institution gets 404 for the EpisodeOfCare" 404 "$(fhir "$TO" "/fhir/EpisodeOfCare/$E" episode-404)"
fhir "$TO" "/fhir/EpisodeOfCare?organization=14" episode-other >/dev/null
expect_body "another institution finds none of institution 14's episodes" '"total":0'

# --- a booking of the episode's exam, cancelled ---
"$F" schedule add --institution 14 --service ldct --name "LDCT" >/dev/null
"$F" slot add --schedule "$(sql "SELECT max(id) FROM schedule")" --start 2026-07-01T08:00 --count 1 --capacity 5 >/dev/null
SLOT=$(sql "SELECT max(id) FROM slot")
expect_equal "the LDCT of Q's episode is booked" 201 \
	"$(as "$TC" POST /api/appointments '{"slot":"'$SLOT'","person":"'$Q'","episode":"'$Q_EP'"}')"
APPT=$(sql "SELECT max(id) FROM appointment")
expect_equal "  the episode is booked" "booked|2026-06-30" "$(sql "SELECT state, booked_on FROM screening_episode WHERE id = $Q_EP")"
expect_equal "the appointment is cancelled" 200 "$(as "$TC" POST "/api/appointments/$APPT/cancel" '{"reason":"unwell"}')"
expect_equal "  the episode is invited again, with no booking day" "invited|" \
	"$(sql "SELECT state, coalesce(booked_on, '') FROM screening_episode WHERE id = $Q_EP")"
"$F" screen close lung --person "$Q" --end-code declined >/dev/null
fhir "$TC" "/fhir/EpisodeOfCare/$Q_EP" episode-declined >/dev/null
expect_body "a declined episode is cancelled, its end code kept" '"valueCode":"declined"\}\],"status":"cancelled","type".*"period":\{"start":"2026-01-10","end":"2026-06-30"\}'
fhir "$TC" "/fhir/metadata" metadata >/dev/null
expect_body "the CapabilityStatement lists Observation and EpisodeOfCare" '"type":"Observation".*"type":"EpisodeOfCare"'
rm -f "$WORK"/fhir/*-404.json "$WORK"/fhir/*-bad-date.json
expect_tally_in_step
node "$ROOT/tests/lib/fhir-validate.cjs" "$WORK"/fhir/*.json
