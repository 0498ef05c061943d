/* township: the figures of a register that holds many villages (a township's or a
 * district's), one row per village and a total (合计), for services, disputes and star
 * households. The same tables filter to one village by its 12-digit code. */
#ifndef SZ_TOWNSHIP_H
#define SZ_TOWNSHIP_H

#include <stdbool.h>
#include <stddef.h>

struct store;

enum township_kind { TOWNSHIP_SERVICES, TOWNSHIP_DISPUTES, TOWNSHIP_STARS };

#define TOWNSHIP_COLS 7

/* One village's figures; code "" for the requests kept without a village. */
struct township_row {
	char *code;
	char *name;
	long v[TOWNSHIP_COLS];
};

struct township_table {
	enum township_kind kind;
	char period[16];            /* YYYY-MM for services, YYYY otherwise */
	size_t ncols;               /* figures per row */
	struct township_row *rows;  /* by village code */
	size_t n;
	struct township_row total;  /* 合计: the sum of the rows */
};

/* The figures of a month (YYYY-MM) of 便民服务, of a year's 人民调解 cases, or of a
 * year's 星级文明户 rounds; village "" or NULL for every village. 0, or -1 with *err
 * (a bad period, a village code the register does not hold). Free with township_free. */
int township_services(struct store *st, const char *month, const char *village,
		      struct township_table *out, char **err);
int township_disputes(struct store *st, int year, const char *village,
		      struct township_table *out, char **err);
int township_stars(struct store *st, int year, const char *village,
		   struct township_table *out, char **err);
void township_free(struct township_table *t);

/* The heading of figure column i (translated). */
const char *township_column(const struct township_table *t, size_t i);
/* The table as aligned text with its title, and as CSV (UTF-8, a header row, the
 * total last). Caller frees. */
char *township_text(const struct township_table *t);
char *township_csv(const struct township_table *t);

struct ledger_def;
/* A declared register's report (ledger.h) at a township: run once for each village
 * over its rows alone (the synced tables seen through views of its block), then for
 * the township's own records when it has some, then over every row (合计); the rows
 * after a first column naming the village. period as ledger_report_text. Text with
 * the title, or CSV. Caller frees; NULL with *err (not a township's register, a bad
 * period). */
char *township_ledger_text(struct store *st, const struct ledger_def *d, const char *report, const char *period,
			   bool csv, char **err);

/* How many villages the register holds: the village filter matters only above one. */
long township_village_count(struct store *st);

#endif
