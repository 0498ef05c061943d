/* search: classify a query, then walk index ranges until a screenful is found.
 *
 * Every kind of lookup is one range scan, `key >= prefix AND key < successor of
 * prefix`, on resident_key's primary key or on household's hh_no index. The scans of
 * a query run one after another in order of how exact their kind is, and rows are
 * taken lazily (sqlite3_step) until offset + limit distinct residents have been seen,
 * so a screenful costs the same over a thousand residents or a million.
 *
 * Residents come in pinyin order of their names (resident_pinyin, pinyin.h): everyone
 * for an empty query, and names starting with a Chinese query, as walks of that index;
 * the matches of a key scan are put in that order a window of SORTED_WINDOW at a time. */
#include "search.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pinyin.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* digits a tail query needs before it is tried against ID and phone numbers */
#define TAIL_MIN 4

/* ---- the query ---- */

/* One range scan to run: its kind and the key prefix; a name scan of names that start
 * with the query walks resident_pinyin from the query's sort key instead. */
struct scan {
	enum search_kind kind;
	char *prefix;
	unsigned char *start;    /* the sort key of the query, when it walks resident_pinyin, */
	unsigned char *start_end;  /* and the smallest key past those it starts */
	size_t start_len, start_end_len;
};

struct plan {
	struct scan scans[4];
	size_t n;
};

/* The smallest byte string greater than every one that starts with the n bytes of
 * prefix (its length in *end_len; 0 when there is none); caller frees. */
static unsigned char *prefix_end(const void *prefix, size_t n, size_t *end_len)
{
	unsigned char *end = xmalloc(n + 1);
	memcpy(end, prefix, n);
	end[n] = 0;
	while (n > 0 && end[n - 1] == 0xff)
		end[--n] = 0;
	if (n > 0)
		end[n - 1]++;
	*end_len = n;
	return end;
}

static void plan_add(struct plan *pl, enum search_kind kind, const char *kind_prefix, const char *text)
{
	pl->scans[pl->n] = (struct scan){ .kind = kind, .prefix = xasprintf("%s%s", kind_prefix, text) };
	pl->n++;
}

/* Names that start with text, in pinyin order: one range of resident_pinyin. */
static void plan_add_start(struct plan *pl, const char *text)
{
	struct scan *sc = &pl->scans[pl->n];
	*sc = (struct scan){ .kind = SEARCH_NAME };
	sc->start = pinyin_sort_key(text, &sc->start_len);
	sc->start_end = prefix_end(sc->start, sc->start_len, &sc->start_end_len);
	if (sc->start_end_len == 0) {
		/* no key to start from, or none to end at (the walk would not stop) */
		free(sc->start);
		free(sc->start_end);
		return;
	}
	pl->n++;
}

static bool all_chars(const char *s, int (*pred)(int))
{
	for (; *s; s++)
		if (!pred(UCH(*s)))
			return false;
	return true;
}

/* Scans for a query of digits (an X may end it): ID tail, phone tail, 户号 prefix,
 * the kind the query looks most like first. */
static void plan_digits(struct plan *pl, const char *q)
{
	size_t len = strlen(q);
	bool x_end = toupper(UCH(q[len - 1])) == 'X';
	char *id = search_keys_id_text(q);  /* a whole 15-digit number is keyed as its 18 */
	char *phone = xstrdup(q);
	search_keys_reverse(id);
	search_keys_reverse(phone);
	bool tails = len >= TAIL_MIN;
	bool phone_first = !x_end && len == 11 && q[0] == '1';
	if (phone_first)
		plan_add(pl, SEARCH_PHONE_TAIL, "m:", phone);
	if (tails || x_end)
		plan_add(pl, SEARCH_ID_TAIL, "i:", id);
	if (tails && !x_end && !phone_first)
		plan_add(pl, SEARCH_PHONE_TAIL, "m:", phone);
	if (!x_end)
		plan_add(pl, SEARCH_HOUSEHOLD, "", q);
	free(id);
	free(phone);
}

