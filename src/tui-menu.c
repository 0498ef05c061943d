/* tui-menu: the main menu. Entries are picked by digit (or arrows and Enter); only
 * registers that work, and that the operator's role may open (access.h), are listed.
 * The declared registers' menu groups (tui-ledger) follow the built-in registers, on
 * 7, 8, then letters. 0, Esc or F10 leaves the program after a confirm. */
#include <stdio.h>
#include <stdlib.h>

#include "access.h"
#include "app.h"
#include "i18n.h"
#include "tui-dispute.h"
#include "tui-exchange.h"
#include "tui-ledger.h"
#include "tui-screens.h"
#include "tui-signin.h"
#include "tui-service.h"
#include "util.h"
#include "vgroup.h"

struct menu_entry {
	char key;
	const char *label;
	void (*run)(struct tui *t);   /* NULL: the declared registers' group below */
	enum access_right right;   /* what the entry's screens need at least */
	size_t group;              /* tui_ledger_group_run's */
};

/* The resident list, opened from the menu with an empty search. */
static void menu_residents(struct tui *t)
{
	tui_resident_list(t, NULL);
}

static const struct menu_entry builtin_entries[] = {
	{ '1', N_("Residents and household register"), menu_residents, ACCESS_REGISTER_VIEW, 0 },
	{ '2', N_("Households"), tui_household_list, ACCESS_REGISTER_VIEW, 0 },
	{ '3', N_("Services"), tui_service_menu, ACCESS_SERVICE_VIEW, 0 },
	{ '4', N_("People's mediation"), tui_dispute_menu, ACCESS_DISPUTE_VIEW, 0 },
	{ '5', N_("Star households"), tui_stars, ACCESS_STARS_VIEW, 0 },
	{ '6', N_("Import and export"), tui_exchange, ACCESS_EXCHANGE, 0 },
	{ '9', N_("System"), tui_system_run, ACCESS_ADMIN, 0 },
};

/* The keys of the declared registers' groups, in order. */
static const char group_keys[] = "78abcdefghijklmnopqrstuvwxyz";
#define MENU_MAX (ARRAY_LEN(builtin_entries) + sizeof(group_keys) - 1)

/* The menu's entries: the built-in ones up to 6, the groups, then System (9). */
static struct menu_entry menu_entries[MENU_MAX];
static size_t menu_count;
/* A group's label with its overdue records counted, as the menu shows it. */
static char group_labels[sizeof(group_keys) - 1][160];

/* Lays the entries out, each group's overdue records counted (again each time the
 * clerk comes back to the menu: a step may have made one on time). */
static void menu_build(struct tui *t)
{
	size_t n = 0, groups = tui_ledger_group_count();
	for (size_t i = 0; i + 1 < ARRAY_LEN(builtin_entries); i++)
		menu_entries[n++] = builtin_entries[i];
	for (size_t g = 0; g < groups && g < sizeof(group_keys) - 1; g++) {
		const char *title = _(tui_ledger_group_title(g));
		int64_t overdue = access_allows(t->app->st, ACCESS_LEDGER_VIEW) ? tui_ledger_group_overdue(t, g) : 0;
		char *label = overdue ? xasprintf(_("%s (%ld overdue)"), title, (long)overdue) : xstrdup(title);
		snprintf(group_labels[g], sizeof group_labels[g], "%s", label);
		free(label);
		menu_entries[n++] = (struct menu_entry){ group_keys[g], group_labels[g], NULL, ACCESS_LEDGER_VIEW, g };
	}
	menu_entries[n++] = builtin_entries[ARRAY_LEN(builtin_entries) - 1];
	menu_count = n;
}

static const struct tui_hint menu_hints[] = {
	{ "1-9", N_("Choose") }, { "F1", N_("Help") }, { "0/F10", N_("Quit") },
};

/* The entries the signed-in operator's role may open, as indexes into menu_entries
 * (asked each time: the lock screen may switch to another operator). Returns the count. */
static size_t menu_shown(struct tui *t, size_t shown[])
{
	size_t n = 0;
	for (size_t i = 0; i < menu_count; i++)
		if (access_allows(t->app->st, menu_entries[i].right))
			shown[n++] = i;
	return n;
}

