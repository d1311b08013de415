# tests/lib/ids.sh: test data for scripts that write persons.  Source it.

# resident_id D17: the 18-character resident ID number (GB 11643-1999) with
# the 17 digits D17 and their ISO 7064 MOD 11-2 check character.
resident_id() {
	local d=$1 sum=0 i
	local -a w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
	local checks=10X98765432
	for i in $(seq 0 16); do
		sum=$((sum + ${d:i:1} * w[i]))
	done
	echo "$d${checks:sum % 11:1}"
}

# test_name N: a distinct two- or three-character name for the number N.
test_name() {
	local given=明华强伟芳娜敏静丽军杰涛超勇艳秀英霞平刚
	echo "王${given:$(($1 % 20)):1}${given:$(($1 / 20 % 20)):1}"
}
