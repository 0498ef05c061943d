#!/bin/sh
# The read and write rule (the table in src/access.c, stated in the README) command by
# command against every role, a name the register does not know included; and the
# multi-clerk box: a system login maps to its operator (SUDO_USER, as sudo sets it),
# acting as another operator takes that operator's password, audited either way,
# and an operator without a password comes in by no way.
# Usage: test-access-cli.sh PATH/TO/shanzhi
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
umask 022

db=$tmp/v.db
# a declared register in the local folder, for the ledger commands' rows
mkdir -p "$tmp/local/registers"
cp "$SOURCE_ROOT/tests/data/ledger/registers/visit.register" "$tmp/local/registers/"
export SHANZHI_FORMS_LOCAL="$tmp/local"
sz() { "$bin" --lang en --db "$db" "$@"; }
sz demo --residents 100 >/dev/null 2>&1 || fail "demo"
for op in "lin clerk" "yang mediator" "kan viewer"; do
	printf 'pass-%s\n' "${op% *}" | sz user add ${op% *} --role ${op#* } --password-stdin >/dev/null 2>&1 ||
		fail "user add $op"
done
receipt=$(sqlite3 "$db" "SELECT number FROM service_request ORDER BY id LIMIT 1")
case_key=$(sqlite3 "$db" "SELECT case_key FROM dispute_case WHERE outcome = '1' AND agreement_form = '2' ORDER BY id LIMIT 1")
sz export residents "$tmp/all.csv" >/dev/null 2>&1 || fail "export for the import"
head -n 1 "$tmp/all.csv" > "$tmp/roster.csv"
visit_hh=$(sqlite3 "$db" "SELECT hh_no FROM household ORDER BY id LIMIT 1")
sz ledger visit add household="$visit_hh" found=漏雨 >/dev/null 2>&1 || fail "a visit to show and print"   # the columns, no rows: a dry run that finds no fault

# the writes' targets, one each for the logins that may change the register (a head
# made twice, a member moved twice, would be refused by the household rules, not by
# the role); the others, refused before any rule, are given admin's
sqlite3 -separator ' ' "$db" "SELECT h.hh_no, (SELECT min(id) FROM resident WHERE household_id = h.id AND id <> h.head_id),
  (SELECT max(id) FROM resident WHERE household_id = h.id AND id <> h.head_id) FROM household h WHERE head_id IS NOT NULL
  AND (SELECT count(*) FROM resident WHERE household_id = h.id) >= 3 ORDER BY h.id LIMIT 2" > "$tmp/targets"
move_to=$(sqlite3 "$db" "SELECT hh_no FROM household WHERE head_id IS NOT NULL ORDER BY id DESC LIMIT 1")
for login in admin lin yang kan stranger; do
	case $login in lin) row=2 ;; *) row=1 ;; esac
	sed -n "${row}p" "$tmp/targets" | while read -r hh head mover; do
		printf 's/WHH-%s/%s/g\ns/WHEAD-%s/%s/g\ns/WMOVER-%s/%s/g\n' "$login" "$hh" "$login" "$head" "$login" "$mover"
	done
done > "$tmp/targets.sed"

# One row per command: a name, the roles that may run it, the command. The
# logins: admin (the tests' own, see meson.build), lin clerk, yang mediator, kan
# viewer, stranger (not an operator). Allowed: exit 0 and no refusal; refused:
# exit 1 with "Your role (…) may not", and no file written.
rules() {
	cat <<EOF
check|admin lin yang kan|check
search|admin lin yang kan|search 王 --limit 3
report-services|admin lin yang kan|report services --month 2026-11
report-disputes|admin yang|report disputes --year 2026
report-stars|admin lin yang kan|report stars --year 2025
print-receipt|admin lin yang kan|print receipt $receipt --output -
print-agreement|admin yang|print agreement $case_key --output -
print-record|admin yang|print record $case_key --output -
print-notice|admin lin yang kan|print notice --village 龙井村 --year 2025 --output -
export|admin lin|export residents $tmp/out-LOGIN.csv
export-unmasked|admin lin|export residents $tmp/full-LOGIN.csv --unmasked --reason 核对
import-dry-run|admin lin|import residents $tmp/roster.csv --dry-run
backup|admin lin yang|backup $tmp/backup-LOGIN.db
resident-add|admin lin|resident add name=测试LOGIN sex=1 birth_date=1990-01-01
resident-set|admin lin|resident set 1 notes=LOGIN
resident-status|admin lin|resident status 2 1
household-head|admin lin|household head WHH-LOGIN WHEAD-LOGIN --former-relation 10
household-move|admin lin|household move WMOVER-LOGIN $move_to --relation 20
user-list|admin|user list
ledger|admin lin yang kan|ledger
ledger-list|admin lin yang kan|ledger visit list
ledger-show|admin lin yang kan|ledger visit show 1
ledger-print|admin lin yang kan|ledger visit print 1 --output -
ledger-add|admin lin|ledger visit add household=$visit_hh found=LOGIN
report-ledger|admin lin yang kan|report visits_month --month 2026-11
EOF
}
rules | while IFS='|' read -r name allowed command; do
	for login in admin lin yang kan stranger; do
		run=$((run + 1))
		args=$(printf '%s' "$command" | sed "s/LOGIN/$login/g" | sed -f "$tmp/targets.sed")
		# shellcheck disable=SC2086  # the row's words are the arguments
		out=$(as_op "$login" sz $args 2>&1)
		got=$?
		case " $allowed " in
		*" $login "*)
			[ "$got" -eq 0 ] && ! printf '%s' "$out" | grep -q "may not" ||
				fail "$name as $login: should be allowed; status $got: $(printf '%s' "$out" | head -n 3)" ;;
		*)
			[ "$got" -eq 1 ] && printf '%s' "$out" | grep -q "Your role (.*) may not" ||
				fail "$name as $login: should be refused; status $got: $(printf '%s' "$out" | head -n 3)"
			for f in "$tmp/out-$login.csv" "$tmp/full-$login.csv" "$tmp/backup-$login.db"; do
				[ ! -e "$f" ] || case "$args" in *"$f"*) fail "$name as $login: refused but wrote $f" ;; esac
			done ;;
		esac
	done
	echo "$run $failed" > "$tmp/counts"
