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
expect export-usage 2 "residents" -- "$bin" --db "$demo" --operator demo export
expect export-gbk 1 "李一" -- "$bin" --db "$demo" --operator demo export residents "$tmp/out.csv" --encoding gbk
run=$((run + 1)); [ ! -e "$tmp/out.csv" ] || fail "a refused GBK export left a file"
expect export-18030 0 "300" -- "$bin" --db "$demo" --operator demo export residents "$tmp/out.csv" --encoding gb18030 --unmasked
expect export-masked 0 "XLSX" -- "$bin" --db "$demo" --operator demo export residents "$tmp/out.xlsx"
expect export-dibao 0 "gbk" -- "$bin" --db "$demo" --operator demo export residents "$tmp/dibao.csv" --template dibao
expect export-no-template 1 "nosuch" -- "$bin" --db "$demo" --operator demo export residents "$tmp/x.csv" --template nosuch
expect round-trip 0 "已导入 300 行，拒绝 0 行" -- "$bin" --db "$tmp/back.db" import residents "$tmp/out.csv"
q="SELECT group_concat(name || id_number || sex || birth_date || coalesce(relation, '') || coalesce(phone, ''), ';') FROM (SELECT * FROM resident ORDER BY id)"
run=$((run + 1))
[ "$(sqlite3 "$demo" "$q")" = "$(sqlite3 "$tmp/back.db" "$q")" ] || fail "round trip: the residents differ"

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

echo "$((run - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
