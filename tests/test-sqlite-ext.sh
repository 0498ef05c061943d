#!/bin/sh
# The sqlite3 shell with shanzhi's SQL functions loaded (`.load shanzhi-sqlite`,
# issue 15) writes a register as the program does: a resident renamed in the shell
# has the search keys and the place in the pinyin index that the program gives the
# new name, and the program's check finds nothing wrong. Without the extension the
# shell cannot rename a resident at all (the trigger and the index call functions
# it lacks) and the register is left as it was.
# Usage: test-sqlite-ext.sh PATH/TO/shanzhi PATH/TO/shanzhi-sqlite.so [ASAN-RUNTIME]
set -u
bin=$1 ext=$2 asan_runtime=${3:-}
# In the sanitizer build the extension needs the ASan runtime loaded first in the
# shell that loads it (the shell itself is not instrumented, so its leaks are not ours).
if [ -n "$asan_runtime" ]; then
	sqlite3() { LD_PRELOAD=$asan_runtime ASAN_OPTIONS=detect_leaks=0 command sqlite3 "$@"; }
fi
. "$(dirname "$0")/lib.sh"
same() {   # same NAME GOT WANT
	run=$((run + 1))
	[ "$2" = "$3" ] || fail "$1: \"$2\", want \"$3\""
}
# the search keys of the resident with ID number $2
keys() {
	sqlite3 "$1" "SELECT group_concat(key, ' ') FROM (SELECT key FROM resident_key WHERE resident_id =
	  (SELECT id FROM resident WHERE id_number = '$2') ORDER BY key)"
}
# the names in the order the pinyin index holds them, as the resident list walks it
in_pinyin_order() {
	sqlite3 "$1" ".load $ext" "SELECT group_concat(name, ' ') FROM
	  (SELECT name FROM resident INDEXED BY resident_pinyin ORDER BY sz_name_key(name), id)"
}

roster() {   # roster FILE NAME: three residents, the first named NAME
	printf '户号,姓名,公民身份号码,与户主关系,家庭住址\n' > "$1"
	printf 'H1,%s,110101198001010010,户主,三组\n' "$2" >> "$1"
	printf 'H1,李四,110101198202020020,配偶,三组\n' >> "$1"
	printf 'H2,张三,110101199003030036,户主,五组\n' >> "$1"
}
roster "$tmp/old.csv" 王小明
roster "$tmp/new.csv" 安娜
db=$tmp/shell.db ref=$tmp/program.db
expect import 0 "已导入 3 行" -- "$bin" --db "$db" import residents "$tmp/old.csv"
expect import-renamed 0 "已导入 3 行" -- "$bin" --db "$ref" import residents "$tmp/new.csv"
rename="UPDATE resident SET name = '安娜' WHERE id_number = '110101198001010010'"

# without the extension: refused, nothing changed
expect without-extension 1 "function: sz_" -- sqlite3 "$db" "$rename"
same without-extension-name "$(sqlite3 "$db" "SELECT name FROM resident WHERE id_number = '110101198001010010'")" 王小明

# with it: the keys and the index the program would have made
expect with-extension 0 "" -- sqlite3 "$db" ".load $ext" "$rename"
same name "$(sqlite3 "$db" "SELECT name FROM resident WHERE id_number = '110101198001010010'")" 安娜
same keys "$(keys "$db" 110101198001010010)" "$(keys "$ref" 110101198001010010)"
for key in n:安娜 n:娜 p:an; do
	run=$((run + 1))
	case " $(keys "$db" 110101198001010010) " in
	*" $key "*) ;;
	*) fail "key $key of the new name missing: $(keys "$db" 110101198001010010)" ;;
	esac
done
same pinyin-order "$(in_pinyin_order "$db")" "$(in_pinyin_order "$ref")"
same pinyin-order-names "$(in_pinyin_order "$db")" "安娜 李四 张三"
same integrity "$(sqlite3 "$db" ".load $ext" "PRAGMA integrity_check")" ok
expect check 0 "未发现问题" -- "$bin" --db "$db" check
expect search-new 0 "安娜" -- "$bin" --db "$db" search an
run=$((run + 1))
"$bin" --db "$db" search wxm 2>&1 | grep -q 安娜 && fail "the old name's initials still find the resident"

echo "sqlite-ext: $run checks, $failed failed"
[ "$failed" -eq 0 ]
