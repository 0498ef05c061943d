/* changeset-map: an SQLite changeset written again column by column (changeset-map.h). */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "changeset-map.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util.h"

/* SQLite's varint: 7 bits a byte, most significant first, the ninth byte whole. */
static void put_varint(struct strbuf *out, uint64_t v)
{
	unsigned char buf[10];
	if (v & ((uint64_t)0xff000000 << 32)) {
		buf[8] = (unsigned char)v;
		v >>= 8;
		for (int i = 7; i >= 0; i--) {
			buf[i] = (unsigned char)((v & 0x7f) | 0x80);
			v >>= 7;
		}
		sb_append_n(out, (const char *)buf, 9);
		return;
	}
	unsigned char rev[10];
	int n = 0;
	do {
		rev[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v);
	rev[0] &= 0x7f;
	for (int i = 0; i < n; i++)
		buf[i] = rev[n - 1 - i];
	sb_append_n(out, (const char *)buf, (size_t)n);
}

static void put_u64(struct strbuf *out, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
	sb_append_n(out, (const char *)b, 8);
}

/* One field: v NULL is "undefined" (an update's column it does not change). */
static void put_value(struct strbuf *out, sqlite3_value *v)
{
	if (!v) {
		sb_append_n(out, "\0", 1);
		return;
	}
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		sb_append_n(out, "\1", 1);
		put_u64(out, (uint64_t)sqlite3_value_int64(v));
		return;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(v);
		uint64_t bits;
		memcpy(&bits, &d, sizeof bits);
		sb_append_n(out, "\2", 1);
		put_u64(out, bits);
		return;
	}
	case SQLITE_TEXT:
	case SQLITE_BLOB: {
		bool text = sqlite3_value_type(v) == SQLITE_TEXT;
		const void *p = text ? (const void *)sqlite3_value_text(v) : sqlite3_value_blob(v);
		int len = sqlite3_value_bytes(v);
		sb_append_n(out, text ? "\3" : "\4", 1);
		put_varint(out, (uint64_t)len);
		if (len)
			sb_append_n(out, p, (size_t)len);
		return;
	}
	default:
		sb_append_n(out, "\5", 1);
	}
}

typedef int (*value_fn)(sqlite3_changeset_iter *, int, sqlite3_value **);

/* A record of the change in the map's columns. whole: an insert's or a delete's,
 * every field defined (NULL where the change has no such column). */
static void put_record(struct strbuf *out, sqlite3_changeset_iter *it, value_fn fn, int ncol,
		       const struct changeset_map *m, bool whole)
{
	for (size_t j = 0; j < m->ncols; j++) {
		int i = m->from[j];
		sqlite3_value *v = NULL;
		if (i >= 0 && i < ncol)
			fn(it, i, &v);
		if ((v && (int)j == m->blank) || (!v && whole))
			sb_append_n(out, "\5", 1);   /* NULL: blanked, or a column the change has not */
		else
			put_value(out, v);
	}
}

/* A table written as it is: column i from column i. */
struct identity {
	struct changeset_map map;
	int *from;
	unsigned char *pk;
};

static const struct changeset_map *identity_of(struct identity *id, sqlite3_changeset_iter *it, int ncol)
{
	unsigned char *pk;
	int npk;
	sqlite3changeset_pk(it, &pk, &npk);
	free(id->from);
	free(id->pk);
	id->from = xcalloc((size_t)ncol + 1, sizeof *id->from);
	id->pk = xcalloc((size_t)ncol + 1, 1);
	for (int i = 0; i < ncol; i++)
		id->from[i] = i, id->pk[i] = i < npk ? pk[i] : 0;
	id->map = (struct changeset_map){ .ncols = (size_t)ncol, .pk = id->pk, .from = id->from, .blank = -1 };
	return &id->map;
}

int changeset_remap(const void *changeset, int n, changeset_map_fn find, void *ctx, void **out, int *nout)
{
	sqlite3_changeset_iter *it;
	*out = NULL;
	*nout = 0;
	if (sqlite3changeset_start(&it, n, (void *)changeset) != SQLITE_OK)
		return -1;
	struct strbuf sb = { 0 };
	struct identity same = { 0 };
	char *last = NULL;
	const struct changeset_map *m = NULL;
	while (sqlite3changeset_next(it) == SQLITE_ROW) {
		const char *tbl;
		int ncol, op, indirect;
		sqlite3changeset_op(it, &tbl, &ncol, &op, &indirect);
		if (!last || strcmp(tbl, last) != 0) {   /* a table's changes come together, after its header */
			free(last);
			last = xstrdup(tbl);
			m = find(ctx, tbl);
			if (!m)
				m = identity_of(&same, it, ncol);
			sb_append_n(&sb, "T", 1);
			put_varint(&sb, m->ncols);
			sb_append_n(&sb, (const char *)m->pk, m->ncols);
			sb_append_n(&sb, tbl, strlen(tbl) + 1);
		}
		char head[2] = { (char)op, (char)indirect };
		sb_append_n(&sb, head, 2);
		if (op != SQLITE_INSERT)
			put_record(&sb, it, sqlite3changeset_old, ncol, m, op == SQLITE_DELETE);
		if (op != SQLITE_DELETE)
			put_record(&sb, it, sqlite3changeset_new, ncol, m, op == SQLITE_INSERT);
	}
	free(last);
	free(same.from);
	free(same.pk);
	if (sqlite3changeset_finalize(it) != SQLITE_OK) {
		sb_free(&sb);
		return -1;
	}
	*nout = (int)sb.len;
	*out = sb_take(&sb);
	return 0;
}
