/* tui-ledger: the main menu's register groups, the list screen and the report screen
 * of every declared register (see tui-ledger.h). The record screen, the transition
 * dialog and the printouts are in tui-ledger-record.c. */
#include "tui-ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "i18n.h"
#include "ledger.h"
#include "rowset.h"
#include "statsheet.h"
#include "store.h"
#include "text.h"
#include "tui-list.h"
#include "tui-stats.h"
#include "util.h"

/* ---- the menu groups ---- */

/* The register that opens group g's entry first; the groups are the distinct `menu`
 * values in declaration order. NULL past the last. */
static const struct ledger_def *group_first(size_t g)
{
	const struct ledger_set *s = ledger_set_default();
	size_t seen = 0;
	for (size_t i = 0; i < ledger_count(s); i++) {
		const struct ledger_def *d = ledger_at(s, i);
		bool earlier = false;
		for (size_t j = 0; j < i && !earlier; j++)
			earlier = strcmp(ledger_at(s, j)->menu, d->menu) == 0;
		if (!earlier && seen++ == g)
			return d;
	}
	return NULL;
}

size_t tui_ledger_group_count(void)
{
	size_t n = 0;
	while (group_first(n))
		n++;
	return n;
}

const char *tui_ledger_group_title(size_t group)
{
	const struct ledger_def *d = group_first(group);
	return d ? d->menu : "";
}

int64_t tui_ledger_group_overdue(struct tui *t, size_t group)
{
	const struct ledger_def *first = group_first(group);
	const struct ledger_set *s = ledger_set_default();
	int64_t sum = 0;
	for (size_t i = 0; first && i < ledger_count(s); i++) {
		const struct ledger_def *d = ledger_at(s, i);
		int64_t due = 0, overdue = 0;
		if (d->nstates && strcmp(d->menu, first->menu) == 0 &&
		    ledger_due_counts(t->app->st, d, &due, &overdue, NULL) == 0)
			sum += overdue;
	}
	return sum;
}

void tui_ledger_group_run(struct tui *t, size_t group)
{
	const struct ledger_def *first = group_first(group);
	if (!first)
		return;
	const struct ledger_set *s = ledger_set_default();
	const struct ledger_def *members[64];
	const char *labels[64];
	size_t n = 0;
	for (size_t i = 0; i < ledger_count(s) && n < ARRAY_LEN(members); i++)
		if (strcmp(ledger_at(s, i)->menu, first->menu) == 0) {
			members[n] = ledger_at(s, i);
			labels[n] = _(members[n]->title);
			n++;
		}
	int pick = n == 1 ? 0 : tui_choose(t, _(first->menu), labels, n, 0);
	if (pick >= 0)
		tui_ledger_list(t, members[pick]);
}

/* ---- list lines, shared with the record screen's linked records ---- */

/* The label of a list column: its field's, or the engine's own column's. */
static const char *column_label(const struct ledger_def *d, const char *column)
{
	if (strcmp(column, "state") == 0)
		return _("State");
	if (strcmp(column, "number") == 0)
		return _("Number");
	if (strcmp(column, "deadline") == 0)
		return _("Due on");
	int fi = form_field_index(d->columns, column);
	return fi >= 0 ? _(d->columns->fields[fi].label) : column;
}

/* The display width of a list column, by what it holds: five columns, the due date
 * and "!超期" fit in 80. */
static int column_cols(const struct ledger_def *d, const char *column)
{
	if (strcmp(column, "state") == 0)
		return 8;
	if (strcmp(column, "number") == 0)
		return 13;
	if (strcmp(column, "deadline") == 0)
		return 10;
	int fi = form_field_index(d->columns, column);
	switch (fi < 0 ? FIELD_TEXT : d->columns->fields[fi].type) {
	case FIELD_DATE: return 10;
	case FIELD_INTEGER: return 6;
	case FIELD_DECIMAL: return 8;
	case FIELD_CHOICE: return 10;
	case FIELD_PHONE: return 11;
	case FIELD_IDNUMBER: return 18;
	case FIELD_REF: return 12;
	default: return 14;
	}
}

