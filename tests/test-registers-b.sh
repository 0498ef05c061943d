#!/bin/sh
# The shipped 村寨管家 and 文明实践 registers (forms/registers/steward_*, waste_*,
# practice_*) end to end on a demo village: teams, stewards and the households they
# serve (a second team place or second steward refused), 垃圾分类 rounds and a
# survey in a month and year the demo leaves empty, whose 参与率, 投放准确率 and
# 知晓率 reports are computed on those known rounds; an activity with participants;
# points earned and redeemed, a redemption beyond the balance refused naming it;
# the demo's own year of records; check-forms with every shipped register.
# Usage: test-registers-b.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"

db=$tmp/b.db
sz() { "$bin" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }
sz demo --residents 300 >/dev/null 2>&1 || fail "demo"

# the demo's year: teams, stewards, rounds over twelve months, two surveys, points
same demo-teams 5 "$(q "SELECT count(*) FROM ledger_steward_team")"
same demo-rounds-months 12 "$(q "SELECT count(DISTINCT substr(date, 1, 7)) FROM ledger_waste_round")"
same demo-survey-years "2025 2026" "$(q "SELECT group_concat(year, ' ') FROM (SELECT DISTINCT year FROM ledger_waste_survey ORDER BY 1)")"
same demo-audited 0 "$(q "SELECT count(*) FROM ledger_waste_round r WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.tbl = 'ledger_waste_round' AND a.row_id = r.id)")"
same demo-no-overdraft 0 "$(q "SELECT count(*) FROM (SELECT household_id FROM ledger_practice_points GROUP BY 1 HAVING sum(CASE source WHEN '9' THEN -points ELSE points END) < 0)")"
run=$((run + 1))
[ "$(q "SELECT count(*) FROM ledger_practice_points WHERE source = '9'")" -gt 0 ] || fail "the demo redeems no points"
expect menu-groups 0 "村寨管家" -- sz ledger
expect menu-groups-2 0 "文明实践" -- sz ledger

# 村寨管家: a team, two stewards, the households they serve
r1=$(q "SELECT id FROM resident WHERE living_status = '1' ORDER BY id DESC LIMIT 1")
r2=$(q "SELECT id FROM resident WHERE living_status = '1' ORDER BY id DESC LIMIT 1 OFFSET 1")
expect team-add 0 "管家队06" -- sz ledger steward_team add name=测试队 kind=5
team=$(q "SELECT id FROM ledger_steward_team WHERE name = '测试队'")
expect team-kind 0 "建筑工匠" -- sz ledger steward_team list --search 测试队
expect member-add 0 "管家011" -- sz ledger steward_member add team_id=$team resident_id=$r1
expect member-add-2 0 "管家012" -- sz ledger steward_member add team_id=$team resident_id=$r2
expect member-twice 3 "该村民已在本队" -- sz ledger steward_member add team_id=$team resident_id=$r1
m1=$(q "SELECT id FROM ledger_steward_member WHERE number = '管家011'")
m2=$(q "SELECT id FROM ledger_steward_member WHERE number = '管家012'")
# four households the demo leaves unserved and without points, the last of the register
set -- $(q "SELECT hh_no FROM household h WHERE NOT EXISTS (SELECT 1 FROM ledger_steward_serve s WHERE s.household_id = h.id) AND NOT EXISTS (SELECT 1 FROM ledger_practice_points p WHERE p.household_id = h.id) ORDER BY hh_no DESC LIMIT 4")
h1=$1 h2=$2 h3=$3 h4=$4
expect serve-add 0 "已保存" -- sz ledger steward_serve add member_id=$m1 household_id=$h1
sz ledger steward_serve add member_id=$m1 household_id=$h2 >/dev/null 2>&1 || fail "serve h2"
sz ledger steward_serve add member_id=$m2 household_id=$h3 >/dev/null 2>&1 || fail "serve h3"
sz ledger steward_serve add member_id=$m2 household_id=$h4 >/dev/null 2>&1 || fail "serve h4"
expect serve-twice 3 "该户已有联系管家" -- sz ledger steward_serve add member_id=$m2 household_id=$h1