/* Decides what a query looks like and which ranges to scan. */
static void plan_query(struct plan *pl, const char *query)
{
	/* an invisible character pasted with the query would match nothing */
	char *visible = text_strip_format(query ? query : "");
	char *q = text_normalize_ascii(visible);
	free(visible);
	size_t len = strlen(q);
	pl->n = 0;
	bool ascii = true;
	for (const char *p = q; *p; p++)
		ascii = ascii && UCH(*p) < 0x80;
	if (len == 0) {
		pl->scans[pl->n++] = (struct scan){SEARCH_ALL, NULL};
	} else if (!ascii) {
		/* the names it starts, the surname a clerk types first, then the rest */
		plan_add_start(pl, q);
		plan_add(pl, SEARCH_NAME, "n:", q);
	} else if (all_chars(q, isalpha)) {
		/* pinyin initials first; then a Latin name as typed and capitalised (brien
		 * finds O'Brien), name keys keeping the case they were written in */
		char *typed = xstrdup(q), *capital = xstrdup(q);
		capital[0] = (char)toupper(UCH(capital[0]));
		for (char *p = q; *p; p++)
			*p = (char)tolower(UCH(*p));
		plan_add(pl, SEARCH_PINYIN, "p:", q);
		plan_add(pl, SEARCH_NAME, "n:", typed);
		if (strcmp(capital, typed) != 0)
			plan_add(pl, SEARCH_NAME, "n:", capital);
		free(typed);
		free(capital);
	} else if (all_chars(q, isdigit) ||
		   (len > 1 && (q[len - 1] == 'x' || q[len - 1] == 'X') &&
		    strspn(q, "0123456789") == len - 1)) {
		plan_digits(pl, q);
	} else {
		/* letters with digits or signs: a household number, or a Latin name */
		plan_add(pl, SEARCH_HOUSEHOLD, "", q);
		plan_add(pl, SEARCH_NAME, "n:", q);
	}
	free(q);
}

static void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->scans[i].prefix);
		free(pl->scans[i].start);
		free(pl->scans[i].start_end);
	}
	pl->n = 0;
}

/* How many matches of a key scan are put in pinyin order: beyond them the rest follow
 * in key order, so that a query matching half the register costs what a screenful does.
 * Each costs a random read of its resident (about 20 us on a busy machine, 1,000 took a
 * keystroke to 83 ms at 1,000,000 residents). */
#define SORTED_WINDOW 100

/* The SQL of one scan, resident ids in a sensible order, lazily: up to two statements
 * run one after the other with ?1, ?2 the key range and ?3 the window. */
static size_t scan_sql(const struct scan *sc, const char *sql[2])
{
	if (sc->start) {
		sql[0] = "SELECT id FROM resident WHERE sz_name_key(name) >= ?1 AND sz_name_key(name) < ?2"
			 " ORDER BY sz_name_key(name), id";
		return 1;
	}
	switch (sc->kind) {
	case SEARCH_HOUSEHOLD:
		/* the head (relation 02) first, then the family in relation order */
		sql[0] = "SELECT r.id FROM household h JOIN resident r ON r.household_id = h.id"
			 " WHERE h.hh_no >= ?1 AND h.hh_no < ?2 ORDER BY h.hh_no, r.relation";
		return 1;
	case SEARCH_ALL:
		sql[0] = "SELECT id FROM resident ORDER BY sz_name_key(name), id";
		return 1;
	default:
		sql[0] = "SELECT w.resident_id FROM (SELECT resident_id FROM resident_key"
			 " WHERE key >= ?1 AND key < ?2 LIMIT ?3) w JOIN resident r ON r.id = w.resident_id"
			 " ORDER BY sz_name_key(r.name), r.id";
		sql[1] = "SELECT resident_id FROM resident_key WHERE key >= ?1 AND key < ?2 LIMIT -1 OFFSET ?3";
		return 2;
	}
}

/* Resident ids already taken, as an open-addressing hash set. */
struct idset {
	int64_t *slots;
	size_t cap, n;
};

/* Adds id; false when it was already there. */
static bool idset_add(struct idset *s, int64_t id)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct idset bigger = {xcalloc(s->cap ? s->cap * 2 : 64, sizeof(int64_t)),
				       s->cap ? s->cap * 2 : 64, 0};
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i])
				idset_add(&bigger, s->slots[i]);
		free(s->slots);
		*s = bigger;
	}
	size_t i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
	while (s->slots[i]) {
		if (s->slots[i] == id)
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = id;
	s->n++;
	return true;
}

/* Matches gathered so far: ids in order, with the kind that found each. */
struct hits {
	int64_t *ids;
	enum search_kind *kinds;
	size_t n, skip, want;
	struct idset seen;
	sqlite3_stmt *in_village;   /* is ?1 a resident of the filter's village; NULL for any */
};

