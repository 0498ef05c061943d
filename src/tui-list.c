/* tui-list: the list screen engine (see tui-list.h).
 *
 * The list keeps only one page of rows: the fetch callback is a range scan with a
 * LIMIT, so a page costs the same over a thousand or a million records. The search
 * line is a fedit, so what was typed survives a resize. */
#include "tui-list.h"

#include <stdlib.h>
#include <string.h>

#include "fedit.h"
#include "i18n.h"
#include "rowset.h"
#include "text.h"
#include "util.h"

void tui_rows_add(struct tui_rows *r, int64_t key, char *text)
{
	r->text = xrealloc(r->text, (r->n + 1) * sizeof(*r->text));
	r->key = xrealloc(r->key, (r->n + 1) * sizeof(*r->key));
	r->text[r->n] = text;
	r->key[r->n++] = key;
}

void tui_rows_mark(struct tui_rows *r)
{
	if (r->n == 0)
		return;
	r->strong = xrealloc(r->strong, r->n * sizeof(*r->strong));
	for (size_t i = r->nstrong; i < r->n; i++)
		r->strong[i] = false;
	r->nstrong = r->n;
	r->strong[r->n - 1] = true;
}

void tui_rows_free(struct tui_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->text[i]);
	free(r->text);
	free(r->key);
	free(r->strong);
	memset(r, 0, sizeof(*r));
}

void tui_col(struct strbuf *sb, const char *utf8, int cols)
{
	char *fit = text_fit_ellipsis(utf8 ? utf8 : "", cols);
	sb_append(sb, fit);
	sb_append(sb, " ");
	free(fit);
}

/* Where the list is drawn and what it shows. */
struct list_state {
	const struct tui_list_def *def;
	WINDOW *w;          /* stdscr, or the popup */
	bool popup;
	int y_query, y_header, y_rows, x, cols, rows;
	struct fedit query;
	struct tui_rows page;
	size_t offset, sel;
	bool more;          /* rows beyond this page */
	char *err;
};

/* Computes where things go for the current terminal size. */
static void list_layout(struct list_state *s)
{
	if (s->popup) {
		int h = LINES - 4, w = COLS - 6;
		if (s->w)
			delwin(s->w);
		s->w = tui_popup(h, w, _(s->def->title));
		s->x = 2;
		s->cols = w - 4;
		s->y_query = 1;
		s->y_header = 2;
		s->y_rows = 3;
		s->rows = h - 5;
	} else {
		s->w = stdscr;
		s->x = 0;
		s->cols = COLS;
		s->y_query = 1;
		s->y_header = 2;
		s->y_rows = 3;
		/* above the message line and the key bar, which may take two lines */
		s->rows = LINES - 3 - 1 - tui_keybar_lines(s->def->hints, s->def->nhints);
	}
	if (!s->def->query) {
		s->y_header--;
		s->y_rows--;
		s->rows++;
	}
	if (s->rows < 1)
		s->rows = 1;
}

