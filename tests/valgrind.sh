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
for args in "--help" "demo --residents 200" "search 王" "search lfl" "search 1234" "check" "--lang en search 霽"; do
	run=$((run + 1))
	# shellcheck disable=SC2086
	$vg "$bin" --db "$tmp/v.db" $args >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 99 ]; then
		failed=$((failed + 1))
		echo "FAIL: valgrind found errors in: shanzhi $args" >&2
		cat "$tmp/out" >&2
	fi
done
# exchange: exports, then imports into a second register (two threads, the bulk load)
for args in "--operator admin export residents $tmp/r.csv --encoding gb18030 --unmasked" \
	"--operator admin export residents $tmp/r.xlsx --unmasked" \
	"--db $tmp/w.db --operator admin import residents $tmp/r.csv" \
	"--db $tmp/x.db --operator admin import residents $tmp/r.xlsx"; do
	run=$((run + 1))
	# shellcheck disable=SC2086
	$vg "$bin" --db "$tmp/v.db" $args >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 99 ] || [ "$rc" -eq 1 ]; then
		failed=$((failed + 1))
		echo "FAIL: valgrind found errors in, or could not run: shanzhi $args" >&2
		cat "$tmp/out" >&2
	fi
done
echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
