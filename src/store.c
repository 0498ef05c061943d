/* store: the one SQLite file, its connection settings and the one audited write path.
 *
 * Transactions nest: the outermost store_begin is BEGIN IMMEDIATE, inner ones are
 * savepoints, so a failed store_insert inside a clerk's save undoes only its own row
 * and audit entry and the caller decides about the rest. store_insert/store_update
 * build their SQL from column names checked against the table's own columns and keep
 * the prepared statements in a small cache (a bulk load of a million rows prepares
 * each statement once). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "civil.h"
#include "form.h"
#include "household.h"
#include "i18n.h"
#include "idcard.h"
#include "schema.h"
#include "search.h"
#include "sqlfn.h"
#include "sync.h"
#include "text.h"
#include "util.h"
#include "workday.h"

#define STMT_CACHE 32
/* report lines kept per kind of problem; the count still covers every row */
#define CHECK_LINES_PER_KIND 200

struct cached_stmt {
	char *sql;
	sqlite3_stmt *stmt;
	unsigned long used;
};

struct table_info {
	char *name;
	char **cols;
	size_t n;
};

/* The page cache of a connection, KiB: a clerk's session stays within 16 MiB */
#define STORE_CACHE_KIB 4096
#define STORE_SORT_CACHE_KIB 2048   /* at the end of a bulk load, see bulk_sort_settings */
#define STORE_BULK_CACHE_KIB 8192   /* while a bulk load writes its rows, see bulk_cache */
#define STORE_BUSY_MS 10000   /* how long a session waits for another's write */
#define STORE_BUSY_STEP_MS 10     /* the busy handler's sleep */
#define STORE_NOTICE_MS 1000      /* an opening waiting this long says so */
#define STR_(x) #x
#define STR(x) STR_(x)

/* A table's highest id when a bulk load began: the rows above it (and below end, the
 * end of a village's block) are the load's, audited as one entry at the end. */
struct bulk_range {
	char *table;
	int64_t first, end;
	bool told;               /* the loader said what it wrote (store_bulk_wrote) */
	int64_t told_first, told_last, told_count;
};

struct store {
	sqlite3 *db;
	char *path;
	int64_t operator_id;
	int depth;
	struct cached_stmt cache[STMT_CACHE];
	unsigned long clock;
	struct table_info *tables;
	size_t ntables;
	bool bulk;
	struct bulk_range *ranges;
	size_t nranges;
	char *bulk_reason; /* what the load is, kept in its audit entries */
	char **deferred;   /* CREATE INDEX statements to run again at store_bulk_end */
	size_t ndeferred;
	bool bulk_alone;   /* the load has the file to itself, in a rollback journal */
	bool bulk_keys;    /* the loader put its residents' search keys in (store_bulk_keys_filled) */
	bool bulk_own_refs; /* foreign keys are off for the load (STORE_BULK_OWN_REFERENCES) */
	bool opening;      /* inside store_open: a long wait is told (store_busy) */
	bool told;         /* and it was */
	struct store_conflict *conflicts;  /* of the last store_update */
	size_t nconflicts;
	int (*at_commit)(struct store *st, void *ctx);  /* store_at_commit */
	void *at_commit_ctx;
};

/* An SQLite failure as a message a clerk can act on. */
static void set_sqlite_err(struct store *st, char **err, const char *what)
{
	int code = sqlite3_errcode(st->db);
	const char *msg = sqlite3_errmsg(st->db);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		set_error(err, _("%s: the database is busy (another clerk is saving); try again"), what);
	else if ((code & 0xff) == SQLITE_READONLY)
		set_error(err, _("%s: the database file is read-only"), what);
	else if ((code & 0xff) == SQLITE_FULL)
		set_error(err, _("%s: the disk is full: %s cannot grow; free some space and try again"), what,
			  st->path);
	else
		set_error(err, "%s: %s", what, msg);
}

void store_today(char out[11])
{
	civil_today_text(out);   /* civil.c, so that the SQLite extension has it without the store */
}

/* The current local time as ISO 8601 with its offset: 2025-11-26T14:03:07+08:00. */
void store_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char zone[8];
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	if (strlen(zone) == 5)
		snprintf(out + 19, 13, "%.3s:%.2s", zone, zone + 3);
}

/* A prepared, reset statement for sql from the cache (prepared on first use). */
static sqlite3_stmt *cached(struct store *st, const char *sql, char **err)
{
	struct cached_stmt *victim = &st->cache[0];
	st->clock++;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct cached_stmt *c = &st->cache[i];
		if (c->sql && strcmp(c->sql, sql) == 0) {
			c->used = st->clock;
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return c->stmt;
		}
		if (!c->sql || c->used < victim->used)
			victim = c;
		if (!c->sql)
			break;
	}
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
		set_sqlite_err(st, err, _("preparing a statement"));
		return NULL;
	}
	sqlite3_finalize(victim->stmt);
	free(victim->sql);
	victim->sql = xstrdup(sql);
	victim->stmt = stmt;
	victim->used = st->clock;
	return stmt;
}

/* Runs a statement without results. */
static int exec_sql(struct store *st, const char *sql, char **err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	set_sqlite_err(st, err, sql);
	sqlite3_free(msg);
	return -1;
}

/* Creates the file owner-only before SQLite sees it: a register is personal data. */
static int create_private(const char *path, char **err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		struct stat sb;
		/* an empty file becomes a register here: owner-only like a new one */
		if (stat(path, &sb) == 0 && sb.st_size == 0 && (sb.st_mode & 077))
			chmod(path, 0600);
		return 0;
	}
	if (fd < 0) {
		set_error(err, _("cannot create the database file: %s"), strerror(errno));
		return -1;
	}
	fchmod(fd, 0600);
	close(fd);
	return 0;
}

/* Explains why the first read of the file failed. */
static void explain_open_failure(struct store *st, char **err)
{
	int code = sqlite3_errcode(st->db) & 0xff;
	if (code == SQLITE_NOTADB)
		set_error(err, "%s", _("this file is not a shanzhi database (not an SQLite database, or encrypted)"));
	else if (code == SQLITE_CORRUPT)
		set_error(err, _("the database file is damaged (%s); restore it from the latest backup"),
			sqlite3_errmsg(st->db));
	else if (code == SQLITE_CANTOPEN || code == SQLITE_PERM || code == SQLITE_READONLY)
		set_error(err, _("cannot open the database file: %s"), sqlite3_errmsg(st->db));
	else
		set_sqlite_err(st, err, _("opening the database"));
}

static void (*open_notice)(void);

void store_set_open_notice(void (*notice)(void))
{
	open_notice = notice;
}

/* SQLite's busy handler: waits up to STORE_BUSY_MS for another session's lock; an
 * opening that waits a second says so once, through open_notice. */
static int store_busy(void *arg, int count)
{
	struct store *st = arg;
	long waited = (long)count * STORE_BUSY_STEP_MS;
	if (waited >= STORE_BUSY_MS)
		return 0;
	if (st->opening && !st->told && waited >= STORE_NOTICE_MS && open_notice) {
		st->told = true;
		open_notice();
	}
	usleep(STORE_BUSY_STEP_MS * 1000);
	return 1;
}

/* Whether a statement waits for other sessions' locks (store_busy) or answers BUSY
 * at once. */
static void store_waits(struct store *st, bool wait)
{
	sqlite3_busy_handler(st->db, wait ? store_busy : NULL, st);
}

