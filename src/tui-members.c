/* tui-members: one household with its members. Add a member, change the head (the
 * former head gets the relation the clerk chooses), move a member to another
 * household. Each change is a few store_update calls in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "store.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "util.h"

#define RELATION_HEAD "02"

struct members_ctx {
	struct tui *t;
	int64_t hh;
	char title[512];  /* updated in place: the list shows it as its title */
};

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : "";
}

/* The head of a household, 0 when it has none. */
static int64_t household_head(struct tui *t, int64_t hh)
{
	sqlite3_stmt *stmt;
	int64_t head = 0;
	if (sqlite3_prepare_v2(store_db(t->app->st), "SELECT head_id FROM household WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, hh);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		head = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return head;
}

/* Number of members of a household. */
static int household_members(struct tui *t, int64_t hh)
{
	sqlite3_stmt *stmt;
	int n = 0;
	if (sqlite3_prepare_v2(store_db(t->app->st), "SELECT count(*) FROM resident WHERE household_id = ?1", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, hh);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* A resident's name. Caller frees. */
static char *resident_name(struct tui *t, int64_t id)
{
	sqlite3_stmt *stmt;
	char *name = NULL;
	if (sqlite3_prepare_v2(store_db(t->app->st), "SELECT name FROM resident WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
		return xstrdup("?");
	sqlite3_bind_int64(stmt, 1, id);
	name = xstrdup(sqlite3_step(stmt) == SQLITE_ROW ? col_text(stmt, 0) : "?");
	sqlite3_finalize(stmt);
	return name;
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
	sqlite3 *db = store_db(t->app->st);
	sqlite3_stmt *stmt;
	(void)query;
	if (sqlite3_prepare_v2(db, "SELECT id, name, relation, id_number, birth_date, living_status FROM resident"
			       " WHERE household_id = ?1 ORDER BY relation IS NOT '02', relation, birth_date, id"
			       " LIMIT ?2 OFFSET ?3", -1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, mc->hh);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)offset);
	const struct codelist *rel = form_codelist(t->app->forms, "relation");
	const struct codelist *living = form_codelist(t->app->forms, "living_status");
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct strbuf sb = { 0 };
		char id[32];
		const char *r = col_text(stmt, 2), *lv = col_text(stmt, 5);
		const char *rl = codelist_label(rel, r), *ll = codelist_label(living, lv);
		idcard_mask(col_text(stmt, 3), id);
		tui_col(&sb, col_text(stmt, 1), 14);
		tui_col(&sb, rl ? rl : r, 16);
		tui_col(&sb, *col_text(stmt, 3) ? id : "", 18);
		tui_col(&sb, col_text(stmt, 4), 10);
		sb_append(&sb, strcmp(lv, "1") == 0 ? "" : ll ? ll : lv);
		tui_rows_add(out, sqlite3_column_int64(stmt, 0), sb_take(&sb));
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* Sets one column of one row through the audited write path. */
static int set_column(struct tui *t, const char *table, int64_t id, const char *column,
		      const char *value, const char *reason, char **err)
{
	struct store_field f[] = { { column, value } };
	return store_update(t->app->st, table, id, f, 1, reason, err);
}

/* F5: the selected member becomes the head; the former head's relation is chosen. */
static void members_change_head(struct members_ctx *mc, int64_t sel)
{
	struct tui *t = mc->t;
	int64_t old = household_head(t, mc->hh);
	if (sel == old) {
		tui_message(t, "%s", _("This member is already the head of the household."));
		return;
	}
	char *old_rel = NULL;
	if (old) {
		char *name = resident_name(t, old);
		char *title = xasprintf(_("New relation of %s to the new head"), name);
		old_rel = tui_pick_code(t, title, "relation");
		free(title);
		free(name);
		if (!old_rel)
			return;
		if (strcmp(old_rel, RELATION_HEAD) == 0) {
			tui_error(t, "%s", _("A household has one head: choose another relation for the former head."));
			free(old_rel);
			return;
		}
	}
	char *err = NULL, *head = xasprintf("%lld", (long long)sel);
	const char *reason = _("change of the head of household");
	int rc = store_begin(t->app->st, &err);
	if (rc == 0 && old)
		rc = set_column(t, "resident", old, "relation", old_rel, reason, &err);
	if (rc == 0)
		rc = set_column(t, "resident", sel, "relation", RELATION_HEAD, reason, &err);
	if (rc == 0)
		rc = set_column(t, "household", mc->hh, "head_id", head, reason, &err);
	if (rc == 0)
		rc = store_commit(t->app->st, &err);
	if (rc != 0) {
		store_rollback(t->app->st);
		tui_error(t, "%s", err ? err : "?");
	} else {
		char *name = resident_name(t, sel);
		tui_message(t, _("%s is now the head of the household."), name);
		free(name);
	}
	free(err);
	free(head);
	free(old_rel);
}

/* F6: moves the selected member to another household with a new relation. */
static void members_move(struct members_ctx *mc, int64_t sel)
{
	struct tui *t = mc->t;
	bool was_head = household_head(t, mc->hh) == sel;
	if (was_head && household_members(t, mc->hh) > 1) {
		tui_error(t, "%s", _("Make another member the head first (F5), then move this one."));
		return;
	}
	int64_t to = tui_household_pick(t, N_("Move to which household? (F7: a new household)"));
	if (!to)
		return;
	if (to == mc->hh) {
		tui_error(t, "%s", _("The member already belongs to this household."));
		return;
	}
	int64_t to_head = household_head(t, to);
	char *rel = tui_pick_code(t, N_("Relation to the head of the new household"), "relation");
	if (!rel)
		return;
	if (strcmp(rel, RELATION_HEAD) == 0 && to_head) {
		tui_error(t, "%s", _("That household has a head already: choose another relation."));
		free(rel);
		return;
	}
	char *err = NULL, *hv = xasprintf("%lld", (long long)to), *self = xasprintf("%lld", (long long)sel);
	const char *reason = _("moved to another household");
	struct store_field f[] = { { "household_id", hv }, { "relation", rel } };
	int rc = store_begin(t->app->st, &err);
	if (rc == 0)
		rc = store_update(t->app->st, "resident", sel, f, 2, reason, &err);
	if (rc == 0 && was_head)
		rc = set_column(t, "household", mc->hh, "head_id", NULL, reason, &err);
	if (rc == 0 && strcmp(rel, RELATION_HEAD) == 0)
		rc = set_column(t, "household", to, "head_id", self, reason, &err);
	if (rc == 0)
		rc = store_commit(t->app->st, &err);
	if (rc != 0) {
		store_rollback(t->app->st);
		tui_error(t, "%s", err ? err : "?");
	} else {
		char *name = resident_name(t, sel), *where = tui_household_text(t, to);
		tui_message(t, _("%s moved to household %s."), name, where);
		free(name);
		free(where);
	}
	free(err);
	free(hv);
	free(self);
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
