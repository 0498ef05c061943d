#!/bin/sh
# The subcommands under valgrind: no invalid access, no leak at exit.
# Usage: valgrind.sh PATH/TO/shanzhi
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SHANZHI_TODAY=2026-11-26 LANG=zh_CN.UTF-8
vg="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
failed=0 run=0

# under_valgrind BAD_STATUSES ARGS: runs shanzhi on the register with ARGS (split on
# spaces); a status among BAD_STATUSES (99: valgrind's errors) fails the check.
under_valgrind() {
	bad=$1 args=$2
	run=$((run + 1))
	# shellcheck disable=SC2086
	$vg "$bin" --db "$tmp/v.db" $args >"$tmp/out" 2>&1
	rc=$?
	case " $bad " in
	*" $rc "*)
		failed=$((failed + 1))
		echo "FAIL: valgrind found errors in, or could not run: shanzhi $args (status $rc)" >&2
		cat "$tmp/out" >&2
		;;
	esac
}

# 50 residents: one partial import batch (256 rows) as 200 gave, every demo part and a
# 王 for the search, in half the time under valgrind
for args in "--help" "demo --residents 50" "search 王" "search lfl" "search 1234" "check" "--lang en search 霽"; do
	under_valgrind 99 "$args"
done
# exchange: exports, then imports into a second register (two threads, the bulk load);
# here a status of 1 (nothing written) fails too
for args in "--operator admin export residents $tmp/r.csv --encoding gb18030 --unmasked --reason 低保年审" \
	"--operator admin export residents $tmp/r.xlsx --unmasked --reason 低保年审" \
	"--db $tmp/w.db --operator admin import residents $tmp/r.csv" \
	"--db $tmp/x.db --operator admin import residents $tmp/r.xlsx"; do
	under_valgrind "99 1" "$args"
done
echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
