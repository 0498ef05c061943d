/* sync-ledger: the declared registers' records in a village's packages (sync-ledger.h). */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "sync-ledger.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "changeset-map.h"
#include "i18n.h"
#include "ledger-index.h"
#include "ledger.h"
#include "store.h"
#include "sync.h"
#include "util.h"

/* What each site keeps for itself: the declarations' record and the search index. */
static const char *const kept_here[] = {
	"ledger_meta", "ledger_key", "ledger_numkey", "ledger_numgram", "ledger_key_state",
};

bool sync_ledger_table(const char *table)
{
	if (strncmp(table, "ledger_", 7) != 0)
		return false;
	for (size_t i = 0; i < ARRAY_LEN(kept_here); i++)
		if (strcmp(table, kept_here[i]) == 0)
			return false;
	return true;
}

char **sync_ledger_tables(sqlite3 *db, size_t *n)
{
	sqlite3_stmt *s = NULL;
	char **names = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'ledger\\_%' ESCAPE '\\'"
			       " ORDER BY name = 'ledger_step', name", -1, &s, NULL) == SQLITE_OK)
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(s, 0);
			if (!sync_ledger_table(t))
				continue;
			names = xrealloc(names, (*n + 1) * sizeof *names);
			names[(*n)++] = xstrdup(t);
		}
	sqlite3_finalize(s);
	return names;
}

void sync_ledger_tables_free(char **tables, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tables[i]);
	free(tables);
}

/* The register whose table this is, as this site declares it; NULL for ledger_step
 * and for a register not declared here. */
static const struct ledger_def *def_of_table(const char *table)
{
	const struct ledger_set *set = ledger_set_default();
	for (size_t i = 0; i < ledger_count(set); i++)
		if (strcmp(ledger_at(set, i)->table, table) == 0)
			return ledger_at(set, i);
	return NULL;
}

/* ---- sync init: the rows into the block ---- */

/* Whether table has a column of that name (a field declared after the table was
 * made here, or dropped from the declaration, may not). */
static bool has_column(sqlite3 *db, const char *table, const char *col)
{
	sqlite3_stmt *s = NULL;
	bool yes = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, col, -1, SQLITE_STATIC);
		yes = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return yes;
}

/* One table's rows, its references and its audit entries' row ids. */
static void renumber_table(sqlite3 *db, struct strbuf *sb, const char *t, long long base)
{
	char *id = sync_moved_id(t, "id", base), *row = sync_moved_id(t, "row_id", base);
	char *first = sync_moved_id(t, "json_extract(after, '$.first')", base), *last = sync_moved_id(t, "json_extract(after, '$.last')", base);
	char *q = sqlite3_mprintf("UPDATE \"%w\" SET id = %s;\n"
				  "UPDATE audit SET row_id = %s WHERE tbl = '%q';\n"
				  "UPDATE audit SET after = json_set(after, '$.first', %s, '$.last', %s)"
				  " WHERE tbl = '%q' AND action = 'bulk' AND json_valid(after);\n",
				  t, id, row, t, first, last, t);
	sb_append(sb, q);
	sqlite3_free(q);
	sqlite3_free(id);
	sqlite3_free(row);
	sqlite3_free(first);
	sqlite3_free(last);
	if (strcmp(t, "ledger_step") == 0) {
		sync_move_reference(sb, t, "record_id", "ledger_step", base);   /* a register's record: moved as every one */
		return;
	}
	const struct ledger_def *d = def_of_table(t);
	for (size_t i = 0; d && i < d->columns->nfields; i++) {
		const struct field_def *f = &d->columns->fields[i];
		if (f->type == FIELD_REF && f->column && has_column(db, t, f->name))
			sync_move_reference(sb, t, f->name, f->ref_table, base);
	}
}

