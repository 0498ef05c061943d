#!/bin/bash
# Villages and their township by package files, end to end: three village registers
# (demo villages of 青岩镇) and two township registers. Seeded random edits in the
# villages, packages exchanged with the first township in a random order, with
# duplicates and one package lost (named, then supplied); the second township gets
# them in order, once: both end identical in every synced table, row by row, and
# `check` passes everywhere. The declared registers' records (走访, 事件 and their
# steps) are among the edits and the compared rows; the township's search index finds
# a village's record below its own, and a register's row changed at both ends is a
# conflict resolved like a resident's. A resident changed at both ends is a conflict, kept,
# listed and resolved with the operator named in the audit log. A package truncated
# or changed at any byte is refused, as is one from a newer schema or from another
# township's village, one holding a register the township does not declare or
# whose declaration here lacks a field, and nothing is half-applied.
# Usage: test-sync.sh PATH/TO/shanzhi PATH/TO/sync-damage [SEED]
set -u
bin=$1
damage=$2
seed=${3:-20261205}
. "$(dirname "$0")/lib.sh"
RANDOM=$seed
tables="town village grid village_group household resident dispute_case dispute_party
  dispute_session dispute_visit star_round star_household star_score service_request"
# the declared registers' tables, as the demo villages have them
registers() {
	sqlite3 "$tmp/$1.db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'ledger\_%' ESCAPE '\'
	  AND name NOT IN ('ledger_meta', 'ledger_key', 'ledger_numkey', 'ledger_numgram', 'ledger_key_state') ORDER BY name"
}
sz() { db=$1; shift; "$bin" --db "$tmp/$db.db" "$@"; }
q() { sqlite3 "$tmp/$1.db" "$2"; }
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }

# three villages of 青岩镇, each its own demo register
i=0
names=(龙井村 摆托村 歪脚村)
for v in a b c; do
	sz $v demo --village "52011110120$((i + 1))" "${names[$i]}" --residents 150 --seed $((seed + i)) >/dev/null 2>&1 ||
		fail "demo $v"
	code=$(q $v "SELECT code FROM village")
	name=$(q $v "SELECT name FROM village")
	expect "init $v" 0 "$code" -- sz $v sync init --village "$code" --name "$name"
	i=$((i + 1))
done
for t in t u; do
	expect "init $t" 0 "520111101" -- sz $t sync init --township 520111101 --name 青岩镇
done
same "ids in the block" 0 "$(q a "SELECT count(*) FROM resident WHERE id < 111271676242558976 OR id >= 111271676242558976 + 1099511627776")"
same "audit follows" 0 "$(q a "SELECT count(*) FROM audit WHERE tbl = 'resident' AND row_id < 1099511627776")"
expect "twice" 1 "已设置为同步的村" -- sz a sync init --village 520111101201 --name 龙井村
# a new village that joins before entering anyone: its first resident is in its block too
expect "init empty" 0 "520111101204" -- sz e sync init --village 520111101204 --name 新村
expect "first resident" 0 "已登记" -- sz e resident add name=王小明 sex=1 birth_date=1990-01-01
same "first id in the block" "$(((101204 << 40) + 1))" "$(q e "SELECT id FROM resident")"

same "registers in the block" 0 "$(q a "SELECT count(*) FROM ledger_grid_visit WHERE id >> 40 <> 101201")"
same "a visit's household moved with it" 0 "$(q a "SELECT count(*) FROM ledger_grid_visit v LEFT JOIN household h ON h.id = v.household_id WHERE h.id IS NULL")"
same "a step's record moved with it" 0 "$(q a "SELECT count(*) FROM ledger_step s LEFT JOIN ledger_homestead h ON h.id = s.record_id WHERE s.ledger = 'homestead' AND h.id IS NULL")"