/* True when the resident is one the search may show: any, or one of the filter's
 * village (through the household's grid). */
static bool hits_in_village(struct hits *h, int64_t id)
{
	if (!h->in_village)
		return true;
	sqlite3_reset(h->in_village);
	sqlite3_bind_int64(h->in_village, 1, id);
	return sqlite3_step(h->in_village) == SQLITE_ROW;
}

/* Binds a scan's range: the sort key's for a walk of resident_pinyin, else the key prefix's. */
static void bind_range(sqlite3_stmt *stmt, const struct scan *sc, unsigned char **end)
{
	size_t end_len = 0;
	if (sc->start) {
		/* both bounds: with one, the walk would go on to the end of the index */
		sqlite3_bind_blob64(stmt, 1, sc->start, sc->start_len, SQLITE_STATIC);
		sqlite3_bind_blob64(stmt, 2, sc->start_end, sc->start_end_len, SQLITE_STATIC);
	} else if (sc->prefix) {
		*end = prefix_end(sc->prefix, strlen(sc->prefix), &end_len);
		sqlite3_bind_text(stmt, 1, sc->prefix, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, (const char *)*end, (int)end_len, SQLITE_STATIC);
	}
	if (sqlite3_bind_parameter_count(stmt) >= 3)
		sqlite3_bind_int(stmt, 3, SORTED_WINDOW);
}

/* Runs one statement of a scan until enough distinct residents are in hand. */
static int run_statement(sqlite3 *db, const char *sql, const struct scan *sc, struct hits *h, char **err)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		if (err)
			*err = xasprintf(_("search failed: %s"), sqlite3_errmsg(db));
		return -1;
	}
	unsigned char *end = NULL;
	bind_range(stmt, sc, &end);
	int rc = SQLITE_DONE;
	while (h->n < h->want && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		if (!idset_add(&h->seen, id) || !hits_in_village(h, id))
			continue;
		if (h->skip > 0) {
			h->skip--;
			continue;
		}
		h->ids[h->n] = id;
		h->kinds[h->n++] = sc->kind;
	}
	if (h->n < h->want && rc != SQLITE_DONE) {
		if (err)
			*err = xasprintf(_("search failed: %s"), sqlite3_errmsg(db));
		sqlite3_finalize(stmt);
		free(end);
		return -1;
	}
	sqlite3_finalize(stmt);
	free(end);
	return 0;
}

/* Runs one scan, its statements in turn, until enough distinct residents are in hand. */
static int run_scan(sqlite3 *db, const struct scan *sc, struct hits *h, char **err)
{
	const char *sql[2];
	size_t n = scan_sql(sc, sql);
	for (size_t i = 0; i < n && h->n < h->want; i++)
		if (run_statement(db, sql[i], sc, h, err) != 0)
			return -1;
	return 0;
}

static char *column_dup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? xstrdup((const char *)s) : NULL;
}

/* Copies a short code column into a fixed buffer, "" when NULL. */
static void column_code(sqlite3_stmt *stmt, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	snprintf(out, size, "%s", s ? (const char *)s : "");
}

/* Reads the list columns of the residents found, in the order found. */
static int fetch_rows(sqlite3 *db, const struct hits *h, struct search_result *out, char **err)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT r.id, coalesce(r.household_id, 0), r.name, r.sex, r.birth_date,"
			       " r.id_number, r.phone, h.hh_no, h.address, r.living_status"
			       " FROM resident r LEFT JOIN household h ON h.id = r.household_id"
			       " WHERE r.id = ?1", -1, &stmt, NULL) != SQLITE_OK) {
		if (err)
			*err = xasprintf(_("search failed: %s"), sqlite3_errmsg(db));
		return -1;
	}
	out->rows = xcalloc(h->n ? h->n : 1, sizeof *out->rows);
	for (size_t i = 0; i < h->n; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, h->ids[i]);
		if (sqlite3_step(stmt) != SQLITE_ROW)
			continue;  /* a stale key: the resident is gone */
		struct resident_row *r = &out->rows[out->n++];
		r->id = sqlite3_column_int64(stmt, 0);
		r->household_id = sqlite3_column_int64(stmt, 1);
		r->name = column_dup(stmt, 2);
		column_code(stmt, 3, r->sex, sizeof r->sex);
		column_code(stmt, 4, r->birth, sizeof r->birth);
		r->id_number = column_dup(stmt, 5);
		r->phone = column_dup(stmt, 6);
		r->hh_no = column_dup(stmt, 7);
		r->address = column_dup(stmt, 8);
		column_code(stmt, 9, r->living, sizeof r->living);
		r->matched = h->kinds[i];
	}
	sqlite3_finalize(stmt);
	return 0;
}

