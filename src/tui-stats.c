/* tui-stats: the one statistics view (see tui-stats.h). */
#include "tui-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "csv.h"
#include "i18n.h"
#include "printout.h"
#include "store.h"
#include "text.h"
#include "tui-chart.h"
#include "tui-list.h"
#include "tui-print.h"
#include "tui-textview.h"
#include "tui-village.h"
#include "util.h"

/* The view's state: which period and grouping, the rows fetched, the first shown. */
struct stats {
	const struct tui_stats_def *def;
	char period[16];
	size_t grouping;
	size_t top;
	struct statsheet sheet;
	char *err;                 /* why the figures could not be had */
};

static const struct tui_hint month_hints[] = {
	{ "\xE2\x86\x90/\xE2\x86\x92", N_("Month") }, { "F5", N_("Grouping") }, { "F6", N_("Print") },
	{ "F7", N_("Export") }, { "F3", N_("Report") }, { "F1", N_("Help") }, { "Esc/F10", N_("Back") },
};
static const struct tui_hint year_hints[] = {
	{ "\xE2\x86\x90/\xE2\x86\x92", N_("Year") }, { "F5", N_("Grouping") }, { "F6", N_("Print") },
	{ "F7", N_("Export") }, { "F3", N_("Report") }, { "F1", N_("Help") }, { "Esc/F10", N_("Back") },
};
static const struct tui_hint none_hints[] = {
	{ "F5", N_("Grouping") }, { "F6", N_("Print") }, { "F7", N_("Export") }, { "F3", N_("Report") },
	{ "F1", N_("Help") }, { "Esc/F10", N_("Back") },
};

/* The key bar: the same keys for every register, the period named by its kind. */
static const struct tui_hint *stats_hints(const struct stats *s, size_t *n)
{
	*n = ARRAY_LEN(month_hints);
	if (s->def->period == TUI_STATS_NONE) {
		*n = ARRAY_LEN(none_hints);
		return none_hints;
	}
	return s->def->period == TUI_STATS_MONTH ? month_hints : year_hints;
}

/* The query of the period and grouping in view. */
static struct statsheet_query stats_query(struct tui *t, const struct stats *s)
{
	return (struct statsheet_query){ t->app->st, t->app->forms, s->period, s->grouping, s->def->ctx,
					 s->def->by_village ? t->app->village : 0 };
}

/* Fetches the rows of the period and grouping in view, from the first. */
static void stats_load(struct tui *t, struct stats *s)
{
	statsheet_free(&s->sheet);
	free(s->err);
	s->err = NULL;
	s->top = 0;
	struct statsheet_query q = stats_query(t, s);
	if (s->def->fetch(&q, &s->sheet, &s->err) != 0) {
		statsheet_free(&s->sheet);
		if (!s->err)
			s->err = xstrdup("?");
	}
}

/* Moves the period by delta months or years. */
static void stats_shift(struct stats *s, int delta)
{
	int y = atoi(s->period);
	if (s->def->period == TUI_STATS_NONE)
		return;   /* all time: no period to move */
	if (s->def->period == TUI_STATS_YEAR) {
		snprintf(s->period, sizeof s->period, "%04u", (unsigned)(y + delta) % 10000u);
		return;
	}
	int m = atoi(s->period + 5) + delta;
	for (; m < 1; m += 12)
		y--;
	for (; m > 12; m -= 12)
		y++;
	/* unsigned so the compiler sees at most "9999-99" at any optimisation level */
	snprintf(s->period, sizeof s->period, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

/* A figure right-aligned in cols columns after a space. */
static void cell_put(struct strbuf *sb, const char *text, int cols)
{
	sb_append(sb, " ");
	for (int i = text_width(text); i < cols; i++)
		sb_append(sb, " ");
	sb_append(sb, text);
}

/* A line of the table: the label, then each column. Caller frees. */
static char *table_line(const struct tui_stats_def *def, const char *label, const char *const *cells)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, label, def->label_cols);
	for (size_t c = 0; c < def->ncolumns; c++)
		cell_put(&sb, cells[c] ? cells[c] : "", def->columns[c].width);
	return sb_take(&sb);
}

/* The groupings as "1 By item  2 By handler ...", the one in view standing out. */
static void draw_groupings(const struct stats *s, int y)
{
	int x = 1;
	for (size_t g = 0; g < s->def->ngroupings && x < COLS - 2; g++) {
		char *item = xasprintf("%zu %s", g + 1, _(s->def->groupings[g]));
		x += tui_put(stdscr, y, x, item, -1, g == s->grouping ? A_REVERSE : A_NORMAL) + 2;
		free(item);
	}
}

