#!/bin/sh
# Operators, backups and the audit chain as a shell user drives them: `user`,
# `backup`, `restore`, `check`, and the command line's operator rules.
# Usage: test-auth-cli.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
umask 022   # the usual one: files of personal data are 0600 all the same
# expect_in INPUT NAME WANT_STATUS PATTERN -- command...: the same with INPUT on standard input
expect_in() {
	input=$1 name=$2 want=$3 pattern=$4
	shift 5
	run=$((run + 1))
	out=$(printf '%s\n' "$input" | "$@" 2>&1)
	got=$?
	[ "$got" -eq "$want" ] || { fail "$name: exit status $got, want $want; output: $out"; return; }
	printf '%s\n' "$out" | grep -qF -- "$pattern" || fail "$name: output lacks \"$pattern\": $out"
}
# same NAME WANT GOT
same() {
	run=$((run + 1))
	[ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""
}

db=$tmp/v.db
sz() { "$bin" --lang en --db "$db" "$@"; }
expect demo 0 "Sign in as admin with the password demo" -- sz demo --residents 200
expect demo-zh 0 "请以 admin 登录，密码 demo" -- "$bin" --db "$tmp/zh.db" demo --residents 20

# operators: the administrator adds, a clerk is refused, passwords never in clear
expect_in 'clerk-pw' add-clerk 0 "Operator lin added" -- sz user add lin --role clerk --password-stdin
expect_in 'view-pw' add-viewer 0 "added" -- sz user add kan --role viewer --password-stdin
expect_in 'x' add-short 1 "4 to 128" -- sz user add shorty --role clerk --password-stdin
expect_in 'pass-1234' add-badrole 1 "unknown role janitor" -- sz user add jan --role janitor --password-stdin
expect_in 'pass-1234' add-by-clerk 1 "may not administer operators" -- as_op lin sz user add eve --role admin --password-stdin
expect_in 'pass-1234' add-quote 1 "quotes" -- sz user add "x'; DROP TABLE operator; --" --role clerk --password-stdin
expect list 0 "lin" -- sz user list
expect list-role 0 "read-only" -- sz user list
same no-clear-password 0 "$(sqlite3 "$db" "SELECT count(*) FROM operator WHERE password_hash LIKE '%clerk-pw%' OR password_hash NOT LIKE '\$y\$%'")"
same no-hash-in-audit 0 "$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE after LIKE '%\$y\$%'")"
expect_in 'new-pw-1' passwd-own 0 "is set" -- as_op lin sz user passwd lin --password-stdin
expect_in 'new-pw-1' passwd-other 1 "may not administer" -- as_op lin sz user passwd admin --password-stdin
expect disable-by-viewer 1 "may not administer" -- as_op kan sz user disable lin
expect disable 0 "disabled" -- sz user disable lin
expect disabled-refused 1 "lin is disabled. An administrator can enable it again" -- as_op lin sz search 王
expect disabled-no-backup 1 "lin is disabled" -- as_op lin sz backup "$tmp/disabled.db"
expect last-admin 1 "last administrator" -- sz user disable admin
expect enable 0 "enabled" -- sz user enable lin
expect usage 2 "user add NAME" -- sz user frobnicate

# the command line's operator: a login the register does not know names nobody, so
# it may neither read (the read rule, test-access-cli.sh) nor write
expect stranger-reads-nothing 1 "Your role (none) may not view the register" -- as_op stranger sz check
expect stranger-backup-refused 1 "may not administer" -- as_op stranger sz restore "$db"

# a login locked at the sign-in screen (wrong passwords set locked_until: see
# test-tui-auth) is locked on the command line too, and says for how long
sqlite3 "$db" "UPDATE operator SET locked_until = strftime('%s', 'now') + 420 WHERE login = 'lin'"
expect locked-refused 1 "lin is locked for 7 more minute(s)" -- as_op lin sz search 王
expect locked-user 1 "lin is locked" -- as_op lin sz user passwd lin --password-stdin
expect locked-no-backup 1 "lin is locked" -- as_op lin sz backup "$tmp/locked.db"
expect_in 'clerk-pw' unlock 0 "is set" -- sz user passwd lin --password-stdin
expect unlocked 0 "no problems" -- as_op lin sz check

