#!/bin/sh
# The declared registers' commands end to end on the example declaration
# (tests/data/ledger/registers/visit.register) put in a $SHANZHI_FORMS_LOCAL folder, as
# a township adds a register without rebuilding: `ledger` lists it, `add` numbers and
# dates a record and refuses what the form refuses (exit 3, naming the field), `step`
# refuses by state, role, field and check, `show`, `print` (GBK) and `report` read it,
# `report` lists every report, and `check-forms` names a broken declaration's file:line.
# Usage: test-ledger-cli.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
export SHANZHI_TODAY=2026-09-30

db=$tmp/l.db
local=$tmp/local
mkdir -p "$local/registers"
export SHANZHI_FORMS_LOCAL="$local"
sz() { "$bin" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }
sz demo --residents 100 >/dev/null 2>&1 || fail "demo"
printf 'pass-lin\n' | sz user add lin --role clerk --password-stdin >/dev/null 2>&1 || fail "user add lin"

# before the file: no such register; a register added as one local file appears
expect no-register 2 "visit" -- sz ledger visit list
cp "$SOURCE_ROOT/tests/data/ledger/registers/visit.register" "$local/registers/"
expect listed 0 "走访登记" -- sz ledger
expect listed-menu 0 "网格与联户" -- sz ledger
hh=$(q "SELECT hh_no FROM household ORDER BY id LIMIT 1")
hh_id=$(q "SELECT id FROM household ORDER BY id LIMIT 1")

# add: numbered, first state, due two working days on over 国庆节
expect add 0 "走访2026-0001" -- sz ledger visit add household="$hh" found=房屋漏雨 tables=12
same add-data "$hh_id|房屋漏雨|12|reported|2026-10-09|走访2026-0001" \
	"$(q "SELECT household_id, found, tables, state, due, number FROM ledger_visit WHERE id = 1")"
expect add-refused 3 "桌数：不超过20桌" -- sz ledger visit add household="$hh" tables=30
expect add-required 3 "户" -- sz ledger visit add found=x
expect add-unknown-field 2 "nosuch=1" -- sz ledger visit add household="$hh" nosuch=1
# an id that names no record (a household or resident typed by hand): refused, naming
# the field and the value, nothing written
before=$(q "SELECT count(*) FROM ledger_visit")
expect add-unknown-household 3 "户：没有第 99999 号记录" -- sz ledger visit add household=99999 found=x
expect add-unknown-resident 3 "网格员：没有第 88888 号记录" -- sz ledger visit add household="$hh" worker_id=88888
same add-unknown-nothing "$before" "$(q "SELECT count(*) FROM ledger_visit")"
same add-nothing-written 1 "$(q "SELECT count(*) FROM ledger_visit")"
same add-audited 1 "$(q "SELECT count(*) FROM audit WHERE tbl = 'ledger_visit' AND action = 'insert'")"

# step: refused by state, by field, by role, by check; done with the history
expect step-state 3 "已上报" -- sz ledger visit step 1 close result=好了
expect step-field 3 "处置人" -- sz ledger visit step 1 assign
expect step-unknown 2 "assign" -- sz ledger visit step 1 fly
expect step-assign 0 "已分拨" -- as_op lin sz ledger visit step 1 assign assignee=王敏 --note 交给王敏
same step-data "assigned|2026-10-03|王敏" "$(q "SELECT state, due, assignee FROM ledger_visit WHERE id = 1")"
expect step-role 3 "办事员" -- as_op lin sz ledger visit step 1 close result=好了
expect step-check 3 "记录了桌数的须写明处置结果" -- sz ledger visit step 1 close
same step-nothing "assigned" "$(q "SELECT state FROM ledger_visit WHERE id = 1")"
expect step-close 0 "已办结" -- sz ledger visit step 1 close result=修好了
same history "assign:reported:assigned:交给王敏:lin close:assigned:closed::admin" \
	"$(q "SELECT group_concat(s.transition || ':' || s.from_state || ':' || s.to_state || ':' || coalesce(s.note, '') || ':' || o.login, ' ') FROM ledger_step s JOIN operator o ON o.id = s.operator_id WHERE ledger = 'visit' AND record_id = 1")"

