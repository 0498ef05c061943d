/* tui-chart: a horizontal bar chart for statistics screens (services, mediation,
 * star ratings). Each bar is a run of reverse-video spaces, so it looks the same in
 * every terminal encoding: no block characters, no ambiguous-width glyphs.
 *
 *   label       ████████████████      1234  note
 *
 * The widget only draws; the caller owns the rows and their text. */
#ifndef SZ_TUI_CHART_H
#define SZ_TUI_CHART_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* One bar: a label (UTF-8, drawn clipped to the label column), its value (>= 0)
 * and an optional note drawn after the figure (e.g. "99.2%"), NULL for none. */
struct tui_chart_bar {
	const char *label;
	double value;
	const char *note;
};

/* How the chart is laid out inside its rectangle. */
struct tui_chart_layout {
	int label_cols;   /* width of the label column; <= 0: widest label, at most 1/3 */
	int value_cols;   /* width of the figure after the bar; <= 0: widest figure */
	int note_cols;    /* width of the note column; <= 0: widest note */
	int decimals;     /* decimals of the figure (0 for counts) */
	double max;       /* the value of a full-width bar; <= 0: the largest value */
	bool has_ref;     /* a reference line (the 95 % line) drawn as "|" across the bars */
	double ref;       /* its value; the scale reaches at least it */
};

/* The length in cells of a bar of value on a scale where max fills width cells:
 * rounded to the nearest cell, at least 1 for any positive value, 0 for 0 or less,
 * never more than width. */
int tui_chart_bar_cells(double value, double max, int width);

/* Draws bars in the rectangle of w starting at (y, x), rows high and cols wide; a
 * chart with more bars than rows shows the first rows bars. A NULL layout takes
 * every default. Returns the number of bars drawn. */
size_t tui_chart_draw(WINDOW *w, int y, int x, int rows, int cols,
		      const struct tui_chart_bar *bars, size_t n,
		      const struct tui_chart_layout *layout);

#endif
