# tests/lib/tap.sh: helpers for end-to-end test scripts that print TAP lines.
# Source it; it sets $F (the fangai binary) and a fresh $WORK directory.
F=${FANGAI_BIN:?FANGAI_BIN is not set}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export FANGAI_DB="$WORK/test.db"
export FANGAI_TODAY=${FANGAI_TODAY:-2026-06-30}

# Under FANGAI_TEST_BACKEND=postgresql (tests/run's PostgreSQL pass, for the
# scripts marked "# backends: sqlite postgresql"), FANGAI_DB is a fresh
# database on the run's server instead.
. "$(dirname "${BASH_SOURCE[0]}")/db.sh"
test_db "t_$(basename "$0" .sh)" || exit 2

# ok CONDITION-STATUS NAME: print a TAP line for the status of the last check.
tap() {
	if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi
}

# expect_status N NAME COMMAND...: run COMMAND, check its exit status is N.
expect_status() {
	local want=$1 name=$2 got
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit status $got, expected $want)"
		sed 's/^/#   /' "$WORK/out" "$WORK/err" | head -n 20
	fi
}

# expect_output NAME PATTERN: the last command's stdout+stderr matches the grep -E pattern.
expect_output() {
	if cat "$WORK/out" "$WORK/err" | grep -qE -- "$2"; then
		echo "ok - $1"
	else
		echo "not ok - $1 (no match for /$2/)"
		sed 's/^/#   /' "$WORK/out" "$WORK/err" | head -n 20
	fi
}

# expect_equal NAME WANT GOT
expect_equal() {
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1 (expected '$2', got '$3')"; fi
}
