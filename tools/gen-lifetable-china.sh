#!/bin/sh
# tools/gen-lifetable-china.sh: derive data/survival/lifetable-china-wpp2024.csv,
# the Chinese population life table for relative and net survival, from the
# United Nations World Population Prospects 2024 death rates of China by sex
# and 5-year age group kept verbatim in data/survival/wpp2024/ (see its
# README.md for the source).
#
#   sh tools/gen-lifetable-china.sh > data/survival/lifetable-china-wpp2024.csv
#
# Expansion to single years of age: the death rate (mx) of an age group is
# taken as a constant hazard over the group, so each single year of age in it
# gets the group's rate (0; 1-4; 5-9; ... 95-99; 100+ as the open age 100).
# Each 5-year period (1 July t to 30 June t+5) becomes the rows of year t.
set -eu
dir=${1:-data/survival/wpp2024}
first=1990	# first period kept (1990-1995)
last=2020	# last period kept (2020-2025)
cat <<HEADER
# Life table of China by sex, single year of age and calendar year: annual death rates (mx).
# Source: United Nations, Department of Economic and Social Affairs, Population Division (2024).
# World Population Prospects 2024, https://population.un.org/wpp/ ; the 5-year age groups and
# legacy 5-year periods of the wpp2024 R package (datasets mxM5 and mxF5, files data-raw/mxM5.txt
# and mxF5.txt; China, location code 156), kept verbatim in data/survival/wpp2024/; retrieved
# 2026-12-07 from the package's repository github.com/PPgp/wpp2024, commit 56a0673da3d5.
# Licence: Creative Commons CC BY 3.0 IGO (c) 2024 United Nations, DESA, Population Division.
# Derived by tools/gen-lifetable-china.sh: each age group's rate is taken as a constant hazard over
# the group, so every single year of age in it carries the group's rate (0; 1-4; 5-9; ... 95-99;
# 100 = 100+, the open last age). The period from 1 July t to 30 June t+5 is given as year t
# (its rates apply from 1 January t until the next year in the table, half a year earlier than
# the period). Years $first-$last (periods $first-1995 to $last-2025; 2020-2025 holds the COVID-19
# years and, from mid-2024, the WPP medium-variant projection). The source gives 0.999999 for men
# aged 100+ in the periods 1990-1995 to 2005-2010, a ceiling rather than an estimate; kept as published.
year,sex,age,mx
HEADER
for sex in 1 2; do
	case $sex in 1) file=$dir/mxM5-china.txt ;; 2) file=$dir/mxF5-china.txt ;; esac
	awk -F'\t' -v sex="$sex" -v first="$first" -v last="$last" '
		NR == 1 {
			for (i = 4; i <= NF; i++)
				col[substr($i, 1, 4) + 0] = i
			next
		}
		{
			from = $3 + 0
			to = $3 == "100+" ? 100 : (from == 0 ? 0 : (from == 1 ? 4 : from + 4))
			for (y = first; y <= last; y += 5)
				for (a = from; a <= to; a++)
					out[y, a] = $(col[y])
		}
		END {
			for (y = first; y <= last; y += 5)
				for (a = 0; a <= 100; a++)
					print y "," sex "," a "," out[y, a]
		}' "$file"
done | sort -t, -k1,1n -k2,2n -k3,3n