# rounds of random edits, each village exporting a package per round: residents, a
# grid worker's visit (a new record) and an event's step (a record changed, a step added)
pkgs=""
edit() {
	v=$1
	ids=($(q $v "SELECT id FROM resident ORDER BY random() LIMIT 3"))
	for id in "${ids[@]}"; do
		case $((RANDOM % 3)) in
		0) sz $v resident set "$id" phone=139$(printf '%08d' $RANDOM) >/dev/null 2>&1 || fail "set phone $v $id" ;;
		1) sz $v resident set "$id" notes="第${RANDOM}次走访" >/dev/null 2>&1 || fail "set notes $v $id" ;;
		2) sz $v resident status "$id" 2 2026-11-0$((RANDOM % 9 + 1)) --reason 外出务工 >/dev/null 2>&1 || true ;;
		esac
	done
	for k in 1 2; do
		case $((RANDOM % 2)) in
		0) as_op admin sz $v ledger grid_visit add worker="$(q $v "SELECT id FROM ledger_grid_staff ORDER BY random() LIMIT 1")" \
			household="$(q $v "SELECT hh_no FROM household ORDER BY random() LIMIT 1")" date=2026-11-2$((RANDOM % 6)) \
			found="走访见闻$RANDOM" >/dev/null 2>&1 || fail "visit $v" ;;
		1) e=$(q $v "SELECT id FROM ledger_grid_event WHERE state = 'reported' ORDER BY random() LIMIT 1")
		   [ -n "$e" ] && { as_op admin sz $v ledger grid_event step "$e" assign handler="干部$RANDOM" --note 分拨 >/dev/null 2>&1 ||
			fail "event step $v $e"; } ;;
		esac
	done
}
for round in 1 2 3; do
	for v in a b c; do
		[ "$round" -gt 1 ] && edit $v
		sz $v sync export "$tmp/$v$round.pkg" >/dev/null 2>&1 || fail "export $v $round"
		pkgs="$pkgs $v$round"
	done
done
expect "new id in block" 0 "" -- sz a resident set "$(q a "SELECT max(id) FROM resident")" notes=末次
expect "after an edit" 0 "第 4 号包" -- sz a sync export "$tmp/a4.pkg"
expect "nothing more" 0 "没有变化" -- sz b sync export "$tmp/b4.pkg"
[ -e "$tmp/b4.pkg" ] && fail "an empty package was written"
pkgs="$pkgs a4"

# the second township: every package in order, once
for p in $pkgs; do
	sz u sync apply "$tmp/$p.pkg" >/dev/null 2>&1 || fail "in order: $p"
done

# the first: shuffled, with duplicates, b2 lost until the end
order=$(for p in $pkgs $pkgs; do echo "$RANDOM $p"; done | sort -n | cut -d' ' -f2)
for p in $order; do
	[ "$p" = b2 ] && continue
	sz t sync apply "$tmp/$p.pkg" >/dev/null 2>&1
done
expect "lost one named" 1 "缺少 520111101202 摆托村 的第 2 号包" -- sz t sync apply "$tmp/b3.pkg"
expect "supplied" 0 "第 2 号包" -- sz t sync apply "$tmp/b2.pkg"
for p in $pkgs; do sz t sync apply "$tmp/$p.pkg" >/dev/null 2>&1; done
expect "again" 0 "此前已应用" -- sz t sync apply "$tmp/a1.pkg"

# identical to the fresh merge, row by row
for tb in $tables $(registers a); do
	a=$(q t "SELECT * FROM $tb ORDER BY id" | md5sum)
	b=$(q u "SELECT * FROM $tb ORDER BY id" | md5sum)
	same "merge $tb" "$b" "$a"
