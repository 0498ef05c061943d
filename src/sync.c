/* sync: identities, change capture, packages and their application (see sync.h). */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "sync.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "i18n.h"
#include "paths.h"
#include "schema.h"
#include "sha256.h"
#include "sync-int.h"
#include "store.h"
#include "sync-ledger.h"
#include "util.h"
#include "village.h"

#define BLOCK (1LL << SYNC_BLOCK_BITS)
#define MAX_PACKAGE (512L * 1024 * 1024)

/* The tables a village sends, parents before children; then the declared registers'
 * (sync-ledger.h). Operators, the audit log, drafts and settings are each register's
 * own; resident_key and service_tally are derived by triggers at the receiving end. */
static const char *const synced[] = {
	"town", "village", "grid", "village_group", "household", "resident",
	"dispute_case", "dispute_party", "dispute_session", "dispute_visit",
	"star_round", "star_household", "star_score", "service_request",
	"transfer",   /* a resident's move between villages (transfer.h) */
};
#define NSYNCED (sizeof synced / sizeof synced[0])

static const char sync_schema[] =
	"CREATE TABLE IF NOT EXISTS sync_site (\n"
	"  site_no INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE,\n"
	"  name TEXT NOT NULL,\n"
	"  role TEXT NOT NULL CHECK (role IN ('village', 'township')),\n"
	"  self INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)));\n"
	"CREATE TABLE IF NOT EXISTS sync_pending (\n"
	"  id INTEGER PRIMARY KEY, at TEXT NOT NULL, changeset BLOB NOT NULL, pkg_seq INTEGER);\n"
	"CREATE TABLE IF NOT EXISTS sync_outbox (\n"
	"  seq INTEGER PRIMARY KEY, made_at TEXT NOT NULL, hash TEXT NOT NULL, changes INTEGER NOT NULL,\n"
	"  pkg BLOB NOT NULL, acked_at TEXT);\n"
	"CREATE TABLE IF NOT EXISTS sync_inbox (\n"
	"  site_no INTEGER NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL,\n"
	"  PRIMARY KEY (site_no, seq));\n"
	"CREATE TABLE IF NOT EXISTS sync_log (\n"
	"  id INTEGER PRIMARY KEY, at TEXT NOT NULL, file TEXT, site TEXT, seq INTEGER,\n"
	"  result TEXT NOT NULL, counts TEXT, message TEXT);\n"
	"CREATE TABLE IF NOT EXISTS sync_conflict (\n"
	"  id INTEGER PRIMARY KEY, site_no INTEGER NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL,\n"
	"  row_id INTEGER NOT NULL, kind TEXT NOT NULL, theirs TEXT, ours TEXT,\n"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'village', 'township')),\n"
	"  resolved_by TEXT, resolved_at TEXT);\n";

bool sync_table_synced(const char *table)
{
	for (size_t i = 0; i < NSYNCED; i++)
		if (strcmp(synced[i], table) == 0)
			return true;
	return sync_ledger_table(table);
}

static bool shared_table(const char *t)
{
	return strcmp(t, "town") == 0 || strcmp(t, "village") == 0;
}

static bool has_sync_tables(sqlite3 *db)
{
	sqlite3_stmt *s;
	bool yes = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sync_site'", -1, &s, NULL) == SQLITE_OK)
		yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return yes;
}

bool sync_self(struct store *st, char role[16], char code[16], long long *site_no)
{
	sqlite3 *db = store_db(st);
	if (!has_sync_tables(db))
		return false;
	sqlite3_stmt *s;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT role, code, site_no FROM sync_site WHERE self = 1", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		snprintf(role, 16, "%s", (const char *)sqlite3_column_text(s, 0));
		snprintf(code, 16, "%s", (const char *)sqlite3_column_text(s, 1));
		*site_no = sqlite3_column_int64(s, 2);
		found = true;
	}
	sqlite3_finalize(s);
	return found;
}

static long long query_ll(sqlite3 *db, const char *sql, long long arg, long long dflt);
static long long sync_site_of(struct store *st);

/* A site's new rows are numbered in its block here: at the township SQLite's
 * max(id)+1 would land in the block of the village with the highest number, and in a
 * village a table still empty when it joined would start at 1, or one holding a
 * resident who moved in from a village numbered above it would continue in that
 * village's block. Bulk loads number theirs after sync_bulk_span's first. */
long long sync_next_id(struct store *st, const char *table)
{
	if (!sync_table_synced(table) || shared_table(table))
		return 0;
	long long site = sync_site_of(st);
	if (!site)
		return 0;
	/* the last id inclusive: the township's top block ends at INT64_MAX exactly */
	long long base = site << SYNC_BLOCK_BITS, last_in_block = base + (BLOCK - 1);
	char *q = sqlite3_mprintf("SELECT max(id) FROM \"%w\" WHERE id BETWEEN %lld AND %lld", table, base, last_in_block);
	long long last = query_ll(store_db(st), q, 0, base);
	sqlite3_free(q);
	return last + 1;
}

void sync_bulk_span(struct store *st, const char *table, long long *first, long long *end)
{
	long long site = sync_site_of(st);
	bool block = site && sync_table_synced(table) && !shared_table(table);
	long long base = site << SYNC_BLOCK_BITS;
	/* the township's top block ends at INT64_MAX: its last id is not given */
	*end = block && site != SYNC_TOWNSHIP_SITE ? base + BLOCK : INT64_MAX;
	char *q = block ? sqlite3_mprintf("SELECT max(id) FROM \"%w\" WHERE id >= %lld AND id < %lld", table, base, *end)
			: sqlite3_mprintf("SELECT max(id) FROM \"%w\"", table);
	*first = query_ll(store_db(st), q, 0, block ? base : 0);
	sqlite3_free(q);
}

/* ---- capture ---- */

/* What sync knows of an open store lives in a small registry keyed by the store (a
 * program opens one or two at once): its site, read once at open rather than at
 * every insert, and a village's session. */
struct capture {
	struct store *st;
	sqlite3_session *sess;
	long long site;   /* 0: not set up for sync */
};
static struct capture captures[4];

static struct capture *capture_of(struct store *st)
{
	for (size_t i = 0; i < sizeof captures / sizeof captures[0]; i++)
		if (captures[i].st == st)
			return &captures[i];
	return NULL;
}

/* The store's site number, 0 when it is not set up for sync. */
static long long sync_site_of(struct store *st)
{
	struct capture *c = capture_of(st);
	if (c)
		return c->site;
	char role[16], code[16];
	long long site;
	return sync_self(st, role, code, &site) ? site : 0;   /* more stores open than the registry holds */
}

/* The session's choice among the tables not attached by name: the registers' tables,
 * made from their declarations after the store opened. */
static int ledger_filter(void *ctx, const char *table)
{
	(void)ctx;
	return sync_ledger_table(table);
}

static sqlite3_session *new_session(sqlite3 *db)
{
	sqlite3_session *s = NULL;
	if (sqlite3session_create(db, "main", &s) != SQLITE_OK)
		return NULL;
	for (size_t i = 0; i < NSYNCED; i++)
		sqlite3session_attach(s, synced[i]);
	sqlite3session_table_filter(s, ledger_filter, NULL);
	sqlite3session_attach(s, NULL);
	return s;
}

void sync_capture_open(struct store *st)
{
	struct capture *c = capture_of(st);
	if (!c && !(c = capture_of(NULL)))
		return;
	c->st = st;
	char role[16], code[16];
	long long site;
	c->site = sync_self(st, role, code, &site) ? site : 0;
	if (c->site && strcmp(role, "village") == 0 && !c->sess)
		c->sess = new_session(store_db(st));
}

static int keep_changeset(sqlite3 *db, const void *p, int n)
{
	char at[32];
	store_now(at);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO sync_pending(at, changeset) VALUES (?1, ?2)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, at, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 2, p, n, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? 0 : -1;
}

int sync_capture_flush(struct store *st)
{
	struct capture *c = capture_of(st);
	if (!c || !c->sess || sqlite3session_isempty(c->sess))
		return 0;
	int n = 0;
	void *p = NULL;
	int rc = 0;
	if (sqlite3session_changeset(c->sess, &n, &p) != SQLITE_OK)
		rc = -1;
	else if (n > 0)
		rc = keep_changeset(store_db(st), p, n);
	sqlite3_free(p);
	sync_capture_reset(st);
	return rc;
}

