/* tui-village: the one village picker of the screens (stars, mediation ...): the
 * list engine over village_list, filtered as the clerk types, with no cap. */
#ifndef SZ_TUI_VILLAGE_H
#define SZ_TUI_VILLAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "tui-core.h"
#include "tui-list.h"

/* A village picked from the list titled title (an English message id); 0 when the
 * clerk went back. */
int64_t tui_village_pick(struct tui *t, const char *title);
/* The village a register of one village means, else one picked as tui_village_pick
 * does; 0 when the clerk went back, or when there is no village (none, translated,
 * then said on the message line). */
int64_t tui_village_sole_or_pick(struct tui *t, const char *title, const char *none);

/* The screens' village filter (app.village): F4 on the statistics view, the service
 * work list, the case list and the household and resident lists. It is offered, and
 * on the key bar, only when the register holds more than one village. */
bool tui_village_many(struct tui *t);
/* F4: the clerk picks a village, or "All villages"; true when the filter changed. On a
 * register of one village it only says there is nothing to filter. */
bool tui_village_filter(struct tui *t);
/* base's hints with F4 Village after the first one when the register holds more than
 * one village; *n in and out. Caller frees. */
struct tui_hint *tui_village_hints(struct tui *t, const struct tui_hint *base, size_t *n);
/* title (translated here) followed by the filter's village, or title alone. Caller frees. */
char *tui_village_title(struct tui *t, const char *title);

/* A list screen's share of the filter: its title and key bar as the filter makes them. */
struct tui_village_list {
	struct tui *t;
	struct tui_list_def *def;
	const char *title;     /* the list's own title, an English message id */
	char *shown;           /* the title with the village */
	struct tui_hint *hints;
};
/* Puts the filter's village in def's title and F4 on its key bar (def kept until _end). */
void tui_village_list_begin(struct tui *t, struct tui_village_list *vl, struct tui_list_def *def);
/* F4 on the list: true when the filter changed (the list then reloads). */
bool tui_village_list_key(struct tui *t, struct tui_village_list *vl, int key);
void tui_village_list_end(struct tui_village_list *vl);

#endif
