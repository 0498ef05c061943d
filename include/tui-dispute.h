/* tui-dispute: the 人民调解 screens: a work list (open cases by age, cases past their
 * month, follow-ups due, confirmation windows about to close), the case list, the case
 * screen with its parties, sessions, outcome, confirmation and visits on the one form
 * engine, printing, and the statistics with a chart. Only operators whose role has
 * ACCESS_DISPUTE_VIEW see a case; changes need ACCESS_DISPUTE_EDIT. */
#ifndef SZ_TUI_DISPUTE_H
#define SZ_TUI_DISPUTE_H

#include <stdint.h>

#include "tui-core.h"

/* The main menu's entry: refuses roles without the right, else offers the screens. */
void tui_dispute_menu(struct tui *t);
/* One case with everything recorded about it. */
void tui_dispute_case(struct tui *t, int64_t id);
/* The case form on a new case; its id once saved, else 0. */
int64_t tui_dispute_new(struct tui *t);
/* The statistics of a year with a chart. */
void tui_dispute_stats(struct tui *t);

#endif