/* A page of the model's rows as lines (def->rows and def->line). */
static int list_model_rows(const struct tui_list_def *def, const char *query, size_t offset, size_t limit,
			   struct tui_rows *out, char **err)
{
	struct rowset r = { 0 };
	if (def->rows(def->ctx, query, offset, limit, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.n; i++) {
		bool strong = false;
		tui_rows_add(out, rowset_int(&r, i, def->key_col), def->line(def->ctx, &r, i, &strong));
		if (strong)
			tui_rows_mark(out);
	}
	rowset_free(&r);
	return 0;
}

/* A page of a whole list fetched at once: its rows from offset, at most limit. */
static int list_whole_rows(const struct tui_list_def *def, const char *query, size_t offset, size_t limit,
			   struct tui_rows *out, char **err)
{
	struct tui_rows all = { 0 };
	int rc = def->fetch(def->ctx, query, 0, SIZE_MAX, &all, err);
	for (size_t i = offset; rc == 0 && i < all.n && out->n < limit; i++) {
		tui_rows_add(out, all.key[i], all.text[i]);
		if (i < all.nstrong && all.strong[i])
			tui_rows_mark(out);
		all.text[i] = NULL;
	}
	tui_rows_free(&all);
	return rc;
}

/* The page of rows from offset for query, whichever way the list gets them. */
static int list_rows(const struct tui_list_def *def, const char *query, size_t offset, size_t limit,
		     struct tui_rows *out, char **err)
{
	if (def->rows)
		return list_model_rows(def, query, offset, limit, out, err);
	if (def->whole)
		return list_whole_rows(def, query, offset, limit, out, err);
	return def->fetch(def->ctx, query, offset, limit, out, err);
}

/* Fetches the page at s->offset for the current query. */
static void list_fetch(struct list_state *s)
{
	char *q = fedit_value(&s->query);
	tui_rows_free(&s->page);
	free(s->err);
	s->err = NULL;
	if (list_rows(s->def, q, s->offset, (size_t)s->rows + 1, &s->page, &s->err) != 0)
		tui_rows_free(&s->page);
	s->more = s->page.n > (size_t)s->rows;
	if (s->more) {
		free(s->page.text[--s->page.n]);
	}
	if (s->page.n == 0)
		s->sel = 0;
	else if (s->sel >= s->page.n)
		s->sel = s->page.n - 1;
	free(q);
}

/* Draws the rows and the line under them (page position or the error). */
static void list_draw_rows(struct list_state *s)
{
	for (int r = 0; r < s->rows; r++) {
		size_t i = (size_t)r;
		if (i < s->page.n)
			tui_put(s->w, s->y_rows + r, s->x, s->page.text[i], s->cols,
				(i == s->sel ? A_REVERSE : A_NORMAL) |
				(i < s->page.nstrong && s->page.strong[i] ? A_BOLD : A_NORMAL));
		else if (i == 0 && s->page.n == 0)
			tui_put(s->w, s->y_rows + r, s->x, s->err ? s->err : _("(nothing found)"), s->cols, A_NORMAL);
		else
			tui_put(s->w, s->y_rows + r, s->x, "", s->cols, A_NORMAL);
	}
}

/* Draws the search line and leaves the cursor in it. */
static void list_draw_query(struct list_state *s)
{
	if (!s->def->query)
		return;
	const char *label = _(s->def->query_label ? s->def->query_label : N_("Search:"));
	int lw = tui_put(s->w, s->y_query, s->x, label, -1, A_BOLD);
	lw += tui_put(s->w, s->y_query, s->x + lw, " ", 1, A_NORMAL);
	int box = s->cols - lw;
	if (box > 40)
		box = 40;
	size_t n;
	int col;
	fedit_scroll_to_cursor(&s->query, box);
	const wchar_t *vis = fedit_visible(&s->query, box, &n, &col);
	tui_put_wcs(s->w, s->y_query, s->x + lw, vis, n, box, A_UNDERLINE);
	const char *more = s->more || s->offset ? _("PgUp/PgDn: more") : "";
	int rest = s->cols - lw - box - 2;
	if (rest > 0)
		tui_put(s->w, s->y_query, s->x + lw + box + 2, more, rest, A_NORMAL);
	wmove(s->w, s->y_query, s->x + lw + col);
}

/* Draws the whole list screen (on entry, after a popup, after a resize). */
static void list_draw_all(struct tui *t, struct list_state *s)
{
	if (!s->popup) {
		erase();
		tui_title(t, _(s->def->title));
		tui_keybar(t, s->def->hints, s->def->nhints);
		tui_draw_message(t);
	}
	if (s->def->header)
		tui_put(s->w, s->y_header, s->x, s->def->header, s->cols, A_BOLD | A_UNDERLINE);
	list_draw_rows(s);
	list_draw_query(s);
	if (!s->def->query)
		curs_set(0);
	wnoutrefresh(s->w);
	doupdate();
}

/* Refreshes after a change: rows and search line only. */
static void list_flush(struct list_state *s)
{
	list_draw_rows(s);
	list_draw_query(s);
	wnoutrefresh(s->w);
	doupdate();
}

/* Moves the selection; false when the key is not a movement. */
static bool list_move(struct list_state *s, int k)
{
	switch (k) {
	case TK_UP:
		if (s->sel > 0)
			s->sel--;
		else if (s->offset > 0) {
			s->offset--;
			list_fetch(s);
		}
		return true;
	case TK_DOWN:
		if (s->sel + 1 < s->page.n)
			s->sel++;
		else if (s->more) {
			s->offset++;
			list_fetch(s);
			s->sel = s->page.n ? s->page.n - 1 : 0;
		}
		return true;
	case TK_PGDN:
		if (s->more) {
			s->offset += (size_t)s->rows;
			list_fetch(s);
		} else if (s->page.n)
			s->sel = s->page.n - 1;
		return true;
	case TK_PGUP:
		if (s->offset == 0)
			s->sel = 0;
		s->offset = s->offset > (size_t)s->rows ? s->offset - (size_t)s->rows : 0;
		list_fetch(s);
		return true;
	default:
		return false;
	}
}

/* Edits the search line; true when the query changed (the list is fetched again). */
static bool list_edit_query(struct list_state *s, int k)
{
	if (!s->def->query)
		return false;
	bool changed = false;
	switch (k) {
	case TK_BACKSPACE: changed = fedit_backspace(&s->query); break;
	case TK_DELETE: changed = fedit_delete(&s->query); break;
	case TK_LEFT: fedit_left(&s->query); break;
	case TK_RIGHT: fedit_right(&s->query); break;
	case TK_HOME: fedit_home(&s->query); break;
	case TK_END: fedit_end(&s->query); break;
	case 0x15: fedit_clear(&s->query); changed = true; break;
	default:
		if (k < 0x20)
			return false;
		changed = fedit_insert(&s->query, (wchar_t)k);
	}
	if (changed) {
		s->offset = s->sel = 0;
		list_fetch(s);
	}
	return true;
}

/* The list as a view (tui-core's loop): the popup as a picklist, Enter picks. */
struct list_view {
	struct list_state s;
	int64_t *picked;
	bool chose;
};

static void list_view_draw(struct tui *t, void *ctx)
{
	struct list_view *lv = ctx;
	if (lv->s.popup)
		touchwin(lv->s.w);   /* over the screen below, drawn again under it */
	list_draw_all(t, &lv->s);
}

/* A new size: the rows that fit fetched again. */
static void list_view_resize(struct tui *t, void *ctx)
{
	(void)t;
	struct list_view *lv = ctx;
	list_layout(&lv->s);
	list_fetch(&lv->s);
}

static enum tui_view_step list_view_key(struct tui *t, void *ctx, int k)
{
	struct list_view *lv = ctx;
	struct list_state *s = &lv->s;
	if (TK_IS_BACK(k))
		return TUI_VIEW_CLOSE;
	int64_t sel = s->page.n ? s->page.key[s->sel] : -1;
	if (s->popup && k == TK_ENTER) {
		if (sel < 0)
			return TUI_VIEW_STAY;
		*lv->picked = sel;
		lv->chose = true;
		return TUI_VIEW_CLOSE;
	}
	if (list_move(s, k) || list_edit_query(s, k)) {
		list_flush(s);
		return TUI_VIEW_STAY;
	}
	if (!s->def->on_key)
		return TUI_VIEW_STAY;
	enum tui_list_action a = s->def->on_key(s->def->ctx, t, k, sel);
	if (a == TUI_LIST_CLOSE)
		return TUI_VIEW_CLOSE;
	if (a == TUI_LIST_RELOAD)
		list_fetch(s);
	list_layout(s);
	return TUI_VIEW_DRAW;
}

/* Both the full-screen list and the picklist. */
static bool list_show(struct tui *t, const struct tui_list_def *def, const char *initial,
		      bool popup, int64_t *picked)
{
	struct list_view lv = { .s = { .def = def, .popup = popup }, .picked = picked };
	struct list_state *s = &lv.s;
	fedit_init(&s->query, initial, 60);
	if (!popup)
		tui_screen_change(t);
	struct tui_view v = { .draw = list_view_draw, .key = list_view_key, .resize = list_view_resize,
			      .ctx = &lv, .popup = popup };
	tui_view_run(t, &v);
	tui_rows_free(&s->page);
	fedit_free(&s->query);
	free(s->err);
	if (popup) {
		if (s->w)
			tui_popup_close(s->w);
	} else {
		tui_screen_leave(t);
	}
	curs_set(1);
	return lv.chose;
}

void tui_list_run(struct tui *t, const struct tui_list_def *def, const char *initial_query)
{
	list_show(t, def, initial_query, false, NULL);
}

bool tui_list_pick(struct tui *t, const struct tui_list_def *def, const char *initial_query,
		   int64_t *key)
{
	return list_show(t, def, initial_query, true, key);
}