done
for v in a b c; do
	want=$(q $v "SELECT count(*) FROM resident")
	same "residents of $v" "$want" "$(q t "SELECT count(*) FROM resident WHERE id / 1099511627776 = $(q $v "SELECT site_no FROM sync_site WHERE self = 1")")"
	same "rows of $v" "$(q $v "SELECT * FROM resident ORDER BY id" | md5sum)" \
		"$(q t "SELECT * FROM resident WHERE id / 1099511627776 = $(q $v "SELECT site_no FROM sync_site")" | md5sum)"
	site=$(q $v "SELECT site_no FROM sync_site WHERE self = 1")
	for tb in $(registers $v); do
		same "$tb of $v" "$(q $v "SELECT count(*) FROM $tb")" "$(q t "SELECT count(*) FROM $tb WHERE id >> 40 = $site")"
	done
	same "visits of $v" "$(q $v "SELECT * FROM ledger_grid_visit ORDER BY id" | md5sum)" \
		"$(q t "SELECT * FROM ledger_grid_visit WHERE id >> 40 = $site ORDER BY id" | md5sum)"
	# a step's operator is the village's own, which the township does not have
	cols="id, ledger, record_id, transition, from_state, to_state, at, note"
	same "steps of $v" "$(q $v "SELECT $cols FROM ledger_step ORDER BY id" | md5sum)" \
		"$(q t "SELECT $cols FROM ledger_step WHERE id >> 40 = $site ORDER BY id" | md5sum)"
done
same "steps name no village operator" 0 "$(q t "SELECT count(*) FROM ledger_step WHERE operator_id IS NOT NULL")"
same "the edits held visits" 1 "$(q t "SELECT count(*) > 0 FROM ledger_grid_visit WHERE found LIKE '走访见闻%'")"
same "the edits held steps" 1 "$(q t "SELECT count(*) > 0 FROM ledger_step WHERE note = '分拨'")"
for db in a b c t u; do expect "check $db" 0 "未发现问题" -- sz $db check; done
expect "log" 0 "refused" -- sz t --lang en sync log
expect "log counts" 0 'resident 150,' -- sz t sync log
expect "log counts registers" 0 'ledger_grid_visit ' -- sz t sync log
# a register's report at the township: every village's records; by village, each
# village's alone (its rows only, as the village reports them), then all as 合计
sz t report grid_visits_month --month 2026-11 --by village --csv > "$tmp/by.csv" 2>&1 || fail "by village"
same "by village: each village" 3 "$(cut -d, -f1 "$tmp/by.csv" | grep -E '^(龙井村|摆托村|歪脚村)$' | sort -u | wc -l)"
same "by village: the total" "$(sz t report grid_visits_month --month 2026-11 --csv | tail -n +2 | md5sum)" \
	"$(grep '^合计,' "$tmp/by.csv" | cut -d, -f2- | md5sum)"
same "by village: a village's own" "$(as_op admin sz a report grid_visits_month --month 2026-11 --csv | tail -n +2 | md5sum)" \
	"$(grep '^龙井村,' "$tmp/by.csv" | cut -d, -f2- | md5sum)"
expect "by village, text" 0 "网格员走访统计（按村）" -- sz t report grid_visits_month --month 2026-11 --by village
expect "by village at a village" 2 "乡镇" -- as_op admin sz a report grid_visits_month --month 2026-11 --by village
w=$(q a "SELECT found FROM ledger_grid_visit WHERE found LIKE '走访见闻%' LIMIT 1")
[ -n "$w" ] && expect "found at the township" 0 "1 / 1" -- sz t ledger grid_visit list --search "$w"

# the township's own rows in its block
sz t resident set "$(q t "SELECT min(id) FROM resident")" notes=镇里改 >/dev/null 2>&1 || fail "township edit"