/* The page of the table from top: the head and rows lines. */
static void draw_table(const struct stats *s, int y, size_t rows)
{
	const struct tui_stats_def *def = s->def;
	const char *heads[STATSHEET_CELLS] = { 0 };
	for (size_t c = 0; c < def->ncolumns && c < STATSHEET_CELLS; c++)
		heads[c] = _(def->columns[c].head);
	char *head = table_line(def, _(def->groupings[s->grouping]), heads);
	tui_put(stdscr, y, 1, head, COLS - 2, A_BOLD | A_UNDERLINE);
	free(head);
	for (size_t i = 0; i < rows; i++) {
		const struct statsheet_row *r = &s->sheet.rows[s->top + i];
		char *line = table_line(def, r->label, (const char *const *)r->cell);
		tui_put(stdscr, y + 1 + (int)i, 1, line, COLS - 2, A_NORMAL);
		free(line);
	}
}

/* The same rows as bars, on the scale of the largest of all rows. */
static void draw_chart(const struct stats *s, int y, size_t rows)
{
	struct tui_chart_bar *bars = xcalloc(rows + 1, sizeof *bars);
	struct tui_chart_layout l = { .label_cols = s->def->label_cols, .has_ref = s->def->has_ref_line,
				      .ref = s->def->ref_line };
	for (size_t i = 0; i < s->sheet.n; i++)
		l.max = s->sheet.rows[i].value > l.max ? s->sheet.rows[i].value : l.max;
	for (size_t i = 0; i < rows; i++) {
		const struct statsheet_row *r = &s->sheet.rows[s->top + i];
		bars[i] = (struct tui_chart_bar){ r->label, r->value, r->note };
	}
	tui_chart_draw(stdscr, y, 1, (int)rows, COLS - 2, bars, rows, &l);
	free(bars);
}

/* The rows that fit: the table and the chart share the room below the summary, one
 * page each of the same rows; below it where the page is when there are more. */
static void draw_rows(struct stats *s, int y, int bottom)
{
	size_t n = s->sheet.n;
	if (n == 0) {
		tui_put(stdscr, y, 1, _("Nothing was recorded in this period."), COLS - 2, A_NORMAL);
		return;
	}
	int room = bottom - y - 1;            /* less the table's head */
	size_t page = room >= 5 ? (size_t)(room - 2) / 2 : (room > 0 ? (size_t)room : 0);
	if (page == 0)
		return;
	size_t last = n > page ? n - page : 0;
	s->top = s->top < last ? s->top : last;
	size_t shown = n - s->top < page ? n - s->top : page;
	draw_table(s, y, shown);
	if (room >= 5)
		draw_chart(s, y + 2 + (int)page, shown);
	if (n > page) {
		char *where = xasprintf(_("Rows %zu-%zu of %zu; \xE2\x86\x91\xE2\x86\x93 scroll"), s->top + 1,
					s->top + shown, n);
		tui_put(stdscr, bottom - 1, 1, where, COLS - 2, A_BOLD);
		free(where);
	}
}

/* The view's title: the register's with the period in view (none for all time), and
 * the village the figures are filtered to. Caller frees. */
static char *stats_title(struct tui *t, const struct stats *s)
{
	char *title = s->def->by_village ? tui_village_title(t, s->def->title) : xstrdup(_(s->def->title));
	if (!*s->period)
		return title;
	char *full = xasprintf(_("%s: %s"), title, s->period);
	free(title);
	return full;
}

/* The file name offered for the report: stem-PERIOD.ext, or stem.ext for all time. Caller frees. */
static char *stats_file(const struct stats *s, const char *ext)
{
	return *s->period ? xasprintf("%s-%s.%s", s->def->file_stem, s->period, ext)
			  : xasprintf("%s.%s", s->def->file_stem, ext);
}

