/* ledger-store: the declared registers' tables and records (ledger.h): migrations
 * keyed on ledger_meta, lists, saves and transitions through the one audited write
 * path (record_store_with, store_insert, store_update), deadlines on the holiday
 * calendar, and the overdue records of every register. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "i18n.h"
#include "ledger-earn.h"
#include "ledger-index.h"
#include "record.h"
#include "rowset.h"
#include "store.h"
#include "sync.h"
#include "util.h"
#include "workday.h"

/* Schema step (schema.c): what every register shares; the registers' own tables are
 * made by ledger_migrate from their declarations. */
const char ledger_schema_v1[] =
	"CREATE TABLE ledger_meta (\n"
	"  name TEXT PRIMARY KEY,\n"
	"  version INTEGER NOT NULL,\n"
	"  columns TEXT NOT NULL CHECK (json_valid(columns))\n"
	");\n"
	"CREATE TABLE ledger_step (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  ledger TEXT NOT NULL,\n"
	"  record_id INTEGER NOT NULL,\n"
	"  transition TEXT NOT NULL,\n"
	"  from_state TEXT,\n"
	"  to_state TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  operator_id INTEGER REFERENCES operator(id),\n"
	"  note TEXT\n"
	");\n"
	"CREATE INDEX ledger_step_record ON ledger_step(ledger, record_id);\n";

/* ---- small helpers ---- */

static int fail(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
	return -1;
}

static int exec(sqlite3 *db, const char *sql, char **err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	return fail(err, xasprintf("%s: %s", sql, sqlite3_errmsg(db)));
}

static const char *column_type(enum field_type t)
{
	return t == FIELD_INTEGER || t == FIELD_REF ? "INTEGER" : t == FIELD_DECIMAL ? "REAL" : "TEXT";
}

/* The SQL of the register's final states as a list for IN (…): names are identifiers. */
static char *final_states(const struct ledger_def *d)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, "(");
	size_t n = 0;
	for (size_t i = 0; i < d->nstates; i++)
		if (d->states[i].final)
			sb_appendf(&sb, "%s'%s'", n++ ? ", " : "", d->states[i].name);
	if (!n)
		sb_append(&sb, "NULL");
	sb_append(&sb, ")");
	return sb_take(&sb);
}

/* The columns the declaration stores, as the JSON array ledger_meta keeps. */
static char *columns_json(const struct ledger_def *d)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, "[");
	size_t n = 0;
	for (size_t i = 0; i < d->columns->nfields; i++)
		if (d->columns->fields[i].column)
			sb_appendf(&sb, "%s\"%s\"", n++ ? "," : "", d->columns->fields[i].name);
	sb_append(&sb, "]");
	return sb_take(&sb);
}

/* ---- migrations ---- */

static bool has_column(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *stmt;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &stmt,
			       NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, column, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return found;
}

static int create_table(sqlite3 *db, const struct ledger_def *d, char **err)
{
	struct strbuf sb = { 0 };
	sb_appendf(&sb, "CREATE TABLE \"%s\" (\n  id INTEGER PRIMARY KEY", d->table);
	for (size_t i = 0; i < d->columns->nfields; i++)
		if (d->columns->fields[i].column)
			sb_appendf(&sb, ",\n  \"%s\" %s", d->columns->fields[i].name,
				   column_type(d->columns->fields[i].type));
	sb_append(&sb, ",\n  number TEXT, state TEXT, state_since TEXT, due TEXT, opened_on TEXT,"
		       " created_at TEXT, updated_at TEXT, form_version INTEGER NOT NULL DEFAULT 1\n);");
	int rc = exec(db, sb.s, err);
	sb_free(&sb);
	return rc;
}

/* New fields become columns; a column whose field is gone stays with its data. */
static int add_columns(sqlite3 *db, const struct ledger_def *d, char **err)
{
	for (size_t i = 0; i < d->columns->nfields; i++) {
		const struct field_def *f = &d->columns->fields[i];
		if (!f->column || has_column(db, d->table, f->name))
			continue;
		char *sql = xasprintf("ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", d->table, f->name,
				      column_type(f->type));
		int rc = exec(db, sql, err);
		free(sql);
		if (rc)
			return -1;
	}
	return 0;
}

/* The order column of `order = col DIR` (already quoted SQL), unquoted. */
static char *order_column(const struct ledger_def *d)
{
	const char *q = d->order ? strchr(d->order, '"') : NULL;
	const char *e = q ? strchr(q + 1, '"') : NULL;
	return e ? xstrndup(q + 1, (size_t)(e - q - 1)) : NULL;
}

/* Whether search field i is a stored TEXT column (its values are the search index's terms). */
static bool text_search_column(const struct ledger_def *d, size_t i)
{
	int fi = form_field_index(d->columns, d->search[i]);
	const struct field_def *f = fi >= 0 ? &d->columns->fields[fi] : NULL;
	return f && f->column && strcmp(column_type(f->type), "TEXT") == 0;
}

/* The list's order column when it is one other than id and col: a ref or search
 * column's index ends in it. NULL otherwise. Caller frees. */
static char *order_suffix(const struct ledger_def *d, const char *col)
{
	char *o = order_column(d);
	if (o && (strcmp(o, "id") == 0 || strcmp(o, col) == 0)) {
		free(o);
		o = NULL;
	}
	return o;
}

/* The name of a ref or search column's index: table_col, or table_col__ORDER when it
 * ends in the list's order column. Caller frees. */
static char *column_index_name(const struct ledger_def *d, const char *col)
{
	char *o = order_suffix(d, col);
	char *name = o ? xasprintf("%s_%s__%s", d->table, col, o) : xasprintf("%s_%s", d->table, col);
	free(o);
	return name;
}

/* A ref or search column's index, on (col, order column): a household's records, or a
 * value's, are one index range that also holds the key the list sorts by, so a
 * search's first page sorts those keys instead of reading every record
 * (ledger-index.c, first_in_order). The single-column index it replaces goes. */
static void column_index(struct strbuf *sb, const struct ledger_def *d, const char *col)
{
	char *o = order_suffix(d, col), *name = column_index_name(d, col);
	sb_appendf(sb, "CREATE INDEX IF NOT EXISTS \"%s\" ON \"%s\"(\"%s\"", name, d->table, col);
	if (o)
		sb_appendf(sb, ", \"%s\");\nDROP INDEX IF EXISTS \"%s_%s\";\n", o, d->table, col);
	else
		sb_append(sb, ");\n");
	free(name);
	free(o);
}

