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

bool tui_village_many(struct tui *t)
{
	return village_count_upto2(t->app->st) > 1;
}

/* The filter's rows: "All villages" first, then the villages. */
static int filter_rows(void *ctx, const char *query, size_t offset, size_t limit, struct rowset *out, char **err)
{
	struct tui *t = ctx;
	return village_list_with_all(t->app->st, _("All villages"), query, offset, limit, out, err);
}

/* A filter line: the village in force stands out. */
static char *filter_line(void *ctx, const struct rowset *r, size_t i, bool *strong)
{
	struct tui *t = ctx;
	*strong = rowset_int(r, i, VILLAGE_ID) == t->app->village;
	return village_line(ctx, r, i, strong);
}

bool tui_village_filter(struct tui *t)
{
	if (!tui_village_many(t)) {
		tui_message(t, "%s", _("The register holds one village: there is nothing to filter."));
		return false;
	}
	struct tui_list_def def = { .title = N_("Show one village"), .query = true, .query_label = N_("Filter:"),
				    .ctx = t, .rows = filter_rows, .line = filter_line, .key_col = VILLAGE_ID };
	int64_t id;
	if (!tui_list_pick(t, &def, NULL, &id) || id == t->app->village)
		return false;
	t->app->village = id;
	char *name = id ? village_name(t->app->st, id) : NULL;
	if (name)
		tui_message(t, _("Showing %s only; F4 for every village."), name);
	else
		tui_message(t, "%s", _("Showing every village."));
	free(name);
	return true;
}

struct tui_hint *tui_village_hints(struct tui *t, const struct tui_hint *base, size_t *n)
{
	bool many = tui_village_many(t);
	struct tui_hint *h = xcalloc(*n + 1, sizeof *h);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		h[k++] = base[i];
		if (i == 0 && many)
			h[k++] = (struct tui_hint){ "F4", N_("Village") };
	}
	*n = k;
	return h;
}

char *tui_village_title(struct tui *t, const char *title)
{
	char *name = t->app->village ? village_name(t->app->st, t->app->village) : NULL;
	char *s = name ? xasprintf("%s \xC2\xB7 %s", _(title), name) : xstrdup(_(title));
	free(name);
	return s;
}

/* Sets the list's title to its own with the filter's village. */
static void list_title(struct tui *t, struct tui_village_list *vl)
{
	free(vl->shown);
	vl->shown = tui_village_title(t, vl->title);
	vl->def->title = vl->shown;  /* already translated: gettext hands it back as it is */
}

void tui_village_list_begin(struct tui *t, struct tui_village_list *vl, struct tui_list_def *def)
{
	*vl = (struct tui_village_list){ .t = t, .def = def, .title = def->title };
	size_t n = def->nhints;
	vl->hints = tui_village_hints(t, def->hints, &n);
	def->hints = vl->hints;
	def->nhints = n;
	list_title(t, vl);
}

bool tui_village_list_key(struct tui *t, struct tui_village_list *vl, int key)
{
	if (key != TK_F4 || !tui_village_filter(t))
		return false;
	list_title(t, vl);
	return true;
}

void tui_village_list_end(struct tui_village_list *vl)
{
	free(vl->shown);
	free(vl->hints);
	vl->shown = NULL;
	vl->hints = NULL;
}
