/* tui-textview: the one text view. A help text, a printout's preview, a report's text
 * and a notice list are read the same way: wrapped to the width (again after a
 * resize), ↑↓ PgUp/PgDn Home/End scroll, / searches (n the next match), F6 prints
 * through the print dialog (tui-print) where the text is a document, Esc/F10 back.
 * Full screen with the key bar, or a box over the screen (help, preview) that Enter
 * also closes and that closes on any key when the text fits. */
#ifndef SZ_TUI_TEXTVIEW_H
#define SZ_TUI_TEXTVIEW_H

#include "tui-core.h"

struct tui_textview {
	const char *title;
	const char *text;              /* UTF-8 lines */
	bool popup;                    /* a box over the screen rather than the whole screen */
	bool wide;                     /* the box as wide as the screen (a document), not 70 */
	const char *print_file;        /* F6 prints, offering this file name; NULL: no F6 */
	/* the caller's own keys, listed before the view's; key returns true when it
	 * handled k (it is asked before the view's keys) */
	const struct tui_hint *hints;
	size_t nhints;
	bool (*key)(void *ctx, struct tui *t, int k);
	void *ctx;
};

/* Shows the text until the clerk goes back. */
void tui_textview_run(struct tui *t, const struct tui_textview *v);

#endif
