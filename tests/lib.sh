# lib.sh: the preamble the command-line tests share, sourced after `set -u`:
#   . "$(dirname "$0")/lib.sh"
# It makes a temporary directory $tmp (removed on exit), fixes the date and the
# language the program sees, and defines the counters run/failed with fail() and
# expect(). The sourcing script prints its summary and ends with [ "$failed" -eq 0 ].
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SHANZHI_TODAY=2026-11-26 LANG=zh_CN.UTF-8
unset LANGUAGE
run=0 failed=0

# fail MESSAGE: counts a failed check and says why on stderr.
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# expect NAME WANT_STATUS PATTERN -- command...: status and a fixed-string match on stdout+stderr
expect() {
	name=$1 want=$2 pattern=$3
	shift 4
	run=$((run + 1))
	out=$("$@" 2>&1)
	got=$?
	[ "$got" -eq "$want" ] || { fail "$name: exit status $got, want $want; output: $out"; return; }
	printf '%s\n' "$out" | grep -qF -- "$pattern" || fail "$name: output lacks \"$pattern\": $out"
}
# as_op LOGIN command...: runs the command as the system login LOGIN maps to, as
# `sudo -u shanzhi` sets SUDO_USER for the clerk who ran it
as_op() { (SUDO_USER=$1; export SUDO_USER; shift; "$@"); }