void sync_capture_reset(struct store *st)
{
	struct capture *c = capture_of(st);
	if (!c || !c->sess)
		return;
	sqlite3session_delete(c->sess);
	c->sess = new_session(store_db(st));
}

void sync_capture_close(struct store *st)
{
	struct capture *c = capture_of(st);
	if (!c)
		return;
	/* writes made outside store_begin (autocommit) are kept too */
	if (c->sess && !sqlite3session_isempty(c->sess) && sqlite3_get_autocommit(store_db(st)))
		sync_capture_flush(st);
	if (c->sess)
		sqlite3session_delete(c->sess);
	c->sess = NULL;
	c->st = NULL;
	c->site = 0;
}

/* ---- small helpers ---- */

int sync_exec(sqlite3 *db, const char *sql, char **err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	set_error(err, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

static int execf(sqlite3 *db, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	int rc = sync_exec(db, sql, err);
	sqlite3_free(sql);
	return rc;
}

static long long query_ll(sqlite3 *db, const char *sql, long long arg, long long dflt)
{
	sqlite3_stmt *s;
	long long v = dflt;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(s) > 0)
			sqlite3_bind_int64(s, 1, arg);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

static void json_value(struct strbuf *sb, sqlite3_value *v)
{
	if (!v) {
		sb_append(sb, "null");
		return;
	}
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		sb_append(sb, "null");
		break;
	case SQLITE_INTEGER:
		sb_appendf(sb, "%lld", (long long)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		sb_appendf(sb, "%.17g", sqlite3_value_double(v));
		break;
	default: {
		const unsigned char *t = sqlite3_value_text(v);
		sb_append(sb, "\"");
		for (; t && *t; t++) {
			if (*t == '"' || *t == '\\')
				sb_appendf(sb, "\\%c", *t);
			else if (*t < 0x20)
				sb_appendf(sb, "\\u%04x", *t);
			else
				sb_append_n(sb, (const char *)t, 1);
		}
		sb_append(sb, "\"");
	}
	}
}

/* ---- set up: renumbering into the block ---- */

/* The new id of a row of table t as an SQL expression of the column x. */
char *sync_moved_id(const char *t, const char *x, long long base)
{
	if (shared_table(t))
		return sqlite3_mprintf("coalesce((SELECT new FROM temp.sz_map WHERE tbl = '%q' AND old = %s), %s)", t, x, x);
	return sqlite3_mprintf("(CASE WHEN %s BETWEEN 1 AND %lld THEN %s + %lld ELSE %s END)", x, BLOCK - 1, x, base, x);
}

void sync_move_reference(struct strbuf *sb, const char *table, const char *col, const char *target, long long base)
{
	char *quoted = sqlite3_mprintf("\"%w\"", col);
	char *e = sync_moved_id(target, quoted, base);
	char *q = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = %s WHERE \"%w\" IS NOT NULL;\n", table, col, e, col);
	sb_append(sb, q);
	sqlite3_free(q);
	sqlite3_free(e);
	sqlite3_free(quoted);
	/* the audit log's values of the column follow too: check compares them */
	for (int k = 0; k < 2; k++) {
		const char *side = k ? "after" : "before";
		char *path = sqlite3_mprintf("json_extract(%s, '$.%q')", side, col);
		char *ae = sync_moved_id(target, path, base);
		q = sqlite3_mprintf("UPDATE audit SET %s = json_set(%s, '$.%q', %s) WHERE tbl = '%q' AND json_valid(%s) "
				    "AND json_type(%s, '$.%q') = 'integer';\n", side, side, col, ae, table, side, side, col);
		sb_append(sb, q);
		sqlite3_free(q);
		sqlite3_free(ae);
		sqlite3_free(path);
	}
}

/* Every foreign key of every table into the synced tables follows its row. */
static int renumber_references(sqlite3 *db, long long base, char **err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_schema m, "
			       "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'", -1, &s, NULL) != SQLITE_OK)
		return set_error(err, "%s", sqlite3_errmsg(db));
	struct strbuf sb = { 0 };
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(s, 0), *col = (const char *)sqlite3_column_text(s, 1),
			   *parent = (const char *)sqlite3_column_text(s, 2);
		if (!sync_table_synced(parent))
			continue;
		sync_move_reference(&sb, tbl, col, parent, base);
	}
	sqlite3_finalize(s);
	char *sql = sb_take(&sb);
	int rc = sql ? sync_exec(db, sql, err) : 0;
	free(sql);
	return rc;
}

static void sz_free_expr(char *e)
{
	sqlite3_free(e);
}

/* The references that are not foreign keys: search keys, tallies, the audit log's
 * row ids and bulk ranges, drafts. */
static int renumber_others(sqlite3 *db, long long base, char **err)
{
	char *r = sync_moved_id("resident", "resident_id", base), *v = sync_moved_id("village", "village_id", base);
	int rc = execf(db, err, "UPDATE resident_key SET resident_id = %s; UPDATE service_tally SET village_id = %s;"
		       "UPDATE draft SET record_id = record_id + %lld WHERE record_id BETWEEN 1 AND %lld;",
		       r, v, base, BLOCK - 1);
	sz_free_expr(r);
	sz_free_expr(v);
	for (size_t i = 0; rc == 0 && i < NSYNCED; i++) {
		char *e = sync_moved_id(synced[i], "row_id", base);
		char *f = sync_moved_id(synced[i], "json_extract(after, '$.first')", base);
		char *l = sync_moved_id(synced[i], "json_extract(after, '$.last')", base);
		rc = execf(db, err, "UPDATE audit SET row_id = %s WHERE tbl = '%q';"
			   "UPDATE audit SET after = json_set(after, '$.first', %s, '$.last', %s) "
			   "WHERE tbl = '%q' AND action = 'bulk' AND json_valid(after);", e, synced[i], f, l, synced[i]);
		sz_free_expr(e);
		sz_free_expr(f);
		sz_free_expr(l);
	}
	return rc;
}