/* Indexes the lists, pickers and the work list walk. */
static int create_indexes(sqlite3 *db, const struct ledger_def *d, char **err)
{
	struct strbuf sb = { 0 };
	const char *t = d->table;
	/* a number is unique within a site's block of ids (sync.h): at the township, two
	 * villages' first visits are both 走访2026-0001 */
	sb_appendf(&sb, "DROP INDEX IF EXISTS \"%s_number\";\n", t);
	sb_appendf(&sb, "CREATE UNIQUE INDEX IF NOT EXISTS \"%s_site_number\" ON \"%s\"(number, id >> %d);\n", t, t,
		   SYNC_BLOCK_BITS);
	sb_appendf(&sb, "CREATE INDEX IF NOT EXISTS \"%s_state\" ON \"%s\"(state);\n", t, t);
	sb_appendf(&sb, "CREATE INDEX IF NOT EXISTS \"%s_due\" ON \"%s\"(due) WHERE due IS NOT NULL;\n", t, t);
	for (size_t i = 0; i < d->columns->nfields; i++) {
		const struct field_def *f = &d->columns->fields[i];
		if (f->column && f->type == FIELD_REF)
			column_index(&sb, d, f->name);
	}
	/* a search column's values, for the search index's candidates (ledger-index.h) */
	for (size_t i = 0; i < d->nsearch; i++)
		if (text_search_column(d, i))
			column_index(&sb, d, d->search[i]);
	for (size_t i = 0; i < d->nindexes; i++) {
		sb_appendf(&sb, "CREATE INDEX IF NOT EXISTS \"%s_x", t);
		for (size_t c = 0; c < d->index_cols[i]; c++)
			sb_appendf(&sb, "_%s", d->indexes[i][c]);
		sb_appendf(&sb, "\" ON \"%s\"(", t);
		for (size_t c = 0; c < d->index_cols[i]; c++)
			sb_appendf(&sb, "%s\"%s\"", c ? ", " : "", d->indexes[i][c]);
		sb_append(&sb, ");\n");
	}
	char *col = order_column(d);
	if (col && strcmp(col, "id") != 0)
		sb_appendf(&sb, "CREATE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\"(\"%s\");\n", t, col, t, col);
	free(col);
	int rc = exec(db, sb.s, err);
	sb_free(&sb);
	return rc;
}

/* What ledger_meta says of a register: its version (0: none yet) and columns. */
static int stored_meta(sqlite3 *db, const char *name, char **columns)
{
	sqlite3_stmt *stmt;
	int version = 0;
	*columns = NULL;
	if (sqlite3_prepare_v2(db, "SELECT version, columns FROM ledger_meta WHERE name = ?1", -1, &stmt,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		version = sqlite3_column_int(stmt, 0);
		*columns = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return version;
}

/* Whether the database holds an index of that name. */
static bool has_index(sqlite3 *db, const char *name)
{
	sqlite3_stmt *stmt;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1", -1, &stmt,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(stmt) == SQLITE_ROW;
		sqlite3_finalize(stmt);
	}
	return found;
}

/* Whether d's table is as its declaration says (ledger_meta's version and columns):
 * then a start needs no write. */
static bool up_to_date(sqlite3 *db, const struct ledger_def *d)
{
	char *stored_cols, *cols = columns_json(d);
	int stored = stored_meta(db, d->name, &stored_cols);
	bool same = stored == d->version && stored_cols && strcmp(stored_cols, cols) == 0;
	/* a declared index added later is made without a new version */
	for (size_t i = 0; same && i < d->nindexes; i++) {
		struct strbuf name = { 0 };
		sb_appendf(&name, "%s_x", d->table);
		for (size_t c = 0; c < d->index_cols[i]; c++)
			sb_appendf(&name, "_%s", d->indexes[i][c]);
		same = has_index(db, name.s);
		sb_free(&name);
	}
	/* so are a ref or search column's, and the search index catches up with a bulk load */
	for (size_t i = 0; same && i < d->nsearch; i++) {
		if (!text_search_column(d, i))
			continue;
		char *name = column_index_name(d, d->search[i]);
		same = has_index(db, name);
		free(name);
	}
	for (size_t i = 0; same && i < d->columns->nfields; i++) {
		const struct field_def *f = &d->columns->fields[i];
		if (!f->column || f->type != FIELD_REF)
			continue;
		char *name = column_index_name(d, f->name);
		same = has_index(db, name);
		free(name);
	}
	same = same && ledger_index_current(db, d);
	char *number_index = xasprintf("%s_site_number", d->table);
	same = same && has_index(db, number_index);
	free(number_index);
	free(stored_cols);
	free(cols);
	return same;
}

/* A register table grown large with no statistics for the planner (a bulk load, a
 * register that grew before its indexes changed) is analyzed once: a report grouping
 * a year by a column reads its declared index (column, date) one group's range after
 * another only when the statistics say the groups are few (a skip-scan), and sorts
 * the year's rows otherwise. */
#define ANALYZE_FROM 10000

static int analyze_if_large(sqlite3 *db, const struct ledger_def *d, char **err)
{
	char *sql = sqlite3_mprintf("SELECT (SELECT count(*) FROM (SELECT 1 FROM \"%w\" LIMIT %d)) >= %d AND"
				    " NOT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = %Q)", d->table,
				    ANALYZE_FROM, ANALYZE_FROM, d->table);
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		/* no sqlite_stat1 yet: nothing has been analyzed */
		sqlite3_free(sql);
		sql = sqlite3_mprintf("SELECT (SELECT count(*) FROM (SELECT 1 FROM \"%w\" LIMIT %d)) >= %d",
				      d->table, ANALYZE_FROM, ANALYZE_FROM);
		sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	}
	bool large = stmt && sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	if (!large)
		return 0;
	sql = sqlite3_mprintf("ANALYZE \"%w\"", d->table);
	int rc = exec(db, sql, err);
	sqlite3_free(sql);
	return rc;
}

