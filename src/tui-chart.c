/* tui-chart: horizontal bar charts of reverse-video spaces (see tui-chart.h). */
#include "tui-chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tui-core.h"
#include "util.h"

int tui_chart_bar_cells(double value, double max, int width)
{
	if (value <= 0 || max <= 0 || width <= 0)
		return 0;
	if (value >= max)
		return width;
	int cells = (int)(value / max * width + 0.5);
	if (cells < 1)
		cells = 1;
	return cells > width ? width : cells;
}

/* The figure of one bar as text, with the layout's decimals. */
static void chart_figure(char *buf, size_t size, double value, int decimals)
{
	snprintf(buf, size, "%.*f", decimals < 0 ? 0 : decimals, value);
}

/* Fills the layout's automatic widths from the bars and the rectangle's width. */
static struct tui_chart_layout chart_resolve(const struct tui_chart_bar *bars, size_t n,
					     const struct tui_chart_layout *given, int cols)
{
	struct tui_chart_layout l = { 0 };
	if (given)
		l = *given;
	int widest_label = 0, widest_value = 0, widest_note = 0;
	double largest = 0;
	for (size_t i = 0; i < n; i++) {
		char fig[64];
		chart_figure(fig, sizeof(fig), bars[i].value, l.decimals);
		int lw = bars[i].label ? text_width(bars[i].label) : 0;
		int vw = (int)strlen(fig);
		int nw = bars[i].note ? text_width(bars[i].note) : 0;
		widest_label = lw > widest_label ? lw : widest_label;
		widest_value = vw > widest_value ? vw : widest_value;
		widest_note = nw > widest_note ? nw : widest_note;
		largest = bars[i].value > largest ? bars[i].value : largest;
	}
	if (l.label_cols <= 0)
		l.label_cols = widest_label < cols / 3 ? widest_label : cols / 3;
	if (l.value_cols <= 0)
		l.value_cols = widest_value;
	if (l.note_cols <= 0)
		l.note_cols = widest_note;
	if (l.max <= 0)
		l.max = largest;
	if (l.has_ref && l.ref > l.max)
		l.max = l.ref;   /* the line stays on the chart even when every bar is below it */
	return l;
}

size_t tui_chart_draw(WINDOW *w, int y, int x, int rows, int cols,
		      const struct tui_chart_bar *bars, size_t n,
		      const struct tui_chart_layout *layout)
{
	if (rows <= 0 || cols <= 0)
		return 0;
	struct tui_chart_layout l = chart_resolve(bars, n, layout, cols);
	/* label, space, bar, space, figure, two spaces, note */
	int bar_width = cols - l.label_cols - 1 - 1 - l.value_cols - (l.note_cols > 0 ? 2 + l.note_cols : 0);
	if (bar_width < 1)
		bar_width = 1;
	size_t shown = n < (size_t)rows ? n : (size_t)rows;
	for (size_t i = 0; i < shown; i++) {
		int row = y + (int)i;
		int cx = x;
		tui_put(w, row, cx, bars[i].label ? bars[i].label : "", l.label_cols, A_NORMAL);
		cx += l.label_cols + 1;
		int cells = tui_chart_bar_cells(bars[i].value, l.max, bar_width);
		char *bar = xmalloc((size_t)bar_width + 1);
		memset(bar, ' ', (size_t)bar_width);
		bar[bar_width] = '\0';
		bar[cells] = '\0';
		if (cells > 0)
			tui_put(w, row, cx, bar, cells, A_REVERSE);
		bar[cells] = ' ';
		if (bar_width - cells > 0)
			tui_put(w, row, cx + cells, "", bar_width - cells, A_NORMAL);
		free(bar);
		if (l.has_ref) {
			/* inside a bar the mark shows in reverse, past it plain */
			int at = l.ref > 0 ? tui_chart_bar_cells(l.ref, l.max, bar_width) - 1 : 0;
			at = at < 0 ? 0 : at;
			tui_put(w, row, cx + at, "|", 1, at < cells ? A_REVERSE | A_BOLD : A_BOLD);
		}
		cx += bar_width + 1;
		char fig[64];
		chart_figure(fig, sizeof(fig), bars[i].value, l.decimals);
		char padded[96];
		snprintf(padded, sizeof(padded), "%*s", l.value_cols, fig);
		tui_put(w, row, cx, padded, l.value_cols, A_NORMAL);
		cx += l.value_cols;
		if (l.note_cols > 0) {
			tui_put(w, row, cx, "  ", 2, A_NORMAL);
			tui_put(w, row, cx + 2, bars[i].note ? bars[i].note : "", l.note_cols, A_NORMAL);
		}
	}
	return shown;
}
