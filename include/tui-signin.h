/* tui-signin: the sign-in screen at start (or the first administrator of a fresh
 * register), the idle lock, the system screen (operators, backups, settings) and
 * the offer to resume a draft. */
#ifndef SZ_TUI_SIGNIN_H
#define SZ_TUI_SIGNIN_H

#include <stdbool.h>
#include <stdint.h>

#include "tui-core.h"

/* Signs an operator in (creating the first administrator when the register has
 * none). False when the clerk left instead. */
bool tui_signin_run(struct tui *t);
/* After the sign-in: arms the idle lock, makes today's rotating backup when it is
 * due, and offers to resume a draft the operator left behind. */
void tui_signed_in(struct tui *t);
/* Arms the idle lock from the setting idle_lock_minutes (default 10, 0 = never). */
void tui_idle_arm(struct tui *t);
/* The idle lock: covers the screen, asks for the operator's password, and gives the
 * screen back as it was. Called by tui_getkey after the idle time. F3 there lets
 * another operator sign in instead: then t->switch_to names him and t->quit closes
 * every screen, the open forms kept as the first operator's drafts. */
void tui_idle_lock(struct tui *t);
/* Once every screen closed after such a switch: signs the other operator in (the
 * audited handover, auth_switch) and returns true, his session to begin with
 * tui_signed_in; false when the screens closed because the clerk left. */
bool tui_switch_signed_in(struct tui *t);
/* Asks for a password with stars on the screen (twice when confirm). NULL when
 * cancelled. Caller frees. */
char *tui_ask_password(struct tui *t, const char *title, const char *intro, bool confirm);
/* Shows a resident's full ID and phone numbers to a role allowed to see them, after
 * asking why; the unmasking and its reason go to the audit log. */
void tui_unmask_resident(struct tui *t, int64_t id);
/* 系统管理: operators, backups, settings (administrators only). */
void tui_system_run(struct tui *t);

#endif
