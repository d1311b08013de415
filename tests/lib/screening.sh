# tests/lib/screening.sh: checks shared by the screening test scripts.
# Source it after tap.sh (or server.sh).

# expect_tally_in_step: the screening tally, kept by the library on every
# write of an episode, equals a recount of the stored episodes.
expect_tally_in_step() {
	local recount="SELECT programme_id, institution_id, CAST(substr(started_on, 1, 4) AS INTEGER),
	 coalesce(sex, '0'), coalesce(age, 0),
	 (CASE WHEN invited_on IS NULL THEN 0 ELSE 1 END) + (CASE WHEN assessed_on IS NULL THEN 0 ELSE 2 END)
	 + (CASE WHEN high_risk = 1 THEN 4 ELSE 0 END) + (CASE WHEN booked_on IS NULL THEN 0 ELSE 8 END)
	 + (CASE WHEN screened_on IS NULL THEN 0 ELSE 16 END) + (CASE WHEN positive_on IS NULL THEN 0 ELSE 32 END)
	 + (CASE WHEN recalled_on IS NULL THEN 0 ELSE 64 END) + (CASE WHEN referred_on IS NULL THEN 0 ELSE 128 END),
	 coalesce(diagnosis, ''), coalesce(early, 0), count(*) FROM screening_episode
	 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
	expect_equal "the screening tally equals a recount of the episodes" "$(sql "$recount")" \
		"$(sql "SELECT programme_id, institution_id, year, sex, age, flags, diagnosis, early, n
		        FROM screening_tally WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8")"
	expect_equal "  and the tally counts some episodes" 1 "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM screening_tally WHERE n > 0")"
}