/* Reads one integer pragma; -1 on failure. */
static int pragma_int(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Whether the schema is already this program's latest, read without the write lock:
 * a session opening beside an import (which holds that lock for minutes) reads its
 * way in at once. */
static bool schema_current(struct store *st)
{
	return pragma_int(st, "PRAGMA application_id") == SCHEMA_APPLICATION_ID &&
	       pragma_int(st, "PRAGMA user_version") == schema_latest();
}

/* Brings the schema up to date inside one write transaction. */
static int migrate(struct store *st, char **err)
{
	int busy = 0;
	while ((sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) & 0xff) == SQLITE_BUSY && busy++ < 250)
		usleep(20000);  /* as in configure(): a new file being set up by another session */
	if (sqlite3_get_autocommit(st->db) && exec_sql(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	int version = pragma_int(st, "PRAGMA user_version");
	int app_id = pragma_int(st, "PRAGMA application_id");
	int tables = pragma_int(st, "SELECT count(*) FROM sqlite_schema");
	int rc = 0;
	if (version < 0 || app_id == -1 || tables < 0) {
		explain_open_failure(st, err);
		rc = -1;
	} else if (app_id != SCHEMA_APPLICATION_ID && (app_id != 0 || tables > 0)) {
		set_error(err, "%s", _("this file is an SQLite database of another program, not a shanzhi database"));
		rc = -1;
	} else if (version > schema_latest()) {
		set_error(err, _("the database was written by a newer shanzhi (schema %d; this program knows %d): update shanzhi"),
			version, schema_latest());
		rc = -1;
	} else if (version < schema_latest()) {
		rc = schema_migrate(st->db, version, err);
		/* entries written before the hash chain existed are sealed once; a file
		 * claiming an older schema than its chain is never re-hashed */
		if (rc == 0 && version > 0 && version < SCHEMA_CHAIN_VERSION)
			rc = audit_seal_legacy(st->db, err);
	}
	if (rc == 0 && exec_sql(st, "COMMIT", err) == 0)
		return 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Connection settings every clerk's session needs. */
static int configure(struct store *st, char **err)
{
	sqlite3_extended_result_codes(st->db, 1);
	store_waits(st, true);
	if (sqlfn_register(st->db) != SQLITE_OK || workday_sql_register(st->db) != SQLITE_OK ||
	    form_sql_register(st->db) != SQLITE_OK) {
		set_sqlite_err(st, err, _("registering SQL functions"));
		return -1;
	}
	/* the first statement reads the file: a wrong or damaged file shows here */
	char *msg = NULL;
	int rc;
	/* sessions opening a new file at once: the one setting WAL up makes the others
	 * wait without the busy handler, so they try again */
	for (int tries = 0; ((rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, &msg)) & 0xff) == SQLITE_BUSY &&
	     tries < 250; tries++) {
		sqlite3_free(msg);
		msg = NULL;
		usleep(20000);
	}
	if (rc != SQLITE_OK) {
		sqlite3_free(msg);
		explain_open_failure(st, err);
		return -1;
	}
	/* 4 MiB of page cache keeps the whole program far below 16 MiB on a
	 * million-resident file; every lookup is an index range scan anyway */
	return exec_sql(st, "PRAGMA foreign_keys = ON;"
			"PRAGMA synchronous = FULL;"
			"PRAGMA cache_size = -" STR(STORE_CACHE_KIB) ";"
			"PRAGMA temp_store = FILE;", err);
}

/* A big-endian 32-bit number of the file header. */
static uint32_t header_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* True when the file's own header says it is another program's SQLite database:
 * its application_id is not ours, and it is not an empty database (no tables on its
 * first page). Read without SQLite, which would switch the file to WAL and leave
 * -wal and -shm beside it before the schema could be looked at. */
static bool foreign_sqlite_file(const char *path)
{
	unsigned char h[108];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	ssize_t n = pread(fd, h, sizeof h, 0);
	close(fd);
	if (n < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
		return false;   /* empty, or not SQLite: SQLite itself explains (NOTADB) */
	uint32_t app_id = header_u32(h + 68);
	bool tables = h[100] != 0x0D || (h[103] << 8 | h[104]) != 0;  /* page 1: the schema table */
	return app_id != SCHEMA_APPLICATION_ID && (app_id != 0 || tables);
}

/* A register whose permissions forbid writing (chmod 400) is refused before SQLite
 * opens it: SQLite would create -wal and -shm with the file's mode, and a 0400 -shm
 * left behind keeps the register unwritable after chmod 600. Root may write anyway,
 * so the mode decides as well as access(). */
static bool read_only_file(const char *path, const struct stat *sb)
{
	return !(sb->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || access(path, W_OK) != 0;
}

/* What must be true of an existing file before SQLite may touch it. */
static int check_before_open(const char *path, char **err)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return 0;   /* a new register */
	if (!S_ISREG(sb.st_mode)) {
		set_error(err, "%s", _("not a regular file"));
		return -1;
	}
	if (foreign_sqlite_file(path)) {
		set_error(err, "%s", _("this file is an SQLite database of another program, not a shanzhi database"));
		return -1;
	}
	if (read_only_file(path, &sb)) {
		set_error(err, "%s", _("the database file is read-only (its permissions): make it writable "
				       "(chmod 600) or work on a copy; nothing was changed"));
		return -1;
	}
	return 0;
}

struct store *store_open(const char *path, char **err)
{
	if (!path || !*path) {
		set_error(err, "%s", _("no database file given"));
		return NULL;
	}
	if (check_before_open(path, err) != 0 || create_private(path, err) != 0)
		return NULL;
	struct store *st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->opening = true;
	/* NOMUTEX: a connection is only ever used by one thread (an import's reading
	 * thread has its own), so the per-call lock is pure cost */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		explain_open_failure(st, err);
		store_close(st);
		return NULL;
	}
	if (configure(st, err) != 0) {
		store_close(st);
		return NULL;
	}
	/* read in: a wait from here on is for a writer, not for a session that has the
	 * file to itself, so open_notice would say the wrong thing */
	st->opening = false;
	if (!schema_current(st) && migrate(st, err) != 0) {
		store_close(st);
		return NULL;
	}
	sync_capture_open(st);   /* a village's every write is kept for its township */
	return st;
}

static void conflicts_clear(struct store *st);

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->db)
		sync_capture_close(st);
	conflicts_clear(st);
	free(st->conflicts);
	for (size_t i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	for (size_t i = 0; i < st->ntables; i++) {
		for (size_t j = 0; j < st->tables[i].n; j++)
			free(st->tables[i].cols[j]);
		free(st->tables[i].cols);
		free(st->tables[i].name);
	}
	free(st->tables);
	for (size_t i = 0; i < st->nranges; i++)
		free(st->ranges[i].table);
	free(st->ranges);
	free(st->deferred);
	free(st->bulk_reason);
	if (st->db && st->depth > 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

sqlite3 *store_db(struct store *st)
{
	return st->db;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

int64_t store_operator_id(const struct store *st)
{
	return st->operator_id;
}

static int64_t query_int(struct store *st, const char *sql, int64_t arg);

/* ---- transactions ---- */

int store_begin(struct store *st, char **err)
{
	char sql[40];
	if (st->depth == 0)
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
	else
		snprintf(sql, sizeof sql, "SAVEPOINT sz%d", st->depth);
	/* the busy timeout queues writers; SQLite still answers BUSY at once in a few
	 * cases (a WAL being recovered by another session), so those are tried again */
	for (int tries = 0; st->depth == 0 && tries < 100 &&
	     (sqlite3_exec(st->db, sql, NULL, NULL, NULL) & 0xff) == SQLITE_BUSY; tries++)
		usleep(20000);
	if (st->depth == 0 && !sqlite3_get_autocommit(st->db)) {
		st->depth++;
		return 0;
	}
	if (exec_sql(st, sql, err) != 0)
		return -1;
	st->depth++;
	return 0;
}

static void bulk_journal_leave(struct store *st);
static void bulk_cache(struct store *st, bool on);

/* Forgets the bulk state once the outermost transaction has ended. */
static void end_outermost(struct store *st)
{
	st->at_commit = NULL;
	st->at_commit_ctx = NULL;
	if (st->bulk)
		bulk_cache(st, false);
	st->bulk = false;
	st->bulk_keys = false;
	bulk_journal_leave(st);
	if (st->bulk_own_refs)
		sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	st->bulk_own_refs = false;
	for (size_t i = 0; i < st->nranges; i++)
		free(st->ranges[i].table);
	st->nranges = 0;
	for (size_t i = 0; i < st->ndeferred; i++)
		free(st->deferred[i]);
	st->ndeferred = 0;
}

int store_commit(struct store *st, char **err)
{
	if (st->depth == 0) {
		set_error(err, "%s", _("commit without a transaction"));
		return -1;
	}
	if (sqlite3_get_autocommit(st->db)) {
		/* SQLite rolled the whole transaction back after an error */
		st->depth = 0;
		end_outermost(st);
		set_error(err, "%s", _("the transaction was rolled back after an earlier error"));
		return -1;
	}
	if (st->depth == 1 && st->at_commit) {
		int (*fn)(struct store *, void *) = st->at_commit;
		st->at_commit = NULL;
		if (fn(st, st->at_commit_ctx) != 0) {
			set_error(err, "%s", _("the save could not be completed; nothing was written"));
			store_rollback(st);
			return -1;
		}
	}
	if (st->depth == 1 && sync_capture_flush(st) != 0) {
		set_error(err, "%s", _("the change could not be kept for the township; nothing was written"));
		store_rollback(st);
		return -1;
	}
	char sql[40];
	if (st->depth == 1)
		snprintf(sql, sizeof sql, "COMMIT");
	else
		snprintf(sql, sizeof sql, "RELEASE sz%d", st->depth - 1);
	if (exec_sql(st, sql, err) != 0) {
		if (st->depth == 1) {
			/* e.g. a deferred foreign key: nothing of it may stay half-written */
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			st->depth = 0;
			end_outermost(st);
		}
		return -1;
	}
	if (--st->depth == 0)
		end_outermost(st);
	return 0;
}

void store_at_commit(struct store *st, int (*fn)(struct store *st, void *ctx), void *ctx)
{
	st->at_commit = fn;
	st->at_commit_ctx = ctx;
}

void store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	st->depth--;
	if (st->depth == 0 || sqlite3_get_autocommit(st->db)) {
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		st->depth = 0;
		end_outermost(st);
		sync_capture_reset(st);
		return;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "ROLLBACK TO sz%d; RELEASE sz%d", st->depth, st->depth);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

/* ---- the write path ---- */

/* The columns of a table the write path may touch, read once per connection. */
static const struct table_info *table_columns(struct store *st, const char *table, char **err)
{
	for (size_t i = 0; i < st->ntables; i++)
		if (strcmp(st->tables[i].name, table) == 0)
			return &st->tables[i];
	/* the audit log and the search index are written by the store alone */
	if (strcmp(table, "audit") == 0 || strcmp(table, "resident_key") == 0 ||
	    strncmp(table, "sqlite_", 7) == 0) {
		set_error(err, _("%s: this table is not written directly"), table);
		return NULL;
	}
	sqlite3_stmt *stmt = cached(st, "SELECT name FROM pragma_table_info(?1)", err);
	if (!stmt)
		return NULL;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_TRANSIENT);
	struct table_info ti = {0};
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		ti.cols = xrealloc(ti.cols, (ti.n + 1) * sizeof *ti.cols);
		ti.cols[ti.n++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_reset(stmt);
	if (ti.n == 0) {
		set_error(err, _("no such table: %s"), table);
		return NULL;
	}
	ti.name = xstrdup(table);
	st->tables = xrealloc(st->tables, (st->ntables + 1) * sizeof *st->tables);
	st->tables[st->ntables] = ti;
	return &st->tables[st->ntables++];
}

static bool has_column(const struct table_info *ti, const char *col)
{
	for (size_t i = 0; i < ti->n; i++)
		if (strcmp(ti->cols[i], col) == 0)
			return true;
	return false;
}

/* Refuses a value holding what no register text holds, whatever path wrote it (a
 * setting, the F8 status reason, an operator's name): control characters but the
 * line breaks and tabs of a memo, and invisible format characters. The forms say
 * the same per field in the clerk's words; this is the floor under every writer. */
static int check_chars(const struct table_info *ti, const struct store_field *f, size_t n,
		       char **err)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = f[i].value;
		wchar_t c;
		if (!v || !*v)
			continue;
		if (text_find_control(v, "\n\t\r")) {
			set_error(err, _("%s, %s: control characters are not allowed"), ti->name,
				  f[i].column);
			return -1;
		}
		if ((c = text_find_format(v)) != 0) {
			set_error(err, _("%s, %s: holds an invisible character (U+%04X)"), ti->name,
				  f[i].column, (unsigned)c);
			return -1;
		}
	}
	return 0;
}

/* Refuses unknown, repeated and store-managed columns, naming every one. */
static int check_fields(const struct table_info *ti, const struct store_field *f, size_t n,
			bool updating, char **err)
{
	struct strbuf bad = {0}, dup = {0};
	for (size_t i = 0; i < n; i++) {
		const char *c = f[i].column;
		bool managed = strcmp(c, "created_at") == 0 || strcmp(c, "updated_at") == 0 ||
			       (updating && strcmp(c, "id") == 0);
		if (!c || !has_column(ti, c) || managed) {
			sb_appendf(&bad, "%s%s", bad.len ? ", " : "", c ? c : "(null)");
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (f[j].column && strcmp(f[j].column, c) == 0)
				sb_appendf(&dup, "%s%s", dup.len ? ", " : "", c);
	}
	int rc = 0;
	if (bad.len) {
		set_error(err, _("%s: unknown or protected column(s): %s"), ti->name, bad.s);
		rc = -1;
	} else if (dup.len) {
		set_error(err, _("%s: column(s) given twice: %s"), ti->name, dup.s);
		rc = -1;
	} else if (n == 0 && updating) {
		set_error(err, _("%s: nothing to update"), ti->name);
		rc = -1;
	}
	sb_free(&bad);
	sb_free(&dup);
	return rc == 0 ? check_chars(ti, f, n, err) : rc;
}

/* "" and NULL both mean an empty field: stored as NULL. */
static const char *field_value(const struct store_field *f)
{
	return f->value && *f->value ? f->value : NULL;
}

static void bind_value(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

/* SQL for a JSON object of the named columns of one row: SELECT json_object(...) FROM t WHERE id = ?1 */
static char *json_select_sql(const char *table, const char *const *cols, size_t n)
{
	struct strbuf sb = {0};
	sb_append(&sb, "SELECT json_object(");
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, "%s'%s', \"%s\"", i ? ", " : "", cols[i], cols[i]);
	sb_appendf(&sb, ") FROM \"%s\" WHERE id = ?1", table);
	return sb_take(&sb);
}

/* The JSON object of some columns of a row, caller frees; NULL on failure. */
static char *row_json(struct store *st, const char *table, const char *const *cols, size_t n,
		      int64_t id, char **err)
{
	char *sql = json_select_sql(table, cols, n);
	sqlite3_stmt *stmt = cached(st, sql, err);
	free(sql);
	if (!stmt)
		return NULL;
	sqlite3_bind_int64(stmt, 1, id);
	char *json = NULL;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		json = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	else
		set_sqlite_err(st, err, _("reading the audited values"));
	sqlite3_reset(stmt);
	return json;
}

/* Appends one audit entry, chained to the one before it (audit.c). A change must
 * name its operator once the register has any. */
static int write_audit(struct store *st, const char *table, int64_t row, const char *action,
		       const char *before, const char *after, const char *reason, char **err)
{
	/* (store_set_operator registering a login names nobody) */
	bool registering = strcmp(table, "operator") == 0 && strcmp(action, "insert") == 0;
	if (st->operator_id <= 0 && !registering && query_int(st, "SELECT count(*) FROM operator", 0) > 0) {
		set_error(err, "%s", _("no operator is named for this change: sign in, or give --operator with the login of an enabled operator"));
		return -1;
	}
	char at[32];
	store_now(at);
	struct audit_entry e = {
		.at = at, .operator_id = st->operator_id, .tbl = table, .row_id = row, .action = action,
		.before = before, .after = after, .reason = reason && *reason ? reason : NULL,
	};
	if (audit_append(st->db, &e, NULL) != 0) {
		set_sqlite_err(st, err, _("writing the audit log"));
		return -1;
	}
	return 0;
}

/* The bulk range of table, NULL when the table had no snapshot. */
static struct bulk_range *bulk_range(struct store *st, const char *table)
{
	for (size_t i = 0; i < st->nranges; i++)
		if (strcmp(st->ranges[i].table, table) == 0)
			return &st->ranges[i];
	return NULL;
}

/* True when row id of table was written by the bulk load in progress. */
static bool in_bulk(struct store *st, const char *table, int64_t id)
{
	if (!st->bulk)
		return false;
	struct bulk_range *r = bulk_range(st, table);
	return r && id > r->first && id < r->end;
}

/* Column names of the fields, for the JSON of the audit entry. */
static const char **field_columns(const struct store_field *f, size_t n)
{
	const char **cols = xcalloc(n ? n : 1, sizeof *cols);
	for (size_t i = 0; i < n; i++)
		cols[i] = f[i].column;
	return cols;
}

/* The INSERT statement for these columns, with the timestamps the table keeps. */
static char *insert_sql(const struct table_info *ti, const struct store_field *f, size_t n,
			bool *stamps)
{
	struct strbuf sb = {0}, vals = {0};
	sb_appendf(&sb, "INSERT INTO \"%s\" (", ti->name);
	for (size_t i = 0; i < n; i++) {
		sb_appendf(&sb, "%s\"%s\"", i ? ", " : "", f[i].column);
		sb_appendf(&vals, "%s?%zu", i ? ", " : "", i + 1);
	}
	*stamps = has_column(ti, "created_at") && has_column(ti, "updated_at");
	if (*stamps) {
		sb_appendf(&sb, "%screated_at, updated_at", n ? ", " : "");
		sb_appendf(&vals, "%s?%zu, ?%zu", n ? ", " : "", n + 1, n + 1);
	}
	if (!n && !*stamps)
		sb_append(&vals, "NULL");
	sb_appendf(&sb, ") VALUES (%s)", vals.s ? vals.s : "");
	sb_free(&vals);
	return sb_take(&sb);
}

/* The role table (access.c) decides who may write to which table. */
static int check_right(struct store *st, const char *table, char **err)
{
	if (access_may_write(st, table))
		return 0;
	char *why = access_refusal(st, access_table_right(table));
	set_error(err, "%s", why);
	free(why);
	return -1;
}

int store_insert(struct store *st, const char *table, const struct store_field *f,
		 size_t n, int64_t *id, char **err)
{
	if (check_right(st, table, err) != 0)
		return -1;
	/* a township numbers its own rows in its block (sync.h) */
	long long own = 0;
	bool has_id = false;
	for (size_t i = 0; i < n; i++)
		has_id |= strcmp(f[i].column, "id") == 0;
	if (!has_id && (own = sync_next_id(st, table)) > 0) {
		struct store_field *g = xcalloc(n + 1, sizeof *g);
		char idtext[24];
		snprintf(idtext, sizeof idtext, "%lld", own);
		g[0] = (struct store_field){ "id", idtext };
		memcpy(g + 1, f, n * sizeof *f);
		int rc = store_insert(st, table, g, n + 1, id, err);
		free(g);
		return rc;
	}
	const struct table_info *ti = table_columns(st, table, err);
	if (!ti || check_fields(ti, f, n, false, err) != 0)
		return -1;
	bool stamps;
	char *sql = insert_sql(ti, f, n, &stamps);
	if (store_begin(st, err) != 0) {
		free(sql);
		return -1;
	}
	sqlite3_stmt *stmt = cached(st, sql, err);
	free(sql);
	if (!stmt)
		goto fail;
	for (size_t i = 0; i < n; i++)
		bind_value(stmt, (int)i + 1, field_value(&f[i]));
	char at[32];
	store_now(at);
	if (stamps)
		sqlite3_bind_text(stmt, (int)n + 1, at, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		set_sqlite_err(st, err, table);
		sqlite3_reset(stmt);
		goto fail;
	}
	sqlite3_reset(stmt);
	int64_t row = sqlite3_last_insert_rowid(st->db);
	if (!in_bulk(st, table, row)) {
		const char **cols = field_columns(f, n);
		char *after = row_json(st, table, cols, n, row, err);
		free(cols);
		int rc = after ? write_audit(st, table, row, "insert", NULL, after, NULL, err) : -1;
		free(after);
		if (rc != 0)
			goto fail;
	}
	if (store_commit(st, err) != 0)
		return -1;
	if (id)
		*id = row;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

static void conflicts_clear(struct store *st)
{
	for (size_t i = 0; i < st->nconflicts; i++) {
		free(st->conflicts[i].column);
		free(st->conflicts[i].base);
		free(st->conflicts[i].theirs);
		free(st->conflicts[i].mine);
	}
	st->nconflicts = 0;
}

/* Notes a field changed both here and, since it was loaded, by another session. */
static void conflict_add(struct store *st, const struct store_field *f, const char *stored)
{
	st->conflicts = xrealloc(st->conflicts, (st->nconflicts + 1) * sizeof *st->conflicts);
	st->conflicts[st->nconflicts++] = (struct store_conflict){
		.column = xstrdup(f->column), .base = xstrdup(f->base && *f->base ? f->base : NULL),
		.theirs = xstrdup(stored && *stored ? stored : NULL), .mine = xstrdup(field_value(f)),
	};
}

const struct store_conflict *store_conflicts(const struct store *st, size_t *n)
{
	*n = st->nconflicts;
	return st->conflicts;
}

bool store_last_change(struct store *st, const char *table, int64_t id, const char *column, char **who,
		       char **at)
{
	*who = *at = NULL;
	sqlite3_stmt *stmt = cached(st, "SELECT o.login, a.at FROM audit a LEFT JOIN operator o ON o.id = a.operator_id"
				    " WHERE a.tbl = ?1 AND a.row_id = ?2"
				    " AND (?3 IS NULL OR json_type(a.after, '$.\"' || ?3 || '\"') IS NOT NULL)"
				    " ORDER BY a.id DESC LIMIT 1", NULL);
	if (!stmt)
		return false;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, id);
	sqlite3_bind_text(stmt, 3, column, -1, SQLITE_TRANSIENT);
	bool found = sqlite3_step(stmt) == SQLITE_ROW;
	if (found) {
		*who = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		*at = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	return found;
}

/* The refusal of a save that met conflicts: who changed the first conflicting field
 * last, and when (to the minute, as clerks read times). The fields are in
 * store_conflicts. */
static void conflict_refusal(struct store *st, const char *table, int64_t id, char **err)
{
	char *who, *at;
	store_last_change(st, table, id, st->conflicts[0].column, &who, &at);
	char when[17] = "?";
	if (at && strlen(at) >= 16)
		snprintf(when, sizeof when, "%.10s %.5s", at, at + 11);
	set_error(err, _("Not saved: %s changed this record at %s, after it was opened here."),
		  who ? who : _("another session"), when);
	free(who);
	free(at);
}

/* Which fields to write: fills changed[] with the indexes of fields whose value
 * differs from the stored row, leaving out a based field the caller did not change
 * and noting as conflicts those changed since they were loaded (st->conflicts).
 * Returns the count, or -1 when the row does not exist or cannot be read. */
static int changed_fields(struct store *st, const struct table_info *ti, int64_t id,
			  const struct store_field *f, size_t n, size_t *changed, char **err)
{
	struct strbuf sb = {0};
	sb_append(&sb, "SELECT ");
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, "%s\"%s\"", i ? ", " : "", f[i].column);
	sb_appendf(&sb, " FROM \"%s\" WHERE id = ?1", ti->name);
	sqlite3_stmt *stmt = cached(st, sb.s, err);
	sb_free(&sb);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	int rc = sqlite3_step(stmt), count = 0;
	if (rc == SQLITE_ROW) {
		for (size_t i = 0; i < n; i++) {
			const char *stored = (const char *)sqlite3_column_text(stmt, (int)i);
			const char *now = field_value(&f[i]);
			if ((f[i].based && str_same(now, f[i].base)) || str_same(stored, now))
				continue;
			if (f[i].based && !str_same(stored, f[i].base))
				conflict_add(st, &f[i], stored);
			else
				changed[count++] = i;
		}
	} else if (rc == SQLITE_DONE) {
		set_error(err, _("%s %lld: no such record"), ti->name, (long long)id);
		count = -1;
	} else {
		set_sqlite_err(st, err, ti->name);
		count = -1;
	}
	sqlite3_reset(stmt);
	return count;
}

/* Writes the changed fields with a fresh updated_at. */
static int update_row(struct store *st, const struct table_info *ti, int64_t id,
		      const struct store_field *f, const size_t *changed, size_t n, char **err)
{
	struct strbuf sb = {0};
	sb_appendf(&sb, "UPDATE \"%s\" SET ", ti->name);
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, "%s\"%s\" = ?%zu", i ? ", " : "", f[changed[i]].column, i + 1);
	bool stamp = has_column(ti, "updated_at");
	if (stamp)
		sb_appendf(&sb, ", updated_at = ?%zu", n + 1);
	sb_appendf(&sb, " WHERE id = ?%zu", n + 2);
	sqlite3_stmt *stmt = cached(st, sb.s, err);
	sb_free(&sb);
	if (!stmt)
		return -1;
	for (size_t i = 0; i < n; i++)
		bind_value(stmt, (int)i + 1, field_value(&f[changed[i]]));
	char at[32];
	store_now(at);
	if (stamp)
		sqlite3_bind_text(stmt, (int)n + 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, (int)n + 2, id);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		set_sqlite_err(st, err, ti->name);
		return -1;
	}
	return 0;
}

int store_update(struct store *st, const char *table, int64_t id,
		 const struct store_field *f, size_t n, const char *reason, char **err)
{
	if (check_right(st, table, err) != 0)  /* before the row is even read */
		return -1;
	const struct table_info *ti = table_columns(st, table, err);
	if (!ti || check_fields(ti, f, n, true, err) != 0)
		return -1;
	conflicts_clear(st);
	if (store_begin(st, err) != 0)
		return -1;
	size_t *changed = xcalloc(n, sizeof *changed);
	const char **cols = xcalloc(n, sizeof *cols);
	char *before = NULL, *after = NULL;
	int count = changed_fields(st, ti, id, f, n, changed, err);
	if (count < 0)
		goto fail;
	if (st->nconflicts) {
		conflict_refusal(st, table, id, err);
		goto fail;
	}
	if (count == 0)
		goto done;  /* nothing changed: nothing written, nothing audited */
	for (int i = 0; i < count; i++)
		cols[i] = f[changed[i]].column;
	bool audited = !in_bulk(st, table, id);
	if (audited && !(before = row_json(st, table, cols, (size_t)count, id, err)))
		goto fail;
	if (update_row(st, ti, id, f, changed, (size_t)count, err) != 0)
		goto fail;
	if (audited && !(after = row_json(st, table, cols, (size_t)count, id, err)))
		goto fail;
	if (audited && write_audit(st, table, id, "update", before, after, reason, err) != 0)
		goto fail;
done:
	free(changed);
	free(cols);
	free(before);
	free(after);
	return store_commit(st, err);
fail:
	free(changed);
	free(cols);
	free(before);
	free(after);
	store_rollback(st);
	return -1;
}

/* ---- bulk loading ---- */

/* Notes the highest id of every register table: rows above it are the load's. */
static int bulk_snapshot(struct store *st, char **err)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
			       " AND name NOT IN ('audit', 'resident_key') AND name NOT LIKE 'sqlite%'",
			       -1, &stmt, NULL) != SQLITE_OK) {
		set_sqlite_err(st, err, _("starting a bulk load"));
		return -1;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);
		long long first, end;
		sync_bulk_span(st, name, &first, &end);   /* a village's block (sync.h) */
		st->ranges = xrealloc(st->ranges, (st->nranges + 1) * sizeof *st->ranges);
		st->ranges[st->nranges++] = (struct bulk_range){.table = xstrdup(name), .first = first, .end = end};
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* The journal mode the connection is in now ("wal", "delete"), in buf. */
static void journal_mode(struct store *st, const char *sql, char *buf, size_t cap)
{
	sqlite3_stmt *stmt = NULL;
	buf[0] = '\0';
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0))
		snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

