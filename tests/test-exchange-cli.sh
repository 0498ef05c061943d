#!/bin/sh
# `shanzhi import residents` and `shanzhi export residents` as a script drives them:
# their reports, exit statuses (0 all imported, 3 some rows refused, 1 failed, 2
# usage), the rejects file, a GBK export refused naming the resident, the output in a
# GBK terminal, and a round trip through the command line.
# Usage: test-exchange-cli.sh PATH/TO/shanzhi
set -u
bin=$1
data=${SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}/tests/data
. "$(dirname "$0")/lib.sh"
umask 022   # the usual one: files of personal data are 0600 all the same
count() { sqlite3 "$1" "SELECT count(*) FROM resident"; }

db=$tmp/x.db
cp "$data/roster-gbk.csv" "$tmp/roster.csv"
expect usage 2 "import residents" -- "$bin" --db "$db" import
expect no-file 2 "import" -- "$bin" --db "$db" import residents
expect bad-encoding 2 "latin1" -- "$bin" --db "$db" import residents "$tmp/roster.csv" --encoding latin1
expect missing 1 "nowhere.csv" -- "$bin" --db "$db" import residents "$tmp/nowhere.csv"
expect dry-run 3 "将导入 5 行，拒绝 4 行" -- "$bin" --db "$db" import residents "$tmp/roster.csv" --dry-run
run=$((run + 1)); [ "$(count "$db")" -eq 0 ] || fail "dry-run wrote residents"
run=$((run + 1)); [ ! -e "$tmp/roster.rejects.csv" ] || fail "dry-run wrote a rejects file"
expect import 3 "已导入 5 行，拒绝 4 行" -- "$bin" --db "$db" import residents "$tmp/roster.csv"
run=$((run + 1)); [ "$(count "$db")" -eq 5 ] || fail "import: $(count "$db") residents, want 5"
run=$((run + 1))
iconv -f GBK -t UTF-8 "$tmp/roster.rejects.csv" | grep -q '拒绝原因' || fail "rejects file: no reason column in GBK"
expect again 3 "已在登记中" -- "$bin" --db "$db" import residents "$tmp/roster.csv" --dry-run
cp "$data/broken-gbk.csv" "$tmp/broken.csv"
expect broken 1 "第 3 行，字节偏移 25" -- "$bin" --db "$db" import residents "$tmp/broken.csv"
run=$((run + 1)); [ ! -e "$tmp/broken.rejects.csv" ] || fail "a failed import left a rejects file"
expect gbk-terminal 3 "$(printf '已导入' | iconv -t GBK)" -- env LANG=zh_CN.GBK "$bin" --db "$tmp/g.db" import residents "$tmp/roster.csv"
expect english 3 "Imported 5 rows, refused 4." -- "$bin" --lang en --db "$tmp/e.db" import residents "$tmp/roster.csv"

# export: a demo village, GBK refused by name, GB18030 written, read back identical
demo=$tmp/demo.db
"$bin" --db "$demo" demo --residents 300 >/dev/null
expect export-usage 2 "residents" -- "$bin" --db "$demo" export
expect export-gbk 1 "李一" -- "$bin" --db "$demo" export residents "$tmp/out.csv" --encoding gbk
run=$((run + 1)); [ ! -e "$tmp/out.csv" ] || fail "a refused GBK export left a file"
# full numbers leave only with a reason, refused before anything is written
expect export-no-reason 2 "--reason" -- "$bin" --db "$demo" export residents "$tmp/out.csv" --unmasked
run=$((run + 1)); [ ! -e "$tmp/out.csv" ] || fail "an unmasked export without a reason wrote a file"
expect export-blank-reason 2 "--reason" -- "$bin" --db "$demo" export residents "$tmp/out.csv" --unmasked --reason "  "
expect export-18030 0 "300" -- "$bin" --db "$demo" export residents "$tmp/out.csv" --encoding gb18030 --unmasked --reason "低保年审 核对户籍"
expect export-masked 0 "XLSX" -- "$bin" --db "$demo" export residents "$tmp/out.xlsx"
expect export-dibao 0 "gbk" -- "$bin" --db "$demo" export residents "$tmp/dibao.csv" --template dibao
expect export-no-template 1 "nosuch" -- "$bin" --db "$demo" export residents "$tmp/x.csv" --template nosuch
expect round-trip 0 "已导入 300 行，拒绝 0 行" -- "$bin" --db "$tmp/back.db" import residents "$tmp/out.csv"
q="SELECT group_concat(name || id_number || sex || birth_date || coalesce(relation, '') || coalesce(phone, ''), ';') FROM (SELECT * FROM resident ORDER BY id)"
run=$((run + 1))
[ "$(sqlite3 "$demo" "$q")" = "$(sqlite3 "$tmp/back.db" "$q")" ] || fail "round trip: the residents differ"