int sync_ledger_renumber(sqlite3 *db, long long base, char **err)
{
	size_t n;
	char **tables = sync_ledger_tables(db, &n);
	struct strbuf sb = { 0 };
	sb_append(&sb, "");
	for (size_t i = 0; i < n; i++)
		renumber_table(db, &sb, tables[i], base);
	/* the search index names records by id too, and how far it goes */
	char *rec = sync_moved_id("ledger_numkey", "rec", base), *done = sync_moved_id("ledger_key_state", "done", base);
	char *q = sqlite3_mprintf("UPDATE ledger_numkey SET rec = %s; UPDATE ledger_key_state SET done = %s;", rec, done);
	sb_append(&sb, q);
	sqlite3_free(q);
	sqlite3_free(rec);
	sqlite3_free(done);
	sync_ledger_tables_free(tables, n);
	char *sql = sb_take(&sb);
	int rc = sync_exec(db, sql, err);
	free(sql);
	return rc;
}

/* ---- the package's header: each register's columns ---- */

/* The distinct register tables (not ledger_step) a changeset holds, in its order. */
static char **changeset_registers(const void *changeset, int n, size_t *count)
{
	sqlite3_changeset_iter *it;
	char **names = NULL;
	*count = 0;
	if (sqlite3changeset_start(&it, n, (void *)changeset) != SQLITE_OK)
		return NULL;
	while (sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tbl;
		int ncol, op, indirect;
		sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
		if (!sync_ledger_table(tbl) || strcmp(tbl, "ledger_step") == 0)
			continue;
		if (*count && strcmp(names[*count - 1], tbl) == 0)
			continue;   /* a table's changes come together */
		names = xrealloc(names, (*count + 1) * sizeof *names);
		names[(*count)++] = xstrdup(tbl);
	}
	sqlite3changeset_finalize(it);
	return names;
}

/* A table's column names in its order, comma-separated. Caller frees. */
static char *column_list(sqlite3 *db, const char *table)
{
	sqlite3_stmt *s = NULL;
	struct strbuf sb = { 0 };
	sb_append(&sb, "");
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		for (int i = 0; sqlite3_step(s) == SQLITE_ROW; i++)
			sb_appendf(&sb, "%s%s", i ? "," : "", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	return sb_take(&sb);
}

static int stored_version(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s = NULL;
	int v = 0;
	if (sqlite3_prepare_v2(db, "SELECT version FROM ledger_meta WHERE name = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

char *sync_ledger_header(sqlite3 *db, const void *changeset, int n)
{
	size_t count;
	char **tables = changeset_registers(changeset, n, &count);
	struct strbuf sb = { 0 };
	sb_append(&sb, "");
	for (size_t i = 0; i < count; i++) {
		const struct ledger_def *d = def_of_table(tables[i]);
		char *cols = column_list(db, tables[i]);
		/* the title last: it may hold spaces */
		sb_appendf(&sb, "ledger %s %d %s %s\n", tables[i], stored_version(db, tables[i] + 7), cols,
			   d ? d->title : tables[i] + 7);
		free(cols);
	}
	sync_ledger_tables_free(tables, count);
	return sb_take(&sb);
}

/* ---- the township: the changeset in its own columns ---- */

/* A register as the village's header describes it. */
struct declared {
	char *table, *title;
	int version;
	char **cols;
	size_t ncols;
};

static void declared_free(struct declared *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].table);
		free(d[i].title);
		for (size_t c = 0; c < d[i].ncols; c++)
			free(d[i].cols[c]);
		free(d[i].cols);
	}
	free(d);
}

/* Splits "a,b,c" into its names. */
static char **split_commas(const char *s, size_t len, size_t *n)
{
	char **out = NULL;
	*n = 0;
	for (const char *p = s, *end = s + len; p < end;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t k = c ? (size_t)(c - p) : (size_t)(end - p);
		out = xrealloc(out, (*n + 1) * sizeof *out);
		out[(*n)++] = xstrndup(p, k);
		p += k + 1;
	}
	return out;
}

/* The "ledger" lines of a package's header. */
static struct declared *read_declared(const char *header, size_t len, size_t *n)
{
	struct declared *d = NULL;
	*n = 0;
	for (const char *p = header, *end = header + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, k);
		char table[128], cols[8192];
		int version, used = 0;
		if (sscanf(line, "ledger %127s %d %8191s %n", table, &version, cols, &used) >= 3) {
			d = xrealloc(d, (*n + 1) * sizeof *d);
			struct declared *x = &d[(*n)++];
			x->table = xstrdup(table);
			x->version = version;
			x->title = xstrdup(used ? line + used : table);
			x->cols = split_commas(cols, strlen(cols), &x->ncols);
		}
		free(line);
		p += k + 1;
	}
	return d;
}

