/* tui-ledger: the screens every declared register (台账, ledger.h) shares, made from
 * its declaration: the main menu's group entries, the list (columns from `list`,
 * search-as-you-type, state and due date, overdue rows marked), the record (its form,
 * state, steps and the records linking to it), the transition dialog, the printouts
 * and the report screen (tui-stats). No register has screens of its own. */
#ifndef SZ_TUI_LEDGER_H
#define SZ_TUI_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui-core.h"

struct ledger_def;

/* The menu groups of the declared registers (their `menu`), in declaration order. */
size_t tui_ledger_group_count(void);
/* The group's title (a message id or Chinese text: show it with _()). */
const char *tui_ledger_group_title(size_t group);
/* How many records of the group's registers are overdue (the menu says so). */
int64_t tui_ledger_group_overdue(struct tui *t, size_t group);
/* Opens a group: its one register's list, else a submenu of its registers. */
void tui_ledger_group_run(struct tui *t, size_t group);

/* The list screen of a register. */
void tui_ledger_list(struct tui *t, const struct ledger_def *d);
/* The record screen on record id (0: a new one, with field preset to value when
 * field is not NULL). Returns the record's id once saved, else 0. */
int64_t tui_ledger_record(struct tui *t, const struct ledger_def *d, int64_t id, const char *field,
			  const char *value);
/* How many records of every declared register are overdue (ledger_overdue; 0 when the
 * operator may not see registers), for the clerk's work list. */
int64_t tui_ledger_overdue_count(struct tui *t);
/* Those records, the most overdue first: Enter opens one, F5 makes its next step. */
void tui_ledger_overdue(struct tui *t);
/* The register's reports: picked when several, shown in the statistics view. */
void tui_ledger_reports(struct tui *t, const struct ledger_def *d);

/* ---- shared by the register's screens (tui-ledger.c, tui-ledger-record.c) ---- */

struct rowset;
struct tui_rows;

/* The list's column heads, laid out as its lines. Caller frees. */
char *tui_ledger_list_header(const struct ledger_def *d);
/* Row i of a ledger_list rowset as a list line (display values, due date, "!超期"). */
char *tui_ledger_list_line(struct tui *t, const struct ledger_def *d, const struct rowset *r, size_t i);
/* Every row of such a rowset into out, keyed by id, overdue ones in bold. */
void tui_ledger_rows_add(struct tui *t, const struct ledger_def *d, const struct rowset *r,
			 struct tui_rows *out);
/* F5: the transition dialog on record id. True when a step was made. */
bool tui_ledger_step(struct tui *t, const struct ledger_def *d, int64_t id);
/* F6: a printout of record id (picked when several) through the print dialog. */
void tui_ledger_print(struct tui *t, const struct ledger_def *d, int64_t id);

#endif
