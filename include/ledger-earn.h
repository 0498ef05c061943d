/* ledger-earn: the records a register's [earn SOURCE] sections make when a record of
 * SOURCE is saved (文明积分 from an activity taken part in, a round sorted right):
 * declared, not written in C (struct ledger_earn in ledger.h). */
#ifndef SZ_LEDGER_EARN_H
#define SZ_LEDGER_EARN_H

#include <stdint.h>

#include <sqlite3.h>

#include "util.h"

struct form_data;
struct ledger_def;
struct ledger_set;
struct store;

/* Appends "file:line: what" to problems for each [earn] of d that names no register
 * of s, does not prepare, writes, names a column that is no field of d, or reads a
 * :name that is no field of its source. */
void ledger_earn_check(sqlite3 *db, const struct ledger_set *s, const struct ledger_def *d,
		       struct strbuf *problems);

/* Saves, through ledger_save, the records that the [earn] sections of s's registers
 * naming source yield for the new record id (rec: its values as saved). Call inside
 * the source's transaction. 0, or -1 with *err (the earning register's title, then
 * its refusal). */
int ledger_earn_run(struct store *st, const struct ledger_set *s, const struct ledger_def *source,
		    const struct form_data *rec, int64_t id, char **err);

#endif
