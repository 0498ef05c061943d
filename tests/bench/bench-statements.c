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
 *   read-only  the same reading and copying without the INSERTs, to subtract.
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

enum mode { MODE_SELECT, MODE_PER_ROW, MODE_READ_ONLY };

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
	static const char *const names[] = {"select", "per-row", "read-only"};
	for (int r = 0; r < rounds; r++)
		for (int m = MODE_SELECT; m <= MODE_READ_ONLY; m++)
			printf("%-10s %6.2f s\n", names[m], copy(db, (enum mode)m));
	sqlite3_close(db);
	return 0;
}
