/* tui-core: terminal set-up, keys, the chrome lines and small dialogs (see tui-core.h).
 *
 * Everything is drawn with the wide-character calls (mvwaddnwstr, get_wch), so
 * ncursesw converts to and from the terminal's encoding (UTF-8 or GBK) and no byte
 * ever reaches the screen unconverted. Screens draw into stdscr and popups and flush
 * with wnoutrefresh + doupdate: ncurses then sends only the cells that changed. */
#include "tui-core.h"

#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <term.h>
/* term.h names every capability as a macro; only setupterm is wanted here */
#undef lines
#undef columns

#include "app.h"
#include "auth.h"
#include "fedit.h"
#include "i18n.h"
#include "pathcomp.h"
#include "text.h"
#include "tui-textview.h"
#include "util.h"

/* How long a digit may follow Esc to count as an F-key (Midnight Commander's
 * fallback): a whole second, as clerks on a slow link type slowly; a plain Esc goes
 * back when it has passed, a second Esc or another key at once. */
#define TUI_ESC_DIGIT_MS 1000
/* How long ncurses waits for the rest of an escape sequence. */
#define TUI_ESCDELAY_MS 30
/* How long each further byte of a sequence ncurses gave up on may take (a slow link
 * splits it), and its longest length, Esc included. */
#define TUI_SEQ_BYTE_MS 300
#define TUI_SEQ_MAX 16
/* The description used when terminfo does not know $TERM. vt100, not xterm: every
 * terminal a clerk may sit at (PuTTY, xterm, the Linux console, a real VT100 on a
 * serial line) draws vt100's sequences right, while xterm's would print garbage on a
 * simple one; the program uses no colours, and PuTTY's and xterm's keys are
 * recognised whatever TERM says (common_keys). */
#define TUI_FALLBACK_TERM "vt100"

/* The keys PuTTY, xterm, rxvt and the Linux console send, recognised whatever TERM
 * says: with TERM=vt100 (or a terminfo that lacks them) xterm's F5-F10 would
 * otherwise arrive as Esc and characters. Not vt100's own F5-F10 (ESC O t...): in
 * PuTTY those are the keypad's digits. */
