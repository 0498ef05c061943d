/* tui-transfer: a resident's move between villages on screen. F8 on a resident of a
 * sync village offers 迁出 to another village of the township (the village's code,
 * the date, the reason; a head with members moves the whole household when the clerk
 * says so); F8 → 在册 on a resident the township sent here is the 迁入 (a household
 * picked or made with F7, the relation to its head). 系统管理 → 村际迁移 lists the
 * moves this register knows, waiting ones first; Enter reads what a move brought
 * along, and places an arrived resident. Everything it reads and writes is
 * transfer.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "household.h"
#include "i18n.h"
#include "resident.h"
#include "store.h"
#include "transfer.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "tui-textview.h"
#include "util.h"

/* The destination as typed, judged by the model (this township, not here). */
static char *village_refusal(void *ctx, const char *value)
{
	struct tui *t = ((void **)ctx)[0];
	const int64_t *id = ((void **)ctx)[1];
	return transfer_out_refusal(t->app->st, *id, value, true);
}

bool tui_transfer_move_out(struct tui *t, int64_t id)
{
	char *why = transfer_out_refusal(t->app->st, id, NULL, false);
	char *whole_why = why ? transfer_out_refusal(t->app->st, id, NULL, true) : NULL;
	bool whole = false;
	if (why && !whole_why) {
		free(why);   /* a head with members: the household moves whole, or not at all */
		why = NULL;
		whole = tui_confirm(t, _("The head of a household with members: move the whole household?"), false);
		if (!whole)
			return false;
	}
	free(whole_why);
	if (why) {
		tui_error(t, "%s", why);
		free(why);
		return false;
	}
	void *ctx[2] = { t, &id };
	char *to = tui_prompt_checked(t, _("Move to another village (迁出)"),
				      _("The 12-digit code of the village of this township:"), NULL, 12, village_refusal, ctx);
	char today[11];
	store_today(today);
	char *date = to ? tui_prompt(t, _("Move to another village (迁出)"), _("Date (YYYY-MM-DD):"), today, 10) : NULL;
	char *reason = date ? tui_prompt(t, _("Move to another village (迁出)"), _("Reason (may stay empty):"), NULL, 200)
			    : NULL;
	bool done = false;
	if (reason) {
		int64_t first;
		int count;
		char *err = NULL;
		done = transfer_move_out(t->app->st, t->app->forms, id, to, date, reason, whole, &first, &count, &err) == 0;
		if (done)
			tui_message(t, _("Moved out to %s: %d residents; the move goes to the township in the next package."), to,
				    count);
		else
			tui_error(t, "%s", err ? err : "?");
		free(err);
	}
	free(to);
	free(date);
	free(reason);
	return done;
}

/* What the move brought along, as a text to read. */
static void show_history(struct tui *t, int64_t transfer)
{
	char *text = transfer_history_text(t->app->st, transfer);
	struct tui_textview v = { .title = _("What the move brought along"), .text = text ? text : "" };
	tui_textview_run(t, &v);
	free(text);
}

bool tui_transfer_move_in(struct tui *t, int64_t id)
{
	int64_t tid = transfer_arrival(t->app->st, id);
	if (!tid)
		return false;
	int64_t hh = tui_household_pick(t, _("The household the resident joins (F7 new)"));
	if (!hh)
		return false;
	char *no = household_number(t->app->st, hh);
	char *relation = household_head(t->app->st, hh) ? tui_pick_code(t, _("Relation to the head"), "relation")
							 : xstrdup(HOUSEHOLD_HEAD_RELATION);
	bool done = false;
	if (no && relation) {
		char *err = NULL;
		done = transfer_move_in(t->app->st, t->app->forms, id, no, false, NULL, relation, NULL, &err) == 0;
		if (done)
			tui_message(t, _("Moved in (迁入) to household %s."), no);
		else
			tui_error(t, "%s", err ? err : "?");
		free(err);
	}
	free(no);
	free(relation);
	return done;
}

/* ---- 系统管理 → 村际迁移 ---- */

static const struct tui_hint transfer_hints[] = {
	{ "Enter", N_("History / move in") }, { "F10", N_("Back") },
};

static char *transfer_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Name"), 10);
	tui_col(&sb, _("From"), 18);
	tui_col(&sb, _("To"), 18);
	tui_col(&sb, _("Since"), 11);
	sb_append(&sb, _("State"));
	return sb_take(&sb);
}

/* The state of a move as a clerk reads it. */
static const char *transfer_state(const struct transfer_row *r)
{
	if (strcmp(r->state, "in") == 0)
		return _("moved in");
	if (r->here)
		return _("arrived, waiting to move in");
	return *r->sent ? _("sent down") : _("moved out");
}

static int transfer_fetch(void *ctx, const char *query, size_t offset, size_t limit, struct tui_rows *out, char **err)
{
	struct tui *t = ctx;
	struct transfer_row *r;
	size_t n;
	(void)query, (void)offset, (void)limit;
	if (transfer_list(t->app->st, false, &r, &n, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = { 0 };
		tui_col(&sb, r[i].name, 10);
		tui_col(&sb, r[i].from, 18);
		tui_col(&sb, r[i].to, 18);
		tui_col(&sb, r[i].moved_out_on, 11);
		sb_append(&sb, transfer_state(&r[i]));
		tui_rows_add(out, r[i].id, sb_take(&sb));
		if (strcmp(r[i].state, "out") == 0)
			tui_rows_mark(out);
	}
	transfer_list_free(r, n);
	return 0;
}

/* Enter: the history; then, for a resident waiting here, the 迁入. */
static enum tui_list_action transfer_key(void *ctx, struct tui *t, int key, int64_t sel)
{
	(void)ctx;
	if (key != TK_ENTER || sel <= 0)
		return TUI_LIST_STAY;
	show_history(t, sel);
	struct transfer_row *r;
	size_t n;
	char *err = NULL;
	int64_t waiting = 0;
	if (transfer_list(t->app->st, true, &r, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			if (r[i].id == sel && r[i].here)
				waiting = r[i].resident_id;
		transfer_list_free(r, n);
	}
	free(err);
	if (waiting && tui_confirm(t, _("Place the resident in a household now (迁入)?"), true))
		tui_transfer_move_in(t, waiting);
	return TUI_LIST_RELOAD;
}

void tui_transfers_run(struct tui *t)
{
	char *header = transfer_header();
	struct tui_list_def def = {
		.title = N_("Moves between villages"), .header = header, .hints = transfer_hints,
		.nhints = ARRAY_LEN(transfer_hints), .ctx = t, .fetch = transfer_fetch, .whole = true,
		.on_key = transfer_key,
	};
	tui_list_run(t, &def, NULL);
	free(header);
}
