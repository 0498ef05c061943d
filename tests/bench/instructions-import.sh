#!/bin/sh
# instructions-import: instructions per row of each thread of `shanzhi import
# residents`, counted by valgrind's callgrind on the first ROWS rows of a roster. Wall
# time on a shared two-core machine varies by 10-30 % from one run to the next; these
# counts do not, so a change of a few per cent to either thread shows. A figure, not
# a test.
#
# usage: instructions-import.sh SHANZHI ROSTER.csv [ROWS]   (default 20000 rows)
# Thread 1 is the main one (it writes the rows, then inserts the search keys into
# the register, builds the deferred indexes and commits); thread 2 makes and sorts
# the search keys of the rows written, and once it has ended valgrind gives its
# number to the thread that merges the keys for the main one; thread 3 reads and
# checks the rows.
set -eu
shanzhi=${1:?usage: instructions-import.sh SHANZHI ROSTER.csv [ROWS]}
roster=${2:?usage: instructions-import.sh SHANZHI ROSTER.csv [ROWS]}
rows=${3:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -n "$((rows + 1))" "$roster" > "$work/roster.csv"
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$work/cg.%p" \
	"$shanzhi" --db "$work/r.db" --operator bench import residents "$work/roster.csv" \
	> "$work/out" 2> "$work/err" || true
tail -n 3 "$work/out"
for f in "$work"/cg.*-*; do
	thread=${f##*-}
	total=$(sed -n 's/^summary: //p' "$f")
	echo "$thread $total $rows" | awk '{
		name = $1 == "01" ? "main (writes, then keys and commit)" : \
		       $1 == "02" ? "keys (makes, sorts), then merge" : \
		       $1 == "03" ? "reader (reads, checks)" : "thread " $1
		printf "%-40s %14.0f instructions, %8.0f per row\n", name, $2, $2 / $3 }'
done