static const struct {
	const char *seq;
	int key;
} common_keys[] = {
	{ "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) },          /* xterm, vt100 */
	{ "\033OR", KEY_F(3) }, { "\033OS", KEY_F(4) },
	{ "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) },      /* PuTTY, rxvt, vt220 */
	{ "\033[13~", KEY_F(3) }, { "\033[14~", KEY_F(4) },
	{ "\033[[A", KEY_F(1) }, { "\033[[B", KEY_F(2) },        /* Linux console */
	{ "\033[[C", KEY_F(3) }, { "\033[[D", KEY_F(4) },
	{ "\033[[E", KEY_F(5) },
	{ "\033[15~", KEY_F(5) }, { "\033[17~", KEY_F(6) },      /* all of them */
	{ "\033[18~", KEY_F(7) }, { "\033[19~", KEY_F(8) },
	{ "\033[20~", KEY_F(9) }, { "\033[21~", KEY_F(10) },
	{ "\033[23~", KEY_F(11) }, { "\033[24~", KEY_F(12) },
	{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },         /* PuTTY, Linux console */
	{ "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },         /* rxvt */
	{ "\033[H", KEY_HOME }, { "\033[F", KEY_END },           /* xterm */
	{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
	{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN },            /* cursor keys, both modes */
	{ "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
	{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN },
	{ "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
	{ "\033[2~", KEY_IC }, { "\033[3~", KEY_DC },
	{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
	{ "\033[Z", KEY_BTAB },
};

/* Whether terminfo describes term. Asked of setupterm, not of a failing newterm,
 * which leaks the screen it began. */
static bool tui_term_known(const char *term)
{
	int err;
	if (!term || !*term || setupterm(term, fileno(stdout), &err) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}

/* Starts curses on $TERM, else (terminfo does not know it) on TUI_FALLBACK_TERM with
 * a warning on the message line: a clerk with an unusual TERM still gets to work. */
static bool tui_open_terminal(struct tui *t)
{
	const char *term = getenv("TERM");
	if (tui_term_known(term))
		return newterm(NULL, stdout, stdin) != NULL;
	if (!newterm(TUI_FALLBACK_TERM, stdout, stdin))
		return false;
	if (term && *term)
		tui_message(t, _("Unknown terminal type \"%s\": working as a vt100 (set TERM=xterm or putty)."),
			    term);
	else
		tui_message(t, "%s", _("TERM is not set: working as a vt100 (set TERM=xterm or putty)."));
	return true;
}

bool tui_core_start(struct tui *t, struct app *app, char **err)
{
	memset(t, 0, sizeof(*t));
	t->app = app;
	t->held_fd = -1;
	set_escdelay(TUI_ESCDELAY_MS);
	if (!tui_open_terminal(t)) {
		*err = xstrdup(_("cannot start the full-screen interface on this terminal (is TERM set?)"));
		return false;
	}
	set_escdelay(TUI_ESCDELAY_MS);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	for (size_t i = 0; i < ARRAY_LEN(common_keys); i++)
		define_key(common_keys[i].seq, common_keys[i].key);
	return true;
}

void tui_output_hold(struct tui *t)
{
	if (t->held_fd >= 0)
		return;
	fflush(stdout);
	int saved = dup(STDOUT_FILENO), nowhere = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && nowhere >= 0 && dup2(nowhere, STDOUT_FILENO) >= 0) {
		t->held_fd = saved;
		saved = -1;
	}
	if (saved >= 0)
		close(saved);
	if (nowhere >= 0)
		close(nowhere);
}

void tui_output_release(struct tui *t)
{
	if (t->held_fd < 0)
		return;
	fflush(stdout);
	dup2(t->held_fd, STDOUT_FILENO);
	close(t->held_fd);
	t->held_fd = -1;
	clearok(curscr, TRUE);   /* the terminal still shows what was there before the hold */
}

void tui_core_stop(struct tui *t)
{
	tui_output_release(t);
	endwin();
	free(t->message);
	t->message = NULL;
}

/* Maps a curses function key to our key codes. */
static int tui_map_curses_key(wint_t k)
{
	switch (k) {
	case KEY_ENTER: return TK_ENTER;
	case KEY_BACKSPACE: return TK_BACKSPACE;
	default: return TK((int)k);
	}
}

/* Maps a typed character: Enter, Tab, Backspace and Esc have their own codes. */
static int tui_map_char(wint_t c)
{
	switch (c) {
	case L'\r': case L'\n': return TK_ENTER;
	case L'\t': return TK_TAB;
	case 0x7F: case 0x08: return TK_BACKSPACE;
	case 0x1B: return TK_ESC;
	default: return (int)c;
	}
}

/* Reads the next byte of an escape sequence, or 0 when none comes in time or it
 * cannot belong to one. */
static char tui_seq_byte(void)
{
	int c;
	timeout(TUI_SEQ_BYTE_MS);
	c = getch();
	timeout(-1);
	if (c > 0 && c < 0x80)
		return (char)c;
	if (c != ERR)
		ungetch(c);             /* a key or a Chinese character's byte: read it again */
	return 0;
}

/* The rest of a sequence ncurses gave up on (Esc and lead, '[' or 'O', already read):
 * parameters up to the final byte, or the Linux console's "[[" and one letter. Its
 * key when ncurses knows it (terminfo or common_keys); TK_NONE for one it does not,
 * which is dropped rather than taken as Esc and characters. */
static int tui_finish_sequence(char lead)
{
	char seq[TUI_SEQ_MAX + 1] = { 0x1B, lead };
	size_t n = 2;
	char c;
	do {
		c = tui_seq_byte();
		if (!c) {
			/* not a sequence after all: Esc, and the rest read again */
			while (n > 1)
				ungetch((unsigned char)seq[--n]);
			return TK_ESC;
		}
		seq[n++] = c;
	} while (n < TUI_SEQ_MAX && ((c >= 0x20 && c <= 0x3F) || (n == 3 && lead == '[' && c == '[')));
	seq[n] = 0;
	int key = key_defined(seq);
	return key > 0 ? tui_map_curses_key((wint_t)key) : TK_NONE;
}

/* After Esc: a digit within TUI_ESC_DIGIT_MS makes an F-key; '[' or 'O' begins a
 * sequence split on a slow link; anything else is read again later. */
static int tui_after_esc(void)
{
	wint_t c;
	timeout(TUI_ESC_DIGIT_MS);
	int r = get_wch(&c);
	timeout(-1);
	if (r == OK && c >= L'0' && c <= L'9')
		return c == L'0' ? TK_F10 : TK(KEY_F(c - L'0'));
	if (r == OK && c == 0x1B)
		return TK_ESC;
	if (r == OK && (c == L'[' || c == L'O'))
		return tui_finish_sequence((char)c);
	if (r == OK)
		unget_wch((wchar_t)c);
	else if (r == KEY_CODE_YES)
		ungetch((int)c);
	return TK_ESC;
}

/* Waits for one key and decodes it (tui_getkey). After the idle lock gave the screen
 * back, redraw says so with TK_RESIZE: the view loop then draws everything again at
 * the terminal's size of now, which may have changed while it was locked. */
static int tui_wait_key(struct tui *t, int timeout_ms, bool redraw)
{
	wint_t c;
	int r;
	bool idle_watch = timeout_ms < 0 && t && t->idle_lock && t->idle_ms > 0 && !t->locked;
	for (;;) {
		if (t && t->quit)
			return TK_ESC;   /* leaving, or another operator came in: back out */
		timeout(idle_watch ? t->idle_ms : timeout_ms);
		r = get_wch(&c);
		if (r != ERR || !idle_watch)
			break;
		t->locked = true;
		t->idle_lock(t);
		t->locked = false;
		if (redraw && !t->quit) {
			timeout(-1);
			return TK_RESIZE;
		}
	}
	timeout(-1);
	if (r == ERR)
		return TK_NONE;
	if (t && !(r == KEY_CODE_YES && c == KEY_RESIZE))
		t->message_fresh = false;   /* the clerk has moved on from it */
	if (r == KEY_CODE_YES)
		return tui_map_curses_key(c);
	int k = tui_map_char(c);
	if (k != TK_ESC)
		return k;
	k = tui_after_esc();
	/* an unknown key's sequence is dropped: wait for the next key */
	return k == TK_NONE ? tui_wait_key(t, timeout_ms, redraw) : k;
}

int tui_getkey(struct tui *t, int timeout_ms)
{
	return tui_wait_key(t, timeout_ms, false);
}

bool tui_size_ok(struct tui *t)
{
	(void)t;
	if (COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES)
		return true;
	erase();
	char *msg = xasprintf(_("The terminal is %dx%d; shanzhi needs at least %dx%d. Please enlarge the window."),
			      COLS, LINES, TUI_MIN_COLS, TUI_MIN_LINES);
	char **lines;
	size_t n = tui_wrap(msg, COLS > 2 ? COLS - 1 : 1, &lines);
	for (size_t i = 0; i < n; i++) {
		if ((int)i < LINES)
			tui_put(stdscr, (int)i, 0, lines[i], -1, A_BOLD);
		free(lines[i]);
	}
	free(lines);
	free(msg);
	wnoutrefresh(stdscr);
	doupdate();
	return false;
}

/* Whether the terminal's encoding can show c (GBK cannot show every character). */
static bool tui_showable(wchar_t c)
{
	char buf[MB_LEN_MAX];
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	return wcrtomb(buf, c, &ps) != (size_t)-1;
}

int tui_put_wcs(WINDOW *w, int y, int x, const wchar_t *ws, size_t n, int cols, attr_t attr)
{
	int maxx = getmaxx(w), limit = cols < 0 ? maxx - x : cols, used = 0;
	if (x + limit > maxx)
		limit = maxx - x;
	if (limit <= 0 || y < 0 || y >= getmaxy(w))
		return 0;
	wattr_on(w, attr, NULL);
	wmove(w, y, x);
	for (size_t i = 0; i < n; i++) {
		wchar_t c = ws[i];
		int cw = text_char_width(c);
		if (used + cw > limit)
			break;
		if (cw == 0)
			continue;  /* a combining mark alone cannot be placed safely */
		if (c == L'\n') {
			waddnwstr(w, L" ", 1);   /* a text of several lines shown on one */
		} else if (c < 0x20 || (c >= 0x7F && c < 0xA0) || wcwidth(c) < 0 || !tui_showable(c)) {
			for (int k = 0; k < cw; k++)
				waddnwstr(w, L"?", 1);
		} else {
			waddnwstr(w, &c, 1);
		}
		used += cw;
	}
	if (cols >= 0)
		for (; used < limit; used++)
			waddnwstr(w, L" ", 1);
	wattr_off(w, attr, NULL);
	return used;
}

int tui_put(WINDOW *w, int y, int x, const char *utf8, int cols, attr_t attr)
{
	int maxx = getmaxx(w), limit = cols < 0 || x + cols > maxx ? maxx - x : cols;
	char *fit = NULL;
	size_t n;

	/* text cut at the edge ends in an ellipsis, the one way every screen shows a cut;
	 * the line breaks of a text shown on one line become spaces first, as uncut */
	if (limit > 0 && text_width(utf8 ? utf8 : "") > limit) {
		char *flat = xstrdup(utf8);
		for (char *c = flat; (c = strchr(c, '\n'));)
			*c = ' ';
		fit = text_fit_ellipsis(flat, limit);
		free(flat);
	}
	wchar_t *ws = text_to_wcs(fit ? fit : utf8 ? utf8 : "", &n);
	int used = tui_put_wcs(w, y, x, ws, n, cols, attr);
	free(ws);
	free(fit);
	return used;
}

void tui_title(struct tui *t, const char *title)
{
	if (t) {
		t->screen_left = false;   /* a whole screen is being drawn */
		t->bar_lines = 1;         /* until its key bar says otherwise */
	}
	char *line = xasprintf(" %s  %s", _("Shanzhi village register"), title);
	/* who is signed in, at the right end: a shared screen shows whose work it is */
	char *name = t && t->app && t->app->st ? auth_current_name(t->app->st) : NULL;
	char *label = name ? xasprintf(_("Operator: %s"), name) : NULL;
	char *who = label ? xasprintf("%s ", label) : NULL;
	free(label);
	int right = who ? text_width(who) : 0;
	if (right > COLS / 2)
		right = 0;
	tui_put(stdscr, 0, 0, line, COLS - right, A_REVERSE);
	if (right)
		tui_put(stdscr, 0, COLS - right, who, right, A_REVERSE);
	free(who);
	free(name);
	free(line);
}

/* Where one entry of the key bar goes: its line (0 the upper), column and the columns
 * its label may take. */
struct bar_slot {
	int line, x, label_cols;
};

/* Lays the entries out in lines of cols columns, gap columns between a key and its
 * label, labels cut to label_max columns (< 0: whole); returns the lines it takes. */
static int bar_layout(const struct tui_hint *hints, size_t n, int cols, int gap, int label_max,
		      struct bar_slot *out)
{
	int line = 0, x = 0;
	for (size_t i = 0; i < n; i++) {
		int lw = text_width(_(hints[i].label));
		if (label_max >= 0 && lw > label_max)
			lw = label_max;
		int need = text_width(hints[i].key) + gap + lw;
		if (x > 0 && x + need > cols) {
			line++;
			x = 0;
		}
		if (out)
			out[i] = (struct bar_slot){ line, x, lw };
		x += need + 1;
	}
	return line + 1;
}

/* The bar's plan at the current width: one line, else one with key and label closed
 * up (bold and reverse video still tell them apart), else two lines, else two with
 * the labels cut alike until every key shows. Returns the gap; *lines the lines;
 * out (may be NULL) the slots. */
static int bar_plan(const struct tui_hint *hints, size_t n, struct bar_slot *out, int *lines)
{
	static const struct { int lines, gap; } tries[] = { { 1, 1 }, { 1, 0 }, { 2, 1 }, { 2, 0 } };
	for (size_t i = 0; i < ARRAY_LEN(tries); i++) {
		if (bar_layout(hints, n, COLS, tries[i].gap, -1, NULL) <= tries[i].lines) {
			*lines = bar_layout(hints, n, COLS, tries[i].gap, -1, out);
			return tries[i].gap;
		}
	}
	int cut = COLS;
	while (cut > 1 && bar_layout(hints, n, COLS, 0, cut, NULL) > 2)
		cut--;
	*lines = bar_layout(hints, n, COLS, 0, cut, out);
	return 0;
}

int tui_keybar_lines(const struct tui_hint *hints, size_t n)
{
	int lines;
	bar_plan(hints, n, NULL, &lines);   /* only the count: no slots to place */
	return lines;
}

int tui_message_row(const struct tui *t)
{
	return LINES - 1 - (t && t->bar_lines > 1 ? t->bar_lines : 1);
}

void tui_keybar(struct tui *t, const struct tui_hint *hints, size_t n)
{
	struct bar_slot *slots = xcalloc(n ? n : 1, sizeof(*slots));
	int lines, gap = bar_plan(hints, n, slots, &lines), top = LINES - lines;
	if (t)
		t->bar_lines = lines;
	for (int y = top; y < LINES; y++) {
		wmove(stdscr, y, 0);
		wclrtoeol(stdscr);
	}
	for (size_t i = 0; i < n; i++) {
		int y = top + slots[i].line, x = slots[i].x;
		x += tui_put(stdscr, y, x, hints[i].key, -1, A_BOLD);
		x += gap ? tui_put(stdscr, y, x, " ", 1, A_NORMAL) : 0;
		tui_put(stdscr, y, x, _(hints[i].label), slots[i].label_cols, A_REVERSE);
	}
	free(slots);
}

void tui_draw_message(struct tui *t)
{
	tui_put(stdscr, tui_message_row(t), 0, t->message ? t->message : "", COLS,
		t->message_error ? A_BOLD : A_NORMAL);
}

/* Stores and draws the message line. */
static void tui_set_message(struct tui *t, bool error, const char *fmt, va_list ap)
{
	free(t->message);
	t->message = xvasprintf(fmt, ap);
	t->message_error = error;
	t->message_fresh = true;
	tui_draw_message(t);
}

void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tui_set_message(t, false, fmt, ap);
	va_end(ap);
}

void tui_error(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tui_set_message(t, true, fmt, ap);
	va_end(ap);
	beep();
	/* a refusal wider than the message line (a long path, a damaged file's row and
	 * cell) is shown whole once: the line would cut off its end */
	if (text_width(t->message) > COLS) {
		wnoutrefresh(stdscr);
		tui_show_text(t, _("Not done"), t->message);
	}
}

void tui_message_clear(struct tui *t)
{
	free(t->message);
	t->message = NULL;
	t->message_error = false;
	tui_draw_message(t);
}

void tui_screen_change(struct tui *t)
{
	if (t->message && !t->message_fresh)
		tui_message_clear(t);
}

void tui_screen_leave(struct tui *t)
{
	tui_screen_change(t);
	t->screen_left = true;
}

/* Puts an open screen or box on the stack of grounds. */
static void ground_push(struct tui *t, void (*draw)(struct tui *t, void *ctx), void *ctx, bool popup)
{
	if (t->ngrounds < TUI_GROUNDS_MAX)
		t->grounds[t->ngrounds] = (struct tui_ground){ draw, ctx, popup };
	t->ngrounds++;
}

void tui_ground_push(struct tui *t, void (*draw)(struct tui *t, void *ctx), void *ctx)
{
	ground_push(t, draw, ctx, false);
}

void tui_ground_pop(struct tui *t)
{
	if (t->ngrounds > 0)
		t->ngrounds--;
}

/* Draws the grounds from the last whole screen among the first top up to top; a
 * blank screen with the message line when no whole screen is open. */
static void grounds_draw(struct tui *t, size_t top)
{
	if (top > TUI_GROUNDS_MAX)
		top = TUI_GROUNDS_MAX;   /* those past the array draw nothing */
	size_t base = top;
	while (base > 0 && t->grounds[base - 1].popup)
		base--;
	if (base == 0) {
		erase();
		tui_draw_message(t);
		wnoutrefresh(stdscr);
	} else {
		base--;
	}
	for (size_t i = base; i < top; i++)
		t->grounds[i].draw(t, t->grounds[i].ctx);
}

void tui_dialog_ground(struct tui *t)
{
	if (!t || !t->screen_left)
		return;
	t->screen_left = false;
	grounds_draw(t, t->ngrounds);
	wnoutrefresh(stdscr);
}

void tui_view_redraw(struct tui *t)
{
	if (!tui_size_ok(t))
		return;
	grounds_draw(t, t->ngrounds);
	doupdate();
}

/* The view's key after the loop's own: a resize, or the screen given back by the
 * idle lock, lays out and draws again; while the terminal is too small only F10/Esc
 * reach the view (going back), the other keys wait. */
static enum tui_view_step view_step(struct tui *t, const struct tui_view *v, int k)
{
	if (k == TK_RESIZE) {
		if (tui_size_ok(t)) {
			if (v->resize)
				v->resize(t, v->ctx);
			tui_view_redraw(t);
		}
		return TUI_VIEW_STAY;
	}
	if (!TK_IS_BACK(k) && !tui_size_ok(t))
		return TUI_VIEW_STAY;
	enum tui_view_step step = v->key(t, v->ctx, k);
	if (step == TUI_VIEW_CLOSE || t->quit || !tui_size_ok(t))
		return step;
	if (t->screen_left) {
		tui_view_redraw(t);   /* a screen opened from this one was left: all as it was */
	} else if (step == TUI_VIEW_DRAW) {
		v->draw(t, v->ctx);
		doupdate();
	}
	return step;
}

void tui_view_run(struct tui *t, const struct tui_view *v)
{
	if (v->popup)
		tui_dialog_ground(t);   /* over the screen below, not a closed one's remains */
	ground_push(t, v->draw, v->ctx, v->popup);
	t->screen_left = false;
	if (tui_size_ok(t)) {
		if (v->resize)
			v->resize(t, v->ctx);
		v->draw(t, v->ctx);
		doupdate();
	}
	while (!t->quit) {
		int k = tui_wait_key(t, v->wait ? v->wait(v->ctx) : -1, true);
		if (t->quit || view_step(t, v, k) == TUI_VIEW_CLOSE)
			break;
	}
	tui_ground_pop(t);
	if (v->free)
		v->free(v->ctx);
}

/* Punctuation a line must not begin with (the usual rule of Chinese typesetting). */
static bool tui_no_line_start(wchar_t c)
{
	return c && wcschr(L"，。、；：？！）》」』】〉”’…,.;:?!)%", c) != NULL;
}

/* Whether Chinese text may break before ws[i] (i > 0): next to a wide character,
 * not after a space (that break is the space's) nor before a closing mark. */
static bool may_break_cjk(const wchar_t *ws, size_t i)
{
	bool wide = text_char_width(ws[i]) == 2 || text_char_width(ws[i - 1]) == 2;
	return wide && ws[i] != L' ' && ws[i - 1] != L' ' && !tui_no_line_start(ws[i]);
}

size_t tui_wrap(const char *utf8, int cols, char ***out)
{
	size_t n, count = 0, start = 0;
	wchar_t *ws = text_to_wcs(utf8 ? utf8 : "", &n);
	char **lines = NULL;
	if (cols < 1)
		cols = 1;
	while (start < n || count == 0) {
		size_t end = start, space = 0, cjk = 0;
		int used = 0, space_at = 0;
		while (end < n && ws[end] != L'\n') {
			int w = text_char_width(ws[end]);
			if (used + w > cols)
				break;
			if (ws[end] == L' ') {
				space = end;
				space_at = used;
			} else if (end > start && may_break_cjk(ws, end)) {
				cjk = end;
			}
			used += w;
			end++;
		}
		/* a line breaks at its last space (English, or a table's columns), unless that
		 * leaves it less than half full and Chinese may break later ("第 3 行：..."):
		 * CJK breaks anywhere but before a closing mark, which takes the character
		 * before it along */
		bool over = end < n && ws[end] != L'\n' && ws[end] != L' ';
		if (over && may_break_cjk(ws, end) && (space <= start || space_at < cols / 2))
			;   /* right here, between two Chinese characters */
		else if (over && space > start && (space_at >= cols / 2 || cjk <= start))
			end = space;
		else if (over && cjk > start)
			end = cjk;
		else
			while (end < n && end > start + 1 && tui_no_line_start(ws[end]))
				end--;
		lines = xrealloc(lines, (count + 1) * sizeof(*lines));
		lines[count++] = text_from_wcs(ws + start, end - start);
		if (end < n && (ws[end] == L'\n' || ws[end] == L' '))
			end++;
		if (end == start && end < n)
			end++;  /* a character wider than the box: skip it rather than loop */
		start = end;
		if (start >= n)
			break;
	}
	free(ws);
	*out = lines;
	return count;
}

WINDOW *tui_popup(int h, int w, const char *title)
{
	if (h > LINES)
		h = LINES;
	if (w > COLS)
		w = COLS;
	WINDOW *p = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	keypad(p, TRUE);
	/* ASCII frame: box-drawing characters are ambiguous-width in GBK terminals */
	wborder(p, '|', '|', '-', '-', '+', '+', '+', '+');
	if (title && *title) {
		int tw = text_width(title);
		int x = tw + 2 < w ? (w - tw - 2) / 2 : 1;
		tui_put(p, 0, x, " ", 1, A_NORMAL);
		int room = w - x - 2 > 0 ? w - x - 2 : 0;
		/* as wide as the title: a padded title would blank the frame after it */
		tui_put(p, 0, x + 1, title, tw < room ? tw : room, A_BOLD);
		if (x + 1 + tw < w - 1)
			tui_put(p, 0, x + 1 + tw, " ", 1, A_NORMAL);
	}
	return p;
}

void tui_popup_close(WINDOW *p)
{
	delwin(p);
	touchwin(stdscr);
	wnoutrefresh(stdscr);
}

void tui_show_text(struct tui *t, const char *title, const char *text)
{
	struct tui_textview v = { .title = title, .text = text, .popup = true };
	tui_textview_run(t, &v);
}

/* A popup made again at the current size in place of p: drawn over it, not over the
 * screen below again, which would wipe a box under it (a confirm over the text box). */
static WINDOW *popup_again(WINDOW *p, int h, int w, const char *title)
{
	if (p)
		delwin(p);
	return tui_popup(h, w, title);
}

/* A yes/no question in its box (tui_confirm). */
struct confirm_view {
	const char *question;
	bool default_yes, answer;
	WINDOW *p;
};

static void confirm_draw(struct tui *t, void *ctx)
{
	(void)t;
	struct confirm_view *c = ctx;
	char **lines;
	int w = COLS - 10 < 64 ? COLS - 10 : 64;
	size_t n = tui_wrap(c->question, w - 4, &lines);
	int h = (int)n + 4;
	c->p = popup_again(c->p, h, w, _("Please confirm"));
	for (size_t i = 0; i < n; i++) {
		tui_put(c->p, 1 + (int)i, 2, lines[i], w - 4, A_NORMAL);
		free(lines[i]);
	}
	free(lines);
	tui_put(c->p, h - 2, 2, c->default_yes ? _("y = yes (Enter), n = no") : _("y = yes, n = no (Enter)"),
		w - 4, A_BOLD);
	curs_set(0);
	wnoutrefresh(c->p);
	doupdate();
}

static enum tui_view_step confirm_key(struct tui *t, void *ctx, int k)
{
	(void)t;
	struct confirm_view *c = ctx;
	if (k == 'y' || k == 'Y' || k == L'是')
		c->answer = true;
	else if (k == TK_ENTER)
		c->answer = c->default_yes;
	else if (!(k == 'n' || k == 'N' || k == L'否' || TK_IS_BACK(k)))
		return TUI_VIEW_STAY;
	return TUI_VIEW_CLOSE;
}

bool tui_confirm(struct tui *t, const char *question, bool default_yes)
{
	struct confirm_view c = { .question = question, .default_yes = default_yes };
	struct tui_view v = { .draw = confirm_draw, .key = confirm_key, .ctx = &c, .popup = true };
	tui_view_run(t, &v);
	curs_set(1);
	if (c.p)
		tui_popup_close(c.p);
	return c.answer;
}

/* Tab in a file prompt: completes the name as far as the folder's entries agree; when
 * that adds nothing, says how many fit, and a second Tab lists them on the message
 * line. */
static void prompt_complete(struct tui *t, struct fedit *e, bool again)
{
	char *typed = fedit_value(e);
	struct pathcomp pc;
	size_t n = pathcomp_complete(typed, &pc);
	if (n == 0) {
		beep();
		tui_message(t, "%s", _("No file or folder starts with that name."));
	} else if (strcmp(pc.completed, typed) != 0) {
		fedit_set(e, pc.completed);
		tui_message_clear(t);
		tui_draw_message(t);
	} else if (again) {
		char *line = pathcomp_list(&pc, COLS - 1);
		tui_message(t, "%s", line);
		free(line);
	} else {
		beep();
		tui_message(t, _("%zu names fit: Tab again lists them."), n);
	}
	wnoutrefresh(stdscr);
	pathcomp_free(&pc);
	free(typed);
}

enum tui_edit tui_edit_key(struct fedit *e, int k)
{
	switch (k) {
	case TK_LEFT: fedit_left(e); break;
	case TK_RIGHT: fedit_right(e); break;
	case TK_HOME: fedit_home(e); break;
	case TK_END: fedit_end(e); break;
	case TK_BACKSPACE: fedit_backspace(e); break;
	case TK_DELETE: fedit_delete(e); break;
	case 0x0B: fedit_kill_to_end(e); break;
	case 0x15: fedit_clear(e); break;
	default:
		if (k < 0x20)
			return TUI_EDIT_NONE;
		return fedit_insert(e, (wchar_t)k) ? TUI_EDIT_DONE : TUI_EDIT_REFUSED;
	}
	return TUI_EDIT_DONE;
}

/* A prompt in its box (tui_prompt and its kin): the label, the line typed, the reason
 * the last value was refused (wrapped, bold) and the keys. */
struct prompt_view {
	const char *title, *label;
	size_t max_chars;
	tui_prompt_check check;
	void *check_ctx;
	bool paths;          /* Tab completes a file name */
	struct fedit e;
	char *refusal;       /* why the last value was not taken, or NULL */
	char *result;
	int last;            /* the key before, for a second Tab */
	WINDOW *p;
};

static void prompt_draw(struct tui *t, void *ctx)
{
	(void)t;
	struct prompt_view *pv = ctx;
	int w = COLS - 10 < 64 ? COLS - 10 : 64, box = w - 4;
	char **lines = NULL;
	size_t n = pv->refusal ? tui_wrap(pv->refusal, box, &lines) : 0;
	int h = 6 + (int)n;
	pv->p = popup_again(pv->p, h, w, pv->title);
	tui_put(pv->p, 1, 2, pv->label, box, A_NORMAL);
	for (size_t i = 0; i < n; i++) {
		tui_put(pv->p, 3 + (int)i, 2, lines[i], box, A_BOLD);
		free(lines[i]);
	}
	free(lines);
	tui_put(pv->p, h - 2, 2, pv->paths ? _("Enter = done, Tab = complete, Esc = cancel")
					    : _("Enter = done, Esc = cancel"), box, A_NORMAL);
	size_t len;
	int col;
	fedit_scroll_to_cursor(&pv->e, box);
	const wchar_t *vis = fedit_visible(&pv->e, box, &len, &col);
	tui_put_wcs(pv->p, 2, 2, vis, len, box, A_UNDERLINE);
	wmove(pv->p, 2, 2 + col);
	curs_set(1);
	wnoutrefresh(pv->p);
	doupdate();
}

/* Sets the reason shown inside the box (NULL: none). */
static void prompt_refuse(struct prompt_view *pv, char *why)
{
	free(pv->refusal);
	pv->refusal = why;
}

/* Enter: the value given once check accepts it; refused, the dialog stays with what
 * was typed and why not. */
static enum tui_view_step prompt_enter(struct prompt_view *pv)
{
	char *value = fedit_value(&pv->e);
	char *refusal = pv->check ? pv->check(pv->check_ctx, value) : NULL;
	if (!refusal) {
		pv->result = value;
		return TUI_VIEW_CLOSE;
	}
	free(value);
	prompt_refuse(pv, refusal);
	beep();
	return TUI_VIEW_STAY;
}

static enum tui_view_step prompt_key(struct tui *t, void *ctx, int k)
{
	struct prompt_view *pv = ctx;
	if (k == TK_ENTER && prompt_enter(pv) == TUI_VIEW_CLOSE)
		return TUI_VIEW_CLOSE;
	if (TK_IS_BACK(k))
		return TUI_VIEW_CLOSE;
	bool again = pv->last == TK_TAB;
	pv->last = k;
	if (k == TK_TAB) {
		if (pv->paths)
			prompt_complete(t, &pv->e, again);
	} else if (k != TK_ENTER) {
		enum tui_edit r = tui_edit_key(&pv->e, k);
		/* past the limit: said inside the box, so that a name typed or pasted longer
		 * than the field is never cut without a word */
		if (r == TUI_EDIT_REFUSED && pv->max_chars && pv->e.len >= pv->max_chars)
			prompt_refuse(pv, xasprintf(_("At most %zu characters: what is typed beyond them is not taken."),
						    pv->max_chars));
		if (r == TUI_EDIT_REFUSED || (r == TUI_EDIT_NONE && k >= 0))
			beep();
	}
	return TUI_VIEW_DRAW;
}

/* The one prompt: Enter gives the value once check (may be NULL) accepts it, a refused
 * value stays with the reason inside the box; with paths, Tab completes a file name. */
static char *prompt_run(struct tui *t, const char *title, const char *label, const char *initial,
			size_t max_chars, tui_prompt_check check, void *ctx, bool paths)
{
	struct prompt_view pv = { .title = title, .label = label, .max_chars = max_chars, .check = check,
				  .check_ctx = ctx, .paths = paths };
	fedit_init(&pv.e, initial, max_chars);
	struct tui_view v = { .draw = prompt_draw, .key = prompt_key, .ctx = &pv, .popup = true };
	tui_view_run(t, &v);
	fedit_free(&pv.e);
	free(pv.refusal);
	if (pv.p)
		tui_popup_close(pv.p);
	return pv.result;
}

char *tui_prompt_checked(struct tui *t, const char *title, const char *label, const char *initial,
			 size_t max_chars, tui_prompt_check check, void *ctx)
{
	return prompt_run(t, title, label, initial, max_chars, check, ctx, false);
}

char *tui_prompt(struct tui *t, const char *title, const char *label, const char *initial,
		 size_t max_chars)
{
	return prompt_run(t, title, label, initial, max_chars, NULL, NULL, false);
}

char *tui_prompt_path(struct tui *t, const char *title, const char *label, const char *initial,
		      size_t max_chars, tui_prompt_check check, void *ctx)
{
	return prompt_run(t, title, label, initial, max_chars, check, ctx, true);
}

/* What tui_prompt_number accepts. */
struct number_range {
	const char *title;
	long min, max;
};

/* A typed value that is not a whole number in range, named by the dialog's title. */
static char *number_refusal(void *ctx, const char *value)
{
	const struct number_range *r = ctx;
	long v;
	return text_whole_number(value, r->min, r->max, &v)
		       ? NULL : xasprintf(_("%s: a whole number from %ld to %ld"), r->title, r->min, r->max);
}

bool tui_prompt_number(struct tui *t, const char *title, const char *label, long initial,
		       long min, long max, long *out)
{
	char *typed = xasprintf("%ld", initial);
	struct number_range r = { title, min, max };
	char *v = tui_prompt_checked(t, title, label, typed, 12, number_refusal, &r);
	bool ok = v && text_whole_number(v, min, max, out);
	free(typed);
	free(v);
	return ok;
}

/* A pick of one of n labels in its box (tui_choose). */
struct choose_view {
	const char *title;
	const char *const *labels;
	size_t n, sel, top;
	int chosen;
	WINDOW *p;
};

static void choose_draw(struct tui *t, void *ctx)
{
	(void)t;
	struct choose_view *c = ctx;
	const char *hint = _("digit or Enter = choose, Esc = cancel");
	int w = text_width(hint) + 6;
	if (text_width(c->title) + 8 > w)
		w = text_width(c->title) + 8;
	for (size_t i = 0; i < c->n; i++) {
		int lw = text_width(c->labels[i]) + 8;
		if (lw > w)
			w = lw;
	}
	if (w > COLS - 4)
		w = COLS - 4;
	int rows = (int)c->n < LINES - 6 ? (int)c->n : LINES - 6;
	c->p = popup_again(c->p, rows + 4, w, c->title);
	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + (size_t)rows)
		c->top = c->sel - (size_t)rows + 1;
	for (int r = 0; r < rows; r++) {
		size_t i = c->top + (size_t)r;
		char *line = i < 9 ? xasprintf(" %zu %s", i + 1, c->labels[i]) : xasprintf("   %s", c->labels[i]);
		tui_put(c->p, 1 + r, 1, line, w - 2, i == c->sel ? A_REVERSE : A_NORMAL);
		free(line);
	}
	tui_put(c->p, rows + 2, 2, hint, w - 4, A_NORMAL);
	curs_set(0);
	wnoutrefresh(c->p);
	doupdate();
}

static enum tui_view_step choose_key(struct tui *t, void *ctx, int k)
{
	struct choose_view *c = ctx;
	if (k == TK_UP && c->sel > 0)
		c->sel--;
	else if (k == TK_DOWN && c->sel + 1 < c->n)
		c->sel++;
	else if (k == TK_ENTER)
		c->chosen = (int)c->sel;
	else if (k >= '1' && k <= '9' && (size_t)(k - '1') < c->n)
		c->chosen = k - '1';
	else if (TK_IS_BACK(k))
		return TUI_VIEW_CLOSE;
	return c->chosen >= 0 ? TUI_VIEW_CLOSE : TUI_VIEW_DRAW;
}

int tui_choose(struct tui *t, const char *title, const char *const *labels, size_t n, size_t initial)
{
	struct choose_view c = { .title = title, .labels = labels, .n = n, .sel = initial < n ? initial : 0,
				 .chosen = -1 };
	struct tui_view v = { .draw = choose_draw, .key = choose_key, .ctx = &c, .popup = true };
	tui_view_run(t, &v);
	curs_set(1);
	if (c.p)
		tui_popup_close(c.p);
	return c.chosen;
}