int search_residents(struct store *st, const char *query, size_t offset, size_t limit,
		     struct search_result *out, char **err)
{
	return search_residents_in(st, query, 0, offset, limit, out, err);
}

int search_residents_in(struct store *st, const char *query, int64_t village, size_t offset, size_t limit,
			struct search_result *out, char **err)
{
	out->rows = NULL;
	out->n = 0;
	struct plan pl;
	plan_query(&pl, query);
	struct hits h = {
		.ids = xcalloc(limit ? limit : 1, sizeof(int64_t)),
		.kinds = xcalloc(limit ? limit : 1, sizeof(enum search_kind)),
		.skip = offset,
		.want = limit,
	};
	sqlite3 *db = store_db(st);
	int rc = 0;
	if (village && sqlite3_prepare_v2(db, "SELECT 1 FROM resident r JOIN household h ON h.id = r.household_id"
					  " JOIN grid g ON g.id = h.grid_id WHERE r.id = ?1 AND g.village_id = ?2",
					  -1, &h.in_village, NULL) == SQLITE_OK)
		sqlite3_bind_int64(h.in_village, 2, village);
	for (size_t i = 0; i < pl.n && rc == 0 && h.n < h.want; i++)
		rc = run_scan(db, &pl.scans[i], &h, err);
	sqlite3_finalize(h.in_village);
	if (rc == 0)
		rc = fetch_rows(db, &h, out, err);
	free(h.ids);
	free(h.kinds);
	free(h.seen.slots);
	plan_free(&pl);
	return rc;
}

void search_result_free(struct search_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].name);
		free(r->rows[i].id_number);
		free(r->rows[i].phone);
		free(r->rows[i].hh_no);
		free(r->rows[i].address);
	}
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

/* ---- households ---- */

/* The columns of a household row; h the household, r its head. */
#define HOUSEHOLD_COLUMNS "h.id, h.hh_no, r.name, (SELECT count(*) FROM resident m" \
	" WHERE m.household_id = h.id), h.address"
/* A household matching a text query ?1 by address, head's name or number. */
#define HOUSEHOLD_MATCH "(instr(h.address, ?1) > 0 OR instr(r.name, ?1) > 0 OR instr(h.hh_no, ?1) > 0)"

/* The statements that list households for a query, run one after the other: two. */
static size_t household_sql(const char *query, const char *sql[2])
{
	if (*query == '\0') {
		/* heads in pinyin order (a walk of resident_pinyin), then households without one;
		 * CROSS JOIN keeps resident outside: at a million SQLite chose to scan the
		 * households and sort them all (2 s) */
		sql[0] = "SELECT " HOUSEHOLD_COLUMNS " FROM resident r CROSS JOIN household h ON h.head_id = r.id"
			 " ORDER BY sz_name_key(r.name), r.id";
		sql[1] = "SELECT " HOUSEHOLD_COLUMNS " FROM household h LEFT JOIN resident r ON 0"
			 " WHERE h.head_id IS NULL ORDER BY h.hh_no";
		return 2;
	}
	if (strspn(query, "0123456789") == strlen(query)) {
		/* numbers starting with the digits (an index range), then for four or more
		 * those ending with them: a clerk knows 户号 1012010079 as 0079 */
		sql[0] = "SELECT " HOUSEHOLD_COLUMNS " FROM household h LEFT JOIN resident r ON r.id = h.head_id"
			 " WHERE h.hh_no >= ?1 AND h.hh_no < ?1 || 'z' ORDER BY h.hh_no";
		sql[1] = "SELECT " HOUSEHOLD_COLUMNS " FROM household h LEFT JOIN resident r ON r.id = h.head_id"
			 " WHERE length(?1) >= 4 AND substr(h.hh_no, -length(?1)) = ?1"
			 " AND NOT (h.hh_no >= ?1 AND h.hh_no < ?1 || 'z') ORDER BY h.hh_no";
		return 2;
	}
	/* the first SORTED_WINDOW matches by their heads' pinyin, the rest by number */
	sql[0] = "SELECT " HOUSEHOLD_COLUMNS " FROM (SELECT h.id FROM household h"
		 " LEFT JOIN resident r ON r.id = h.head_id WHERE " HOUSEHOLD_MATCH
		 " ORDER BY h.hh_no LIMIT ?2) w JOIN household h ON h.id = w.id"
		 " LEFT JOIN resident r ON r.id = h.head_id ORDER BY r.name IS NULL, sz_name_key(r.name), h.hh_no";
	sql[1] = "SELECT " HOUSEHOLD_COLUMNS " FROM household h LEFT JOIN resident r ON r.id = h.head_id"
		 " WHERE " HOUSEHOLD_MATCH " ORDER BY h.hh_no LIMIT -1 OFFSET ?2";
	return 2;
}

