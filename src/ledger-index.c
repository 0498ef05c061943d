/* ledger-index: the declared registers' search index (ledger-index.h). */
#include "ledger-index.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "i18n.h"
#include "ledger.h"

const char ledger_index_schema_v1[] =
	"CREATE TABLE ledger_key (\n"
	"  tbl TEXT NOT NULL,\n"
	"  col TEXT NOT NULL,\n"
	"  key TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY (tbl, col, key, value)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE ledger_numkey (\n"
	"  reg INTEGER NOT NULL,\n"
	"  gram INTEGER NOT NULL,\n"
	"  rec INTEGER NOT NULL,\n"
	"  PRIMARY KEY (reg, gram, rec)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE ledger_numgram (\n"
	"  reg INTEGER NOT NULL,\n"
	"  gram INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  PRIMARY KEY (reg, gram)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE ledger_key_state (\n"
	"  reg INTEGER PRIMARY KEY,\n"
	"  tbl TEXT NOT NULL UNIQUE,\n"
	"  done INTEGER NOT NULL DEFAULT 0\n"
	");\n";

/* ---- characters ---- */

/* The next character of s as LIKE compares it (ASCII lowered), advancing s; a
 * stray byte is a character of its own. */
static uint32_t next_char(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p++;
	int more = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	if (more)
		c &= 0x3fu >> more;
	for (; more && (*p & 0xc0) == 0x80; more--)
		c = (c << 6) | (*p++ & 0x3f);
	*s = p;
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The characters of s (at most max), with each one's byte offset (start[n] = end). */
static size_t split_chars(const char *s, uint32_t *cp, size_t *start, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p && n < max) {
		start[n] = (size_t)(p - (const unsigned char *)s);
		cp[n++] = next_char(&p);
	}
	start[n] = (size_t)(p - (const unsigned char *)s);
	return n;
}

/* Three characters packed in one integer (21 bits each). */
static int64_t gram3(const uint32_t *c)
{
	return ((int64_t)(c[0] & 0x1fffff) << 42) | ((int64_t)(c[1] & 0x1fffff) << 21) | (c[2] & 0x1fffff);
}

/* s with ASCII lowered, as the keys are. Caller frees. */
static char *lowered(const char *s, size_t len)
{
	char *out = xstrndup(s, len);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return out;
}

#define MAXCHARS 256

/* ---- which columns ---- */

enum source { SRC_TEXT, SRC_OTHER, SRC_RESIDENT, SRC_HOUSEHOLD };

/* How a search field is matched (as ledger-store.c's word_condition does). */
static enum source field_source(const struct field_def *f)
{
	if (f->type == FIELD_REF && strcmp(f->ref_table, "resident") == 0)
		return SRC_RESIDENT;
	if (f->type == FIELD_REF && strcmp(f->ref_table, "household") == 0)
		return SRC_HOUSEHOLD;
	return f->type == FIELD_INTEGER || f->type == FIELD_REF || f->type == FIELD_DECIMAL ? SRC_OTHER : SRC_TEXT;
}

static const struct field_def *search_field(const struct ledger_def *d, size_t i)
{
	int fi = form_field_index(d->columns, d->search[i]);
	return fi >= 0 ? &d->columns->fields[fi] : NULL;
}

/* ---- writing keys ---- */

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The register's number in ledger_numkey and how far its index goes. */
static int64_t reg_state(sqlite3 *db, const struct ledger_def *d, int64_t *done)
{
	char *sql = sqlite3_mprintf("SELECT reg, done FROM ledger_key_state WHERE tbl = %Q", d->table);
	sqlite3_stmt *s = NULL;
	int64_t reg = -1;
	*done = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		reg = sqlite3_column_int64(s, 0);
		*done = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	sqlite3_free(sql);
	return reg;
}

/* A gram held by more numbers than this keeps its count, not its postings: no search
 * would start from it, and they are most of the index's size (the pattern's text). */
#define PRUNE 50000

struct gram_count {
	int64_t gram, n;
	bool pruned;  /* held by more than PRUNE numbers: no postings */
};

struct writer {
	sqlite3_stmt *key, *num;
	struct gram_count *counts; /* open addressing, ncap slots */
	size_t ncounts, ncap;
	uint32_t alphabet[128]; /* number characters already keyed in this run */
	size_t nalpha;
};