/* A load into a file no other session has open leaves WAL for a rollback journal:
 * WAL writes every page twice (the log, then the checkpoint into the file), the
 * journal keeps only the pages the file already had, and a new load's pages are
 * all beyond them. A third of a million-row import. With another session open the
 * switch is refused at once (no waiting) and the load stays in WAL, where it does
 * not block that session's reads. A crash leaves a hot journal, which the next
 * open rolls back. */
static void bulk_journal_enter(struct store *st)
{
	char mode[16];
	store_waits(st, false);
	journal_mode(st, "PRAGMA journal_mode = DELETE", mode, sizeof mode);
	store_waits(st, true);
	st->bulk_alone = strcmp(mode, "delete") == 0;
}

/* Back to WAL once the load is over, so that sessions read while others write.
 * Should another session hold the file at that moment, the next one to open it
 * sets WAL again (configure). */
static void bulk_journal_leave(struct store *st)
{
	if (!st->bulk_alone)
		return;
	st->bulk_alone = false;
	char mode[16];
	journal_mode(st, "PRAGMA journal_mode = WAL", mode, sizeof mode);
}

/* A load's rows go into the UNIQUE index of ID numbers in random order, and a page
 * that leaves the cache is written out and read back a few rows later. Twice the
 * usual cache while the rows are written takes a quarter of those reads and writes
 * off a million-row load (1.97 -> 1.47 million), and the load stays within 32 MiB. */