# rounds in 2025-06 (before the demo's year): the steward is the household's own;
# put out 3 of 4 (75.0 %), sorted correctly 2 of the 3 put out (66.7 %)
expect round-1 0 "已保存" -- sz ledger waste_round add date=2025-06-01 household_id=$h1 put_out=1 sorted=1 kinds=1,4
same round-steward "$m1" "$(q "SELECT member_id FROM ledger_waste_round WHERE date = '2025-06-01' AND household_id = (SELECT id FROM household WHERE hh_no = '$h1')")"
sz ledger waste_round add date=2025-06-01 household_id=$h2 put_out=1 sorted=0 kinds=4 >/dev/null 2>&1 || fail "round 2"
sz ledger waste_round add date=2025-06-01 household_id=$h3 put_out=0 >/dev/null 2>&1 || fail "round 3"
sz ledger waste_round add date=2025-06-15 household_id=$h4 put_out=1 sorted=1 kinds=2 >/dev/null 2>&1 || fail "round 4"
expect round-needs-sorted 3 "分类正确" -- sz ledger waste_round add date=2025-06-15 household_id=$h1 put_out=1
expect round-future 3 "巡查日期不能晚于今天" -- sz ledger waste_round add date=2026-12-31 household_id=$h1 put_out=0
expect rates-team 0 "测试队  4         3         75.0     2             66.7" -- sz report waste_rates_month --month 2025-06
expect rates-village 0 "全村    4         3         75.0     2             66.7" -- sz report waste_rates_month --month 2025-06
same rates-csv "2025-06,4,75.0,66.7" "$(sz report waste_rates_year --year 2025 --csv | tr -d '\r' | grep '^2025-06')"
# the team's two stewards apart: 管家011 served h1 (sorted) and h2 (not), 管家012 h3 (out) and h4
same rates-by-steward "$m1:2:2:1 $m2:2:1:1" "$(q "SELECT group_concat(member_id || ':' || n || ':' || o || ':' || c, ' ') FROM (SELECT member_id, count(*) n, sum(put_out = '1') o, sum(sorted = '1') c FROM ledger_waste_round WHERE date LIKE '2025-06%' GROUP BY 1 ORDER BY 1)")"
# 知晓率 of 2024: 3 of 4 households know
for h in $h1 $h2 $h3; do sz ledger waste_survey add year=2024 household_id=$h knows=1 >/dev/null 2>&1 || fail "survey $h"; done
sz ledger waste_survey add year=2024 household_id=$h4 knows=0 >/dev/null 2>&1 || fail "survey h4"
expect survey-twice 3 "该户本年度已调查" -- sz ledger waste_survey add year=2024 household_id=$h1 knows=0
expect awareness 0 "2024  4         3         75.0" -- sz report waste_awareness

# 文明实践: an activity, its participants (one resident once), volunteer hours
expect activity-add 0 "实践2026-" -- sz ledger practice_activity add date=2026-11-20 kind=3 topic=敬老院义务劳动 place=敬老院 points=8
act=$(q "SELECT max(id) FROM ledger_practice_activity")
expect part-add 0 "已保存" -- sz ledger practice_participant add activity_id=$act resident_id=$r1 hours=2.5
sz ledger practice_participant add activity_id=$act resident_id=$r2 hours=3 >/dev/null 2>&1 || fail "participant 2"
expect part-twice 3 "该村民已登记参加本次活动" -- sz ledger practice_participant add activity_id=$act resident_id=$r1
expect part-hours 3 "时长在0至24小时之间" -- sz ledger practice_participant add activity_id=$act resident_id=$r2 hours=30
# the month's activities: the demo's and this one, its two participants' 5.5 hours added
want=$(q "SELECT '2026-11,2,' || (count(*) + 2) || ',' || round(sum(hours) + 5.5, 1) FROM ledger_practice_participant p JOIN ledger_practice_activity a ON a.id = p.activity_id WHERE a.date LIKE '2026-11%' AND a.id <> $act")
same activity-month "$want" "$(sz report practice_month --year 2026 --csv | tr -d '\r' | grep '^2026-11')"


