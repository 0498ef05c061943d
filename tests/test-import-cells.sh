#!/bin/sh
# Nothing of a roster is dropped without a word (issue 15): through `shanzhi import
# residents`, for CSV in UTF-8 and GBK, .xlsx and .xls, a member whose household
# cells disagree with his household's, a column no field takes, a cell right of the
# header and multi-line cells each end up in the resident's notes as "column：value"
# or are told, with the row's line, in the report; the dry run says it all before
# anything is written.
# Usage: test-import-cells.sh PATH/TO/shanzhi
set -u
bin=$1
root=${SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$(dirname "$0")/lib.sh"
count() { sqlite3 "$1" "SELECT count(*) FROM resident"; }
# the notes of a resident by name, line breaks shown as /
notes() { sqlite3 "$1" "SELECT replace(notes, char(10), '/') FROM resident WHERE name = '$2'"; }
has() {   # has NAME PATTERN: the last command's output holds the fixed string
	run=$((run + 1))
	printf '%s\n' "$out" | grep -qF -- "$2" || fail "$1: output lacks \"$2\": $out"
}
lacks() {
	run=$((run + 1))
	printf '%s\n' "$out" | grep -qF -- "$2" && fail "$1: output has \"$2\": $out"
}
same() {   # same NAME GOT WANT
	run=$((run + 1))
	[ "$2" = "$3" ] || fail "$1: \"$2\", want \"$3\""
}

# Lines: header 1, 张三 2, 李四 3-4 (his address on two lines), 王五 5-6, 赵六 7. The
# header's last column has no name; 王五 has a cell in it.
printf '户号,姓名,公民身份号码,与户主关系,家庭住址,籍贯,备注,\r\n' > "$tmp/cells.csv"
printf 'H1,张三,110101198001010010,户主,三组,湖南,老党员,\r\n' >> "$tmp/cells.csv"
printf 'H1,李四,110101198202020020,配偶,"三组\n(老屋)",湖北,,\r\n' >> "$tmp/cells.csv"
printf 'H2,王五,110101199003030036,户主,"五组\n后山",,,多余\r\n' >> "$tmp/cells.csv"
printf ',赵六,110101199104040014,,七组,,,\r\n' >> "$tmp/cells.csv"
iconv -f UTF-8 -t GBK "$tmp/cells.csv" > "$tmp/cells-gbk.csv"

# checks NAME DB: what the import stored, the same for every format
stored() {
	same "$1-head" "$(notes "$2" 张三)" "老党员/籍贯：湖南"
	same "$1-member" "$(notes "$2" 李四)" "籍贯：湖北/家庭住址：三组/(老屋)"
	same "$1-no-household" "$(notes "$2" 赵六)" "家庭住址：七组"
	same "$1-one-line" "$(sqlite3 "$2" "SELECT address FROM household WHERE hh_no = 'H2'")" "五组 后山"
	same "$1-household" "$(sqlite3 "$2" "SELECT address FROM household WHERE hh_no = 'H1'")" "三组"
}

for enc in utf8 gbk; do
	f=$tmp/cells.csv db=$tmp/u.db
	[ $enc = gbk ] && f=$tmp/cells-gbk.csv db=$tmp/g.db
	expect $enc-dry-run 0 "将导入 4 行，拒绝 0 行" -- "$bin" --db "$db" import residents "$f" --dry-run
	has $enc-columns "没有对应字段的列，按“列名：值”记入居民备注（单元格数）：籍贯（2）、第 8 列（1）。"
	has $enc-disagrees "第 3 行：家庭住址与本户住址（三组）不同，已记入备注"
	has $enc-multi-line "第 5 行：家庭住址：换行已改为空格"
	has $enc-no-household "第 7 行：没有户号，家庭住址已记入备注"
	same $enc-dry-run-wrote "$(count "$db")" 0
	expect $enc-import 0 "已导入 4 行，拒绝 0 行" -- "$bin" --db "$db" import residents "$f"
	has $enc-import-disagrees "第 3 行：家庭住址与本户住址（三组）不同，已记入备注"
	stored $enc "$db"
	same $enc-right-of-header "$(notes "$db" 王五)" "第 8 列：多余"
done
expect english 0 "line 3: 家庭住址 differs from the household's Address (三组); kept in the notes" -- \
	"$bin" --lang en --db "$tmp/e.db" import residents "$tmp/cells.csv" --dry-run

# members joining households of the register: the same value on one line agrees;
# a village group the household lacks and an address it has otherwise are kept
printf '户号,姓名,公民身份号码,与户主关系,家庭住址,村民小组\n' > "$tmp/join.csv"
printf 'H1,钱七,110101201005050014,子,三组,3组\n' >> "$tmp/join.csv"
printf 'H2,孙八,110101201206060024,子,"五组\n后山",\n' >> "$tmp/join.csv"
printf 'H2,周九,110101201407070034,女,六组,\n' >> "$tmp/join.csv"
expect join 0 "已导入 3 行，拒绝 0 行" -- "$bin" --db "$tmp/u.db" import residents "$tmp/join.csv"
has join-group "第 2 行：村民小组有值，但本户没有村民小组，已记入备注"
lacks join-same-address "第 3 行"
has join-other-address "第 5 行：家庭住址与本户住址（五组 后山）不同，已记入备注"
same join-group-notes "$(notes "$tmp/u.db" 钱七)" "村民小组：3组"
same join-same-notes "$(notes "$tmp/u.db" 孙八)" ""
same join-other-notes "$(notes "$tmp/u.db" 周九)" "家庭住址：六组"

# a column the clerk leaves out is said so, and not kept
expect left-out 0 "按要求不导入的列（单元格数）：籍贯（2）。" -- \
	"$bin" --db "$tmp/l.db" import residents "$tmp/cells.csv" --map 籍贯=-
lacks left-out-notes "记入居民备注（单元格数）：籍贯"
same left-out-stored "$(notes "$tmp/l.db" 张三)" "老党员"

# .xlsx: lines are the sheet's rows (李四 3, 王五 4, 赵六 5), as Excel numbers them
python3 "$root/tests/bench/roster-xlsx.py" "$tmp/cells.csv" "$tmp/cells.xlsx" utf-8 >/dev/null
expect xlsx-dry-run 0 "将导入 4 行，拒绝 0 行" -- "$bin" --db "$tmp/x.db" import residents "$tmp/cells.xlsx" --dry-run
has xlsx-columns "没有对应字段的列，按“列名：值”记入居民备注（单元格数）：籍贯（2）、表头右侧的单元格（1）。"
has xlsx-disagrees "第 3 行：家庭住址与本户住址（三组）不同，已记入备注"
has xlsx-multi-line "第 4 行：家庭住址：换行已改为空格"
has xlsx-no-household "第 5 行：没有户号，家庭住址已记入备注"
expect xlsx-import 0 "已导入 4 行，拒绝 0 行" -- "$bin" --db "$tmp/x.db" import residents "$tmp/cells.xlsx"
stored xlsx "$tmp/x.db"
same xlsx-right-of-header "$(notes "$tmp/x.db" 王五)" "第 8 列：多余"

# .xls, written by Perl's Spreadsheet::WriteExcel
perl -Mutf8 -MSpreadsheet::WriteExcel -e 'my $b = Spreadsheet::WriteExcel->new($ARGV[0]) or exit 1;
my $s = $b->add_worksheet(); my $r = 0;
sub row { my $c = 0; for (@_) { $s->write_string($r, $c, $_) if length; $c++ } $r++ }   # text, never a number
row("户号", "姓名", "公民身份号码", "与户主关系", "家庭住址", "籍贯", "备注");
row("H1", "张三", "110101198001010010", "户主", "三组", "湖南", "老党员");
row("H1", "李四", "110101198202020020", "配偶", "三组\n(老屋)", "湖北");
row("H2", "王五", "110101199003030036", "户主", "五组\n后山");
row("", "赵六", "110101199104040014", "", "七组");
$s->write_string(3, 7, "多余"); $b->close();' "$tmp/cells.xls"
expect xls-import 0 "已导入 4 行，拒绝 0 行" -- "$bin" --db "$tmp/s.db" import residents "$tmp/cells.xls"
has xls-columns "没有对应字段的列，按“列名：值”记入居民备注（单元格数）：籍贯（2）、表头右侧的单元格（1）。"
has xls-disagrees "第 3 行：家庭住址与本户住址（三组）不同，已记入备注"
has xls-multi-line "第 4 行：家庭住址：换行已改为空格"
stored xls "$tmp/s.db"
same xls-right-of-header "$(notes "$tmp/s.db" 王五)" "第 8 列：多余"

echo "$((run - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
