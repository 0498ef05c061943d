/* sync-down: the township's packages down to one village (see sync-down.h). */
#include "sync-down.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit.h"
#include "i18n.h"
#include "rowset.h"
#include "schema.h"
#include "store.h"
#include "sync.h"
#include "sync-int.h"
#include "util.h"
#include "village.h"

/* The township's record of what it sent to each village, and a village's of what it
 * applied: sync's own bookkeeping, made when first needed (sync_ tables are not
 * register data: check leaves them out). */
static const char down_schema[] =
	"CREATE TABLE IF NOT EXISTS sync_down_out (\n"
	"  village TEXT NOT NULL, seq INTEGER NOT NULL, made_at TEXT NOT NULL, hash TEXT NOT NULL,\n"
	"  transfers INTEGER NOT NULL, pkg BLOB NOT NULL, PRIMARY KEY (village, seq));\n"
	"CREATE TABLE IF NOT EXISTS sync_down_item (\n"
	"  transfer_id INTEGER PRIMARY KEY, village TEXT NOT NULL, seq INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS sync_down_conflict (\n"
	"  conflict_id INTEGER PRIMARY KEY, village TEXT NOT NULL, seq INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS sync_down_in (\n"
	"  seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, applied_at TEXT NOT NULL);\n";

/* The columns of a table, as the comma-separated list of expr applied to each name
 * (a printf pattern with %w twice: the JSON key and the column). Caller frees. */
static char *columns_as(sqlite3 *db, const char *table, const char *pattern)
{
	sqlite3_stmt *s;
	struct strbuf sb = { 0 };
	char *q = sqlite3_mprintf("SELECT name FROM pragma_table_info('%q') ORDER BY cid", table);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK)
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(s, 0);
			char *e = sqlite3_mprintf(pattern, c, c);
			sb_appendf(&sb, "%s%s", sb.len ? ", " : "", e);
			sqlite3_free(e);
		}
	sqlite3_finalize(s);
	sqlite3_free(q);
	sb_append(&sb, "");
	return sb_take(&sb);
}

/* A row of table as a JSON object of every column (NULL when there is none). Caller frees. */
static char *row_json(struct store *st, const char *table, long long id)
{
	char *cols = columns_as(store_db(st), table, "'%w', \"%w\"");
	char *sql = sqlite3_mprintf("SELECT json_object(%s) FROM \"%w\" WHERE id = ?1", cols, table);
	char *v = rowset_value(st, sql, "l", (int64_t)id);
	sqlite3_free(sql);
	free(cols);
	return v;
}

/* ---- at the township ---- */

/* The header of a down package: the township, the destination, the sequence. */
static char *down_header(const char *code, const char *name, long long site, const char *to, long long seq,
			 const char *prev, long long length)
{
	return xasprintf("%s\nkind down\nsite %s\nsite_no %lld\nname %s\nto %s\nseq %lld\nprev %s\nschema %d\nlength %lld\n",
			 SYNC_MAGIC, code, site, name, to, seq, prev, schema_latest(), length);
}

/* A down package written again from the copy the township keeps. */
static int down_again(struct store *st, const char *village, const char *path, long long seq, long long *n,
		      char **err)
{
	sqlite3_stmt *s;
	int rc = set_error(err, _("there is no down package %lld for %s kept here"), seq, village);
	if (sqlite3_prepare_v2(store_db(st), "SELECT pkg, transfers FROM sync_down_out WHERE village = ?1 AND seq = ?2",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, village, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, seq);
		if (sqlite3_step(s) == SQLITE_ROW) {
			free(*err);
			*err = NULL;
			FILE *f = fopen(path, "wb");
			size_t len = (size_t)sqlite3_column_bytes(s, 0);
			rc = f && fwrite(sqlite3_column_blob(s, 0), 1, len, f) == len && fclose(f) == 0 ? 0
			     : set_error(err, "%s: %s", path, _("cannot be written"));
			*n = sqlite3_column_int64(s, 1);
		}
	}
	sqlite3_finalize(s);
	return rc;
}

/* The rows of the conflicts resolved by keeping the township's values, as the township
 * holds them: ,"rows":[{"conflict":ID,"table":T,"row":{...}}, ...] (a row gone here: none). */
