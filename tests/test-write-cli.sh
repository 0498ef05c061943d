#!/bin/sh
# The register's changes as commands: `resident add|set|status` and `household
# head|move`, over the model functions the screens call. Every value is checked by
# the resident form as the screen's F2 checks it, a refusal says the form's words
# naming the field (exit 3, nothing written), the household rules are the members
# screen's, every change is in the audit log under its operator, `check` stays
# clean, and a viewer changes nothing. The data rules the pty tests checked through
# the screens (tests/test-tui.c) are checked here.
# Usage: test-write-cli.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"

db=$tmp/w.db
sz() { "$bin" --db "$db" "$@"; }
en() { "$bin" --lang en --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }
count() { q "SELECT count(*) FROM resident"; }
sz demo --residents 100 >/dev/null 2>&1 || fail "demo"
printf 'pass-lin\n' | sz user add lin --role clerk --password-stdin >/dev/null 2>&1 || fail "user add lin"
printf 'pass-kan\n' | sz user add kan --role viewer --password-stdin >/dev/null 2>&1 || fail "user add kan"
# a household of three or more (its head, a second member), and another
hh_id=$(q "SELECT id FROM household h WHERE head_id IS NOT NULL AND (SELECT count(*) FROM resident WHERE household_id = h.id) >= 3 ORDER BY id LIMIT 1")
hh=$(q "SELECT hh_no FROM household WHERE id = $hh_id")
head=$(q "SELECT head_id FROM household WHERE id = $hh_id")
second=$(q "SELECT id FROM resident WHERE household_id = $hh_id AND id <> $head ORDER BY id LIMIT 1")
hh2_id=$(q "SELECT id FROM household WHERE id <> $hh_id AND head_id IS NOT NULL ORDER BY id LIMIT 1")
hh2=$(q "SELECT hh_no FROM household WHERE id = $hh2_id")
n0=$(count)

# add: the ID number gives sex and birth date, the household is named by its number,
# the defaults are the form's; the new record's id is printed
expect add 0 "王芳已登记（第 $((n0 + 1)) 号记录）" -- sz resident add name=王芳 id_number=520111199001010022 household="$hh" relation=10 phone=13800001111
new=$((n0 + 1))
same add-data "王芳|2|1990-01-01|$hh_id|10|1|1|13800001111" \
	"$(q "SELECT name, sex, birth_date, household_id, relation, living_status, residence, phone FROM resident WHERE id = $new")"
# refusals: the form's words, naming the field; nothing written
expect add-check-char 3 "公民身份号码：" -- sz resident add name=张三 id_number=520111199001010028
expect add-no-sex 3 "性别：没有公民身份号码时必填" -- sz resident add name=张三 birth_date=1990-01-01
expect add-future-birth 3 "出生日期：没有公民身份号码时必填，且不能晚于今天" -- sz resident add name=张三 sex=1 birth_date=2027-01-01
expect add-bad-date 3 "出生日期：1990-02-30 不是日期" -- sz resident add name=张三 sex=1 birth_date=1990-02-30
expect add-relation-alone 3 "与户主关系：只适用于某户的成员" -- sz resident add name=张三 sex=1 birth_date=1990-01-01 relation=20
expect add-no-name 3 "姓名：" -- sz resident add sex=1 birth_date=1990-01-01
expect add-no-household 3 "户：没有户号为 999999 的户" -- sz resident add name=张三 sex=1 birth_date=1990-01-01 household=999999
expect add-second-head 3 "该户已有户主" -- sz resident add name=张三 sex=1 birth_date=1990-01-01 household="$hh" relation=02
expect add-same-id 3 "未保存：此公民身份号码已登记为王芳" -- sz resident add name=张三 id_number=520111199001010022
expect add-english 3 "Birth date: required when there is no ID number, and never in the future" -- \
	en resident add name=张三 sex=1 birth_date=2027-01-01
same refused-wrote-nothing $((n0 + 1)) "$(count)"
# a namesake born the same day: the screen asks, here --duplicate-ok says yes
expect add-duplicate 3 "已登记同名且出生日期相同的居民" -- sz resident add name=王芳 sex=2 birth_date=19900101
same duplicate-wrote-nothing $((n0 + 1)) "$(count)"
expect add-duplicate-ok 0 "王芳已登记" -- sz resident add name=王芳 sex=2 birth_date=19900101 --duplicate-ok
same duplicate-date-normalised 1990-01-01 "$(q "SELECT birth_date FROM resident WHERE id = $((n0 + 2))")"
expect add-readonly 2 "age=3" -- sz resident add name=张三 age=3
expect add-unknown-field 2 "nam=王芳" -- sz resident add nam=王芳

# set: only the given fields change; a new ID number brings its sex and birth date
before=$(q "SELECT name, id_number, household_id, relation FROM resident WHERE id = $new")
expect set 0 "王芳的修改已保存" -- sz resident set $new phone=13900002222 notes=新登记
same set-data "13900002222|新登记|$before" \
	"$(q "SELECT phone, notes, name, id_number, household_id, relation FROM resident WHERE id = $new")"
