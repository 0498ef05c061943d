/* tui-record: what the screens share between the form engine and the store: a
 * record's columns loaded into a form and written back through the one write path,
 * and the picklist of a code list (filtered by code, label or pinyin initials). */
#include "tui-record.h"

#include "access.h"
#include "draft.h"
#include "idcard.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "pinyin.h"
#include "record.h"
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
	(void)offset, (void)limit, (void)err;   /* a whole list: the engine pages it */
	for (size_t i = 0; i < cp->list->n; i++) {
		const struct code_item *it = &cp->list->items[i];
		const char *label = _(it->label);
		bool ascii = true;
		for (const char *c = query; *c; c++)
			if (UCH(*c) >= 0x80)
				ascii = false;
		bool match = !*query || strncmp(it->code, query, strlen(query)) == 0 ||
			     strstr(label, query) || strstr(it->label, query) ||
			     (ascii && code_pinyin_match(label, query));
		if (!match)
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
		.ctx = &cp, .fetch = code_pick_fetch, .whole = true,
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

void tui_record_loaded(struct tui *t, struct form_data *d, int64_t id)
{
	draft_note_record(d, id);
	mask_for_role(t, d);
	form_data_keep_base(d);
}

int tui_record_load(struct tui *t, struct form_data *d, int64_t id, char **err)
{
	if (record_load(t->app->st, d, id, err) != 0)
		return -1;
	tui_record_loaded(t, d, id);
	return 0;
}

int tui_record_store(struct tui *t, struct form_data *d, int64_t *id, const char *reason,
		     char **err)
{
	/* the form then shows the record as stored: the clerk's changes merged with
	 * whatever another session saved meanwhile */
	if (record_store(t->app->st, d, id, reason, err) != 0)
		return -1;
	return tui_record_load(t, d, *id, err);
}