# 积分: earned 10 + 8, spent 12: 6 left; 7 more is refused naming the balance
# points a household earns by itself (practice_points' [earn]): a round put out and
# sorted right 1 (h1 and h4 on 2025-06, not h2 sorted wrong, nor h3 not put out), and
# taking part in an activity its points (8) to the participant's household
hp() { q "SELECT coalesce(sum(points), 0) FROM ledger_practice_points WHERE source = '$1' AND household_id = (SELECT id FROM household WHERE hh_no = '$2')"; }
same earned-round "1 0 0 1" "$(hp 2 $h1) $(hp 2 $h2) $(hp 2 $h3) $(hp 2 $h4)"
same earned-activity "16" "$(q "SELECT sum(points) FROM ledger_practice_points WHERE source = '1' AND item = '敬老院义务劳动'")"
same earned-activity-household "8" "$(q "SELECT points FROM ledger_practice_points p JOIN resident r ON r.household_id = p.household_id WHERE r.id = $r1 AND p.source = '1' AND p.item = '敬老院义务劳动' LIMIT 1")"
same earned-audited 0 "$(q "SELECT count(*) FROM ledger_practice_points p WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.tbl = 'ledger_practice_points' AND a.row_id = p.id)")"
# an activity worth no points earns none
sz ledger practice_activity add date=2026-11-21 kind=3 topic=无积分活动 points=0 >/dev/null 2>&1 || fail "activity 0"
sz ledger practice_participant add activity_id=$(q "SELECT max(id) FROM ledger_practice_activity") resident_id=$r1 >/dev/null 2>&1 || fail "participant 0"
same earned-none-for-zero 0 "$(q "SELECT count(*) FROM ledger_practice_points WHERE item = '无积分活动'")"
# by hand: a good deed, an activity's points, redemptions within the balance (h3: none yet)
same points-none-yet 0 "$(q "SELECT count(*) FROM ledger_practice_points WHERE household_id = (SELECT id FROM household WHERE hh_no = '$h3')")"
expect points-earn 0 "积分2026-" -- sz ledger practice_points add date=2026-11-01 household_id=$h3 source=3 points=10 item=扶老人过河
sz ledger practice_points add date=2026-11-20 household_id=$h3 source=1 points=8 item=敬老院义务劳动 >/dev/null 2>&1 || fail "earn 8"
expect points-redeem 0 "已保存" -- sz ledger practice_points add date=2026-11-25 household_id=$h3 source=9 points=12 item=食用油一桶
same points-balance-field 18 "$(q "SELECT balance FROM ledger_practice_points WHERE source = '9' AND household_id = (SELECT id FROM household WHERE hh_no = '$h3')")"
expect points-overdraw 3 "积分不足：本户余额6分，不够兑换7分" -- sz ledger practice_points add date=2026-11-26 household_id=$h3 source=9 points=7 item=大米
same points-nothing-written 3 "$(q "SELECT count(*) FROM ledger_practice_points WHERE household_id = (SELECT id FROM household WHERE hh_no = '$h3')")"
expect points-exact 0 "已保存" -- sz ledger practice_points add date=2026-11-26 household_id=$h3 source=9 points=6 item=毛巾两条
expect points-empty 3 "积分不足：本户余额0分，不够兑换1分" -- sz ledger practice_points add date=2026-11-26 household_id=$h2 source=9 points=1 item=毛巾
expect points-report 0 "$h3  " -- sz report points_balance
same points-report-row "$h3,18,18,0" "$(sz report points_balance --csv | tr -d '\r' | grep "^$h3," | cut -d, -f1,3-5)"
same points-month "2026-11" "$(sz report points_month --year 2026 --csv | tr -d '\r' | grep -c '^2026-11' | sed 's/1/2026-11/')"

# every shipped register passes its checks
expect check-forms 0 "没有问题" -- sz check-forms

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