static int migrate_one(sqlite3 *db, const struct ledger_def *d, char **err)
{
	char *stored_cols;
	int stored = stored_meta(db, d->name, &stored_cols);
	char *cols = columns_json(d);
	int rc = 0;
	if (stored < 0) {
		rc = fail(err, xasprintf("ledger_meta: %s", sqlite3_errmsg(db)));
	} else if (stored > d->version) {
		rc = fail(err, xasprintf(_("%s:%d: register %s: version %d is lower than the database's %d; "
					   "a declaration's version is never lowered"),
					 d->file, d->line, d->name, d->version, stored));
	} else if (up_to_date(db, d) && has_column(db, d->table, "id")) {
		rc = 0;  /* as it was: nothing to do, a quick start */
	} else {
		bool exists = has_column(db, d->table, "id");
		rc = (exists ? add_columns(db, d, err) : create_table(db, d, err));
		if (rc == 0)
			rc = create_indexes(db, d, err);
		if (rc == 0)
			rc = ledger_index_add(db, d, 0, err);
		if (rc == 0)
			rc = analyze_if_large(db, d, err);
		sqlite3_stmt *stmt = NULL;
		if (rc == 0 && sqlite3_prepare_v2(db, "INSERT INTO ledger_meta(name, version, columns)"
					" VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET"
					" version = excluded.version, columns = excluded.columns",
					-1, &stmt, NULL) == SQLITE_OK) {
			sqlite3_bind_text(stmt, 1, d->name, -1, SQLITE_STATIC);
			sqlite3_bind_int(stmt, 2, d->version);
			sqlite3_bind_text(stmt, 3, cols, -1, SQLITE_STATIC);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = fail(err, xasprintf("ledger_meta: %s", sqlite3_errmsg(db)));
		} else if (rc == 0) {
			rc = fail(err, xasprintf("ledger_meta: %s", sqlite3_errmsg(db)));
		}
		sqlite3_finalize(stmt);
	}
	free(cols);
	free(stored_cols);
	return rc;
}

/* Prepares the register's forms and report queries against its table: what does
 * not prepare, or (a report) would write, is a problem of the declaration. */
static void check_queries(sqlite3 *db, const struct ledger_set *s, const struct ledger_def *d,
			  struct strbuf *problems)
{
	char *msg = NULL;
	struct form_eval *ev = form_eval_new(d->form, db, &msg);
	for (size_t i = 0; ev && i < d->ntransitions; i++) {
		form_eval_free(ev);
		ev = form_eval_new(d->transitions[i].form, db, &msg);
	}
	form_eval_free(ev);
	if (msg)
		sb_appendf(problems, "%s\n", msg);
	free(msg);
	for (size_t i = 0; i < d->nreports; i++) {
		const struct ledger_report *r = &d->reports[i];
		sqlite3_stmt *stmt = NULL;
		if (sqlite3_prepare_v2(db, r->query, -1, &stmt, NULL) != SQLITE_OK)
			sb_appendf(problems, "%s:%d: %s\n", d->file, r->query_line, sqlite3_errmsg(db));
		else if (!sqlite3_stmt_readonly(stmt) || sqlite3_column_count(stmt) < 1)
			sb_appendf(problems, _("%s:%d: report %s: the query must be a SELECT that only reads\n"),
				   d->file, r->query_line, r->name);
		sqlite3_finalize(stmt);
	}
	ledger_earn_check(db, s, d, problems);
	for (size_t i = 0; i < d->ntransitions; i++) {
		const struct ledger_transition *t = &d->transitions[i];
		if (!t->check)
			continue;
		char *sql = xasprintf("SELECT (%s) FROM \"%s\" WHERE id = 0", t->check, d->table);
		sqlite3_stmt *stmt = NULL;
		if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
			sb_appendf(problems, _("%s:%d: transition %s: check: %s\n"), d->file, t->check_line,
				   t->name, sqlite3_errmsg(db));
		sqlite3_finalize(stmt);
		free(sql);
	}
}

/* The connection whose tables were migrated for which set: every entry point
 * makes sure of it first. */
static struct {
	sqlite3 *db;
	const struct ledger_set *set;
} migrated;

/* sz_state(register, state): the state's label in the register's declaration (of the
 * set last migrated), or state itself; reports name states with it, not a CASE that
 * a new state would miss. */
static void sql_state(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *reg = (const char *)sqlite3_value_text(argv[0]);
	const char *state = (const char *)sqlite3_value_text(argv[1]);
	const struct ledger_def *d = migrated.set && reg ? ledger_find(migrated.set, reg) : NULL;
	if (d && state)
		sqlite3_result_text(ctx, ledger_state_label(d, state), -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, argv[1]);
}

int ledger_migrate(struct store *st, const struct ledger_set *s, char **errors, char **err)
{
	sqlite3 *db = store_db(st);
	if (sqlite3_create_function(db, "sz_state", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, sql_state, NULL,
				    NULL) != SQLITE_OK)
		return fail(err, xstrdup(sqlite3_errmsg(db)));
	struct strbuf problems = { 0 };
	if (errors && *errors)
		sb_append(&problems, *errors);
	bool all_current = true;
	for (size_t i = 0; all_current && i < ledger_count(s); i++)
		all_current = up_to_date(db, ledger_at(s, i));
	int rc = 0;
	/* the write lock only when a declaration changed: reading commands never wait */
	if (!all_current && store_begin(st, err) != 0)
		return -1;
	for (size_t i = 0; !all_current && rc == 0 && i < ledger_count(s); i++)
		rc = migrate_one(db, ledger_at(s, i), err);
	if (!all_current && rc == 0)
		rc = store_commit(st, err);
	/* a search index built over a big table leaves a big WAL every read would look
	 * through: folded back into the database now */
	if (!all_current && rc == 0)
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	else if (rc != 0)
		store_rollback(st);
	for (size_t i = 0; rc == 0 && i < ledger_count(s); i++)
		check_queries(db, s, ledger_at(s, i), &problems);
	if (rc == 0) {
		migrated.db = db;
		migrated.set = s;
	}
	if (errors) {
		free(*errors);
		*errors = problems.len ? sb_take(&problems) : NULL;
	}
	sb_free(&problems);
	return rc;
}

void ledger_store_forget(const struct ledger_set *s)
{
	if (migrated.set == s)
		migrated.set = NULL, migrated.db = NULL;
}

