# tests/cli/pg-partitions.sh: on PostgreSQL, with the person-level tables
# partitioned by district (the distribution key of docs/scaling.md), the hot
# queries of the platform touch one partition only.
#
# The synthetic city is loaded through fangai, then copied into tables
# partitioned by LIST (district), one partition per district, with the
# indexes of the schema.  Each hot query is EXPLAINed with its district given,
# and the partitions named in the plan are counted; the same query without the
# district must touch several, so that the check can fail.
# backends: postgresql
. "$(dirname "$0")/../lib/tap.sh"

pg_only

"$F" init >/dev/null && "$F" synth --persons 400 --seed 5 --screening --quiet >/dev/null
tap $? "synthetic city in PostgreSQL"

# Partitioned copies of the person-level tables of the hot queries.
partition() {	# table, index columns...
	local t=$1 d
	shift
	sql "CREATE TABLE ${t}_part (LIKE $t INCLUDING DEFAULTS) PARTITION BY LIST (district)"
	for d in $(sql "SELECT DISTINCT district FROM person ORDER BY 1"); do
		sql "CREATE TABLE ${t}_part_$d PARTITION OF ${t}_part FOR VALUES IN ('$d')"
	done
	sql "INSERT INTO ${t}_part SELECT * FROM $t"
	for cols in "$@"; do
		sql "CREATE INDEX ON ${t}_part (district, $cols)"
	done
	sql "ANALYZE ${t}_part"
}
partition person "id_type, id_number" "id" >/dev/null
partition followup "institution_id, due_date" "person_id" >/dev/null
partition tumour "person_id" >/dev/null
partition screening_episode "person_id" >/dev/null
partition referral "person_id" >/dev/null
ndistricts=$(sql "SELECT count(DISTINCT district) FROM person")
[ "$ndistricts" -gt 1 ]
tap $? "the city spans several districts ($ndistricts)"

# A person of the city, with the district of their residence.
IFS='|' read -r pid district idnum inst <<<"$(sql "SELECT p.id, p.district, p.id_number,
	p.institution_id FROM person p WHERE p.id_number IS NOT NULL
	AND EXISTS (SELECT 1 FROM screening_episode e WHERE e.person_id = p.id) ORDER BY p.id LIMIT 1")"
[ -n "$pid" ]
tap $? "a person with a screening history ($pid)"

# partitions QUERY: the distinct partitions the plan of QUERY scans.
partitions() {
	sql "EXPLAIN (COSTS OFF) $1" | grep -oE '[a-z_]+_part_[0-9]{6}' | sort -u | wc -l
}

by_id="SELECT id, name FROM person_part WHERE district = '$district' AND id_type = '01'
	AND id_number = '$idnum'"
timeline="SELECT 'tumour', id FROM tumour_part WHERE district = '$district' AND person_id = $pid
	UNION ALL SELECT 'episode', id FROM screening_episode_part
	  WHERE district = '$district' AND person_id = $pid
	UNION ALL SELECT 'followup', id FROM followup_part WHERE district = '$district' AND person_id = $pid
	UNION ALL SELECT 'referral', id FROM referral_part WHERE district = '$district' AND person_id = $pid"
worklist="SELECT f.id, p.name FROM followup_part f JOIN person_part p
	  ON p.district = f.district AND p.id = f.person_id
	WHERE f.district = '$district' AND f.institution_id = $inst AND f.outcome IS NULL
	  AND f.due_date <= '2026-06-30' ORDER BY f.due_date, f.id LIMIT 50"

expect_equal "person by ID number within a district: one partition" 1 "$(partitions "$by_id")"
expect_equal "timeline of a person: one partition of each table" 4 "$(partitions "$timeline")"
expect_equal "worklist of an institution: one partition of each table" 2 "$(partitions "$worklist")"

# The same queries return what the unpartitioned tables return.
expect_equal "person found through its partition" \
	"$(sql "SELECT id FROM person WHERE id_number = '$idnum'")" "$(sql "$by_id" | cut -d'|' -f1)"
n_plain=$(sql "SELECT count(*) FROM screening_episode WHERE person_id = $pid")
n_part=$(sql "SELECT count(*) FROM ($timeline) t(kind, id) WHERE kind = 'episode'")
expect_equal "timeline rows the same as unpartitioned" "$n_plain" "$n_part"

# Without the district, the planner has to visit every partition.
wide=$(partitions "SELECT id FROM person_part WHERE id_type = '01' AND id_number = '$idnum'")
[ "$wide" -eq "$ndistricts" ]
tap $? "without the district the query touches all $ndistricts partitions ($wide)"