static void bulk_cache(struct store *st, bool on)
{
	sqlite3_exec(st->db, on ? "PRAGMA cache_size = -" STR(STORE_BULK_CACHE_KIB)
				: "PRAGMA cache_size = -" STR(STORE_CACHE_KIB),
		     NULL, NULL, NULL);
}

int store_bulk_begin(struct store *st, const char *reason, unsigned flags, char **err)
{
	if (st->depth != 0) {
		set_error(err, "%s", _("a bulk load must be its own transaction"));
		return -1;
	}
	bulk_journal_enter(st);
	/* outside the transaction: SQLite ignores the pragma inside one */
	st->bulk_own_refs = flags & STORE_BULK_OWN_REFERENCES;
	if (st->bulk_own_refs)
		sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	if (store_begin(st, err) != 0) {
		end_outermost(st);
		return -1;
	}
	if (bulk_snapshot(st, err) != 0 || schema_insert_trigger_drop(st->db, err) != 0) {
		store_rollback(st);
		return -1;
	}
	st->bulk = true;
	bulk_cache(st, true);
	free(st->bulk_reason);
	st->bulk_reason = reason ? xstrdup(reason) : NULL;
	return 0;
}

/* The first and last id and the number of the rows the load wrote to the table:
 * as the loader told them, else counted (a scan of the range). */
