#!/bin/sh
# The subcommands as a script or a clerk at a shell would use them: what they print,
# their exit status, and what the database holds afterwards.
# Usage: test-cli.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
umask 022   # the usual one: files of personal data are 0600 all the same

db=$tmp/v.db
expect version 0 "shanzhi 0.1.0" -- "$bin" --version
expect help-zh 0 "search QUERY" -- "$bin" --help
expect help-zh-text 0 "命令" -- "$bin" --help
expect help-en 0 "Commands:" -- "$bin" --lang en --help
# every subcommand listed once
run=$((run + 1))
dups=$("$bin" --lang en --help | grep -E '^  [a-z]' | awk '{print $1}' | sort | uniq -d)
[ -z "$dups" ] || fail "--help lists twice: $dups"
expect bad-lang 2 "--lang" -- "$bin" --lang fr --help
expect bad-command 2 "frobnicate" -- "$bin" --db "$db" frobnicate
expect demo 0 "300" -- "$bin" --db "$db" demo --residents 300
expect demo-kept 0 "$db" -- "$bin" --db "$db" demo --residents 300
expect demo-range 2 "1000000" -- "$bin" --db "$tmp/x.db" demo --residents 1000001
expect check-clean 0 "$db" -- "$bin" --db "$db" check

# the audit chain's head goes beside a backup and onto a receipt; check --anchor takes
# either, and names the anchored entry once the log's end is cut off
expect backup-anchor 0 "审计链 #" -- "$bin" --db "$db" backup "$tmp/b.db"
head=$(sqlite3 "$tmp/b.db" "SELECT id || ':' || hash FROM audit ORDER BY id DESC LIMIT 1")
run=$((run + 1))
[ "$(cat "$tmp/b.db.anchor")" = "审计链 #${head%%:*} ${head#*:}" ] ||
	fail "b.db.anchor holds \"$(cat "$tmp/b.db.anchor")\", want the copy's head $head"
number=$(sqlite3 "$db" "SELECT number FROM service_request ORDER BY id LIMIT 1")
expect receipt-anchor 0 "" -- "$bin" --db "$db" print receipt "$number" --output "$tmp/receipt.txt"
printed=$(grep -o '审计链 #[0-9]* [0-9a-f]*' "$tmp/receipt.txt" | tail -n 1)
entry=$(printf '%s' "$printed" | sed 's/.*#\([0-9]*\) .*/\1/')
run=$((run + 1))
[ "$(sqlite3 "$db" "SELECT substr(hash, 1, 16) FROM audit WHERE id = 0$entry")" = "${printed##* }" ] ||
	fail "the receipt's footer \"$printed\" is not an entry of the log"
expect check-anchor-hash 0 "未发现问题" -- "$bin" --db "$db" check --anchor "$head"
expect check-anchor-sidecar 0 "未发现问题" -- "$bin" --db "$db" check --anchor "$tmp/b.db.anchor"
expect check-anchor-backup 0 "未发现问题" -- "$bin" --db "$db" check --anchor "$tmp/b.db"
expect check-anchor-receipt 0 "未发现问题" -- "$bin" --db "$db" check --anchor "$tmp/receipt.txt"
printf 'a note with no anchor in it\n' > "$tmp/note.txt"
expect check-anchor-none 1 "没有审计链锚点" -- "$bin" --db "$db" check --anchor "$tmp/note.txt"
cp "$db" "$tmp/cut.db"
sqlite3 "$tmp/cut.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > $entry - 3;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;"
expect check-anchor-cut 1 "审计记录 $entry（锚点）：日志止于第 $((entry - 3)) 条" -- "$bin" --db "$tmp/cut.db" check --anchor "$tmp/receipt.txt"
expect check-anchor-usage 2 "--anchor" -- "$bin" --db "$db" check --anchor

# every subcommand reads its options through one parser (cli_parse_options): an option
# without its value and an unknown one are named, the same way in every command
expect option-no-value 2 "search：--limit 后面要跟一个值" -- "$bin" --db "$db" search 王 --limit
expect option-no-value-report 2 "report disputes：--year 后面要跟一个值" -- "$bin" --db "$db" report disputes --year
expect option-unknown-print 2 "print receipt：未知参数：--bogus" -- "$bin" --db "$db" print receipt "$number" --bogus
expect option-unknown-export 2 "export：未知参数：--masked" -- "$bin" --db "$db" export residents "$tmp/x.csv" --masked
expect option-extra-word 2 "backup：未知参数：two" -- "$bin" --db "$db" backup "$tmp/one.db" two

