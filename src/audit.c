/* audit: the hash chain of the audit log (see audit.h). */
#include "audit.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

static const char genesis[SHA256_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* Feeds one value, length-prefixed so that no two entries serialise alike. */
static void hash_text(struct sha256 *s, const char *v)
{
	char len[32];
	if (!v) {
		sha256_update(s, "-\n", 2);
		return;
	}
	size_t n = strlen(v);
	int k = snprintf(len, sizeof len, "%zu:", n);
	sha256_update(s, len, (size_t)k);
	sha256_update(s, v, n);
	sha256_update(s, "\n", 1);
}

/* Feeds an integer as decimal text; 0 stands for NULL where null_zero. */
static void hash_int(struct sha256 *s, int64_t v, bool null_zero)
{
	char buf[32];
	if (null_zero && v == 0) {
		hash_text(s, NULL);
		return;
	}
	snprintf(buf, sizeof buf, "%" PRId64, v);
	hash_text(s, buf);
}

void audit_entry_hash(const struct audit_entry *e, char out[SHA256_HEX])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, "shanzhi-audit-1\n", 16);
	hash_int(&s, e->id, false);
	hash_text(&s, e->at);
	hash_int(&s, e->operator_id, true);
	hash_text(&s, e->tbl);
	hash_int(&s, e->row_id, false);
	hash_text(&s, e->action);
	hash_text(&s, e->before);
	hash_text(&s, e->after);
	hash_text(&s, e->reason);
	hash_text(&s, e->prev_hash);
	sha256_final_hex(&s, out);
}

/* The last entry's id and hash (genesis when the log is empty or the last entry has
 * no hash yet). */
static int chain_head(sqlite3 *db, int64_t *last, char hash[SHA256_HEX])
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	*last = 0;
	memcpy(hash, genesis, SHA256_HEX);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*last = sqlite3_column_int64(stmt, 0);
		const char *h = (const char *)sqlite3_column_text(stmt, 1);
		if (h && strlen(h) == SHA256_HEX - 1)
			memcpy(hash, h, SHA256_HEX);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Column text or NULL. */
static const char *col_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

int audit_head(sqlite3 *db, int64_t *id, char hash[SHA256_HEX])
{
	return chain_head(db, id, hash) == SQLITE_OK ? 0 : -1;
}

char *audit_anchor_line(sqlite3 *db, int digits)
{
	int64_t id;
	char hash[SHA256_HEX];
	if (audit_head(db, &id, hash) != 0)
		return NULL;
	return xasprintf("%s #%lld %.*s", _("audit chain"), (long long)id, digits, hash);
}

void audit_footer(sqlite3 *db, struct strbuf *doc)
{
	char *line = audit_anchor_line(db, AUDIT_ANCHOR_SHORT);
	if (line)
		sb_appendf(doc, "\n%s\n", line);
	free(line);
}

/* Length of the run of lowercase hex digits at s. */
static size_t hex_run(const char *s)
{
	size_t n = 0;
	while (isdigit((unsigned char)s[n]) || (s[n] >= 'a' && s[n] <= 'f'))
		n++;
	return n;
}

/* Reads "N" then sep then at least AUDIT_ANCHOR_SHORT hex digits at s. */
static bool anchor_at(const char *s, char sep, int64_t *id, char hex[SHA256_HEX])
{
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	long long n = strtoll(s, &end, 10);
	if (*end != sep || n <= 0)
		return false;
	size_t len = hex_run(end + 1);
	if (len < AUDIT_ANCHOR_SHORT || len > SHA256_HEX - 1)
		return false;
	*id = n;
	memcpy(hex, end + 1, len);
	hex[len] = '\0';
	return true;
}

int audit_anchor_parse(const char *text, int64_t *id, char hex[SHA256_HEX])
{
	if (anchor_at(text, ':', id, hex))
		return 0;
	/* a footer or sidecar line: "审计链 #1234 3fa9c2d1e0b4a7f6" in any encoding
	 * that keeps ASCII (UTF-8, GBK, GB18030) */
	for (const char *p = strchr(text, '#'); p; p = strchr(p + 1, '#'))
		if (anchor_at(p + 1, ' ', id, hex))
			return 0;
	return -1;
}