/* A table's columns here: names and whether each is in the primary key. */
struct columns {
	char **names;
	unsigned char *pk;
	size_t n;
};

static void columns_here(sqlite3 *db, const char *table, struct columns *c)
{
	sqlite3_stmt *s = NULL;
	memset(c, 0, sizeof *c);
	if (sqlite3_prepare_v2(db, "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW) {
			c->names = xrealloc(c->names, (c->n + 1) * sizeof *c->names);
			c->pk = xrealloc(c->pk, c->n + 1);
			c->names[c->n] = xstrdup((const char *)sqlite3_column_text(s, 0));
			c->pk[c->n++] = sqlite3_column_int(s, 1) ? 1 : 0;
		}
	}
	sqlite3_finalize(s);
}

static void columns_free(struct columns *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->pk);
	memset(c, 0, sizeof *c);
}

/* How one table's changes are written: for each column here, the village's column
 * it takes its value from (-1: none), and the column whose value is dropped (the
 * steps' operator, -1: none). */
struct plan {
	char *table;
	struct columns here;
	int *from;
	int blank;
	struct changeset_map map;   /* the above as changeset_remap takes it */
};

/* The plan as changeset_remap takes it. */
static const struct changeset_map *plan_map(struct plan *p)
{
	p->map = (struct changeset_map){ .ncols = p->here.n, .pk = p->here.pk, .from = p->from, .blank = p->blank };
	return &p->map;
}

static void plans_free(struct plan *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].table);
		columns_free(&p[i].here);
		free(p[i].from);
	}
	free(p);
}

/* The plan of a register's table, or -1 with *err: not declared here, or a column
 * of the village's that the declaration here lacks. */
static int plan_register(sqlite3 *db, const char *table, const struct declared *dv, size_t ndv, const char *who,
			 struct plan *p, char **err)
{
	const struct ledger_def *d = def_of_table(table);
	const struct declared *v = NULL;
	for (size_t i = 0; i < ndv && !v; i++)
		if (strcmp(dv[i].table, table) == 0)
			v = &dv[i];
	if (!v)
		return set_error(err, _("%s holds records of %s without naming its columns: damaged; refused, nothing was "
					"changed"), who, table);
	if (!d)
		return set_error(err, _("%s holds records of the register %s (%s), which this township does not declare: "
					"put the village's %s.register in the township's forms (its local folder's registers/) "
					"and apply it again; refused, nothing was changed"), who, v->title, table + 7, table + 7);
	columns_here(db, table, &p->here);
	p->from = xcalloc(p->here.n + 1, sizeof *p->from);
	for (size_t j = 0; j < p->here.n; j++) {
		p->from[j] = -1;
		for (size_t i = 0; i < v->ncols; i++)
			if (strcmp(v->cols[i], p->here.names[j]) == 0)
				p->from[j] = (int)i;
	}
	for (size_t i = 0; i < v->ncols; i++) {
		bool found = false;
		for (size_t j = 0; j < p->here.n && !found; j++)
			found = p->from[j] == (int)i;
		if (!found)
			return set_error(err, _("%s: the register %s (%s) is version %d there and %d here, and its field %s is "
						"not declared here: update the township's %s.register first; refused, nothing "
						"was changed"), who, _(d->title), d->name, v->version, d->version, v->cols[i],
					 d->name);
	}
	return 0;
}

/* The plan of a table whose columns are the same everywhere: value i from column i. */
static void plan_same(sqlite3 *db, const char *table, struct plan *p)
{
	columns_here(db, table, &p->here);
	p->from = xcalloc(p->here.n + 1, sizeof *p->from);
	for (size_t j = 0; j < p->here.n; j++) {
		p->from[j] = (int)j;
		if (strcmp(table, "ledger_step") == 0 && strcmp(p->here.names[j], "operator_id") == 0)
			p->blank = (int)j;
	}
}