static int put_key(struct writer *w, const char *tbl, const char *col, const char *key, size_t keylen,
		   const char *value)
{
	sqlite3_bind_text(w->key, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->key, 2, col, -1, SQLITE_STATIC);
	char *k = lowered(key, keylen);
	sqlite3_bind_text(w->key, 3, k, -1, free);
	sqlite3_bind_text(w->key, 4, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(w->key) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(w->key);
	return rc;
}

/* A text value's keys: itself (key ''), then its substrings of 1 to 3 characters;
 * nothing more when the value is known already. */
static int key_value(sqlite3 *db, struct writer *w, const char *tbl, const char *col, const char *value)
{
	if (put_key(w, tbl, col, "", 0, value) != 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	uint32_t cp[MAXCHARS];
	size_t start[MAXCHARS + 1];
	const unsigned char *p = (const unsigned char *)value;
	int rc = 0;
	/* long values in windows: every substring of up to 3 characters is keyed */
	while (rc == 0 && *p) {
		size_t n = split_chars((const char *)p, cp, start, MAXCHARS);
		for (size_t i = 0; rc == 0 && i < n; i++)
			for (size_t len = 1; rc == 0 && len <= 3 && i + len <= n; len++)
				rc = put_key(w, tbl, col, (const char *)p + start[i], start[i + len] - start[i], value);
		if (n < MAXCHARS)
			break;
		p += start[n - 2]; /* the last two characters start the next window */
	}
	return rc;
}

/* One more number holding gram. */
static void count_gram(struct writer *w, int64_t gram)
{
	if (2 * (w->ncounts + 1) > w->ncap) {
		struct writer old = *w;
		w->ncap = w->ncap ? 2 * w->ncap : 1024;
		w->counts = xcalloc(w->ncap, sizeof *w->counts);
		w->ncounts = 0;
		for (size_t i = 0; i < old.ncap; i++)
			for (int64_t k = 0; k < old.counts[i].n; k++)
				count_gram(w, old.counts[i].gram);
		free(old.counts);
	}
	size_t h = (size_t)((uint64_t)gram * 0x9e3779b97f4a7c15u >> 20) % w->ncap;
	while (w->counts[h].n && w->counts[h].gram != gram)
		h = (h + 1) % w->ncap;
	if (!w->counts[h].n++)
		w->counts[h].gram = gram, w->ncounts++;
}

static struct gram_count *find_gram(struct writer *w, int64_t gram)
{
	if (!w->ncap)
		return NULL;
	size_t h = (size_t)((uint64_t)gram * 0x9e3779b97f4a7c15u >> 20) % w->ncap;
	while (w->counts[h].n && w->counts[h].gram != gram)
		h = (h + 1) % w->ncap;
	return w->counts[h].n ? &w->counts[h] : NULL;
}

/* The run's gram counts added to the stored ones; the postings of a gram grown past
 * PRUNE are dropped. */
static int flush_counts(sqlite3 *db, struct writer *w, int64_t reg)
{
	sqlite3_stmt *up = NULL, *drop = NULL;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO ledger_numgram(reg, gram, n) VALUES (?1, ?2, ?3)"
				    " ON CONFLICT(reg, gram) DO UPDATE SET n = n + excluded.n RETURNING n",
				    -1, &up, NULL) == SQLITE_OK &&
		 sqlite3_prepare_v2(db, "DELETE FROM ledger_numkey WHERE reg = ?1 AND gram = ?2", -1, &drop,
				    NULL) == SQLITE_OK ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < w->ncap; i++) {
		if (!w->counts[i].n)
			continue;
		sqlite3_bind_int64(up, 1, reg);
		sqlite3_bind_int64(up, 2, w->counts[i].gram);
		sqlite3_bind_int64(up, 3, w->counts[i].n);
		int64_t n = sqlite3_step(up) == SQLITE_ROW ? sqlite3_column_int64(up, 0) : -1;
		sqlite3_reset(up);
		rc = n < 0 ? -1 : 0;
		w->counts[i].pruned = n > PRUNE;
		if (rc == 0 && n > PRUNE && n - w->counts[i].n <= PRUNE) {
			sqlite3_bind_int64(drop, 1, reg);
			sqlite3_bind_int64(drop, 2, w->counts[i].gram);
			rc = sqlite3_step(drop) == SQLITE_DONE ? 0 : -1;
			sqlite3_reset(drop);
		}
	}
	sqlite3_finalize(up);
	sqlite3_finalize(drop);
	return rc;
}