/* The audit chain sealed again after its row ids moved: every hash in id order. */
static int rechain_audit(sqlite3 *db, char **err)
{
	sqlite3_stmt *s, *u;
	if (sqlite3_prepare_v2(db, "SELECT id, at, operator_id, tbl, row_id, action, before, after, reason FROM audit "
			       "WHERE hash IS NOT NULL ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return set_error(err, "%s", sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE id = ?3", -1, &u, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return set_error(err, "%s", sqlite3_errmsg(db));
	}
	char prev[SHA256_HEX];
	memset(prev, '0', SHA256_HEX - 1);
	prev[SHA256_HEX - 1] = '\0';
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		struct audit_entry e = {
			.id = sqlite3_column_int64(s, 0), .at = (const char *)sqlite3_column_text(s, 1),
			.operator_id = sqlite3_column_int64(s, 2), .tbl = (const char *)sqlite3_column_text(s, 3),
			.row_id = sqlite3_column_int64(s, 4), .action = (const char *)sqlite3_column_text(s, 5),
			.before = (const char *)sqlite3_column_text(s, 6), .after = (const char *)sqlite3_column_text(s, 7),
			.reason = (const char *)sqlite3_column_text(s, 8),
		};
		memcpy(e.prev_hash, prev, SHA256_HEX);
		char h[SHA256_HEX];
		audit_entry_hash(&e, h);
		sqlite3_bind_text(u, 1, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(u, 2, h, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(u, 3, e.id);
		if (sqlite3_step(u) != SQLITE_DONE)
			rc = set_error(err, "%s", sqlite3_errmsg(db));
		sqlite3_reset(u);
		memcpy(prev, h, SHA256_HEX);
	}
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return rc;
}

/* The triggers are dropped while rows move (a final star round refuses updates, the
 * audit log refuses them) and created again as they were. */
static char *drop_triggers(sqlite3 *db, bool locks_only, char **err)
{
	sqlite3_stmt *s;
	struct strbuf create = { 0 }, drop = { 0 };
	if (sqlite3_prepare_v2(db, locks_only ? "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL "
						"AND sql LIKE '%RAISE(ABORT%' AND tbl_name NOT IN ('audit', 'operator')"
					      : "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL",
			       -1, &s, NULL) != SQLITE_OK) {
		set_error(err, "%s", sqlite3_errmsg(db));
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *q = sqlite3_mprintf("DROP TRIGGER \"%w\";", (const char *)sqlite3_column_text(s, 0));
		sb_append(&drop, q);
		sqlite3_free(q);
		sb_appendf(&create, "%s;\n", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	char *d = sb_take(&drop);
	sb_append(&create, "");
	char *c = sb_take(&create);
	if (d && sync_exec(db, d, err) != 0) {
		free(c);
		c = NULL;
	}
	free(d);
	return c;
}

static int seal_entry(struct store *st, const char *tbl, long long row, const char *before, const char *after,
		      const char *reason, char **err)
{
	char at[32];
	store_now(at);
	struct audit_entry e = { .at = at, .operator_id = store_operator_id(st), .tbl = tbl, .row_id = row,
				 .action = "update", .before = before, .after = after, .reason = reason };
	int rc;
	if (audit_append(store_db(st), &e, &rc) != 0)
		return set_error(err, "%s: %s", _("writing the audit log"), sqlite3_errstr(rc));
	return 0;
}

/* A changeset inserting every row of the synced tables: a village's first package
 * (its register as it stood when it joined), by diffing against empty copies. */
static int baseline_table(sqlite3 *db, sqlite3_session *sess, const char *table, char **err)
{
	struct strbuf sb = { 0 };
	sqlite3_stmt *s;
	sb_appendf(&sb, "CREATE TABLE sz_empty.\"%s\" (", table);
	char *q = sqlite3_mprintf("SELECT name, pk FROM pragma_table_info('%q') ORDER BY cid", table);
	sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	bool first = true;
	while (sqlite3_step(s) == SQLITE_ROW) {
		sb_appendf(&sb, "%s\"%s\"%s", first ? "" : ", ", (const char *)sqlite3_column_text(s, 0),
			   sqlite3_column_int(s, 1) ? " INTEGER PRIMARY KEY" : "");
		first = false;
	}
	sqlite3_finalize(s);
	sb_append(&sb, ")");
	char *sql = sb_take(&sb);
	int rc = sync_exec(db, sql, err);
	free(sql);
	char *msg = NULL;
	if (rc == 0 && (sqlite3session_attach(sess, table) != SQLITE_OK ||
			sqlite3session_diff(sess, "sz_empty", table, &msg) != SQLITE_OK))
		rc = set_error(err, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return rc;
}

/* A changeset inserting every row of the synced tables: a village's first package
 * (its register as it stood when it joined), by diffing against empty copies. */
static int baseline(sqlite3 *db, char **err)
{
	if (sync_exec(db, "ATTACH ':memory:' AS sz_empty", err) != 0)
		return -1;
	sqlite3_session *sess = NULL;
	int rc = sqlite3session_create(db, "main", &sess) == SQLITE_OK ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < NSYNCED; i++)
		rc = baseline_table(db, sess, synced[i], err);
	size_t nl;
	char **ledgers = sync_ledger_tables(db, &nl);
	for (size_t i = 0; rc == 0 && i < nl; i++)
		rc = baseline_table(db, sess, ledgers[i], err);
	sync_ledger_tables_free(ledgers, nl);
	int n = 0;
	void *p = NULL;
	if (rc == 0 && sqlite3session_changeset(sess, &n, &p) != SQLITE_OK)
		rc = set_error(err, "%s", sqlite3_errmsg(db));
	if (rc == 0 && n > 0)
		rc = keep_changeset(db, p, n);
	sqlite3_free(p);
	sqlite3session_delete(sess);
	sqlite3_exec(db, "DETACH sz_empty", NULL, NULL, NULL);
	return rc;
}

static int renumber(struct store *st, long long base, char **err)
{
	sqlite3 *db = store_db(st);
	char *triggers = drop_triggers(db, false, err);
	if (!triggers)
		return -1;
	int rc = sync_exec(db, "PRAGMA defer_foreign_keys = ON;"
		      "CREATE TEMP TABLE IF NOT EXISTS sz_map (tbl TEXT, old INTEGER, new INTEGER, PRIMARY KEY (tbl, old));"
		      "DELETE FROM temp.sz_map;"
		      "INSERT INTO temp.sz_map SELECT 'town', id, CAST(code AS INTEGER) FROM town;"
		      "INSERT INTO temp.sz_map SELECT 'village', id, CAST(code AS INTEGER) FROM village;", err);
	for (size_t i = 0; rc == 0 && i < NSYNCED; i++) {
		char *e = sync_moved_id(synced[i], "id", base);
		/* shared rows first move out of the way (negative), then to their codes */
		if (shared_table(synced[i]))
			rc = execf(db, err, "UPDATE \"%s\" SET id = -id; UPDATE \"%s\" SET id = "
				   "(SELECT new FROM temp.sz_map WHERE tbl = '%s' AND old = -id);",
				   synced[i], synced[i], synced[i]);
		else
			rc = execf(db, err, "UPDATE \"%s\" SET id = %s;", synced[i], e);
		sz_free_expr(e);
	}
	if (rc == 0)
		rc = sync_ledger_renumber(db, base, err);
	if (rc == 0)
		rc = renumber_references(db, base, err);
	if (rc == 0)
		rc = renumber_others(db, base, err);
	if (rc == 0)
		rc = rechain_audit(db, err);
	if (rc == 0)
		rc = sync_exec(db, triggers, err);
	free(triggers);
	sync_exec(db, "DROP TABLE IF EXISTS temp.sz_map", NULL);
	return rc;
}

int sync_init(struct store *st, const char *role, const char *code, const char *name, long long site_no,
	      char **err)
{
	sqlite3 *db = store_db(st);
	bool township = strcmp(role, "township") == 0;
	if (!township && strcmp(role, "village") != 0)
		return set_error(err, _("unknown role %s: village or township"), role);
	if (!village_code_ok(code, township ? 9 : 12))
		return set_error(err, township ? _("the township code must be 9 digits: %s")
					       : _("the village code must be 12 digits: %s"), code);
	if (!name || !*name)
		return set_error(err, "%s", _("the name is missing (--name)"));
	if (site_no == 0)
		site_no = township ? SYNC_TOWNSHIP_SITE : atoll(code + 6);
	if (site_no < 1 || site_no > SYNC_TOWNSHIP_SITE || (!township && site_no == SYNC_TOWNSHIP_SITE))
		return set_error(err, _("site number %lld is out of range (1 to %lld)"), site_no, SYNC_TOWNSHIP_SITE - 1);
	char r[16], c[16];
	long long old;
	if (sync_self(st, r, c, &old))
		return set_error(err, _("this register is already set up for sync as %s %s (site %lld)"),
				 strcmp(r, "village") == 0 ? _("village") : _("township"), c, old);
	long long base = site_no << SYNC_BLOCK_BITS;
	char head_before[SHA256_HEX];
	int64_t head_id;
	if (store_begin(st, err) != 0)
		return -1;
	int rc = sync_exec(db, sync_schema, err);
	if (rc == 0 && audit_head(db, &head_id, head_before) != 0)
		rc = set_error(err, "%s", _("the audit log cannot be read"));
	if (rc == 0)
		rc = renumber(st, base, err);
	if (rc == 0)
		rc = execf(db, err, "INSERT INTO sync_site(site_no, code, name, role, self) VALUES (%lld, '%q', '%q', '%q', 1)",
			   site_no, code, name, role);
	if (rc == 0) {
		char *before = xasprintf("{\"audit_head\":%lld,\"audit_hash\":\"%s\"}", (long long)head_id, head_before);
		char *after = xasprintf("{\"site_no\":%lld,\"code\":\"%s\",\"role\":\"%s\",\"base\":%lld}", site_no, code,
					role, base);
		rc = seal_entry(st, "sync_site", site_no, before, after,
				_("sync set up: rows renumbered into the site's block, audit chain sealed again"), err);
		free(before);
		free(after);
	}
	if (rc == 0 && !township)
		rc = baseline(db, err);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st, err) != 0)
		return -1;
	sync_capture_open(st);
	return 0;
}

/* ---- the container ---- */


static char *package_header(const char *kind, const char *site, const char *name, long long site_no, long long seq,
			    const char *prev, long long length)
{
	return xasprintf("%s\nkind %s\nsite %s\nsite_no %lld\nname %s\nseq %lld\nprev %s\nschema %d\nlength %lld\n",
			 SYNC_MAGIC, kind, site, site_no, name, seq, prev, schema_latest(), length);
}

/* The header of this site's next outgoing package: its name, the sequence after the
 * last package it made, and that package's hash as the previous one (zeros at first). */
static char *next_header(sqlite3 *db, const char *kind, const char *code, long long site, long long length,
			 long long *seq)
{
	char name[128] = "", prev[SHA256_HEX];
	memset(prev, '0', SHA256_HEX - 1);
	prev[SHA256_HEX - 1] = '\0';
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sync_site WHERE self = 1", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	long long last = query_ll(db, "SELECT max(seq) FROM sync_outbox", 0, 0);
	if (sqlite3_prepare_v2(db, "SELECT hash FROM sync_outbox WHERE seq = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, last);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	*seq = last + 1;
	return package_header(kind, code, name, site, *seq, prev, length);
}

static void content_hash(const char *header, const void *body, size_t n, char out[SHA256_HEX])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, header, strlen(header));
	sha256_update(&s, body, n);
	sha256_final_hex(&s, out);
}

static int write_file(const char *path, const char *header, const char *hash, const void *body, size_t n, char **err)
{
	char *tmp = xasprintf("%s.part", path);
	FILE *f = fopen(tmp, "wb");
	int rc = 0;
	if (!f || fprintf(f, "%ssha256 %s\n\n", header, hash) < 0 || (n && fwrite(body, 1, n, f) != n) ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = set_error(err, "%s: %s", path, strerror(errno));
	if (f && fclose(f) != 0 && rc == 0)
		rc = set_error(err, "%s: %s", path, strerror(errno));
	if (rc == 0 && rename(tmp, path) != 0)
		rc = set_error(err, "%s: %s", path, strerror(errno));
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static char *read_all(const char *path, size_t *n, char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		set_error(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 65536, len = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			if (cap >= (size_t)MAX_PACKAGE)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	fclose(f);
	*n = len;
	return buf;
}

/* Reads and checks a package: its magic, fields, length and hash. */
static int package_read(const char *path, struct package *p, char **err)
{
	memset(p, 0, sizeof *p);
	p->file = (unsigned char *)read_all(path, &p->size, err);
	if (!p->file)
		return -1;
	size_t ml = strlen(SYNC_MAGIC);
	if (p->size < ml + 1 || memcmp(p->file, SYNC_MAGIC "\n", ml + 1) != 0)
		return set_error(err, _("%s is not a shanzhi sync package"), path);
	char *text = (char *)p->file;
	char *end = memmem(text, p->size, "\n\n", 2);
	char *sha = end ? memmem(text, (size_t)(end - text) + 1, "\nsha256 ", 8) : NULL;
	if (!end || !sha)
		return set_error(err, _("%s is damaged (its header is incomplete): refused, nothing was changed"), path);
	int fields = 0;
	for (char *line = text + ml + 1; line < sha + 1;) {
		char *nl = memchr(line, '\n', (size_t)(sha + 1 - line));
		if (!nl)
			break;
		*nl = '\0';
		char *v = strchr(line, ' ');
		if (v) {
			*v++ = '\0';
			if (strcmp(line, "kind") == 0 && ++fields)
				snprintf(p->kind, sizeof p->kind, "%s", v);
			else if (strcmp(line, "site") == 0 && ++fields)
				snprintf(p->site, sizeof p->site, "%s", v);
			else if (strcmp(line, "name") == 0 && ++fields)
				snprintf(p->name, sizeof p->name, "%s", v);
			else if (strcmp(line, "site_no") == 0 && ++fields)
				p->site_no = atoll(v);
			else if (strcmp(line, "seq") == 0 && ++fields)
				p->seq = atoll(v);
			else if (strcmp(line, "prev") == 0 && ++fields)
				snprintf(p->prev, sizeof p->prev, "%s", v);
			else if (strcmp(line, "schema") == 0 && ++fields)
				p->schema = atoi(v);
			else if (strcmp(line, "length") == 0 && ++fields)
				p->length = atoll(v);
			else if (strcmp(line, "to") == 0)   /* a down package's destination */
				snprintf(p->to, sizeof p->to, "%s", v);
			v[-1] = ' ';
		}
		*nl = '\n';
		line = nl + 1;
	}
	snprintf(p->hash, sizeof p->hash, "%.*s", (int)(end - (sha + 8)), sha + 8);
	p->body = (unsigned char *)end + 2;
	size_t body_n = p->size - (size_t)(p->body - p->file);
	char want[SHA256_HEX];
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, text, (size_t)(sha + 1 - text));
	sha256_update(&s, p->body, body_n);
	sha256_final_hex(&s, want);
	if (fields != 8 || p->length != (long long)body_n || strcmp(want, p->hash) != 0)
		return set_error(err, _("%s is damaged (truncated or changed: its SHA-256 does not match): refused, "
					"nothing was changed"), path);
	return 0;
}

static void package_free(struct package *p)
{
	free(p->file);
	p->file = NULL;
}

int sync_package_seq(const char *path, long long *seq, char **err)
{
	struct package p;
	int rc = package_read(path, &p, err);
	*seq = p.seq;
	package_free(&p);
	return rc;
}

/* ---- export ---- */

static long long count_changes(const void *p, int n)
{
	sqlite3_changeset_iter *it;
	long long k = 0;
	if (sqlite3changeset_start(&it, n, (void *)p) != SQLITE_OK)
		return 0;
	while (sqlite3changeset_next(it) == SQLITE_ROW)
		k++;
	sqlite3changeset_finalize(it);
	return k;
}

static int export_again(sqlite3 *db, const char *path, long long seq, long long *nchanges, char **err)
{
	sqlite3_stmt *s;
	int rc = -1;
	if (sqlite3_prepare_v2(db, "SELECT pkg, changes FROM sync_outbox WHERE seq = ?1 AND acked_at IS NULL", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, seq);
		if (sqlite3_step(s) == SQLITE_ROW) {
			FILE *f = fopen(path, "wb");
			int n = sqlite3_column_bytes(s, 0);
			if (f && fwrite(sqlite3_column_blob(s, 0), 1, (size_t)n, f) == (size_t)n && fclose(f) == 0)
				rc = 0;
			else
				set_error(err, "%s: %s", path, strerror(errno));
			*nchanges = sqlite3_column_int64(s, 1);
		} else {
			set_error(err, _("there is no package %lld kept here (acknowledged packages are let go)"), seq);
		}
	}
	sqlite3_finalize(s);
	return rc;
}

/* The pending changesets not yet in a package, grouped into one. */
static int group_pending(sqlite3 *db, void **out, int *n, char **err)
{
	sqlite3_changegroup *g;
	if (sqlite3changegroup_new(&g) != SQLITE_OK)
		return set_error(err, "%s", _("out of memory"));
	sqlite3_stmt *s;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "SELECT changeset FROM sync_pending WHERE pkg_seq IS NULL ORDER BY id", -1, &s, NULL) !=
	    SQLITE_OK)
		rc = set_error(err, "%s", sqlite3_errmsg(db));
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		/* one kept before a register grew a column, as wide as the later ones */
		void *wide = NULL;
		int nwide = 0, n0 = sqlite3_column_bytes(s, 0);
		const void *p0 = sqlite3_column_blob(s, 0);
		if (sync_ledger_widen(db, p0, n0, &wide, &nwide) != 0 ||
		    sqlite3changegroup_add(g, wide ? nwide : n0, wide ? wide : (void *)p0) != SQLITE_OK)
			rc = set_error(err, "%s", _("a kept changeset is damaged"));
		free(wide);
	}
	sqlite3_finalize(s);
	if (rc == 0 && sqlite3changegroup_output(g, n, out) != SQLITE_OK)
		rc = set_error(err, "%s", _("out of memory"));
	sqlite3changegroup_delete(g);
	return rc;
}

int sync_export(struct store *st, const char *path, long long seq, long long *out_seq, long long *nchanges,
		char **err)
{
	sqlite3 *db = store_db(st);
	char role[16], code[16];
	long long site;
	*nchanges = 0;
	if (!sync_self(st, role, code, &site) || strcmp(role, "village") != 0)
		return set_error(err, "%s", _("this register is not set up as a village (shanzhi sync init --village CODE --name NAME)"));
	*out_seq = seq;
	if (seq > 0)
		return export_again(db, path, seq, nchanges, err);
	if (store_begin(st, err) != 0)
		return -1;
	void *body = NULL;
	int n = 0;
	int rc = group_pending(db, &body, &n, err);
	if (rc == 0)
		*nchanges = count_changes(body, n);
	if (rc == 0 && *nchanges > 0) {
		sqlite3_stmt *s;
		char *header = next_header(db, "data", code, site, n, out_seq);
		char *registers = sync_ledger_header(db, body, n);   /* their columns, in this village's order */
		char *full = xasprintf("%s%s", header, registers);
		free(header);
		free(registers);
		header = full;
		char hash[SHA256_HEX];
		content_hash(header, body, (size_t)n, hash);
		struct strbuf pkg = { 0 };
		sb_appendf(&pkg, "%ssha256 %s\n\n", header, hash);
		size_t hl = strlen(header) + strlen(hash) + 9;
		sb_append_n(&pkg, body, (size_t)n);
		char *whole = sb_take(&pkg);
		char at[32];
		store_now(at);
		if (sqlite3_prepare_v2(db, "INSERT INTO sync_outbox(seq, made_at, hash, changes, pkg) VALUES (?1, ?2, ?3, ?4, ?5)",
				       -1, &s, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(s, 1, *out_seq);
			sqlite3_bind_text(s, 2, at, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, 4, *nchanges);
			sqlite3_bind_blob(s, 5, whole, (int)(hl + (size_t)n), SQLITE_STATIC);
			if (sqlite3_step(s) != SQLITE_DONE)
				rc = set_error(err, "%s", sqlite3_errmsg(db));
		}
		sqlite3_finalize(s);
		if (rc == 0)
			rc = execf(db, err, "UPDATE sync_pending SET pkg_seq = %lld WHERE pkg_seq IS NULL", *out_seq);
		if (rc == 0)
			rc = write_file(path, header, hash, body, (size_t)n, err);
		free(whole);
		free(header);
	}
	sqlite3_free(body);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

int sync_ack(struct store *st, long long seq, char **err)
{
	sqlite3 *db = store_db(st);
	if (!has_sync_tables(db))
		return set_error(err, "%s", _("this register is not set up for sync"));
	if (query_ll(db, "SELECT count(*) FROM sync_outbox WHERE seq = ?1", seq, 0) == 0)
		return set_error(err, _("there is no package %lld kept here (acknowledged packages are let go)"), seq);
	char at[32];
	store_now(at);
	if (store_begin(st, err) != 0)
		return -1;
	int rc = execf(db, err, "UPDATE sync_outbox SET acked_at = '%q', pkg = x'' WHERE seq <= %lld AND acked_at IS NULL;"
		       "DELETE FROM sync_pending WHERE pkg_seq <= %lld;", at, seq, seq);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* ---- apply ---- */

struct applying {
	sqlite3 *db;
	long long site_no, seq;
	struct strbuf conflicts;  /* INSERT statements for sync_conflict */
	long long nconflicts;
	char **skip_tbl;          /* rows left as they were: not audited as applied */
	long long *skip_row;
	size_t nskip;
};

static void skip_add(struct applying *a, const char *tbl, long long row)
{
	a->skip_tbl = xrealloc(a->skip_tbl, (a->nskip + 1) * sizeof *a->skip_tbl);
	a->skip_row = xrealloc(a->skip_row, (a->nskip + 1) * sizeof *a->skip_row);
	a->skip_tbl[a->nskip] = xstrdup(tbl);
	a->skip_row[a->nskip++] = row;
}

static bool skipped(const struct applying *a, const char *tbl, long long row)
{
	for (size_t i = 0; i < a->nskip; i++)
		if (a->skip_row[i] == row && strcmp(a->skip_tbl[i], tbl) == 0)
			return true;
	return false;
}

/* The column names of a table, for the conflicts' JSON. */
static char **column_names(sqlite3 *db, const char *tbl, int ncol)
{
	char **names = xcalloc((size_t)ncol, sizeof *names);
	char *q = sqlite3_mprintf("SELECT name FROM pragma_table_info('%q') ORDER BY cid", tbl);
	sqlite3_stmt *s;
	int i = 0;
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK)
		while (sqlite3_step(s) == SQLITE_ROW && i < ncol)
			names[i++] = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_free(q);
	for (; i < ncol; i++)
		names[i] = xasprintf("c%d", i);
	return names;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

typedef int (*value_fn)(sqlite3_changeset_iter *, int, sqlite3_value **);

static char *values_json(sqlite3_changeset_iter *it, value_fn fn, char **names, int ncol)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, "{");
	bool first = true;
	for (int i = 0; i < ncol; i++) {
		sqlite3_value *v = NULL;
		if (fn(it, i, &v) != SQLITE_OK || !v)
			continue;
		sb_appendf(&sb, "%s\"%s\":", first ? "" : ",", names[i]);
		json_value(&sb, v);
		first = false;
	}
	sb_append(&sb, "}");
	return sb_take(&sb);
}

/* Whether the stored row already holds what the change would write. */
static bool same_values(sqlite3_changeset_iter *it, int op, int ncol)
{
	for (int i = 0; i < ncol; i++) {
		sqlite3_value *want = NULL, *have = NULL;
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, i, &want);
		else if (sqlite3changeset_new(it, i, &want) != SQLITE_OK || !want)
			continue;
		if (sqlite3changeset_conflict(it, i, &have) != SQLITE_OK || !want || !have)
			return false;
		if (sqlite3_value_type(want) != sqlite3_value_type(have))
			return false;
		if (sqlite3_value_type(want) == SQLITE_NULL)
			continue;
		if (sqlite3_value_bytes(want) != sqlite3_value_bytes(have) ||
		    memcmp(sqlite3_value_blob(want), sqlite3_value_blob(have), (size_t)sqlite3_value_bytes(want)) != 0)
			return false;
	}
	return true;
}

static int on_conflict(void *ctx, int kind, sqlite3_changeset_iter *it)
{
	struct applying *a = ctx;
	const char *tbl;
	int ncol, op, indirect;
	sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
	if (kind == SQLITE_CHANGESET_FOREIGN_KEY)
		return SQLITE_CHANGESET_ABORT;
	sqlite3_value *pk = NULL;
	if (op == SQLITE_INSERT)
		sqlite3changeset_new(it, 0, &pk);
	else
		sqlite3changeset_old(it, 0, &pk);
	long long row = pk ? sqlite3_value_int64(pk) : 0;
	skip_add(a, tbl, row);
	if ((kind == SQLITE_CHANGESET_DATA || kind == SQLITE_CHANGESET_CONFLICT) && op != SQLITE_DELETE &&
	    same_values(it, op, ncol))
		return SQLITE_CHANGESET_OMIT;   /* already so here: an overlap, not a conflict */
	if (kind == SQLITE_CHANGESET_NOTFOUND && op == SQLITE_DELETE)
		return SQLITE_CHANGESET_OMIT;   /* already gone */
	char **names = column_names(a->db, tbl, ncol);
	char *theirs = op == SQLITE_DELETE ? xstrdup("null") : values_json(it, sqlite3changeset_new, names, ncol);
	char *ours = kind == SQLITE_CHANGESET_DATA || kind == SQLITE_CHANGESET_CONFLICT
			     ? values_json(it, sqlite3changeset_conflict, names, ncol) : xstrdup("null");
	/* an update's unchanged columns: the whole row the village has is not in the
	 * changeset, only the primary key and what changed */
	const char *what = kind == SQLITE_CHANGESET_DATA ? "data" : kind == SQLITE_CHANGESET_NOTFOUND ? "notfound"
			   : kind == SQLITE_CHANGESET_CONFLICT ? "conflict" : "constraint";
	char *q = sqlite3_mprintf("INSERT INTO sync_conflict(site_no, seq, tbl, row_id, kind, theirs, ours) "
				  "VALUES (%lld, %lld, '%q', %lld, '%q', '%q', '%q');\n",
				  a->site_no, a->seq, tbl, row, what, theirs, ours);
	sb_append(&a->conflicts, q);
	sqlite3_free(q);
	a->nconflicts++;
	free(theirs);
	free(ours);
	free_names(names, ncol);
	return SQLITE_CHANGESET_OMIT;
}

/* The per-table counts (JSON, as sync_log keeps them) as a clerk reads them:
 * "household 624, resident 2000". Caller frees. */
static char *counts_text(const char *json)
{
	struct strbuf sb = { 0 };
	for (const char *c = json ? json : ""; *c; c++) {
		if (*c == ':')
			sb_append(&sb, " ");
		else if (*c == ',')
			sb_append(&sb, ", ");
		else if (*c != '{' && *c != '}' && *c != '"')
			sb_appendf(&sb, "%c", *c);
	}
	return sb.len ? sb_take(&sb) : xstrdup("");
}

/* Every change the package made, one audit entry each; counts per table as JSON. */
static int audit_applied(struct store *st, struct applying *a, const struct package *p, char **counts, char **err)
{
	sqlite3_changeset_iter *it;
	if (sqlite3changeset_start(&it, (int)p->length, (void *)p->body) != SQLITE_OK)
		return set_error(err, "%s", _("the package's changes cannot be read"));
	char *reason = xasprintf(_("sync: package %lld of %s %s"), p->seq, p->site, p->name);
	struct strbuf cnt = { 0 };
	char last_tbl[64] = "";
	long long n = 0;
	int rc = 0;
	sb_append(&cnt, "{");
	bool first = true;
	while (rc == 0 && sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tbl;
		int ncol, op, indirect;
		sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
		if (strcmp(tbl, last_tbl) != 0) {
			if (*last_tbl)
				sb_appendf(&cnt, "%s\"%s\":%lld", first ? "" : ",", last_tbl, n), first = false;
			snprintf(last_tbl, sizeof last_tbl, "%s", tbl);
			n = 0;
		}
		n++;
		sqlite3_value *pk = NULL;
		if (op == SQLITE_INSERT)
			sqlite3changeset_new(it, 0, &pk);
		else
			sqlite3changeset_old(it, 0, &pk);
		long long row = pk ? sqlite3_value_int64(pk) : 0;
		if (skipped(a, tbl, row))
			continue;
		char **names = column_names(a->db, tbl, ncol);
		char *after = op == SQLITE_DELETE ? NULL : values_json(it, sqlite3changeset_new, names, ncol);
		char *before = op == SQLITE_INSERT ? NULL : values_json(it, sqlite3changeset_old, names, ncol);
		char at[32];
		store_now(at);
		struct audit_entry e = { .at = at, .operator_id = store_operator_id(st), .tbl = tbl, .row_id = row,
					 .action = op == SQLITE_INSERT ? "insert" : "update", .before = before,
					 .after = after, .reason = reason };
		int src;
		if (audit_append(a->db, &e, &src) != 0)
			rc = set_error(err, "%s: %s", _("writing the audit log"), sqlite3_errstr(src));
		free(after);
		free(before);
		free_names(names, ncol);
	}
	if (*last_tbl)
		sb_appendf(&cnt, "%s\"%s\":%lld", first ? "" : ",", last_tbl, n);
	sb_append(&cnt, "}");
	*counts = sb_take(&cnt);
	sqlite3changeset_finalize(it);
	free(reason);
	return rc;
}

static void log_result(sqlite3 *db, const char *file, const struct package *p, const char *result,
		       const char *counts, const char *message)
{
	if (!has_sync_tables(db))
		return;
	char at[32];
	store_now(at);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "INSERT INTO sync_log(at, file, site, seq, result, counts, message) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, file, -1, SQLITE_TRANSIENT);
	if (p && *p->site) {
		char *who = xasprintf("%s %s", p->site, p->name);
		sqlite3_bind_text(s, 3, who, -1, free);
		sqlite3_bind_int64(s, 4, p->seq);
	}
	sqlite3_bind_text(s, 5, result, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, counts, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, message, -1, SQLITE_TRANSIENT);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

/* What must hold before a package touches the register: ours, in order, known. */
static int check_order(sqlite3 *db, const struct package *p, const char *self_code, bool *duplicate, char **err)
{
	*duplicate = false;
	if (p->schema > schema_latest())
		return set_error(err, _("package %lld of %s was written by a newer shanzhi (schema %d; this program knows %d): "
					"update shanzhi; refused, nothing was changed"), p->seq, p->site, p->schema,
				 schema_latest());
	bool forms = strlen(self_code) == 12;   /* a village receives the township's forms */
	if (strcmp(p->kind, forms ? "forms" : "data") != 0)
		return set_error(err, _("a package of kind %s cannot be applied here"), p->kind);
	if (forms && (!village_code_ok(p->site, 9) || strncmp(p->site, self_code, 9) != 0))
		return set_error(err, _("package of %s %s: not this village's township; refused, nothing was changed"),
				 p->site, p->name);
	if (!forms && (!village_code_ok(p->site, 12) || strncmp(p->site, self_code, 9) != 0))
		return set_error(err, _("package of %s %s: not a village of this township (%s); refused, nothing was changed"),
				 p->site, p->name, self_code);
	if (p->site_no < 1 || p->site_no > SYNC_TOWNSHIP_SITE || (!forms && p->site_no == SYNC_TOWNSHIP_SITE))
		return set_error(err, _("package of %s: site number %lld is out of range"), p->site, p->site_no);
	sqlite3_stmt *s;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "SELECT code FROM sync_site WHERE site_no = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, p->site_no);
		if (sqlite3_step(s) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), p->site) != 0)
			rc = set_error(err, _("package of %s uses site number %lld, which is %s's here; refused"), p->site,
				       p->site_no, (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	if (rc != 0)
		return rc;
	long long last = query_ll(db, "SELECT max(seq) FROM sync_inbox WHERE site_no = ?1", p->site_no, 0);
	char have[SHA256_HEX] = "";
	long long want_seq = p->seq <= last ? p->seq : last;
	if (sqlite3_prepare_v2(db, "SELECT hash FROM sync_inbox WHERE site_no = ?1 AND seq = ?2", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, p->site_no);
		sqlite3_bind_int64(s, 2, want_seq);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(have, sizeof have, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	if (p->seq <= last) {
		if (strcmp(have, p->hash) != 0)
			return set_error(err, _("package %lld of %s differs from the one applied before; refused"), p->seq,
					 p->site);
		*duplicate = true;
		return 0;
	}
	if (p->seq > last + 1)
		return set_error(err, _("missing: package %lld of %s %s; apply it first (refused, nothing was changed)"),
				 last + 1, p->site, p->name);
	if (last > 0 && strcmp(have, p->prev) != 0)
		return set_error(err, _("package %lld of %s does not follow package %lld applied here; refused"), p->seq,
				 p->site, last);
	return 0;
}

static bool skipped_row(void *ctx, const char *tbl, long long row)
{
	return skipped(ctx, tbl, row);
}

static int apply_data(struct store *st, const struct package *p, char **counts, long long *nconflicts, char **err)
{
	sqlite3 *db = store_db(st);
	struct applying a = { .db = db, .site_no = p->site_no, .seq = p->seq };
	int rc = execf(db, err, "INSERT OR IGNORE INTO sync_site(site_no, code, name, role) VALUES (%lld, '%q', '%q', 'village')",
		       p->site_no, p->site, p->name);
	/* the registers' values in this township's order of their columns (sync-ledger.h) */
	struct package q = *p;
	void *mapped = NULL;
	int nmapped = 0;
	char *who = xasprintf(_("package %lld of %s %s"), p->seq, p->site, p->name);
	if (rc == 0)
		rc = sync_ledger_prepare(st, (const char *)p->file, (size_t)(p->body - p->file), p->body, (int)p->length, who,
					 &mapped, &nmapped, err);
	free(who);
	if (mapped) {
		q.body = mapped;
		q.length = nmapped;
	}
	/* the village's own rules held when it wrote (a final star round locks its
	 * scores): rows arrive in table order, so the locks rest while they do */
	char *locks = rc == 0 ? drop_triggers(db, true, err) : NULL;
	if (!locks)
		rc = -1;
	if (rc == 0) {
		int src = sqlite3changeset_apply_v2(db, (int)q.length, (void *)q.body, NULL, on_conflict, &a, NULL, NULL, 0);
		if (src != SQLITE_OK)
			rc = set_error(err, _("package %lld of %s cannot be applied: %s; refused, nothing was changed"), p->seq,
				       p->site, src == SQLITE_ABORT ? _("it refers to records this register does not have")
								   : sqlite3_errstr(src));
	}
	if (locks && rc == 0)
		rc = sync_exec(db, locks, err);
	free(locks);
	char *sql = sb_take(&a.conflicts);
	if (rc == 0 && sql)
		rc = sync_exec(db, sql, err);
	free(sql);
	if (rc == 0)
		rc = audit_applied(st, &a, &q, counts, err);
	if (rc == 0)
		rc = sync_ledger_index(st, q.body, (int)q.length, skipped_row, &a, err);
	free(mapped);
	char at[32];
	store_now(at);
	if (rc == 0)
		rc = execf(db, err, "INSERT INTO sync_inbox(site_no, seq, hash, applied_at) VALUES (%lld, %lld, '%q', '%q')",
			   p->site_no, p->seq, p->hash, at);
	for (size_t i = 0; i < a.nskip; i++)
		free(a.skip_tbl[i]);
	free(a.skip_tbl);
	free(a.skip_row);
	*nconflicts = a.nconflicts;
	return rc;
}

/* ---- the township's forms, sent back to its villages ---- */

/* The folders of the local override folder a township sends: code lists (the service
 * catalogue is codes/service_item.codes), rubrics and the holiday calendar. */
static const char *const form_dirs[] = { "codes", "rubrics", "holidays" };

/* A file name a forms package may carry: letters, digits, - _ . and no leading dot. */
static bool safe_name(const char *n)
{
	if (!*n || *n == '.' || strlen(n) > 100)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') || *n == '-' ||
		      *n == '_' || *n == '.'))
			return false;
	return true;
}

/* The body: "FILE dir/name length\n" then the bytes, for every file. */
static char *forms_body(const char *local, size_t *n, long long *nfiles, char **err)
{
	struct strbuf sb = { 0 };
	*nfiles = 0;
	for (size_t d = 0; d < sizeof form_dirs / sizeof form_dirs[0]; d++) {
		char *dir = xasprintf("%s/%s", local, form_dirs[d]);
		struct dirent **names = NULL;
		int k = scandir(dir, &names, NULL, alphasort);
		for (int i = 0; i < k; i++) {
			char *path = xasprintf("%s/%s", dir, names[i]->d_name);
			size_t len = 0;
			char *text = safe_name(names[i]->d_name) ? read_all(path, &len, NULL) : NULL;
			if (text) {
				sb_appendf(&sb, "FILE %s/%s %zu\n", form_dirs[d], names[i]->d_name, len);
				sb_append_n(&sb, text, len);
				sb_append(&sb, "\n");
				(*nfiles)++;
			}
			free(text);
			free(path);
			free(names[i]);
		}
		free(names);
		free(dir);
	}
	(void)err;
	*n = sb.len;
	return sb_take(&sb);
}

int sync_forms_export(struct store *st, const char *path, long long *out_seq, long long *nfiles, char **err)
{
	sqlite3 *db = store_db(st);
	char role[16], code[16];
	long long site;
	if (!sync_self(st, role, code, &site) || strcmp(role, "township") != 0)
		return set_error(err, "%s", _("forms are sent from the township's register (shanzhi sync init --township CODE --name NAME)"));
	char *local = paths_forms_local();
	size_t n;
	char *body = forms_body(local, &n, nfiles, err);
	free(local);
	if (*nfiles == 0) {
		free(body);
		return set_error(err, "%s", _("the local forms folder holds no code lists, rubrics or holidays to send"));
	}
	char *header = next_header(db, "forms", code, site, (long long)n, out_seq);
	char hash[SHA256_HEX], at[32];
	content_hash(header, body, n, hash);
	store_now(at);
	int rc = store_begin(st, err);
	if (rc == 0)
		rc = execf(db, err, "INSERT INTO sync_outbox(seq, made_at, hash, changes, pkg) VALUES (%lld, '%q', '%q', %lld, x'')",
			   *out_seq, at, hash, *nfiles);
	if (rc == 0)
		rc = write_file(path, header, hash, body, n, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	free(header);
	free(body);
	return rc;
}

/* Installs a forms package's files into the village's local forms folder: every file
 * written beside its place first, then all renamed, so a failure leaves the old set. */
static int apply_forms(struct store *st, const struct package *p, char **summary, char **err)
{
	char *local = paths_forms_local();
	const char *at = (const char *)p->body, *end = at + p->length;
	struct strbuf list = { 0 };
	char *dest[256], *part[256];
	size_t nf = 0;
	int rc = 0;
	while (rc == 0 && at < end && nf < 256) {
		char dir[32], name[128];
		size_t len;
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		if (!nl || sscanf(at, "FILE %31[a-z]/%127s %zu", dir, name, &len) != 3 || !safe_name(name) ||
		    (size_t)(end - nl - 1) < len + 1) {
			rc = set_error(err, "%s", _("the forms package's file list is damaged"));
			break;
		}
		bool known = false;
		for (size_t d = 0; d < sizeof form_dirs / sizeof form_dirs[0]; d++)
			known |= strcmp(dir, form_dirs[d]) == 0;
		if (!known) {
			rc = set_error(err, _("the forms package holds a file outside codes, rubrics and holidays: %s"), dir);
			break;
		}
		char *folder = xasprintf("%s/%s", local, dir);
		mkdir(local, 0755);
		mkdir(folder, 0755);
		dest[nf] = xasprintf("%s/%s", folder, name);
		part[nf] = xasprintf("%s.part", dest[nf]);
		free(folder);
		FILE *f = fopen(part[nf], "wb");
		if (!f || fwrite(nl + 1, 1, len, f) != len || fclose(f) != 0)
			rc = set_error(err, "%s: %s", part[nf], strerror(errno));
		sb_appendf(&list, "%s%s/%s", nf ? ", " : "", dir, name);
		nf++;
		at = nl + 1 + len + 1;
	}
	for (size_t i = 0; i < nf; i++) {
		if (rc == 0 && rename(part[i], dest[i]) != 0)
			rc = set_error(err, "%s: %s", dest[i], strerror(errno));
		if (rc != 0)
			unlink(part[i]);
		free(part[i]);
		free(dest[i]);
	}
	char *files = sb_take(&list);
	char stamp[32];
	store_now(stamp);
	if (rc == 0 && store_begin(st, err) == 0) {
		char *after = xasprintf("{\"files\":%zu}", nf);
		char *reason = xasprintf(_("sync: forms package %lld of %s %s: %s"), p->seq, p->site, p->name, files);
		rc = seal_entry(st, "sync_inbox", p->seq, NULL, after, reason, err);
		if (rc == 0)
			rc = execf(store_db(st), err, "INSERT OR IGNORE INTO sync_site(site_no, code, name, role) VALUES (%lld, '%q', '%q', 'township');"
				   "INSERT INTO sync_inbox(site_no, seq, hash, applied_at) VALUES (%lld, %lld, '%q', '%q')",
				   p->site_no, p->site, p->name, p->site_no, p->seq, p->hash, stamp);
		rc = rc == 0 ? store_commit(st, err) : (store_rollback(st), -1);
		free(after);
		free(reason);
	}
	if (rc == 0)
		*summary = xasprintf(_("forms package %lld of %s %s installed in %s: %s"), p->seq, p->site, p->name, local, files);
	free(files);
	free(local);
	return rc;
}

int sync_apply(struct store *st, const char *path, char **summary, char **err)
{
	sqlite3 *db = store_db(st);
	*summary = NULL;
	char role[16], code[16];
	long long site;
	if (!sync_self(st, role, code, &site))
		return set_error(err, "%s", _("this register is not set up for sync (shanzhi sync init)"));
	struct package p;
	if (package_read(path, &p, err) != 0) {
		log_result(db, path, NULL, "refused", NULL, *err);
		package_free(&p);
		return -1;
	}
	if (strcmp(p.kind, "down") == 0) {   /* the township's transfers for this village (sync-down.c) */
		int rc = sync_down_apply(st, &p, path, summary, err);
		package_free(&p);
		return rc;
	}
	bool duplicate;
	if (check_order(db, &p, code, &duplicate, err) != 0) {
		log_result(db, path, &p, "refused", NULL, *err);
		package_free(&p);
		return -1;
	}
	if (duplicate) {
		*summary = xasprintf(_("package %lld of %s %s was applied before: nothing changed"), p.seq, p.site, p.name);
		log_result(db, path, &p, "duplicate", NULL, *summary);
		package_free(&p);
		return 0;
	}
	if (strcmp(role, "village") == 0) {
		int rc = apply_forms(st, &p, summary, err);
		log_result(db, path, &p, rc == 0 ? "applied" : "refused", NULL, rc == 0 ? *summary : *err);
		package_free(&p);
		return rc;
	}
	char *counts = NULL;
	long long nconflicts = 0;
	if (store_begin(st, err) != 0 || apply_data(st, &p, &counts, &nconflicts, err) != 0) {
		if (sqlite3_get_autocommit(db) == 0)
			store_rollback(st);
		log_result(db, path, &p, "refused", NULL, *err);
		free(counts);
		package_free(&p);
		return -1;
	}
	char *tables = counts_text(counts);
	*summary = xasprintf(_("package %lld of %s %s applied: %lld changes (%s), %lld conflicts kept"), p.seq, p.site,
			     p.name, count_changes(p.body, (int)p.length), tables, nconflicts);
	free(tables);
	log_result(db, path, &p, "applied", counts, *summary);
	int rc = store_commit(st, err);
	free(counts);
	package_free(&p);
	return rc;
}

/* ---- conflicts ---- */

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

struct sync_conflict *sync_conflicts(struct store *st, bool only_open, size_t *n, char **err)
{
	sqlite3 *db = store_db(st);
	*n = 0;
	if (!has_sync_tables(db))
		return NULL;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT c.id, coalesce(s.code || ' ' || s.name, c.site_no), c.seq, c.tbl, c.row_id, c.kind, "
			       "c.theirs, c.ours, c.state, c.resolved_by FROM sync_conflict c "
			       "LEFT JOIN sync_site s ON s.site_no = c.site_no WHERE ?1 = 0 OR c.state = 'open' "
			       "ORDER BY c.state <> 'open', c.id", -1, &s, NULL) != SQLITE_OK) {
		set_error(err, "%s", sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_int(s, 1, only_open);
	struct sync_conflict *c = NULL;
	while (sqlite3_step(s) == SQLITE_ROW) {
		c = xrealloc(c, (*n + 1) * sizeof *c);
		struct sync_conflict *x = &c[(*n)++];
		x->id = sqlite3_column_int64(s, 0);
		x->village = col_dup(s, 1);
		x->seq = sqlite3_column_int64(s, 2);
		x->tbl = col_dup(s, 3);
		x->row_id = sqlite3_column_int64(s, 4);
		x->kind = col_dup(s, 5);
		x->theirs = col_dup(s, 6);
		x->ours = col_dup(s, 7);
		x->state = col_dup(s, 8);
		x->resolved_by = col_dup(s, 9);
	}
	sqlite3_finalize(s);
	return c;
}

void sync_conflicts_free(struct sync_conflict *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].village);
		free(c[i].tbl);
		free(c[i].kind);
		free(c[i].theirs);
		free(c[i].ours);
		free(c[i].state);
		free(c[i].resolved_by);
	}
	free(c);
}

