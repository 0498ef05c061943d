/* tui-dispute: the 人民调解 entry of the main menu: the work list (what needs doing
 * today), the case list with its search, a new case, and the statistics with a chart.
 * Lists show names, numbers and dates, never an ID number. */
#include "tui-dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "dispute.h"
#include "form.h"
#include "i18n.h"
#include "print-dispute.h"
#include "rowset.h"
#include "store.h"
#include "tui-list.h"
#include "tui-stats.h"
#include "tui-village.h"
#include "util.h"

#define CONFIRM_SOON_DAYS 7   /* a confirmation window closing within a week is listed */

/* The translated label of a code in a list, or the code. */
static const char *label_of(struct tui *t, const char *list, const char *code)
{
	const char *l = codelist_label(form_codelist(t->app->forms, list), code);
	return l ? l : code;
}

/* ---- the case list ---- */

/* The column heads of the case list, laid out like its lines. Caller frees. */
static char *case_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Case number"), 22);
	tui_col(&sb, _("Received"), 10);
	tui_col(&sb, _("Category"), 10);
	tui_col(&sb, _("Parties"), 16);
	sb_append(&sb, _("State"));
	return sb_take(&sb);
}

/* The state of a case in a word or two: open (its age), overdue, or its outcome. */
static char *case_state(struct tui *t, const char *received, const char *outcome, const char *today)
{
	if (*outcome)
		return xstrdup(label_of(t, "dispute_outcome", outcome));
	int days = 0;
	dispute_days_between(received, today, &days);
	return dispute_overdue(received, today) ? xasprintf(_("OVERDUE %d d"), days) : xasprintf(_("open %d d"), days);
}

/* Cases whose number, summary or parties' names contain the query; open ones first,
 * the oldest first, then the rest newest first. */
static int case_rows(void *ctx, const char *query, size_t offset, size_t limit, struct rowset *out, char **err)
{
	struct tui_village_list *vl = ctx;
	return dispute_case_list_in(vl->t->app->st, query, vl->t->app->village, offset, limit, out, err);
}

/* One case: number, received, category, parties and state. */
static char *case_line(void *ctx, const struct rowset *r, size_t i, bool *strong)
{
	struct tui *t = ((struct tui_village_list *)ctx)->t;
	(void)strong;
	char today[11];
	store_today(today);
	struct strbuf sb = { 0 };
	char *state = case_state(t, rowset_text(r, i, DISPUTE_L_RECEIVED), rowset_text(r, i, DISPUTE_L_OUTCOME), today);
	tui_col(&sb, rowset_text(r, i, DISPUTE_L_CASE_NO), 22);
	tui_col(&sb, rowset_text(r, i, DISPUTE_L_RECEIVED), 10);
	tui_col(&sb, label_of(t, "dispute_category", rowset_text(r, i, DISPUTE_L_CATEGORY)), 10);
	tui_col(&sb, rowset_text(r, i, DISPUTE_L_PARTIES), 16);
	sb_append(&sb, state);
	free(state);
	return sb_take(&sb);
}

/* Keys of the case list: Enter opens, F7 registers a new case, F1 helps. */
static enum tui_list_action case_list_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	if (tui_village_list_key(t, ctx, k))
		return TUI_LIST_RELOAD;
	if (k == TK_ENTER && sel >= 0) {
		tui_dispute_case(t, sel);
		return TUI_LIST_RELOAD;
	}
	if (k == TK_F7) {
		int64_t id = tui_dispute_new(t);
		if (id)
			tui_dispute_case(t, id);
		return TUI_LIST_RELOAD;
	}
	if (k == TK_F1)
		tui_show_text(t, _("Mediation cases"),
			      _("Type part of a case number, a party's name or the summary. Open cases come first, "
				"the oldest at the top. Enter opens a case, F7 registers a new one."));
	return TUI_LIST_STAY;
}

