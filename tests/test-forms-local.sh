#!/bin/sh
# A township's local forms folder with a mistake in it (forms/README.md): each kind of
# file under forms/ broken in the local folder is named as file:line in a warning, the
# shipped file of the same name is used instead, and the command still succeeds.
# Usage: test-forms-local.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
db=$tmp/v.db
"$bin" --db "$db" demo --residents 200 > /dev/null 2>&1 || fail "demo"
local=$tmp/local

# warned NAME FILE:LINE STATUS -- command...: exits 0 and its stderr warns naming FILE:LINE
warned() {
	name=$1 where=$2
	shift 3
	run=$((run + 1))
	err=$(env SHANZHI_FORMS_LOCAL="$local" "$@" 2>&1 >/dev/null)
	got=$?
	[ "$got" -eq 0 ] || { fail "$name: exit status $got, want 0; stderr: $err"; return; }
	printf '%s\n' "$err" | grep -qF -- "$where" || fail "$name: stderr lacks \"$where\": $err"
}
# has NAME FILE TEXT: the file holds TEXT (the shipped file's work, not the broken one's)
has() { run=$((run + 1)); grep -qF -- "$3" "$2" || fail "$1: $2 lacks \"$3\""; }

# a code list with spaces for the TAB: the shipped 性别 list labels the export, and an
# import still reads 男 as a sex
mkdir -p "$local/codes"
printf '1\tMan\n2 Woman\n' > "$local/codes/sex.codes"
warned codes-export "$local/codes/sex.codes:2:" -- "$bin" --db "$db" --operator admin export residents "$tmp/codes.csv"
has codes-export-shipped "$tmp/codes.csv" ",女,"
printf '户号,姓名,公民身份号码,性别\n9001,龙德明,520111197003120111,男\n' > "$tmp/one.csv"
warned codes-import "$local/codes/sex.codes:2:" -- "$bin" --db "$db" --operator admin import residents "$tmp/one.csv" --dry-run
rm -r "$local"

# an export template with a misspelt key: the shipped one gives the columns
mkdir -p "$local/templates"
sed 's/^header = 姓名$/heading = 姓名/' "$SHANZHI_FORMS/templates/residents.tpl" > "$local/templates/residents.tpl"
line=$(grep -n '^heading' "$local/templates/residents.tpl" | cut -d: -f1)
warned template-csv "$local/templates/residents.tpl:$line:" -- "$bin" --db "$db" --operator admin export residents "$tmp/tpl.csv"
has template-csv-shipped "$tmp/tpl.csv" "户号,姓名,公民身份号码"
warned template-xlsx "$local/templates/residents.tpl:$line:" -- "$bin" --db "$db" --operator admin export residents "$tmp/tpl.xlsx"
rm -r "$local"

# a holiday file with a date that is none: the shipped year dates the demo's requests
mkdir -p "$local/holidays"
printf '2026-10-01\toff\t国庆节\n2026-13-01\toff\t不是日期\n' > "$local/holidays/2026.txt"
warned holidays-demo "$local/holidays/2026.txt:2:" -- "$bin" --db "$tmp/h.db" demo --residents 50
rm -r "$local"

# the service catalogue with a day count that is none: the shipped items name requests
mkdir -p "$local/codes"
sed 's/\t0\tyes\t/\tnone\tyes\t/' "$SHANZHI_FORMS/codes/service_item.codes" > "$local/codes/service_item.codes"
line=$(grep -n 'none' "$local/codes/service_item.codes" | head -n 1 | cut -d: -f1)
receipt=$(sqlite3 "$db" "SELECT number FROM service_request ORDER BY id LIMIT 1")
warned catalogue-receipt "$local/codes/service_item.codes:$line:" -- "$bin" --db "$db" --operator admin print receipt "$receipt" --output "$tmp/receipt.txt"
warned catalogue-report "$local/codes/service_item.codes:$line:" -- "$bin" --db "$db" --operator admin report services --month 2026-11
rm -r "$local"

# a township's roster header in a local file of a new name: its column holds the names,
# with no new program; the shipped headers still map the rest
mkdir -p "$local/import"
printf '# 户籍系统的导出\nname = 户员姓名\n' > "$local/import/township.aliases"
printf '户号,户员姓名,公民身份号码,性别\n9001,龙德明,520111197003120111,男\n' > "$tmp/township.csv"
expect alias-unknown-without 1 "姓名" -- "$bin" --db "$db" --operator admin import residents "$tmp/township.csv" --dry-run
expect alias-added 0 "将导入 1 行" -- env SHANZHI_FORMS_LOCAL="$local" "$bin" --db "$db" --operator admin import residents "$tmp/township.csv" --dry-run
# a local copy of the shipped headers with a misspelt field: named, the shipped file used
sed 's/^name = /nmae = /' "$SHANZHI_FORMS/import/roster.aliases" > "$local/import/roster.aliases"
line=$(grep -n '^nmae' "$local/import/roster.aliases" | cut -d: -f1)
warned aliases-import "$local/import/roster.aliases:$line:" -- "$bin" --db "$db" --operator admin import residents "$tmp/one.csv" --dry-run
expect aliases-shipped 0 "将导入 1 行" -- env SHANZHI_FORMS_LOCAL="$local" "$bin" --db "$db" --operator admin import residents "$tmp/one.csv" --dry-run
expect aliases-check 1 "$local/import/roster.aliases:$line:" -- env SHANZHI_FORMS_LOCAL="$local" "$bin" --db "$db" check
rm -r "$local"

# a rubric with a year that is not a number: the shipped one scores the round
mkdir -p "$local/rubrics"
sed 's/^year = 2025$/year = 二〇二五/' "$SHANZHI_FORMS/rubrics/common-2025.rubric" > "$local/rubrics/common-2025.rubric"
line=$(grep -n '^year' "$local/rubrics/common-2025.rubric" | cut -d: -f1)
warned rubric-notice "$local/rubrics/common-2025.rubric:$line:" -- "$bin" --db "$db" --operator admin print notice --village 龙井村 --year 2025 --output "$tmp/notice.txt"
has rubric-notice-shipped "$tmp/notice.txt" "星级文明户"
warned rubric-report "$local/rubrics/common-2025.rubric:$line:" -- "$bin" --db "$db" --operator admin report stars --year 2025 --output "$tmp/stars.txt"

# the same broken files are problems for check, which exits 1 naming them
mkdir -p "$local/codes"
printf '1\tMan\n2 Woman\n' > "$local/codes/sex.codes"
expect check-names-it 1 "$local/codes/sex.codes:2:" -- env SHANZHI_FORMS_LOCAL="$local" "$bin" --db "$db" check

echo "forms-local: $run checks, $failed failed"
[ "$failed" -eq 0 ]
