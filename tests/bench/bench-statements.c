/* bench-statements: what a statement per row costs a bulk load, beside one
 * INSERT ... SELECT. The import writes each household and each resident with a
 * prepared single-row INSERT; the floor of bench-import.sh copies the same rows with
 * one INSERT ... SELECT per table. This copies the rows of an imported register into
 * an empty one both ways, with the floor's settings (rollback journal, foreign keys
 * off, 8 MiB of cache, the secondary indexes and the key trigger dropped), and rolls
 * each copy back:
 *   select     one INSERT ... SELECT per table, as the floor;
 *   per-row    the rows read in file order, each household before its first member,
 *              every value copied into a string of its own and bound, one statement
 *              per row, as the import's writing thread;
 *   read-only  the same reading and copying without the INSERTs, to subtract;
 *   table      the residents through one INSERT OR IGNORE ... SELECT from a virtual
 *              table whose every row is read and copied as per-row's, each household
 *              written by a statement of its own from within the table as its first
 *              member is given, and each row's insertion seen from the last insert
 *              rowid: the way the import could write them.
 * A figure, not a test.
 *
 * usage: bench-statements EMPTY.db IMPORTED.db [ROUNDS]
 * EMPTY.db is a new register (`shanzhi --db EMPTY.db check`), IMPORTED.db one that
 * `shanzhi import residents` filled (bench-import.sh leaves it in its work folder). */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUSEHOLD_COLUMNS 9

enum mode { MODE_SELECT, MODE_PER_ROW, MODE_READ_ONLY, MODE_TABLE };

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench-statements: %s: %s\n", sql, msg);
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-statements: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return stmt;
}

/* "INSERT INTO table VALUES (?, ... ?)" with n parameters. */
static sqlite3_stmt *prepare_insert(sqlite3 *db, const char *table, int n)
{
	char sql[512];
	int at = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?", table);
	for (int i = 1; i < n; i++)
		at += snprintf(sql + at, sizeof sql - (size_t)at, ", ?");
	snprintf(sql + at, sizeof sql - (size_t)at, ")");
	return prepare(db, sql);
}

/* Binds n strings (NULL as NULL) and steps; counts a failure. */
static void insert_row(sqlite3_stmt *stmt, char **values, int n, long *failed)
{
	for (int i = 0; i < n; i++) {
		if (values[i])
			sqlite3_bind_text(stmt, i + 1, values[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(stmt, i + 1);
	}
	if (sqlite3_step(stmt) != SQLITE_DONE)
		(*failed)++;
	sqlite3_reset(stmt);
}

/* Every resident with its household's columns after its own, in id order: each
 * household goes in before its first member, as the import writes them. */
static long copy_per_row(sqlite3 *db, bool write)
{
	sqlite3_stmt *rows = prepare(db, "SELECT r.*, h.* FROM src.resident r"
				     " LEFT JOIN src.household h ON h.id = r.household_id ORDER BY r.id");
	int ncols = sqlite3_column_count(rows), nres = ncols - HOUSEHOLD_COLUMNS;
	sqlite3_stmt *household = prepare_insert(db, "household", HOUSEHOLD_COLUMNS);
	sqlite3_stmt *resident = prepare_insert(db, "resident", nres);
	char **values = calloc((size_t)ncols, sizeof *values);
	long failed = 0;
	sqlite3_int64 last_household = 0;
	while (sqlite3_step(rows) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++) {
			const unsigned char *v = sqlite3_column_text(rows, i);
			values[i] = v ? strdup((const char *)v) : NULL;
		}
		sqlite3_int64 hid = sqlite3_column_int64(rows, nres);
		if (write && hid && hid != last_household)
			insert_row(household, values + nres, HOUSEHOLD_COLUMNS, &failed);
		last_household = hid;
		if (write)
			insert_row(resident, values, nres, &failed);
		for (int i = 0; i < ncols; i++)
			free(values[i]);
	}
	free(values);
	sqlite3_finalize(rows);
	sqlite3_finalize(household);
	sqlite3_finalize(resident);
	return failed;
}

/* ---- the rows as a table: one INSERT ... SELECT, a household's INSERT within it ---- */

struct rows_table {
	sqlite3_vtab base;
	sqlite3 *db;
};

struct rows_cursor {
	sqlite3_vtab_cursor base;
	sqlite3 *db;
	sqlite3_stmt *rows, *household;
	char **values;
	int ncols, nres;
	sqlite3_int64 last_household, given, inserted;
	long failed;
	bool eof;
};

static struct rows_cursor *the_cursor;   /* for the counts once the INSERT is done */

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
	(void)aux, (void)argc, (void)argv, (void)err;
	/* the resident table's columns, by name, as the INSERT takes them */
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(id, name, sex, birth_date, id_number, ethnicity,"
				      " household_id, relation, phone, political, education, marital, residence,"
				      " living_status, status_date, status_reason, tags, notes, form_version,"
				      " created_at, updated_at)");
	if (rc != SQLITE_OK)
		return rc;
	struct rows_table *t = sqlite3_malloc(sizeof *t);
	memset(t, 0, sizeof *t);
	t->db = db;
	*out = &t->base;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	info->estimatedCost = 1e7;
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct rows_cursor *c = calloc(1, sizeof *c);
	c->db = ((struct rows_table *)vt)->db;
	c->rows = prepare(c->db, "SELECT r.*, h.* FROM src.resident r"
			  " LEFT JOIN src.household h ON h.id = r.household_id ORDER BY r.id");
	c->ncols = sqlite3_column_count(c->rows);
	c->nres = c->ncols - HOUSEHOLD_COLUMNS;
	c->household = prepare_insert(c->db, "household", HOUSEHOLD_COLUMNS);
	c->values = calloc((size_t)c->ncols, sizeof *c->values);
	the_cursor = c;
	*out = &c->base;
	return SQLITE_OK;
}