expect set-refused 3 "电话：" -- sz resident set $new phone=12
same set-refused-wrote-nothing 13900002222 "$(q "SELECT phone FROM resident WHERE id = $new")"
expect set-id 0 "王芳的修改已保存" -- sz resident set $new id_number=520111198505050031
same set-id-derived "1|1985-05-05|新登记" "$(q "SELECT sex, birth_date, notes FROM resident WHERE id = $new")"
expect set-no-record 3 "99999" -- sz resident set 99999 phone=13900002222
expect set-usage 2 "resident set" -- sz resident set $new

# status (F8): the form's rules on the date and the reason; the code as typed
expect status-no-date 3 "变动日期：2026-02-30 不是日期" -- sz resident status $new 2 2026-02-30 --reason 迁往贵阳市
expect status-future 3 "变动日期：必须在出生日期和今天之间" -- sz resident status $new 2 2026-12-01 --reason 迁往贵阳市
expect status-before-birth 3 "变动日期：必须在出生日期和今天之间" -- sz resident status $new 2 1980-01-01 --reason 迁往贵阳市
expect status-not-date 3 "变动日期：abc 不是日期" -- sz resident status $new 2 abc --reason 迁往贵阳市
expect status-no-reason 3 "变动原因：居民不再在册时必填" -- sz resident status $new 2 2020-01-15
expect status-english 3 "Status date: must lie between the birth date and today" -- en resident status $new 2 2030-01-01 --reason x
same status-refused-wrote-nothing "1||" "$(q "SELECT living_status, status_date, status_reason FROM resident WHERE id = $new")"
expect status 0 "人员状态已改为迁出" -- as_op lin sz resident status $new 迁出 20200115 --reason 迁往贵阳市
same status-data "2|2020-01-15|迁往贵阳市" "$(q "SELECT living_status, status_date, status_reason FROM resident WHERE id = $new")"
# the record as the form sees it now passes the form's F2 (a set of another field saves)
expect status-then-set 0 "王芳的修改已保存" -- sz resident set $new notes=已迁出

# household head (F5): the former head takes the relation given
expect head-no-former 3 "请选择原户主的新关系" -- sz household head "$hh" $second
expect head-former-head 3 "一户只有一个户主" -- sz household head "$hh" $second --former-relation 02
expect head-bad-code 3 "AB 不在代码表中" -- sz household head "$hh" $second --former-relation AB
expect head-not-member 3 "此人不是本户成员" -- sz household head "$hh2" $second --former-relation 10
expect head-no-household 3 "没有户号为 999999 的户" -- sz household head 999999 $second --former-relation 10
expect head-already 3 "此成员已经是户主" -- sz household head "$hh" $head --former-relation 10
expect head 0 "现为户主" -- as_op lin sz household head "$hh" $second --former-relation 10
same head-data "$second|02|10" "$(q "SELECT head_id, (SELECT relation FROM resident WHERE id = $second),
  (SELECT relation FROM resident WHERE id = $head) FROM household WHERE id = $hh_id")"

# household move (F6): the head of a household with others cannot leave; a
# household with a head takes no second one; the former head moves
expect move-head 3 "请先把其他成员设为户主（F5），再迁移此成员。" -- sz household move $second "$hh2" --relation 20
expect move-no-relation 3 "请选择与新户户主的关系" -- sz household move $head "$hh2"
expect move-second-head 3 "该户已有户主" -- sz household move $head "$hh2" --relation 02
expect move-same 3 "此成员已属于该户" -- sz household move $head "$hh" --relation 20
expect move-english 3 "That household has a head already" -- en household move $head "$hh2" --relation 02
expect move 0 "已迁入户 $hh2" -- as_op lin sz household move $head "$hh2" --relation 20
same move-data "$hh2_id|20" "$(q "SELECT household_id, relation FROM resident WHERE id = $head")"

# the register's rules hold after all of it
expect check 0 "未发现问题" -- sz check

# every change audited under its operator, with the reason given
audit() { q "SELECT (SELECT login FROM operator WHERE id = operator_id) || ' ' || action || ' ' || coalesce(reason, '')
  FROM audit WHERE tbl = '$1' AND row_id = $2 ORDER BY id DESC LIMIT 1"; }
same audit-add "admin insert " "$(q "SELECT (SELECT login FROM operator WHERE id = operator_id) || ' ' || action || ' '
  FROM audit WHERE tbl = 'resident' AND row_id = $new ORDER BY id LIMIT 1")"
same audit-status "lin update 迁往贵阳市" "$(q "SELECT (SELECT login FROM operator WHERE id = operator_id) || ' ' || action || ' ' || reason
  FROM audit WHERE tbl = 'resident' AND row_id = $new AND json_extract(after, '\$.living_status') = '2'")"
same audit-head "lin update 变更户主" "$(audit household $hh_id)"
same audit-move "lin update 迁入其他户" "$(audit resident $head)"

# a viewer changes nothing, by any of them
for cmd in "resident add name=赵六 sex=1 birth_date=1990-01-01" "resident set $new phone=13700003333" \
	"resident status $new 1" "household head $hh $head --former-relation 10" "household move $head $hh --relation 20"; do
	# shellcheck disable=SC2086  # the words are the arguments
	expect "viewer: $cmd" 1 "您的角色（只读）无权修改台账" -- as_op kan sz $cmd
done
expect viewer-english 1 "Your role (read-only) may not change the register" -- as_op kan en resident status $new 1
same viewer-wrote-nothing "$((n0 + 2))|2|13900002222" "$(q "SELECT (SELECT count(*) FROM resident), living_status, phone FROM resident WHERE id = $new")"

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