/* The village's values written over ours through the audited write path. */
static int keep_theirs(struct store *st, const char *tbl, long long row, const char *theirs, char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT key, CAST(value AS TEXT) FROM json_each(?1) WHERE key NOT IN ('id', 'created_at', 'updated_at')", -1, &s, NULL) !=
	    SQLITE_OK)
		return set_error(err, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(s, 1, theirs, -1, SQLITE_STATIC);
	struct store_field f[64];
	char *keep[128];
	size_t n = 0, k = 0;
	while (sqlite3_step(s) == SQLITE_ROW && n < 63) {
		keep[k] = col_dup(s, 0);
		keep[k + 1] = col_dup(s, 1);
		f[n++] = (struct store_field){ keep[k], keep[k + 1] };
		k += 2;
	}
	sqlite3_finalize(s);
	char *reason = xasprintf(_("sync conflict: the village's values kept"));
	int rc;
	char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE id = ?1", tbl);
	bool exists = query_ll(db, q, row, 0) > 0;
	sqlite3_free(q);
	if (exists) {
		rc = store_update(st, tbl, row, f, n, reason, err);
	} else {
		char idtext[32];
		snprintf(idtext, sizeof idtext, "%lld", row);
		f[n++] = (struct store_field){ "id", idtext };
		rc = store_insert(st, tbl, f, n, NULL, err);
	}
	if (rc == 0)
		rc = sync_ledger_reindex(st, tbl, row, !exists, err);   /* a register's search keys */
	free(reason);
	for (size_t i = 0; i < k; i++)
		free(keep[i]);
	return rc;
}