struct plans {
	struct plan *p;
	size_t n;
};

static struct plan *find_plan(struct plans *ps, const char *table)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].table, table) == 0)
			return &ps->p[i];
	return NULL;
}

/* A register's map for changeset_remap; NULL for every other table: as it is. */
static const struct changeset_map *plan_of(void *ctx, const char *table)
{
	struct plan *p = find_plan(ctx, table);
	return p ? plan_map(p) : NULL;
}

/* Every register table of the changeset (and ledger_step) with its plan. */
static int make_plans(sqlite3 *db, const void *changeset, int n, const struct declared *dv, size_t ndv,
		      const char *who, struct plans *ps, char **err)
{
	sqlite3_changeset_iter *it;
	if (sqlite3changeset_start(&it, n, (void *)changeset) != SQLITE_OK)
		return set_error(err, "%s", _("the package's changes cannot be read"));
	int rc = 0;
	while (rc == 0 && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tbl;
		int ncol, op, indirect;
		sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
		if (!sync_ledger_table(tbl) || find_plan(ps, tbl))
			continue;
		ps->p = xrealloc(ps->p, (ps->n + 1) * sizeof *ps->p);
		struct plan *p = &ps->p[ps->n++];
		memset(p, 0, sizeof *p);
		p->table = xstrdup(tbl);
		p->blank = -1;
		if (strcmp(tbl, "ledger_step") == 0)
			plan_same(db, tbl, p);
		else
			rc = plan_register(db, tbl, dv, ndv, who, p, err);
	}
	sqlite3changeset_finalize(it);
	return rc;
}

/* Whether some change of the changeset makes test(ctx, table, its column count) true. */
static bool any_change(const void *changeset, int n, bool (*test)(void *ctx, const char *tbl, int ncol), void *ctx)
{
	sqlite3_changeset_iter *it;
	bool yes = false;
	if (sqlite3changeset_start(&it, n, (void *)changeset) != SQLITE_OK)
		return false;
	while (!yes && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tbl;
		int ncol, op, indirect;
		sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
		yes = test(ctx, tbl, ncol);
	}
	sqlite3changeset_finalize(it);
	return yes;
}

static bool is_register(void *ctx, const char *tbl, int ncol)
{
	return sync_ledger_table(tbl);
}

/* Whether a changeset holds any register's rows (most packages of a village's
 * residents do not: nothing to migrate or rewrite). */
static bool holds_registers(const void *changeset, int n)
{
	return any_change(changeset, n, is_register, NULL);
}

int sync_ledger_prepare(struct store *st, const char *header, size_t header_len, const void *changeset, int n,
			const char *who, void **out, int *nout, char **err)
{
	sqlite3 *db = store_db(st);
	*out = NULL;
	*nout = 0;
	size_t ndv;
	struct declared *dv = read_declared(header, header_len, &ndv);
	struct plans ps = { 0 };
	/* the tables as the township's declarations make them, before they are looked at */
	bool registers = holds_registers(changeset, n);
	int rc = registers ? ledger_migrate(st, ledger_set_default(), NULL, err) : 0;
	if (rc == 0 && registers)
		rc = make_plans(db, changeset, n, dv, ndv, who, &ps, err);
	if (rc == 0 && ps.n > 0 && changeset_remap(changeset, n, plan_of, &ps, out, nout) != 0)
		rc = set_error(err, "%s", _("the package's changes cannot be read"));
	plans_free(ps.p, ps.n);
	declared_free(dv, ndv);
	return rc;
}

/* ---- the village: changesets kept before a register grew ---- */

struct widths {
	sqlite3 *db;
	struct plan *p;
	size_t n;
	bool narrower;   /* a change has fewer columns than its table now */
};

/* A register's table as it is now: value i from column i, NULL or undefined past
 * the change's own columns. */