static void bulk_written(struct store *st, const struct bulk_range *r, int64_t *first, int64_t *last,
			 int64_t *count)
{
	*first = *last = *count = 0;
	if (r->told) {
		*first = r->told_first;
		*last = r->told_last;
		*count = r->told_count;
		return;
	}
	char *sql = xasprintf("SELECT min(id), max(id), count(*) FROM \"%s\" WHERE id > ?1 AND id < ?2", r->table);
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, r->first);
		sqlite3_bind_int64(stmt, 2, r->end);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			*first = sqlite3_column_int64(stmt, 0);
			*last = sqlite3_column_int64(stmt, 1);
			*count = sqlite3_column_int64(stmt, 2);
		}
	}
	sqlite3_finalize(stmt);
	free(sql);
}

/* Audits what the load wrote to one table as one entry; fills residents' keys. */
static int bulk_finish_table(struct store *st, struct bulk_range *r, char **err)
{
	int64_t first, last, count;
	bulk_written(st, r, &first, &last, &count);
	if (count == 0)
		return 0;
	char *after = xasprintf("{\"first\":%lld,\"last\":%lld,\"count\":%lld}",
				(long long)first, (long long)last, (long long)count);
	int rc = write_audit(st, r->table, first, "bulk", NULL, after, st->bulk_reason, err);
	free(after);
	if (rc == 0 && strcmp(r->table, "resident") == 0 && !st->bulk_keys)
		rc = schema_search_keys_fill(st->db, first, last, err);
	return rc;
}

