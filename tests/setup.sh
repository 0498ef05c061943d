#!/bin/sh
# Sets up a Debian 12 machine for shanzhi and builds it: the packages it needs (as
# root, with apt-get, only when something is missing; ncurses-term holds the TERM=putty
# description PuTTY users set), the zh_CN locales the tests use, then the build in
# build/ (and build-asan/ with ASan+UBSan when given "asan").
set -eu
cd "$(dirname "$0")/.."

packages="gcc meson ninja-build pkg-config gettext locales libsqlite3-dev sqlite3 \
libncurses-dev ncurses-term libvterm-dev unicode-data valgrind libcrypt-dev \
libxlsxwriter-dev libfreexl-dev libzip-dev libspreadsheet-writeexcel-perl \
python3 faketime"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null
fi

# The pseudo-terminal tests run in both encodings clerks' terminals use.
have_locale() { locale -a 2>/dev/null | grep -qix "$1"; }
have_locale zh_CN.utf8 || localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
have_locale zh_CN.gbk || localedef -i zh_CN -f GBK zh_CN.GBK

[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
if [ "${1:-}" = asan ]; then
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	ninja -C build-asan >/dev/null
fi
echo "setup: built build/shanzhi"
