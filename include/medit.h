/* medit: the logic of the editor of a text of several lines (a resident's notes, a
 * dispute's facts and agreed terms), apart from any terminal.
 *
 * The text and the cursor are a struct fedit's with multiline set, so that Enter
 * types a newline. The text is laid out in lines of at most cols display columns: a
 * line ends at a newline, or before a character that would not fit (a wide character
 * is never split). After a full last line there is an empty one, for the cursor. Up
 * and Down keep the cursor's column as nearly as the other line allows. */
#ifndef SZ_MEDIT_H
#define SZ_MEDIT_H

#include <stddef.h>

#include "fedit.h"

struct medit_line {
	size_t start;   /* index of its first character in the text */
	size_t len;     /* its characters, the newline that ends it not counted */
};

struct medit_layout {
	struct medit_line *lines;
	size_t n;       /* at least 1 */
};

void medit_layout(const struct fedit *e, int cols, struct medit_layout *out);
void medit_layout_free(struct medit_layout *l);
/* The line the cursor is on, and its column in that line in *col. */
size_t medit_cursor_line(const struct fedit *e, const struct medit_layout *l, int *col);

void medit_up(struct fedit *e, int cols);
void medit_down(struct fedit *e, int cols);
void medit_line_home(struct fedit *e, int cols);
void medit_line_end(struct fedit *e, int cols);

#endif