/* Whether the list shows the due date and the overdue mark after its columns: a
 * register with a life cycle whose `list` does not name `deadline` already. */
static bool shows_due(const struct ledger_def *d)
{
	if (!d->nstates)
		return false;
	for (size_t i = 0; i < d->nlist; i++)
		if (strcmp(d->list[i], "deadline") == 0)
			return false;
	return true;
}

char *tui_ledger_list_header(const struct ledger_def *d)
{
	struct strbuf sb = { 0 };
	bool due = shows_due(d);
	for (size_t c = 0; c < d->nlist; c++) {
		if (c + 1 == d->nlist && !due)
			sb_append(&sb, column_label(d, d->list[c]));
		else
			tui_col(&sb, column_label(d, d->list[c]), column_cols(d, d->list[c]));
	}
	if (due)
		tui_col(&sb, _("Due on"), 10);
	return sb_take(&sb);
}

char *tui_ledger_list_line(struct tui *t, const struct ledger_def *d, const struct rowset *r, size_t i)
{
	struct strbuf sb = { 0 };
	bool due = shows_due(d);
	for (size_t c = 0; c < d->nlist; c++) {
		char *cell = ledger_cell_text(t->app->st, d, d->list[c], rowset_text(r, i, LEDGER_COL_FIRST + c));
		if (c + 1 == d->nlist && !due)
			sb_append(&sb, cell);
		else
			tui_col(&sb, cell, column_cols(d, d->list[c]));
		free(cell);
	}
	if (due)
		tui_col(&sb, rowset_text(r, i, LEDGER_COL_DUE), 10);
	if (rowset_int(r, i, LEDGER_COL_OVERDUE))
		sb_appendf(&sb, "!%s", _("Overdue"));
	return sb_take(&sb);
}

void tui_ledger_rows_add(struct tui *t, const struct ledger_def *d, const struct rowset *r,
			 struct tui_rows *out)
{
	for (size_t i = 0; i < r->n; i++) {
		tui_rows_add(out, rowset_int(r, i, LEDGER_COL_ID), tui_ledger_list_line(t, d, r, i));
		if (rowset_int(r, i, LEDGER_COL_OVERDUE))
			tui_rows_mark(out);   /* overdue: in bold, and marked in words */
	}
}

/* ---- the list screen ---- */

struct lg_list {
	struct tui *t;
	const struct ledger_def *d;
	char title[200];
	bool count_stale;   /* the overdue count is asked again at the next fetch */
};

/* The title: the register's, with how many of its records are overdue. */
static void list_title(struct lg_list *l)
{
	int64_t due = 0, overdue = 0;
	const char *name = _(l->d->title);
	if (l->d->nstates && ledger_due_counts(l->t->app->st, l->d, &due, &overdue, NULL) == 0 && overdue) {
		char *title = xasprintf(_("%s (%ld overdue)"), name, (long)overdue);
		snprintf(l->title, sizeof l->title, "%s", title);
		free(title);
	} else {
		snprintf(l->title, sizeof l->title, "%s", name);
	}
}

/* fetch of the list: the engine's page of records matching the search. */
static int list_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		      struct tui_rows *out, char **err)
{
	struct lg_list *l = ctx;
	struct rowset r = { 0 };
	if (ledger_list(l->t->app->st, l->d, query, offset, limit, &r, err) != 0)
		return -1;
	if (l->count_stale)   /* not at each key typed: the count reads the whole table */
		list_title(l);
	l->count_stale = false;
	tui_ledger_rows_add(l->t, l->d, &r, out);
	rowset_free(&r);
	return 0;
}

static const struct tui_hint list_hints[] = {
	{ "F1", N_("Help") }, { "Enter", N_("Open") }, { "F5", N_("Step") }, { "F6", N_("Print") },
	{ "F7", N_("New") }, { "F8", N_("Reports") }, { "F10", N_("Back") },
};