/* Whether d's table is there: migrates the default set (or d's own) once per connection. */
static int ready(struct store *st, const struct ledger_def *d, char **err)
{
	sqlite3 *db = store_db(st);
	/* the table checked too: another register opened later may reuse the address */
	if (migrated.db == db && (ledger_find(migrated.set, d->name) == d) && has_column(db, d->table, "id"))
		return 0;
	if (ledger_find(ledger_set_default(), d->name) == d)
		return ledger_migrate(st, ledger_set_default(), NULL, err);
	/* a set of the caller's own (tests, check-forms): this register alone */
	if (store_begin(st, err) != 0)
		return -1;
	if (migrate_one(db, d, err) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

int ledger_ready(struct store *st, const struct ledger_def *d, char **err)
{
	return ready(st, d, err);
}

/* ---- deadlines ---- */

/* from + dl into out; "" when there is no deadline. */
static void deadline_from(const struct ledger_deadline *dl, const char *from, char out[11])
{
	out[0] = '\0';
	if (!dl->n || !from)
		return;
	if (dl->unit == LEDGER_WORKDAYS) {
		if (workday_add(workday_default(), from, dl->n, out) != 0)
			out[0] = '\0';
	} else {
		int64_t day = workday_day_number(from);
		if (day != INT64_MIN)
			workday_date(day + dl->n, out);
	}
}

/* The due date of a record entering state on day `since`, opened on `opened`: the
 * earlier of the state's deadline and the whole life cycle's (from the day it was
 * opened); "" when none runs. */
static void due_for(const struct ledger_def *d, const char *state, const char *since,
		    const char *opened, char out[11])
{
	const struct ledger_state *s = ledger_state(d, state);
	char whole[11];
	out[0] = '\0';
	if (s && s->final)
		return;
	if (s)
		deadline_from(&s->deadline, since, out);
	if (s && s->stop_deadline)
		return;
	deadline_from(&d->deadline, opened, whole);
	if (whole[0] && (!out[0] || strcmp(whole, out) < 0))
		memcpy(out, whole, sizeof whole);
}

/* ---- lists ---- */

/* The SQL of a list column name. */
static const char *list_sql_column(const char *name)
{
	return strcmp(name, "deadline") == 0 ? "due" : name;
}

/* The condition one search word puts on a record: ?P is the word as a LIKE pattern,
 * ?P+1 the word itself. A search column holds it; a referenced resident's name holds
 * it or his pinyin initials start with it (the resident search's own keys, an index
 * range even over a million residents); a referenced household's number starts with it. */
static void word_condition(const struct ledger_def *d, struct strbuf *sb, int p)
{
	sb_appendf(sb, "(number LIKE ?%d ESCAPE '\\'", p);
	for (size_t i = 0; i < d->nsearch; i++) {
		int fi = form_field_index(d->columns, d->search[i]);
		const struct field_def *f = fi >= 0 ? &d->columns->fields[fi] : NULL;
		if (!f)
			continue;
		if (f->type == FIELD_REF && strcmp(f->ref_table, "resident") == 0)
			sb_appendf(sb, " OR \"%s\" IN (SELECT resident_id FROM resident_key WHERE"
				   " (key >= 'n:' || ?%d AND key < 'n:' || ?%d || char(1114111))"
				   " OR (key >= 'p:' || lower(?%d) AND key < 'p:' || lower(?%d) || char(1114111)))",
				   f->name, p + 1, p + 1, p + 1, p + 1);
		else if (f->type == FIELD_REF && strcmp(f->ref_table, "household") == 0)
			sb_appendf(sb, " OR \"%s\" IN (SELECT id FROM household WHERE hh_no >= ?%d"
				   " AND hh_no < ?%d || char(1114111))", f->name, p + 1, p + 1);
		else
			sb_appendf(sb, " OR \"%s\" LIKE ?%d ESCAPE '\\'", f->name, p);
	}
	sb_append(sb, ")");
}

/* Splits a search into words (spaces); up to 8. */
static size_t search_words(const char *search, char *words[8])
{
	size_t n = 0;
	while (search && *search && n < 8) {
		while (*search == ' ' || *search == '\t')
			search++;
		size_t len = strcspn(search, " \t");
		if (len)
			words[n++] = xstrndup(search, len);
		search += len;
	}
	return n;
}

/* " WHERE ..." for a search (parameters from ?first on), "" for none. */
static void search_where(const struct ledger_def *d, struct strbuf *sb, size_t nwords, int first, bool more)
{
	for (size_t i = 0; i < nwords; i++) {
		sb_append(sb, i || more ? " AND " : " WHERE ");
		word_condition(d, sb, first + 2 * (int)i);
	}
}

static void bind_words(sqlite3_stmt *stmt, char *words[8], size_t n, int first)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(stmt, first + 2 * (int)i, ledger_like_pattern(words[i]), -1, free);
		sqlite3_bind_text(stmt, first + 2 * (int)i + 1, words[i], -1, SQLITE_TRANSIENT);
	}
}

/* Runs stmt into out (all columns as text). */
static int fill_rowset(sqlite3 *db, sqlite3_stmt *stmt, struct rowset *out, char **err)
{
	int ncols = sqlite3_column_count(stmt);
	out->ncols = (size_t)ncols;
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->cell = xrealloc(out->cell, (out->n + 1) * (size_t)ncols * sizeof *out->cell);
		for (int c = 0; c < ncols; c++) {
			const char *v = (const char *)sqlite3_column_text(stmt, c);
			out->cell[out->n * (size_t)ncols + (size_t)c] = v ? xstrdup(v) : NULL;
		}
		out->n++;
	}
	if (rc != SQLITE_DONE)
		return fail(err, xstrdup(sqlite3_errmsg(db)));
	return 0;
}

/* A search's candidates drawn from the index once a word is rare enough that reading
 * them beats walking the list in its order until a screenful matches: up to
 * ledger_index_drive() the candidates are read and sorted; up to CANDIDATES_CAP the
 * list is walked in its order, a row tested against the candidates before it is read. */
#define CANDIDATES_CAP 5000

/* Brings d's search index up to the table (a bulk load, records saved elsewhere); a
 * database that cannot be written keeps the ordered scan. */
static void index_catch_up(struct store *st, const struct ledger_def *d)
{
	sqlite3 *db = store_db(st);
	if (ledger_index_current(db, d) || store_begin(st, NULL) != 0)
		return;
	if (ledger_index_add(db, d, 0, NULL) == 0)
		store_commit(st, NULL);
	else
		store_rollback(st);
}

