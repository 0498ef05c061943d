/* medit: lines of a text as a box of cols columns shows them (see medit.h). */
#include "medit.h"

#include <stdbool.h>
#include <stdlib.h>

#include "text.h"
#include "util.h"

static void layout_add(struct medit_layout *l, size_t *cap, size_t start, size_t len)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		l->lines = xrealloc(l->lines, *cap * sizeof *l->lines);
	}
	l->lines[l->n++] = (struct medit_line){ .start = start, .len = len };
}

void medit_layout(const struct fedit *e, int cols, struct medit_layout *out)
{
	size_t cap = 0, start = 0, i = 0;
	int used = 0;
	if (cols < 2)
		cols = 2;
	out->lines = NULL;
	out->n = 0;
	while (i < e->len) {
		wchar_t c = e->text[i];
		if (c == L'\n') {
			layout_add(out, &cap, start, i - start);
			start = ++i;
			used = 0;
			continue;
		}
		int w = text_char_width(c);
		if (used + w > cols && i > start) {
			layout_add(out, &cap, start, i - start);
			start = i;
			used = 0;
			continue;
		}
		used += w;
		i++;
	}
	layout_add(out, &cap, start, e->len - start);
	if (used >= cols)
		layout_add(out, &cap, e->len, 0);   /* the cursor after a full line */
}

void medit_layout_free(struct medit_layout *l)
{
	free(l->lines);
	l->lines = NULL;
	l->n = 0;
}

size_t medit_cursor_line(const struct fedit *e, const struct medit_layout *l, int *col)
{
	/* the last line starting at or before the cursor: at a soft break the cursor
	 * begins the next line */
	size_t k = 0;
	while (k + 1 < l->n && l->lines[k + 1].start <= e->cursor)
		k++;
	if (col)
		*col = text_wcs_width(e->text + l->lines[k].start, e->cursor - l->lines[k].start);
	return k;
}

/* True when line k is cut by the width, not ended by a newline: its end is the next
 * line's start, where the cursor would show on the next line. */
static bool soft_break(const struct medit_layout *l, size_t k)
{
	return k + 1 < l->n && l->lines[k + 1].start == l->lines[k].start + l->lines[k].len;
}

/* The cursor to the character of line k nearest column col from the left. */
static void cursor_to_column(struct fedit *e, const struct medit_layout *l, size_t k, int col)
{
	const struct medit_line *line = &l->lines[k];
	size_t i = line->start, end = line->start + line->len;
	if (soft_break(l, k) && end > line->start)
		end--;   /* stays on this line */
	int used = 0;
	while (i < end) {
		int w = text_char_width(e->text[i]);
		if (used + w > col)
			break;
		used += w;
		i++;
	}
	e->cursor = i;
}

/* Moves the cursor delta lines (-1 or 1), keeping its column. */
static void move_lines(struct fedit *e, int cols, int delta)
{
	struct medit_layout l;
	medit_layout(e, cols, &l);
	int col;
	size_t k = medit_cursor_line(e, &l, &col);
	if (delta < 0 && k > 0)
		cursor_to_column(e, &l, k - 1, col);
	else if (delta > 0 && k + 1 < l.n)
		cursor_to_column(e, &l, k + 1, col);
	medit_layout_free(&l);
}

void medit_up(struct fedit *e, int cols)
{
	move_lines(e, cols, -1);
}

void medit_down(struct fedit *e, int cols)
{
	move_lines(e, cols, 1);
}

void medit_line_home(struct fedit *e, int cols)
{
	struct medit_layout l;
	medit_layout(e, cols, &l);
	e->cursor = l.lines[medit_cursor_line(e, &l, NULL)].start;
	medit_layout_free(&l);
}

void medit_line_end(struct fedit *e, int cols)
{
	struct medit_layout l;
	medit_layout(e, cols, &l);
	/* at a cut line's end the cursor shows at the next line's start: what is typed
	 * there still follows the line's last character */
	size_t k = medit_cursor_line(e, &l, NULL);
	e->cursor = l.lines[k].start + l.lines[k].len;
	medit_layout_free(&l);
}
