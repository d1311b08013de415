# tests/cli/crash.sh: the crash loop (tests/lib/crash-loop) over each writer
# of tests/crash/: SIGKILL at random moments, then every acknowledged write
# must be present, no batch half-applied, and "fangai check" clean.
# CRASH_CYCLES cycles per writer (default 10; make check-long runs 200).
. "$(dirname "$0")/../lib/tap.sh"
cycles=${CRASH_CYCLES:-10}
dir=$(dirname "$0")/../crash

# Longest random delay before the kill, in ms: for person add, a few
# commands' worth; for synth, 1.2 times an uninterrupted run (auto), so
# that kills land from the first statements to the last commit.
bash "$dir/../lib/crash-loop" "$dir/writer-person-add" "$cycles" 600
bash "$dir/../lib/crash-loop" "$dir/writer-synth" "$cycles" auto
bash "$dir/../lib/crash-loop" "$dir/writer-import" "$cycles" auto
# The server: started, logged in to and written to over HTTP within the cycle.
bash "$dir/../lib/crash-loop" "$dir/writer-server" "$cycles" 3000