/* " FROM table WHERE ..." of a search: the index's candidates first when a word is rare.
 * want > 0: a page needs the first want rows; when the candidates are more than
 * that, only the first want of them in the list's order are read (*partial: the
 * page may come out short when some of them do not match after all). */
static void search_from(struct store *st, const struct ledger_def *d, struct strbuf *sb, char *words[8],
			size_t nwords, int first, size_t want, bool *partial)
{
	int64_t count = 0;
	char *head = NULL;
	char *cand = nwords ? ledger_index_candidates(store_db(st), d, words, nwords, CANDIDATES_CAP, &count,
						      want, want ? &head : NULL) : NULL;
	const char *t = d->table;
	*partial = head != NULL;
	if (head)
		sb_appendf(sb, " FROM (%s) AS c CROSS JOIN \"%s\" ON \"%s\".id = c.cid", head, t, t);
	else if (cand && count <= ledger_index_drive())
		sb_appendf(sb, " FROM (%s) AS c CROSS JOIN \"%s\" ON \"%s\".id = c.cid", cand, t, t);
	else if (cand)  /* + : a test on each row walked, not the way in */
		sb_appendf(sb, " FROM \"%s\" WHERE +\"%s\".id IN (%s)", t, t, cand);
	else
		sb_appendf(sb, " FROM \"%s\"", t);
	search_where(d, sb, nwords, first, !head && cand && count > ledger_index_drive());
	free(head);
	free(cand);
}

/* One run of the list's query into out; want as search_from's. */
static int list_run(struct store *st, const struct ledger_def *d, char *words[8], size_t nwords,
		    size_t offset, size_t limit, size_t want, struct rowset *out, bool *partial, char **err)
{
	sqlite3 *db = store_db(st);
	char today[11];
	store_today(today);
	char *finals = final_states(d);
	struct strbuf sb = { 0 };
	sb_appendf(&sb, "SELECT \"%s\".id, number, state, due, coalesce(due < ?1 AND coalesce(state NOT IN %s, 1), 0)",
		   d->table, finals);
	for (size_t i = 0; i < d->nlist; i++)
		sb_appendf(&sb, ", \"%s\"", list_sql_column(d->list[i]));
	search_from(st, d, &sb, words, nwords, 4, want, partial);
	sb_appendf(&sb, " ORDER BY %s, \"%s\".id DESC LIMIT ?2 OFFSET ?3", d->order ? d->order : "id DESC",
		   d->table);
	sqlite3_stmt *stmt = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(db, sb.s, -1, &stmt, NULL) != SQLITE_OK) {
		fail(err, xasprintf("%s: %s", d->table, sqlite3_errmsg(db)));
	} else {
		sqlite3_bind_text(stmt, 1, today, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, limit ? (int64_t)limit : -1);
		sqlite3_bind_int64(stmt, 3, (int64_t)offset);
		bind_words(stmt, words, nwords, 4);
		rc = fill_rowset(db, stmt, out, err);
	}
	sqlite3_finalize(stmt);
	free(finals);
	sb_free(&sb);
	return rc;
}

int ledger_list(struct store *st, const struct ledger_def *d, const char *search,
		size_t offset, size_t limit, struct rowset *out, char **err)
{
	if (ready(st, d, err) != 0)
		return -1;
	char *words[8];
	size_t nwords = search_words(search, words);
	if (nwords)
		index_catch_up(st, d);
	bool partial = false;
	int rc = list_run(st, d, words, nwords, offset, limit, limit ? offset + limit : 0, out, &partial, err);
	if (rc == 0 && partial && out->n < limit) {
		/* some of the first candidates did not match: the page from all of them */
		rowset_free(out);
		rc = list_run(st, d, words, nwords, offset, limit, 0, out, &partial, err);
	}
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	return rc;
}

int64_t ledger_list_count(struct store *st, const struct ledger_def *d, const char *search)
{
	if (ready(st, d, NULL) != 0)
		return -1;
	sqlite3 *db = store_db(st);
	struct strbuf sb = { 0 };
	sb_append(&sb, "SELECT count(*)");
	char *words[8];
	size_t nwords = search_words(search, words);
	if (nwords)
		index_catch_up(st, d);
	bool partial;
	search_from(st, d, &sb, words, nwords, 1, 0, &partial);
	sqlite3_stmt *stmt = NULL;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db, sb.s, -1, &stmt, NULL) == SQLITE_OK) {
		bind_words(stmt, words, nwords, 1);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			n = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	sb_free(&sb);
	return n;
}

/* A record of another register as a clerk names it: its number, or when the register
 * numbers nothing its first search field as shown (a grid worker's name, not "3").
 * NULL when there is no such record. */
static char *ledger_ref_text(struct store *st, const char *table, const char *id)
{
	const struct ledger_set *set = ledger_set_default();
	const struct ledger_def *other = NULL;
	for (size_t i = 0; i < ledger_count(set) && !other; i++)
		if (strcmp(ledger_at(set, i)->table, table) == 0)
			other = ledger_at(set, i);
	const char *column = other && !other->number && other->nsearch ? other->search[0] : "number";
	char *sql = xasprintf("SELECT coalesce(\"%s\", id) FROM \"%s\" WHERE id = ?1", column, table);
	char *raw = rowset_value(st, sql, "t", id);
	free(sql);
	if (!raw || strcmp(column, "number") == 0 || strcmp(raw, id) == 0)
		return raw;
	char *shown = ledger_cell_text(st, other, column, raw);   /* a code's label, a person's name */
	free(raw);
	return shown;
}

char *ledger_cell_text(struct store *st, const struct ledger_def *d, const char *column,
		       const char *value)
{
	if (!value)
		return xstrdup("");
	if (strcmp(column, "state") == 0)
		return xstrdup(ledger_state_label(d, value));
	int fi = form_field_index(d->columns, column);
	if (fi < 0)
		return xstrdup(value);
	const struct field_def *f = &d->columns->fields[fi];
	if (f->type == FIELD_REF) {
		char *text = strncmp(f->ref_table, "ledger_", 7) == 0 ? ledger_ref_text(st, f->ref_table, value)
								   : record_ref_text(st, f->ref_table, value);
		return text ? text : xstrdup(value);
	}
	return form_display_value(f, value);
}

/* ---- records ---- */