void store_bulk_wrote(struct store *st, const char *table, int64_t first, int64_t last)
{
	struct bulk_range *r = st->bulk ? bulk_range(st, table) : NULL;
	if (!r)
		return;
	r->told = true;
	r->told_count = last >= first ? last - first + 1 : 0;
	r->told_first = r->told_count ? first : 0;
	r->told_last = r->told_count ? last : 0;
}

void store_bulk_keys_filled(struct store *st)
{
	st->bulk_keys = st->bulk;
}

/* The secondary indexes of a table no larger than this are dropped for a load
 * and built again at its end: a sorted build of what was there costs less than a
 * tenth of a second, random inserts into them a few seconds per million rows. */
#define DEFER_INDEXES_MAX_ROWS 200000

int store_bulk_defer_indexes(struct store *st, const char *table, char **err)
{
	struct bulk_range *r = st->bulk ? bulk_range(st, table) : NULL;
	if (!r || r->first > DEFER_INDEXES_MAX_ROWS)
		return 0;
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
			       " AND tbl_name = ?1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
			       -1, &stmt, NULL) != SQLITE_OK) {
		set_sqlite_err(st, err, _("starting a bulk load"));
		return -1;
	}
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	size_t first = st->ndeferred;
	struct strbuf drops = {0};
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		sb_appendf(&drops, "DROP INDEX \"%s\";", (const char *)sqlite3_column_text(stmt, 0));
		st->deferred = xrealloc(st->deferred, (st->ndeferred + 1) * sizeof *st->deferred);
		st->deferred[st->ndeferred++] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	/* dropped once the listing is finished: SQLite refuses DDL while it is open */
	int rc = st->ndeferred > first ? exec_sql(st, drops.s, err) : 0;
	sb_free(&drops);
	return rc;
}

/* Builds the indexes store_bulk_defer_indexes dropped, a sorted pass each. */
static int bulk_rebuild_indexes(struct store *st, char **err)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < st->ndeferred; i++)
		rc = exec_sql(st, st->deferred[i], err);
	return rc;
}

/* The sorts at the end of a load (indexes, search keys) get a second thread, the
 * loader's own being done by then, and half the cache each: SQLite's sorter holds
 * a cache-sized run per thread, and a million-row load must stay within 32 MiB.
 * The cache is the usual one again when the load ends (end_outermost). */
static void bulk_sort_settings(struct store *st, bool on)
{
	sqlite3_exec(st->db, on ? "PRAGMA threads = 1; PRAGMA cache_size = -" STR(STORE_SORT_CACHE_KIB)
				: "PRAGMA threads = 0",
		     NULL, NULL, NULL);
}

int store_bulk_end(struct store *st, char **err)
{
	if (!st->bulk || st->depth != 1) {
		set_error(err, "%s", _("no bulk load in progress"));
		return -1;
	}
	bulk_sort_settings(st, true);
	int rc = bulk_rebuild_indexes(st, err);
	for (size_t i = 0; rc == 0 && i < st->nranges; i++)
		rc = bulk_finish_table(st, &st->ranges[i], err);
	bulk_sort_settings(st, false);
	if (rc == 0)
		rc = schema_insert_trigger_create(st->db, err);
	if (rc == 0)
		return store_commit(st, err);
	store_rollback(st);
	return -1;
}

/* ---- operator and settings ---- */

int store_set_operator(struct store *st, const char *login, char **err)
{
	if (!login || !*login) {
		set_error(err, "%s", _("an operator name is needed"));
		return -1;
	}
	sqlite3_stmt *stmt = cached(st, "SELECT id, disabled FROM operator WHERE login = ?1", err);
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, login, -1, SQLITE_TRANSIENT);
	int64_t id = 0;
	int disabled = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		disabled = sqlite3_column_int(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (disabled) {
		set_error(err, _("the operator %s is disabled"), login);
		return -1;
	}
	if (id == 0) {
		/* looked up again and registered in one write transaction: sessions naming
		 * the same new login at once share its row */
		if (store_begin(st, err) != 0)
			return -1;
		sqlite3_stmt *again = cached(st, "SELECT id FROM operator WHERE login = ?1", err);
		if (again) {
			sqlite3_bind_text(again, 1, login, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(again) == SQLITE_ROW)
				id = sqlite3_column_int64(again, 0);
			sqlite3_reset(again);
		}
		/* the first operator of a new register administers it */
		const char *role = pragma_int(st, "SELECT count(*) FROM operator") == 0 ? "admin" : "clerk";
		struct store_field f[] = {{"login", login}, {"name", login}, {"role", role}};
		st->operator_id = 0;
		if (!again || (id == 0 && store_insert(st, "operator", f, ARRAY_LEN(f), &id, err) != 0)) {
			store_rollback(st);
			return -1;
		}
		if (store_commit(st, err) != 0)
			return -1;
	}
	st->operator_id = id;
	return 0;
}

char *store_setting(struct store *st, const char *key)
{
	sqlite3_stmt *stmt = cached(st, "SELECT value FROM settings WHERE key = ?1", NULL);
	if (!stmt)
		return NULL;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	char *v = NULL;
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	return v;
}

int store_set_setting(struct store *st, const char *key, const char *value, char **err)
{
	sqlite3_stmt *stmt = cached(st, "SELECT id FROM settings WHERE key = ?1", err);
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	int64_t id = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (id) {
		struct store_field f[] = {{"value", value}};
		return store_update(st, "settings", id, f, 1, NULL, err);
	}
	struct store_field f[] = {{"key", key}, {"value", value}};
	return store_insert(st, "settings", f, 2, NULL, err);
}

/* ---- the integrity check ---- */

/* Problems found so far, with a cap on the lines of one kind. */
struct check_report {
	struct strbuf sb;
	int problems;
	int kind_lines;
	int kind_hidden;
};

/* Starts a new kind of problem: the line cap counts per kind. */
static void report_kind_end(struct check_report *r)
{
	if (r->kind_hidden)
		sb_appendf(&r->sb, _("... and %d more of the same kind\n"), r->kind_hidden);
	r->kind_lines = r->kind_hidden = 0;
}

__attribute__((format(printf, 2, 3)))
static void report_line(struct check_report *r, const char *fmt, ...)
{
	r->problems++;
	if (r->kind_lines >= CHECK_LINES_PER_KIND) {
		r->kind_hidden++;
		return;
	}
	r->kind_lines++;
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	sb_appendf(&r->sb, "%s\n", line);
	free(line);
}

/* A statement for the check; a failure is itself a reported problem. */
static sqlite3_stmt *check_prepare(struct store *st, struct check_report *r, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		report_line(r, _("database: cannot run a check (%s)"), sqlite3_errmsg(st->db));
		return NULL;
	}
	return stmt;
}

/* Steps to the next row; a read error is reported once. */
static bool check_step(struct store *st, struct check_report *r, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		report_line(r, _("database: reading failed (%s)"), sqlite3_errmsg(st->db));
	return false;
}

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : "";
}

/* SQLite's own checks: the file's structure and the foreign keys. */
static void check_sqlite(struct store *st, struct check_report *r)
{
	sqlite3_stmt *stmt = check_prepare(st, r, "PRAGMA integrity_check");
	while (stmt && check_step(st, r, stmt))
		if (strcmp(col_text(stmt, 0), "ok") != 0)
			report_line(r, _("database: %s"), col_text(stmt, 0));
	sqlite3_finalize(stmt);
	report_kind_end(r);
	stmt = check_prepare(st, r,
		"SELECT c.\"table\", c.rowid, c.parent, (SELECT f.\"from\" FROM"
		" pragma_foreign_key_list(c.\"table\") f WHERE f.id = c.fkid)"
		" FROM pragma_foreign_key_check c");
	while (stmt && check_step(st, r, stmt))
		report_line(r, _("%s %lld %s: refers to a %s that does not exist"), col_text(stmt, 0),
			    (long long)sqlite3_column_int64(stmt, 1), col_text(stmt, 3), col_text(stmt, 2));
	sqlite3_finalize(stmt);
	report_kind_end(r);
}

