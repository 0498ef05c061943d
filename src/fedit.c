/* fedit: the single-line field editor's logic (see fedit.h).
 *
 * The value is an array of wchar_t; widths come from text_char_width() so the editor
 * and ncurses count columns the same way in UTF-8 and GBK locales. The cursor is an
 * index into the array, so it can never sit inside a character. */
#include "fedit.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* Makes room for at least need characters. */
static void fedit_reserve(struct fedit *e, size_t need)
{
	if (need <= e->cap)
		return;
	size_t cap = e->cap ? e->cap : 16;
	while (cap < need)
		cap *= 2;
	e->text = xrealloc(e->text, cap * sizeof(wchar_t));
	e->cap = cap;
}

void fedit_init(struct fedit *e, const char *utf8, size_t max_chars)
{
	memset(e, 0, sizeof(*e));   /* one line: multiline is for medit to set */
	e->max_chars = max_chars;
	fedit_set(e, utf8);
}

void fedit_free(struct fedit *e)
{
	if (!e)
		return;
	free(e->text);
	e->text = NULL;
	e->len = e->cap = e->cursor = e->scroll = 0;
}

/* Loads a value; a stored value longer than max_chars is kept whole (never lose data). */
void fedit_set(struct fedit *e, const char *utf8)
{
	size_t n;
	wchar_t *ws = text_to_wcs(utf8 ? utf8 : "", &n);

	fedit_reserve(e, n + 1);
	memcpy(e->text, ws, n * sizeof(wchar_t));
	e->text[n] = L'\0';
	free(ws);
	e->len = n;
	e->cursor = n;
	e->scroll = 0;
	e->changed = false;
}

char *fedit_value(const struct fedit *e)
{
	return text_from_wcs(e->text, e->len);
}

/* Characters a clerk may type: no controls (but a newline where lines are edited),
 * no surrogates. */
static bool fedit_typeable(const struct fedit *e, wchar_t c)
{
	if (c == L'\n' && e->multiline)
		return true;
	if (c < 0x20 || (c >= 0x7F && c < 0xA0))
		return false;
	if (c >= 0xD800 && c <= 0xDFFF)
		return false;
	return c <= 0x10FFFF;
}

bool fedit_insert(struct fedit *e, wchar_t c)
{
	if (!fedit_typeable(e, c))
		return false;
	if (e->max_chars && e->len >= e->max_chars)
		return false;
	fedit_reserve(e, e->len + 2);
	memmove(e->text + e->cursor + 1, e->text + e->cursor,
		(e->len - e->cursor) * sizeof(wchar_t));
	e->text[e->cursor++] = c;
	e->text[++e->len] = L'\0';
	e->changed = true;
	return true;
}

/* Removes the character at index i (i < len). */
static void fedit_remove_at(struct fedit *e, size_t i)
{
	memmove(e->text + i, e->text + i + 1, (e->len - i) * sizeof(wchar_t));
	e->len--;
	e->changed = true;
}

bool fedit_backspace(struct fedit *e)
{
	if (e->cursor == 0)
		return false;
	fedit_remove_at(e, --e->cursor);
	return true;
}

bool fedit_delete(struct fedit *e)
{
	if (e->cursor >= e->len)
		return false;
	fedit_remove_at(e, e->cursor);
	return true;
}

void fedit_left(struct fedit *e)
{
	if (e->cursor > 0)
		e->cursor--;
}

void fedit_right(struct fedit *e)
{
	if (e->cursor < e->len)
		e->cursor++;
}

void fedit_home(struct fedit *e)
{
	e->cursor = 0;
}

void fedit_end(struct fedit *e)
{
	e->cursor = e->len;
}

void fedit_kill_to_end(struct fedit *e)
{
	if (e->cursor == e->len)
		return;
	e->len = e->cursor;
	e->text[e->len] = L'\0';
	e->changed = true;
}

void fedit_clear(struct fedit *e)
{
	if (e->len == 0)
		return;
	e->len = e->cursor = e->scroll = 0;
	e->text[0] = L'\0';
	e->changed = true;
}

/* Columns the cursor cell needs: the character under it, or one past the end. */
static int fedit_cursor_cell(const struct fedit *e)
{
	return e->cursor < e->len ? text_char_width(e->text[e->cursor]) : 1;
}

/* The scroll keeps the cursor's whole cell inside the box and, when the value's tail
 * leaves room at the right, pulls back so the box stays filled. */
void fedit_scroll_to_cursor(struct fedit *e, int cols)
{
	if (cols < 1)
		cols = 1;
	if (e->scroll > e->len)
		e->scroll = e->len;
	if (e->cursor < e->scroll)
		e->scroll = e->cursor;
	while (e->scroll < e->cursor &&
	       text_wcs_width(e->text + e->scroll, e->cursor - e->scroll) + fedit_cursor_cell(e) > cols)
		e->scroll++;
	/* room at the right: show more of the beginning */
	int tail = text_wcs_width(e->text + e->scroll, e->len - e->scroll) + 1;
	while (e->scroll > 0) {
		int w = text_char_width(e->text[e->scroll - 1]);
		if (tail + w > cols)
			break;
		tail += w;
		e->scroll--;
	}
}

const wchar_t *fedit_visible(const struct fedit *e, int cols, size_t *n, int *cursor_col)
{
	size_t start = e->scroll <= e->len ? e->scroll : e->len, i = start;
	int used = 0;

	while (i < e->len) {
		int w = text_char_width(e->text[i]);
		if (used + w > cols)
			break;
		used += w;
		i++;
	}
	*n = i - start;
	if (cursor_col) {
		size_t c = e->cursor < start ? start : e->cursor;
		*cursor_col = text_wcs_width(e->text + start, c - start);
	}
	return e->text + start;
}