static const struct tui_hint case_list_hints[] = {
	{ "F1", N_("Help") }, { "Enter", N_("Open") }, { "F7", N_("New") }, { "F10", N_("Back") },
};

/* The case list with its search line. */
static void case_list(struct tui *t)
{
	char *header = case_header();
	struct tui_list_def def = {
		.title = N_("Mediation cases"), .header = header, .query = true,
		.query_label = N_("Search (case number, name, summary):"),
		.hints = case_list_hints, .nhints = ARRAY_LEN(case_list_hints),
		.rows = case_rows, .line = case_line, .key_col = DISPUTE_L_ID, .on_key = case_list_key,
	};
	struct tui_village_list vl;
	tui_village_list_begin(t, &vl, &def);
	def.ctx = &vl;
	tui_list_run(t, &def, NULL);
	tui_village_list_end(&vl);
	free(header);
}

/* ---- the work list ---- */

/* One line of a kind of work (NULL: not to be listed). */
typedef char *work_line_fn(const struct rowset *r, size_t i, const char *today);

/* Adds the rows of one kind of work, each laid out by line. */
static void work_rows(struct tui *t, struct tui_rows *all, enum dispute_work kind, const char *today,
		      work_line_fn *line)
{
	struct rowset r = { 0 };
	if (dispute_work_list_in(t->app->st, kind, today, t->app->village, &r, NULL) == 0)
		for (size_t i = 0; i < r.n; i++) {
			char *text = line(&r, i, today);
			if (text)
				tui_rows_add(all, rowset_int(&r, i, DISPUTE_W_CASE_ID), text);
		}
	rowset_free(&r);
}

/* A work line: what, the case number, the detail (columns that line up). */
static char *work_line(const char *what, const char *case_no, char *detail)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, what, 8);
	tui_col(&sb, case_no, 22);
	sb_append(&sb, detail);
	free(detail);
	return sb_take(&sb);
}

/* An open case: overdue or its age. */
static char *work_open(const struct rowset *r, size_t i, const char *today)
{
	int days = 0;
	char due[11] = "";
	const char *received = rowset_text(r, i, DISPUTE_W_DATE);
	dispute_days_between(received, today, &days);
	dispute_due_date(received, due);
	bool late = dispute_overdue(received, today);
	return work_line(late ? _("OVERDUE") : _("In hand"), rowset_text(r, i, DISPUTE_W_CASE_NO),
			 xasprintf(_("open %d days, due %s: %s"), days, due, rowset_text(r, i, DISPUTE_W_SUMMARY)));
}

/* A follow-up visit due by today, not yet made. */
static char *work_visit(const struct rowset *r, size_t i, const char *today)
{
	(void)today;
	return work_line(_("Follow-up visit"), rowset_text(r, i, DISPUTE_W_CASE_NO),
			 xasprintf(_("follow-up visit due %s"), rowset_text(r, i, DISPUTE_W_DATE)));
}

/* A written agreement whose confirmation window closes within a week. */
static char *work_confirm(const struct rowset *r, size_t i, const char *today)
{
	int left = 0;
	char deadline[11] = "";
	const char *agreed = rowset_text(r, i, DISPUTE_W_DATE);
	if (!dispute_confirm_days_left(agreed, today, &left) || left < 0 || left > CONFIRM_SOON_DAYS)
		return NULL;
	dispute_confirm_deadline(agreed, deadline);
	return work_line(_("Judicial confirmation"), rowset_text(r, i, DISPUTE_W_CASE_NO),
			 xasprintf(_("%d day(s) left to apply for judicial confirmation (until %s)"), left, deadline));
}

/* Everything that needs doing, the most urgent first. */
static int work_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		      struct tui_rows *out, char **err)
{
	struct tui *t = ((struct tui_village_list *)ctx)->t;
	char today[11];
	(void)query, (void)offset, (void)limit, (void)err;   /* a whole list: the engine pages it */
	store_today(today);
	work_rows(t, out, DISPUTE_WORK_OPEN, today, work_open);
	work_rows(t, out, DISPUTE_WORK_VISIT, today, work_visit);
	work_rows(t, out, DISPUTE_WORK_CONFIRM, today, work_confirm);
	return 0;
}