static struct plan *width_plan(struct widths *w, const char *table)
{
	if (!sync_ledger_table(table) || strcmp(table, "ledger_step") == 0)
		return NULL;
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->p[i].table, table) == 0)
			return &w->p[i];
	w->p = xrealloc(w->p, (w->n + 1) * sizeof *w->p);
	struct plan *p = &w->p[w->n++];
	memset(p, 0, sizeof *p);
	p->table = xstrdup(table);
	plan_same(w->db, table, p);
	p->blank = -1;
	return p;
}

static bool is_narrower(void *ctx, const char *tbl, int ncol)
{
	struct plan *p = width_plan(ctx, tbl);
	return p && (size_t)ncol < p->here.n;
}

/* Whether some register's changes in the changeset have fewer columns than its table. */
static bool narrower(struct widths *w, const void *changeset, int n)
{
	return any_change(changeset, n, is_narrower, w);
}

static const struct changeset_map *width_map(void *ctx, const char *table)
{
	struct plan *p = width_plan(ctx, table);
	return p ? plan_map(p) : NULL;
}

int sync_ledger_widen(sqlite3 *db, const void *changeset, int n, void **out, int *nout)
{
	struct widths w = { .db = db };
	*out = NULL;
	*nout = 0;
	int rc = narrower(&w, changeset, n) ? changeset_remap(changeset, n, width_map, &w, out, nout) : 0;
	plans_free(w.p, w.n);
	return rc;
}

/* ---- the township's search index ---- */

struct touched {
	int64_t *edited, *arrived;
	size_t nedited, narrived;
};

/* The keys of one register's records a package wrote. */
static int index_touched(sqlite3 *db, const char *table, struct touched *t, char **err)
{
	const struct ledger_def *d = def_of_table(table);
	int rc = d && (t->nedited || t->narrived)
		 ? ledger_index_records(db, d, t->edited, t->nedited, t->arrived, t->narrived, err) : 0;
	free(t->edited);
	free(t->arrived);
	memset(t, 0, sizeof *t);
	return rc;
}

int sync_ledger_index(struct store *st, const void *changeset, int n,
		      bool (*skipped)(void *ctx, const char *tbl, long long row), void *ctx, char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_changeset_iter *it;
	if (sqlite3changeset_start(&it, n, (void *)changeset) != SQLITE_OK)
		return set_error(err, "%s", _("the package's changes cannot be read"));
	char last[128] = "";
	struct touched t = { 0 };
	int rc = 0;
	while (rc == 0 && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tbl;
		int ncol, op, indirect;
		sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
		if (strcmp(tbl, last) != 0) {
			rc = *last ? index_touched(db, last, &t, err) : 0;
			snprintf(last, sizeof last, "%s", tbl);
		}
		if (op == SQLITE_DELETE || !sync_ledger_table(tbl) || strcmp(tbl, "ledger_step") == 0)
			continue;
		sqlite3_value *pk = NULL;
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, 0, &pk);
		else
			sqlite3changeset_old(it, 0, &pk);
		int64_t row = pk ? sqlite3_value_int64(pk) : 0;
		if (!row || skipped(ctx, tbl, row))
			continue;
		int64_t **list = op == SQLITE_INSERT ? &t.arrived : &t.edited;
		size_t *k = op == SQLITE_INSERT ? &t.narrived : &t.nedited;
		*list = xrealloc(*list, (*k + 1) * sizeof **list);
		(*list)[(*k)++] = row;
	}
	if (rc == 0 && *last)
		rc = index_touched(db, last, &t, err);
	free(t.edited);
	free(t.arrived);
	sqlite3changeset_finalize(it);
	return rc;
}

int sync_ledger_reindex(struct store *st, const char *tbl, long long row, bool arrived, char **err)
{
	const struct ledger_def *d = def_of_table(tbl);
	if (!d)
		return 0;
	int64_t id = row;
	return ledger_index_records(store_db(st), d, arrived ? NULL : &id, arrived ? 0 : 1, arrived ? &id : NULL,
				    arrived ? 1 : 0, err);
}
