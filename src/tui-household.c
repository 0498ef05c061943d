/* tui-household: the household list and picker, the household form, and the household
 * view with its members: add a member, change the head, move a member elsewhere.
 * Every change goes through store_update/store_insert, so each is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "resident.h"
#include "search.h"
#include "tui-form.h"
#include "tui-list.h"
#include "tui-record.h"
#include "tui-screens.h"
#include "tui-village.h"
#include "util.h"

char *tui_household_text(struct tui *t, int64_t id)
{
	return household_text(t->app->st, id);
}

/* ---- the list and the picker ---- */

static char *household_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Household number"), 14);
	tui_col(&sb, _("Head"), 12);
	tui_col(&sb, _("Members"), 4);
	sb_append(&sb, _("Address"));
	return sb_take(&sb);
}

/* The households the query finds (search_households) in a village (0: all), a row each. */
static int household_lines(struct tui *t, int64_t village, const char *query, size_t offset, size_t limit,
			   struct tui_rows *out, char **err)
{
	struct household_result res;
	if (search_households_in(t->app->st, query, village, offset, limit, &res, err) != 0) {
		household_result_free(&res);
		return -1;
	}
	for (size_t i = 0; i < res.n; i++) {
		const struct household_row *h = &res.rows[i];
		struct strbuf sb = { 0 };
		char members[24];
		snprintf(members, sizeof members, "%lld", (long long)h->members);
		tui_col(&sb, h->hh_no ? h->hh_no : "", 14);
		tui_col(&sb, h->head ? h->head : "", 12);
		tui_col(&sb, members, 4);
		sb_append(&sb, h->address ? h->address : "");
		tui_rows_add(out, h->id, sb_take(&sb));
	}
	household_result_free(&res);
	return 0;
}

/* fetch of the list: the households of the village filter (tui-village.h). */
static int household_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			   struct tui_rows *out, char **err)
{
	struct tui_village_list *vl = ctx;
	return household_lines(vl->t, vl->t->app->village, query, offset, limit, out, err);
}

static const struct tui_hint list_hints[] = {
	{ "F1", N_("Help") }, { "Enter", N_("Open") }, { "F7", N_("New") }, { "F9", N_("History") },
	{ "F10", N_("Back") },
};

/* Keys of the household list. */
static enum tui_list_action household_list_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	if (tui_village_list_key(t, ctx, k))
		return TUI_LIST_RELOAD;
	if (k == TK_ENTER && sel >= 0) {
		tui_household_view(t, sel);
		return TUI_LIST_RELOAD;
	}
	if (k == TK_F7) {
		int64_t id = tui_household_form(t, 0);
		if (id)
			tui_household_view(t, id);
		return TUI_LIST_RELOAD;
	}
	if (k == TK_F9 && sel >= 0)
		tui_history_show(t, "household", sel, _("Household"));
	if (k == TK_F1)
		tui_show_text(t, _("Households"),
			      _("Type a household number (its beginning, or its last four digits or more), part of the "
				"address or the head's name. Enter opens the household with its members, F7 creates a "
				"household."));
	return TUI_LIST_STAY;
}

void tui_household_list(struct tui *t)
{
	char *header = household_header();
	struct tui_list_def def = {
		.title = N_("Households"), .header = header, .query = true,
		.query_label = N_("Search (household no., address, head):"),
		.hints = list_hints, .nhints = ARRAY_LEN(list_hints),
		.fetch = household_fetch, .on_key = household_list_key,
	};
	struct tui_village_list vl;
	tui_village_list_begin(t, &vl, &def);
	def.ctx = &vl;
	tui_list_run(t, &def, NULL);
	tui_village_list_end(&vl);
	free(header);
}

/* The picker's state: F7 creates a household and closes the picker with it. */
struct pick_ctx {
	struct tui *t;
	int64_t created;
};

static int pick_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		      struct tui_rows *out, char **err)
{
	struct pick_ctx *pc = ctx;
	return household_lines(pc->t, 0, query, offset, limit, out, err);
}

static enum tui_list_action pick_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct pick_ctx *pc = ctx;
	(void)sel;
	if (k != TK_F7)
		return TUI_LIST_STAY;
	pc->created = tui_household_form(t, 0);
	return pc->created ? TUI_LIST_CLOSE : TUI_LIST_STAY;
}

