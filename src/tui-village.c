/* tui-village: the village picker (see tui-village.h). */
#include "tui-village.h"

#include <stdlib.h>

#include "app.h"
#include "i18n.h"
#include "rowset.h"
#include "tui-list.h"
#include "util.h"
#include "village.h"

/* The picker's rows: a page of the villages whose name or town holds the query. */
static int village_rows(void *ctx, const char *query, size_t offset, size_t limit, struct rowset *out, char **err)
{
	struct tui *t = ctx;
	return village_list(t->app->st, query, offset, limit, out, err);
}

/* A village's line: its town, then its name. */
static char *village_line(void *ctx, const struct rowset *r, size_t i, bool *strong)
{
	(void)ctx;
	(void)strong;
	struct strbuf sb = { 0 };
	tui_col(&sb, rowset_text(r, i, VILLAGE_TOWN), 12);
	sb_append(&sb, rowset_text(r, i, VILLAGE_NAME));
	return sb_take(&sb);
}

int64_t tui_village_pick(struct tui *t, const char *title)
{
	struct tui_list_def def = { .title = title, .query = true, .query_label = N_("Filter:"),
				    .ctx = t, .rows = village_rows, .line = village_line,
				    .key_col = VILLAGE_ID };
	int64_t id;
	return tui_list_pick(t, &def, NULL, &id) ? id : 0;
}

int64_t tui_village_sole_or_pick(struct tui *t, const char *title, const char *none)
{
	struct rowset r = { 0 };
	village_list(t->app->st, NULL, 0, 2, &r, NULL);   /* two tell one from several */
	int64_t id = r.n == 1 ? rowset_int(&r, 0, VILLAGE_ID) : 0;
	if (r.n > 1)
		id = tui_village_pick(t, title);
	else if (!r.n)
		tui_error(t, "%s", none);
	rowset_free(&r);
	return id;
}
