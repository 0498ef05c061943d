#!/bin/bash
# A resident's transfer between two villages of one township, end to end: two demo
# villages (龙井村, 摆托村) and their township (青岩镇). A clerk in 龙井村 records the
# move out (迁出); it goes up in the village's next package; the township lists it,
# sends it down to 摆托村 in a down package, which 摆托村 applies: the resident arrives
# with their history (the audit trail of their record with its operators, their
# 便民服务 requests), and a clerk there places them in a household (迁入). The next
# round of packages applies with no conflict, the township's row is the village's,
# and `check` passes everywhere. A whole household moves the other way and one of
# its members back again. A down package truncated or changed at any byte, for
# another village, out of order or from a newer schema is refused and changes
# nothing; applied twice, nothing changes.
# Usage: test-transfer.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
sz() { db=$1; shift; "$bin" --db "$tmp/$db.db" "$@"; }
q() { sqlite3 "$tmp/$1.db" "$2"; }
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }
A=520111101201 B=520111101202

sz a demo --village $A 龙井村 --residents 80 --seed 11 >/dev/null 2>&1 || fail "demo a"
sz b demo --village $B 摆托村 --residents 80 --seed 12 >/dev/null 2>&1 || fail "demo b"
expect "init a" 0 "$A" -- sz a sync init --village $A --name 龙井村
expect "init b" 0 "$B" -- sz b sync init --village $B --name 摆托村
expect "init t" 0 "520111101" -- sz t sync init --township 520111101 --name 青岩镇
for v in a b; do
	printf 'pass-%s\n' $v | sz $v user add clerk$v --role clerk --password-stdin >/dev/null 2>&1 || fail "clerk $v"
	sz $v sync export "$tmp/${v}1.szp" >/dev/null 2>&1 || fail "export $v 1"
	sz t sync apply "$tmp/${v}1.szp" >/dev/null 2>&1 || fail "apply $v 1"
done
printf 'pass-t\n' | sz t user add zhou --role admin --password-stdin >/dev/null 2>&1 || fail "township operator"