/* Keys of the list; sel is the record's id, or -1 when the list is empty. */
static enum tui_list_action list_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct lg_list *l = ctx;
	l->count_stale = k == TK_F7 || k == TK_ENTER || k == TK_F5;   /* what may change a state */
	switch (k) {
	case TK_F7: tui_ledger_record(t, l->d, 0, NULL, NULL); return TUI_LIST_RELOAD;
	case TK_F8: tui_ledger_reports(t, l->d); return TUI_LIST_STAY;
	case TK_F1:
		tui_show_text(t, _(l->d->title),
			      _("The register's records, in its order. Type to search (the words are matched in "
				"the number and the searched columns). Enter opens a record, F7 enters a new one, "
				"F5 makes a step of its life cycle, F6 prints it, F8 shows the register's reports. "
				"\"!Overdue\" marks a record past the due date of its state; the title counts them."));
		return TUI_LIST_STAY;
	default: break;
	}
	if (sel <= 0)
		return TUI_LIST_STAY;
	switch (k) {
	case TK_ENTER: tui_ledger_record(t, l->d, sel, NULL, NULL); return TUI_LIST_RELOAD;
	case TK_F5: tui_ledger_step(t, l->d, sel); return TUI_LIST_RELOAD;
	case TK_F6: tui_ledger_print(t, l->d, sel); return TUI_LIST_STAY;
	default: return TUI_LIST_STAY;
	}
}

