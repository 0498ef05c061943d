#!/bin/sh
# bench-ledger.sh: the declared-register benchmark (bench-ledger.c: a register of
# 1,000,000 records, first screenful p50/p99 with and without a search, a yearly
# report), then the same screenful as a plain LIKE scan in the sqlite3 shell, for the
# ratio. Prints figures; not a test.
#   tests/bench/bench-ledger.sh BUILD_DIR [DB]
set -eu
build=$1
db=${2:-/tmp/shanzhi-bench-ledger-1m.db}
root=$(cd "$(dirname "$0")/../.." && pwd)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
SOURCE_ROOT=$root SHANZHI_FORMS=$root/forms SHANZHI_FORMS_LOCAL=/nonexistent \
	SHANZHI_LOCALEDIR=$build/locale "$build/tests/bench-ledger" "$db" 200
echo "sqlite3 shell, a plain LIKE scan (the same screenful, no engine), 5 runs each:"
shell() {
	label=$1 sql=$2
	best=$(for i in 1 2 3 4 5; do
		printf '.timer on\n%s\n' "$sql" | sqlite3 "$db" 2>&1 | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p'
	done | sort -n | sed -n 3p)
	printf '  %-44s median %8.2f ms\n' "$label" "$(echo "$best * 1000" | bc -l)"
}
cols="id, number, state, due, date, worker, household_id, found"
shell "first screenful" "SELECT $cols FROM ledger_bench_visit ORDER BY date DESC, id DESC LIMIT 20;" >&1
shell "LIKE a common word (无异常)" "SELECT $cols FROM ledger_bench_visit WHERE found LIKE '%无异常%' OR worker LIKE '%无异常%' ORDER BY date DESC, id DESC LIMIT 20;"
shell "LIKE a word none hold (火灾)" "SELECT $cols FROM ledger_bench_visit WHERE found LIKE '%火灾%' OR worker LIKE '%火灾%' ORDER BY date DESC, id DESC LIMIT 20;"
shell "LIKE scan, no index (火灾, NOT INDEXED)" "SELECT $cols FROM ledger_bench_visit NOT INDEXED WHERE found LIKE '%火灾%' OR worker LIKE '%火灾%' ORDER BY date DESC, id DESC LIMIT 20;"
shell "LIKE a number's digits (123456)" "SELECT $cols FROM ledger_bench_visit WHERE number LIKE '%123456%' ORDER BY date DESC, id DESC LIMIT 20;"
shell "yearly report query" "SELECT worker, count(*), sum(state = 'open') FROM ledger_bench_visit WHERE date BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY 1 ORDER BY 2 DESC;"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
