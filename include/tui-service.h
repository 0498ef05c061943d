/* tui-service: the 便民服务 screens: the work list (open requests by due date, overdue
 * ones marked, follow-ups due, a filter by handler), the request form on the form
 * engine, the status actions, the receipt, and the monthly statistics with a chart. */
#ifndef SZ_TUI_SERVICE_H
#define SZ_TUI_SERVICE_H

#include <stdint.h>

#include "tui-core.h"

/* Menu 3: work list, new request, statistics. */
void tui_service_menu(struct tui *t);
/* The work list. */
void tui_service_worklist(struct tui *t);
/* The request form on a new request; the new id, or 0 when nothing was saved. */
int64_t tui_service_new(struct tui *t);
/* The statistics of a month (YYYY-MM; NULL: this month). */
void tui_service_stats(struct tui *t, const char *month);
/* Opens the work list at once when the operator's role is clerk (the first screen of
 * a clerk's day); does nothing for other roles. */
void tui_service_first(struct tui *t);

#endif