/* Steps one statement, skipping *skip rows, until out holds want rows. */
static int household_rows(sqlite3_stmt *stmt, sqlite3_stmt *in_village, size_t *skip, size_t want,
			  struct household_result *out)
{
	int rc = SQLITE_DONE;
	while (out->n < want && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (in_village) {   /* the village filter: households of its grids only */
			sqlite3_reset(in_village);
			sqlite3_bind_int64(in_village, 1, sqlite3_column_int64(stmt, 0));
			if (sqlite3_step(in_village) != SQLITE_ROW)
				continue;
		}
		if (*skip > 0) {
			(*skip)--;
			continue;
		}
		struct household_row *row = &out->rows[out->n++];
		row->id = sqlite3_column_int64(stmt, 0);
		row->hh_no = column_dup(stmt, 1);
		row->head = column_dup(stmt, 2);
		row->members = sqlite3_column_int64(stmt, 3);
		row->address = column_dup(stmt, 4);
	}
	return out->n == want || rc == SQLITE_DONE ? 0 : -1;
}

int search_households(struct store *st, const char *query, size_t offset, size_t limit,
		      struct household_result *out, char **err)
{
	return search_households_in(st, query, 0, offset, limit, out, err);
}

int search_households_in(struct store *st, const char *query, int64_t village, size_t offset, size_t limit,
			 struct household_result *out, char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *in_village = NULL;
	if (village && sqlite3_prepare_v2(db, "SELECT 1 FROM household h JOIN grid g ON g.id = h.grid_id"
					  " WHERE h.id = ?1 AND g.village_id = ?2", -1, &in_village, NULL) == SQLITE_OK)
		sqlite3_bind_int64(in_village, 2, village);
	const char *sql[2];
	size_t n = household_sql(query ? query : "", sql), skip = offset;
	out->rows = xcalloc(limit ? limit : 1, sizeof *out->rows);
	out->n = 0;
	for (size_t i = 0; i < n && out->n < limit; i++) {
		sqlite3_stmt *stmt = NULL;
		int rc = sqlite3_prepare_v2(db, sql[i], -1, &stmt, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(stmt, 1, query ? query : "", -1, SQLITE_STATIC);
			sqlite3_bind_int(stmt, 2, SORTED_WINDOW);
			rc = household_rows(stmt, in_village, &skip, limit, out);
		}
		sqlite3_finalize(stmt);
		if (rc != 0) {
			if (err)
				*err = xasprintf(_("search failed: %s"), sqlite3_errmsg(db));
			sqlite3_finalize(in_village);
			return -1;
		}
	}
	sqlite3_finalize(in_village);
	return 0;
}

void household_result_free(struct household_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].hh_no);
		free(r->rows[i].head);
		free(r->rows[i].address);
	}
	free(r->rows);
	*r = (struct household_result){0};
}

const char *search_kind_label(enum search_kind k)
{
	static const char *const labels[] = {
		[SEARCH_NAME] = N_("name"),
		[SEARCH_PINYIN] = N_("pinyin initials"),
		[SEARCH_ID_TAIL] = N_("ID number"),
		[SEARCH_PHONE_TAIL] = N_("phone number"),
		[SEARCH_HOUSEHOLD] = N_("household number"),
		[SEARCH_ALL] = N_("everyone"),
	};
	if ((size_t)k >= ARRAY_LEN(labels))
		return "";
	return _(labels[k]);
}
