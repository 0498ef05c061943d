/* tui-memo: a text of several lines edited in a box over the screen (a resident's
 * notes, a dispute's facts and agreed terms), where a form's field shows one line.
 *
 * Enter starts a new line; the arrows, Home, End, PgUp and PgDn move by the lines
 * the box shows; F2 keeps the text, Esc or F10 gives it up (asking first when it was
 * changed). Half a second after the last key the text goes to keep(), so that the
 * form can save it as its draft: a dropped link loses nothing typed here either. */
#ifndef SZ_TUI_MEMO_H
#define SZ_TUI_MEMO_H

#include <stddef.h>

struct tui;

struct tui_memo_ops {
	void (*keep)(void *ctx, const char *text);   /* may be NULL */
	void *ctx;
};

/* The edited text (caller frees), or NULL when given up. max_chars 0: no limit. */
char *tui_memo_edit(struct tui *t, const char *title, const char *text, size_t max_chars,
		    const struct tui_memo_ops *ops);

#endif