/* A number's grams counted (counting) or their postings written, and its characters
 * into the register's number alphabet. */
static int key_number(struct writer *w, const char *tbl, int64_t reg, int64_t id, const char *number,
		      bool counting)
{
	uint32_t cp[MAXCHARS];
	size_t start[MAXCHARS + 1];
	size_t n = split_chars(number, cp, start, MAXCHARS);
	int rc = 0;
	for (size_t i = 0; rc == 0 && !counting && i < n; i++) {
		bool seen = false;
		for (size_t a = 0; a < w->nalpha && !seen; a++)
			seen = w->alphabet[a] == cp[i];
		if (!seen && w->nalpha < ARRAY_LEN(w->alphabet))
			w->alphabet[w->nalpha++] = cp[i];
		if (!seen)
			rc = put_key(w, tbl, "number", number + start[i], start[i + 1] - start[i], "");
	}
	for (size_t i = 0; rc == 0 && i + 3 <= n; i++) {
		bool again = false;  /* a gram twice in one number counts once */
		for (size_t j = 0; j < i && !again; j++)
			again = gram3(cp + j) == gram3(cp + i);
		struct gram_count *g = counting ? NULL : find_gram(w, gram3(cp + i));
		if (again || (g && g->pruned))
			continue;
		if (counting) {
			count_gram(w, gram3(cp + i));
			continue;
		}
		sqlite3_bind_int64(w->num, 1, reg);
		sqlite3_bind_int64(w->num, 2, gram3(cp + i));
		sqlite3_bind_int64(w->num, 3, id);
		rc = sqlite3_step(w->num) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(w->num);
	}
	return rc;
}

/* The keys of the records above the index's mark, and of the records listed (JSON
 * arrays of ids at or below it): edited ones' values, arrived ones' values and
 * numbers. A number is keyed once: its grams are counted, not set. */
static int index_rows(sqlite3 *db, const struct ledger_def *d, const char *edited, const char *arrived, char **err)
{
	char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO ledger_key_state(tbl) VALUES (%Q)", d->table);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sqlite3_free(sql);
	int64_t done;
	int64_t reg = reg_state(db, d, &done);
	struct writer w = { 0 };
	struct strbuf cols = { 0 }, sb = { 0 };
	for (size_t i = 0; i < d->nsearch; i++) {
		const struct field_def *f = search_field(d, i);
		if (f && field_source(f) == SRC_TEXT)
			sb_appendf(&cols, ", \"%s\"", f->name);
		else
			sb_append(&cols, ", NULL");
	}
	/* the records past the mark, then the listed ones (rowid look-ups, no scan) */
	const char *c = cols.s ? cols.s : "", *t = d->table;
	sb_appendf(&sb, "SELECT id, number, 1%s FROM \"%s\" WHERE id > ?1"
		   " UNION ALL SELECT id, number, 0%s FROM \"%s\" WHERE id IN (SELECT value FROM json_each(?2)) AND id <= ?1"
		   " UNION ALL SELECT id, number, 1%s FROM \"%s\" WHERE id IN (SELECT value FROM json_each(?3)) AND id <= ?1",
		   c, t, c, t, c, t);
	sb_free(&cols);
	sqlite3_stmt *rows = NULL;
	if (rc == 0 && (reg < 0 ||
			sqlite3_prepare_v2(db, sb.s, -1, &rows, NULL) != SQLITE_OK ||
			sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO ledger_key(tbl, col, key, value) VALUES (?1, ?2, ?3, ?4)",
					   -1, &w.key, NULL) != SQLITE_OK ||
			sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO ledger_numkey(reg, gram, rec) VALUES (?1, ?2, ?3)",
					   -1, &w.num, NULL) != SQLITE_OK))
		rc = -1;
	int64_t top = done;
	if (rc == 0) {
		sqlite3_bind_int64(rows, 1, done);
		sqlite3_bind_text(rows, 2, edited, -1, SQLITE_STATIC);
		sqlite3_bind_text(rows, 3, arrived, -1, SQLITE_STATIC);
	}
	/* first the new numbers' grams counted, so that a common one gets no postings */
	while (rc == 0 && sqlite3_step(rows) == SQLITE_ROW) {
		int64_t rec = sqlite3_column_int64(rows, 0);
		const char *number = (const char *)sqlite3_column_text(rows, 1);
		if (number && sqlite3_column_int(rows, 2))
			rc = key_number(&w, d->table, reg, rec, number, true);
	}
	if (rc == 0)
		rc = flush_counts(db, &w, reg);
	sqlite3_reset(rows);
	while (rc == 0 && sqlite3_step(rows) == SQLITE_ROW) {
		int64_t rec = sqlite3_column_int64(rows, 0);
		const char *number = (const char *)sqlite3_column_text(rows, 1);
		if (number && sqlite3_column_int(rows, 2))
			rc = key_number(&w, d->table, reg, rec, number, false);
		for (size_t i = 0; rc == 0 && i < d->nsearch; i++) {
			const char *v = (const char *)sqlite3_column_text(rows, 3 + (int)i);
			if (v)
				rc = key_value(db, &w, d->table, d->search[i], v);
		}
		top = rec > top ? rec : top;
	}
	if (rc == 0 && top > done) {
		sql = sqlite3_mprintf("UPDATE ledger_key_state SET done = %lld WHERE reg = %lld", (long long)top,
				      (long long)reg);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
		sqlite3_free(sql);
	}
	if (rc != 0 && err)
		*err = xasprintf("%s: %s", d->table, sqlite3_errmsg(db));
	sqlite3_finalize(rows);
	sqlite3_finalize(w.key);
	sqlite3_finalize(w.num);
	free(w.counts);
	sb_free(&sb);
	return rc;
}