# every file of residents' data is its owner's only, and an unmasked export is
# in the audit log: by whom, which file, how many rows, why
mode() { run=$((run + 1)); [ "$(stat -c %a "$2")" = 600 ] || fail "$1: $2 has mode $(stat -c %a "$2"), want 600"; }
mode rejects-mode "$tmp/roster.rejects.csv"
mode export-unmasked-mode "$tmp/out.csv"
mode export-xlsx-mode "$tmp/out.xlsx"
expect export-xlsx-unmasked 0 "XLSX" -- "$bin" --db "$demo" export residents "$tmp/full.xlsx" --unmasked --reason 医保登记
mode export-xlsx-unmasked-mode "$tmp/full.xlsx"
touch "$tmp/stale.csv.part" && chmod 644 "$tmp/stale.csv.part"
expect export-over-stale 0 "300" -- "$bin" --db "$demo" export residents "$tmp/stale.csv" --unmasked --reason 医保登记
mode export-over-stale-mode "$tmp/stale.csv"
unmasked_exports() {
	sqlite3 "$demo" "SELECT (SELECT login FROM operator WHERE id = operator_id) || ' ' || json_extract(after, '\$.export')
	  || ' ' || json_extract(after, '\$.rows') || ' ' || reason FROM audit WHERE tbl = 'resident' AND action = 'unmask' ORDER BY id"
}
run=$((run + 1))
want="admin $(realpath "$tmp/out.csv") 300 低保年审 核对户籍
admin $(realpath "$tmp/full.xlsx") 300 医保登记
admin $(realpath "$tmp/stale.csv") 300 医保登记"
[ "$(unmasked_exports)" = "$want" ] || fail "unmasked exports in the audit log: $(unmasked_exports), want $want"
# a full disk: a device node like /dev/full (every write fails with ENOSPC) of our
# own, so that a program replacing or removing it harms nothing (a link to /dev/full
# where nodes cannot be made). The export fails without saying it wrote its rows;
# the import with its rejects file there fails and commits nothing.
mknod "$tmp/full" c 1 7 2>/dev/null || ln -s /dev/full "$tmp/full"
expect export-full 1 "$tmp/full" -- "$bin" --db "$demo" export residents "$tmp/full"
run=$((run + 1)); case $out in *已写入*) fail "export-full: a failed export said it wrote: $out" ;; esac
run=$((run + 1)); [ -c "$tmp/full" ] || fail "export-full: the device was replaced"
expect import-rejects-full 1 "$tmp/full" -- "$bin" --db "$tmp/full.db" import residents "$tmp/roster.csv" --rejects "$tmp/full"
run=$((run + 1)); [ "$(count "$tmp/full.db")" -eq 0 ] || fail "import-rejects-full: $(count "$tmp/full.db") residents committed"
run=$((run + 1)); [ -c "$tmp/full" ] || fail "import-rejects-full: the device was removed"