void ledger_record_info_free(struct ledger_record_info *info)
{
	free(info->number);
	free(info->state);
	free(info->state_since);
	free(info->due);
	free(info->opened_on);
	memset(info, 0, sizeof *info);
}

/* number, state, state_since, due, opened_on of record id. */
static int record_info(struct store *st, const struct ledger_def *d, int64_t id,
		       struct ledger_record_info *info, char **err)
{
	struct rowset r = { 0 };
	char *sql = xasprintf("SELECT number, state, state_since, due, coalesce(opened_on, substr(created_at, 1, 10)) FROM \"%s\" WHERE id = ?1",
			      d->table);
	int rc = rowset_select(st, &r, err, sql, "l", id);
	free(sql);
	if (rc == 0 && r.n == 0)
		rc = fail(err, xasprintf(_("record %lld is not in the register"), (long long)id));
	if (rc == 0) {
		char *const *c = r.cell;
		info->number = xstrdup(c[0]);
		info->state = xstrdup(c[1]);
		info->state_since = xstrdup(c[2]);
		info->due = xstrdup(c[3]);
		info->opened_on = xstrdup(c[4]);
		char today[11];
		store_today(today);
		const struct ledger_state *s = ledger_state(d, info->state);
		info->overdue = info->due && strcmp(info->due, today) < 0 && !(s && s->final);
	}
	rowset_free(&r);
	return rc;
}

int ledger_load(struct store *st, const struct ledger_def *d, int64_t id, struct form_data *rec,
		struct ledger_record_info *info, char **err)
{
	if (ready(st, d, err) != 0)
		return -1;
	if (record_load(st, rec, id, err) != 0)
		return -1;
	rec->id = id;   /* the rules' :id */
	return info ? record_info(st, d, id, info, err) : 0;
}

/* The next record number: the pattern with {year} and {seq[:N]} filled. Caller frees. */
static char *next_number(struct store *st, const struct ledger_def *d, const char *today)
{
	struct strbuf pre = { 0 }, post = { 0 };
	int width = 0;
	bool after = false;
	for (const char *p = d->number; *p;) {
		struct strbuf *sb = after ? &post : &pre;
		if (strncmp(p, "{year}", 6) == 0) {
			sb_append_n(sb, today, 4);
			p += 6;
		} else if (strncmp(p, "{seq", 4) == 0) {
			if (p[4] == ':')
				width = atoi(p + 5);
			p = strchr(p, '}') + 1;
			after = true;
		} else {
			sb_append_n(sb, p, 1);
			p++;
		}
	}
	/* substr and length count characters, as the pattern's prefix is written */
	char *sql = xasprintf("SELECT max(CAST(substr(number, length(?2) + 1,"
			      " length(number) - length(?2) - length(?3)) AS INTEGER))"
			      " FROM \"%s\" WHERE number GLOB ?1", d->table);
	char *glob = xasprintf("%s*%s", pre.s ? pre.s : "", post.s ? post.s : "");
	char *last = rowset_value(st, sql, "ttt", glob, pre.s ? pre.s : "", post.s ? post.s : "");
	char *number = xasprintf("%s%0*lld%s", pre.s ? pre.s : "", width, (long long)(last ? atoll(last) : 0) + 1,
				 post.s ? post.s : "");
	free(last);
	free(glob);
	free(sql);
	sb_free(&pre);
	sb_free(&post);
	return number;
}

/* The form's checks of rec (defaults, derivations, normalising first); its message or NULL. */
/* Evaluators kept while a batch of new records is saved (ledger_keep_evaluators). */
#define KEPT_MAX 64
static struct {
	const struct form_def *def;
	struct form_eval *ev;
} kept[KEPT_MAX];
static size_t nkept;
static struct store *keeping;   /* the store they were prepared on, or NULL */

void ledger_keep_evaluators(struct store *st, bool on)
{
	for (size_t i = 0; i < nkept; i++)
		form_eval_free(kept[i].ev);
	nkept = 0;
	keeping = on ? st : NULL;
}

/* The evaluator of def for a new record: kept for the batch, or NULL (then made and
 * freed by the caller). */
static struct form_eval *kept_evaluator(struct store *st, const struct form_def *def, char **msg)
{
	if (keeping != st)
		return NULL;
	for (size_t i = 0; i < nkept; i++)
		if (kept[i].def == def)
			return kept[i].ev;
	struct form_eval *ev = nkept < KEPT_MAX ? record_form_eval(def, st, msg) : NULL;
	if (ev) {
		form_eval_check_refs(ev);
		kept[nkept].def = def, kept[nkept++].ev = ev;
	}
	return ev;
}

static char *form_refusal(struct store *st, const struct form_def *def, struct form_data *rec,
			  bool is_new)
{
	char *msg = NULL;
	/* an edit's derivations follow what this record last derived: its own evaluator */
	struct form_eval *ev = is_new ? kept_evaluator(st, def, &msg) : NULL;
	bool own = !ev;
	if (own && !msg && (ev = record_form_eval(def, st, &msg)) != NULL)
		form_eval_check_refs(ev);
	if (!ev)
		return msg;
	if (is_new) {
		/* defaults fill what was left empty, as a new record's form does (and what a
		 * kept evaluator derived for the record before is forgotten) */
		form_normalize_and_derive(ev, rec, -1);
	} else {
		for (size_t i = 0; i < def->nfields; i++)
			form_normalize_and_derive(ev, rec, (int)i);
	}
	char *refusal = form_eval_refusal(ev, rec);   /* the same evaluator: its rules are prepared once */
	if (own)
		form_eval_free(ev);
	return refusal;
}

/* The day a record is opened or a step made on: the real day, or the one
 * ledger_clock_set gave (demo data backdated to a plausible year). */
static char clock_day[11];

void ledger_clock_set(const char *day)
{
	snprintf(clock_day, sizeof clock_day, "%s", day ? day : "");
}

static void write_day(char out[11])
{
	if (clock_day[0])
		memcpy(out, clock_day, 11);
	else
		store_today(out);
}

/* The step's time: now, or noon of the clock's day. */
static void write_time(char out[32])
{
	if (clock_day[0])
		snprintf(out, 32, "%sT12:00:00+08:00", clock_day);
	else
		store_now(out);
}