# 迁出 in 龙井村: a member (not the head) of a household, who has 便民服务 requests
rid=$(q a "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id WHERE h.head_id <> r.id
	AND r.living_status = '1' AND r.id_number IS NOT NULL AND EXISTS (SELECT 1 FROM service_request s WHERE s.resident_id = r.id)
	ORDER BY r.id LIMIT 1")
rname=$(q a "SELECT name FROM resident WHERE id = $rid")
idno=$(q a "SELECT id_number FROM resident WHERE id = $rid")
svc=$(q a "SELECT number FROM service_request WHERE resident_id = $rid ORDER BY id LIMIT 1")
head=$(q a "SELECT h.head_id FROM household h JOIN resident r ON r.household_id = h.id WHERE r.id = $rid")
[ -n "$svc" ] || fail "no resident with a service request"
expect "to itself" 3 "本村" -- as_op clerka sz a resident move-out "$rid" --to $A
expect "another township" 3 "不是本乡镇" -- as_op clerka sz a resident move-out "$rid" --to 520111102201
expect "not a code" 3 "不是本乡镇" -- as_op clerka sz a resident move-out "$rid" --to 52011110
expect "head with members" 3 "户主" -- as_op clerka sz a resident move-out "$head" --to $B
expect "bad date" 3 "2026-02-30" -- as_op clerka sz a resident move-out "$rid" --to $B 2026-02-30
expect "move out" 0 "$rname" -- as_op clerka sz a resident move-out "$rid" --to $B 20261120 --reason 婚迁
same "迁出 with its date and where to, out of the household" "2|2026-11-20|1|" \
	"$(q a "SELECT living_status, status_date, status_reason LIKE '%$B%婚迁', household_id FROM resident WHERE id = $rid")"
same "the transfer names the clerk" "clerka|out|$B" "$(q a "SELECT moved_out_by, state, to_village FROM transfer WHERE resident_id = $rid")"
same "audited under the clerk" 1 "$(q a "SELECT count(*) > 0 FROM audit a JOIN operator o ON o.id = a.operator_id
	WHERE a.tbl = 'transfer' AND a.action = 'insert' AND o.login = 'clerka'")"
expect "findable" 0 "$rname" -- sz a search "$rname"
expect "twice" 3 "在册" -- as_op clerka sz a resident move-out "$rid" --to $B
expect "listed in the village" 0 "$rname" -- sz a resident transfers --all
expect "nothing waiting here" 0 "没有等待" -- sz a resident transfers
expect "theirs now: set" 3 "已迁往 $B" -- as_op clerka sz a resident set "$rid" notes=迁走以后
expect "theirs now: status" 3 "已迁往 $B" -- as_op clerka sz a resident status "$rid" 1
expect "theirs now: household" 3 "已迁往 $B" -- as_op clerka sz a household move "$rid" "$(q a "SELECT hh_no FROM household LIMIT 1")" --relation 20

# up to the township: the move is listed there, ID masked
expect "up" 0 "transfer 1" -- sz t sync apply "$(sz a sync export "$tmp/a2.szp" >/dev/null 2>&1; echo "$tmp/a2.szp")"
expect "pending at the township" 0 "摆托村 $B" -- sz t sync transfers
expect "who, from, since" 0 "龙井村 $A" -- sz t sync transfers
expect "since" 0 "2026-11-20" -- sz t sync transfers
sz t sync transfers | grep -qF "$idno" && fail "the township's list shows a full ID number"
run=$((run + 1))

# down to 摆托村
expect "nothing for 龙井村" 0 "没有" -- sz t sync down-export --village $A "$tmp/da1.szp"
[ -e "$tmp/da1.szp" ] && fail "an empty down package was written"
expect "unknown village" 1 "520111101209" -- sz t sync down-export --village 520111101209 "$tmp/x.szp"
expect "down at a village" 1 "乡镇" -- sz a sync down-export --village $B "$tmp/x.szp"
expect "down export" 0 "第 1 号下发包" -- as_op zhou sz t sync down-export --village $B "$tmp/d1.szp"
expect "sent down" 0 "已下发" -- sz t sync transfers
same "audited under the township's operator" 1 "$(q t "SELECT count(*) FROM audit a JOIN operator o ON o.id = a.operator_id
	WHERE a.tbl = 'sync_down_out' AND o.login = 'zhou' AND a.reason LIKE '%$rname%'")"
expect "nothing new" 0 "没有" -- sz t sync down-export --village $B "$tmp/d1b.szp"
expect "written again" 0 "第 1 号下发包" -- sz t sync down-export --village $B "$tmp/d1again.szp" --seq 1
same "same bytes" "$(sha256sum < "$tmp/d1.szp")" "$(sha256sum < "$tmp/d1again.szp")"

# refusals at the village: every byte truncated or changed, nothing applied
before=$(q b "SELECT count(*) FROM audit")
size=$(stat -c %s "$tmp/d1.szp")
bad=0
# every fifth byte of the header, forty of the body's (test-sync.sh tries every byte
# of a data package; the container and its check are the same)
hsize=$(grep -b -m1 -a '^sha256 ' "$tmp/d1.szp" | cut -d: -f1)
for ((k = 0; k < size; k += (k < hsize + 80 ? 5 : 1 + size / 40))); do
	head -c "$k" "$tmp/d1.szp" > "$tmp/cut.szp"
	sz b sync apply "$tmp/cut.szp" >/dev/null 2>&1 && bad=$((bad + 1))
	cp "$tmp/d1.szp" "$tmp/flip.szp"
	byte=$(od -An -tu1 -j "$k" -N1 "$tmp/d1.szp" | tr -d ' ')
	printf "$(printf '\\%03o' $(((byte ^ 1) & 255)))" | dd of="$tmp/flip.szp" bs=1 seek="$k" conv=notrunc status=none
	sz b sync apply "$tmp/flip.szp" >/dev/null 2>&1 && bad=$((bad + 1))
done
same "damaged refused (of $size bytes)" 0 "$bad"
same "nothing applied" "$before" "$(q b "SELECT count(*) FROM audit")"
same "nobody arrived" 0 "$(q b "SELECT count(*) FROM resident WHERE id = $rid")"
expect "damaged says" 1 "SHA-256" -- sz b sync apply "$tmp/flip.szp"
expect "for another village" 1 "$B" -- sz a sync apply "$tmp/d1.szp"
expect "at the township" 1 "down" -- sz t sync apply "$tmp/d1.szp"

# rehashed headers: only one field wrong
rehash() {
	off=$(grep -b -m1 -a '^sha256 ' "$1" | cut -d: -f1)
	header=$(head -c "$off" "$1" | awk -v f="$2" -v v="$3" '$1==f {print f " " v; next} {print}')
	tail -c +$((off + 74)) "$1" > "$1.body"
	sum=$( { printf '%s\n' "$header"; cat "$1.body"; } | sha256sum | cut -d' ' -f1)
	{ printf '%s\nsha256 %s\n\n' "$header" "$sum"; cat "$1.body"; } > "$1.new"
}
rehash "$tmp/d1.szp" schema 9999
expect "newer schema" 1 "更新的善治" -- sz b sync apply "$tmp/d1.szp.new"
rehash "$tmp/d1.szp" site 520111102
expect "another township" 1 "不是本村所属乡镇" -- sz b sync apply "$tmp/d1.szp.new"
rehash "$tmp/d1.szp" to 520111101203
expect "another village" 1 "520111101203" -- sz b sync apply "$tmp/d1.szp.new"

# a second move, for an order test: package 2 before 1 is refused
rid2=$(q a "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id WHERE h.head_id <> r.id
	AND r.living_status = '1' AND r.id <> $rid ORDER BY r.id LIMIT 1")
as_op clerka sz a resident move-out "$rid2" --to $B 2026-11-21 >/dev/null 2>&1 || fail "second move out"
sz a sync export "$tmp/a3.szp" >/dev/null 2>&1 && sz t sync apply "$tmp/a3.szp" >/dev/null 2>&1 || fail "a3"
expect "down 2" 0 "第 2 号下发包" -- sz t sync down-export --village $B "$tmp/d2.szp"
expect "out of order" 1 "缺少" -- sz b sync apply "$tmp/d2.szp"
same "still nothing" "$before" "$(q b "SELECT count(*) FROM audit")"

# applied in order, once
expect "arrives" 0 "$rname" -- as_op clerkb sz b sync apply "$tmp/d1.szp"
audit_b=$(q b "SELECT count(*) FROM audit")
expect "twice" 0 "此前已应用" -- sz b sync apply "$tmp/d1.szp"
same "twice changes nothing" "$audit_b" "$(q b "SELECT count(*) FROM audit")"
expect "then 2" 0 "1" -- sz b sync apply "$tmp/d2.szp"
same "arrived as at the township" "$(q t "SELECT * FROM resident WHERE id = $rid")" "$(q b "SELECT * FROM resident WHERE id = $rid")"
same "arrived 迁出, in no household" "2|" "$(q b "SELECT living_status, household_id FROM resident WHERE id = $rid")"
expect "waiting in 摆托村" 0 "等待迁入" -- sz b resident transfers
expect "history: from" 0 "龙井村 $A" -- sz b resident transfer-history "$rid"
expect "history: its clerk" 0 "clerka" -- sz b resident transfer-history "$rid"
expect "history: 便民服务" 0 "$svc" -- sz b resident transfer-history "$rid"
expect "history: the move" 0 "婚迁" -- sz b resident transfer-history "$rid"
sz b resident transfer-history "$rid" | grep -qF "$idno" && fail "the history shows a full ID number"
run=$((run + 1))
expect "found in 摆托村" 0 "$rname" -- sz b search "$rname"

# 迁入: into a new household, then the second into an existing one
expect "no such household" 3 "9999999" -- as_op clerkb sz b resident move-in "$rid" --household 9999999
hh_b=$(q b "SELECT hh_no FROM household ORDER BY id LIMIT 1")
expect "new household taken" 3 "$hh_b" -- as_op clerkb sz b resident move-in "$rid" --new-household "$hh_b"
expect "move in" 0 "1012029001" -- as_op clerkb sz b resident move-in "$rid" --new-household 1012029001 --address 摆托村九组 2026-11-25
same "在册, head of the new household" "1|02|1012029001|$rid" "$(q b "SELECT r.living_status, r.relation, h.hh_no, h.head_id
	FROM resident r JOIN household h ON h.id = r.household_id WHERE r.id = $rid")"
same "the transfer completed by the clerk" "in|2026-11-25|clerkb" "$(q b "SELECT state, moved_in_on, moved_in_by FROM transfer WHERE resident_id = $rid")"
expect "not twice" 3 "没有等待" -- as_op clerkb sz b resident move-in "$rid" --household 1012029001
expect "head taken" 3 "户主" -- as_op clerkb sz b resident move-in "$rid2" --household 1012029001 --relation 02
expect "second in" 0 "1012029001" -- as_op clerkb sz b resident move-in "$rid2" --household 1012029001 --relation 10
same "who did what in 摆托村" "clerkb" "$(q b "SELECT group_concat(DISTINCT o.login) FROM audit a JOIN operator o ON o.id = a.operator_id
	WHERE a.tbl = 'transfer' AND a.action = 'update'")"

# the next round: no conflict, the township's rows are the village's
expect "b up" 0 "0 个冲突" -- sz t sync apply "$(sz b sync export "$tmp/b2.szp" >/dev/null 2>&1; echo "$tmp/b2.szp")"
same "the township has it" "$(q b "SELECT * FROM resident WHERE id = $rid")" "$(q t "SELECT * FROM resident WHERE id = $rid")"
same "and the household" "$(q b "SELECT hh_no, head_id FROM household WHERE hh_no = '1012029001'")" \
	"$(q t "SELECT hh_no, head_id FROM household WHERE hh_no = '1012029001'")"
expect "no longer waiting" 0 "没有等待" -- sz t sync transfers
expect "moved in" 0 "已迁入" -- sz t sync transfers --all
same "no conflicts" 0 "$(q t "SELECT count(*) FROM sync_conflict")"
as_op clerka sz a resident set "$(q a "SELECT min(id) FROM resident WHERE living_status = '1'")" notes=下一轮 >/dev/null 2>&1
expect "a up again" 0 "0 个冲突" -- sz t sync apply "$(sz a sync export "$tmp/a4.szp" >/dev/null 2>&1; echo "$tmp/a4.szp")"

# a conflict resolved by keeping the township's values: the values go down to the
# village in its next down package, and its next change of the row is no conflict
crid=$(q b "SELECT min(id) FROM resident WHERE living_status = '1' AND id NOT IN ($rid, $rid2)")
as_op zhou sz t resident set "$crid" phone=13800000001 >/dev/null 2>&1 || fail "township phone"
as_op clerkb sz b resident set "$crid" phone=13900000002 >/dev/null 2>&1 || fail "village phone"
expect "conflict" 0 "1 个冲突" -- sz t sync apply "$(sz b sync export "$tmp/b2c.szp" >/dev/null 2>&1; echo "$tmp/b2c.szp")"
cid=$(q t "SELECT id FROM sync_conflict WHERE state = 'open' AND row_id = $crid")
expect "the township's kept" 0 "乡镇" -- as_op zhou sz t sync resolve "$cid" --keep township
expect "resolution sent down" 0 "1 个已决定的冲突" -- sz t sync down-export --village $B "$tmp/d2c.szp"
expect "resolution applied" 0 "1 条记录" -- as_op clerkb sz b sync apply "$tmp/d2c.szp"
same "the village has the township's values" 13800000001 "$(q b "SELECT phone FROM resident WHERE id = $crid")"
same "audited under who applied it" 1 "$(q b "SELECT count(*) FROM audit a JOIN operator o ON o.id = a.operator_id
	WHERE a.tbl = 'resident' AND a.row_id = $crid AND o.login = 'clerkb' AND a.reason LIKE '%冲突%'")"
as_op clerkb sz b resident set "$crid" notes=对齐以后 >/dev/null 2>&1 || fail "village notes"
expect "no conflict after" 0 "0 个冲突" -- sz t sync apply "$(sz b sync export "$tmp/b2d.szp" >/dev/null 2>&1; echo "$tmp/b2d.szp")"
same "the same row at both" "$(q b "SELECT * FROM resident WHERE id = $crid")" "$(q t "SELECT * FROM resident WHERE id = $crid")"
expect "nothing more down" 0 "没有" -- sz t sync down-export --village $B "$tmp/d2e.szp"

# a whole household the other way (摆托村 -> 龙井村), and one member back again
hh2=$(q b "SELECT household_id FROM resident WHERE living_status = '1' AND household_id IS NOT NULL AND id <> $rid
	GROUP BY household_id HAVING count(*) >= 2 ORDER BY household_id LIMIT 1")
hhead=$(q b "SELECT head_id FROM household WHERE id = $hh2")
members=$(q b "SELECT count(*) FROM resident WHERE household_id = $hh2 AND living_status = '1'")
expect "whole household" 0 "$members" -- as_op clerkb sz b resident move-out "$hhead" --to $A --household
same "the household empty" "|0" "$(q b "SELECT head_id, (SELECT count(*) FROM resident WHERE household_id = $hh2) FROM household WHERE id = $hh2")"
sz b sync export "$tmp/b3.szp" >/dev/null 2>&1 && sz t sync apply "$tmp/b3.szp" >/dev/null 2>&1 || fail "b3"
expect "down to 龙井村" 0 "$members" -- sz t sync down-export --village $A "$tmp/da1.szp"
expect "arrive in 龙井村" 0 "$members" -- sz a sync apply "$tmp/da1.szp"
expect "head first" 0 "1012019001" -- as_op clerka sz a resident move-in "$hhead" --new-household 1012019001
for m in $(q a "SELECT t.resident_id FROM transfer t WHERE t.to_village = '$A' AND t.state = 'out'"); do
	[ "$m" = "$hhead" ] && continue
	as_op clerka sz a resident move-in "$m" --household 1012019001 >/dev/null 2>&1 || fail "member $m in"
	back=$m
done
same "together again" "$members" "$(q a "SELECT count(*) FROM resident r JOIN household h ON h.id = r.household_id
	WHERE h.hh_no = '1012019001' AND r.living_status = '1'")"
# an import after residents from a village numbered above this one arrived: its rows
# are numbered in this village's block all the same, and go up as this village's
cp "$SOURCE_ROOT/tests/data/roster-gbk.csv" "$tmp/roster.csv"
own=$(q a "SELECT count(*) FROM resident WHERE id / 1099511627776 = 101201")
expect "import beside them" 3 "已导入 5 行" -- sz a import residents "$tmp/roster.csv"
same "imported in the block" $((own + 5)) "$(q a "SELECT count(*) FROM resident WHERE id / 1099511627776 = 101201")"
same "the arrivals still the only others" "$members" "$(q a "SELECT count(*) FROM resident WHERE id / 1099511627776 <> 101201")"
sz a sync export "$tmp/a5.szp" >/dev/null 2>&1 && expect "a5 up" 0 "0 个冲突" -- sz t sync apply "$tmp/a5.szp"
expect "back again" 0 "" -- as_op clerka sz a resident move-out "$back" --to $B 2026-11-26 --reason 回原籍
sz a sync export "$tmp/a6.szp" >/dev/null 2>&1 && sz t sync apply "$tmp/a6.szp" >/dev/null 2>&1 || fail "a6"
sz t sync down-export --village $B "$tmp/d3.szp" >/dev/null 2>&1 || fail "d3"
expect "back in 摆托村" 0 "1" -- sz b sync apply "$tmp/d3.szp"
same "the same row, updated" 1 "$(q b "SELECT count(*) FROM resident WHERE id = $back AND living_status = '2'")"
expect "history of both villages" 0 "摆托村 $B" -- sz b resident transfer-history "$back"
expect "home" 0 "" -- as_op clerkb sz b resident move-in "$back" --household 1012029001 --relation 20
expect "b up at the end" 0 "0 个冲突" -- sz t sync apply "$(sz b sync export "$tmp/b4.szp" >/dev/null 2>&1; echo "$tmp/b4.szp")"
same "one row per person at the township" 0 "$(q t "SELECT count(*) FROM (SELECT id_number FROM resident WHERE id_number IS NOT NULL
	GROUP BY id_number HAVING count(*) > 1)")"
for db in a b; do expect "check $db" 0 "未发现问题" -- sz $db check; done
expect "check t" 0 "未发现问题" -- as_op zhou sz t check
expect "log" 0 "下发包" -- sz b sync log

echo "test-transfer: $run checks, $failed failed"
[ "$failed" -eq 0 ]