# another program's SQLite file (in a rollback journal: opening it must not switch
# it to WAL) is refused untouched; a read-only register too,
# leaving nothing beside it that would keep it unwritable after chmod 600
sqlite3 "$tmp/places.sqlite" "CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url); INSERT INTO moz_places(url) VALUES ('https://example.org/');" >/dev/null
cp "$tmp/places.sqlite" "$tmp/places.orig"
expect foreign 1 "其他程序" -- "$bin" --db "$tmp/places.sqlite" search 龙
run=$((run + 1)); cmp -s "$tmp/places.sqlite" "$tmp/places.orig" || fail "foreign: the file was changed"
run=$((run + 1)); [ ! -e "$tmp/places.sqlite-wal" ] && [ ! -e "$tmp/places.sqlite-shm" ] || fail "foreign: -wal or -shm left beside it"
chmod 400 "$db"
expect read-only 1 "chmod 600" -- "$bin" --db "$db" search 龙
run=$((run + 1)); [ ! -e "$db-wal" ] && [ ! -e "$db-shm" ] || fail "read-only: -wal or -shm left beside it"
chmod 600 "$db"
expect writable-again 0 "Imported 1 rows" -- "$bin" --lang en --db "$db" import residents "$data/roster-utf8-bom.csv" --map 证件号=id_number

# hostile workbooks, read in a child process: an .xls that FreeXL 1.0.6 reads out of
# bounds (ASan: stack-buffer-underflow in xls_open) and a cell reference of twenty
# letters (UBSan: the column number overflowed) are refused with shanzhi's own message
perl -Mutf8 -MSpreadsheet::WriteExcel -e 'my $b = Spreadsheet::WriteExcel->new($ARGV[0]) or exit 1;
my $s = $b->add_worksheet(); $s->write_row(0, 0, ["姓名", "公民身份号码", "户号", "与户主关系", "出生日期"]);
$s->write_string(1, 0, "杨秀"); $s->write_string(1, 1, "520111199001010022"); $s->write_string(1, 2, "9401");
$s->write_string(1, 3, "户主"); $s->write_string(2, 0, "杨明"); $s->write_number(2, 1, 520111199202020031);
$s->write_string(2, 2, "9401"); $s->write_string(2, 3, "子"); $b->close();' "$tmp/base.xls"
python3 - "$tmp/base.xls" "$tmp/mutated.xls" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[3956], b[4801] = 0xff, 0x7f
open(sys.argv[2], "wb").write(b)
PY
expect mutated-xls 1 "mutated.xls: $tmp/mutated.xls：" -- "$bin" --db "$tmp/h.db" import residents "$tmp/mutated.xls"
python3 - "$tmp/long-ref.xlsx" <<'PY'
import sys, zipfile
ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{ns}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
               '<is><t>姓名</t></is></c></row><row r="2"><c r="AAAAAAAAAAAAAAAAAAAA2" t="inlineStr"><is><t>龙发利</t>'
               '</is></c></row></sheetData></worksheet>')
PY
expect long-cell-ref 1 "第 2 行：单元格引用 AAAAAAAAAAAAAAAAAAAA2" -- "$bin" --db "$tmp/h.db" import residents "$tmp/long-ref.xlsx"
# an ESC or OSC 52 (clipboard) in any column is refused naming the line and the field;
# the rejects file and the report show it escaped, never raw
esc=$(printf '\033') bel=$(printf '\007')
header="户号,姓名,公民身份号码,性别,出生日期,民族,与户主关系,联系电话,政治面貌,文化程度,婚姻状况,居住类别,人员状态,状态日期,状态原因,人员类别,备注,家庭住址,村民小组,乡镇,村,网格"
labels="Household number|Name|ID number|Sex|Birth date|Ethnicity|Relation to head|Phone|Political status|Education|Marital status|Residence|Living status|Status date|Status reason|Groups followed|Notes|Address|Village group|Town|Village|Grid"
ncols=$(printf '%s' "$header" | awk -F, '{print NF}')
{
	echo "$header"
	echo "7001,龙一,,男,1980-01-01,汉族,户主,13812345678,群众,,,,,,,,,龙井村1组,1组,,,"
	for c in $(seq 1 "$ncols"); do
		for inj in "${esc}[2J" "${esc}]52;c;ZWNobw==${bel}"; do
			echo "70$c,龙二,,男,1980-01-01,汉族,户主,13812345678,群众,,,,,,,,,龙井村1组,1组,,," |
				awk -F, -v OFS=, -v c="$c" -v inj="$inj" '{ $c = $c inj; print }'
		done
	done
} > "$tmp/inject.csv"
run=$((run + 1))
out=$("$bin" --lang en --db "$tmp/inject.db" import residents "$tmp/inject.csv" 2>&1)
[ $? -eq 3 ] || fail "inject: want exit 3 (rows refused): $out"
run=$((run + 1))
printf '%s\n' "$out" | grep -qF "line 3: Household number: control characters are not allowed" ||
	fail "inject: line 3 not refused by name: $out"