int ledger_save(struct store *st, const struct ledger_def *d, struct form_data *rec,
		int64_t *id, char **err)
{
	if (ready(st, d, err) != 0)
		return -1;
	rec->id = *id;   /* the rules' :id: NULL for a new record */
	char *why = form_refusal(st, d->form, rec, *id == 0);
	if (why)
		return fail(err, why);
	if (store_begin(st, err) != 0)
		return -1;
	int rc;
	bool is_new = *id == 0;
	if (*id) {
		rc = record_store(st, rec, id, NULL, err);
	} else {
		char today[11], due[11];
		write_day(today);
		const char *initial = d->nstates ? d->states[0].name : NULL;
		due_for(d, initial, today, today, due);
		char *number = d->number ? next_number(st, d, today) : NULL;
		struct store_field extra[] = {
			{ .column = "number", .value = number },
			{ .column = "state", .value = initial },
			{ .column = "state_since", .value = initial ? today : NULL },
			{ .column = "due", .value = due[0] ? due : NULL },
			{ .column = "opened_on", .value = today },
		};
		rc = record_store_with(st, rec, id, extra, ARRAY_LEN(extra), NULL, err);
		free(number);
	}
	/* the search index kept in step by the one write path (ledger-index.h) */
	if (rc == 0)
		rc = ledger_index_add(store_db(st), d, *id, err);
	/* what a new record earns in other registers, declared there ([earn]) */
	if (rc == 0 && is_new)
		rc = ledger_earn_run(st, migrated.set, d, rec, *id, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc == 0) {
		form_data_keep_base(rec);
		rec->id = *id;
	}
	return rc;
}

/* ---- transitions ---- */

/* Whether the store's operator may make t: its role is one of t's roles (none
 * listed: anyone who may change the register), or the register has no operator. */
static bool role_may(struct store *st, const struct ledger_transition *t, char **role_out)
{
	char *role = access_current_role(st);
	bool ok = !t->nroles;
	for (size_t i = 0; !ok && role && i < t->nroles; i++)
		ok = strcmp(role, t->roles[i]) == 0;
	if (!role && store_operator_id(st) <= 0)
		ok = access_allows(st, ACCESS_LEDGER_EDIT);  /* no operators yet: nothing refused */
	*role_out = role;
	return ok;
}

static bool from_ok(const struct ledger_transition *t, const char *state)
{
	for (size_t i = 0; state && i < t->nfrom; i++)
		if (strcmp(t->from[i], state) == 0)
			return true;
	return false;
}

int ledger_transitions_open(struct store *st, const struct ledger_def *d, int64_t id,
			    const struct ledger_transition ***out, char **err)
{
	*out = NULL;
	if (ready(st, d, err) != 0)
		return -1;
	struct ledger_record_info info = { 0 };
	if (record_info(st, d, id, &info, err) != 0)
		return -1;
	int n = 0;
	*out = xcalloc(d->ntransitions + 1, sizeof **out);
	for (size_t i = 0; i < d->ntransitions; i++) {
		char *role = NULL;
		if (from_ok(&d->transitions[i], info.state) && role_may(st, &d->transitions[i], &role))
			(*out)[n++] = &d->transitions[i];
		free(role);
	}
	ledger_record_info_free(&info);
	return n;
}

/* Evaluates t's check over record id as stored now (inside the step's transaction):
 * columns by name, and every field as :name. 1 true (or NULL), 0 false, -1 error. */
static int check_holds(sqlite3 *db, const struct ledger_def *d, const struct ledger_transition *t,
		       int64_t id, char **err)
{
	char *sql = xasprintf("SELECT (%s) FROM \"%s\" WHERE id = %lld", t->check, d->table, (long long)id);
	sqlite3_stmt *stmt = NULL, *row = NULL;
	int rc = -1;
	char *rsql = xasprintf("SELECT * FROM \"%s\" WHERE id = ?1", d->table);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, rsql, -1, &row, NULL) != SQLITE_OK) {
		fail(err, xasprintf("%s:%d: %s", d->file, t->check_line, sqlite3_errmsg(db)));
		goto out;
	}
	sqlite3_bind_int64(row, 1, id);
	if (sqlite3_step(row) == SQLITE_ROW) {
		for (int p = 1; p <= sqlite3_bind_parameter_count(stmt); p++) {
			const char *name = sqlite3_bind_parameter_name(stmt, p);
			for (int c = 0; name && c < sqlite3_column_count(row); c++)
				if (strcmp(name + 1, sqlite3_column_name(row, c)) == 0)
					sqlite3_bind_value(stmt, p, sqlite3_column_value(row, c));
		}
	}
	rc = sqlite3_step(stmt) == SQLITE_ROW
		     ? (sqlite3_column_type(stmt, 0) == SQLITE_NULL || sqlite3_column_int(stmt, 0) != 0)
		     : fail(err, xstrdup(sqlite3_errmsg(db)));
out:
	sqlite3_finalize(stmt);
	sqlite3_finalize(row);
	free(sql);
	free(rsql);
	return rc;
}

/* Why the operator may not make t from the record's state, or NULL. */
static char *step_refusal(struct store *st, const struct ledger_def *d,
			  const struct ledger_transition *t, const struct ledger_record_info *info)
{
	if (!from_ok(t, info->state)) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < t->nfrom; i++)
			sb_appendf(&sb, "%s%s", i ? _(", ") : "", ledger_state_label(d, t->from[i]));
		char *msg = xasprintf(_("%s: the record is %s; it can be made only from %s"), _(t->label),
				      ledger_state_label(d, info->state), sb.s);
		sb_free(&sb);
		return msg;
	}
	char *role;
	bool ok = role_may(st, t, &role);
	char *msg = ok ? NULL : xasprintf(_("%s: your role (%s) may not make it"), _(t->label),
					  role ? access_role_label(role) : _("none"));
	free(role);
	return msg;
}

