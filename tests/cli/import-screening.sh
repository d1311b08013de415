#!/usr/bin/env bash
# tests/cli/import-screening.sh: fangai import of screening exams -- a GB18030 file with
# Chinese headings imported into one database and the same exams recorded by
# "fangai screen exam" into another give the same exams, classifications, episodes and
# indicators; the import killed midway (SIGKILL) then run again loses and doubles nothing;
# imported again, it records nothing twice.  Today is fixed at 2026-06-30.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/import.sh"
export FANGAI_TODAY=2026-06-30

HAND="$WORK/hand.db"
city() {	# the same city, enrolled in cervical screening, in database $1
	FANGAI_DB=$1 "$F" init >/dev/null && FANGAI_DB=$1 "$F" synth --persons 20000 --seed 5 --quiet >/dev/null &&
		for d in $(FANGAI_DB=$1 sql "SELECT DISTINCT district FROM person ORDER BY district"); do
			FANGAI_DB=$1 "$F" screen enrol cervix --district "$d" --institution 1 --date 2026-01-10 >/dev/null || return 1
		done
}
city "$HAND" && city "$FANGAI_DB"
tap $? "two databases of the same city, its women enrolled in cervical screening"

# One exam per enrolled woman, cycling through results that close, recall and refer.
sql "SELECT p.id_number FROM screening_episode e JOIN person p ON p.id = e.person_id ORDER BY e.id" |
	awk -F, 'BEGIN { split("negative hpv16_18 other_hr other_hr negative negative", h, " ");
			 split("nilm nilm ascus nilm hsil lsil", c, " ") }
		 { k = NR % 6 + 1; d = 1 + NR % 28;
		   printf "E%d,%s,2026-02-%02d,%s,%s\n", NR, $1, d, h[k], c[k] }' >"$WORK/rows.csv"
rows=$(wc -l <"$WORK/rows.csv")
[ "$rows" -ge 3000 ]
tap $? "$rows exams to record"
{ echo 'person,date,hpv,cytology'; cut -d, -f2- "$WORK/rows.csv"; } >"$WORK/hand.csv"
{ echo '检查编号,身份证号码,检查日期,HPV结果,细胞学结果'; cat "$WORK/rows.csv"; } |
	iconv -f UTF-8 -t GB18030 >"$WORK/exams.csv"

FANGAI_DB=$HAND "$F" screen exam cervix hpv_cytology "$WORK/hand.csv" >/dev/null
tap $? "the exams recorded by fangai screen exam"

# Kill the import midway, then run it again.
kill_midway "kind = 'exams'" 1000 "$rows" \
	"$F" import exams "$WORK/exams.csv" --programme cervix --exam-type hpv_cytology --source lab --batch-rows 200 --quiet
tap $? "the import was killed midway ($state)"
expect_equal "what was committed matches the resume point" "${state#running }" \
	"$(sql "SELECT count(*) FROM screening_exam")"

expect_status 0 "run again" "$F" import exams "$WORK/exams.csv" --programme cervix --exam-type hpv_cytology \
	--source lab --batch-rows 200 --quiet
expect_output "it resumed and read the file as GB18030" \
	"\(GB18030\) into batch [0-9]+ \(resumed\): $rows rows, $rows inserted, 0 matched by ID number, 0 updated, 0 unchanged, 0 refused"
expect_equal "every exam arrived once" "$rows $rows" \
	"$(sql "SELECT count(*) || ' ' || count(DISTINCT episode_id) FROM screening_exam")"
expect_equal "one source record per exam" "$rows" "$(sql "SELECT count(*) FROM source_record WHERE kind = 'exams'")"

exams_sql="SELECT person_id, institution_id, exam_type, exam_date, findings, scheme, category, management,
	coalesce(recall_months, -1), positive, referral FROM screening_exam ORDER BY person_id"
episodes_sql="SELECT person_id, state, coalesce(end_code, ''), coalesce(screened_on, ''), coalesce(positive_on, ''),
	coalesce(referred_on, ''), coalesce(recalled_on, ''), coalesce(next_due, ''), coalesce(closed_on, '')
	FROM screening_episode ORDER BY person_id"
expect_equal "the same exams and classifications as recorded by hand" \
	"$(FANGAI_DB=$HAND sql "$exams_sql" | md5sum)" "$(sql "$exams_sql" | md5sum)"
expect_equal "the same episodes moved on in the same way" \
	"$(FANGAI_DB=$HAND sql "$episodes_sql" | md5sum)" "$(sql "$episodes_sql" | md5sum)"
expect_equal "results that close, recall and refer" "closed recalled referred" \
	"$(sql "SELECT group_concat(state, ' ') FROM (SELECT DISTINCT state FROM screening_episode ORDER BY state)")"
expect_equal "the same indicators" \
	"$(FANGAI_DB=$HAND "$F" screen indicators --programme cervix --by institution,year --format csv)" \
	"$("$F" screen indicators --programme cervix --by institution,year --format csv)"

expect_status 0 "the finished file imported again" "$F" import exams "$WORK/exams.csv" --programme cervix \
	--exam-type hpv_cytology --source lab --quiet
expect_output "records nothing twice" "$rows rows, 0 inserted, 0 matched by ID number, 0 updated, $rows unchanged, 0 refused"
expect_equal "still one exam per episode" "$rows" "$(sql "SELECT count(*) FROM screening_exam")"