int64_t tui_household_pick(struct tui *t, const char *title)
{
	return tui_household_find(t, title, NULL);
}

int64_t tui_household_find(struct tui *t, const char *title, const char *query)
{
	char *header = household_header();
	struct pick_ctx pc = { .t = t };
	struct tui_list_def def = {
		.title = title, .header = header, .query = true, .query_label = N_("Find:"),
		.ctx = &pc, .fetch = pick_fetch, .on_key = pick_key,
	};
	int64_t id = 0;
	if (!tui_list_pick(t, &def, query, &id))
		id = pc.created;
	free(header);
	return id;
}

/* ---- the household form ---- */

struct hh_ctx {
	struct tui *t;
	int64_t id;
};

static int household_save(void *ctx, struct tui_form *f, char **err)
{
	struct hh_ctx *hc = ctx;
	bool is_new = hc->id == 0;
	if (tui_record_store(hc->t, f->data, &hc->id, NULL, err) != 0)
		return -1;
	int i = form_field_index(f->data->def, "hh_no");
	tui_message(hc->t, is_new ? _("Household %s is created.") : _("Household %s is saved."),
		    i >= 0 && f->data->values[i] ? f->data->values[i] : "");
	/* a new household goes straight back to where it was asked for */
	if (is_new)
		f->close = true;
	return 0;
}

/* Beside the grid and head fields: the grid's and the head's names. */
static char *household_ref_text(void *ctx, const struct field_def *fd, const char *value)
{
	struct hh_ctx *hc = ctx;
	int64_t id = strtoll(value, NULL, 10);
	if (fd->ref_table && strcmp(fd->ref_table, "grid") == 0)
		return household_grid_text(hc->t->app->st, id);
	if (fd->ref_table && strcmp(fd->ref_table, "resident") == 0)
		return resident_name(hc->t->app->st, id);
	return NULL;
}

/* Grids with their village, filtered by name. */
static int grid_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		      struct tui_rows *out, char **err)
{
	struct tui *t = ctx;
	struct household_grid *g;
	size_t n;
	if (household_grids(t->app->st, query, offset, limit, &g, &n, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = { 0 };
		tui_col(&sb, g[i].code, 6);
		tui_col(&sb, g[i].name, 20);
		sb_append(&sb, g[i].village);
		tui_rows_add(out, g[i].id, sb_take(&sb));
	}
	household_grids_free(g, n);
	return 0;
}

int64_t tui_grid_pick(struct tui *t, const char *query)
{
	struct tui_list_def def = {
		.title = N_("Grid"), .query = true, .query_label = N_("Filter:"),
		.ctx = t, .fetch = grid_fetch,
	};
	int64_t id;
	return tui_list_pick(t, &def, query, &id) ? id : 0;
}

static char *household_ref_pick(void *ctx, struct tui_form *f, size_t field)
{
	struct hh_ctx *hc = ctx;
	const struct field_def *fd = &f->data->def->fields[field];
	if (!fd->ref_table || strcmp(fd->ref_table, "grid") != 0)
		return NULL;
	int64_t id = tui_grid_pick(hc->t, f->pick_query);
	return id ? xasprintf("%lld", (long long)id) : NULL;
}

int64_t tui_household_form(struct tui *t, int64_t id)
{
	const struct form_def *def = form_get(t->app->forms, "household");
	if (!def) {
		tui_error(t, "%s", _("The household form definition (household.form) is missing."));
		return 0;
	}
	struct hh_ctx hc = { .t = t, .id = id };
	struct tui_form_ops ops = {
		.ctx = &hc, .save = household_save, .ref_text = household_ref_text,
		.ref_pick = household_ref_pick,
	};
	struct form_data d;
	char *err = NULL;
	form_data_init(&d, def);
	if (id && tui_record_load(t, &d, id, &err) != 0) {
		tui_error(t, "%s", err);
		free(err);
		form_data_free(&d);
		return 0;
	}
	tui_message_clear(t);
	bool saved = tui_form_run(t, id ? N_("Household") : N_("New household"), &d, id == 0, &ops);
	form_data_free(&d);
	return saved ? hc.id : 0;
}
