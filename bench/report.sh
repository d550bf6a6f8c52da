#!/bin/bash
# report.sh - bench/RESULTS.md and one chart per kernel, from the bench's results.
#
#   bench/report.sh [RESULTS_DIR [OUT]]     (default bench/results, bench/RESULTS.md)
#
# Reads every RESULTS_DIR/*.tsv: bench/run.sh's on this machine's kernel, and those that
# `make bench-kernels` writes from the kernels it boots under QEMU, in the same format:
# "# key: value" lines about the run (kernel, machine, commit, date, load, settings), a
# header line, then one line per measure:
#   kernel section measure value unit ratio op goal verdict spread
# ("-" where a row has none).  Writes OUT: per kernel, the run's facts, the chart and a
# table with every measure, its ratio, spread, goal and PASS/SHORT; then
# RESULTS_DIR/notes.md (hand-written: how to read it, and the evidence for what is out of
# reach).  The chart (gnuplot, SVG so that it diffs and renders as it is) puts every ratio
# on one logarithmic axis: a dot for the median, a bar for its spread over the repeats, a
# tick for its goal; green where the goal holds, red where it is short, grey where the row
# has no goal (the comparisons with the floor, host-direct and pasta).
#
# Only reads and writes files; needs gnuplot for the charts (without it the tables are
# still written, and say so).
set -eu
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-$bench_dir/results}
out=${2:-$bench_dir/RESULTS.md}
shopt -s nullglob
files=("$dir"/*.tsv)
[[ ${#files[@]} -gt 0 ]] || { echo "report: no $dir/*.tsv (run bench/run.sh first)" >&2; exit 1; }

# meta FILE KEY: the value of a "# KEY: value" line
meta() { sed -n "s/^# $2: //p" "$1" | head -n 1; }
# rows FILE: the measure lines
rows() { grep -v '^#' "$1" | awk -F'\t' 'NR > 1 || $1 != "kernel"'; }

# chart FILE SVG: every true ratio (not a count compared with a count) against its goal
chart() {
	local data
	data=$(mktemp)
	rows "$1" | awk -F'\t' '
		$6 != "-" && $6 != $4 && $6 + 0 > 0 {
			n++
			lo = hi = $6
			if ($10 != "-") { split($10, s, "-"); lo = s[1]; hi = s[2] }
			class = ($9 == "PASS") ? 2 : ($9 == "SHORT") ? 1 : 3
			label = $2 ": " $3
			sub(/ \([^()]*\)$/, "", label)	# "(1 jail: ...)": in the table
			if (length(label) > 84)
				label = substr(label, 1, 81) "..."
			rows[n] = sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", $6, lo, hi, ($8 == "-") ? "NaN" : $8, class, label, $7)
		}
		END {
			# first row at the top
			for (i = 1; i <= n; i++)
				print (n - i + 1) "\t" rows[i]
		}' >"$data"
	local n
	n=$(wc -l <"$data")
	if [[ $n -eq 0 ]]; then
		rm -f "$data"
		return 1
	fi
	gnuplot <<EOF
set terminal svg size 1100,$((n * 18 + 170)) font "sans,11" background "white"
set output "$2"
set termoption noenhanced
set datafile separator "\t"
set title "netjail on $(meta "$1" kernel): ratios against their goals (log scale)"
set logscale x
set xrange [0.02:60]
set yrange [0.3:$n + 0.7]
set grid xtics
set xtics ("0.05" 0.05, "0.1" 0.1, "0.25" 0.25, "0.5" 0.5, "0.8" 0.8, "1" 1, "1.25" 1.25, "2" 2, "4" 4, "10" 10, "40" 40)
set ytics nomirror font "sans,9"
set lmargin 62
set key outside bottom center horizontal maxrows 2 font "sans,10"
set arrow from 1, graph 0 to 1, graph 1 nohead lc rgb "#888888" dt 2
set linetype 1 lc rgb "#c62828"
set linetype 2 lc rgb "#2e7d32"
set linetype 3 lc rgb "#757575"
plot "$data" using 2:1:3:4:6:ytic(7) with xerrorbars lc variable pt -1 notitle, \
     "" using 2:(\$1 - 0.28):(0):(0.56):6 with vectors nohead lw 5 lc variable notitle, \
     "" using 5:(\$1 - 0.42):(0):(0.84) with vectors nohead lw 2 lc rgb "#000000" notitle, \
     NaN with lines lw 5 lc rgb "#2e7d32" title "ratio, goal holds (thin bar: spread)", \
     NaN with lines lw 5 lc rgb "#c62828" title "ratio, short of the goal", \
     NaN with lines lw 5 lc rgb "#757575" title "ratio, no goal", \
     NaN with lines lw 2 lc rgb "#000000" title "goal (>= or <=, the row says which)"
EOF
	rm -f "$data"
}

# table FILE: markdown, one row per measure, a bold line per section
table() {
	echo "| measure | value | ratio | spread | goal | verdict |"
	echo "|---|---|---|---|---|---|"
	rows "$1" | awk -F'\t' '
		{
			if ($2 != last) { printf "| **%s** | | | | | |\n", $2; last = $2 }
			unit = ($5 == "-") ? "" : " " $5
			g = ($7 == "-") ? "" : $7 " " $8
			v = ($9 == "-") ? "" : ($9 == "SHORT") ? "**SHORT**" : $9
			printf "| %s | %s%s | %s | %s | %s | %s |\n", $3, $4, unit, ($6 == "-") ? "" : $6, ($10 == "-") ? "" : $10, g, v
		}'
}

{
	echo "# netjail benchmark: last runs"
	echo
	echo "Written by \`make bench\` (bench/run.sh on this machine's kernel, then bench/report.sh);"
	echo "the other kernels' results come from \`make bench-kernels\` (QEMU).  Every ratio is a"
	echo "median of alternating runs; its spread is the range of the ratio over the repeats."
	echo "The machine is shared: see each run's load."
	for f in "${files[@]}"; do
		kernel=$(meta "$f" kernel)
		[[ -n $kernel ]] || kernel=$(basename "$f" .tsv)
		name=$(basename "$f" .tsv)
		echo
		echo "## $kernel"
		echo
		for key in machine commit date load settings "host state"; do
			value=$(meta "$f" "$key")
			[[ -n $value ]] && echo "- $key: $value"
		done
		summary=$(rows "$f" | awk -F'\t' '$9 == "PASS" { p++ } $9 == "SHORT" { s++ } END { printf "%d PASS, %d SHORT", p, s }')
		echo "- goals: $summary"
		echo
		if command -v gnuplot >/dev/null && chart "$f" "$dir/$name.svg"; then
			echo "![ratios against their goals on $kernel](results/$name.svg)"
			echo
		elif ! command -v gnuplot >/dev/null; then
			echo "(no chart: gnuplot is missing; make deps-bench)"
			echo
		fi
		table "$f"
	done
	if [[ -f $dir/notes.md ]]; then
		echo
		cat "$dir/notes.md"
	fi
} >"$out.new"
mv "$out.new" "$out"
echo "report: $out from ${#files[@]} result file(s)" >&2
