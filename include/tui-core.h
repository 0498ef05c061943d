/* tui-core: what every screen shares: terminal set-up, key decoding, the title, the
 * message line and key bar, text drawn clipped by display columns, and the small
 * dialogs (help, confirm, prompt).
 *
 * Keys are ints: a typed character is its code point (>= 0); anything else is one of
 * the TK_ values below (negative). Esc followed by a digit within a second is F1..F10
 * (Esc 0 is F10), for terminals whose F-keys do not arrive; PuTTY's, xterm's, rxvt's
 * and the Linux console's F-keys and Home/End are known whatever TERM says. */
#ifndef SZ_TUI_CORE_H
#define SZ_TUI_CORE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

struct app;
struct fedit;
struct tui;

#define TK(curses_key) (-(int)(curses_key))
enum tui_key {
	TK_NONE = -1,           /* nothing arrived before a timeout */
	TK_ESC = -2,
	TK_ENTER = -3,
	TK_TAB = -4,
	TK_BTAB = TK(KEY_BTAB),
	TK_BACKSPACE = TK(KEY_BACKSPACE),
	TK_DELETE = TK(KEY_DC),
	TK_UP = TK(KEY_UP),
	TK_DOWN = TK(KEY_DOWN),
	TK_LEFT = TK(KEY_LEFT),
	TK_RIGHT = TK(KEY_RIGHT),
	TK_HOME = TK(KEY_HOME),
	TK_END = TK(KEY_END),
	TK_PGUP = TK(KEY_PPAGE),
	TK_PGDN = TK(KEY_NPAGE),
	TK_RESIZE = TK(KEY_RESIZE),
	TK_F1 = TK(KEY_F(1)),
	TK_F2 = TK(KEY_F(2)),
	TK_F3 = TK(KEY_F(3)),
	TK_F4 = TK(KEY_F(4)),
	TK_F5 = TK(KEY_F(5)),
	TK_F6 = TK(KEY_F(6)),
	TK_F7 = TK(KEY_F(7)),
	TK_F8 = TK(KEY_F(8)),
	TK_F9 = TK(KEY_F(9)),
	TK_F10 = TK(KEY_F(10)),
};

/* F10 and Esc both mean "back". */
#define TK_IS_BACK(k) ((k) == TK_F10 || (k) == TK_ESC)

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

/* One entry of the key bar: "F2" and what it does (an English message id). */
struct tui_hint {
	const char *key;
	const char *label;
};

/* A screen or box that is open, as a dialog or a resize redraws it (tui_ground_push,
 * tui_view_run); a popup is drawn over the grounds below it. */
struct tui_ground {
	void (*draw)(struct tui *t, void *ctx);
	void *ctx;
	bool popup;
};
#define TUI_GROUNDS_MAX 16

struct tui {
	struct app *app;
	char *message;       /* the message line's text, UTF-8 */
	bool message_error;
	bool message_fresh;  /* set since the last key: the outcome of that key */
	/* a screen was left and none drawn since: a dialog must not open over its
	 * remains but over the screen still open below it, redrawn (grounds), else a blank */
	bool screen_left;
	struct tui_ground grounds[TUI_GROUNDS_MAX];   /* the open screens, innermost last */
	size_t ngrounds;                              /* may pass the array: those draw nothing */
	int bar_lines;       /* lines the key bar of the screen drawn last takes */
	/* set when the clerk confirmed leaving the program, or when the lock screen let
	 * another operator in (switch_to, his operator id): every screen and dialog then
	 * closes, a form kept as its operator's draft, and tui_run signs switch_to in */
	bool quit;
	int64_t switch_to;
	int held_fd;         /* the terminal's descriptor while output is held, else -1 */
	/* the idle lock (tui-signin.h): after idle_ms without a key, tui_getkey calls
	 * idle_lock, which gives the screen back as it was */
	int idle_ms;
	void (*idle_lock)(struct tui *t);
	bool locked;
};

/* One view: a screen, or a box over one, that tui_view_run shows until its key
 * callback closes it. The loop, not the view, waits for keys, owns the resize (the
 * size checked, "too small" said, everything open redrawn at the new size), the idle
 * lock (the screens redrawn after it) and t->quit (every view closes). */
enum tui_view_step {
	TUI_VIEW_STAY,    /* the key drew what it changed */
	TUI_VIEW_DRAW,    /* the view is drawn again whole */
	TUI_VIEW_CLOSE,
};
struct tui_view {
	/* draws the whole view and flushes it; a popup makes or touches its window, as
	 * it is drawn again over the screen below after a resize or the lock */
	void (*draw)(struct tui *t, void *ctx);
	/* one key (TK_NONE when wait's time passed without one); draws what it changed */
	enum tui_view_step (*key)(struct tui *t, void *ctx, int k);
	void (*resize)(struct tui *t, void *ctx);   /* optional: lays out again, before draw */
	int (*wait)(void *ctx);                     /* optional: ms to wait for a key, < 0 ever */
	void (*free)(void *ctx);                    /* optional: the loop has ended */
	void *ctx;
	bool popup;   /* a box: the screen below is redrawn under it */
};

/* Shows the view until its key callback closes it or t->quit is set. */
void tui_view_run(struct tui *t, const struct tui_view *v);
/* Draws everything open again, from the last whole screen up through the boxes over
 * it; the "too small" message instead while the terminal is below 80x24. */
void tui_view_redraw(struct tui *t);

/* Starts curses in the current locale; false (with *err) when there is no terminal. */
bool tui_core_start(struct tui *t, struct app *app, char **err);
void tui_core_stop(struct tui *t);

/* Waits for one key (timeout_ms < 0 waits for ever, locking the screen when idle)
 * and decodes it. While t->quit is set it waits for nothing and gives Esc, so that
 * a screen or dialog that misses the flag still goes back. */
