/* tui-stats: the one statistics view. A register (便民服务 by month, 人民调解 and
 * 星级文明户 by year) describes its figures: a title, the period kind, the groupings it
 * offers, the columns, and the model's functions that give the rows of a period and a
 * grouping (statsheet.h) and the whole printed report. The view draws the summary, the
 * table and the bar chart (tui-chart) at any size from 80x24, and has one key set for
 * every register:
 *
 *   ←/→ or PgUp/PgDn   the period before / after      ↑↓  scroll the rows
 *   F5                 the next grouping (1..n pick one)
 *   F6 print (preview, file or printer: tui-print)    F7  export the report as CSV
 *   F3 the report's text (tui-textview)   F1 help   Esc/F10 back */
#ifndef SZ_TUI_STATS_H
#define SZ_TUI_STATS_H

#include "statsheet.h"
#include "tui-core.h"

/* NONE: the figures of all time (a declared report with `period = none`): no ←/→. */
enum tui_stats_period { TUI_STATS_MONTH, TUI_STATS_YEAR, TUI_STATS_NONE };

/* A column of figures: its head (an English message id) and width. */
struct tui_stats_column {
	const char *head;
	int width;
};

struct tui_stats_def {
	const char *title;                       /* message id; the period follows it */
	enum tui_stats_period period;
	const char *const *groupings;            /* message ids, picked by 1..n */
	size_t ngroupings;
	int label_cols;                          /* the label column's width */
	const struct tui_stats_column *columns;  /* one per cell of a row */
	size_t ncolumns;
	statsheet_fetch_fn *fetch;               /* the model's rows */
	statsheet_report_fn *report;             /* the model's printed report */
	const char *file_stem;                   /* files are stem-PERIOD.txt / .csv */
	const char *help;                        /* message id of F1's text */
	statsheet_report_fn *csv;                /* F7's CSV itself; NULL: made from report's text */
	bool has_ref_line;                       /* the chart's reference line (the 95 % line) */
	double ref_line;
	void *ctx;                               /* handed to fetch, report and csv (statsheet_query) */
	bool by_village;                         /* fetch honours the village filter (F4) */
};

/* Runs the view from period (YYYY-MM or YYYY; NULL: today's) until the clerk goes back. */
void tui_stats_run(struct tui *t, const struct tui_stats_def *def, const char *period);

#endif
