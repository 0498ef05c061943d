/* tui-record: what the screens share between the form engine and the store: a
 * record's columns loaded into a form and written back through the one write path,
 * and the picklist of a code list (filtered by code, label or pinyin initials). */
#include "tui-record.h"

#include "access.h"
#include "draft.h"
#include "idcard.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "pinyin.h"
#include "store.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "util.h"

/* Context of a code-list picklist. */
struct code_pick {
	const struct codelist *list;
};

/* Whether the initials of label contain the letters q (pinyin search in a list). */
static bool code_pinyin_match(const char *label, const char *q)
{
	char *keys[8];
	size_t n = pinyin_name_keys(label, keys, ARRAY_LEN(keys));
	bool hit = false;
	for (size_t i = 0; i < n; i++) {
		if (strstr(keys[i], q))
			hit = true;
		free(keys[i]);
	}
	return hit;
}

/* The rows of a code list that match the typed filter: code prefix, label text or
 * pinyin initials of the label. */
static int code_pick_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			   struct tui_rows *out, char **err)
{
	struct code_pick *cp = ctx;
	size_t seen = 0;
	for (size_t i = 0; i < cp->list->n && out->n < limit; i++) {
		const struct code_item *it = &cp->list->items[i];
		const char *label = _(it->label);
		bool ascii = true;
		for (const char *c = query; *c; c++)
			if (UCH(*c) >= 0x80)
				ascii = false;
		bool match = !*query || strncmp(it->code, query, strlen(query)) == 0 ||
			     strstr(label, query) || strstr(it->label, query) ||
			     (ascii && code_pinyin_match(label, query));
		if (!match || seen++ < offset)
			continue;
		struct strbuf sb = { 0 };
		tui_col(&sb, it->code, 6);
		sb_append(&sb, label);
		tui_rows_add(out, (int64_t)i, sb_take(&sb));
	}
	return 0;
}

bool tui_code_pick(struct tui *t, const char *title, const struct codelist *cl, size_t *idx)
{
	struct code_pick cp = { cl };
	struct tui_list_def def = {
		.title = title, .query = true, .query_label = N_("Filter:"),
		.ctx = &cp, .fetch = code_pick_fetch,
	};
	int64_t key;
	if (!tui_list_pick(t, &def, NULL, &key))
		return false;
	*idx = (size_t)key;
	return true;
}

char *tui_pick_code(struct tui *t, const char *title, const char *list_name)
{
	const struct codelist *cl = form_codelist(t->app->forms, list_name);
	size_t idx;
	return cl && tui_code_pick(t, title, cl, &idx) ? xstrdup(cl->items[idx].code) : NULL;
}

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

/* A role that may not see full ID and phone numbers (access.h) gets them masked in
 * the form as in the lists; such a role cannot save the record either. */
static void mask_for_role(struct tui *t, struct form_data *d)
{
	if (access_allows(t->app->st, ACCESS_UNMASK))
		return;
	for (size_t i = 0; i < d->def->nfields; i++) {
		enum field_type type = d->def->fields[i].type;
		char masked[32];
		if (!d->values[i] || !*d->values[i] || (type != FIELD_IDNUMBER && type != FIELD_PHONE))
			continue;
		if (type == FIELD_IDNUMBER)
			idcard_mask(d->values[i], masked);
		else
			phone_mask(d->values[i], masked);
		form_data_set(d, i, masked);
	}
}

int tui_record_load(struct tui *t, struct form_data *d, int64_t id, char **err)
{
	const struct form_def *def = d->def;
	struct strbuf sb = { 0 };
	sb_append(&sb, "SELECT ");
	size_t ncols = 0;
	for (size_t i = 0; i < def->nfields; i++)
		if (def->fields[i].column && form_ident_ok(def->fields[i].name))
			sb_appendf(&sb, "%s\"%s\"", ncols++ ? ", " : "", def->fields[i].name);
	if (!form_ident_ok(def->table) || ncols == 0) {
		sb_free(&sb);
		*err = xasprintf(_("%s: the form names no table or columns to load"), def->file);
		return -1;
	}
	sb_appendf(&sb, " FROM \"%s\" WHERE id = ?1", def->table);
	sqlite3 *db = store_db(t->app->st);
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
		if (def->fields[i].column && form_ident_ok(def->fields[i].name))
			form_data_set(d, i, (const char *)sqlite3_column_text(stmt, c++));
	draft_note_record(d, id);
	mask_for_role(t, d);
	form_data_keep_base(d);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	sb_free(&sb);
	return rc;
}

int tui_record_store(struct tui *t, struct form_data *d, int64_t *id, const char *reason,
		     char **err)
{
	const struct form_def *def = d->def;
	struct store_field *f = xcalloc(def->nfields + 1, sizeof(*f));
	size_t n = 0;
	char *version = xasprintf("%d", def->version);
	for (size_t i = 0; i < def->nfields; i++) {
		const struct field_def *fd = &def->fields[i];
		if (!fd->column || (fd->readonly && *id == 0 && !d->values[i]))
			continue;
		if (fd->readonly && fd->type == FIELD_REF)
			continue;  /* kept by its own screen (the household head) */
		f[n].column = fd->name;
		f[n].value = d->values[i] && *d->values[i] ? d->values[i] : NULL;
		f[n].based = *id != 0 && d->base;
		f[n++].base = d->base ? d->base[i] : NULL;
	}
	f[n].column = "form_version";
	f[n++].value = version;
	int rc = *id == 0 ? store_insert(t->app->st, def->table, f, n, id, err)
			  : store_update(t->app->st, def->table, *id, f, n, reason, err);
	free(version);
	free(f);
	/* the form now shows the record as stored: the clerk's changes merged with
	 * whatever another session saved meanwhile */
	if (rc == 0 && tui_record_load(t, d, *id, err) != 0)
		rc = -1;
	return rc;
}
