/* tui-village: the one village picker of the screens (stars, mediation ...): the
 * list engine over village_list, filtered as the clerk types, with no cap. */
#ifndef SZ_TUI_VILLAGE_H
#define SZ_TUI_VILLAGE_H

#include <stdint.h>

#include "tui-core.h"

/* A village picked from the list titled title (an English message id); 0 when the
 * clerk went back. */
int64_t tui_village_pick(struct tui *t, const char *title);
/* The village a register of one village means, else one picked as tui_village_pick
 * does; 0 when the clerk went back, or when there is no village (none, translated,
 * then said on the message line). */
int64_t tui_village_sole_or_pick(struct tui *t, const char *title, const char *none);

#endif
