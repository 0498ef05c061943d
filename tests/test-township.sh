#!/bin/sh
# The township's register: two demo villages made apart (`demo --village CODE NAME`)
# share no ID number and no household number; merged into one register (sqlite3
# ATTACH + INSERT, as a township would consolidate them) and as a township demo
# (`demo --villages 2`), `report services --month M --by village` shows a row per
# village and a 合计 equal to the sum, checked against sqlite3's own counts; --village
# filters to one village; --csv is a header, the rows and the total; disputes and
# stars by village likewise; bad codes and bad --by are refused.
# Usage: test-township.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
export SUDO_USER=admin   # the demo's administrator reads every report
month=2026-10
a=$tmp/a.db b=$tmp/b.db t=$tmp/t.db
q() { sqlite3 "$@"; }
check() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }

expect village-a 0 "青岩村（520111101203）" -- "$bin" --db "$a" demo --village 520111101203 青岩村 --residents 1500
expect village-b 0 "摆早村（520111101204）" -- "$bin" --db "$b" demo --village 520111101204 摆早村 --residents 1500
expect bad-code 2 "12 位数字" -- "$bin" --db "$tmp/x.db" demo --village 52011110120 某村
expect no-name 2 "--village 代码 村名" -- "$bin" --db "$tmp/x.db" demo --village 520111101205
check village-code "$(q "$a" "SELECT code || name FROM village")" "520111101203青岩村"
check residents "$(q "$b" "SELECT count(*) FROM resident")" 1500

# two villages made apart never hand out the same ID number or household number
check shared-ids "$(q "$a" "ATTACH '$b' AS b; SELECT count(*) FROM resident r JOIN b.resident s USING (id_number)")" 0
check shared-hh "$(q "$a" "ATTACH '$b' AS b; SELECT count(*) FROM household h JOIN b.household g USING (hh_no)")" 0
check hh-prefix "$(q "$b" "SELECT count(*) FROM household WHERE hh_no NOT LIKE '101204%'")" 0
check same-seed-other-names "$(q "$a" "ATTACH '$b' AS b; SELECT (SELECT group_concat(name) FROM (SELECT name FROM resident ORDER BY id LIMIT 5)) = (SELECT group_concat(name) FROM (SELECT name FROM b.resident ORDER BY id LIMIT 5))")" 0

# the township merges the second village's requests into the first's register
cp "$a" "$t"
q "$t" "ATTACH '$b' AS b;
INSERT INTO village (town_id, code, name) SELECT (SELECT id FROM town WHERE code = '520111101'), code, name FROM b.village;
CREATE TEMP TABLE moved AS SELECT * FROM b.service_request;
UPDATE moved SET id = id + 1000000, resident_id = NULL, visitor_name = coalesce(visitor_name, '摆早村村民'), visitor_phone = coalesce(visitor_phone, '13800000000'),
  village_id = (SELECT id FROM main.village WHERE code = '520111101204');