/* Keys of the work list: Enter opens the case, F1 helps. */
static enum tui_list_action work_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	if (tui_village_list_key(t, ctx, k))
		return TUI_LIST_RELOAD;
	if (k == TK_ENTER && sel >= 0) {
		tui_dispute_case(t, sel);
		return TUI_LIST_RELOAD;
	}
	if (k == TK_F1)
		tui_show_text(t, _("Work list"),
			      _("Open cases, the oldest first (a case should close within a month: OVERDUE ones "
				"are past it), follow-up visits due and not yet made, and written agreements whose "
				"30 days for judicial confirmation end within a week. Enter opens the case."));
	return TUI_LIST_STAY;
}

static const struct tui_hint work_hints[] = {
	{ "F1", N_("Help") }, { "Enter", N_("Open") }, { "F10", N_("Back") },
};

/* The work list. */
static void work_list(struct tui *t)
{
	struct tui_list_def def = {
		.title = N_("Mediation: work list"), .hints = work_hints, .nhints = ARRAY_LEN(work_hints),
		.fetch = work_fetch, .whole = true, .on_key = work_key,
	};
	struct tui_village_list vl;
	tui_village_list_begin(t, &vl, &def);
	def.ctx = &vl;
	tui_list_run(t, &def, NULL);
	tui_village_list_end(&vl);
}

/* ---- statistics ---- */

static const char *const stats_groupings[] = { N_("By month"), N_("By village"), N_("By category") };

static const struct tui_stats_column stats_columns[] = {
	{ N_("Cases"), 6 }, { N_("Closed"), 6 }, { N_("Settled"), 6 }, { N_("Rate"), 7 }, { N_("Amount (yuan)"), 12 },
};

/* The year's cases in the statistics view every register shares. */
static const struct tui_stats_def stats_def = {
	.by_village = true,
	.title = N_("People's mediation statistics"), .period = TUI_STATS_YEAR,
	.groupings = stats_groupings, .ngroupings = ARRAY_LEN(stats_groupings),
	.label_cols = 16, .columns = stats_columns, .ncolumns = ARRAY_LEN(stats_columns),
	.fetch = dispute_stats_sheet, .report = dispute_stats_report, .file_stem = "disputes",
	.help = N_("The cases received in the year, as a table and as bars with the success rate beside "
		   "each. ←/→ (or PgUp/PgDn) the year before or after; F5 or 1-3 group them by month, "
		   "village or category; F6 prints, F7 writes a CSV file, F3 shows the whole report. The "
		   "success rate is of the closed cases; kept from turning criminal counts the settled cases "
		   "flagged 可能民转刑. `shanzhi report disputes --year Y` prints the table."),
};

void tui_dispute_stats(struct tui *t)
{
	tui_stats_run(t, &stats_def, NULL);
}

/* ---- the entry ---- */

void tui_dispute_menu(struct tui *t)
{
	if (!access_allows(t->app->st, ACCESS_DISPUTE_VIEW)) {
		char *why = access_refusal(t->app->st, ACCESS_DISPUTE_VIEW);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	const char *entries[] = {
		_("Work list: open, overdue, visits due, windows closing"), _("All cases"), _("New case"),
		_("Statistics"),
	};
	for (;;) {
		int i = tui_choose(t, _("People's mediation"), entries, ARRAY_LEN(entries), 0);
		if (i < 0 || t->quit)
			return;
		tui_message_clear(t);
		switch (i) {
		case 0: work_list(t); break;
		case 1: case_list(t); break;
		case 2: {
			int64_t id = tui_dispute_new(t);
			if (id)
				tui_dispute_case(t, id);
			break;
		}
		default: tui_dispute_stats(t); break;
		}
	}
}