# search: the first resident of the demo by name, by pinyin initials and by ID tail
line=$(sqlite3 "$db" "SELECT name || '|' || id_number FROM resident WHERE id_number IS NOT NULL AND name NOT LIKE '%·%' ORDER BY id LIMIT 1")
name=${line%%|*} id=${line#*|}
tail6=$(printf '%s' "$id" | tail -c 6)
masked="$(printf '%s' "$id" | cut -c1-6)********$(printf '%s' "$id" | tail -c 4)"
expect search-name 0 "$name" -- "$bin" --db "$db" search "$name"
expect search-masked 0 "$masked" -- "$bin" --db "$db" search "$tail6"
run=$((run + 1))
"$bin" --db "$db" search "$tail6" | grep -qF "$id" && fail "search printed an unmasked ID number"
expect search-none 3 "没有" -- "$bin" --db "$db" search 霽霽霽
expect search-none-en 3 "No resident matches" -- "$bin" --lang en --db "$db" search 霽霽霽

# the same search in a GBK terminal prints GBK that decodes to the same line
run=$((run + 1))
utf=$("$bin" --db "$db" search "$tail6")
gbk=$(LANG=zh_CN.GBK "$bin" --db "$db" search "$tail6" | iconv -f GBK -t UTF-8) || fail "GBK output is not valid GBK"
[ "$utf" = "$gbk" ] || fail "GBK search output differs: $gbk"

# another session with the register to itself (as an import alone with it is, in a
# rollback journal): a search waits for it, says why after a second, then answers
cp "$db" "$tmp/held.db"
sqlite3 "$tmp/held.db" "PRAGMA journal_mode = DELETE" >/dev/null
(echo "BEGIN EXCLUSIVE;"; sleep 3; echo "COMMIT;") | sqlite3 "$tmp/held.db" &
holder=$!
sleep 0.5
run=$((run + 1))
out=$("$bin" --db "$tmp/held.db" search "$tail6" 2>&1) || fail "held: exit status $?: $out"
printf '%s\n' "$out" | grep -qF "正在等待：另一个会话正独占登记库" || fail "held: no word of the wait: $out"
printf '%s\n' "$out" | grep -qF "$masked" || fail "held: no answer after the wait: $out"
wait "$holder"

# a file that is not a database: a message that names the file, and the file untouched
printf 'not a database, a letter to the township\n' > "$tmp/letter.db"
sum=$(md5sum < "$tmp/letter.db")
expect not-a-db 1 "letter.db" -- "$bin" --db "$tmp/letter.db" search 王
run=$((run + 1))
[ "$(md5sum < "$tmp/letter.db")" = "$sum" ] || fail "a file that is not a database was changed"

# an ID number broken behind the program's back is found by check, naming the row
# (the shell lacks the program's SQL functions, so the search-key trigger goes first)
sqlite3 "$db" "DROP TRIGGER resident_key_au; UPDATE resident SET id_number='520111198001010011' WHERE id=(SELECT min(id) FROM resident WHERE id_number IS NOT NULL)"
expect check-broken 1 "公民身份号码：不是有效的身份号码" -- "$bin" --db "$db" check

# a local rubric with a mistake is named by check, file and line
mkdir -p "$tmp/local/rubrics"
printf '[rubric]\nname = broken\nyear = twenty\n' > "$tmp/local/rubrics/broken.rubric"
expect check-rubric 1 "broken.rubric:" -- env SHANZHI_FORMS_LOCAL="$tmp/local" "$bin" --db "$db" check

# a rubric changed in place under a round that uses it is named by check, with the round
mkdir -p "$tmp/changed/rubrics"
sed 's/^title = .*/title = 改过的细则/' "$SHANZHI_FORMS/rubrics/common-2025.rubric" > "$tmp/changed/rubrics/common-2025.rubric"
expect check-rubric-changed 1 "common-2025.rubric" -- env SHANZHI_FORMS_LOCAL="$tmp/changed" "$bin" --db "$db" check
expect check-rubric-round 1 "龙井村 2025 年的星级评定" -- env SHANZHI_FORMS_LOCAL="$tmp/changed" "$bin" --db "$db" check

# the database file is readable by its owner only, and so is what is printed to a file
mode() { run=$((run + 1)); [ "$(stat -c %a "$2")" = 600 ] || fail "$1: $2 has mode $(stat -c %a "$2"), want 600"; }
mode db-mode "$db"
receipt=$(sqlite3 "$db" "SELECT number FROM service_request ORDER BY id LIMIT 1")
expect print-receipt 0 "" -- "$bin" --db "$db" print receipt "$receipt" --output "$tmp/receipt.txt"
mode receipt-mode "$tmp/receipt.txt"
expect print-notice-xlsx 0 "" -- "$bin" --db "$db" print notice --village 龙井村 --year 2025 --output "$tmp/notice.xlsx"
mode notice-xlsx-mode "$tmp/notice.xlsx"
: > "$tmp/report.txt" && chmod 644 "$tmp/report.txt"
expect report-output 0 "" -- "$bin" --db "$db" report stars --year 2025 --output "$tmp/report.txt"
mode report-over-0644-mode "$tmp/report.txt"
# a year without a case still lists its twelve months, each at 0
expect report-disputes-quiet-jan 0 "1999-01                     0      0        0        -         0.00          0" -- "$bin" --db "$db" report disputes --year 1999
expect report-disputes-quiet-dec 0 "1999-12                     0      0" -- "$bin" --db "$db" report disputes --year 1999
# an empty file the program makes a register: owner-only like a new one
: > "$tmp/empty.db" && chmod 644 "$tmp/empty.db"
expect empty-register 0 "未发现问题" -- "$bin" --db "$tmp/empty.db" check
mode empty-register-mode "$tmp/empty.db"
# a name and an address with ESC, OSC 52 and a title change put in by sqlite3: search
# prints them escaped, never raw; a backup of it is refused by restore, by name (the
# shell lacks sz_search_keys and sz_name_key: their trigger and index go first)
inj=$tmp/inject.db
"$bin" --db "$inj" demo --residents 50 >/dev/null
iname=$(sqlite3 "$inj" "SELECT name FROM resident WHERE household_id IS NOT NULL ORDER BY id LIMIT 1")
sqlite3 "$inj" "DROP TRIGGER resident_key_au; DROP INDEX resident_pinyin; UPDATE resident SET name = name || char(27) || ']52;c;ZWNobw==' || char(7) || char(27) || ']0;pwned' || char(7) WHERE name = '$iname'"
"$bin" --db "$inj" backup "$tmp/inject-backup.db" >/dev/null 2>&1
sqlite3 "$inj" "UPDATE household SET address = address || char(27) || '[2J' || char(155) || '31m' WHERE id = (SELECT household_id FROM resident WHERE name LIKE '$iname%')"
run=$((run + 1))
out=$("$bin" --db "$inj" search "$iname")
printf '%s' "$out" | grep -qF "$iname" || fail "search-escaped: $iname not found: $out"
run=$((run + 1))
printf '%s' "$out" | od -An -tx1 | grep -qE ' (1b|07|c2 9b)' && fail "search printed a raw control character: $out"
run=$((run + 1))
printf '%s' "$out" | grep -qF "$iname"'\x1b]52;c;ZWNobw==\x07\x1b]0;pwned\x07' || fail "search does not show the name escaped: $out"
run=$((run + 1))
printf '%s' "$out" | grep -qF '\x1b[2J\u009b31m' || fail "search does not show the address escaped: $out"
run=$((run + 1))
LANG=zh_CN.GBK "$bin" --db "$inj" search "$iname" | od -An -tx1 | grep -qE ' (1b|07)' && fail "GBK search printed a raw ESC"
expect restore-escape 1 "含有控制字符" -- "$bin" --db "$tmp/target.db" restore "$tmp/inject-backup.db"
expect restore-escape-names 1 "table resident, column name" -- "$bin" --lang en --db "$tmp/target.db" restore "$tmp/inject-backup.db"

# an invisible character in the query or in the stored name does not hide a resident
zw=$(printf '\342\200\213')
iname2=$(sqlite3 "$inj" "SELECT name FROM resident WHERE id = (SELECT max(id) FROM resident)")
first=$(printf '%s' "$iname2" | cut -c1-3)
rest=${iname2#"$first"}
expect search-zwsp 0 "$iname2" -- "$bin" --db "$inj" search "$first$zw$rest"

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
