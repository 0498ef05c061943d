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
# a resident's move between two villages through their township: out, up, down, in
for v in "a 520111101201 龙井村" "b 520111101202 摆托村"; do
	set -- $v
	"$bin" --db "$tmp/$1.db" demo --village "$2" "$3" --residents 30 >/dev/null 2>&1
	"$bin" --db "$tmp/$1.db" sync init --village "$2" --name "$3" >/dev/null 2>&1
	"$bin" --db "$tmp/$1.db" sync export "$tmp/${1}1.szp" >/dev/null 2>&1
	"$bin" --db "$tmp/t.db" sync init --township 520111101 --name 青岩镇 >/dev/null 2>&1
	"$bin" --db "$tmp/t.db" sync apply "$tmp/${1}1.szp" >/dev/null 2>&1
done
rid=$(sqlite3 "$tmp/a.db" "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id WHERE h.head_id <> r.id LIMIT 1")
for args in "--db $tmp/a.db resident move-out $rid --to 520111101202 --reason 婚迁" "--db $tmp/a.db sync export $tmp/a2.szp" \
	"--db $tmp/t.db sync apply $tmp/a2.szp" "--db $tmp/t.db sync transfers" \
	"--db $tmp/t.db sync down-export --village 520111101202 $tmp/d1.szp" "--db $tmp/b.db sync apply $tmp/d1.szp" \
	"--db $tmp/b.db resident transfer-history $rid" "--db $tmp/b.db resident move-in $rid --new-household 1012029001"; do
	under_valgrind "99 1 2 3" "$args"
done
echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