# list, search, show
sz ledger visit add household="$hh" found=道路积水 >/dev/null 2>&1 || fail "second visit"
expect list 0 "道路积水" -- sz ledger visit list
expect list-search 0 "1 / 1 条记录" -- sz ledger visit list --search 积水
run=$((run + 1)); sz ledger visit list --search 积水 | grep -q 房屋漏雨 && fail "the search shows a record it does not match"
expect show 0 "处置结果       修好了" -- sz ledger visit show 1
expect show-steps 0 "分拨  已上报 → 已分拨  lin  交给王敏" -- sz ledger visit show 1
# overdue once its due date has passed
expect overdue 0 "超期" -- env SHANZHI_TODAY=2026-10-20 "$bin" --db "$db" ledger visit list

# print in GBK, with the audit anchor
sz ledger visit print 1 --encoding gbk --output "$tmp/slip.txt" || fail "print"
run=$((run + 1))
iconv -f gbk -t utf-8 "$tmp/slip.txt" > "$tmp/slip-utf8.txt" 2>/dev/null || fail "the slip is not GBK"
grep -qF "编号：走访2026-0001    状态：已办结" "$tmp/slip-utf8.txt" || fail "slip lacks its number: $(cat "$tmp/slip-utf8.txt")"
run=$((run + 1))
grep -qE "审计链 #[0-9]+ [0-9a-f]{16}" "$tmp/slip-utf8.txt" || fail "slip lacks the audit anchor"

# reports: listed with the program's own, run for a month, as CSV
expect report-list 0 "report visits_month" -- sz report
expect report-list-own 0 "report services" -- sz report
expect report 0 "$hh  2" -- sz report visits_month --month 2026-09
run=$((run + 1))
[ "$(sz report visits_month --month 2026-09 --csv | tr -d '\r')" = "$(printf '户号,走访次数\n%s,2' "$hh")" ] ||
	fail "report csv: $(sz report visits_month --month 2026-09 --csv)"
expect report-bad-period 2 "--month" -- sz report visits_month --month 九月

# check-forms: all good, then a broken local declaration named by file and line
# the shipped registers and the local one
shipped=$(ls "$SOURCE_ROOT"/forms/registers/*.register 2>/dev/null | wc -l)
expect check-forms 0 "$((shipped + 1)) 个台账：没有问题" -- sz check-forms
printf '[register]\ntitle = 坏\n[field a]\nlabel = A\n[state s]\nlabel = S\n[transition t]\nlabel = T\nfrom = s\nto = nowhere\n' \
	> "$local/registers/broken.register"
expect check-forms-broken 1 "$local/registers/broken.register:10:" -- sz check-forms
expect broken-left-out 0 "走访登记" -- sz ledger
run=$((run + 1))
sz ledger 2>&1 | grep -q "broken.register:10:" || fail "a broken register is not warned about"
expect check-names-it 1 "broken.register:10:" -- sz check
rm "$local/registers/broken.register"
# an [earn] whose query names no field of the register, and reads none of its source
printf '[register]\ntitle = 得分\n[field household_id]\nlabel = 户\ntype = ref\nref = household\n[earn visit]\nquery = SELECT :household_id AS household, :nosuch AS household_id\n' \
	> "$local/registers/earnbad.register"
expect check-forms-earn 1 "earnbad.register:8: earn visit：列 household 不是本台账的字段" -- sz check-forms
expect check-forms-earn-param 1 "earn visit：:nosuch 不是 visit 的字段" -- sz check-forms
rm "$local/registers/earnbad.register"
expect check-clean 0 "" -- sz check
# a value written behind the program's back is not in the search index: check says so
q "UPDATE ledger_visit SET found = '改过' WHERE id = 1"
expect check-index 1 "ledger_visit：found 有 1 个值不在搜索索引中" -- sz check

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
