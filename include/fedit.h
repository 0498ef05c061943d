/* fedit: the single-line field editor's logic, apart from any terminal.
 *
 * The value is kept as wide characters with their display widths; the cursor is a
 * character index, never half a character. A box `cols` columns wide shows a window
 * of the value starting at character `scroll`; the window follows the cursor. An
 * insert that would exceed max_chars (characters) or max_cols is refused, so a wide
 * character is never split at the box's edge and nothing is pushed out. */
#ifndef SZ_FEDIT_H
#define SZ_FEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct fedit {
	wchar_t *text;
	size_t len;        /* characters */
	size_t cap;
	size_t cursor;     /* 0..len */
	size_t scroll;     /* first visible character */
	size_t max_chars;  /* 0 = unbounded */
	bool changed;
	bool multiline;    /* a newline may be typed (the memo editor, medit.h) */
};

void fedit_init(struct fedit *e, const char *utf8, size_t max_chars);
void fedit_free(struct fedit *e);
void fedit_set(struct fedit *e, const char *utf8);   /* cursor to the end */
char *fedit_value(const struct fedit *e);            /* UTF-8, caller frees */

bool fedit_insert(struct fedit *e, wchar_t c);        /* false: refused (full/control) */
bool fedit_backspace(struct fedit *e);
bool fedit_delete(struct fedit *e);
void fedit_left(struct fedit *e);
void fedit_right(struct fedit *e);
void fedit_home(struct fedit *e);
void fedit_end(struct fedit *e);
void fedit_kill_to_end(struct fedit *e);             /* Ctrl-K */
void fedit_clear(struct fedit *e);                   /* Ctrl-U */

/* Adjusts scroll so the cursor shows in a box cols wide (one column kept for the
 * cursor after the last character). */
void fedit_scroll_to_cursor(struct fedit *e, int cols);
/* What the box shows: the visible characters from scroll that fit in cols, their
 * count in *n, and the cursor's column inside the box in *cursor_col. The returned
 * pointer is into e->text. */
const wchar_t *fedit_visible(const struct fedit *e, int cols, size_t *n, int *cursor_col);

#endif