# a conflict: the same resident changed at both ends
rid=$(q a "SELECT min(id) FROM resident")
sz t resident set "$rid" phone=13800000001 >/dev/null 2>&1 || fail "township phone"
sz a resident set "$rid" phone=13900000002 >/dev/null 2>&1 || fail "village phone"
sz a sync export "$tmp/a5.pkg" >/dev/null 2>&1
expect "conflict kept" 0 "1 个冲突" -- sz t sync apply "$tmp/a5.pkg"
same "ours kept" 13800000001 "$(q t "SELECT phone FROM resident WHERE id = $rid")"
expect "conflicts" 0 "13900000002" -- sz t sync conflicts
cid=$(q t "SELECT id FROM sync_conflict WHERE state = 'open' AND row_id = $rid")
printf 'pass-admin\n' | sz t user add admin --role admin --password-stdin >/dev/null 2>&1 || fail "admin"
printf 'pass-lin\n' | sz t user add lin --role clerk --password-stdin >/dev/null 2>&1 || fail "lin"
expect "resolved" 0 "村" -- as_op lin sz t sync resolve "$cid" --keep village
same "theirs written" 13900000002 "$(q t "SELECT phone FROM resident WHERE id = $rid")"
same "audit names who" 1 "$(q t "SELECT count(*) FROM audit a JOIN operator o ON o.id = a.operator_id WHERE a.tbl = 'sync_conflict' AND o.login = 'lin' AND a.reason LIKE '%lin%'")"
expect "no open" 0 "没有未解决的冲突" -- sz t sync conflicts
expect "resolved twice" 1 "已经解决" -- sz t sync resolve "$cid" --keep township
expect "check after" 0 "未发现问题" -- sz t check

# the township's own record, in its block: above every village's, so the search
# index's mark is past them; a village's record arriving after it is keyed all the same
hh=$(q a "SELECT hh_no FROM household LIMIT 1")
staff=$(q a "SELECT id FROM ledger_grid_staff LIMIT 1")
expect "township visit" 0 "走访" -- as_op lin sz t ledger grid_visit add worker="$staff" household="$hh" date=2026-11-25 found=镇里回访
same "in the township's block" 8388607 "$(q t "SELECT id >> 40 FROM ledger_grid_visit WHERE found = '镇里回访'")"
# an import at the township numbers its residents and households in its block too, not
# above the highest village's rows it holds, where that village's next ones would land
before=$(q t "SELECT count(*) FROM resident WHERE id >> 40 = 8388607")
cp "$SOURCE_ROOT/tests/data/roster-gbk.csv" "$tmp/roster.csv"
expect "township import" 3 "已导入 5 行" -- sz t import residents "$tmp/roster.csv"
same "imported in the township's block" $((before + 5)) "$(q t "SELECT count(*) FROM resident WHERE id >> 40 = 8388607")"
same "their households too" 0 "$(q t "SELECT count(*) FROM household h JOIN resident r ON r.household_id = h.id
  WHERE r.id >> 40 = 8388607 AND h.id >> 40 <> 8388607")"
as_op admin sz a ledger grid_visit add worker="$staff" household="$hh" date=2026-11-25 found=罕见的漏雨屋顶 >/dev/null 2>&1 ||
	fail "village visit after"
# an event changed at both ends: the township's step and the village's
as_op admin sz a ledger grid_event add date=2026-11-24 grid="$(q a "SELECT id FROM grid LIMIT 1")" kind=01 \
	summary=两家争水 >/dev/null 2>&1 || fail "event"
e=$(q a "SELECT id FROM ledger_grid_event WHERE summary = '两家争水'")
sz a sync export "$tmp/a6.pkg" >/dev/null 2>&1 || fail "a6"
sz t sync apply "$tmp/a6.pkg" >/dev/null 2>&1 || fail "apply a6"
as_op lin sz t ledger grid_event step "$e" assign handler=镇干部 >/dev/null 2>&1 || fail "township step"
as_op admin sz a ledger grid_event step "$e" assign handler=村干部甲 >/dev/null 2>&1 || fail "village step"
sz a sync export "$tmp/a7.pkg" >/dev/null 2>&1 || fail "a7"
expect "register conflict kept" 0 "1 个冲突" -- sz t sync apply "$tmp/a7.pkg"
expect "below the mark found" 0 "1 / 1" -- as_op lin sz t ledger grid_visit list --search 罕见的漏雨
expect "check with the mark" 0 "未发现问题" -- sz t check
same "ours kept" 镇干部 "$(q t "SELECT handler FROM ledger_grid_event WHERE id = $e")"
cid=$(q t "SELECT id FROM sync_conflict WHERE state = 'open' AND tbl = 'ledger_grid_event' AND row_id = $e")
expect "register conflict listed" 0 "村干部甲" -- sz t sync conflicts
expect "register resolved" 0 "村" -- as_op lin sz t sync resolve "$cid" --keep village
same "theirs written" 村干部甲 "$(q t "SELECT handler FROM ledger_grid_event WHERE id = $e")"
expect "theirs found" 0 "1 / 1" -- as_op lin sz t ledger grid_event list --search 村干部甲
expect "check after the register's" 0 "未发现问题" -- sz t check