int ledger_index_add(sqlite3 *db, const struct ledger_def *d, int64_t id, char **err)
{
	char edited[32];
	snprintf(edited, sizeof edited, "[%lld]", (long long)id);
	return index_rows(db, d, edited, "[]", err);
}

/* ids as a JSON array. Caller frees. */
static char *ids_json(const int64_t *ids, size_t n)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, "[");
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, i ? ",%lld" : "%lld", (long long)ids[i]);
	sb_append(&sb, "]");
	return sb_take(&sb);
}

int ledger_index_records(sqlite3 *db, const struct ledger_def *d, const int64_t *edited, size_t nedited,
			 const int64_t *arrived, size_t narrived, char **err)
{
	char *e = ids_json(edited, nedited), *a = ids_json(arrived, narrived);
	int rc = index_rows(db, d, e, a, err);
	free(e);
	free(a);
	return rc;
}

int ledger_index_current(sqlite3 *db, const struct ledger_def *d)
{
	int64_t done;
	if (reg_state(db, d, &done) < 0)
		return 0;
	char *sql = sqlite3_mprintf("SELECT coalesce(max(id), 0) FROM \"%w\"", d->table);
	int64_t top = one_int(db, sql);
	sqlite3_free(sql);
	return top >= 0 && top <= done;
}

/* ---- candidates ---- */

/* A candidate and its list-order key, compared as SQLite's ORDER BY does with the
 * BINARY collation: NULL, then numbers, then text, then blobs. */
struct cand {
	int64_t id;
	int rank;        /* 0 NULL, 1 number, 2 text, 3 blob */
	double num;
	int64_t inum;
	bool is_int;
	size_t at;       /* text or blob: its bytes in the read's one buffer */
	int len;
	const char *bytes;
};

static int key_cmp(const struct cand *x, const struct cand *y)
{
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->rank == 1 && x->is_int && y->is_int)
		return (x->inum > y->inum) - (x->inum < y->inum);
	if (x->rank == 1)
		return (x->num > y->num) - (x->num < y->num);
	int c = memcmp(x->bytes, y->bytes, (size_t)(x->len < y->len ? x->len : y->len));
	return c ? c : x->len - y->len;
}

/* The list's order: the key, then id DESC. */
static int cand_asc(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = key_cmp(x, y);
	return c ? c : (x->id < y->id) - (x->id > y->id);
}

static int cand_desc(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = key_cmp(y, x);
	return c ? c : (x->id < y->id) - (x->id > y->id);
}

/* Reads a row's candidate, a text key's bytes appended to buf (one buffer for all:
 * a common word reads 5,001 of them before it is found too common). */
