/* tui-groups: the villagers' groups (村民小组) of a village, kept by an administrator
 * from 系统管理: add one, rename one (its households follow), take one off the lists
 * (its households move to another group), put it back. The changes are vgroup.c's,
 * through the audited write path. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "tui-village.h"
#include "util.h"
#include "vgroup.h"
#include "village.h"

static const struct tui_hint group_hints[] = {
	{ "Enter", N_("Rename") }, { "F7", N_("New") }, { "F8", N_("Deactivate/activate") }, { "F10", N_("Back") },
};

/* The village whose groups are on screen. */
struct groups_screen {
	struct tui *t;
	int64_t village_id;
	const char *village;
};

/* The column heads of the group list. */
static char *group_header(void)
{
	struct strbuf sb = {0};
	tui_col(&sb, _("Group"), 20);
	tui_col(&sb, _("Households"), 10);
	sb_append(&sb, _("State"));
	return sb_take(&sb);
}

/* The village's groups, in their order. */
static int group_fetch(void *ctx, const char *query, size_t offset, size_t limit, struct tui_rows *out, char **err)
{
	struct groups_screen *gs = ctx;
	struct vgroup *g;
	size_t n;
	(void)query, (void)offset, (void)limit;   /* a whole list: the engine pages it */
	if (vgroup_list(gs->t->app->st, gs->village_id, &g, &n, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = {0};
		char count[24];
		snprintf(count, sizeof count, "%ld", g[i].households);
		tui_col(&sb, g[i].name, 20);
		tui_col(&sb, count, 10);
		sb_append(&sb, g[i].active ? _("active") : _("deactivated"));
		tui_rows_add(out, g[i].id, sb_take(&sb));
	}
	vgroup_list_free(g, n);
	return 0;
}

/* Group id of the village, copied into *out; false when it is gone. */
static bool group_get(struct groups_screen *gs, int64_t id, struct vgroup *out)
{
	struct vgroup *g;
	size_t n;
	bool found = false;
	if (vgroup_list(gs->t->app->st, gs->village_id, &g, &n, NULL) != 0)
		return false;
	for (size_t i = 0; i < n && !found; i++)
		if (g[i].id == id) {
			*out = g[i];
			out->name = xstrdup(g[i].name);
			found = true;
		}
	vgroup_list_free(g, n);
	return found;
}

/* Says how a change went: done on success, else the error. Takes err and done. */
static void outcome(struct tui *t, int rc, char *err, char *done)
{
	if (rc == 0)
		tui_message(t, "%s", done);
	else
		tui_error(t, "%s", err ? err : "?");
	free(err);
	free(done);
}

/* F7: a new group at the end of the village's list. */
static void group_add(struct groups_screen *gs)
{
	char *title = xasprintf(_("New group of %s"), gs->village);
	char *name = tui_prompt(gs->t, title, _("Name (for example 3组):"), NULL, 50);
	free(title);
	if (!name)
		return;
	char *err = NULL;
	int rc = vgroup_add(gs->t->app->st, gs->village_id, name, NULL, &err);
	outcome(gs->t, rc, err, xasprintf(_("Group %s added."), name));
	free(name);
}

/* Enter: a new name for the group and its households. */
static void group_rename(struct groups_screen *gs, const struct vgroup *g)
{
	char *name = tui_prompt(gs->t, _("Rename group"), _("New name:"), g->name, 50);
	if (!name || strcmp(name, g->name) == 0) {
		free(name);
		return;
	}
	char *q = xasprintf(_("Rename %s to %s? Its %ld households follow."), g->name, name, g->households);
	if (tui_confirm(gs->t, q, false)) {
		char *err = NULL;
		long moved = 0;
		int rc = vgroup_rename(gs->t->app->st, g->id, name, &moved, &err);
		outcome(gs->t, rc, err, xasprintf(_("Group %s is now %s (%ld households)."), g->name, name, moved));
	}
	free(q);
	free(name);
}

/* The active group, other than g, that g's households move to; 0 when cancelled. */
static int64_t pick_target(struct groups_screen *gs, const struct vgroup *g)
{
	struct vgroup *all;
	size_t n, k = 0;
	if (vgroup_list(gs->t->app->st, gs->village_id, &all, &n, NULL) != 0)
		return 0;
	const char **labels = xcalloc(n + 1, sizeof *labels);
	int64_t *ids = xcalloc(n + 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		if (all[i].active && all[i].id != g->id) {
			labels[k] = all[i].name;
			ids[k++] = all[i].id;
		}
	char *title = xasprintf(_("Move the %ld households of %s to"), g->households, g->name);
	int i = k ? tui_choose(gs->t, title, labels, k, 0) : -1;
	if (!k)
		tui_error(gs->t, _("%s has households and the village has no other active group to move them to."),
			  g->name);
	int64_t id = i >= 0 ? ids[i] : 0;
	free(title);
	free(labels);
	free(ids);
	vgroup_list_free(all, n);
	return id;
}

/* F8: takes the group off the lists (its households moved first), or puts it back. */
static void group_toggle(struct groups_screen *gs, const struct vgroup *g)
{
	char *err = NULL;
	if (!g->active) {
		outcome(gs->t, vgroup_activate(gs->t->app->st, g->id, &err), err,
			xasprintf(_("Group %s is active again."), g->name));
		return;
	}
	int64_t to = g->households > 0 ? pick_target(gs, g) : 0;
	if (g->households > 0 && !to)
		return;
	char *q = xasprintf(_("Deactivate %s? It is no longer offered for a household."), g->name);
	if (tui_confirm(gs->t, q, false)) {
		long moved = 0;
		int rc = vgroup_deactivate(gs->t->app->st, g->id, to, &moved, &err);
		outcome(gs->t, rc, err, xasprintf(_("Group %s is deactivated (%ld households moved)."), g->name, moved));
	}
	free(q);
}

/* Keys of the group list. */
static enum tui_list_action group_key(void *ctx, struct tui *t, int key, int64_t sel)
{
	struct groups_screen *gs = ctx;
	(void)t;
	if (key == TK_F7) {
		group_add(gs);
		return TUI_LIST_RELOAD;
	}
	struct vgroup g = {0};
	if ((key != TK_ENTER && key != TK_F8) || sel <= 0 || !group_get(gs, sel, &g))
		return TUI_LIST_STAY;
	if (key == TK_ENTER)
		group_rename(gs, &g);
	else
		group_toggle(gs, &g);
	free(g.name);
	return TUI_LIST_RELOAD;
}

void tui_groups_run(struct tui *t)
{
	int64_t village_id = tui_village_sole_or_pick(t, N_("Village"), _("The register has no village yet."));
	char *village = village_id ? village_name(t->app->st, village_id) : NULL;
	if (village) {
		struct groups_screen gs = { .t = t, .village_id = village_id, .village = village };
		char *header = group_header();
		char *title = xasprintf(_("Village groups of %s"), village);
		struct tui_list_def def = {
			.title = title, .header = header, .hints = group_hints, .nhints = ARRAY_LEN(group_hints),
			.ctx = &gs, .fetch = group_fetch, .whole = true, .on_key = group_key,
		};
		tui_list_run(t, &def, NULL);
		free(title);
		free(header);
	}
	free(village);
}