# refusals: every byte of a small package truncated or changed; nothing applied
sz c resident set "$(q c "SELECT min(id) FROM resident")" notes=小包 >/dev/null 2>&1
sz c sync export "$tmp/c4.pkg" >/dev/null 2>&1 || fail "small package"
size=$(stat -c %s "$tmp/c4.pkg")
before=$(q t "SELECT count(*) FROM audit")
# every byte, through sync_apply in one process (sync-damage.c); then a few by the
# command itself: the header's first byte, the middle, the last byte
expect "damaged refused (of $size bytes)" 0 "0 of $((2 * size)) damaged copies applied" -- "$damage" "$tmp/t.db" "$tmp/c4.pkg"
bad=0
for k in 0 $((size / 2)) $((size - 1)); do
	head -c "$k" "$tmp/c4.pkg" > "$tmp/cut.pkg"
	sz t sync apply "$tmp/cut.pkg" >/dev/null 2>&1 && bad=$((bad + 1))
	cp "$tmp/c4.pkg" "$tmp/flip.pkg"
	b=$(od -An -tu1 -j "$k" -N1 "$tmp/c4.pkg" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b ^ 1) & 255)))" | dd of="$tmp/flip.pkg" bs=1 seek="$k" conv=notrunc status=none
	sz t sync apply "$tmp/flip.pkg" >/dev/null 2>&1 && bad=$((bad + 1))
done
same "damaged refused by the command" 0 "$bad"
same "nothing applied" "$before" "$(q t "SELECT count(*) FROM audit")"
expect "damaged says" 1 "SHA-256" -- sz t sync apply "$tmp/flip.pkg"
expect "not a package" 1 "不是善治的同步包" -- sz t sync apply "$tmp/a.db"
expect "intact" 0 "第 4 号包" -- sz t sync apply "$tmp/c4.pkg"

# a newer schema, rehashed so that only the schema is wrong
newer() {
	off=$(grep -b -m1 -a '^sha256 ' "$1" | cut -d: -f1)
	header=$(head -c "$off" "$1" | awk -v f="$2" -v v="$3" '$1==f {print f " " v; next} {print}')
	tail -c +$((off + 74)) "$1" > "$1.body"
	sum=$( { printf '%s\n' "$header"; cat "$1.body"; } | sha256sum | cut -d' ' -f1)
	{ printf '%s\nsha256 %s\n\n' "$header" "$sum"; cat "$1.body"; } > "$1.new"
}
sz b resident set "$(q b "SELECT min(id) FROM resident")" notes=新结构 >/dev/null 2>&1
sz b sync export "$tmp/b4.pkg" >/dev/null 2>&1
newer "$tmp/b4.pkg" schema 9999
expect "newer schema" 1 "更新的善治" -- sz t sync apply "$tmp/b4.pkg.new"
newer "$tmp/b4.pkg" site 520111102201
expect "foreign" 1 "不是本乡镇（520111101）的村" -- sz t sync apply "$tmp/b4.pkg.new"
expect "rehashed original" 0 "第 4 号包" -- sz t sync apply "$tmp/b4.pkg"

