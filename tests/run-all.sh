#!/bin/sh
# Runs every test twice: the normal build, then the ASan+UBSan build; ends with the
# line "N passed, N failed" over both runs.
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0 failed=0
for dir in build build-asan; do
	echo "== tests in $dir"
	meson test -C "$dir" --print-errorlogs --num-processes 2 || true
	log="$dir/meson-logs/testlog.json"
	if [ -f "$log" ]; then
		p=$(grep -c '"result": "OK"' "$log" || true)
		f=$(grep -vc '"result": "OK"' "$log" || true)
		passed=$((passed + p)) failed=$((failed + f))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
