/* ledger-earn: records made by a declaration's [earn] sections (ledger-earn.h). */
#include "ledger-earn.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "i18n.h"
#include "ledger.h"
#include "store.h"

/* A chain of earnings (a register earning from one that earns) stops here: a
 * declaration that earns from itself, through others, would never end. */
#define EARN_DEPTH 4

/* Whether name (":x") is a field of the source, or its :id. */
static bool source_param(const struct ledger_def *source, const char *name)
{
	return strcmp(name + 1, "id") == 0 || form_field_index(ledger_form(source), name + 1) >= 0;
}

void ledger_earn_check(sqlite3 *db, const struct ledger_set *s, const struct ledger_def *d,
		       struct strbuf *problems)
{
	for (size_t i = 0; i < d->nearns; i++) {
		const struct ledger_earn *e = &d->earns[i];
		const struct ledger_def *source = ledger_find(s, e->from);
		sqlite3_stmt *stmt = NULL;
		if (!source) {
			sb_appendf(problems, _("%s:%d: earn %s: no register of that name\n"), d->file, e->line, e->from);
			continue;
		}
		if (sqlite3_prepare_v2(db, e->query, -1, &stmt, NULL) != SQLITE_OK) {
			sb_appendf(problems, "%s:%d: %s\n", d->file, e->query_line, sqlite3_errmsg(db));
			continue;
		}
		if (!sqlite3_stmt_readonly(stmt))
			sb_appendf(problems, _("%s:%d: earn %s: the query must be a SELECT that only reads\n"), d->file,
				   e->query_line, e->from);
		for (int c = 0; c < sqlite3_column_count(stmt); c++)
			if (form_field_index(ledger_form(d), sqlite3_column_name(stmt, c)) < 0)
				sb_appendf(problems, _("%s:%d: earn %s: column %s is not a field of the register\n"),
					   d->file, e->query_line, e->from, sqlite3_column_name(stmt, c));
		for (int p = 1; p <= sqlite3_bind_parameter_count(stmt); p++) {
			const char *name = sqlite3_bind_parameter_name(stmt, p);
			if (!name || name[0] != ':' || !source_param(source, name))
				sb_appendf(problems, _("%s:%d: earn %s: %s is not a field of %s\n"), d->file,
					   e->query_line, e->from, name ? name : "?", source->name);
		}
		sqlite3_finalize(stmt);
	}
}

/* Binds the source record's values (and :id) to stmt's parameters as its columns
 * hold them: an integer or ref field's as an integer (it compares with the ids it
 * names), a code as text ('1', as the rules write it). */
static void bind_source(sqlite3_stmt *stmt, const struct form_data *rec, int64_t id)
{
	for (int p = 1; p <= sqlite3_bind_parameter_count(stmt); p++) {
		const char *name = sqlite3_bind_parameter_name(stmt, p);
		int f = name ? form_field_index(rec->def, name + 1) : -1;
		const char *v = f >= 0 ? rec->values[f] : NULL;
		enum field_type t = f >= 0 ? rec->def->fields[f].type : FIELD_TEXT;
		char *end = NULL;
		long long n = v && *v ? strtoll(v, &end, 10) : 0;
		if (name && strcmp(name + 1, "id") == 0 && f < 0)
			sqlite3_bind_int64(stmt, p, id);
		else if (v && *v && end && !*end && (t == FIELD_INTEGER || t == FIELD_REF))
			sqlite3_bind_int64(stmt, p, n);
		else if (v && *v)
			sqlite3_bind_text(stmt, p, v, -1, SQLITE_STATIC);
	}
}

/* One row of an [earn] query saved as a record of d. */
static int earn_row(struct store *st, const struct ledger_def *d, sqlite3_stmt *row, char **err)
{
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	for (int c = 0; c < sqlite3_column_count(row); c++) {
		int f = form_field_index(rec.def, sqlite3_column_name(row, c));
		const char *v = (const char *)sqlite3_column_text(row, c);
		if (f >= 0 && v)
			form_data_set(&rec, (size_t)f, v);
	}
	int64_t id = 0;
	char *why = NULL;
	int rc = ledger_save(st, d, &rec, &id, &why);
	if (rc != 0 && err)
		*err = xasprintf(_("%s: %s"), _(d->title), why ? why : "?");
	free(why);
	form_data_free(&rec);
	return rc;
}

int ledger_earn_run(struct store *st, const struct ledger_set *s, const struct ledger_def *source,
		    const struct form_data *rec, int64_t id, char **err)
{
	static int depth;
	if (!s || depth >= EARN_DEPTH)
		return 0;
	depth++;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ledger_count(s); i++) {
		const struct ledger_def *d = ledger_at(s, i);
		for (size_t k = 0; rc == 0 && k < d->nearns; k++) {
			if (strcmp(d->earns[k].from, source->name) != 0)
				continue;
			sqlite3_stmt *stmt = NULL;
			if (sqlite3_prepare_v2(store_db(st), d->earns[k].query, -1, &stmt, NULL) != SQLITE_OK) {
				if (err)
					*err = xasprintf("%s:%d: %s", d->file, d->earns[k].query_line,
							 sqlite3_errmsg(store_db(st)));
				rc = -1;
			}
			bind_source(stmt, rec, id);
			int step = SQLITE_DONE;
			while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
				rc = earn_row(st, d, stmt, err);
			if (rc == 0 && step != SQLITE_DONE) {
				if (err)
					*err = xasprintf("%s:%d: %s", d->file, d->earns[k].query_line,
							 sqlite3_errmsg(store_db(st)));
				rc = -1;
			}
			sqlite3_finalize(stmt);
		}
	}
	depth--;
	return rc;
}