/* Every ID number valid, normalised, and agreeing with sex and birth date. */
static void check_id_numbers(struct store *st, struct check_report *r)
{
	sqlite3_stmt *stmt = check_prepare(st, r,
		"SELECT id, id_number, sz_id_norm(id_number), sex, birth_date,"
		" sz_id_sex(id_number), sz_id_birth(id_number) FROM resident"
		" WHERE id_number IS NOT NULL AND (sz_id_norm(id_number) IS NOT id_number"
		" OR sex IN ('1', '2') AND sex <> sz_id_sex(id_number)"
		" OR birth_date <> sz_id_birth(id_number))");
	while (stmt && check_step(st, r, stmt)) {
		long long id = sqlite3_column_int64(stmt, 0);
		if (sqlite3_column_type(stmt, 2) == SQLITE_NULL) {
			struct idcard card;
			enum idcard_status s = idcard_parse(col_text(stmt, 1), &card);
			char *why = idcard_message(s, &card);
			report_line(r, _("resident %lld id_number: not a valid ID number: %s"), id, why);
			free(why);
		} else if (strcmp(col_text(stmt, 1), col_text(stmt, 2)) != 0) {
			report_line(r, _("resident %lld id_number: not stored in its normalised form"), id);
		} else if (sqlite3_column_type(stmt, 3) != SQLITE_NULL &&
			   strcmp(col_text(stmt, 3), col_text(stmt, 5)) != 0) {
			report_line(r, _("resident %lld sex: contradicts the ID number"), id);
		} else {
			report_line(r, _("resident %lld birth_date: %s contradicts the ID number (%s)"), id,
				    col_text(stmt, 4), col_text(stmt, 6));
		}
	}
	sqlite3_finalize(stmt);
	report_kind_end(r);
}

/* Every household head lives in the household it heads. */
static void check_heads(struct store *st, struct check_report *r)
{
	sqlite3_stmt *stmt = check_prepare(st, r, household_heads_misplaced_sql);
	while (stmt && check_step(st, r, stmt))
		report_line(r, _("household %lld head_id: resident %lld is not a member of this household"),
			    (long long)sqlite3_column_int64(stmt, 0), (long long)sqlite3_column_int64(stmt, 1));
	sqlite3_finalize(stmt);
	report_kind_end(r);
}

/* Every household's 村民小组 is an active group of its village (of any village, for a
 * household without a grid; any group while the register has no village): the form
 * checks it, a write behind its back shows here. */
static void check_groups(struct store *st, struct check_report *r)
{
	sqlite3_stmt *stmt = check_prepare(st, r,
		"SELECT h.id, h.hh_no, h.village_group, v.name FROM household h"
		" LEFT JOIN grid g ON g.id = h.grid_id LEFT JOIN village v ON v.id = g.village_id"
		" WHERE trim(h.village_group) <> '' AND EXISTS (SELECT 1 FROM village)"
		/* two lookups, not one with OR: each finds its row by index (25 times faster) */
		" AND CASE WHEN h.grid_id IS NULL"
		"   THEN NOT EXISTS (SELECT 1 FROM village_group vg WHERE vg.name = h.village_group AND vg.active = 1)"
		"   ELSE NOT EXISTS (SELECT 1 FROM village_group vg WHERE vg.village_id = g.village_id"
		"     AND vg.name = h.village_group AND vg.active = 1) END ORDER BY h.id");
	while (stmt && check_step(st, r, stmt)) {
		const char *village = col_text(stmt, 3);
		if (*village)
			report_line(r, _("household %lld (%s) village_group: %s is not one of the groups of %s"),
				    (long long)sqlite3_column_int64(stmt, 0), col_text(stmt, 1), col_text(stmt, 2),
				    village);
		else
			report_line(r, _("household %lld (%s) village_group: %s is not one of the register's groups"),
				    (long long)sqlite3_column_int64(stmt, 0), col_text(stmt, 1), col_text(stmt, 2));
	}
	sqlite3_finalize(stmt);
	report_kind_end(r);
}

/* One integer from a query, -1 when it fails. */
static int64_t query_int(struct store *st, const char *sql, int64_t arg)
{
	sqlite3_stmt *stmt = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(stmt) > 0)
			sqlite3_bind_int64(stmt, 1, arg);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	return v;
}

/* The keys of resident id that resident_key lacks are reported. */
static void check_keys_of(struct store *st, struct check_report *r, sqlite3_stmt *missing, int64_t id)
{
	sqlite3_reset(missing);
	sqlite3_bind_int64(missing, 1, id);
	if (check_step(st, r, missing))
		report_line(r, _("resident %lld name: search key %s is missing (the resident cannot be found by it)"),
			    (long long)id, col_text(missing, 0));
}

/* resident_key in step with the residents: the count of keys for everyone, and
 * each key of up to 2,000 residents spread over the table (all of a small one). */
static void check_search_keys(struct store *st, struct check_report *r)
{
	int64_t have = query_int(st, "SELECT count(*) FROM resident_key", 0);
	int64_t want = query_int(st, "SELECT coalesce(sum(json_array_length("
				 "sz_search_keys(name, id_number, phone))), 0) FROM resident", 0);
	if (have != want)
		report_line(r, _("resident_key: %lld search keys, but the residents' names, ID and phone numbers give %lld"),
			    (long long)have, (long long)want);
	report_kind_end(r);
	sqlite3_stmt *missing = check_prepare(st, r,
		"SELECT j.value FROM resident p, json_each(sz_search_keys(p.name, p.id_number, p.phone)) j"
		" WHERE p.id = ?1 AND NOT EXISTS (SELECT 1 FROM resident_key k"
		" WHERE k.key = j.value AND k.resident_id = ?1)");
	sqlite3_stmt *next = check_prepare(st, r, "SELECT min(id) FROM resident WHERE id >= ?1");
	int64_t lo = query_int(st, "SELECT coalesce(min(id), 0) FROM resident", 0);
	int64_t hi = query_int(st, "SELECT coalesce(max(id), -1) FROM resident", 0);
	int64_t step = (hi - lo) / 2000 + 1;
	/* at stops short of overflowing: a township's ids reach towards INT64_MAX */
	for (int64_t at = lo; missing && next && at <= hi; at = hi - at < step ? hi : at + step) {
		sqlite3_reset(next);
		sqlite3_bind_int64(next, 1, at);
		if (!check_step(st, r, next) || sqlite3_column_type(next, 0) == SQLITE_NULL)
			break;
		int64_t id = sqlite3_column_int64(next, 0);
		check_keys_of(st, r, missing, id);
		if (id >= hi)
			break;
		if (id > at)
			at = id;
	}
	sqlite3_finalize(missing);
	sqlite3_finalize(next);
	report_kind_end(r);
}

/* The ranges bulk loads wrote to table, read from the audit log. */
static size_t bulk_ranges(struct store *st, const char *table, int64_t (**out)[2])
{
	sqlite3_stmt *stmt = NULL;
	size_t n = 0;
	*out = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT row_id, json_extract(after, '$.last') FROM audit"
			       " WHERE tbl = ?1 AND action = 'bulk'", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		*out = xrealloc(*out, (n + 1) * sizeof **out);
		(*out)[n][0] = sqlite3_column_int64(stmt, 0);
		(*out)[n][1] = sqlite3_column_int64(stmt, 1);
		n++;
	}
	sqlite3_finalize(stmt);
	return n;
}

/* Every row of a register table has its insert in the audit log (or a bulk load's). */
static void check_audited(struct store *st, struct check_report *r, const char *table)
{
	int64_t (*ranges)[2];
	size_t nranges = bulk_ranges(st, table, &ranges);
	char *sql = xasprintf("SELECT t.id FROM \"%s\" t WHERE NOT EXISTS (SELECT 1 FROM audit a"
			      " WHERE a.tbl = ?1 AND a.row_id = t.id AND a.action = 'insert')", table);
	sqlite3_stmt *stmt = check_prepare(st, r, sql);
	free(sql);
	if (stmt)
		sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while (stmt && check_step(st, r, stmt)) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		bool bulk = false;
		for (size_t i = 0; i < nranges && !bulk; i++)
			bulk = id >= ranges[i][0] && id <= ranges[i][1];
		if (!bulk)
			report_line(r, _("%s %lld: written without an audit entry"), table, (long long)id);
	}
	sqlite3_finalize(stmt);
	free(ranges);
	report_kind_end(r);
}

