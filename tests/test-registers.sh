#!/bin/sh
# The shipped registers (forms/registers/) end to end through the commands: 网格与联户
# (staff, 联户群 with one group per household, visits in the monthly report, events
# through 上报 → 核查办结 on working days), 红白理事会 (a declaration over the 村规民约's
# limit flagged with the article it breaks, refused approval, advised, supervised, in
# the yearly report and on the printed form), 宅基地 (each step's deadline, the whole
# approval against 24 working days, the yearly report), the menu order, and the
# overdue records of every register in `shanzhi ledger`.
# Usage: test-registers.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
export SHANZHI_TODAY=2026-11-02

db=$tmp/r.db
sz() { "$bin" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }
sz demo --residents 100 >/dev/null 2>&1 || fail "demo"
printf 'pass-lin\n' | sz user add lin --role clerk --password-stdin >/dev/null 2>&1 || fail "user add lin"

# the registers, in their menu order, and the demo's plausible year in each
shipped=$(ls "$SOURCE_ROOT"/forms/registers/*.register | wc -l)
expect check-forms 0 "$shipped 个台账：没有问题" -- sz check-forms
run=$((run + 1))
[ "$(sz ledger | sed -n '2p;9p' | awk '{print $1}' | tr '\n' ' ')" = "grid_staff homestead " ] ||
	fail "menu order: $(sz ledger)"
for t in grid_staff lianhu lianhu_member grid_visit grid_event village_rule banquet homestead; do
	run=$((run + 1))
	[ "$(q "SELECT count(*) > 0 FROM ledger_$t")" = 1 ] || fail "demo: no $t records"
done
same demo-visits-dated "1" "$(q "SELECT min(date) < '2026-01-01' AND max(date) <= '2026-11-02' FROM ledger_grid_visit")"
same demo-deterministic "$(q "SELECT group_concat(number || state, ',') FROM ledger_homestead")" \
	"$("$bin" --db "$tmp/again.db" demo --residents 100 >/dev/null 2>&1; sqlite3 "$tmp/again.db" "SELECT group_concat(number || state, ',') FROM ledger_homestead")"

hh1=$(q "SELECT hh_no FROM household ORDER BY id LIMIT 1")
hh2=$(q "SELECT hh_no FROM household ORDER BY id LIMIT 1 OFFSET 1")

# ---- 网格与联户 ----
expect staff 0 "网格力量" -- sz ledger grid_staff add grid=1 role=2 name=测试网格员 party_group=第九党小组
staff=$(q "SELECT max(id) FROM ledger_grid_staff")
expect staff-needs-someone 3 "请选择村民或填写姓名" -- sz ledger grid_staff add grid=1 role=2
# one list of grid workers: the village's own (made with it) are the register's records,
# and the roster export names the register's staff in post, not those who left
same staff-village-workers 0 "$(q "SELECT count(*) FROM grid g WHERE NOT EXISTS (SELECT 1 FROM ledger_grid_staff s WHERE s.grid_id = g.id)")"
same staff-no-grid-worker "" "$(q "SELECT name FROM sqlite_master WHERE name = 'grid_worker'")"
expect staff-left 0 "网格力量" -- sz ledger grid_staff add grid=1 role=2 name=已离任网格员 active=0
sz export residents "$tmp/grid.csv" --template grid >/dev/null 2>&1 || fail "grid roster export"
run=$((run + 1))
grid1=$(q "SELECT name FROM grid WHERE id = 1")
grep "$grid1" "$tmp/grid.csv" | head -1 | grep -q "测试网格员" || fail "the roster lacks the register's grid worker: $(grep "$grid1" "$tmp/grid.csv" | head -1)"
run=$((run + 1))
grep -q "已离任网格员" "$tmp/grid.csv" && fail "the roster names a grid worker who left"
# a register from before: grid_worker's rows become the register's 网格员, the table goes
cp "$db" "$tmp/old.db"
v=$(sqlite3 "$tmp/old.db" "PRAGMA user_version")
sqlite3 "$tmp/old.db" "ALTER TABLE ledger_grid_staff DROP COLUMN active; UPDATE ledger_meta SET version = 1 WHERE name = 'grid_staff';
  CREATE TABLE grid_worker (id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL REFERENCES grid(id), name TEXT NOT NULL,
  phone TEXT, active INTEGER NOT NULL DEFAULT 1); INSERT INTO grid_worker(grid_id, name, phone, active) VALUES (1, '旧网格员甲', '13800000001', 1), (2, '旧网格员乙', NULL, 0);
  PRAGMA user_version = $((v - 1));"
before=$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM ledger_grid_staff")
expect fold-listed 0 "旧网格员甲" -- "$bin" --db "$tmp/old.db" ledger grid_staff list --search 旧网格员
same fold-rows "$((before + 2))|2 0|1" "$(sqlite3 "$tmp/old.db" "SELECT count(*), (SELECT group_concat(role || ' ' || active) FROM ledger_grid_staff WHERE name = '旧网格员乙'), (SELECT count(*) FROM ledger_grid_staff WHERE name = '旧网格员甲' AND phone = '13800000001' AND active = '1') FROM ledger_grid_staff")"
same fold-dropped "" "$(sqlite3 "$tmp/old.db" "SELECT name FROM sqlite_master WHERE name = 'grid_worker'")"
run=$((run + 1))
"$bin" --db "$tmp/old.db" check 2>&1 | grep -q "schema" && fail "check after the fold: $("$bin" --db "$tmp/old.db" check 2>&1)"
expect lianhu 0 "联户" -- sz ledger lianhu add name=测试联户群 grid=1 head_name=王联户
g1=$(q "SELECT max(id) FROM ledger_lianhu")
sz ledger lianhu add name=另一联户群 grid=1 head_name=李联户 >/dev/null 2>&1 || fail "second group"
g2=$(q "SELECT max(id) FROM ledger_lianhu")
new=$(q "SELECT hh_no FROM household WHERE id NOT IN (SELECT household_id FROM ledger_lianhu_member) LIMIT 1")
[ -z "$new" ] && { q "DELETE FROM ledger_lianhu_member WHERE household_id = (SELECT id FROM household WHERE hh_no = '$hh1')"; new=$hh1; }
expect member 0 "联户成员" -- sz ledger lianhu_member add group=$g1 household="$new"
expect member-one-group 3 "该户已在一个联户群中" -- sz ledger lianhu_member add group=$g2 household="$new"
expect member-not-twice 3 "该户已在一个联户群中" -- sz ledger lianhu_member add group=$g1 household="$new"
same member-once 1 "$(q "SELECT count(*) FROM ledger_lianhu_member WHERE household_id = (SELECT id FROM household WHERE hh_no = '$new')")"

expect visit 0 "走访2026-" -- sz ledger grid_visit add worker=$staff household="$hh1" date=2026-11-02 key_groups=dibao found=门前路灯不亮
expect visit-future 3 "走访日期不能晚于今天" -- sz ledger grid_visit add worker=$staff household="$hh1" date=2026-11-03
expect visit-report 0 "测试网格员" -- sz report grid_visits_month --month 2026-11
# the list names the worker, as the register of grid workers does, not by its record id
expect visit-list-names 0 "测试网格员" -- sz ledger grid_visit list --search 门前路灯
run=$((run + 1))
sz report grid_visits_month --month 2026-11 | grep "测试网格员" | grep -qE "测试网格员 +[^ ]+ +1 +1" ||
	fail "visit report: $(sz report grid_visits_month --month 2026-11)"
expect unvisited 0 "本季度未走访户" -- sz report grid_unvisited
run=$((run + 1))
sz report grid_unvisited | grep -q "^$hh1 " && fail "a household visited today is listed as not visited this quarter"

# an event reported the day before 国庆: due one working day on, after the holiday
expect event 0 "事件2026-" -- env SHANZHI_TODAY=2026-09-30 "$bin" --db "$db" ledger grid_event add grid=1 kind=02 summary=村道边坡落石 date=2026-09-30
ev=$(q "SELECT max(id) FROM ledger_grid_event")
same event-due "reported|2026-10-08" "$(q "SELECT state, due FROM ledger_grid_event WHERE id = $ev")"
run=$((run + 1))
sz ledger | grep -qE "网格事件 grid_event +$ev +事件2026-" || fail "event-overdue-listed: $(sz ledger)"
expect event-assign 0 "已分拨" -- as_op lin sz ledger grid_event step $ev assign handler=王主任
expect event-handle 0 "已处置" -- as_op lin sz ledger grid_event step $ev handle action=已清理落石
expect event-feedback 0 "已反馈" -- as_op lin sz ledger grid_event step $ev feedback feedback=群众满意
expect event-verify-role 3 "办事员" -- as_op lin sz ledger grid_event step $ev verify verified=已办结
expect event-verify 0 "核查办结" -- sz ledger grid_event step $ev verify verified=经核查已办结
same event-closed "closed|" "$(q "SELECT state, coalesce(due, '') FROM ledger_grid_event WHERE id = $ev")"
expect event-report 0 "安全隐患" -- sz report grid_events_month --month 2026-09
expect event-print 0 "核查结论：经核查已办结" -- sz ledger grid_event print $ev --output -

# ---- 红白理事会 ----
expect rule 0 "村规民约条款" -- sz ledger village_rule add version=测试版 effective=2026-11-01 article=8 kind=1 text=婚事不超过15桌 max_tables=15 max_guests=150
expect rule-all 0 "村规民约条款" -- sz ledger village_rule add version=测试版 effective=2026-11-01 article=3 text=礼金每次不超过100元 gift_limit=100
expect banquet-ok 0 "红白2026-" -- sz ledger banquet add household="$hh1" host=张三 kind=1 date=2026-12-01 tables=12 guests=120 gift_limit=100
ok=$(q "SELECT max(id) FROM ledger_banquet")
same banquet-ok-no-flag "" "$(q "SELECT coalesce(flag, '') FROM ledger_banquet WHERE id = $ok")"
expect banquet-over 0 "红白2026-" -- sz ledger banquet add household="$hh2" host=李四 kind=1 date=2026-12-05 tables=18 guests=160
over=$(q "SELECT max(id) FROM ledger_banquet")
same banquet-flag "超出第8条：桌数限15桌" "$(q "SELECT flag FROM ledger_banquet WHERE id = $over")"
expect banquet-list-flag 0 "超出第8条" -- sz ledger banquet list --search 李四
expect banquet-show-flag 0 "超出第8条：桌数限15桌" -- sz ledger banquet show $over
expect banquet-gift-flag 0 "红白2026-" -- sz ledger banquet add household="$hh2" host=王五 kind=3 date=2026-12-06 tables=5 gift_limit=200
same banquet-gift "超出第3条：礼金限100元" "$(q "SELECT flag FROM ledger_banquet WHERE id = (SELECT max(id) FROM ledger_banquet)")"
expect banquet-approve-refused 3 "超出村规民约限额" -- sz ledger banquet step $over approve
expect banquet-approve 0 "已审核" -- as_op lin sz ledger banquet step $ok approve review_note=同意
expect banquet-advise 0 "劝导整改中" -- sz ledger banquet step $over advise advice=劝导减至15桌
expect banquet-supervise 0 "已监督" -- sz ledger banquet step $over supervise visit_date=2026-12-05 outcome=3 visit_note=实际办了18桌
expect banquet-flagged-report 0 "超出第8条：桌数限15桌" -- sz report banquet_flagged --year 2026
run=$((run + 1))
want=$(q "SELECT count(*) FILTER (WHERE flag IS NOT NULL) FROM ledger_banquet WHERE kind = '1' AND date LIKE '2026%'")
sz report banquet_year --year 2026 --csv | tr -d '\r' | grep -q "^婚事,[0-9]*,[0-9]*,[0-9]*,$want," ||
	fail "banquet year report over-limit count $want: $(sz report banquet_year --year 2026 --csv)"
expect banquet-flagged-state 0 "已监督" -- sz report banquet_flagged --year 2026
# a category added to the code list (a local forms folder) is a row of the report as
# it is: the report names categories from the list, not from a CASE in its SQL
mkdir -p "$tmp/local/codes"
{ cat "$SOURCE_ROOT/forms/codes/banquet_kind.codes"; printf '4\t寿宴\n'; } > "$tmp/local/codes/banquet_kind.codes"
expect banquet-new-kind 0 "红白2026-" -- env SHANZHI_FORMS_LOCAL="$tmp/local" "$bin" --db "$db" ledger banquet add household="$hh1" host=赵六 kind=4 date=2026-12-08 tables=6
run=$((run + 1))
env SHANZHI_FORMS_LOCAL="$tmp/local" "$bin" --db "$db" report banquet_year --year 2026 --csv | tr -d '\r' | grep -q "^寿宴,1,6," ||
	fail "banquet year report lacks the new kind: $(env SHANZHI_FORMS_LOCAL="$tmp/local" "$bin" --db "$db" report banquet_year --year 2026 --csv)"
# without the local list the record's code stays visible, not dropped
expect banquet-orphan-kind 0 "4 " -- sz report banquet_year --year 2026
sz ledger banquet print $over --encoding gbk --output "$tmp/banquet.txt" || fail "banquet print"
run=$((run + 1))
iconv -f gbk -t utf-8 "$tmp/banquet.txt" | grep -qF "对照村规民约：超出第8条：桌数限15桌" || fail "banquet form: $(iconv -f gbk -t utf-8 "$tmp/banquet.txt")"

# ---- 宅基地 ----
expect homestead 0 "宅2026-" -- sz ledger homestead add household="$hh1" applicant=张三 kind=1 site=组道路东侧 area=110
hs=$(q "SELECT max(id) FROM ledger_homestead")
same homestead-due "applied|2026-11-05" "$(q "SELECT state, due FROM ledger_homestead WHERE id = $hs")"
expect homestead-area 3 "占地面积为0至200平方米" -- sz ledger homestead add household="$hh1" applicant=张三 kind=1 site=x area=300
expect homestead-review 0 "村级审查公示中" -- env SHANZHI_TODAY=2026-11-04 "$bin" --db "$db" ledger homestead step $hs review village_opinion=同意 notice_from=2026-11-04
expect homestead-notice 3 "公示不少于5天" -- env SHANZHI_TODAY=2026-11-06 "$bin" --db "$db" ledger homestead step $hs submit
expect homestead-submit 0 "乡镇审核中" -- env SHANZHI_TODAY=2026-11-16 "$bin" --db "$db" ledger homestead step $hs submit town_opinion=同意
# in 乡镇审核 the state's 10 working days would end 11-30; the 24-day promise ends 12-08
same homestead-town-due "town|2026-11-30" "$(q "SELECT state, due FROM ledger_homestead WHERE id = $hs")"
expect homestead-approve 0 "已批准" -- env SHANZHI_TODAY=2026-11-27 "$bin" --db "$db" ledger homestead step $hs approve permit_no=花宅批〔2026〕99号
# approved: the promise is met and stops; building has its own 180 days
same homestead-approved-due "approved|2027-05-26" "$(q "SELECT state, due FROM ledger_homestead WHERE id = $hs")"
expect homestead-promise 0 "19      按时" -- sz report homestead_promise --year 2026
expect homestead-year 0 "新建" -- sz report homestead_year --year 2026
sz ledger homestead print $hs --output "$tmp/slip.txt" || fail "homestead print"
run=$((run + 1))
grep -qF "批准书编号：花宅批〔2026〕99号" "$tmp/slip.txt" || fail "homestead slip: $(cat "$tmp/slip.txt")"
# a second application left at the town past the 24 working days: overdue everywhere
sz ledger homestead add household="$hh2" applicant=李四 kind=2 site=原址 area=100 >/dev/null 2>&1 || fail "second application"
late=$(q "SELECT max(id) FROM ledger_homestead")
sz ledger homestead step $late review village_opinion=同意 notice_from=2026-11-02 >/dev/null 2>&1 || fail "late review"
env SHANZHI_TODAY=2026-11-09 "$bin" --db "$db" ledger homestead step $late submit >/dev/null 2>&1 || fail "late submit"
same homestead-capped-by-promise "town|2026-11-23" "$(q "SELECT state, due FROM ledger_homestead WHERE id = $late")"
run=$((run + 1))
env SHANZHI_TODAY=2026-12-10 "$bin" --db "$db" ledger | grep -qE "^2026-11-23 +宅基地审批 homestead +$late +宅2026-[0-9]+ +乡镇审核中" ||
	fail "homestead-overdue: $(env SHANZHI_TODAY=2026-12-10 "$bin" --db "$db" ledger)"
expect homestead-promise-late 0 "超时" -- env SHANZHI_TODAY=2026-12-10 "$bin" --db "$db" report homestead_promise --year 2026

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
