#!/bin/sh
# The screens on the model layer issue no SQL: their queries are functions of the
# domain modules (service, dispute, stars, village). Usage: check-no-sql.sh SOURCE_ROOT
# Add a screen here once its queries have moved. Also: the model modules it added
# (village, rowset) include no screen header, cli.h or curses.
root=${1:-.}
screens="tui-service.c tui-dispute.c tui-dispute-case.c tui-stars.c tui-report.c tui-exchange.c tui-print.c tui-village.c"
status=0
for f in $screens; do
	if grep -n 'sqlite3_\|store_db(' "$root/src/$f"; then
		echo "src/$f: SQL in a screen; put the query in its model module" >&2
		status=1
	fi
done
# and the model modules it added know no screen
for f in village.c rowset.c; do
	if grep -n '#include "tui\|#include "cli.h"\|curses' "$root/src/$f"; then
		echo "src/$f: a model module includes a screen's header" >&2
		status=1
	fi
done
exit $status