static void rows_free_values(struct rows_cursor *c)
{
	for (int i = 0; i < c->ncols; i++) {
		free(c->values[i]);
		c->values[i] = NULL;
	}
}

static int rows_close(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	rows_free_values(c);
	free(c->values);
	sqlite3_finalize(c->rows);
	sqlite3_finalize(c->household);
	free(c);
	return SQLITE_OK;
}

/* The row given before was inserted when it is the last rowid; then the next row,
 * its household first when it is the first member. */
static int rows_next(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	if (c->given && sqlite3_last_insert_rowid(c->db) == c->given)
		c->inserted++;
	rows_free_values(c);
	if (sqlite3_step(c->rows) != SQLITE_ROW) {
		c->eof = true;
		return SQLITE_OK;
	}
	for (int i = 0; i < c->ncols; i++) {
		const unsigned char *v = sqlite3_column_text(c->rows, i);
		c->values[i] = v ? strdup((const char *)v) : NULL;
	}
	sqlite3_int64 hid = sqlite3_column_int64(c->rows, c->nres);
	if (hid && hid != c->last_household)
		insert_row(c->household, c->values + c->nres, HOUSEHOLD_COLUMNS, &c->failed);
	c->last_household = hid;
	c->given = sqlite3_column_int64(c->rows, 0);
	sqlite3_set_last_insert_rowid(c->db, 0);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *s, int argc, sqlite3_value **argv)
{
	(void)idx, (void)s, (void)argc, (void)argv;
	return rows_next(cur);
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct rows_cursor *)cur)->eof;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	if (c->values[col])
		sqlite3_result_text(ctx, c->values[col], -1, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((struct rows_cursor *)cur)->given;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

/* The residents through the table; the rows inserted counted as the import would. */
static long copy_through_table(sqlite3 *db)
{
	sqlite3_create_module(db, "sz_rows", &rows_module, NULL);
	sqlite3_int64 inserted = 0;
	long failed = 0;
	sqlite3_stmt *stmt = prepare(db, "INSERT OR IGNORE INTO resident SELECT * FROM sz_rows");
	int rc = sqlite3_step(stmt);
	/* the table saw the last row inserted when SQLite asked it for the one after */
	inserted = the_cursor ? the_cursor->inserted : 0;
	failed = the_cursor ? the_cursor->failed : 0;
	sqlite3_int64 given = the_cursor ? the_cursor->given : 0;
	sqlite3_finalize(stmt);
	the_cursor = NULL;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench-statements: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	fprintf(stderr, "table: %lld rows seen inserted, last id %lld\n", (long long)inserted, (long long)given);
	return failed;
}

/* One copy of the rows the given way, timed, then rolled back. */
static double copy(sqlite3 *db, enum mode mode)
{
	run(db, "BEGIN; DROP TRIGGER resident_key_ai; DROP INDEX resident_household;"
		" DROP INDEX resident_name_birth; DROP INDEX household_grid; DROP INDEX household_head;"
		" DROP INDEX resident_pinyin");
	double t0 = seconds();
	long failed = 0;
	if (mode == MODE_SELECT)
		run(db, "INSERT INTO household SELECT * FROM src.household WHERE 1;"
			" INSERT INTO resident SELECT * FROM src.resident WHERE 1");
	else if (mode == MODE_TABLE)
		failed = copy_through_table(db);
	else
		failed = copy_per_row(db, mode == MODE_PER_ROW);
	double t = seconds() - t0;
	run(db, "ROLLBACK");
	if (failed)
		fprintf(stderr, "bench-statements: %ld rows refused\n", failed);
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench-statements EMPTY.db IMPORTED.db [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	sqlite3 *db = NULL;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	run(db, "PRAGMA journal_mode = DELETE; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -8192");
	char *attach = sqlite3_mprintf("ATTACH %Q AS src", argv[2]);
	run(db, attach);
	sqlite3_free(attach);
	static const char *const names[] = {"select", "per-row", "read-only", "table"};
	for (int r = 0; r < rounds; r++)
		for (int m = MODE_SELECT; m <= MODE_TABLE; m++)
			printf("%-10s %6.2f s\n", names[m], copy(db, (enum mode)m));
	sqlite3_close(db);
	return 0;
}
