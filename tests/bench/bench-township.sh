#!/bin/sh
# bench-township.sh: the township's monthly report. A township of 30 villages of 3,000
# residents each (`shanzhi demo --villages 30`, made once and kept) produces
# `report services --month M --by village`, whole process runs timed, median and p99
# printed beside the target (200 ms) and beside a plain `sqlite3` shell running the
# same per-village GROUP BY over the requests. Prints figures; not a test.
#   tests/bench/bench-township.sh PATH/TO/shanzhi [DB] [RUNS]
set -eu
bin=$1
db=${2:-/tmp/shanzhi-bench-township.db}
runs=${3:-50}
export SHANZHI_TODAY=${SHANZHI_TODAY:-2026-11-26} SUDO_USER=admin LANG=zh_CN.UTF-8
month=2026-10
if [ ! -e "$db" ]; then
	echo "making the township: 30 villages of 3,000 residents ($db)"
	"$bin" --db "$db" demo --villages 30 --residents 3000 >/dev/null
fi
echo "township: $(sqlite3 "$db" "SELECT count(*) FROM village") villages," \
	"$(sqlite3 "$db" "SELECT count(*) FROM resident") residents," \
	"$(sqlite3 "$db" "SELECT count(*) FROM service_request") service requests"

# times RUNS runs of a command in ms, one a line, sorted
timed() {
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
		i=$((i + 1))
	done | sort -n
}
# median and p99 in ms of sorted microsecond lines on stdin
stats() {
	awk '{ v[NR] = $1 } END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.99 + 0.999)] / 1000 }'
}
sql="SELECT v.code, v.name, count(s.id), sum(s.status = 'done'), sum(s.status = 'done' AND s.done_on <= s.due_on),
 sum(s.rating IS NOT NULL), sum(s.rating >= 4), sum(s.rating <= 2)
 FROM village v LEFT JOIN service_request s ON s.village_id = v.id AND s.accepted_on LIKE '$month%'
 GROUP BY v.id ORDER BY v.code;"
echo "$runs runs each, whole processes (start, open, query, print):"
set -- $(timed "$bin" --db "$db" report services --month $month --by village | stats)
ours=$1 ours99=$2
set -- $(timed sqlite3 "$db" "$sql" | stats)
shell=$1 shell99=$2
printf '  %-46s median %7.1f ms   p99 %7.1f ms\n' "shanzhi report services --by village" "$ours" "$ours99"
printf '  %-46s median %7.1f ms   p99 %7.1f ms\n' "sqlite3 shell, GROUP BY over service_request" "$shell" "$shell99"
awk -v a="$ours" -v b="$shell" -v p="$ours99" 'BEGIN {
	printf "  ratio shanzhi / sqlite3 (medians): %.2f\n", a / b
	printf "  target: p99 <= 200 ms: %s\n", p <= 200 ? "met" : "NOT met" }'