INSERT INTO service_request SELECT * FROM moved;" || fail "merge failed"
count() { q "$t" "SELECT count(*) FROM service_request s JOIN village v ON v.id = s.village_id
  WHERE substr(s.accepted_on, 1, 7) = '$month' AND ('$1' = '' OR v.code = '$1')"; }
na=$(count 520111101203) nb=$(count 520111101204) nall=$(count '')
run=$((run + 1)); [ "$na" -gt 0 ] && [ "$nb" -gt 0 ] || fail "merged: no requests in $month ($na, $nb)"
check merged-sum "$nall" "$((na + nb))"
out=$("$bin" --db "$t" report services --month $month --by village 2>&1)
row() { printf '%s\n' "$out" | awk -v k="$1" '$0 ~ k { print $3; exit }'; }
check title "$(printf '%s\n' "$out" | head -1)" "便民服务分村统计，$month"
check row-a "$(printf '%s\n' "$out" | awk '$1 == "520111101203" { print $2, $3 }')" "青岩村 $na"
check row-b "$(printf '%s\n' "$out" | awk '$1 == "520111101204" { print $2, $3 }')" "摆早村 $nb"
check total "$(printf '%s\n' "$out" | awk '$1 == "合计" { print $2 }')" "$nall"
# the other figures: closed and good ratings, against sqlite3 counting the requests
closed=$(q "$t" "SELECT count(*) FROM service_request WHERE substr(accepted_on, 1, 7) = '$month' AND status = 'done'")
good=$(q "$t" "SELECT count(*) FROM service_request WHERE substr(accepted_on, 1, 7) = '$month' AND rating >= 4")
check total-closed-good "$(printf '%s\n' "$out" | awk '$1 == "合计" { print $3, $6 }')" "$closed $good"

# --village: one row and its total
out=$("$bin" --db "$t" report services --month $month --by village --village 520111101204 2>&1)
check filter-rows "$(printf '%s\n' "$out" | grep -c '^5201111012')" 1
check filter-row "$(printf '%s\n' "$out" | awk '$1 == "520111101204" { print $3 }')" "$nb"
check filter-total "$(printf '%s\n' "$out" | awk '$1 == "合计" { print $2 }')" "$nb"
expect filter-unknown 1 "没有这个代码的村" -- "$bin" --db "$t" report services --month $month --village 520111101299
expect bad-by 2 "只支持 --by village" -- "$bin" --db "$t" report services --month $month --by grid
expect bad-month 1 "2026-13" -- "$bin" --db "$t" report services --month 2026-13 --by village

# --csv: a header, a row per village, the total last
out=$("$bin" --db "$t" report services --month $month --by village --csv 2>&1)
check csv-head "$(printf '%s\n' "$out" | head -1 | cut -d, -f1-3)" "代码,村,受理"
check csv-a "$(printf '%s\n' "$out" | grep '^520111101203,' | cut -d, -f2,3)" "青岩村,$na"
check csv-total "$(printf '%s\n' "$out" | tail -1 | cut -d, -f2,3)" "合计,$nall"

# the township demo: every village has its requests, cases and a total that adds up
expect township 0 "2 个村" -- "$bin" --db "$tmp/town.db" demo --villages 2 --residents 1200
out=$("$bin" --db "$tmp/town.db" report services --month $month --by village 2>&1)
for code in $(q "$tmp/town.db" "SELECT code FROM village"); do
	want=$(q "$tmp/town.db" "SELECT count(*) FROM service_request s JOIN village v ON v.id = s.village_id
		WHERE v.code = '$code' AND substr(s.accepted_on, 1, 7) = '$month'")
	run=$((run + 1)); [ "$want" -gt 0 ] || fail "township: village $code has no requests in $month"
	check "township-$code" "$(printf '%s\n' "$out" | awk -v c="$code" '$1 == c { print $3 }')" "$want"
done
check township-total "$(printf '%s\n' "$out" | awk '$1 == "合计" { print $2 }')" \
	"$(q "$tmp/town.db" "SELECT count(*) FROM service_request WHERE substr(accepted_on, 1, 7) = '$month'")"
check township-ids "$(q "$tmp/town.db" "SELECT count(*) - count(DISTINCT id_number) FROM resident")" 0
out=$("$bin" --db "$tmp/town.db" report disputes --year 2026 --by village 2>&1)
check disputes-total "$(printf '%s\n' "$out" | awk '$1 == "合计" { print $2 }')" \
	"$(q "$tmp/town.db" "SELECT count(*) FROM dispute_case WHERE year = 2026")"
out=$("$bin" --db "$tmp/town.db" report stars --year 2026 --by village --csv 2>&1)
check stars-total "$(printf '%s\n' "$out" | tail -1 | cut -d, -f2,3)" \
	"合计,$(q "$tmp/town.db" "SELECT count(*) FROM star_household h JOIN star_round r ON r.id = h.round_id WHERE r.year = 2026")"
# the report without --by is the one a village always had
expect plain 0 "便民服务" -- "$bin" --db "$tmp/town.db" report services --month $month

echo "township: $run checks, $failed failed"
[ "$failed" -eq 0 ]