/* The whole view: title and period, the summary, the groupings, the rows, the keys. */
static void stats_draw(struct tui *t, struct stats *s)
{
	size_t nh;
	const struct tui_hint *base = stats_hints(s, &nh);
	/* F4 picks the village where the register's figures are kept by village */
	struct tui_hint *hints = s->def->by_village ? tui_village_hints(t, base, &nh) : NULL;
	char *title = stats_title(t, s);
	erase();
	tui_title(t, title);
	free(title);
	int y = 2;
	if (s->err) {
		tui_put(stdscr, y++, 1, s->err, COLS - 2, A_BOLD);
	} else {
		for (size_t i = 0; i < s->sheet.nsummary; i++)
			tui_put(stdscr, y++, 1, s->sheet.summary[i], COLS - 2, i == 0 ? A_BOLD : A_NORMAL);
	}
	draw_groupings(s, ++y);
	tui_keybar(t, hints ? hints : base, nh);   /* first: the rows end above its message line */
	free(hints);
	if (!s->err)
		draw_rows(s, y + 2, tui_message_row(t));
	tui_draw_message(t);
	curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* The period's whole report from the model; NULL with the reason shown. */
static char *stats_report(struct tui *t, const struct stats *s)
{
	char *err = NULL;
	struct statsheet_query q = stats_query(t, s);
	char *text = s->def->report(&q, &err);
	if (!text)
		tui_error(t, "%s", err ? err : "?");
	free(err);
	return text;
}

/* F6 prints the report, F3 shows its text: both the print path's file name. */
static void stats_print(struct tui *t, const struct stats *s, bool on_screen)
{
	char *text = stats_report(t, s);
	if (!text)
		return;
	char *title = stats_title(t, s);
	char *file = stats_file(s, "txt");
	if (on_screen) {
		struct tui_textview v = { .title = title, .text = text, .print_file = file };
		tui_textview_run(t, &v);
	} else {
		tui_print(t, title, text, file);
	}
	free(file);
	free(title);
	free(text);
}

/* The period's report as CSV: the model's own when it makes one, else made from the
 * report's aligned columns. NULL with the reason shown. Caller frees. */
static char *stats_csv(struct tui *t, const struct stats *s)
{
	if (!s->def->csv) {
		char *text = stats_report(t, s);
		char *csv = text ? csv_from_columns(text) : NULL;
		free(text);
		return csv;
	}
	char *err = NULL;
	struct statsheet_query q = stats_query(t, s);
	char *csv = s->def->csv(&q, &err);
	if (!csv)
		tui_error(t, "%s", err ? err : "?");
	free(err);
	return csv;
}

/* F7: the report as CSV, UTF-8 with the BOM Excel and WPS read it by. */
static void stats_export(struct tui *t, const struct stats *s)
{
	char *def = stats_file(s, "csv");
	char *path = tui_prompt_path(t, _("CSV file"), _("File to write (.csv):"), def, 200, NULL, NULL);
	free(def);
	char *csv = path && *path ? stats_csv(t, s) : NULL;
	if (csv) {
		char *doc = xasprintf("\xEF\xBB\xBF%s", csv);
		char *err = NULL;
		if (printout_deliver(doc, "utf-8", path, &err) == 0)
			tui_message(t, _("Written to %s."), path);
		else
			tui_error(t, "%s", err ? err : "?");
		free(err);
		free(doc);
	}
	free(csv);
	free(path);
}

/* The grouping picked by F5 (the next) or a digit; false for any other key. */
static bool stats_group_key(struct stats *s, int k)
{
	size_t n = s->def->ngroupings;
	if (k == TK_F5)
		s->grouping = (s->grouping + 1) % n;
	else if (k >= '1' && k < '1' + (int)n)
		s->grouping = (size_t)(k - '1');
	else
		return false;
	return true;
}

/* The statistics as a view (tui-core's loop). */
static void stats_view_draw(struct tui *t, void *ctx)
{
	stats_draw(t, ctx);
}

static enum tui_view_step stats_view_key(struct tui *t, void *ctx, int k)
{
	struct stats *s = ctx;
	if (TK_IS_BACK(k))
		return TUI_VIEW_CLOSE;
	if (stats_group_key(s, k)) {
		stats_load(t, s);
	} else {
		switch (k) {
		case TK_LEFT: case TK_PGUP: stats_shift(s, -1); stats_load(t, s); break;
		case TK_RIGHT: case TK_PGDN: stats_shift(s, 1); stats_load(t, s); break;
		case TK_DOWN: s->top++; break;   /* drawing keeps it within the rows */
		case TK_UP: s->top -= s->top > 0; break;
		case TK_F6: stats_print(t, s, false); break;
		case TK_F3: stats_print(t, s, true); break;
		case TK_F7: stats_export(t, s); break;
		case TK_F4:
			if (!s->def->by_village)
				tui_message(t, "%s", _("These figures are not kept by village."));
			else if (tui_village_filter(t))
				stats_load(t, s);
			break;
		case TK_F1: tui_show_text(t, _(s->def->title), _(s->def->help)); break;
		default: break;
		}
	}
	return TUI_VIEW_DRAW;
}

void tui_stats_run(struct tui *t, const struct tui_stats_def *def, const char *period)
{
	struct stats s = { .def = def };
	char today[11];
	store_today(today);
	int len = def->period == TUI_STATS_MONTH ? 7 : def->period == TUI_STATS_YEAR ? 4 : 0;
	snprintf(s.period, sizeof s.period, "%.*s", len, period ? period : today);
	stats_load(t, &s);
	struct tui_view v = { .draw = stats_view_draw, .key = stats_view_key, .ctx = &s };
	tui_view_run(t, &v);
	statsheet_free(&s.sheet);
	free(s.err);
	tui_message_clear(t);
	curs_set(1);
}
