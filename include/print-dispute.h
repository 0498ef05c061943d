/* print-dispute: the printed documents of a 人民调解 case, laid out as the standard
 * documents are (人民调解协议书, 人民调解笔录), the statistics table, and the commands
 * `shanzhi print agreement CASE`, `shanzhi print record CASE` and
 * `shanzhi report disputes --year YEAR`.
 *
 * The documents are composed in UTF-8 for a printer's monospace font (CJK two
 * columns) and delivered through printout.h. An agreement is a legal document: it
 * carries the parties' full ID numbers; lists and reports never do. */
#ifndef SZ_PRINT_DISPUTE_H
#define SZ_PRINT_DISPUTE_H

#include <stdint.h>

struct store;
struct form_registry;
struct statsheet_query;

/* Columns of a printed line. */
#define DISPUTE_PRINT_COLS 72

/* The written agreement of a case; NULL with *err when the case has none. Caller frees. */
char *dispute_agreement_text(struct store *st, const struct form_registry *reg, int64_t case_id,
			     char **err);
/* The records of the case's sessions, one page each; NULL with *err when none. */
char *dispute_record_text(struct store *st, const struct form_registry *reg, int64_t case_id,
			  char **err);
/* The statistics of a year by month, village and category, as printed by
 * `report disputes`. Caller frees; NULL with *err. */
char *dispute_report_text(struct store *st, const struct form_registry *reg, int year, char **err);
/* The same for the statistics view's year (q->period). */
char *dispute_stats_report(const struct statsheet_query *q, char **err);

#endif
