/* audit: the audit log's hash chain. Every entry carries the hash of the entry before
 * it (prev_hash; 64 zeros for the first) and its own hash: SHA-256 over a canonical
 * serialisation of id, at, operator_id, tbl, row_id, action, before, after, reason and
 * prev_hash (each value length-prefixed, NULL written as "-"). Changing, inserting or
 * removing an entry with the sqlite3 shell breaks the chain at that entry, and
 * audit_verify names it.
 *
 * audit_append is the only writer of the audit table: store.c's write path calls it
 * for inserts, updates and bulk loads, and audit_event records what is not a row
 * change (an unmasking, a sign-in). The caller holds the write transaction, so
 * concurrent writers see each other's heads. */
#ifndef SZ_AUDIT_H
#define SZ_AUDIT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

struct store;
struct strbuf;

struct audit_entry {
	int64_t id;
	const char *at;
	int64_t operator_id;   /* 0: none (stored as NULL) */
	const char *tbl;
	int64_t row_id;
	const char *action;
	const char *before, *after, *reason;  /* NULL allowed */
	char prev_hash[SHA256_HEX];
};

/* The hash of an entry (its prev_hash included). */
void audit_entry_hash(const struct audit_entry *e, char out[SHA256_HEX]);
/* Appends e (its id and prev_hash are filled here) inside the caller's write
 * transaction. 0, or -1 with the SQLite error code in *sqlite_rc. */
int audit_append(sqlite3 *db, struct audit_entry *e, int *sqlite_rc);
/* Records an event that changes no row (action "unmask") for the store's operator,
 * in a transaction of its own; after (a JSON object, may be NULL) says what it
 * touched, so that the history screen lists it. 0, or -1 with *err. */
int audit_event(struct store *st, const char *tbl, int64_t row_id, const char *action,
		const char *after, const char *reason, char **err);
/* Hex digits of the head's hash on printed documents: 64 bits, beyond forging. */
#define AUDIT_ANCHOR_SHORT 16
/* The chain's head: its last entry's id and hash (0 and 64 zeros when empty). 0 or -1. */
int audit_head(sqlite3 *db, int64_t *id, char hash[SHA256_HEX]);
/* The anchor line printed on documents and beside backups, "审计链 #1234 3fa9c2d1e0b4a7f6":
 * the head's id and the first digits (AUDIT_ANCHOR_SHORT on paper, 64 beside a
 * backup) of its hash. Caller frees; NULL when the log cannot be read. */
char *audit_anchor_line(sqlite3 *db, int digits);
/* Ends a printed document (receipt, agreement, record, notice) with a blank line and
 * its anchor line: the paper then vouches for the log as it stood (check --anchor). */
void audit_footer(sqlite3 *db, struct strbuf *doc);
/* Finds an anchor in text: "N:HEX", or "#N HEX" anywhere (a footer or sidecar line),
 * HEX being 16 to 64 hex digits, copied to hex. 0, or -1 when there is none. */
int audit_anchor_parse(const char *text, int64_t *id, char hex[SHA256_HEX]);
/* An anchor from a command line: "N:HASH", a text file holding an anchor line (a
 * printout, a backup's .anchor file), or a backup of the register (its head). 0, or
 * -1 with *err. */
int audit_anchor_read(const char *arg, int64_t *id, char hex[SHA256_HEX], char **err);
/* Whether entry id is still in the log with a hash beginning with hex: a log ending
 * before it (truncated), a missing entry or another hash (rewritten) is described in
 * one line appended to *report. The chain from it to the head is audit_verify's.
 * Returns 0 when it holds, else 1. */
int audit_verify_anchor(sqlite3 *db, int64_t id, const char *hex, struct strbuf *report);
/* Walks the chain; the first entry that does not fit is described in one line
 * appended to *report. Returns 0 when the chain holds, else 1. */
int audit_verify(sqlite3 *db, struct strbuf *report);
/* Hashes entries written before the chain existed (an older database), in id order,
 * inside the caller's transaction; a log in which any entry has a hash is left as it
 * is (check reports its unhashed entries). 0, or -1 with *err. */
int audit_seal_legacy(sqlite3 *db, char **err);

/* One line of a record's history: a column an audit entry changed (the union of the
 * before and after keys whose values differ; not created_at, updated_at,
 * form_version), or a bulk load (an import, the demo) that wrote the record, whose
 * column is "" and whose reason says what the load was. */
struct audit_change {
	char *at;        /* local time, YYYY-MM-DD HH:MM:SS */
	char *login;     /* "" when unknown */
	char *action;    /* insert, update, unmask, bulk ... */
	char *reason;    /* "" when none */
	char *column;
	char *before, *after;  /* NULL when absent or null */
};
/* The history of row id of tbl, newest first, skipping offset lines, at most limit.
 * 0, or -1 with *err. */
int audit_history(struct store *st, const char *tbl, int64_t id, size_t offset, size_t limit,
		  struct audit_change **out, size_t *n, char **err);
void audit_history_free(struct audit_change *c, size_t n);

#endif
