/* tui-screens: the register screens. Each is built from the list engine (tui-list)
 * and the form engine (tui-form) with its own callbacks; none has its own loop. */
#ifndef SZ_TUI_SCREENS_H
#define SZ_TUI_SCREENS_H

#include <stdbool.h>
#include <stdint.h>

#include "tui-core.h"

/* The main menu; returns when the clerk confirmed leaving. */
void tui_menu_run(struct tui *t);

/* The resident list with incremental search. */
void tui_resident_list(struct tui *t, const char *query);
/* The resident form on a stored resident. */
void tui_resident_edit(struct tui *t, int64_t id);
/* The resident form on a new resident, in household_id (0: none). Returns the new
 * resident's id, or 0 when nothing was saved. */
int64_t tui_resident_new(struct tui *t, int64_t household_id);
/* A resident of the register, searched for (from query, may be NULL: what the clerk
 * typed into the field) then picked under title (an English message id); 0 when none. */
int64_t tui_resident_pick(struct tui *t, const char *title, const char *query);
/* F8: records a move, a death or a cancellation (never a deletion). True when saved. */
bool tui_resident_set_status(struct tui *t, int64_t id);

/* The household list (search by number, address or head's name). */
void tui_household_list(struct tui *t);
/* One household with its members. */
void tui_household_view(struct tui *t, int64_t id);
/* The household form on id (0 = new); the id when saved, else 0. */
int64_t tui_household_form(struct tui *t, int64_t id);
/* A household picked from a popup list, or created there with F7; 0 when none. */
int64_t tui_household_pick(struct tui *t, const char *title);
/* The same, the search starting from query (what the clerk already typed; may be NULL). */
int64_t tui_household_find(struct tui *t, const char *title, const char *query);
/* A grid picked from its list, filtered by name from query (may be NULL); 0 when none. */
int64_t tui_grid_pick(struct tui *t, const char *query);
/* The household number and address of a household, for display. Caller frees. */
char *tui_household_text(struct tui *t, int64_t id);

/* 星级文明户: rounds, the scoring grid, the notice list, statistics (tui-stars.c). */
void tui_stars(struct tui *t);
/* 村民小组 of a village: add, rename, deactivate (from 系统管理, administrators). */
void tui_groups_run(struct tui *t);
/* 系统管理 → 同步冲突: the township's sync conflicts, resolved by the operator (tui-sync.c). */
void tui_sync_conflicts_run(struct tui *t);

/* A resident's move between villages (tui-transfer.c): 迁出 to a village of the
 * township, 迁入 of one the township sent here; true when done. 系统管理 → 村际迁移. */
bool tui_transfer_move_out(struct tui *t, int64_t id);
bool tui_transfer_move_in(struct tui *t, int64_t id);
void tui_transfers_run(struct tui *t);

/* The audit entries of one record as before/after differences, newest first. */
void tui_history_show(struct tui *t, const char *table, int64_t id, const char *what);

/* A code picked from a code list in a popup (filter as you type), or NULL. Caller frees. */
char *tui_pick_code(struct tui *t, const char *title, const char *list_name);

#endif