# a backup holds every full ID and phone number and the password hashes: only the
# roles that may see full numbers (admin, clerk, mediator) may make one, each audited
expect backup-viewer 1 "may not see full ID and phone numbers" -- as_op kan sz backup "$tmp/kan.db"
expect backup-stranger 1 "Your role (none) may not see full ID" -- as_op stranger sz backup "$tmp/stranger.db"
run=$((run + 1)); [ ! -e "$tmp/kan.db" ] && [ ! -e "$tmp/stranger.db" ] || fail "a refused backup left a copy"
expect backup-clerk 0 "checked" -- as_op lin sz backup "$tmp/lin.db"
last_backup() {
	sqlite3 "$db" "SELECT (SELECT login FROM operator WHERE id = operator_id) || ' ' || json_extract(after, '\$.backup')
	  || ' ' || (at IS NOT NULL) FROM audit WHERE tbl = 'register' AND action = 'unmask' ORDER BY id DESC LIMIT 1"
}
same backup-clerk-audited "lin $(realpath "$tmp/lin.db") 1" "$(last_backup)"

# a fresh register: the first operator added must be an administrator
fresh=$tmp/fresh.db
expect_in 'pass-1234' fresh-clerk 1 "must be an administrator" -- "$bin" --lang en --db "$fresh" user add first --role clerk --password-stdin
expect_in 'pass-1234' fresh-admin 0 "added" -- "$bin" --lang en --db "$fresh" user add first --role admin --password-stdin
same fresh-mode 600 "$(stat -c %a "$fresh")"

# backups while a writer works, a restore round trip, refusals of bad copies
before=$(sqlite3 "$db" "SELECT count(*) FROM resident")
( for i in 1 2 3 4 5; do sz user role kan clerk; sz user role kan viewer; done >/dev/null 2>&1 ) &
expect backup 0 "checked" -- sz backup "$tmp/b1.db"
wait
same backup-mode 600 "$(stat -c %a "$tmp/b1.db")"
same backup-audited "admin $(realpath "$tmp/b1.db") 1" "$(last_backup)"
same backup-rows "$before" "$(sqlite3 "$tmp/b1.db" "SELECT count(*) FROM resident")"
sqlite3 "$db" "DROP TRIGGER resident_key_au; DROP TRIGGER resident_no_delete; DROP INDEX resident_pinyin; DELETE FROM resident_key; DELETE FROM household; UPDATE resident SET household_id = NULL; DELETE FROM resident WHERE id > 10"
expect restore 0 "restored from" -- sz restore "$tmp/b1.db"
same restored-rows "$before" "$(sqlite3 "$db" "SELECT count(*) FROM resident")"
# the restore is in the restored register's own audit log: which file, by whom
same restore-audited "$tmp/b1.db admin" "$(sqlite3 "$db" "SELECT json_extract(after, '$.restored_from') || ' ' ||
  (SELECT login FROM operator WHERE id = operator_id) FROM audit WHERE tbl = 'register' ORDER BY id DESC LIMIT 1")"
expect restored-check 0 "no problems" -- sz check
run=$((run + 1)); ls "$db".before-restore-* >/dev/null 2>&1 || fail "the register before the restore was not kept"
head -c 8192 "$tmp/b1.db" > "$tmp/cut.db"
expect restore-cut 1 "nothing was changed" -- sz restore "$tmp/cut.db"
printf 'a letter, not a database\n' > "$tmp/letter.db"
expect restore-letter 1 "nothing was changed" -- sz restore "$tmp/letter.db"
sqlite3 "$tmp/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
expect restore-other 1 "not a shanzhi database" -- sz restore "$tmp/other.db"
cp "$tmp/b1.db" "$tmp/tampered.db"
sqlite3 "$tmp/tampered.db" "DROP TRIGGER audit_no_update; UPDATE audit SET reason = '改过' WHERE id = 5"
expect restore-tampered 1 "audit entry 5" -- sz restore "$tmp/tampered.db"
same after-refusals "$before" "$(sqlite3 "$db" "SELECT count(*) FROM resident")"
expect daily 0 "shanzhi-2026-11-26.db" -- sz backup --daily
same daily-audited "admin $(realpath "$tmp/backups/shanzhi-2026-11-26.db") 1" "$(last_backup)"
expect daily-again 0 "exists already" -- sz backup --daily

# an audit row changed with the sqlite3 shell is named by check
sqlite3 "$db" "DROP TRIGGER audit_no_update; UPDATE audit SET after = json_set(after, '\$.name', '王五') WHERE id = (SELECT min(id) FROM audit WHERE tbl = 'town')"
id=$(sqlite3 "$db" "SELECT min(id) FROM audit WHERE tbl = 'town'")
expect check-tampered 1 "audit entry $id (town" -- sz check
expect check-tampered-zh 1 "审计记录 $id" -- "$bin" --db "$db" check

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
