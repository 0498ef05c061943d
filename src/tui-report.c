/* tui-report: a report's text scrolled, printed and written as CSV. */
#include "tui-report.h"

#include "tui-print.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "i18n.h"
#include "printout.h"
#include "text.h"
#include "util.h"

/* The report split into lines, and the first line shown. */
struct report_view {
	char **lines;
	size_t n;
	size_t top;
};

/* Splits text at its line ends. */
static void view_split(struct report_view *v, const char *text)
{
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\n");
		v->lines = xrealloc(v->lines, (v->n + 1) * sizeof *v->lines);
		v->lines[v->n++] = xstrndup(p, len);
		p += len + (p[len] == '\n');
	}
}

/* Rows of the screen the text may use: below the title, above the message line. */
static size_t view_page(void)
{
	return LINES > 5 ? (size_t)(LINES - 5) : 1;
}

/* Keeps the first line shown within the text. */
static void view_clamp(struct report_view *v)
{
	size_t page = view_page();
	size_t last = v->n > page ? v->n - page : 0;
	if (v->top > last)
		v->top = last;
}

/* The page of the report, where it is, and the keys. */
static void view_draw(struct tui *t, const char *title, const struct report_view *v)
{
	static const struct tui_hint hints[] = {
		{ "\xE2\x86\x91\xE2\x86\x93/PgUp/PgDn", N_("Scroll") }, { "F5", N_("Print") },
		{ "F6", N_("CSV file") }, { "F10", N_("Back") },
	};
	size_t page = view_page();
	erase();
	tui_title(t, title);
	for (size_t i = 0; i < page && v->top + i < v->n; i++)
		tui_put(stdscr, 2 + (int)i, 0, v->lines[v->top + i], COLS, A_NORMAL);
	/* where the page is in the report, so a clerk knows there is more */
	size_t last = v->top + page < v->n ? v->top + page : v->n;
	char *where = xasprintf(_("Lines %zu-%zu of %zu"), v->n ? v->top + 1 : 0, last, v->n);
	tui_put(stdscr, LINES - 3, 0, where, COLS, A_BOLD);
	free(where);
	tui_keybar(t, hints, ARRAY_LEN(hints));
	tui_draw_message(t);
	curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

void tui_report_print(struct tui *t, const char *title, const char *text, const char *file_stem)
{
	char *file = xasprintf("%s.txt", file_stem);
	tui_print(t, title, text, file);   /* preview, file or printer, as every document */
	free(file);
}

/* F6: the report as CSV, UTF-8 with the BOM Excel and WPS read it by. */
static void view_csv(struct tui *t, const char *text, const char *file_stem)
{
	char *def = xasprintf("%s.csv", file_stem);
	char *path = tui_prompt_path(t, _("CSV file"), _("File to write (.csv):"), def, 200, NULL, NULL);
	free(def);
	if (!path || !*path) {
		free(path);
		return;
	}
	char *csv = csv_from_columns(text);
	char *doc = xasprintf("\xEF\xBB\xBF%s", csv);
	char *err = NULL;
	if (printout_deliver(doc, "utf-8", path, &err) == 0)
		tui_message(t, _("Written to %s."), path);
	else
		tui_error(t, "%s", err ? err : "?");
	free(err);
	free(doc);
	free(csv);
	free(path);
}

void tui_report_view(struct tui *t, const char *title, const char *text, const char *file_stem)
{
	struct report_view v = { 0 };
	view_split(&v, text);
	for (;;) {
		view_clamp(&v);
		if (tui_size_ok(t))
			view_draw(t, title, &v);
		int k = tui_getkey(t, -1);
		size_t page = view_page();
		if (TK_IS_BACK(k))
			break;
		switch (k) {
		case TK_DOWN: v.top++; break;
		case TK_UP: v.top -= v.top > 0; break;
		case TK_PGDN: v.top += page; break;
		case TK_PGUP: v.top = v.top > page ? v.top - page : 0; break;
		case TK_HOME: v.top = 0; break;
		case TK_END: v.top = v.n; break;
		case TK_F5: tui_report_print(t, title, text, file_stem); break;
		case TK_F6: view_csv(t, text, file_stem); break;
		default: break;
		}
	}
	for (size_t i = 0; i < v.n; i++)
		free(v.lines[i]);
	free(v.lines);
	tui_message_clear(t);
	curs_set(1);
}