/* The step's writes: asked fields, state, state_since, due, then the history row. */
static int step_write(struct store *st, const struct ledger_def *d, const struct ledger_transition *t,
		      int64_t id, const struct ledger_record_info *info, struct form_data *asked,
		      const char *note, char **err)
{
	char today[11], due[11], at[32];
	write_day(today);
	write_time(at);
	due_for(d, t->to, today, info->opened_on ? info->opened_on : today, due);
	size_t nasked = asked ? asked->def->nfields : 0;
	struct store_field *f = xcalloc(nasked + 3, sizeof *f);
	size_t n = 0;
	for (size_t i = 0; i < nasked; i++)
		if (asked->def->fields[i].column)
			f[n++] = (struct store_field){ .column = asked->def->fields[i].name,
						       .value = asked->values[i] };
	f[n++] = (struct store_field){ .column = "state", .value = t->to };
	f[n++] = (struct store_field){ .column = "state_since", .value = today };
	f[n++] = (struct store_field){ .column = "due", .value = due[0] ? due : NULL };
	char *reason = xasprintf("%s: %s", d->name, t->name);
	int rc = store_update(st, d->table, id, f, n, reason, err);
	free(reason);
	free(f);
	/* an asked field may be a search column: its new value's keys */
	if (rc != 0 || ledger_index_add(store_db(st), d, id, err) != 0)
		return -1;
	char rid[24], op[24];
	snprintf(rid, sizeof rid, "%lld", (long long)id);
	snprintf(op, sizeof op, "%lld", (long long)store_operator_id(st));
	struct store_field h[] = {
		{ .column = "ledger", .value = d->name }, { .column = "record_id", .value = rid },
		{ .column = "transition", .value = t->name }, { .column = "from_state", .value = info->state },
		{ .column = "to_state", .value = t->to }, { .column = "at", .value = at },
		{ .column = "operator_id", .value = store_operator_id(st) > 0 ? op : NULL },
		{ .column = "note", .value = note && *note ? note : NULL },
	};
	int64_t hid;
	return store_insert(st, "ledger_step", h, ARRAY_LEN(h), &hid, err);
}

int ledger_step(struct store *st, const struct ledger_def *d, int64_t id, const char *transition,
		struct form_data *asked, const char *note, char **err)
{
	const struct ledger_transition *t = ledger_transition(d, transition);
	if (!t)
		return fail(err, xasprintf(_("%s has no transition %s"), _(d->title), transition));
	if (ready(st, d, err) != 0)
		return -1;
	struct ledger_record_info info = { 0 };
	if (record_info(st, d, id, &info, err) != 0)
		return -1;
	char *why = step_refusal(st, d, t, &info);
	if (!why && asked && asked->def != t->form)
		why = xstrdup(_("the values asked are not the transition's form"));
	struct form_data none;
	if (!why && !asked) {
		form_data_init(&none, t->form);
		asked = &none;
	}
	if (!why) {
		asked->id = id;   /* the stage rules' :id */
		why = form_refusal(st, t->form, asked, true);
	}
	int rc = -1;
	if (why) {
		fail(err, why);
	} else if (store_begin(st, err) == 0) {
		rc = step_write(st, d, t, id, &info, asked, note, err);
		int holds = rc == 0 && t->check ? check_holds(store_db(st), d, t, id, err) : 1;
		if (rc == 0 && holds == 0)
			rc = fail(err, xstrdup(t->check_msg ? _(t->check_msg) : _("the transition's check is not met")));
		else if (holds < 0)
			rc = -1;
		if (rc == 0)
			rc = store_commit(st, err);
		else
			store_rollback(st);
	}
	if (asked == &none)
		form_data_free(&none);
	ledger_record_info_free(&info);
	return rc;
}

int ledger_history(struct store *st, const struct ledger_def *d, int64_t id, struct rowset *out,
		   char **err)
{
	if (ready(st, d, err) != 0)
		return -1;
	if (rowset_select(st, out, err,
			  "SELECT s.at, s.transition, s.from_state, s.to_state, o.login, s.note"
			  " FROM ledger_step s LEFT JOIN operator o ON o.id = s.operator_id"
			  " WHERE s.ledger = ?1 AND s.record_id = ?2 ORDER BY s.id", "tl", d->name, id) != 0)
		return -1;
	/* the names as the clerk reads them */
	for (size_t i = 0; i < out->n; i++) {
		char **c = &out->cell[i * out->ncols];
		const struct ledger_transition *t = ledger_transition(d, c[LEDGER_HIST_TRANSITION]);
		char *label = xstrdup(t ? _(t->label) : c[LEDGER_HIST_TRANSITION]);
		free(c[LEDGER_HIST_TRANSITION]);
		c[LEDGER_HIST_TRANSITION] = label;
		for (int k = LEDGER_HIST_FROM; k <= LEDGER_HIST_TO; k++) {
			char *s = xstrdup(c[k] ? ledger_state_label(d, c[k]) : NULL);
			free(c[k]);
			c[k] = s;
		}
	}
	return 0;
}

/* ---- what is due ---- */

int ledger_overdue(struct store *st, const struct ledger_set *s, size_t limit, struct rowset *out,
		   char **err)
{
	char today[11];
	store_today(today);
	struct strbuf sb = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < ledger_count(s); i++) {
		const struct ledger_def *d = ledger_at(s, i);
		if (ready(st, d, err) != 0) {
			sb_free(&sb);
			return -1;
		}
		char *finals = final_states(d);
		sb_appendf(&sb, "%sSELECT * FROM (SELECT '%s', id, number, state, due FROM \"%s\""
			   " WHERE due < ?1 AND coalesce(state NOT IN %s, 1))", n++ ? " UNION ALL " : "",
			   d->name, d->table, finals);
		free(finals);
	}
	int rc = 0;
	if (n) {
		sb_appendf(&sb, " ORDER BY 5, 1, 2 LIMIT %lld", limit ? (long long)limit : -1LL);
		rc = rowset_select(st, out, err, sb.s, "t", today);
	}
	sb_free(&sb);
	return rc;
}

int ledger_due_counts(struct store *st, const struct ledger_def *d, int64_t *due, int64_t *overdue,
		      char **err)
{
	if (ready(st, d, err) != 0)
		return -1;
	char today[11];
	store_today(today);
	char *finals = final_states(d);
	char *sql = xasprintf("SELECT count(*), count(*) FILTER (WHERE due < ?1) FROM \"%s\""
			      " WHERE due <= ?1 AND coalesce(state NOT IN %s, 1)", d->table, finals);
	struct rowset r = { 0 };
	int rc = rowset_select(st, &r, err, sql, "t", today);
	if (rc == 0) {
		*due = rowset_int(&r, 0, 0);
		*overdue = rowset_int(&r, 0, 1);
	}
	rowset_free(&r);
	free(sql);
	free(finals);
	return rc;
}