static void resolved_rows(struct store *st, const int64_t *cids, size_t nc, struct strbuf *sb)
{
	sb_append(sb, ",\"rows\":[");
	bool first = true;
	for (size_t i = 0; i < nc; i++) {
		struct rowset r = { 0 };
		if (rowset_select(st, &r, NULL, "SELECT tbl, row_id FROM sync_conflict WHERE id = ?1", "l", cids[i]) == 0 &&
		    r.n == 1 && sync_table_synced(rowset_text(&r, 0, 0))) {
			char *row = row_json(st, rowset_text(&r, 0, 0), rowset_int(&r, 0, 1));
			if (row)
				sb_appendf(sb, "%s{\"conflict\":%lld,\"table\":\"%s\",\"row\":%s}", first ? "" : ",",
					   (long long)cids[i], rowset_text(&r, 0, 0), row);
			first = first && !row;
			free(row);
		}
		rowset_free(&r);
	}
	sb_append(sb, "]");
}

/* The body: {"transfers":[{"transfer":{...},"resident":{...}}, ...],"rows":[...]}; the
 * names of the residents moving in *names. */
static char *down_body(struct store *st, const int64_t *ids, size_t n, const int64_t *cids, size_t nc,
		       struct strbuf *names, char **err)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, "{\"transfers\":[");
	for (size_t i = 0; i < n; i++) {
		char *rid = rowset_value(st, "SELECT resident_id FROM transfer WHERE id = ?1", "l", ids[i]);
		char *t = row_json(st, "transfer", ids[i]);
		char *r = rid ? row_json(st, "resident", strtoll(rid, NULL, 10)) : NULL;
		char *name = rid ? rowset_value(st, "SELECT name FROM resident WHERE id = ?1", "t", rid) : NULL;
		if (!t || !r) {
			set_error(err, _("transfer %lld: its resident is not in this register"), (long long)ids[i]);
			free(rid), free(t), free(r), free(name);
			sb_free(&sb);
			return NULL;
		}
		sb_appendf(&sb, "%s{\"transfer\":%s,\"resident\":%s}", i ? "," : "", t, r);
		sb_appendf(names, "%s%s", i ? "、" : "", name ? name : "?");
		free(rid), free(t), free(r), free(name);
	}
	sb_append(&sb, "]");
	resolved_rows(st, cids, nc, &sb);
	sb_append(&sb, "}");
	sb_append(names, "");
	return sb_take(&sb);
}

/* The next package's number and the previous one's hash (zeros at first) for village. */
static long long down_next(struct store *st, const char *village, char prev[SHA256_HEX])
{
	char *last = rowset_value(st, "SELECT max(seq) FROM sync_down_out WHERE village = ?1", "t", village);
	long long seq = last ? atoll(last) : 0;
	char *hash = last ? rowset_value(st, "SELECT hash FROM sync_down_out WHERE village = ?1 AND seq = ?2", "tl",
					 village, (int64_t)seq) : NULL;
	memset(prev, '0', SHA256_HEX - 1);
	prev[SHA256_HEX - 1] = '\0';
	if (hash)
		snprintf(prev, SHA256_HEX, "%s", hash);
	free(last);
	free(hash);
	return seq + 1;
}

/* Marks the resolved conflicts sent in package seq; their ids as a JSON list in *list. */
static int down_record_conflicts(sqlite3 *db, const char *village, long long seq, const int64_t *cids, size_t nc,
				 struct strbuf *list, char **err)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < nc; i++) {
		char *q = sqlite3_mprintf("INSERT INTO sync_down_conflict(conflict_id, village, seq) VALUES (%lld, '%q', %lld)",
					  (long long)cids[i], village, seq);
		rc = sync_exec(db, q, err);
		sqlite3_free(q);
		sb_appendf(list, "%s%lld", i ? "," : "", (long long)cids[i]);
	}
	sb_append(list, "");
	return rc;
}

/* Keeps the package (for --seq), marks its transfers and resolutions sent, and audits
 * it under the operator. */
