# tests/lib/population.sh: a population CSV for the districts of the test
# database, for end-to-end tests of the registry's rates.  Source it after
# tap.sh.

# population_csv YEAR...: print district,year,sex,age_group,population for
# every district where persons live, each year, both sexes and the 19 age
# groups, with figures that differ by district, year, sex and age group.
population_csv() {
	local d y s g n
	echo "district,year,sex,age_group,population"
	for d in $(sql "SELECT DISTINCT district FROM person ORDER BY 1"); do
		for y in "$@"; do
			for s in 1 2; do
				n=1000
				for g in 0 1-4 5-9 10-14 15-19 20-24 25-29 30-34 35-39 40-44 45-49 50-54 \
					55-59 60-64 65-69 70-74 75-79 80-84 85+; do
					echo "$d,$y,$s,$g,$n"
					n=$((n + 37 * ${#d} + y % 7 + s))
				done
			done
		done
	done
}