# the report shows the first 20; the rejects file has every refused row with its reason
for c in $(seq 1 "$ncols"); do
	label=$(printf '%s' "$labels" | cut -d'|' -f"$c")
	for k in 1 2; do
		row=$((2 * c + k - 1))
		run=$((run + 1))
		reason=$(sed -n "${row}p" "$tmp/inject.rejects.csv" | awk -F, '{print $NF}' | tr -d '\r')
		case $reason in
		"line $((row + 1)): $label: control characters are not allowed"*) ;;
		*) fail "inject: line $((row + 1)) ($label) refused for \"$reason\"" ;;
		esac
	done
done
run=$((run + 1)); [ "$(count "$tmp/inject.db")" -eq 1 ] || fail "inject: $(count "$tmp/inject.db") residents, want 1"
run=$((run + 1)); printf '%s' "$out" | grep -q "$esc" && fail "inject: the report printed a raw ESC"
run=$((run + 1)); grep -q "$esc" "$tmp/inject.rejects.csv" && fail "inject: the rejects file holds a raw ESC"
run=$((run + 1)); grep -qF '\x1b]52;c;ZWNobw==\x07' "$tmp/inject.rejects.csv" || fail "inject: the rejects file does not show the OSC 52 escaped"

# U+202E and U+200B in a name are refused, naming the field and the character
printf '姓名,性别,出生日期\n龙\342\200\213发利,男,1980-01-01\n\342\200\256利发龙,男,1980-01-01\n' > "$tmp/invisible.csv"
expect invisible-zwsp 3 "line 2: Name: holds an invisible character (U+200B)" -- "$bin" --lang en --db "$tmp/inv.db" import residents "$tmp/invisible.csv"
expect invisible-rlo 3 "line 3: Name: holds an invisible character (U+202E)" -- "$bin" --lang en --db "$tmp/inv2.db" import residents "$tmp/invisible.csv"

# a name with ESC put in by sqlite3 is exported escaped: the CSV holds no raw ESC (the
# shell lacks the program's SQL functions: the trigger and the pinyin index go first)
sqlite3 "$demo" "DROP TRIGGER resident_key_au; DROP INDEX resident_pinyin; UPDATE resident SET name = name || char(27) || ']52;c;ZWNobw==' || char(7), status_reason = char(27) || '[2J' WHERE id = (SELECT min(id) FROM resident)"
expect export-escaped 0 "300" -- "$bin" --db "$demo" export residents "$tmp/esc.csv" --encoding gb18030
run=$((run + 1)); grep -q "$esc" "$tmp/esc.csv" && fail "export wrote a raw ESC"
run=$((run + 1)); iconv -f GB18030 -t UTF-8 "$tmp/esc.csv" | grep -qF '\x1b]52;c;ZWNobw==\x07' || fail "export does not show the ESC escaped"
expect export-escaped-utf8 0 "300" -- "$bin" --db "$demo" export residents "$tmp/esc8.csv"
run=$((run + 1)); grep -q "$esc" "$tmp/esc8.csv" && fail "UTF-8 export wrote a raw ESC"

echo "$((run - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
