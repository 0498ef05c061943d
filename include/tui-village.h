/* tui-village: the one village picker of the screens (stars, mediation ...): the
 * list engine over village_list, filtered as the clerk types, with no cap. */
#ifndef SZ_TUI_VILLAGE_H
#define SZ_TUI_VILLAGE_H

#include <stdint.h>

#include "tui-core.h"

/* A village picked from the list titled title (an English message id); 0 when the
 * clerk went back. */
int64_t tui_village_pick(struct tui *t, const char *title);

#endif
