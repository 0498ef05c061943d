/* record: a form's stored columns in and out of the register, and what a reference
 * to another record reads as. */
#include "record.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store.h"
#include "util.h"

/* Whether a form's field name is a plain SQL identifier (it is spliced into SQL). */
static bool form_ident_ok(const char *s)
{
	if (!s || !*s || !(islower(UCH(*s)) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(islower(UCH(*s)) || isdigit(UCH(*s)) || *s == '_'))
			return false;
	return true;
}

/* Whether field i is a stored column that may be named in SQL. */
static bool stored_column(const struct form_def *def, size_t i)
{
	return def->fields[i].column && form_ident_ok(def->fields[i].name);
}

int record_load(struct store *st, struct form_data *d, int64_t id, char **err)
{
	const struct form_def *def = d->def;
	struct strbuf sb = { 0 };
	sb_append(&sb, "SELECT ");
	size_t ncols = 0;
	for (size_t i = 0; i < def->nfields; i++)
		if (stored_column(def, i))
			sb_appendf(&sb, "%s\"%s\"", ncols++ ? ", " : "", def->fields[i].name);
	if (!form_ident_ok(def->table) || ncols == 0) {
		sb_free(&sb);
		*err = xasprintf(_("%s: the form names no table or columns to load"), def->file);
		return -1;
	}
	sb_appendf(&sb, " FROM \"%s\" WHERE id = ?1", def->table);
	sqlite3 *db = store_db(st);
	sqlite3_stmt *stmt = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(db, sb.s, -1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		*err = xasprintf(_("record %lld is not in the register"), (long long)id);
		goto out;
	}
	int c = 0;
	for (size_t i = 0; i < def->nfields; i++)
		if (stored_column(def, i))
			form_data_set(d, i, (const char *)sqlite3_column_text(stmt, c++));
	form_data_keep_base(d);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	sb_free(&sb);
	return rc;
}

int record_store(struct store *st, const struct form_data *d, int64_t *id, const char *reason,
		 char **err)
{
	return record_store_with(st, d, id, NULL, 0, reason, err);
}

int record_store_with(struct store *st, const struct form_data *d, int64_t *id,
		      const struct store_field *extra, size_t nextra, const char *reason, char **err)
{
	const struct form_def *def = d->def;
	struct store_field *f = xcalloc(def->nfields + 1 + nextra, sizeof(*f));
	size_t n = 0;
	char *version = xasprintf("%d", def->version);
	for (size_t i = 0; i < def->nfields; i++) {
		const struct field_def *fd = &def->fields[i];
		if (!fd->column || (fd->readonly && *id == 0 && !d->values[i]))
			continue;
		if (fd->readonly && fd->type == FIELD_REF)
			continue;  /* kept by its own rule (the household head: household.h) */
		f[n].column = fd->name;
		f[n].value = d->values[i] && *d->values[i] ? d->values[i] : NULL;
		f[n].based = *id != 0 && d->base;
		f[n++].base = d->base ? d->base[i] : NULL;
	}
	f[n].column = "form_version";
	f[n++].value = version;
	for (size_t i = 0; i < nextra; i++)
		f[n++] = extra[i];
	int rc = *id == 0 ? store_insert(st, def->table, f, n, id, err)
			  : store_update(st, def->table, *id, f, n, reason, err);
	free(version);
	free(f);
	return rc;
}

char *record_ref_text(struct store *st, const char *table, const char *id)
{
	const char *sql = NULL;
	if (!table || !id)
		return NULL;
	if (strcmp(table, "resident") == 0)
		sql = "SELECT name FROM resident WHERE id = ?1";
	else if (strcmp(table, "household") == 0)
		sql = "SELECT hh_no FROM household WHERE id = ?1";
	else if (strcmp(table, "grid") == 0)
		sql = "SELECT name FROM grid WHERE id = ?1";
	else if (strcmp(table, "village") == 0)
		sql = "SELECT name FROM village WHERE id = ?1";
	sqlite3_stmt *stmt;
	char *text = NULL;
	if (sql && sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
			text = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
	}
	return text;
}

struct form_eval *record_form_eval(const struct form_def *def, struct store *st, char **err)
{
	return form_eval_new(def, store_db(st), err);
}