/* SQL listing the rows of table whose latest audited value of a column is not the
 * value the row holds now (or whose row is gone): id, column, entry, the row missing. */
static char *drift_sql(const char *table, const struct table_info *ti)
{
	struct strbuf sb = {0};
	sb_append(&sb, "WITH latest AS (SELECT a.row_id AS id, j.key AS col, j.value AS v, max(a.id) AS entry"
		       " FROM audit a, json_each(a.after) j WHERE a.tbl = ?1 AND a.action IN ('insert', 'update')"
		       " AND a.after IS NOT NULL GROUP BY a.row_id, j.key)"
		       " SELECT l.id, l.col, l.entry, t.id IS NULL FROM latest l");
	sb_appendf(&sb, " LEFT JOIN \"%s\" t ON t.id = l.id WHERE t.id IS NULL OR CASE l.col", table);
	for (size_t i = 0; i < ti->n; i++)
		sb_appendf(&sb, " WHEN '%s' THEN t.\"%s\" IS NOT l.v", ti->cols[i], ti->cols[i]);
	sb_append(&sb, " ELSE 1 END ORDER BY l.id, l.col");
	return sb_take(&sb);
}

/* Columns the program writes outside the audited path, on purpose: the sign-in
 * bookkeeping of auth.c (a password's hash never reaches the log). */
static const char *const unaudited_columns[] = {
	"operator.password_hash", "operator.failed_attempts", "operator.locked_until", "operator.last_signin_at",
};

/* Whether table.col is kept outside the audit log, or by the store itself. */
static bool unaudited_column(const char *table, const char *col)
{
	if (strcmp(col, "id") == 0 || strcmp(col, "created_at") == 0 || strcmp(col, "updated_at") == 0)
		return true;
	size_t tn = strlen(table);
	for (size_t i = 0; i < ARRAY_LEN(unaudited_columns); i++)
		if (strncmp(unaudited_columns[i], table, tn) == 0 && unaudited_columns[i][tn] == '.' &&
		    strcmp(unaudited_columns[i] + tn + 1, col) == 0)
			return true;
	return false;
}

/* Every row's values are the ones its audit entries left (insert, then updates): a
 * value changed, or a row removed, with the sqlite3 shell shows here. Bulk-loaded
 * rows are compared from their first audited update on; the columns kept outside
 * the log are not. */
static void check_drift(struct store *st, struct check_report *r, const char *table)
{
	const struct table_info *ti = table_columns(st, table, NULL);
	if (!ti)
		return;
	char *sql = drift_sql(table, ti);
	sqlite3_stmt *stmt = check_prepare(st, r, sql);
	free(sql);
	if (stmt)
		sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	int64_t gone = 0;
	while (stmt && check_step(st, r, stmt)) {
		long long id = sqlite3_column_int64(stmt, 0);
		/* a failed sign-in's entry names the attempts; a success clears them unaudited */
		if (!sqlite3_column_int(stmt, 3) && unaudited_column(table, col_text(stmt, 1)))
			continue;
		if (sqlite3_column_int(stmt, 3) && id != gone)
			report_line(r, _("%s %lld: in the audit log but no longer in the register: removed without an audit entry"),
				    table, id);
		else if (!sqlite3_column_int(stmt, 3))
			report_line(r, _("%s %lld %s: differs from its last audit entry (%lld): changed without an audit entry"),
				    table, id, col_text(stmt, 1), (long long)sqlite3_column_int64(stmt, 2));
		if (sqlite3_column_int(stmt, 3))
			gone = id;
	}
	sqlite3_finalize(stmt);
	report_kind_end(r);
}

/* SQL listing the columns of rows inserted through the write path that no entry of
 * theirs ever named, yet that no longer hold their default: id, column. */
static char *unwritten_sql(struct store *st, const char *table)
{
	sqlite3_stmt *cols = NULL;
	struct strbuf cases = {0};
	if (sqlite3_prepare_v2(st->db, "SELECT name, dflt_value FROM pragma_table_info(?1)", -1, &cols, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(cols) == SQLITE_ROW) {
		const char *col = col_text(cols, 0), *dflt = col_text(cols, 1);
		/* a default of the moment (CURRENT_TIMESTAMP) is no fixed value to compare */
		if (unaudited_column(table, col) || strncmp(dflt, "CURRENT_", 8) == 0)
			continue;
		sb_appendf(&cases, " WHEN '%s' THEN t.\"%s\" IS NOT (%s)", col, col, *dflt ? dflt : "NULL");
	}
	sqlite3_finalize(cols);
	if (!cases.len)
		return NULL;
	char *sql = xasprintf("WITH named AS (SELECT a.row_id AS id, j.key AS col FROM audit a, json_each(a.after) j"
			      " WHERE a.tbl = ?1 AND a.action IN ('insert', 'update') GROUP BY 1, 2)"
			      " SELECT t.id, c.name FROM audit i JOIN \"%s\" t ON t.id = i.row_id, pragma_table_info(?1) c"
			      " WHERE i.tbl = ?1 AND i.action = 'insert'"
			      " AND NOT EXISTS (SELECT 1 FROM named n WHERE n.id = t.id AND n.col = c.name)"
			      " AND CASE c.name%s ELSE 0 END ORDER BY t.id, c.name", table, cases.s);
	sb_free(&cases);
	return sql;
}

/* A column no entry of its row ever wrote still holds its default: notes added with
 * the sqlite3 shell to a resident saved without any, or a row's only update lost
 * from the end of the log. */
static void check_unwritten(struct store *st, struct check_report *r, const char *table)
{
	char *sql = unwritten_sql(st, table);
	sqlite3_stmt *stmt = sql ? check_prepare(st, r, sql) : NULL;
	free(sql);
	if (stmt)
		sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while (stmt && check_step(st, r, stmt))
		report_line(r, _("%s %lld %s: set, but no audit entry of this row ever wrote it: changed without an audit entry"),
			    table, (long long)sqlite3_column_int64(stmt, 0), col_text(stmt, 1));
	sqlite3_finalize(stmt);
	report_kind_end(r);
}

/* The tables the write path audits: every table with rows of its own (an id), but
 * the log itself, drafts and what triggers keep (search keys, tallies). */
static char **audited_tables(struct store *st, size_t *n)
{
	sqlite3_stmt *stmt = NULL;
	char **names = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM sqlite_schema s WHERE type = 'table'"
			       " AND name NOT IN ('audit', 'draft', 'resident_key') AND name NOT LIKE 'sqlite%'"
			       /* sync's own bookkeeping (sync.c) is not register data */
			       " AND name NOT LIKE 'sync\\_%' ESCAPE '\\'"
			       " AND EXISTS (SELECT 1 FROM pragma_table_info(s.name) WHERE name = 'id' AND pk = 1)"
			       " ORDER BY name", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		names = xrealloc(names, (*n + 1) * sizeof *names);
		names[(*n)++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	return names;
}

/* The register against its audit log, table by table. */
static void check_rows_audited(struct store *st, struct check_report *r)
{
	size_t n;
	char **tables = audited_tables(st, &n);
	for (size_t i = 0; i < n; i++) {
		check_audited(st, r, tables[i]);
		check_drift(st, r, tables[i]);
		check_unwritten(st, r, tables[i]);
		free(tables[i]);
	}
	free(tables);
}

int store_check(struct store *st, char **report)
{
	struct check_report r = {0};
	check_sqlite(st, &r);
	r.problems += schema_compare(st->db, &r.sb);
	check_id_numbers(st, &r);
	check_heads(st, &r);
	check_groups(st, &r);
	check_search_keys(st, &r);
	check_rows_audited(st, &r);
	if (audit_verify(st->db, &r.sb))
		r.problems++;
	if (report)
		*report = sb_take(&r.sb);
	sb_free(&r.sb);
	return r.problems;
}