done
read -r run failed < "$tmp/counts"
# the writes allowed wrote, the refused wrote nothing: one new resident each for admin and lin
run=$((run + 1))
[ "$(sqlite3 "$db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM resident WHERE name LIKE '测试%' ORDER BY id)")" = "测试admin 测试lin" ] ||
	fail "the residents the write rule let in: $(sqlite3 "$db" "SELECT group_concat(name, ' ') FROM resident WHERE name LIKE '测试%'")"
rows=$(sqlite3 "$db" "SELECT count(*) FROM resident")
expect unknown-named 1 "Your role (none) may not view the register" -- as_op stranger sz search 王
expect unknown-zh 1 "您的角色（无）无权查看台账" -- as_op stranger "$bin" --db "$db" search 王

# the multi-clerk box: lin (the system login the sudo rule passed on) asks for the
# administrator's unmasked export. Refused without admin's password (no terminal to
# ask on: setsid leaves none), refused with a wrong one, done with the right one;
# the audit log names lin's system login each time
unmasked_count() { sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = 'unmask' AND tbl = 'resident'"; }
before=$(unmasked_count)
expect as-admin-no-password 1 "acting as operator admin needs its password" -- \
	setsid -w env SUDO_USER=lin "$bin" --lang en --db "$db" --operator admin export residents "$tmp/stolen.csv" --unmasked --reason x
printf 'guess\n' > "$tmp/guess"
expect as-admin-wrong-password 1 "Wrong login or password" -- \
	setsid -w env SUDO_USER=lin "$bin" --lang en --db "$db" --operator admin --password-stdin export residents "$tmp/stolen.csv" --unmasked --reason x < "$tmp/guess"
run=$((run + 1)); [ ! -e "$tmp/stolen.csv" ] || fail "a refused export wrote its file"
run=$((run + 1)); [ "$(unmasked_count)" = "$before" ] || fail "a refused export was audited as done"
run=$((run + 1))
[ "$(sqlite3 "$db" "SELECT reason FROM audit WHERE tbl = 'operator' AND row_id = (SELECT id FROM operator WHERE login = 'admin')
  AND json_extract(after, '\$.failed_attempts') = 1 ORDER BY id DESC LIMIT 1")" = "wrong password (--operator on the command line, by system user lin)" ] ||
	fail "the wrong password is not in admin's audit history with lin's system login"
printf 'demo\n' > "$tmp/right"
expect as-admin-with-password 0 "Wrote $rows rows" -- \
	setsid -w env SUDO_USER=lin "$bin" --lang en --db "$db" --operator admin --password-stdin export residents "$tmp/full.csv" --unmasked --reason 核对 < "$tmp/right"
run=$((run + 1))
[ "$(sqlite3 "$db" "SELECT (SELECT login FROM operator WHERE id = operator_id) || ' ' || reason FROM audit
  WHERE tbl = 'operator' AND json_extract(after, '\$.last_signin_at') IS NOT NULL ORDER BY id DESC LIMIT 1")" = \
  "admin --operator on the command line, by system user lin" ] || fail "the sign-in as admin is not audited with lin's system login"
run=$((run + 1))
[ "$(sqlite3 "$db" "SELECT (SELECT login FROM operator WHERE id = operator_id) FROM audit WHERE action = 'unmask' ORDER BY id DESC LIMIT 1")" = admin ] ||
	fail "the unmasked export is not audited as admin's"
# one's own login needs no password; naming it with --operator changes nothing
expect own-login 0 "Wrote $rows rows" -- as_op lin sz --operator lin export residents "$tmp/lin.csv" --unmasked --reason 核对
# a name the register does not know, named with --operator, gains nothing
expect as-unknown 1 "Your role (none) may not" -- as_op lin sz --operator ghost search 王

# an operator without a password (unset or empty) comes in by no way: not as its
# own login, not with --operator, whatever password is given
sqlite3 "$db" "UPDATE operator SET password_hash = NULL WHERE login = 'kan'; UPDATE operator SET password_hash = '' WHERE login = 'yang'"
expect no-password-own 1 "Operator kan has no password and cannot sign in" -- as_op kan sz search 王
expect no-password-empty 1 "Operator yang has no password and cannot sign in" -- as_op yang sz search 王
printf '\n' > "$tmp/empty"
expect no-password-operator 1 "kan has no password" -- \
	setsid -w env SUDO_USER=lin "$bin" --lang en --db "$db" --operator kan --password-stdin search 王 < "$tmp/empty"
expect no-password-operator-zh 1 "yang 没有密码" -- \
	setsid -w env SUDO_USER=lin "$bin" --db "$db" --operator yang --password-stdin search 王 < "$tmp/empty"

# run by sudo for lin: SUDO_UID and SUDO_GID as sudo sets them (not root's, so
# this is "another user"), HOME the service account's. The register is the
# service account's own (--db refused); what lin exports is a new file given to
# lin's group, read-only; nothing lin asks for replaces an existing file (the
# register, a backup) or reads one that is not lin's (an import of the register)
home=$tmp/service
reg=$home/.local/share/shanzhi/shanzhi.db
mkdir -p "${reg%/*}"
sz backup "$reg" >/dev/null 2>&1 || fail "the service account's register"
sudo_lin() { (SUDO_USER=lin SUDO_UID=4242 SUDO_GID=4243 HOME=$home; export SUDO_USER SUDO_UID SUDO_GID HOME; "$bin" --lang en "$@"); }
expect sudo-no-db 2 "--db is not taken when sudo runs shanzhi" -- sudo_lin --db "$db" search 王
expect sudo-search 0 "" -- sudo_lin search 王
expect sudo-export 0 "Wrote $rows rows" -- sudo_lin export residents "$tmp/sudo-lin.csv"
same() { run=$((run + 1)); [ "$2" = "$3" ] || fail "$1: got \"$3\", want \"$2\""; }
same sudo-export-mode "640 4243" "$(stat -c '%a %g' "$tmp/sudo-lin.csv")"
expect sudo-export-again 1 "$tmp/sudo-lin.csv" -- sudo_lin export residents "$tmp/sudo-lin.csv"
cp "$reg" "$tmp/reg-before"
expect sudo-print-over-register 1 "$reg" -- sudo_lin print receipt "$receipt" --output "$reg"
expect sudo-export-over-register 1 "$reg" -- sudo_lin export residents "$reg"
expect sudo-backup-over-file 1 "$tmp/reg-before" -- sudo_lin backup "$tmp/reg-before"
run=$((run + 1)); cmp -s "$reg" "$tmp/reg-before" || fail "a command run by sudo changed the register's file"
# (a failed sign-in's attempts, cleared by the next success outside the log, are
# no drift for check)
expect check-after-wrong-password 0 "no problems" -- sz check
expect sudo-register-intact 0 "no problems" -- sudo_lin check
expect sudo-demo-force 1 "does not replace the register" -- sudo_lin demo --force --residents 10
run=$((run + 1)); cmp -s "$reg" "$tmp/reg-before" || fail "demo --force run by sudo replaced the register"
expect sudo-import-register 1 "imports only a file of your own" -- sudo_lin import residents "$reg" --dry-run
# without sudo (SUDO_UID unset) the same export replaces the file, owner-only
expect own-export-again 0 "Wrote $rows rows" -- as_op lin sz export residents "$tmp/sudo-lin.csv"
same own-export-mode 600 "$(stat -c '%a' "$tmp/sudo-lin.csv")"

# the demo leaves no operator without a password, and none it does not name
run=$((run + 1))
[ "$("$bin" --db "$tmp/fresh-demo.db" demo --residents 10 >/dev/null 2>&1;
  sqlite3 "$tmp/fresh-demo.db" "SELECT group_concat(login || ':' || role || ':' || (coalesce(password_hash, '') <> ''), ' ') FROM operator")" = "admin:admin:1" ] ||
	fail "the demo's operators: $(sqlite3 "$tmp/fresh-demo.db" "SELECT group_concat(login || ':' || role, ' ') FROM operator")"

echo "$run checks, $failed failed"
[ "$failed" -eq 0 ]