static void cand_read(struct cand *c, sqlite3_stmt *s, struct strbuf *buf)
{
	c->id = sqlite3_column_int64(s, 0);
	int t = sqlite3_column_type(s, 1);
	c->rank = t == SQLITE_NULL ? 0 : t == SQLITE_INTEGER || t == SQLITE_FLOAT ? 1 : t == SQLITE_TEXT ? 2 : 3;
	c->is_int = t == SQLITE_INTEGER;
	c->inum = c->is_int ? sqlite3_column_int64(s, 1) : 0;
	c->num = c->rank == 1 ? sqlite3_column_double(s, 1) : 0;
	c->at = buf->len;
	c->len = 0;
	if (c->rank >= 2) {
		const char *b = t == SQLITE_TEXT ? (const char *)sqlite3_column_text(s, 1) : sqlite3_column_blob(s, 1);
		c->len = sqlite3_column_bytes(s, 1);
		sb_append_n(buf, b ? b : "", (size_t)c->len);
	}
}

/* The distinct ids sql (cid, ord) yields, in the list's order (ord, then id DESC),
 * when at most cap; NULL past it. Read as they come (a word past cap stops there) and
 * sorted here: a record in two places of the union is then adjacent to itself. */
static int64_t *candidate_ids(sqlite3 *db, const char *sql, bool desc, int64_t cap, size_t *n)
{
	char *q = sqlite3_mprintf("%s LIMIT %lld", sql, (long long)cap + 1);
	sqlite3_stmt *s = NULL;
	struct cand *c = NULL;  /* grown as read: most words have few, and 5,001 of them
				 * zeroed up front cost more than reading them */
	struct strbuf buf = { 0 };
	size_t got = 0, room = 0;
	bool ok = sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK;
	while (ok && sqlite3_step(s) == SQLITE_ROW) {
		if (got == room) {
			room = room ? 2 * room : 64;
			c = xrealloc(c, room * sizeof *c);
		}
		cand_read(&c[got++], s, &buf);
	}
	sqlite3_finalize(s);
	sqlite3_free(q);
	int64_t *ids = NULL;
	if (ok && got <= (size_t)cap) {
		for (size_t i = 0; i < got; i++)  /* the buffer has stopped moving */
			c[i].bytes = buf.s ? buf.s + c[i].at : "";
		if (got)  /* qsort of no rows is still given a null base: undefined */
			qsort(c, got, sizeof *c, desc ? cand_desc : cand_asc);
		ids = xcalloc(got + 1, sizeof *ids);
		size_t k = 0;
		for (size_t i = 0; i < got; i++)
			if (!k || ids[k - 1] != c[i].id)
				ids[k++] = c[i].id;
		*n = k;
	}
	sb_free(&buf);
	free(c);
	return ids;
}

/* Whether every character of word may be in a value of a numeric column. */
static bool numeric_chars(const char *word)
{
	return word[strspn(word, "0123456789.-+eE")] == '\0';
}

/* Whether every character of word is one some number holds. */
static bool in_number_alphabet(sqlite3 *db, const struct ledger_def *d, const uint32_t *cp,
			       const size_t *start, size_t n, const char *word)
{
	(void)cp;
	for (size_t i = 0; i < n; i++) {
		char *k = lowered(word + start[i], start[i + 1] - start[i]);
		char *sql = sqlite3_mprintf("SELECT count(*) FROM ledger_key WHERE tbl = %Q AND col = 'number'"
					    " AND key = %Q AND value = ''", d->table, k);
		int64_t has = one_int(db, sql);
		sqlite3_free(sql);
		free(k);
		if (has == 0)
			return false;
	}
	return true;
}

/* A LIKE pattern matching word anywhere, its % _ and \ escaped (ESCAPE '\'). Caller frees. */
char *ledger_like_pattern(const char *word)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, "%");
	for (const char *p = word; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			sb_append(&sb, "\\");
		sb_append_n(&sb, p, 1);
	}
	sb_append(&sb, "%");
	return sb_take(&sb);
}

/* How many numbers hold gram (ledger_numgram), through q (reg, gram) prepared once
 * for all the word's grams. */
static int64_t gram_count(sqlite3_stmt *q, int64_t reg, int64_t gram)
{
	sqlite3_bind_int64(q, 1, reg);
	sqlite3_bind_int64(q, 2, gram);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	return n;
}

/* The SQL of the records whose number may hold a word of n >= 3 characters: the
 * postings of its three rarest grams merged (few false candidates: a list walking its
 * order against them would look for ones that never match); "" when a gram is in no
 * number; NULL when every gram is too common to have postings. */