static int down_record(struct store *st, const char *village, long long seq, const char *hash, const char *whole,
		       size_t whole_n, const int64_t *ids, size_t n, const int64_t *cids, size_t nc, const char *names,
		       char **err)
{
	sqlite3 *db = store_db(st);
	char at[32];
	store_now(at);
	sqlite3_stmt *s;
	int rc = -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO sync_down_out(village, seq, made_at, hash, transfers, pkg)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, village, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, seq);
		sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, (long long)n);
		sqlite3_bind_blob(s, 6, whole, (int)whole_n, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : set_error(err, "%s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(s);
	struct strbuf list = { 0 };
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *q = sqlite3_mprintf("INSERT INTO sync_down_item(transfer_id, village, seq) VALUES (%lld, '%q', %lld)",
					  (long long)ids[i], village, seq);
		rc = sync_exec(db, q, err);
		sqlite3_free(q);
		sb_appendf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
	}
	sb_append(&list, "");
	struct strbuf resolved = { 0 };
	if (rc == 0)
		rc = down_record_conflicts(db, village, seq, cids, nc, &resolved, err);
	char *after = xasprintf("{\"village\":\"%s\",\"seq\":%lld,\"transfers\":[%s],\"conflicts\":[%s]}", village,
				seq, list.s, resolved.s ? resolved.s : "");
	char *reason = xasprintf(_("sync: down package %lld to %s: moving there %s; the township's values of %zu "
				   "conflicts"), seq, village, names, nc);
	if (rc == 0)
		rc = sync_seal_entry(st, "sync_down_out", seq, NULL, after, reason, err);
	free(after);
	free(reason);
	sb_free(&list);
	sb_free(&resolved);
	return rc;
}

/* Why the township may not send down to village, or NULL. Caller frees. */
static char *down_refusal(struct store *st, const char *code, const char *village)
{
	if (!village_code_ok(village, 12) || strncmp(village, code, 9) != 0)
		return xasprintf(_("%s is not the 12-digit code of a village of this township (%.9s)."), village, code);
	char *known = rowset_value(st, "SELECT 1 FROM sync_site WHERE code = ?1 AND role = 'village'", "t", village);
	char *why = known ? NULL
			  : xasprintf(_("village %s has sent no package to this township yet: apply its packages first"),
				      village);
	free(known);
	return why;
}

