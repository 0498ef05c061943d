/* draft: forms saved as the clerk types (see draft.h). */
#include "draft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "i18n.h"
#include "store.h"
#include "util.h"

#define NOTED_MAX 16

/* Which record each open form's data belongs to (forms nest a few deep at most). */
static struct {
	const struct form_data *d;
	int64_t id;
} noted[NOTED_MAX];

/* The armed draft, waiting for its form. */
static struct draft armed;
static bool have_armed;

void draft_note_record(const struct form_data *d, int64_t id)
{
	size_t free_slot = NOTED_MAX;
	for (size_t i = 0; i < NOTED_MAX; i++) {
		if (noted[i].d == d) {
			noted[i].id = id;
			return;
		}
		if (!noted[i].d && free_slot == NOTED_MAX)
			free_slot = i;
	}
	if (free_slot < NOTED_MAX) {
		noted[free_slot].d = d;
		noted[free_slot].id = id;
	}
}

int64_t draft_record_of(const struct form_data *d)
{
	for (size_t i = 0; i < NOTED_MAX; i++)
		if (noted[i].d == d)
			return noted[i].id;
	return 0;
}

void draft_forget(const struct form_data *d)
{
	for (size_t i = 0; i < NOTED_MAX; i++)
		if (noted[i].d == d)
			noted[i].d = NULL;
}

/* Appends s as a JSON string (or null). */
static void json_string(struct strbuf *sb, const char *s)
{
	if (!s) {
		sb_append(sb, "null");
		return;
	}
	sb_append(sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_appendf(sb, "\\%c", *p);
		else if (*p < 0x20)
			sb_appendf(sb, "\\u%04x", *p);
		else
			sb_append_n(sb, (const char *)p, 1);
	}
	sb_append(sb, "\"");
}

/* Values of a form (its values or its base) as a JSON object keyed by field name.
 * Caller frees; NULL when values is NULL. */
static char *values_json(const struct form_data *d, char *const *values)
{
	if (!values)
		return NULL;
	struct strbuf sb = {0};
	sb_append(&sb, "{");
	for (size_t i = 0; i < d->def->nfields; i++) {
		if (i)
			sb_append(&sb, ",");
		json_string(&sb, d->def->fields[i].name);
		sb_append(&sb, ":");
		json_string(&sb, values[i]);
	}
	sb_append(&sb, "}");
	return sb_take(&sb);
}

/* The local time as ISO 8601 (seconds). */
static void draft_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

int draft_save(struct store *st, const char *title, const struct form_data *d, int64_t record_id,
	       size_t field, size_t cursor, char **err)
{
	if (store_operator_id(st) <= 0)
		return 0;
	sqlite3 *db = store_db(st);
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db,
		"INSERT INTO draft(operator_id, form, record_id, title, field, cursor, vals, saved_at, base)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (operator_id, form, record_id) DO UPDATE SET"
		" title = excluded.title, field = excluded.field, cursor = excluded.cursor,"
		" vals = excluded.vals, saved_at = excluded.saved_at, base = excluded.base", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		char *json = values_json(d, d->values), now[32];
		char *base = record_id ? values_json(d, d->base) : NULL;
		draft_now(now);
		sqlite3_bind_int64(stmt, 1, store_operator_id(st));
		sqlite3_bind_text(stmt, 2, d->def->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, record_id);
		sqlite3_bind_text(stmt, 4, title, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, (sqlite3_int64)field);
		sqlite3_bind_int64(stmt, 6, (sqlite3_int64)cursor);
		sqlite3_bind_text(stmt, 7, json, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 8, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 9, base, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(stmt);
		free(json);
		free(base);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		if (err) {
			free(*err);
			*err = xasprintf(_("the draft could not be saved: %s"), sqlite3_errmsg(db));
		}
		return -1;
	}
	return 0;
}