static char *number_candidates(sqlite3 *db, int64_t reg, const uint32_t *cp, size_t n)
{
	int64_t g[3] = { 0 }, c[3] = { PRUNE + 1, PRUNE + 1, PRUNE + 1 };
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT n FROM ledger_numgram WHERE reg = ?1 AND gram = ?2", -1, &q, NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return NULL;
	}
	for (size_t i = 0; i + 3 <= n; i++) {
		int64_t gram = gram3(cp + i), k = gram_count(q, reg, gram);
		if (k == 0) {
			sqlite3_finalize(q);
			return xstrdup("");
		}
		if (gram == g[0] || gram == g[1] || gram == g[2] || k >= c[2])
			continue;
		size_t at = 2;  /* kept in ascending count */
		for (; at > 0 && k < c[at - 1]; at--)
			g[at] = g[at - 1], c[at] = c[at - 1];
		g[at] = gram, c[at] = k;
	}
	sqlite3_finalize(q);
	if (c[0] > PRUNE)
		return NULL;
	struct strbuf sb = { 0 };
	sb_append(&sb, "SELECT * FROM (");
	for (size_t i = 0; i < 3 && c[i] <= PRUNE; i++)
		sb_appendf(&sb, "%sSELECT rec AS cid FROM ledger_numkey WHERE reg = %lld AND gram = %lld",
			   i ? " INTERSECT " : "", (long long)reg, (long long)g[i]);
	/* ORDER BY lets SQLite merge the postings, each already in rec order */
	sb_append(&sb, " ORDER BY 1)");
	return sb_take(&sb);
}

/* The list order's column as SQL ("\"date\"", or id), from d->order ("\"date\" DESC"). Caller frees. */
static char *order_sql(const struct ledger_def *d, bool *desc)
{
	const char *o = d->order ? d->order : "id DESC";
	const char *sp = strrchr(o, ' ');
	*desc = sp && strcmp(sp + 1, "DESC") == 0;
	return sp ? xstrndup(o, (size_t)(sp - o)) : xstrdup(o);
}

/* The SQL of one word's candidates (a UNION of each place it may be), NULL when a
 * place cannot be narrowed (a short word of number characters, a numeric column).
 * Each candidate comes with its list-order key ord (the SQL of the order column) as a
 * second column, read from the covering indexes of the ref and search columns, which
 * end in the order column (ledger-store.c). */
static char *word_candidates(sqlite3 *db, const struct ledger_def *d, int64_t reg, const char *word,
			     const char *union_, const char *ord)
{
	uint32_t cp[MAXCHARS];
	size_t start[MAXCHARS + 1];
	size_t n = split_chars(word, cp, start, MAXCHARS);
	if (n == 0 || word[start[n]])
		return NULL;
	struct strbuf sb = { 0 };
	bool open = false;
	char *num = NULL;  /* read last: a part past the cap ends the read before the merge */
	if (n >= 3) {
		num = number_candidates(db, reg, cp, n);
		open = !num;
	} else if (in_number_alphabet(db, d, cp, start, n, word)) {
		open = true;
	}
	char *low = lowered(word, strlen(word));
	char *key = xstrndup(low, start[n < 3 ? n : 3]);
	char *pat = ledger_like_pattern(word);
	char *sel = sqlite3_mprintf("SELECT id AS cid, %s AS ord", ord);
	for (size_t i = 0; !open && i < d->nsearch; i++) {
		const struct field_def *f = search_field(d, i);
		if (!f)
			continue;
		const char *glue = sb.len ? union_ : "";
		char *part = NULL;
		switch (field_source(f)) {
		case SRC_TEXT:
			part = sqlite3_mprintf("%s FROM \"%w\" WHERE \"%w\" IN (SELECT value FROM ledger_key"
					       " WHERE tbl = %Q AND col = %Q AND key = %Q AND value LIKE %Q ESCAPE '\\')",
					       sel, d->table, f->name, d->table, f->name, key, pat);
			break;
		case SRC_RESIDENT:
			part = sqlite3_mprintf("%s FROM \"%w\" WHERE \"%w\" IN (SELECT resident_id FROM resident_key"
					       " WHERE (key >= 'n:' || %Q AND key < 'n:' || %Q || char(1114111))"
					       " OR (key >= 'p:' || lower(%Q) AND key < 'p:' || lower(%Q) || char(1114111)))",
					       sel, d->table, f->name, word, word, word, word);
			break;
		case SRC_HOUSEHOLD:
			part = sqlite3_mprintf("%s FROM \"%w\" WHERE \"%w\" IN (SELECT id FROM household"
					       " WHERE hh_no >= %Q AND hh_no < %Q || char(1114111))",
					       sel, d->table, f->name, word, word);
			break;
		case SRC_OTHER:
			open = numeric_chars(word);
			break;
		}
		if (part)
			sb_appendf(&sb, "%s%s", glue, part);
		sqlite3_free(part);
	}
	if (!open && num && *num)  /* a number's key read from its record (IN: the grams still merge) */
		sb_appendf(&sb, "%s%s FROM \"%s\" WHERE id IN (%s)", sb.len ? union_ : "", sel, d->table, num);
	free(num);
	sqlite3_free(sel);
	free(pat);
	free(key);
	free(low);
	if (open) {
		sb_free(&sb);
		return NULL;
	}
	if (!sb.len)
		sb_append(&sb, "SELECT NULL AS cid, NULL AS ord WHERE 0");
	return sb_take(&sb);
}

