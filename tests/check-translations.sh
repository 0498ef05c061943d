#!/bin/sh
# check-translations: every text a clerk can see has a Chinese translation.
#
# The message ids are the strings of the source files (xgettext, --keyword=_ and N_)
# and the labels, helps and messages of forms/ (tests/forms-msgids). The test fails,
# naming each message id and where it comes from, when locale/zh_CN.po lacks it or
# leaves it empty or fuzzy, when a source file with strings is missing from
# locale/POTFILES, and when a translation's printf conversions differ from its
# message id's (msgfmt --check-format).
#
# usage: check-translations.sh            check (a meson test)
#        check-translations.sh --update   merge the new message ids into zh_CN.po
#        check-translations.sh --selftest check that this check fails on a catalogue
#                                         with a missing, a fuzzy and a misformatted entry
# PO=file checks another catalogue than locale/zh_CN.po.
set -eu
root=${SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
po=${PO:-"$root/locale/zh_CN.po"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

if [ "${1:-}" = --selftest ]; then
	# Spoil three entries of a copy: "Save" untranslated, "Back" fuzzy, and the
	# %lld of "%s is registered (record %lld)." turned into %s.
	python3 - "$po" "$tmp/spoilt.po" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
def spoil(msgid, fn):
    global text
    pat = re.compile(r'((?:#[^\n]*\n)*)(msgid "%s"\nmsgstr )("[^\n]*")' % re.escape(msgid))
    text, n = pat.subn(fn, text, count=1)
    if n != 1:
        sys.exit("selftest: no entry for " + msgid)
spoil("Save", lambda m: m.group(1) + m.group(2) + '""')
spoil("Back", lambda m: "#, fuzzy\n" + m.group(1) + m.group(2) + m.group(3))
spoil("%s is registered (record %lld).", lambda m: m.group(1) + m.group(2) + '"%s已登记（第 %s 号记录）。"')
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
	if PO="$tmp/spoilt.po" "$0" > "$tmp/out" 2>&1; then
		echo "selftest: the check passed a spoilt catalogue"
		exit 1
	fi
	for want in 'msgid "Save"' 'msgid "Back"' 'record %lld'; do
		if ! grep -qF "$want" "$tmp/out"; then
			echo "selftest: the check did not name $want; it said:"
			cat "$tmp/out"
			exit 1
		fi
	done
	echo "selftest: the spoilt catalogue was refused, naming each spoilt entry"
	exit 0
fi

# 1. POTFILES names every source file that has translatable strings, and only files that exist.
cd "$root"
for f in src/*.c src/*.h include/*.h; do
	[ -f "$f" ] || continue
	if grep -Eq '(^|[^A-Za-z0-9_])N?_\("' "$f" && ! grep -qx "$f" locale/POTFILES; then
		echo "locale/POTFILES: $f has translatable strings but is not listed"
		failed=1
	fi
done
while read -r f; do
	case "$f" in ''|'#'*) continue ;; esac
	if [ -f "$f" ]; then
		echo "$f" >> "$tmp/potfiles"
	else
		echo "locale/POTFILES: $f does not exist"
		failed=1
	fi
done < locale/POTFILES
touch "$tmp/potfiles"

# 2. The message ids: sources and forms together.
xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --package-name=shanzhi \
	--files-from="$tmp/potfiles" --directory="$root" -o "$tmp/src.pot"
python3 "$root/tests/forms-msgids" "$root/forms" "$root" > "$tmp/forms.pot"
msgcat --use-first "$tmp/src.pot" "$tmp/forms.pot" -o "$tmp/all.pot"
msgmerge --quiet --no-fuzzy-matching "$po" "$tmp/all.pot" -o "$tmp/merged.po"

if [ "${1:-}" = --update ]; then
	cp "$tmp/merged.po" "$po"
	msgfmt --statistics -o /dev/null "$po"
	exit 0
fi

# 3. Each one translated, not fuzzy, not empty.
total=$(msgcat --no-wrap "$tmp/all.pot" | grep -c '^#: ' || true)
msgattrib --untranslated --no-obsolete "$tmp/merged.po" | sed '1,/^$/d' > "$tmp/untranslated"
msgattrib --only-fuzzy --no-obsolete "$tmp/merged.po" | sed '1,/^$/d' > "$tmp/fuzzy"
if [ -s "$tmp/untranslated" ]; then
	echo "locale/zh_CN.po: no translation for these message ids:"
	grep -E '^(#:|msgid|")' "$tmp/untranslated" | grep -v '^msgstr'
	failed=1
fi
if [ -s "$tmp/fuzzy" ]; then
	echo "locale/zh_CN.po: fuzzy translations (check them and remove the fuzzy flag):"
	grep -E '^(#:|msgid)' "$tmp/fuzzy"
	failed=1
fi

# 4. printf conversions of each translation match its message id's.
if ! msgfmt --check-format --check-header -o /dev/null "$tmp/merged.po" 2> "$tmp/format"; then
	echo "locale/zh_CN.po: format problems:"
	grep -v ': warning: ' "$tmp/format" | sed "s|$tmp/merged.po|zh_CN.po (merged)|"
	# name the entry of each problem: its msgid and msgstr
	sed -n "s|^$tmp/merged.po:\([0-9]*\): format.*|\1|p" "$tmp/format" | while read -r n; do
		awk -v n="$n" '{ line[NR] = $0 } END {
			s = n; while (s > 1 && line[s - 1] != "") s--
			for (i = s; i <= NR && line[i] != ""; i++) print line[i] }' "$tmp/merged.po"
	done
	failed=1
fi

msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>&1 | sed "s/^/zh_CN.po: /"
echo "message ids: $total (sources and forms)"
exit $failed