int sync_down_export(struct store *st, const char *village, const char *path, long long seq, long long *out_seq,
		     long long *ntransfers, long long *nresolved, char **err)
{
	char role[16], code[16];
	long long site;
	*ntransfers = 0;
	*nresolved = 0;
	*out_seq = seq;
	if (!sync_self(st, role, code, &site) || strcmp(role, "township") != 0)
		return set_error(err, "%s", _("down packages are sent from the township's register (shanzhi sync init "
					      "--township CODE --name NAME)"));
	char *why = down_refusal(st, code, village);
	if (why) {
		*err = why;
		return -1;
	}
	if (store_begin(st, err) != 0)
		return -1;
	int rc = sync_exec(store_db(st), down_schema, err);
	if (rc == 0 && seq > 0) {
		rc = down_again(st, village, path, seq, ntransfers, err);
		return rc == 0 ? store_commit(st, err) : (store_rollback(st), -1);
	}
	size_t n = 0;
	int64_t *ids = rc == 0 ? rowset_ids(st, &n, "SELECT id FROM transfer WHERE to_village = ?1 AND state = 'out'"
					   " AND id NOT IN (SELECT transfer_id FROM sync_down_item) ORDER BY id", "t", village)
			       : NULL;
	size_t nc = 0;
	int64_t *cids = rc == 0 ? rowset_ids(st, &nc, "SELECT c.id FROM sync_conflict c JOIN sync_site s ON s.site_no = c.site_no"
					    " WHERE s.code = ?1 AND c.state = 'township' AND c.id NOT IN"
					    " (SELECT conflict_id FROM sync_down_conflict) ORDER BY c.id", "t", village)
				: NULL;
	struct strbuf names = { 0 };
	char *body = rc == 0 && (n || nc) ? down_body(st, ids, n, cids, nc, &names, err) : NULL;
	if (rc == 0 && (n || nc) && !body)
		rc = -1;
	if (rc == 0 && (n || nc)) {
		char prev[SHA256_HEX], hash[SHA256_HEX];
		char *name = rowset_value(st, "SELECT name FROM sync_site WHERE self = 1", "");
		*out_seq = down_next(st, village, prev);
		size_t len = strlen(body);
		char *header = down_header(code, name ? name : "", site, village, *out_seq, prev, (long long)len);
		sync_content_hash(header, body, len, hash);
		char *whole = xasprintf("%ssha256 %s\n\n%s", header, hash, body);
		rc = down_record(st, village, *out_seq, hash, whole, strlen(whole), ids, n, cids, nc, names.s, err);
		if (rc == 0)
			rc = sync_write_file(path, header, hash, body, len, err);
		*ntransfers = (long long)n;
		*nresolved = (long long)nc;
		free(whole);
		free(header);
		free(name);
	}
	free(body);
	free(ids);
	free(cids);
	sb_free(&names);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* ---- at the village ---- */

/* What must hold before a down package touches the register: this village's township,
 * for this village, a schema this program knows, the next in order. */
static int down_check(struct store *st, const struct package *p, const char *self, bool *duplicate, char **err)
{
	*duplicate = false;
	if (p->schema > schema_latest())
		return set_error(err, _("package %lld of %s was written by a newer shanzhi (schema %d; this program knows %d): "
					"update shanzhi; refused, nothing was changed"), p->seq, p->site, p->schema,
				 schema_latest());
	if (!village_code_ok(p->site, 9) || strncmp(p->site, self, 9) != 0)
		return set_error(err, _("package of %s %s: not this village's township; refused, nothing was changed"),
				 p->site, p->name);
	if (strcmp(p->to, self) != 0)
		return set_error(err, _("down package %lld of %s is for village %s, not this one (%s); refused, nothing "
					"was changed"), p->seq, p->name, *p->to ? p->to : "?", self);
	char *last_text = rowset_value(st, "SELECT max(seq) FROM sync_down_in", "");
	long long last = last_text ? atoll(last_text) : 0;
	free(last_text);
	char *have = rowset_value(st, "SELECT hash FROM sync_down_in WHERE seq = ?1", "l",
				  (int64_t)(p->seq <= last ? p->seq : last));
	int rc = 0;
	if (p->seq <= last && (!have || strcmp(have, p->hash) != 0))
		rc = set_error(err, _("package %lld of %s differs from the one applied before; refused"), p->seq, p->site);
	else if (p->seq <= last)
		*duplicate = true;
	else if (p->seq > last + 1)
		rc = set_error(err, _("missing: down package %lld of %s %s; apply it first (refused, nothing was changed)"),
			       last + 1, p->site, p->name);
	else if (last > 0 && (!have || strcmp(have, p->prev) != 0))
		rc = set_error(err, _("package %lld of %s does not follow package %lld applied here; refused"), p->seq,
			       p->site, last);
	free(have);
	return rc;
}

/* Writes a row as the township holds it (json), new or over the one here (a resident
 * moving back), audited under the operator with reason. */
static int put_row(struct store *st, const char *table, const char *json, const char *reason, char **err)
{
	sqlite3 *db = store_db(st);
	char *idtext = rowset_value(st, "SELECT json_extract(?1, '$.id')", "t", json);
	long long id = idtext ? atoll(idtext) : 0;
	free(idtext);
	if (id <= 0)
		return set_error(err, "%s", _("the down package's records are damaged"));
	char *before = row_json(st, table, id);
	char *cols = columns_as(db, table, "\"%w\"");
	char *vals = columns_as(db, table, "json_extract(?1, '$.\"%w\"')");
	char *sets = columns_as(db, table, "\"%w\" = json_extract(?1, '$.\"%w\"')");
	char *sql = before ? sqlite3_mprintf("UPDATE \"%w\" SET %s WHERE id = %lld", table, sets, id)
			   : sqlite3_mprintf("INSERT INTO \"%w\" (%s) VALUES (%s)", table, cols, vals);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK ? 0 : set_error(err, "%s", sqlite3_errmsg(db));
	if (rc == 0) {
		sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = set_error(err, "%s: %s", table, sqlite3_errmsg(db));
	}
	sqlite3_finalize(s);
	char *after = rc == 0 ? row_json(st, table, id) : NULL;
	char at[32];
	store_now(at);
	struct audit_entry e = { .at = at, .operator_id = store_operator_id(st), .tbl = table, .row_id = id,
				 .action = before ? "update" : "insert", .before = before, .after = after, .reason = reason };
	int src;
	if (rc == 0 && audit_append(db, &e, &src) != 0)
		rc = set_error(err, "%s: %s", _("writing the audit log"), sqlite3_errstr(src));
	sqlite3_free(sql);
	free(before), free(after), free(cols), free(vals), free(sets);
	return rc;
}

/* The township's values of the conflicts it resolved so, written over the rows here. */
static int down_resolved(struct store *st, const struct package *p, const char *body, long long *n, char **err)
{
	struct rowset r = { 0 };
	int rc = rowset_select(st, &r, NULL, "SELECT json_extract(value, '$.table'), json_extract(value, '$.row'),"
			       " json_extract(value, '$.conflict') FROM json_each(?1, '$.rows')", "t", body);
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		if (!sync_table_synced(rowset_text(&r, i, 0))) {
			rc = set_error(err, "%s", _("the down package's records are damaged"));
			break;
		}
		char *reason = xasprintf(_("sync: down package %lld of %s %s: the township's values kept in its conflict %s"),
					 p->seq, p->site, p->name, rowset_text(&r, i, 2));
		rc = put_row(st, rowset_text(&r, i, 0), rowset_text(&r, i, 1), reason, err);
		free(reason);
	}
	*n = (long long)r.n;
	rowset_free(&r);
	return rc;
}