static bool index_on = true;
static int64_t drive = 500;

void ledger_index_set_drive(int64_t n)
{
	drive = n;
}

int64_t ledger_index_drive(void)
{
	return drive;
}

void ledger_index_use(bool on)
{
	index_on = on;
}

/* ids as SQL yielding them in that order, one JSON string: it parses in one token
 * where a VALUES list of thousands would not. */
static char *ids_sql(const int64_t *ids, size_t n)
{
	char *json = ids_json(ids, n);
	char *sql = xasprintf("SELECT value AS cid FROM json_each('%s')", json);
	free(json);
	return sql;
}

char *ledger_index_candidates(sqlite3 *db, const struct ledger_def *d, char *const words[], size_t n,
			      int64_t cap, int64_t *count, size_t want, char **first)
{
	if (first)
		*first = NULL;
	if (!index_on)
		return NULL;
	int64_t done;
	int64_t reg = reg_state(db, d, &done);
	if (reg < 0 || !ledger_index_current(db, d))
		return NULL;
	bool desc;
	char *ord = order_sql(d, &desc);
	int64_t *best = NULL, best_count = cap + 1;
	for (size_t i = 0; i < n && best_count > 0; i++) {
		/* read as UNION ALL: it stops at cap, where UNION would gather every row */
		char *sql = word_candidates(db, d, reg, words[i], " UNION ALL ", ord);
		size_t got = 0;
		int64_t *ids = sql ? candidate_ids(db, sql, desc, cap, &got) : NULL;
		if (ids && (int64_t)got < best_count) {
			free(best);
			best = ids, best_count = (int64_t)got;
		} else {
			free(ids);
		}
		free(sql);
	}
	free(ord);
	*count = best_count;
	if (!best)
		return NULL;
	/* too many to read and sort whole: a page needs its first ones in order */
	if (first && want && best_count > drive && (int64_t)want < best_count)
		*first = ids_sql(best, want);
	/* the ids already read: the union (a household's records, a number's grams
	 * merged) is not run a second time by the list */
	char *out = ids_sql(best, (size_t)best_count);
	free(best);
	return out;
}

/* ---- check ---- */

int ledger_index_check(sqlite3 *db, const struct ledger_def *d, struct strbuf *report)
{
	int64_t done;
	if (reg_state(db, d, &done) < 0)
		done = 0;
	char *sql = sqlite3_mprintf("SELECT coalesce(max(id), 0) FROM \"%w\"", d->table);
	int64_t top = one_int(db, sql);
	sqlite3_free(sql);
	int count = 0;
	if (top > done) {
		sb_appendf(report, _("%s: the search index covers records up to %lld of %lld (it catches up at the next list)\n"),
			   d->table, (long long)done, (long long)top);
		count++;
	}
	for (size_t i = 0; i < d->nsearch; i++) {
		const struct field_def *f = search_field(d, i);
		if (!f || field_source(f) != SRC_TEXT)
			continue;
		sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" t WHERE id <= %lld AND \"%w\" IS NOT NULL AND NOT EXISTS"
				      " (SELECT 1 FROM ledger_key k WHERE k.tbl = %Q AND k.col = %Q AND k.key = ''"
				      " AND k.value = t.\"%w\")", d->table, (long long)done, f->name, d->table,
				      f->name, f->name);
		int64_t missing = one_int(db, sql);
		sqlite3_free(sql);
		if (missing > 0) {
			sb_appendf(report, _("%s: %lld values of %s are missing from the search index\n"), d->table,
				   (long long)missing, f->name);
			count++;
		}
	}
	return count;
}
