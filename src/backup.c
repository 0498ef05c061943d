/* backup: online backups, checked restores, the rotating daily copy (see backup.h). */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "auth.h"
#include "i18n.h"
#include "paths.h"
#include "schema.h"
#include "sqlfn.h"
#include "store.h"
#include "util.h"

#define DEFAULT_DAILY_KEEP 7
#define DAILY_PREFIX "shanzhi-"

/* Copies every page of src into dst in one step, waiting while a writer holds a
 * lock the copy needs. */
static int copy_pages(sqlite3 *dst, sqlite3 *src, char **err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		set_error(err, _("cannot start the copy: %s"), sqlite3_errmsg(dst));
		return -1;
	}
	int rc, tries = 0;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 400)
			break;
		usleep(25000);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		set_error(err, _("the copy failed: %s"), sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* Flushes a file to the disk. */
static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Flushes the folder holding path (a rename is durable once its folder is). */
static void sync_folder_of(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Copies the connection src into a new owner-only file dest, through a temporary
 * file renamed into place. */
static int copy_to_file(sqlite3 *src, const char *dest, char **err)
{
	char *tmp = xasprintf("%s.tmp-%ld", dest, (long)getpid());
	unlink(tmp);
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_error(err, _("cannot create %s: %s"), tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	sqlite3 *dst = NULL;
	int rc = -1;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		set_error(err, _("cannot open %s: %s"), tmp, sqlite3_errmsg(dst));
	else if (copy_pages(dst, src, err) == 0)
		rc = 0;
	/* a backup is one self-contained file: no WAL beside it */
	if (rc == 0 && sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		set_error(err, _("cannot finish %s: %s"), tmp, sqlite3_errmsg(dst));
		rc = -1;
	}
	sqlite3_close(dst);
	if (rc == 0 && sync_file(tmp) != 0) {
		set_error(err, _("cannot write %s to the disk: %s"), tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && private_rename(tmp, dest) != 0) {
		set_error(err, _("cannot rename %s to %s: %s"), tmp, dest, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	else
		sync_folder_of(dest);
	free(tmp);
	return rc;
}

/* Writes a backup into the audit log: a copy of every full ID and phone number left
 * the program (action "unmask" on the register as a whole), by whom, when, where to. */
static int record_backup(struct store *st, const char *dest, char **err)
{
	sqlite3_stmt *stmt = NULL;
	char *after = NULL, *where = realpath(dest, NULL);   /* the log names the file wherever it was run */
	if (sqlite3_prepare_v2(store_db(st), "SELECT json_object('backup', ?1)", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, where ? where : dest, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			after = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	int rc = after ? audit_event(st, "register", 0, "unmask", after, _("backup"), err)
		       : set_error(err, "%s", sqlite3_errmsg(store_db(st)));
	free(after);
	free(where);
	return rc;
}

char *backup_anchor(const char *path)
{
	sqlite3 *db = NULL;
	char *line = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		line = audit_anchor_line(db, SHA256_HEX - 1);
	sqlite3_close(db);
	return line;
}

/* Writes the copy's anchor beside it (dest.anchor): kept apart from the copy, it
 * shows a later register, or this very copy, truncated or re-hashed (check --anchor). */
static int write_anchor(const char *dest, char **err)
{
	char *line = backup_anchor(dest);
	char *side = xasprintf("%s.anchor", dest);
	FILE *f = line ? fopen(side, "w") : NULL;
	int rc = f && fprintf(f, "%s\n", line) > 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		set_error(err, _("cannot write %s: %s"), side, line ? strerror(errno) : _("the copy's audit log cannot be read"));
	free(side);
	free(line);
	return rc;
}

int backup_make(struct store *st, const char *dest, char **err)
{
	if (strcmp(dest, store_path(st)) == 0) {
		set_error(err, "%s", _("a backup cannot replace the database itself"));
		return -1;
	}
	if (copy_to_file(store_db(st), dest, err) != 0)
		return -1;
	/* no copy of the register is left behind without its audit entry */
	if (record_backup(st, dest, err) != 0) {
		unlink(dest);
		return -1;
	}
	return write_anchor(dest, err);
}

/* One integer from a query on db; def on failure. */
static long long db_int(sqlite3 *db, const char *sql, long long def)
{
	sqlite3_stmt *stmt;
	long long v = def;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* integrity_check's first line: "ok" when the file is sound. Caller frees. */
static char *integrity(sqlite3 *db)
{
	sqlite3_stmt *stmt;
	char *v = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(5)", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	else
		v = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return v;
}

/* The checks of an open copy. */
static int verify_db(sqlite3 *db, const char *path, char **err)
{
	char *ok = integrity(db);
	int rc = -1;
	long long app = db_int(db, "PRAGMA application_id", -1);
	long long version = db_int(db, "PRAGMA user_version", -1);
	bool chained = db_int(db, "SELECT count(*) FROM pragma_table_info('audit') WHERE name = 'hash'", 0) > 0;
	struct strbuf chain = {0};
	if (strcmp(ok, "ok") != 0)
		set_error(err, _("%s is damaged: %s"), path, ok);
	else if (app != SCHEMA_APPLICATION_ID)
		set_error(err, _("%s is not a shanzhi database"), path);
	else if (version < 1 || version > schema_latest())
		set_error(err, _("%s has schema version %lld; this program knows 1 to %d"), path, version,
			   schema_latest());
	else if (chained && audit_verify(db, &chain))
		set_error(err, _("%s: its audit log has been tampered with: %s"), path, chain.s ? chain.s : "");
	else
		rc = 0;
	sb_free(&chain);
	free(ok);
	return rc;
}

int backup_verify(const char *path, char **err)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		set_error(err, _("%s: no such file"), path);
		return -1;
	}
	sqlite3 *db = NULL;
	int rc = -1;
	/* the SQL functions: integrity_check recomputes the index resident_pinyin */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK || sqlfn_register(db) != SQLITE_OK)
		set_error(err, _("%s cannot be opened: %s"), path, sqlite3_errmsg(db));
	else if (db_int(db, "SELECT count(*) FROM sqlite_schema", -1) < 0)
		set_error(err, _("%s is not a shanzhi database (%s)"), path, sqlite3_errmsg(db));
	else
		rc = verify_db(db, path, err);
	sqlite3_close(db);
	return rc;
}

/* A name beside db_path for the file it was before a restore. Caller frees. */
static char *kept_name(const char *db_path)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	return xasprintf("%s.before-restore-%s", db_path, stamp);
}

/* A GLOB pattern matching text with a control character a register never holds: C0
 * but tab, line feed and carriage return (a memo's), DEL, C1, U+2028 and U+2029. */
static const char control_glob[] =
	"*[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\xc2\x80-\xc2\x9f\xe2\x80\xa8\xe2\x80\xa9]*";

/* The SQL finding the first row of table whose text holds a control character: its
 * rowid (NULL without one) and the column's name. NULL when the table has no columns.
 * Caller frees (sqlite3_free). */
static char *control_row_sql(sqlite3 *db, const char *table, bool rowid)
{
	sqlite3_stmt *cols = NULL;
	char *which = sqlite3_mprintf("%s", ""), *where = sqlite3_mprintf("%s", "");
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &cols, NULL) == SQLITE_OK) {
		sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
		while (sqlite3_step(cols) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(cols, 0);
			char *w = sqlite3_mprintf("%s WHEN \"%w\" GLOB ?1 THEN %Q", which, c, c);
			char *o = sqlite3_mprintf("%s%s\"%w\" GLOB ?1", where, *where ? " OR " : "", c);
			sqlite3_free(which);
			sqlite3_free(where);
			which = w;
			where = o;
		}
	}
	sqlite3_finalize(cols);
	char *sql = *where ? sqlite3_mprintf("SELECT %s, CASE%s END FROM \"%w\" WHERE %s LIMIT 1",
					     rowid ? "rowid" : "NULL", which, table, where)
			   : NULL;
	sqlite3_free(which);
	sqlite3_free(where);
	return sql;
}

/* Where table holds a control character, as a message, or NULL. Caller frees. */
static char *table_control_problem(sqlite3 *db, const char *path, const char *table)
{
	sqlite3_stmt *stmt = NULL;
	char *sql = control_row_sql(db, table, true);
	if (sql && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		sqlite3_free(sql);   /* a table WITHOUT ROWID: the row is not named */
		sql = control_row_sql(db, table, false);
		if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
			stmt = NULL;
	}
	sqlite3_free(sql);
	char *msg = NULL;
	if (stmt) {
		sqlite3_bind_text(stmt, 1, control_glob, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			msg = xasprintf(_("%s: table %s, column %s, row %lld holds a control character "
					  "(such as ESC), which the register never does"),
					path, table, (const char *)sqlite3_column_text(stmt, 1),
					(long long)sqlite3_column_int64(stmt, 0));
	}
	sqlite3_finalize(stmt);
	return msg;
}

/* A copy whose text holds a control character (ESC, OSC 52 ...) was made or changed
 * outside the program: it is refused before it can replace the register. */
static int check_no_controls(sqlite3 *db, const char *path, char **err)
{
	sqlite3_stmt *tables = NULL;
	char *msg = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite%' ORDER BY name", -1, &tables, NULL) == SQLITE_OK)
		while (!msg && sqlite3_step(tables) == SQLITE_ROW)
			msg = table_control_problem(db, path, (const char *)sqlite3_column_text(tables, 0));
	sqlite3_finalize(tables);
	if (!msg)
		return 0;
	set_error(err, "%s", msg);
	free(msg);
	return -1;
}

int backup_restore(const char *src, const char *db_path, char **kept, char **err)
{
	if (backup_verify(src, err) != 0)
		return -1;
	sqlite3 *from = NULL, *live = NULL;
	int rc = -1;
	char *keep = kept_name(db_path);
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		set_error(err, _("%s cannot be opened: %s"), src, sqlite3_errmsg(from));
	} else if (check_no_controls(from, src, err) != 0) {
		rc = -1;
	} else if (sqlite3_open_v2(db_path, &live, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		set_error(err, _("%s cannot be opened: %s"), db_path, sqlite3_errmsg(live));
	} else {
		sqlite3_busy_timeout(live, 10000);
		/* the current register first, unless it is too damaged to copy */
		char *kerr = NULL;
		if (copy_to_file(live, keep, &kerr) != 0) {
			free(keep);
			keep = NULL;
		}
		free(kerr);
		rc = copy_pages(live, from, err);
	}
	sqlite3_close(from);
	sqlite3_close(live);
	if (rc == 0)
		chmod(db_path, 0600);
	if (kept)
		*kept = rc == 0 ? keep : NULL;
	if (!kept || rc != 0)
		free(keep);
	return rc;
}

char *backup_folder(struct store *st)
{
	char *v = store_setting(st, "backup_folder");
	if (v && *v)
		return v;
	free(v);
	char *dir = xstrdup(store_path(st)), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	char *folder = xasprintf("%s/backups", slash ? dir : ".");
	free(dir);
	return folder;
}

char *backup_folder_refusal(const char *folder)
{
	struct stat sb;
	if (!folder || !*folder)
		return NULL;
	if (stat(folder, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? NULL : xasprintf(_("%s is a file, not a folder"), folder);
	/* a backup makes the last folder only (mkdir): the one above must be there */
	char *above = xstrdup(folder);
	size_t n = strlen(above);
	while (n > 1 && above[n - 1] == '/')
		above[--n] = '\0';   /* "a/b/" is "a/b" */
	char *slash = strrchr(above, '/');
	if (slash && slash > above)
		*slash = '\0';
	bool ok = !slash || slash == above || (stat(above, &sb) == 0 && S_ISDIR(sb.st_mode));
	char *why = ok ? NULL : xasprintf(_("the folder %s does not exist"), above);
	free(above);
	return why;
}

/* Sorts names. */
static int name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the oldest daily copies beyond keep. */
static void daily_prune(const char *folder, long keep)
{
	DIR *d = opendir(folder);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, DAILY_PREFIX, strlen(DAILY_PREFIX)) == 0 && len > 3 &&
		    strcmp(e->d_name + len - 3, ".db") == 0) {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_order);
	for (size_t i = 0; i < n; i++) {
		if ((long)(n - i) > keep) {
			char *p = xasprintf("%s/%s", folder, names[i]);
			char *side = xasprintf("%s.anchor", p);
			unlink(p);
			unlink(side);  /* its anchor goes with it */
			free(side);
			free(p);
		}
		free(names[i]);
	}
	free(names);
}

int backup_daily(struct store *st, char **made, char **err)
{
	if (made)
		*made = NULL;
	char *v = store_setting(st, "backup_daily_keep");
	long keep = v ? strtol(v, NULL, 10) : DEFAULT_DAILY_KEEP;
	free(v);
	if (keep <= 0)
		return 0;
	char *folder = backup_folder(st);
	if (mkdir(folder, 0700) != 0 && errno != EEXIST) {
		set_error(err, _("cannot create the backup folder %s: %s"), folder, strerror(errno));
		free(folder);
		return -1;
	}
	char today[11];
	store_today(today);
	char *dest = xasprintf("%s/" DAILY_PREFIX "%s.db", folder, today);
	int rc = 0;
	if (access(dest, F_OK) != 0) {
		rc = backup_make(st, dest, err);
		if (rc == 0 && made)
			*made = xstrdup(dest);
	}
	if (rc == 0)
		daily_prune(folder, keep);
	free(dest);
	free(folder);
	return rc;
}

/* The restore, in the restored register's own audit log (see backup.h). */
int backup_record_restore(const char *db_path, const char *src, const char *kept, const char *login,
			  char **err)
{
	struct store *st = store_open(db_path, err);
	if (!st)
		return -1;
	if (login)
		auth_name_operator(st, login);   /* named when the copy knows the login */
	sqlite3_stmt *stmt = NULL;
	char *after = NULL;
	if (sqlite3_prepare_v2(store_db(st), "SELECT json_object('restored_from', ?1, 'kept', ?2, 'operator', ?3)",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, src, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, kept, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, login, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			after = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	int rc = after ? audit_event(st, "register", 0, "update", after, _("restored from a backup"), err) : -1;
	if (!after)
		set_error(err, "%s", sqlite3_errmsg(store_db(st)));
	free(after);
	store_close(st);
	return rc;
}
