#!/usr/bin/env bash
# tests/cli/tnm-lung9.sh: the lung stage groups of the TNM 9th edition
# (data/tnm/lung-9.csv) against the 8th (lung-8.csv) over every T x N x M
# combination: the 9th edition splits N2 into N2a/N2b and M1c into M1c1/M1c2
# and rearranges only groups IIA, IIB, IIIA and IIIB (Radiology Assistant,
# "TNM classification 9th edition", Mets and Smithuis 2025; IASLC, Rami-Porta et
# al. J Thorac Oncol 2024). Every other combination keeps its 8th-edition group,
# and the four cells that move are those of the IASLC proposals.
. "$(dirname "$0")/../lib/tap.sh"

stage() {	# EDITION T N M: the stage group, empty when none applies
	"$F" registry stage --format csv --site lung --edition "$1" --t "$2" --n "$3" --m "$4" 2>/dev/null |
		tail -n 1 | cut -d, -f9
}

moved=""
outside=0
for t in TX Tis T1mi T1a T1b T1c T2a T2b T3 T4; do
	for n in N0 N1 N2 N3; do
		for m in M0 M1a M1b M1c; do
			s8=$(stage 8 $t $n $m)
			n9=$n m9=$m
			[ $n = N2 ] && n9="N2a N2b"
			[ $m = M1c ] && m9="M1c1 M1c2"
			for a in $n9; do
				for b in $m9; do
					s9=$(stage 9 $t $a $b)
					[ "$s8" = "$s9" ] && continue
					moved="$moved $t/$a/$b:$s8>$s9"
					case "$s8 $s9" in
					IIA\ * | IIB\ * | IIIA\ * | IIIB\ *) ;;
					*) outside=$((outside + 1)) ;;
					esac
					case "$s9" in IIA | IIB | IIIA | IIIB) ;; *) outside=$((outside + 1)) ;; esac
				done
			done
		done
	done
done
expect_equal "every change from the 8th edition stays within IIA, IIB, IIIA and IIIB" 0 "$outside"
expect_equal "the cells that move are T1 N1, T1 N2a, T2 N2b and T3 N2a" \
	"T1mi/N1/M0:IIB>IIA T1mi/N2a/M0:IIIA>IIB T1a/N1/M0:IIB>IIA T1a/N2a/M0:IIIA>IIB T1b/N1/M0:IIB>IIA T1b/N2a/M0:IIIA>IIB T1c/N1/M0:IIB>IIA T1c/N2a/M0:IIIA>IIB T2a/N2b/M0:IIIA>IIIB T2b/N2b/M0:IIIA>IIIB T3/N2a/M0:IIIB>IIIA" \
	"$(echo $moved)"