void tui_ledger_list(struct tui *t, const struct ledger_def *d)
{
	if (!access_allows(t->app->st, ACCESS_LEDGER_VIEW)) {
		char *why = access_refusal(t->app->st, ACCESS_LEDGER_VIEW);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	struct lg_list l = { .t = t, .d = d };
	list_title(&l);
	char *header = tui_ledger_list_header(d);
	struct tui_list_def def = {
		.title = l.title, .header = header, .query = true, .query_label = N_("Search:"),
		.hints = list_hints, .nhints = ARRAY_LEN(list_hints), .ctx = &l, .fetch = list_fetch,
		.on_key = list_key,
	};
	tui_list_run(t, &def, NULL);
	free(header);
}

/* ---- the report screen ---- */

/* A declared report in the statistics view: the register and which report. */
struct lg_report {
	const struct ledger_def *d;
	const struct ledger_report *r;
	/* the rows of the period the view opens on, fetched for the headings: handed to
	 * the view's first fetch rather than asked twice (a year of a million records) */
	struct statsheet first;
	char first_period[16];
	bool have_first;
};

/* The period's dates: a month's or a year's first and last, all time for none. */
static void report_range(const struct statsheet_query *q, char from[11], char to[11])
{
	if (!q->period || !*q->period || ledger_period_range(q->period, from, to) != 0) {
		snprintf(from, 11, "0000-01-01");
		snprintf(to, 11, "9999-12-31");
	}
}

/* fetch of the statistics view: the report's rows, its headings line taken out. */
static int report_sheet(const struct statsheet_query *q, struct statsheet *out, char **err)
{
	struct lg_report *lr = q->ctx;
	char from[11], to[11];
	report_range(q, from, to);
	if (lr->have_first && strcmp(q->period, lr->first_period) == 0) {
		*out = lr->first;
		lr->have_first = false;
	} else if (ledger_report(q->st, lr->d, lr->r->name, from, to, out, err) != 0) {
		return -1;
	}
	if (out->nsummary) {   /* the headings are the table's head, not a summary */
		free(out->summary[0]);
		memmove(out->summary, out->summary + 1, (out->nsummary - 1) * sizeof *out->summary);
		out->nsummary--;
	}
	if (lr->r->has_ref_line)
		statsheet_say(out, xasprintf(_("The line | on the chart marks %g."), lr->r->ref_line));
	return 0;
}

/* The printed report (F6, F3). */
static char *report_text(const struct statsheet_query *q, char **err)
{
	const struct lg_report *lr = q->ctx;
	return ledger_report_text(q->st, lr->d, lr->r->name, q->period, false, err);
}

/* The report as CSV (F7), whole rather than cut at 80 columns. */
static char *report_csv(const struct statsheet_query *q, char **err)
{
	const struct lg_report *lr = q->ctx;
	return ledger_report_text(q->st, lr->d, lr->r->name, q->period, true, err);
}

/* The report's column headings: the first summary line of a fetch, split at TABs.
 * The count, at most max; each caller-freed. */
static size_t report_heads(struct tui *t, struct lg_report *lr, char *heads[], size_t max)
{
	char today[11], from[11], to[11];
	store_today(today);
	/* the period the view opens on: the query runs over no more than it will */
	today[lr->r->period == LEDGER_PERIOD_MONTH ? 7 : lr->r->period == LEDGER_PERIOD_YEAR ? 4 : 0] = '\0';
	struct statsheet_query q = { .st = t->app->st, .period = today, .ctx = lr };
	report_range(&q, from, to);
	struct statsheet s = { 0 };
	size_t n = 0;
	lr->have_first = ledger_report(t->app->st, lr->d, lr->r->name, from, to, &s, NULL) == 0;
	if (lr->have_first && s.nsummary) {
		for (const char *p = s.summary[0]; n < max;) {
			size_t len = strcspn(p, "\t");
			heads[n++] = xstrndup(p, len);
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	if (lr->have_first) {
		lr->first = s;
		snprintf(lr->first_period, sizeof lr->first_period, "%s", today);
	} else {
		statsheet_free(&s);
	}
	return n;
}

/* Shows one report in the statistics view: its columns are the query's. */
static void report_run(struct tui *t, const struct ledger_def *d, const struct ledger_report *r)
{
	struct lg_report lr = { .d = d, .r = r };
	char *heads[STATSHEET_CELLS + 1];
	size_t nh = report_heads(t, &lr, heads, ARRAY_LEN(heads));
	struct tui_stats_column cols[STATSHEET_CELLS];
	size_t nc = 0;
	for (size_t i = 1; i < nh && nc < STATSHEET_CELLS; i++) {
		int w = text_width(_(heads[i]));
		cols[nc++] = (struct tui_stats_column){ heads[i], w < 6 ? 6 : w > 14 ? 14 : w };
	}
	const char *grouping = nh ? heads[0] : r->title;
	char *stem = xasprintf("%s", r->name);
	struct tui_stats_def def = {
		.title = r->title,
		.period = r->period == LEDGER_PERIOD_MONTH ? TUI_STATS_MONTH
			  : r->period == LEDGER_PERIOD_YEAR ? TUI_STATS_YEAR : TUI_STATS_NONE,
		.groupings = &grouping, .ngroupings = 1, .label_cols = 16, .columns = cols, .ncolumns = nc,
		.fetch = report_sheet, .report = report_text, .csv = report_csv, .file_stem = stem,
		.help = N_("A report of the register, as declared: the table and its chart. \xE2\x86\x90/\xE2\x86\x92 "
			   "(or PgUp/PgDn) change the month or year; F6 prints, F7 writes a CSV file, F3 shows "
			   "the whole report. `shanzhi report NAME` prints the same figures."),
		.has_ref_line = r->has_ref_line, .ref_line = r->ref_line, .ctx = &lr,
	};
	tui_stats_run(t, &def, NULL);
	if (lr.have_first)
		statsheet_free(&lr.first);
	free(stem);
	for (size_t i = 0; i < nh; i++)
		free(heads[i]);
}

void tui_ledger_reports(struct tui *t, const struct ledger_def *d)
{
	if (!d->nreports) {
		tui_error(t, _("%s declares no report."), _(d->title));
		return;
	}
	const char *labels[32];
	size_t n = d->nreports < ARRAY_LEN(labels) ? d->nreports : ARRAY_LEN(labels);
	for (size_t i = 0; i < n; i++)
		labels[i] = _(d->reports[i].title);
	int pick = n == 1 ? 0 : tui_choose(t, _("Which report?"), labels, n, 0);
	if (pick >= 0)
		report_run(t, d, &d->reports[pick]);
}

/* ---- every register's overdue records (the clerk's work list, Shift-Tab) ---- */

int64_t tui_ledger_overdue_count(struct tui *t)
{
	if (!access_allows(t->app->st, ACCESS_LEDGER_VIEW))
		return 0;
	/* counted, not fetched: the work list's title shows the sum */
	const struct ledger_set *s = ledger_set_default();
	int64_t sum = 0;
	for (size_t i = 0; i < ledger_count(s); i++) {
		const struct ledger_def *d = ledger_at(s, i);
		int64_t due = 0, overdue = 0;
		if (d->nstates && ledger_due_counts(t->app->st, d, &due, &overdue, NULL) == 0)
			sum += overdue;
	}
	return sum;
}

/* The overdue list's rows as fetched: a row's key is its index here. */
struct lg_overdue {
	struct tui *t;
	struct rowset rows;
};

static char *overdue_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Due on"), 10);
	tui_col(&sb, "", 6);
	tui_col(&sb, _("Register"), 14);
	tui_col(&sb, _("Number"), 14);
	sb_append(&sb, _("State"));
	return sb_take(&sb);
}

static int overdue_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			 struct tui_rows *out, char **err)
{
	(void)query, (void)offset, (void)limit;
	struct lg_overdue *o = ctx;
	rowset_free(&o->rows);
	if (ledger_overdue(o->t->app->st, ledger_set_default(), 0, &o->rows, err) != 0)
		return -1;
	for (size_t i = 0; i < o->rows.n; i++) {
		const struct ledger_def *d = ledger_find(ledger_set_default(), rowset_text(&o->rows, i, LEDGER_OD_REGISTER));
		if (!d)
			continue;
		struct strbuf sb = { 0 };
		tui_col(&sb, rowset_text(&o->rows, i, LEDGER_OD_DUE), 10);
		char *flag = xasprintf("!%s", _("Overdue"));
		tui_col(&sb, flag, 6);
		free(flag);
		tui_col(&sb, _(d->title), 14);
		const char *number = rowset_text(&o->rows, i, LEDGER_OD_NUMBER);
		char *id = xasprintf("#%s", rowset_text(&o->rows, i, LEDGER_OD_ID));
		tui_col(&sb, *number ? number : id, 14);
		free(id);
		sb_append(&sb, ledger_state_label(d, rowset_text(&o->rows, i, LEDGER_OD_STATE)));
		tui_rows_add(out, (int64_t)i, sb_take(&sb));
		tui_rows_mark(out);
	}
	return 0;
}

static const struct tui_hint overdue_hints[] = {
	{ "F1", N_("Help") }, { "Enter", N_("Open") }, { "F5", N_("Step") }, { "F10", N_("Back") },
};

static enum tui_list_action overdue_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct lg_overdue *o = ctx;
	if (k == TK_F1) {
		tui_show_text(t, _("Registers overdue"),
			      _("The records of every register past the due date of their state, the most overdue "
				"first. Enter opens a record, F5 makes its next step."));
		return TUI_LIST_STAY;
	}
	if (sel < 0 || (size_t)sel >= o->rows.n || (k != TK_ENTER && k != TK_F5))
		return TUI_LIST_STAY;
	const struct ledger_def *d = ledger_find(ledger_set_default(), rowset_text(&o->rows, (size_t)sel, LEDGER_OD_REGISTER));
	int64_t id = rowset_int(&o->rows, (size_t)sel, LEDGER_OD_ID);
	if (!d)
		return TUI_LIST_STAY;
	if (k == TK_ENTER)
		tui_ledger_record(t, d, id, NULL, NULL);
	else
		tui_ledger_step(t, d, id);
	return TUI_LIST_RELOAD;
}

void tui_ledger_overdue(struct tui *t)
{
	if (!access_allows(t->app->st, ACCESS_LEDGER_VIEW)) {
		char *why = access_refusal(t->app->st, ACCESS_LEDGER_VIEW);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	struct lg_overdue o = { .t = t };
	char *header = overdue_header();
	struct tui_list_def def = {
		.title = N_("Registers overdue"), .header = header, .hints = overdue_hints,
		.nhints = ARRAY_LEN(overdue_hints), .ctx = &o, .fetch = overdue_fetch, .whole = true,
		.on_key = overdue_key,
	};
	tui_list_run(t, &def, NULL);
	rowset_free(&o.rows);
	free(header);
}
