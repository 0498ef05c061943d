/* statsheet: the figures a register's statistics view shows, made by the register's
 * model (service.c, dispute.c, stars.c) for one period and one grouping: rows of a
 * label, figures already formatted (a rate, "3/4") and the value its bar is drawn by,
 * and summary lines above them. The screen (tui-stats) lays them out as a table and a
 * bar chart and never sees a query. */
#ifndef SZ_STATSHEET_H
#define SZ_STATSHEET_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct form_registry;

#define STATSHEET_CELLS 8   /* figures a row may have */

struct statsheet_row {
	char *label;
	char *cell[STATSHEET_CELLS];   /* NULL past the register's columns */
	double value;                  /* the length of its bar */
	char *note;                    /* beside the bar (a rate), or NULL */
};

struct statsheet {
	struct statsheet_row *rows;
	size_t n;
	char **summary;                /* lines above the table, the first the totals */
	size_t nsummary;
};

/* What a view asks a register for. */
struct statsheet_query {
	struct store *st;
	const struct form_registry *forms;
	const char *period;            /* YYYY-MM for a month, YYYY for a year */
	size_t grouping;               /* index in the register's list of groupings */
	void *ctx;                     /* the view's own (a declared register's report), or NULL */
	int64_t village;               /* the village filter (village.id), 0 for every village */
};

/* Fills out (zeroed) with the figures of q; 0, or -1 with *err. */
typedef int statsheet_fetch_fn(const struct statsheet_query *q, struct statsheet *out, char **err);
/* The whole report of q's period as `shanzhi report` prints it (every grouping);
 * caller frees; NULL with *err. */
typedef char *statsheet_report_fn(const struct statsheet_query *q, char **err);

/* Appends a row: label copied, cells (n of them, copied) and note (copied, may be NULL). */
void statsheet_add(struct statsheet *s, const char *label, const char *const *cells, size_t n,
		   double value, const char *note);
/* Appends a summary line; takes line (malloc'ed). */
void statsheet_say(struct statsheet *s, char *line);
void statsheet_free(struct statsheet *s);

#endif