# registers the township does not declare as the village does, on copies of c and t:
# one only in the village's local forms folder, one whose newer version has a field
# more (a visit kept before the village took it up goes in the same package, its new
# field empty); refused whole, naming the register, until the township declares it so
cp "$tmp/c.db" "$tmp/cl.db"
cp "$tmp/t.db" "$tmp/tl.db"
mkdir -p "$tmp/cf/registers" "$tmp/tf/registers"
cp "$SOURCE_ROOT/tests/data/ledger/registers/visit.register" "$tmp/cf/registers/"
awk '/^order = /{print; print "version = 2"; next} {print}
     /^max = 500/ && !done {print "\n[field weather]\nlabel = 天气\ntype = text"; done = 1}' \
	"$SOURCE_ROOT/forms/registers/grid_visit.register" > "$tmp/cf/registers/grid_visit.register"
cl() { as_op admin env SHANZHI_FORMS_LOCAL="$tmp/cf" "$bin" --db "$tmp/cl.db" "$@"; }
tlf() { env SHANZHI_FORMS_LOCAL="$tmp/tf" "$bin" --db "$tmp/tl.db" "$@"; }
hh=$(q c "SELECT hh_no FROM household LIMIT 1")
staff=$(q c "SELECT id FROM ledger_grid_staff LIMIT 1")
as_op admin sz cl ledger grid_visit add worker="$staff" household="$hh" date=2026-11-24 found=旧版走访 >/dev/null 2>&1 ||
	fail "visit before the newer declaration"
cl ledger visit add household="$hh" found=本村自设台账 >/dev/null 2>&1 || fail "village-only register"
cl ledger grid_visit add worker="$staff" household="$hh" date=2026-11-25 found=雨天走访 weather=小雨 >/dev/null 2>&1 ||
	fail "newer declaration"
expect "narrower kept changes grouped" 0 "第 5 号包" -- cl sync export "$tmp/cl.pkg"
before=$(q tl "SELECT count(*) FROM audit")
expect "newer declaration refused" 1 "网格走访" -- sz tl sync apply "$tmp/cl.pkg"
expect "newer declaration says" 1 "weather" -- sz tl sync apply "$tmp/cl.pkg"
cp "$tmp/cf/registers/grid_visit.register" "$tmp/tf/registers/"
expect "undeclared refused" 1 "走访登记" -- tlf sync apply "$tmp/cl.pkg"
expect "undeclared says" 1 "visit.register" -- tlf sync apply "$tmp/cl.pkg"
same "nothing of it applied" "$before" "$(q tl "SELECT count(*) FROM audit")"
cp "$tmp/cf/registers/visit.register" "$tmp/tf/registers/"
expect "declared applies" 0 "ledger_visit 1" -- tlf sync apply "$tmp/cl.pkg"
same "its field in the township's column" 小雨 "$(q tl "SELECT weather FROM ledger_grid_visit WHERE found = '雨天走访'")"
same "the older one's empty" "" "$(q tl "SELECT weather FROM ledger_grid_visit WHERE found = '旧版走访'")"
expect "check tl" 0 "未发现问题" -- tlf check
# a township whose table was made from the newer declaration, the field before number
# where the village's is last: the village's values land in its columns by name
tw() { env SHANZHI_FORMS_LOCAL="$tmp/tf" "$bin" --db "$tmp/w.db" "$@"; }
tw sync init --township 520111101 --name 青岩镇 >/dev/null 2>&1 || fail "init w"
for p in c1 c2 c3 c4 cl; do tw sync apply "$tmp/$p.pkg" >/dev/null 2>&1 || fail "w: $p"; done
same "made in the declaration's order" weather "$(q w "SELECT name FROM pragma_table_info('ledger_grid_visit') WHERE cid = 6")"
cols="id, date, worker_id, household_id, key_groups, found, weather, number, state, due, opened_on, form_version"
same "columns by name" "$(q cl "SELECT $cols FROM ledger_grid_visit ORDER BY id" | md5sum)" \
	"$(q w "SELECT $cols FROM ledger_grid_visit ORDER BY id" | md5sum)"
