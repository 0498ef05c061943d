/* tui-sync: the township's conflicts screen (系统管理 → 同步冲突): the records changed
 * at both ends, listed open first; Enter shows both sides and lets the operator keep
 * the village's values or the township's. Everything it reads and writes is sync.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "sync.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "util.h"

static const struct tui_hint conflict_hints[] = {
	{ "Enter", N_("Resolve") }, { "F10", N_("Back") },
};

static char *conflict_header(void)
{
	struct strbuf sb = {0};
	tui_col(&sb, _("No."), 5);
	tui_col(&sb, _("Village"), 20);
	tui_col(&sb, _("Package"), 7);
	tui_col(&sb, _("Record"), 28);
	sb_append(&sb, _("State"));
	return sb_take(&sb);
}

/* Every conflict, open ones first. */
static int conflict_fetch(void *ctx, const char *query, size_t offset, size_t limit, struct tui_rows *out, char **err)
{
	struct tui *t = ctx;
	size_t n;
	(void)query, (void)offset, (void)limit;
	struct sync_conflict *c = sync_conflicts(t->app->st, false, &n, err);
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = {0};
		char no[24], seq[24], rec[64];
		snprintf(no, sizeof no, "%lld", c[i].id);
		snprintf(seq, sizeof seq, "#%lld", c[i].seq);
		snprintf(rec, sizeof rec, "%s %lld", c[i].tbl, c[i].row_id);
		tui_col(&sb, no, 5);
		tui_col(&sb, c[i].village, 20);
		tui_col(&sb, seq, 7);
		tui_col(&sb, rec, 28);
		if (strcmp(c[i].state, "open") == 0)
			sb_append(&sb, _("open"));
		else
			sb_appendf(&sb, "%s (%s)", strcmp(c[i].state, "village") == 0 ? _("village") : _("township"),
				   c[i].resolved_by ? c[i].resolved_by : "");
		tui_rows_add(out, c[i].id, sb_take(&sb));
		if (strcmp(c[i].state, "open") == 0)
			tui_rows_mark(out);
	}
	sync_conflicts_free(c, n);
	return 0;
}

/* Enter: both sides shown, then the operator's choice, audited by sync_resolve. */
static void conflict_resolve(struct tui *t, int64_t id)
{
	size_t n;
	char *err = NULL;
	struct sync_conflict *c = sync_conflicts(t->app->st, false, &n, &err);
	struct sync_conflict *x = NULL;
	for (size_t i = 0; i < n; i++)
		if (c[i].id == id)
			x = &c[i];
	if (x) {
		char *text = xasprintf(_("%s %lld, package %lld of %s\n\nThe village's values:\n%s\n\nThe township's values:\n%s\n"),
				       x->tbl, x->row_id, x->seq, x->village, x->theirs ? x->theirs : "-",
				       x->ours ? x->ours : "-");
		tui_show_text(t, _("Sync conflict"), text);
		free(text);
	}
	if (x && strcmp(x->state, "open") == 0) {
		const char *labels[] = { _("Keep the village's values"), _("Keep the township's values") };
		int i = tui_choose(t, _("Sync conflict"), labels, 2, 0);
		if (i >= 0 && sync_resolve(t->app->st, id, i == 0 ? "village" : "township", &err) == 0)
			tui_message(t, _("Conflict %lld resolved."), (long long)id);
		else if (i >= 0)
			tui_error(t, "%s", err ? err : "?");
	}
	free(err);
	sync_conflicts_free(c, n);
}

static enum tui_list_action conflict_key(void *ctx, struct tui *t, int key, int64_t sel)
{
	(void)ctx;
	if (key != TK_ENTER || sel <= 0)
		return TUI_LIST_STAY;
	conflict_resolve(t, sel);
	return TUI_LIST_RELOAD;
}

void tui_sync_conflicts_run(struct tui *t)
{
	char *header = conflict_header();
	struct tui_list_def def = {
		.title = N_("Sync conflicts"), .header = header, .hints = conflict_hints,
		.nhints = ARRAY_LEN(conflict_hints), .ctx = t, .fetch = conflict_fetch, .whole = true,
		.on_key = conflict_key,
	};
	tui_list_run(t, &def, NULL);
	free(header);
}
