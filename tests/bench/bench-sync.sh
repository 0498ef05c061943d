#!/bin/bash
# bench-sync: how long the township takes to apply one village's package of about
# 10,000 changes (the village's first package: its whole register, the declared
# registers' records and steps among them, keyed in the township's search index as
# they are applied), against the target of 2 s. A figure, not a test: `meson test --benchmark sync -v`.
# Usage: bench-sync.sh PATH/TO/shanzhi [RESIDENTS]
set -eu
bin=$1
residents=${2:-1400}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SHANZHI_TODAY=2026-11-26 LANG=zh_CN.UTF-8 SUDO_USER=${SUDO_USER:-admin}
"$bin" --db "$tmp/v.db" demo --residents "$residents" --seed 7 >/dev/null
"$bin" --db "$tmp/v.db" sync init --village 520111101201 --name 龙井村 >/dev/null
"$bin" --db "$tmp/v.db" --lang en sync export "$tmp/v1.pkg"
"$bin" --db "$tmp/t.db" sync init --township 520111101 --name 青岩镇 >/dev/null
start=$(date +%s.%N)
"$bin" --db "$tmp/t.db" --lang en sync apply "$tmp/v1.pkg" | cut -c1-80
end=$(date +%s.%N)
changes=$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM audit WHERE reason LIKE 'sync:%'")
registers=$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM audit WHERE reason LIKE 'sync:%' AND tbl LIKE 'ledger\_%' ESCAPE '\'")
printf 'sync apply: %s changes, %s of them registers'"'"' records and steps (%s bytes) in %.2f s (target: 10,000 in 2 s); the same package again:\n' \
	"$changes" "$registers" "$(stat -c %s "$tmp/v1.pkg")" "$(echo "$end - $start" | bc)"
start=$(date +%s.%N)
"$bin" --db "$tmp/t.db" --lang en sync apply "$tmp/v1.pkg"
end=$(date +%s.%N)
printf '  %.2f s\n' "$(echo "$end - $start" | bc)"