/* The head of the audit log of another register file (a backup), opened read-only. */
static int anchor_of_database(const char *path, int64_t *id, char hex[SHA256_HEX])
{
	sqlite3 *db = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		rc = audit_head(db, id, hex);
	sqlite3_close(db);
	return rc == 0 && *id > 0 ? 0 : -1;
}

/* The first 64 KiB of a file, NUL-terminated; *n gets the byte count. NULL when unreadable. */
static char *file_start(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = xmalloc(65537);
	*n = fread(buf, 1, 65536, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

int audit_anchor_read(const char *arg, int64_t *id, char hex[SHA256_HEX], char **err)
{
	if (audit_anchor_parse(arg, id, hex) == 0 && strchr(arg, ':'))
		return 0;
	size_t n;
	char *text = file_start(arg, &n);
	int rc = -1;
	if (!text)
		set_error(err, _("--anchor %s: neither ENTRY:HASH nor a readable file"), arg);
	else if (n >= 16 && memcmp(text, "SQLite format 3", 16) == 0)
		rc = anchor_of_database(arg, id, hex);
	else
		rc = audit_anchor_parse(text, id, hex);
	if (rc != 0 && text)
		set_error(err, _("%s: holds no audit chain anchor (a line such as \"#1234 3fa9c2d1e0b4a7f6\")"), arg);
	free(text);
	return rc;
}

int audit_verify_anchor(sqlite3 *db, int64_t id, const char *hex, struct strbuf *report)
{
	int64_t head;
	char head_hash[SHA256_HEX];
	if (audit_head(db, &head, head_hash) != 0) {
		sb_appendf(report, _("audit: cannot read the log (%s)\n"), sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_stmt *stmt = NULL;
	const char *hash = NULL;
	if (sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE id = ?1", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			hash = col_text(stmt, 0);
	}
	int bad = 1;
	if (head < id)
		sb_appendf(report, _("audit entry %lld (the anchor): the log ends at entry %lld: "
				     "the entries after it were removed\n"), (long long)id, (long long)head);
	else if (!hash)
		sb_appendf(report, _("audit entry %lld (the anchor): missing from the log\n"), (long long)id);
	else if (strncmp(hash, hex, strlen(hex)) != 0)
		sb_appendf(report, _("audit entry %lld (the anchor): its hash is not the anchored one: "
				     "the log was rewritten up to this entry\n"), (long long)id);
	else
		bad = 0;
	sqlite3_finalize(stmt);
	return bad;
}

/* Binds text or NULL. */
static void bind_opt(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, i);
}

int audit_append(sqlite3 *db, struct audit_entry *e, int *sqlite_rc)
{
	int64_t last;
	int rc = chain_head(db, &last, e->prev_hash);
	sqlite3_stmt *stmt = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
			"INSERT INTO audit(id, at, operator_id, tbl, row_id, action, before, after, reason,"
			" prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		char hash[SHA256_HEX];
		e->id = last + 1;
		audit_entry_hash(e, hash);
		sqlite3_bind_int64(stmt, 1, e->id);
		sqlite3_bind_text(stmt, 2, e->at, -1, SQLITE_STATIC);
		if (e->operator_id > 0)
			sqlite3_bind_int64(stmt, 3, e->operator_id);
		sqlite3_bind_text(stmt, 4, e->tbl, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, e->row_id);
		sqlite3_bind_text(stmt, 6, e->action, -1, SQLITE_STATIC);
		bind_opt(stmt, 7, e->before);
		bind_opt(stmt, 8, e->after);
		bind_opt(stmt, 9, e->reason);
		sqlite3_bind_text(stmt, 10, e->prev_hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 11, hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(stmt);
	if (sqlite_rc)
		*sqlite_rc = rc;
	return rc == SQLITE_OK ? 0 : -1;
}

int audit_event(struct store *st, const char *tbl, int64_t row_id, const char *action,
		const char *after, const char *reason, char **err)
{
	if (store_begin(st, err) != 0)
		return -1;
	char at[32];
	store_now(at);
	struct audit_entry e = {
		.at = at, .operator_id = store_operator_id(st), .tbl = tbl, .row_id = row_id,
		.action = action, .after = after, .reason = reason && *reason ? reason : NULL,
	};
	int rc;
	if (audit_append(store_db(st), &e, &rc) != 0) {
		if (err) {
			free(*err);
			*err = xasprintf("%s: %s", _("writing the audit log"), sqlite3_errmsg(store_db(st)));
		}
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}


/* Reads the entry of the current row of a SELECT of every audit column in order. */
static void entry_from_row(sqlite3_stmt *stmt, struct audit_entry *e)
{
	e->id = sqlite3_column_int64(stmt, 0);
	e->at = col_text(stmt, 1);
	e->operator_id = sqlite3_column_int64(stmt, 2);
	e->tbl = col_text(stmt, 3);
	e->row_id = sqlite3_column_int64(stmt, 4);
	e->action = col_text(stmt, 5);
	e->before = col_text(stmt, 6);
	e->after = col_text(stmt, 7);
	e->reason = col_text(stmt, 8);
}

#define AUDIT_COLUMNS "id, at, operator_id, tbl, row_id, action, before, after, reason, prev_hash, hash"

int audit_verify(sqlite3 *db, struct strbuf *report)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", -1, &stmt, NULL) != SQLITE_OK) {
		sb_appendf(report, _("audit: cannot read the log (%s)\n"), sqlite3_errmsg(db));
		return 1;
	}
	char expect_prev[SHA256_HEX];
	memcpy(expect_prev, genesis, SHA256_HEX);
	int bad = 0, rc;
	while (!bad && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct audit_entry e;
		entry_from_row(stmt, &e);
		const char *prev = col_text(stmt, 9), *hash = col_text(stmt, 10);
		char want[SHA256_HEX];
		snprintf(e.prev_hash, sizeof e.prev_hash, "%s", prev ? prev : "");
		audit_entry_hash(&e, want);
		const char *what = e.tbl ? e.tbl : "?";
		if (!prev || strcmp(prev, expect_prev) != 0) {
			sb_appendf(report, _("audit entry %lld (%s %lld, %s): does not follow the entry before it: "
					     "an entry was removed or inserted here\n"),
				   (long long)e.id, what, (long long)e.row_id, e.at ? e.at : "?");
			bad = 1;
		} else if (!hash || strcmp(hash, want) != 0) {
			sb_appendf(report, _("audit entry %lld (%s %lld, %s): its content does not match its hash: "
					     "it was changed after it was written\n"),
				   (long long)e.id, what, (long long)e.row_id, e.at ? e.at : "?");
			bad = 1;
		} else {
			memcpy(expect_prev, hash, SHA256_HEX);
		}
	}
	if (!bad && rc != SQLITE_DONE) {
		sb_appendf(report, _("audit: reading the log failed (%s)\n"), sqlite3_errmsg(db));
		bad = 1;
	}
	sqlite3_finalize(stmt);
	return bad;
}

int audit_seal_legacy(sqlite3 *db, char **err)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	/* a log that had a chain is never hashed again: an entry without a hash in it
	 * was stripped by hand, and check must see that, not a fresh seal over it */
	sqlite3_stmt *chained = NULL;
	bool had_chain = sqlite3_prepare_v2(db, "SELECT 1 FROM audit WHERE hash IS NOT NULL LIMIT 1", -1,
					    &chained, NULL) == SQLITE_OK && sqlite3_step(chained) == SQLITE_ROW;
	sqlite3_finalize(chained);
	if (had_chain)
		return 0;
	int rc = sqlite3_prepare_v2(db, "SELECT " AUDIT_COLUMNS " FROM audit WHERE hash IS NULL ORDER BY id",
				    -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE id = ?3", -1, &upd, NULL);
	char prev[SHA256_HEX];
	memcpy(prev, genesis, SHA256_HEX);
	while (rc == SQLITE_OK && sqlite3_step(sel) == SQLITE_ROW) {
		struct audit_entry e;
		entry_from_row(sel, &e);
		memcpy(e.prev_hash, prev, SHA256_HEX);
		audit_entry_hash(&e, prev);
		sqlite3_reset(upd);
		sqlite3_bind_text(upd, 1, e.prev_hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upd, 2, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 3, e.id);
		if (sqlite3_step(upd) != SQLITE_DONE)
			rc = sqlite3_errcode(db);
	}
	if (rc != SQLITE_OK && err)
		*err = xasprintf("%s: %s", _("sealing the audit log"), sqlite3_errmsg(db));
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc == SQLITE_OK ? 0 : -1;
}

/* One line per column that an audit entry changed, and one line for a bulk load that
 * wrote the record: a record loaded in bulk has no entry of its own. */
static const char history_sql[] =
	"WITH e AS (SELECT id, at, operator_id, action, before, after, reason FROM audit"
	"           WHERE tbl = ?1 AND row_id = ?2 AND action <> 'bulk'),"
	" k AS (SELECT e.id AS aid, j.key AS key FROM e, json_each(coalesce(e.after, '{}')) j"
	"       UNION SELECT e.id, j.key FROM e, json_each(coalesce(e.before, '{}')) j)"
	" SELECT datetime(e.at, 'localtime'), coalesce(o.login, ''), e.action, coalesce(e.reason, ''), k.key AS key,"
	"        json_extract(e.before, '$.\"' || k.key || '\"'), json_extract(e.after, '$.\"' || k.key || '\"'),"
	"        e.id AS ord"
	" FROM e JOIN k ON k.aid = e.id LEFT JOIN operator o ON o.id = e.operator_id"
	" WHERE json_extract(e.before, '$.\"' || k.key || '\"') IS NOT json_extract(e.after, '$.\"' || k.key || '\"')"
	"   AND k.key NOT IN ('created_at', 'updated_at', 'form_version')"
	" UNION ALL"
	" SELECT datetime(a.at, 'localtime'), coalesce(o.login, ''), a.action, coalesce(a.reason, ''), '', NULL, NULL, a.id"
	" FROM audit a LEFT JOIN operator o ON o.id = a.operator_id"
	" WHERE a.tbl = ?1 AND a.action = 'bulk' AND a.row_id <= ?2 AND json_extract(a.after, '$.last') >= ?2"
	" ORDER BY ord DESC, key LIMIT ?3 OFFSET ?4";

/* Cell c of row i as a copy, NULL for NULL. */
static char *history_text(const struct rowset *r, size_t i, size_t c)
{
	return rowset_null(r, i, c) ? NULL : xstrdup(rowset_text(r, i, c));
}

int audit_history(struct store *st, const char *tbl, int64_t id, size_t offset, size_t limit,
		  struct audit_change **out, size_t *n, char **err)
{
	struct rowset r = { 0 };
	*out = NULL;
	*n = 0;
	if (rowset_select(st, &r, err, history_sql, "tlll", tbl, id, (int64_t)limit, (int64_t)offset) != 0)
		return -1;
	*out = xcalloc(r.n ? r.n : 1, sizeof **out);
	for (size_t i = 0; i < r.n; i++)
		(*out)[i] = (struct audit_change){ .at = history_text(&r, i, 0), .login = history_text(&r, i, 1),
			.action = history_text(&r, i, 2), .reason = history_text(&r, i, 3),
			.column = history_text(&r, i, 4), .before = history_text(&r, i, 5),
			.after = history_text(&r, i, 6) };
	*n = r.n;
	rowset_free(&r);
	return 0;
}

void audit_history_free(struct audit_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].at);
		free(c[i].login);
		free(c[i].action);
		free(c[i].reason);
		free(c[i].column);
		free(c[i].before);
		free(c[i].after);
	}
	free(c);
}