/* Draws the shown entries with the sel-th highlighted. */
static void menu_draw(struct tui *t, const size_t shown[], size_t nshown, size_t sel, const char *village)
{
	if (!tui_size_ok(t))
		return;
	erase();
	tui_title(t, _("Main menu"));
	int y = 3, x = 6;
	/* a line between entries while they fit so, else one under the other */
	int step = y + 1 + (int)nshown * 2 < LINES - 3 ? 2 : 1;
	if (village)
		tui_put(stdscr, 2, x, village, COLS - x, A_BOLD);
	for (size_t i = 0; i < nshown; i++) {
		const struct menu_entry *e = &menu_entries[shown[i]];
		char *line = xasprintf(" %c  %s ", e->key, _(e->label));
		tui_put(stdscr, y + 1 + (int)i * step, x, line, 40, i == sel ? A_REVERSE : A_NORMAL);
		free(line);
	}
	char *quit = xasprintf(" 0  %s ", _("Quit"));
	tui_put(stdscr, y + 1 + (int)nshown * step, x, quit, 40, A_NORMAL);
	free(quit);
	char *db = xasprintf(_("Database: %s"), t->app->db_path ? t->app->db_path : "");
	tui_put(stdscr, LINES - 3, 0, db, COLS, A_NORMAL);
	free(db);
	tui_keybar(t, menu_hints, ARRAY_LEN(menu_hints));
	tui_draw_message(t);
	curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Runs one entry; the menu keeps only a message its last key left (a refusal to open
 * it), not an old one of the screens it went through. */
static void menu_open(struct tui *t, size_t i)
{
	tui_message_clear(t);
	curs_set(1);
	if (menu_entries[i].run)
		menu_entries[i].run(t);
	else
		tui_ledger_group_run(t, menu_entries[i].group);
	tui_screen_change(t);
}

/* The menu as a view (tui-core's loop): the entry in hand and the village's name. */
struct menu_view {
	size_t sel;
	const char *village;
};

/* The menu as the clerk left it: also the ground of the dialogs a menu entry opens
 * (its own submenu) once a screen of it was left, not that screen's remains. */
static void menu_view_draw(struct tui *t, void *ctx)
{
	struct menu_view *v = ctx;
	size_t shown[MENU_MAX];
	size_t nshown = menu_shown(t, shown);
	if (v->sel >= nshown)
		v->sel = 0;
	menu_draw(t, shown, nshown, v->sel, v->village);
	curs_set(1);
}

/* The shown position of the entry picked by digit k, or nshown when none is. */
static size_t menu_by_key(const size_t shown[], size_t nshown, int k)
{
	for (size_t i = 0; i < nshown; i++)
		if (k == menu_entries[shown[i]].key)
			return i;
	return nshown;
}

/* F1: the keys of every screen. */
static void menu_help(struct tui *t)
{
	tui_show_text(t, _("Main menu"),
		      _("Press the digit of an entry. In every screen: Enter/Tab next field, Shift-Tab/Up "
			"previous, F1 help, F2 save, F3 search, F4 pick from a list, F7 new record, F8 "
			"status (residents are never deleted), F10 or Esc back. Esc then a digit within "
			"a second works as F1-F10 (Esc 0 is F10); Esc alone goes back after that "
			"second. In the statistics: \xE2\x86\x90/\xE2\x86\x92 the period, F5 or a digit the "
			"grouping, F6 print, F7 CSV file. In a text: / searches, F6 prints."));
}

static enum tui_view_step menu_view_key(struct tui *t, void *ctx, int k)
{
	struct menu_view *v = ctx;
	size_t shown[MENU_MAX];
	size_t nshown = menu_shown(t, shown);
	if (k == '0' || TK_IS_BACK(k)) {
		if (tui_confirm(t, _("Leave shanzhi?"), true))
			t->quit = true;
	} else if (k == TK_UP && v->sel > 0) {
		v->sel--;
	} else if (k == TK_DOWN && v->sel + 1 < nshown) {
		v->sel++;
	} else if (k == TK_ENTER && nshown) {
		menu_open(t, shown[v->sel]);
		menu_build(t);
	} else if (k == TK_F1) {
		menu_help(t);
	} else if (menu_by_key(shown, nshown, k) < nshown) {
		v->sel = menu_by_key(shown, nshown, k);
		menu_open(t, shown[v->sel]);
		menu_build(t);
	} else {
		/* a hidden entry's digit, typed from habit: its screen says why not */
		for (size_t i = 0; i < menu_count; i++)
			if (k == menu_entries[i].key)
				menu_open(t, i);
	}
	return t->quit ? TUI_VIEW_CLOSE : TUI_VIEW_DRAW;
}

void tui_menu_run(struct tui *t)
{
	menu_build(t);
	char *village = vgroup_register_title(t->app->st);
	struct menu_view mv = { 0, village };
	struct tui_view v = { .draw = menu_view_draw, .key = menu_view_key, .ctx = &mv };
	tui_service_first(t);  /* a clerk's day starts at the service work list */
	if (!t->quit)
		tui_view_run(t, &v);
	free(village);
}