int tui_getkey(struct tui *t, int timeout_ms);

/* While the screens of an operator who is leaving close, what they draw on the way
 * must not reach the terminal: held, the output goes nowhere; released, the next
 * update draws the whole terminal afresh. */
void tui_output_hold(struct tui *t);
void tui_output_release(struct tui *t);

/* False, with a clear message drawn, when the terminal is below 80x24. */
bool tui_size_ok(struct tui *t);

/* Draws utf8 at (y, x) clipped and padded to exactly cols columns (cols < 0: as
 * wide as the text, clipped at the window's edge); text cut short ends in "…"
 * (text_fit_ellipsis; tui_put_wcs cuts without it). A wide character that would
 * straddle the edge becomes a space; characters the terminal's encoding cannot show
 * become "?". Returns the columns drawn. */
int tui_put(WINDOW *w, int y, int x, const char *utf8, int cols, attr_t attr);
int tui_put_wcs(WINDOW *w, int y, int x, const wchar_t *ws, size_t n, int cols, attr_t attr);

/* The top line: the program's name and the screen's title. */
void tui_title(struct tui *t, const char *title);
/* The key bar at the bottom: every key shows at any width from 80 columns, on one line
 * when the keys fit, else on the last two (labels cut alike only when even two lines
 * are too few). The message line is the one above it (tui_message_row). */
void tui_keybar(struct tui *t, const struct tui_hint *hints, size_t n);
/* The lines tui_keybar takes for these keys at the current width (1 or 2): screens lay
 * out their rows above it and the message line. */
int tui_keybar_lines(const struct tui_hint *hints, size_t n);
/* The message line's row: above the key bar last drawn (tui_title resets it to one). */
int tui_message_row(const struct tui *t);
/* Sets the message line (printf-style, already translated) and draws it. */
void tui_message(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_error(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_message_clear(struct tui *t);
/* A screen is entered or left: the message line goes, unless it was set since the
 * last key (then it is the outcome of what led here: "Logged as ..." on the list the
 * form returns to). Every screen engine (menu, list, form) calls it, so no screen
 * shows another's old message. */
void tui_screen_change(struct tui *t);
/* The same when a screen is left; the next dialog then opens over the screen below,
 * redrawn. */
void tui_screen_leave(struct tui *t);
/* A screen opens (pop: it closes; each push has its pop): draw(t, ctx) redraws it
 * whole when a dialog opens over it after a screen above it closed, e.g. the receipt
 * offered once a new request's form is saved shows over the work list, or after a
 * resize in a dialog over it. tui_view_run does this for its views; only a screen
 * with a key loop of its own calls it. */
void tui_ground_push(struct tui *t, void (*draw)(struct tui *t, void *ctx), void *ctx);
void tui_ground_pop(struct tui *t);
/* Before a dialog (and a pick list) opens: the screen below redrawn when the one it
 * was over has closed (tui_view_run does it for a popup view). */
void tui_dialog_ground(struct tui *t);
void tui_draw_message(struct tui *t);

/* A framed box in the middle of the screen, h x w (clamped to the screen). */
WINDOW *tui_popup(int h, int w, const char *title);
/* Closes a popup and lets the screen below show again. */
void tui_popup_close(WINDOW *p);

/* Shows text (wrapped by display columns) until a key is pressed. */
void tui_show_text(struct tui *t, const char *title, const char *text);
/* Asks a yes/no question; Enter gives default_yes, Esc/F10 no. */
bool tui_confirm(struct tui *t, const char *question, bool default_yes);
/* The editing keys every box of lines shares: ←→ Home End Backspace Delete, Ctrl-K
 * (to the end), Ctrl-U (all) and a character typed. NONE: k is none of them (another
 * control key, an F-key), for the box to handle; REFUSED: a character that does not
 * go in (the field full, or not typeable). */
enum tui_edit { TUI_EDIT_NONE, TUI_EDIT_DONE, TUI_EDIT_REFUSED };
enum tui_edit tui_edit_key(struct fedit *e, int k);
/* Asks for one line of text; NULL when cancelled. Caller frees. */
char *tui_prompt(struct tui *t, const char *title, const char *label, const char *initial,
		 size_t max_chars);
/* Judges a typed value for tui_prompt_checked: NULL when it is accepted, else why not
 * (translated; caller frees). */
typedef char *(*tui_prompt_check)(void *ctx, const char *value);
/* tui_prompt whose Enter gives the value only once check accepts it: a refused value
 * keeps the dialog open, as typed, with the reason shown inside it (check NULL: any). */
char *tui_prompt_checked(struct tui *t, const char *title, const char *label, const char *initial,
			 size_t max_chars, tui_prompt_check check, void *ctx);
/* Asks for a whole number from min to max, asking again with a message naming title
 * while what was typed is not one ("7y"); false when cancelled. */
bool tui_prompt_number(struct tui *t, const char *title, const char *label, long initial,
		       long min, long max, long *out);
/* tui_prompt_checked for a file name: Tab completes it from the folder's entries as a
 * shell does, a second Tab lists them on the message line (pathcomp.h). */
char *tui_prompt_path(struct tui *t, const char *title, const char *label, const char *initial,
		      size_t max_chars, tui_prompt_check check, void *ctx);
/* Lets the clerk pick one of n translated labels by digit, arrows or Enter; returns
 * the index or -1 when cancelled. */
int tui_choose(struct tui *t, const char *title, const char *const *labels, size_t n, size_t initial);

/* Wraps utf8 into lines of at most cols columns; returns the count, lines in *out
 * (each caller-freed, and the array). */
size_t tui_wrap(const char *utf8, int cols, char ***out);

#endif
