/* tui-textview: the one text view (see tui-textview.h). */
#include "tui-textview.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui-print.h"
#include "util.h"

/* The state of a view on the screen. */
struct textview {
	const struct tui_textview *def;
	char **lines;
	size_t n, top;
	int wrapped;                   /* the width the lines were wrapped to */
	char *found;                   /* the last text searched for */
	WINDOW *box;                   /* the popup, or NULL on the whole screen */
	int rows, cols;                /* the text's rectangle */
};

/* Drops the wrapped lines: a resize wraps the text again. */
static void lines_free(struct textview *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->lines[i]);
	free(v->lines);
	v->lines = NULL;
	v->n = 0;
}

/* The text's rectangle at the current size: a box is at most 70 wide for a help text
 * and as big as the screen for a document; the whole screen keeps the title, the
 * position line, the message line and the key bar. */
static void view_measure(struct textview *v)
{
	if (v->def->popup) {
		int w = v->def->wide ? COLS - 2 : (COLS - 10 < 70 ? COLS - 10 : 70);
		v->cols = w - 4;
	} else {
		v->cols = COLS;
	}
	if (v->cols < 1)
		v->cols = 1;
	if (v->wrapped != v->cols) {
		lines_free(v);
		v->n = tui_wrap(v->def->text ? v->def->text : "", v->cols, &v->lines);
		v->wrapped = v->cols;
	}
	int room = v->def->popup ? LINES - 6 : LINES - 5;
	room = room > 1 ? room : 1;
	v->rows = v->def->popup && (int)v->n < room ? (int)v->n : room;
	if (v->rows < 1)
		v->rows = 1;
}

/* The first line that may be on top: the last page starts there. */
static size_t view_last(const struct textview *v)
{
	return v->n > (size_t)v->rows ? v->n - (size_t)v->rows : 0;
}

/* Where the page is in the text, so the clerk knows there is more. Caller frees. */
static char *view_where(const struct textview *v)
{
	size_t last = v->top + (size_t)v->rows < v->n ? v->top + (size_t)v->rows : v->n;
	if (v->def->popup && (size_t)v->rows >= v->n)
		return xstrdup(_("Press any key to go on."));
	if (v->def->popup)
		return xasprintf(_("Lines %zu-%zu of %zu; \xE2\x86\x91\xE2\x86\x93/PgUp/PgDn scroll, "
				   "Enter goes on."), v->top + 1, last, v->n);
	return xasprintf(_("Lines %zu-%zu of %zu"), v->n ? v->top + 1 : 0, last, v->n);
}

/* The view's keys after the caller's. */
static size_t view_hints(const struct textview *v, struct tui_hint *out)
{
	size_t n = 0;
	for (size_t i = 0; i < v->def->nhints && n < 6; i++)
		out[n++] = v->def->hints[i];
	out[n++] = (struct tui_hint){ "PgUp/PgDn", N_("Scroll") };
	out[n++] = (struct tui_hint){ "/", N_("Search") };
	if (v->def->print_file)
		out[n++] = (struct tui_hint){ "F6", N_("Print") };
	out[n++] = (struct tui_hint){ "Esc", N_("Back") };
	return n;
}

/* The page in its box, or on the whole screen under the title with the key bar. */
static void view_draw(struct tui *t, struct textview *v)
{
	char *where = view_where(v);
	if (v->def->popup) {
		if (v->box)
			delwin(v->box);   /* drawn over, not wiped: a box below it stays */
		v->box = tui_popup(v->rows + 4, v->cols + 4, v->def->title);
		for (int r = 0; r < v->rows; r++) {
			size_t i = v->top + (size_t)r;
			tui_put(v->box, 1 + r, 2, i < v->n ? v->lines[i] : "", v->cols, A_NORMAL);
		}
		tui_put(v->box, v->rows + 2, 2, where, v->cols, (size_t)v->rows < v->n ? A_BOLD : A_NORMAL);
		wnoutrefresh(v->box);
	} else {
		struct tui_hint hints[12];
		size_t nh = view_hints(v, hints);
		erase();
		tui_title(t, v->def->title);
		for (int r = 0; r < v->rows && v->top + (size_t)r < v->n; r++)
			tui_put(stdscr, 2 + r, 0, v->lines[v->top + (size_t)r], COLS, A_NORMAL);
		tui_put(stdscr, LINES - 3, 0, where, COLS, A_BOLD);
		tui_keybar(t, hints, nh);
		tui_draw_message(t);
		wnoutrefresh(stdscr);
	}
	free(where);
	curs_set(0);
	doupdate();
}

/* The first line from `from` on (round to the top) holding what; -1 when none. */
static long view_find(const struct textview *v, const char *what, size_t from)
{
	for (size_t k = 0; k < v->n; k++) {
		size_t i = (from + k) % v->n;
		if (strstr(v->lines[i], what))
			return (long)i;
	}
	return -1;
}

/* / asks what to look for, n looks again: the line found goes on top. */
static void view_search(struct tui *t, struct textview *v, bool again)
{
	if (!again || !v->found) {
		char *what = tui_prompt(t, _("Search"), _("Find the text:"), v->found ? v->found : "", 80);
		if (!what || !*what) {
			free(what);
			return;
		}
		free(v->found);
		v->found = what;
	}
	long i = view_find(v, v->found, again ? v->top + 1 : v->top);
	if (i < 0) {
		tui_error(t, _("%s is not in the text."), v->found);
		return;
	}
	tui_message_clear(t);
	v->top = (size_t)i < view_last(v) ? (size_t)i : view_last(v);
}

/* Moves the page; false when k is no key of the view's. */
static bool view_scroll(struct textview *v, int k)
{
	size_t last = view_last(v), page = (size_t)v->rows;
	switch (k) {
	case TK_DOWN: v->top += v->top < last; return true;
	case TK_UP: v->top -= v->top > 0; return true;
	case TK_PGDN: case ' ': v->top = v->top + page < last ? v->top + page : last; return true;
	case TK_PGUP: v->top = v->top > page ? v->top - page : 0; return true;
	case TK_HOME: v->top = 0; return true;
	case TK_END: v->top = last; return true;
	default: return false;
	}
}

/* The view's draw for the loop: measured at the current size, then drawn. */
static void textview_draw(struct tui *t, void *ctx)
{
	struct textview *v = ctx;
	view_measure(v);
	if (v->top > view_last(v))
		v->top = view_last(v);
	view_draw(t, v);
}

static enum tui_view_step textview_key(struct tui *t, void *ctx, int k)
{
	struct textview *v = ctx;
	const struct tui_textview *def = v->def;
	if (TK_IS_BACK(k) || (def->popup && (k == TK_ENTER || (size_t)v->rows >= v->n)))
		return TUI_VIEW_CLOSE;
	if (def->key && def->key(def->ctx, t, k))
		;
	else if (view_scroll(v, k))
		;
	else if (k == '/' || k == 'n')
		view_search(t, v, k == 'n');
	else if ((k == TK_F6 || k == TK_F5) && def->print_file)   /* F5: the key printing had before */
		tui_print(t, def->title, def->text, def->print_file);
	return TUI_VIEW_DRAW;
}

void tui_textview_run(struct tui *t, const struct tui_textview *def)
{
	struct textview v = { .def = def };
	struct tui_view view = { .draw = textview_draw, .key = textview_key, .ctx = &v, .popup = def->popup };
	tui_view_run(t, &view);
	if (v.box)
		tui_popup_close(v.box);
	lines_free(&v);
	free(v.found);
	curs_set(1);
}
