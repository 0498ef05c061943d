/* test-chart: the bar chart widget's arithmetic and what it draws, read back cell by
 * cell from a curses window (reverse video where the bar is, nothing else). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tui-chart.h"

/* Bar lengths: rounding, the one-cell minimum, the cap at the full width. */
static void test_bar_cells(void)
{
	static const struct {
		double value, max;
		int width, want;
	} cases[] = {
		{ 0, 100, 40, 0 },
		{ -5, 100, 40, 0 },
		{ 100, 100, 40, 40 },
		{ 150, 100, 40, 40 },
		{ 50, 100, 40, 20 },
		{ 0.1, 100, 40, 1 },      /* a tiny value still shows */
		{ 1, 3, 10, 3 },          /* 3.33 rounds down */
		{ 2, 3, 10, 7 },          /* 6.67 rounds up */
		{ 5, 0, 10, 0 },          /* no scale, no bar */
		{ 5, 10, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(tui_chart_bar_cells(cases[i].value, cases[i].max, cases[i].width), cases[i].want);
}

/* Counts the reverse-video cells of one row of w. */
static int reverse_cells(WINDOW *w, int y, int cols)
{
	int n = 0;
	for (int x = 0; x < cols; x++) {
		chtype c = mvwinch(w, y, x);
		if (c & A_REVERSE) {
			n++;
			CHECK((c & A_CHARTEXT) == ' ');
		}
	}
	return n;
}

/* Draws a chart into a window of a curses screen on /dev/null and reads it back. */
static void test_draw(void)
{
	FILE *out = fopen("/dev/null", "w");
	FILE *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm("xterm", out, in);
	CHECK(scr != NULL);
	if (!scr)
		return;
	WINDOW *w = newwin(6, 60, 0, 0);
	struct tui_chart_bar bars[] = {
		{ "January", 100, "99.0%" },
		{ "February", 50, NULL },
		{ "March", 0, "n/a" },
		{ "April", 25, NULL },
	};
	struct tui_chart_layout l = { .label_cols = 10, .value_cols = 5, .note_cols = 6 };
	/* bar width = 60 - 10 - 1 - 1 - 5 - 2 - 6 = 35 */
	size_t shown = tui_chart_draw(w, 0, 0, 3, 60, bars, 4, &l);
	CHECK_INT(shown, 3);
	CHECK_INT(reverse_cells(w, 0, 60), 35);
	CHECK_INT(reverse_cells(w, 1, 60), 18);
	CHECK_INT(reverse_cells(w, 2, 60), 0);
	CHECK_INT(reverse_cells(w, 3, 60), 0);  /* the fourth bar did not fit */
	char text[61];
	mvwinnstr(w, 0, 0, text, 10);
	CHECK_STR(text, "January   ");
	mvwinnstr(w, 0, 47, text, 5);
	CHECK_STR(text, "  100");
	mvwinnstr(w, 0, 54, text, 5);
	CHECK_STR(text, "99.0%");
	mvwinnstr(w, 1, 47, text, 5);
	CHECK_STR(text, "   50");
	delwin(w);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	test_bar_cells();
	test_draw();
	return check_finish();
}