int draft_discard(struct store *st, const char *form, int64_t record_id)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_db(st), "DELETE FROM draft WHERE operator_id = ?1 AND form = ?2 AND record_id = ?3",
			       -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(stmt, 1, store_operator_id(st));
	sqlite3_bind_text(stmt, 2, form, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, record_id);
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Column text copied (NULL stays NULL). */
static char *col_dup(sqlite3_stmt *stmt, int i)
{
	return xstrdup((const char *)sqlite3_column_text(stmt, i));
}

/* An edit's base value of each of the draft's fields, from its JSON. */
static void draft_bases(sqlite3 *db, const char *json, struct draft *out)
{
	sqlite3_stmt *stmt;
	if (!json || sqlite3_prepare_v2(db, "SELECT json_extract(?1, '$.\"' || ?2 || '\"')", -1, &stmt, NULL) != SQLITE_OK)
		return;
	out->bases = xcalloc(out->n ? out->n : 1, sizeof *out->bases);
	for (size_t i = 0; i < out->n; i++) {
		sqlite3_bind_text(stmt, 1, json, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, out->names[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			out->bases[i] = col_dup(stmt, 0);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
}

/* Reads a draft's values from its JSON. */
static void draft_values(sqlite3 *db, const char *json, struct draft *out)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM json_each(?1)", -1, &stmt, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(stmt, 1, json, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		out->names = xrealloc(out->names, (out->n + 1) * sizeof *out->names);
		out->values = xrealloc(out->values, (out->n + 1) * sizeof *out->values);
		out->names[out->n] = col_dup(stmt, 0);
		out->values[out->n] = col_dup(stmt, 1);
		out->n++;
	}
	sqlite3_finalize(stmt);
}

/* Whether form is one of forms (NULL: any). */
static bool form_wanted(const char *const *forms, const char *form)
{
	for (size_t i = 0; forms && forms[i]; i++)
		if (form && strcmp(forms[i], form) == 0)
			return true;
	return !forms;
}

bool draft_latest(struct store *st, const char *const *forms, struct draft *out)
{
	memset(out, 0, sizeof *out);
	sqlite3 *db = store_db(st);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT id, form, record_id, title, field, cursor, vals, saved_at, base FROM draft"
			       " WHERE operator_id = ?1 ORDER BY saved_at DESC, id DESC", -1, &stmt, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(stmt, 1, store_operator_id(st));
	bool found = false;
	while (!found && sqlite3_step(stmt) == SQLITE_ROW)
		found = form_wanted(forms, (const char *)sqlite3_column_text(stmt, 1));
	if (found) {
		out->id = sqlite3_column_int64(stmt, 0);
		out->form = col_dup(stmt, 1);
		out->record_id = sqlite3_column_int64(stmt, 2);
		out->title = col_dup(stmt, 3);
		out->field = (size_t)sqlite3_column_int64(stmt, 4);
		out->cursor = (size_t)sqlite3_column_int64(stmt, 5);
		out->saved_at = col_dup(stmt, 7);
		draft_values(db, (const char *)sqlite3_column_text(stmt, 6), out);
		draft_bases(db, (const char *)sqlite3_column_text(stmt, 8), out);
	}
	sqlite3_finalize(stmt);
	return found;
}

void draft_free(struct draft *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->names[i]);
		free(d->values[i]);
		if (d->bases)
			free(d->bases[i]);
	}
	free(d->names);
	free(d->values);
	free(d->bases);
	free(d->form);
	free(d->title);
	free(d->saved_at);
	memset(d, 0, sizeof *d);
}

void draft_arm(struct draft *d)
{
	if (have_armed)
		draft_free(&armed);
	armed = *d;
	have_armed = true;
	memset(d, 0, sizeof *d);
}

bool draft_take(const char *form, int64_t record_id, struct draft *out)
{
	if (!have_armed || strcmp(armed.form, form) != 0 || armed.record_id != record_id)
		return false;
	*out = armed;
	have_armed = false;
	memset(&armed, 0, sizeof armed);
	return true;
}