expect "check w" 0 "未发现问题" -- tw check

# acknowledged packages are let go; an unacknowledged one is written again
expect "rewrite" 0 "Package 3" -- sz a --lang en sync export "$tmp/a3again.pkg" --seq 3
same "same bytes" "$(sha256sum < "$tmp/a3.pkg")" "$(sha256sum < "$tmp/a3again.pkg")"
expect "ack" 0 "3" -- sz a sync ack "$tmp/a3.pkg"
same "let go" 0 "$(q a "SELECT count(*) FROM sync_pending WHERE pkg_seq <= 3")"
expect "gone" 1 "3" -- sz a sync export "$tmp/x.pkg" --seq 3

# the township's forms sent back: its local holidays and service catalogue, installed
# in the villages' local forms folders in order, verified like data packages
mkdir -p "$tmp/tl/holidays" "$tmp/tl/codes" "$tmp/al" "$tmp/bl"
cp "$SOURCE_ROOT/forms/holidays/2026.txt" "$tmp/tl/holidays/2026.txt"
printf '2026-12-31 镇里放假\n' >> "$tmp/tl/holidays/2026.txt"
cp "$SOURCE_ROOT/forms/codes/service_item.codes" "$tmp/tl/codes/"
expect "forms export" 0 "2 个文件" -- env SHANZHI_FORMS_LOCAL="$tmp/tl" "$bin" --db "$tmp/t.db" sync forms-export "$tmp/f1.szp"
printf '# 又改\n' >> "$tmp/tl/codes/service_item.codes"
expect "forms export 2" 0 "第 2 号表单包" -- env SHANZHI_FORMS_LOCAL="$tmp/tl" "$bin" --db "$tmp/t.db" sync forms-export "$tmp/f2.szp"
expect "forms at the township" 1 "不能在此应用" -- sz t sync apply "$tmp/f1.szp"
expect "data at a village" 1 "不能在此应用" -- sz a sync apply "$tmp/b1.pkg"
expect "forms out of order" 1 "缺少 520111101 青岩镇 的第 1 号包" -- env SHANZHI_FORMS_LOCAL="$tmp/bl" "$bin" --db "$tmp/b.db" sync apply "$tmp/f2.szp"
[ -e "$tmp/bl/codes/service_item.codes" ] && fail "forms out of order installed"
expect "forms apply" 0 "已安装" -- env SHANZHI_FORMS_LOCAL="$tmp/al" "$bin" --db "$tmp/a.db" sync apply "$tmp/f1.szp"
same "holidays installed" "$(sha256sum < "$tmp/tl/holidays/2026.txt")" "$(sha256sum < "$tmp/al/holidays/2026.txt")"
expect "forms again" 0 "此前已应用" -- env SHANZHI_FORMS_LOCAL="$tmp/al" "$bin" --db "$tmp/a.db" sync forms-apply "$tmp/f1.szp"
expect "forms 2" 0 "已安装" -- env SHANZHI_FORMS_LOCAL="$tmp/al" "$bin" --db "$tmp/a.db" sync apply "$tmp/f2.szp"
same "catalogue installed" "$(sha256sum < "$tmp/tl/codes/service_item.codes")" "$(sha256sum < "$tmp/al/codes/service_item.codes")"
head -c -3 "$tmp/f1.szp" > "$tmp/f1cut.szp"
expect "forms damaged" 1 "SHA-256" -- env SHANZHI_FORMS_LOCAL="$tmp/bl" "$bin" --db "$tmp/b.db" sync apply "$tmp/f1cut.szp"
expect "check forms" 0 "" -- env SHANZHI_FORMS_LOCAL="$tmp/al" "$bin" check-forms
for db in a t; do expect "check $db at the end" 0 "未发现问题" -- sz $db check; done

echo "test-sync: $run checks, $failed failed"
[ "$failed" -eq 0 ]