int sync_resolve(struct store *st, long long id, const char *keep, char **err)
{
	sqlite3 *db = store_db(st);
	if (strcmp(keep, "village") != 0 && strcmp(keep, "township") != 0)
		return set_error(err, _("--keep village or --keep township, not %s"), keep);
	size_t n;
	struct sync_conflict *all = sync_conflicts(st, false, &n, err);
	struct sync_conflict *c = NULL;
	for (size_t i = 0; i < n; i++)
		if (all[i].id == id)
			c = &all[i];
	int rc = 0;
	if (!c)
		rc = set_error(err, _("there is no conflict %lld"), id);
	else if (strcmp(c->state, "open") != 0)
		rc = set_error(err, _("conflict %lld was resolved already (%s, by %s)"), id, c->state,
			       c->resolved_by ? c->resolved_by : "?");
	char login[64] = "";
	sqlite3_stmt *s;
	if (rc == 0 && sqlite3_prepare_v2(db, "SELECT login FROM operator WHERE id = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, store_operator_id(st));
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(login, sizeof login, "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	if (rc == 0 && store_begin(st, err) == 0) {
		if (strcmp(keep, "village") == 0 && c->theirs && strcmp(c->theirs, "null") != 0)
			rc = keep_theirs(st, c->tbl, c->row_id, c->theirs, err);
		char at[32];
		store_now(at);
		if (rc == 0)
			rc = execf(db, err, "UPDATE sync_conflict SET state = '%q', resolved_by = '%q', resolved_at = '%q' WHERE id = %lld",
				   keep, login, at, id);
		if (rc == 0) {
			char *after = xasprintf("{\"state\":\"%s\",\"resolved_by\":\"%s\",\"tbl\":\"%s\",\"row_id\":%lld}", keep,
						login, c->tbl, c->row_id);
			char *reason = xasprintf(strcmp(keep, "village") == 0 ? _("sync conflict %lld: %s kept the village's values")
									       : _("sync conflict %lld: %s kept the township's values"),
						 id, login);
			rc = seal_entry(st, "sync_conflict", id, "{\"state\":\"open\"}", after, reason, err);
			free(after);
			free(reason);
		}
		if (rc != 0)
			store_rollback(st);
		else
			rc = store_commit(st, err);
	} else if (rc == 0) {
		rc = -1;
	}
	sync_conflicts_free(all, n);
	return rc;
}

char *sync_log_text(struct store *st, char **err)
{
	sqlite3 *db = store_db(st);
	struct strbuf sb = { 0 };
	sb_append(&sb, "");
	if (!has_sync_tables(db))
		return sb_take(&sb);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT at, coalesce(site, '-'), coalesce(seq, '-'), result, coalesce(counts, ''), "
			       "coalesce(message, ''), coalesce(file, '') FROM sync_log ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		set_error(err, "%s", sqlite3_errmsg(db));
		sb_free(&sb);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *res = (const char *)sqlite3_column_text(s, 3);
		const char *shown = strcmp(res, "applied") == 0 ? _("applied") : strcmp(res, "duplicate") == 0 ? _("duplicate")
												   : _("refused");
		sb_appendf(&sb, "%s  %s  #%s  %s  %s\n    %s\n", (const char *)sqlite3_column_text(s, 0),
			   (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2), shown,
			   (const char *)sqlite3_column_text(s, 6), (const char *)sqlite3_column_text(s, 5));
	}
	sqlite3_finalize(s);
	return sb_take(&sb);
}

/* ---- shared with sync-down.c (sync-int.h) ---- */

int sync_package_read(const char *path, struct package *p, char **err)
{
	return package_read(path, p, err);
}

void sync_package_free(struct package *p)
{
	package_free(p);
}

void sync_content_hash(const char *header, const void *body, size_t n, char out[SHA256_HEX])
{
	content_hash(header, body, n, out);
}

int sync_write_file(const char *path, const char *header, const char *hash, const void *body, size_t n, char **err)
{
	return write_file(path, header, hash, body, n, err);
}

int sync_seal_entry(struct store *st, const char *tbl, long long row, const char *before, const char *after,
		    const char *reason, char **err)
{
	return seal_entry(st, tbl, row, before, after, reason, err);
}

void sync_log_result(struct store *st, const char *file, const struct package *p, const char *result,
		     const char *counts, const char *message)
{
	log_result(store_db(st), file, p, result, counts, message);
}
