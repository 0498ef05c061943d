/* tui-members: one household with its members. Add a member, change the head (the
 * former head gets the relation the clerk chooses), move a member to another
 * household. The rules and their transactions are household.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "idcard.h"
#include "resident.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "util.h"

struct members_ctx {
	struct tui *t;
	int64_t hh;
	char title[512];  /* updated in place: the list shows it as its title */
};

/* A resident's name, "?" when gone. Caller frees. */
static char *member_name(struct tui *t, int64_t id)
{
	char *name = resident_name(t->app->st, id);
	return name ? name : xstrdup("?");
}

static char *members_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Name"), 14);
	tui_col(&sb, _("Relation to head"), 16);
	tui_col(&sb, _("ID number"), 18);
	tui_col(&sb, _("Birth date"), 10);
	sb_append(&sb, _("Status"));
	return sb_take(&sb);
}

/* The members, the head first. */
static int members_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			 struct tui_rows *out, char **err)
{
	struct members_ctx *mc = ctx;
	struct tui *t = mc->t;
	struct household_member *m;
	size_t n;
	(void)query;
	if (household_members(t->app->st, mc->hh, offset, limit, &m, &n, err) != 0)
		return -1;
	const struct codelist *rel = form_codelist(t->app->forms, "relation");
	const struct codelist *living = form_codelist(t->app->forms, "living_status");
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = { 0 };
		char id[32];
		const char *r = m[i].relation, *lv = m[i].living_status;
		const char *rl = codelist_label(rel, r), *ll = codelist_label(living, lv);
		idcard_mask(m[i].id_number, id);
		tui_col(&sb, m[i].name, 14);
		tui_col(&sb, rl ? rl : r, 16);
		tui_col(&sb, *m[i].id_number ? id : "", 18);
		tui_col(&sb, m[i].birth_date, 10);
		sb_append(&sb, strcmp(lv, "1") == 0 ? "" : ll ? ll : lv);
		tui_rows_add(out, m[i].id, sb_take(&sb));
	}
	household_members_free(m, n);
	return 0;
}

/* F5: the selected member becomes the head; the former head's relation is chosen. */
static void members_change_head(struct members_ctx *mc, int64_t sel)
{
	struct tui *t = mc->t;
	int64_t old = household_head(t->app->st, mc->hh);
	if (sel == old) {
		tui_message(t, "%s", _("This member is already the head of the household."));
		return;
	}
	char *old_rel = NULL, *err = NULL;
	if (old) {
		char *name = member_name(t, old);
		char *title = xasprintf(_("New relation of %s to the new head"), name);
		old_rel = tui_pick_code(t, title, "relation");
		free(title);
		free(name);
		if (!old_rel)
			return;
	}
	if (household_change_head(t->app->st, mc->hh, sel, old_rel, &err) != 0) {
		tui_error(t, "%s", err ? err : "?");
	} else {
		char *name = member_name(t, sel);
		tui_message(t, _("%s is now the head of the household."), name);
		free(name);
	}
	free(err);
	free(old_rel);
}

/* F6: moves the selected member to another household with a new relation. */
static void members_move(struct members_ctx *mc, int64_t sel)
{
	struct tui *t = mc->t;
	const char *refusal = household_move_refusal(t->app->st, sel, 0, NULL);
	if (refusal) {
		tui_error(t, "%s", refusal);
		return;
	}
	int64_t to = tui_household_pick(t, N_("Move to which household? (F7: a new household)"));
	if (!to)
		return;
	if ((refusal = household_move_refusal(t->app->st, sel, to, NULL))) {
		tui_error(t, "%s", refusal);
		return;
	}
	char *rel = tui_pick_code(t, N_("Relation to the head of the new household"), "relation");
	if (!rel)
		return;
	char *err = NULL;
	if (household_move_member(t->app->st, sel, to, rel, &err) != 0) {
		tui_error(t, "%s", err ? err : "?");
	} else {
		char *name = member_name(t, sel), *where = tui_household_text(t, to);
		tui_message(t, _("%s moved to household %s."), name, where);
		free(name);
		free(where);
	}
	free(err);
	free(rel);
}

static const struct tui_hint members_hints[] = {
	{ "F1", N_("Help") }, { "F2", N_("Details") }, { "F5", N_("Make head") },
	{ "F6", N_("Move") }, { "F7", N_("New") }, { "F8", N_("Status") },
	{ "F9", N_("History") }, { "F10", N_("Back") },
};

/* Refreshes the title after a change (the head is part of it). */
static void members_retitle(struct members_ctx *mc)
{
	char *text = tui_household_text(mc->t, mc->hh);
	snprintf(mc->title, sizeof(mc->title), "%s %s", _("Household"), text ? text : "");
	free(text);
}

static enum tui_list_action members_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct members_ctx *mc = ctx;
	switch (k) {
	case TK_ENTER:
		if (sel >= 0)
			tui_resident_edit(t, sel);
		break;
	case TK_F2:
		tui_household_form(t, mc->hh);
		break;
	case TK_F5:
		if (sel >= 0)
			members_change_head(mc, sel);
		break;
	case TK_F6:
		if (sel >= 0)
			members_move(mc, sel);
		break;
	case TK_F7:
		tui_resident_new(t, mc->hh);
		break;
	case TK_F8:
		if (sel >= 0)
			tui_resident_set_status(t, sel);
		break;
	case TK_F9:
		tui_history_show(t, "household", mc->hh, mc->title);
		break;
	case TK_F1:
		tui_show_text(t, _("Household"),
			      _("The members of the household, the head first. Enter opens a member, F7 adds a new "
				"member, F5 makes the selected member the head (the former head gets the relation you "
				"choose), F6 moves the selected member to another household, F2 edits the household's "
				"number, address and grid, F9 shows who changed what."));
		return TUI_LIST_STAY;
	default:
		return TUI_LIST_STAY;
	}
	members_retitle(mc);
	return TUI_LIST_RELOAD;
}

void tui_household_view(struct tui *t, int64_t id)
{
	struct members_ctx mc = { .t = t, .hh = id };
	char *header = members_header();
	members_retitle(&mc);
	struct tui_list_def def = {
		.title = mc.title, .header = header,
		.hints = members_hints, .nhints = ARRAY_LEN(members_hints),
		.ctx = &mc, .fetch = members_fetch, .on_key = members_key,
	};
	tui_list_run(t, &def, NULL);
	free(header);
}
