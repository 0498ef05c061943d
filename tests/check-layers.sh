#!/bin/sh
# check-layers: the layers stay apart (issue 16).
#
# - A model source (meson.build's model_sources, and the header of the same name)
#   includes no cli.h, cli-*.h, tui*.h or curses header: the model is a library
#   that builds and runs without the screens and the command line.
# - No file but src/cli*.c and src/main.c includes cli.h.
# - A screen (src/tui-*.c, src/tui.c) calls no sqlite3_* and no store_db(: its
#   queries belong to the model.
# Comments and string literals are not looked at. Each finding names file:line.
#
# usage: check-layers.sh              check (a meson test; SOURCE_ROOT is the tree)
#        check-layers.sh --selftest   check that this check fails on a model source
#                                     including curses.h and on a new screen with SQL
set -eu
root=${SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}

if [ "${1:-}" = --selftest ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp -R "$root/src" "$root/include" "$root/meson.build" "$tmp/"
	mkdir "$tmp/tests"
	failed=0
	SOURCE_ROOT=$tmp "$0" > /dev/null 2>&1 || { echo "selftest: the tree as it is fails"; failed=1; }
	for spoil in 'src/store.c:#include <curses.h>' 'src/export.c:#include "tui-core.h"' \
		     'src/service.c:#include "cli.h"' 'src/util.c:#include "cli-stars.h"'; do
		file=${spoil%%:*}
		cp "$root/$file" "$tmp/$file"
		printf '%s\n' "${spoil#*:}" >> "$tmp/$file"
		if SOURCE_ROOT=$tmp "$0" > "$tmp/out" 2>&1 || ! grep -q "^$file:" "$tmp/out"; then
			echo "selftest: $file with ${spoil#*:} passed"
			failed=1
		fi
		cp "$root/$file" "$tmp/$file"
	done
	printf 'static int n(struct store *st) { return sqlite3_changes(store_db(st)); }\n' > "$tmp/src/tui-new.c"
	if SOURCE_ROOT=$tmp "$0" > "$tmp/out" 2>&1 || ! grep -q '^src/tui-new.c:1:' "$tmp/out"; then
		echo "selftest: a screen with SQL passed"
		failed=1
	fi
	[ $failed = 0 ] && echo "selftest: every spoilt tree fails"
	exit $failed
fi

python3 - "$root" <<'PY'
import os, re, sys
root = sys.argv[1]

def code_lines(path):
    """The file's lines with comments and string literals blanked, numbered from 1."""
    text = open(os.path.join(root, path), encoding="utf-8", errors="replace").read()
    out, i, n, state = [], 0, len(text), None
    while i < n:
        c, two = text[i], text[i:i + 2]
        if state is None:
            if two == "/*":
                state, i = "block", i + 2
                out.append("  ")
                continue
            if two == "//":
                state = "line"
            elif c in "\"'" and not re.search(r'#\s*include\s*$', text[text.rfind("\n", 0, i) + 1:i]):
                state = c
            out.append(c)
        elif state == "block":
            if two == "*/":
                state, i = None, i + 2
                out.append("  ")
                continue
            out.append("\n" if c == "\n" else " ")
        elif state == "line":
            if c == "\n":
                state = None
            out.append(c if c == "\n" else " ")
        else:   # inside a string or character literal
            if c == "\\":
                out.append("  ")
                i += 2
                continue
            if c == state or c == "\n":
                state = None
                out.append(c)
            else:
                out.append(" ")
        i += 1
    return "".join(out).split("\n")

def model_sources():
    build = open(os.path.join(root, "meson.build"), encoding="utf-8").read()
    m = re.search(r"model_sources\s*=\s*files\((.*?)\)", build, re.S)
    if not m:
        sys.exit("check-layers: meson.build has no model_sources = files(...)")
    files = re.findall(r"'(src/[^']+\.c)'", m.group(1))
    heads = ["include/" + os.path.basename(f)[:-2] + ".h" for f in files]
    return files + [h for h in heads if os.path.exists(os.path.join(root, h))]

include = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')
ui_header = re.compile(r'^(cli(-[^/]*)?\.h|tui[^/]*\.h|n?cursesw?\.h|ncursesw?/.*)$')
sql_call = re.compile(r'\b(sqlite3_\w+|store_db\s*\()')
problems = []

for f in model_sources():
    for no, line in enumerate(code_lines(f), 1):
        m = include.match(line)
        if m and ui_header.match(m.group(1)):
            problems.append("%s:%d: the model includes %s (screens and commands call the model, never the reverse)"
                            % (f, no, m.group(1)))

for d in ("src", "include"):
    for name in sorted(os.listdir(os.path.join(root, d))):
        f = d + "/" + name
        if not name.endswith((".c", ".h")) or re.match(r"src/(cli[^/]*\.c|main\.c)$", f) or f.startswith("include/cli"):
            continue
        for no, line in enumerate(code_lines(f), 1):
            m = include.match(line)
            if m and m.group(1) == "cli.h" and f not in [p.split(":")[0] for p in problems]:
                problems.append("%s:%d: includes cli.h; only src/cli*.c and src/main.c may" % (f, no))

for name in sorted(os.listdir(os.path.join(root, "src"))):
    if not re.match(r"tui(-.*)?\.c$", name):
        continue
    f = "src/" + name
    calls = [(no, m.group(1)) for no, line in enumerate(code_lines(f), 1) for m in [sql_call.search(line)] if m]
    for no, call in calls:
        problems.append("%s:%d: a screen calls %s: put the query in the model and call it" % (f, no, call))

for p in problems:
    print(p)
if problems:
    print("check-layers: %d problem(s)" % len(problems))
    sys.exit(1)
print("check-layers: the model includes no screen, command or curses header; screens call no SQL")
PY
