/* tui-memo: the box editor of a text of several lines (see tui-memo.h). The lines
 * and the cursor's moves are medit's; this file draws them and reads keys. */
#include "tui-memo.h"

#include <stdlib.h>

#include "i18n.h"
#include "medit.h"
#include "tui-core.h"
#include "util.h"

#define MEMO_KEEP_MS 500   /* the pause after which the text goes to keep() */

struct memo_box {
	WINDOW *win;
	int rows, cols;   /* the text area inside the frame */
	size_t top;       /* the first line shown */
};

/* A box over the screen but its message line and key bar, made again after a
 * resize. */
static void memo_box_open(struct memo_box *b, const char *title)
{
	int h = LINES - 3, w = COLS - 4 < 100 ? COLS - 4 : 100;
	b->win = tui_popup(h, w, title);
	b->rows = h - 3;       /* the frame, and the status line above the bottom edge */
	b->cols = w - 4;
}

/* The status line: where the cursor is, how much is typed, the keys. */
static void memo_status(struct memo_box *b, const struct fedit *e, size_t line, size_t nlines)
{
	char *count = e->max_chars ? xasprintf(_("%zu of at most %zu characters"), e->len, e->max_chars)
				   : xasprintf(_("%zu characters"), e->len);
	char *status = xasprintf(_("line %zu of %zu, %s   F2 done, Esc cancel, Enter new line"),
				 line + 1, nlines, count);
	tui_put(b->win, b->rows + 1, 2, status, b->cols, A_BOLD);
	free(status);
	free(count);
}

/* Draws the lines around the cursor and puts the cursor in place. */
static void memo_draw(struct memo_box *b, const struct fedit *e)
{
	struct medit_layout l;
	medit_layout(e, b->cols, &l);
	int col;
	size_t line = medit_cursor_line(e, &l, &col);
	if (line < b->top)
		b->top = line;
	if (line >= b->top + (size_t)b->rows)
		b->top = line - (size_t)b->rows + 1;
	for (int r = 0; r < b->rows; r++) {
		size_t k = b->top + (size_t)r;
		if (k < l.n)
			tui_put_wcs(b->win, 1 + r, 2, e->text + l.lines[k].start, l.lines[k].len, b->cols, A_NORMAL);
		else
			tui_put(b->win, 1 + r, 2, "", b->cols, A_NORMAL);
	}
	memo_status(b, e, line, l.n);
	wmove(b->win, 1 + (int)(line - b->top), 2 + col);
	medit_layout_free(&l);
	wnoutrefresh(stdscr);   /* the message line below the box */
	wnoutrefresh(b->win);
	doupdate();
}

/* Types c, or says why it cannot be: the text is at its longest. */
static void memo_type(struct tui *t, struct fedit *e, wchar_t c)
{
	if (fedit_insert(e, c))
		return;
	beep();
	if (e->max_chars && e->len >= e->max_chars)
		tui_message(t, _("At most %zu characters."), e->max_chars);
}

/* One key of the editor: a move or a change. True when the text changed. */
static bool memo_key(struct tui *t, struct memo_box *b, struct fedit *e, int k)
{
	size_t before = e->len;
	switch (k) {
	case TK_LEFT: fedit_left(e); break;
	case TK_RIGHT: fedit_right(e); break;
	case TK_UP: medit_up(e, b->cols); break;
	case TK_DOWN: medit_down(e, b->cols); break;
	case TK_HOME: medit_line_home(e, b->cols); break;
	case TK_END: medit_line_end(e, b->cols); break;
	case TK_PGUP: for (int i = 0; i < b->rows; i++) medit_up(e, b->cols); break;
	case TK_PGDN: for (int i = 0; i < b->rows; i++) medit_down(e, b->cols); break;
	case TK_BACKSPACE: fedit_backspace(e); break;
	case TK_DELETE: fedit_delete(e); break;
	case TK_ENTER: memo_type(t, e, L'\n'); break;
	default:
		if (k >= 0x20)
			memo_type(t, e, (wchar_t)k);
	}
	return e->len != before;   /* every change adds or removes a character */
}

/* Esc/F10: true when the text may go (unchanged, or the clerk says so). */
static bool memo_may_cancel(struct tui *t, const struct fedit *e)
{
	return !e->changed || tui_confirm(t, _("Give up what was changed in this text?"), false);
}

/* The editor as a view (tui-core's loop). */
struct memo_view {
	const char *title;
	const struct tui_memo_ops *ops;
	struct fedit e;
	struct memo_box b;
	bool pending;    /* typed since keep() was last told */
	char *result;
};

/* A new size: the box made again to fit. */
static void memo_view_resize(struct tui *t, void *ctx)
{
	(void)t;
	struct memo_view *m = ctx;
	if (m->b.win)
		delwin(m->b.win);
	memo_box_open(&m->b, m->title);
}

static void memo_view_draw(struct tui *t, void *ctx)
{
	(void)t;
	struct memo_view *m = ctx;
	touchwin(m->b.win);
	memo_draw(&m->b, &m->e);
}

static int memo_view_wait(void *ctx)
{
	const struct memo_view *m = ctx;
	return m->pending ? MEMO_KEEP_MS : -1;
}

/* A pause after typing: the text goes to keep(). */
static void memo_pause(struct memo_view *m)
{
	char *v = fedit_value(&m->e);
	if (m->ops && m->ops->keep)
		m->ops->keep(m->ops->ctx, v);
	free(v);
	m->pending = false;
}

static enum tui_view_step memo_view_key(struct tui *t, void *ctx, int k)
{
	struct memo_view *m = ctx;
	if (k == TK_NONE) {
		memo_pause(m);
		return TUI_VIEW_STAY;
	}
	if (k == TK_F2) {
		m->result = fedit_value(&m->e);
		return TUI_VIEW_CLOSE;
	}
	if (k == TK_F1)
		tui_show_text(t, m->title, _("Type the text; Enter starts a new line. The arrows, Home, End, "
					     "PgUp and PgDn move by the lines shown. F2 puts the text back in "
					     "the form (save the form with F2 there), Esc gives up the changes."));
	else if (TK_IS_BACK(k) && memo_may_cancel(t, &m->e))
		return TUI_VIEW_CLOSE;
	else if (!TK_IS_BACK(k) && memo_key(t, &m->b, &m->e, k))
		m->pending = true;
	return TUI_VIEW_DRAW;
}

char *tui_memo_edit(struct tui *t, const char *title, const char *text, size_t max_chars,
		    const struct tui_memo_ops *ops)
{
	struct memo_view m = { .title = title, .ops = ops };
	fedit_init(&m.e, text, max_chars);
	m.e.multiline = true;
	memo_box_open(&m.b, title);
	curs_set(1);
	struct tui_view v = { .draw = memo_view_draw, .key = memo_view_key, .resize = memo_view_resize,
			      .wait = memo_view_wait, .ctx = &m, .popup = true };
	tui_view_run(t, &v);
	/* the screens close (another operator came in): the text goes back to the form,
	 * which keeps it as the draft */
	if (t->quit && !m.result && m.e.changed)
		m.result = fedit_value(&m.e);
	if (m.b.win)
		tui_popup_close(m.b.win);
	fedit_free(&m.e);
	return m.result;
}