/* Every transfer of the package: the resident's row, then the transfer's; then the
 * township's resolutions. */
static int down_rows(struct store *st, const struct package *p, struct strbuf *names, long long *n, long long *nrows,
		     char **err)
{
	char *body = xasprintf("%.*s", (int)p->length, (const char *)p->body);
	struct rowset r = { 0 };
	char *valid = rowset_value(st, "SELECT json_valid(?1) AND json_type(?1, '$.transfers') = 'array'", "t", body);
	int rc = valid && strcmp(valid, "1") == 0
			 ? rowset_select(st, &r, NULL, "SELECT json_extract(value, '$.resident'), json_extract(value, '$.transfer'),"
					 " json_extract(value, '$.resident.name'), json_extract(value, '$.transfer.from_name')"
					 " FROM json_each(?1, '$.transfers')", "t", body)
			 : -1;
	free(valid);
	if (rc != 0)
		rc = set_error(err, "%s", _("the down package's records are damaged"));
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		char *reason = xasprintf(_("sync: down package %lld of %s %s: moving here from %s"), p->seq, p->site,
					 p->name, rowset_text(&r, i, 3));
		rc = put_row(st, "resident", rowset_text(&r, i, 0), reason, err);
		if (rc == 0)
			rc = put_row(st, "transfer", rowset_text(&r, i, 1), reason, err);
		sb_appendf(names, "%s%s", i ? "、" : "", rowset_text(&r, i, 2));
		free(reason);
	}
	*n = (long long)r.n;
	rowset_free(&r);
	if (rc == 0)
		rc = down_resolved(st, p, body, nrows, err);
	free(body);
	return rc;
}

int sync_down_apply(struct store *st, const struct package *p, const char *path, char **summary, char **err)
{
	char role[16], self[16];
	long long site;
	*summary = NULL;
	if (!sync_self(st, role, self, &site) || strcmp(role, "village") != 0) {
		set_error(err, _("a package of kind %s cannot be applied here"), p->kind);
		sync_log_result(st, path, p, "refused", NULL, *err);
		return -1;
	}
	bool duplicate = false;
	struct strbuf names = { 0 };
	long long n = 0, nrows = 0;
	int rc = store_begin(st, err);
	if (rc == 0)
		rc = sync_exec(store_db(st), down_schema, err);
	if (rc == 0)
		rc = down_check(st, p, self, &duplicate, err);
	if (rc == 0 && !duplicate)
		rc = down_rows(st, p, &names, &n, &nrows, err);
	char at[32];
	store_now(at);
	char *q = sqlite3_mprintf("INSERT INTO sync_down_in(seq, hash, applied_at) VALUES (%lld, '%q', '%q')", p->seq,
				  p->hash, at);
	if (rc == 0 && !duplicate)
		rc = sync_exec(store_db(st), q, err);
	sqlite3_free(q);
	/* the rows are the township's already: they do not travel back up in a package */
	if (rc == 0)
		sync_capture_reset(st);
	if (rc == 0)
		rc = store_commit(st, err);
	else if (!sqlite3_get_autocommit(store_db(st)))
		store_rollback(st);
	if (rc == 0 && duplicate)
		*summary = xasprintf(_("package %lld of %s %s was applied before: nothing changed"), p->seq, p->site, p->name);
	else if (rc == 0)
		*summary = xasprintf(_("down package %lld of %s %s applied: %lld residents waiting to move in (%s), %lld "
				       "records as the township resolved their conflicts"), p->seq, p->site, p->name, n,
				     names.s ? names.s : "", nrows);
	sync_log_result(st, path, p, rc != 0 ? "refused" : duplicate ? "duplicate" : "applied", NULL,
			rc == 0 ? *summary : *err);
	sb_free(&names);
	return rc;
}
