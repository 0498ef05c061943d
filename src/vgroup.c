/* vgroup: the villagers' groups (村民小组) of each village, kept in a table so that a
 * household's group is one of them on every path (form, import, check).
 *
 * Which village a household belongs to is its grid's; a household without a grid
 * belongs to the village of a register that has only one. HH_IN_VILLAGE says so in
 * SQL, for the counts, renames and moves here. */
#include "vgroup.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "i18n.h"
#include "rowset.h"
#include "text.h"
#include "util.h"

#define NAME_MAX_CHARS 50

/* The households h of village ?1 (a grid-less one when the register has one village). */
#define HH_IN_VILLAGE \
	"(h.grid_id IN (SELECT g.id FROM grid g WHERE g.village_id = ?1)" \
	" OR (h.grid_id IS NULL AND (SELECT count(*) FROM village) = 1))"

const char vgroup_schema_v1[] =
	"CREATE TABLE village_group (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  village_id INTEGER NOT NULL REFERENCES village(id),\n"
	"  name TEXT NOT NULL CHECK (length(trim(name)) > 0 AND length(name) <= 50),\n"
	"  sort INTEGER NOT NULL DEFAULT 0,\n"
	"  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),\n"
	"  UNIQUE (village_id, name)\n"
	");\n"
	/* each village's groups from what its households hold, numbered groups in
	 * their number's order (2组 before 10组) */
	"INSERT INTO village_group (village_id, name, sort)\n"
	"  SELECT village_id, name, row_number() OVER (PARTITION BY village_id\n"
	"      ORDER BY CAST(name AS INTEGER) = 0, CAST(name AS INTEGER), name)\n"
	"  FROM (SELECT g.village_id AS village_id, h.village_group AS name\n"
	"          FROM household h JOIN grid g ON g.id = h.grid_id\n"
	"         WHERE trim(h.village_group) <> '' AND length(h.village_group) <= 50\n"
	"        UNION\n"
	"        SELECT v.id, h.village_group FROM household h, village v\n"
	"         WHERE h.grid_id IS NULL AND trim(h.village_group) <> ''\n"
	"           AND length(h.village_group) <= 50 AND (SELECT count(*) FROM village) = 1)\n"
	"  ORDER BY 1, 3;\n";

int vgroup_audit_migrated(sqlite3 *db, char **err)
{
	sqlite3_stmt *stmt = NULL;
	long long first = 0, last = 0, count = 0;
	if (sqlite3_prepare_v2(db, "SELECT min(id), max(id), count(*) FROM village_group", -1, &stmt, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW) {
		first = sqlite3_column_int64(stmt, 0);
		last = sqlite3_column_int64(stmt, 1);
		count = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (count == 0)
		return 0;
	char at[32];
	store_now(at);
	char *after = xasprintf("{\"first\":%lld,\"last\":%lld,\"count\":%lld}", first, last, count);
	struct audit_entry e = {
		.at = at, .tbl = "village_group", .row_id = first, .action = "bulk", .after = after,
		.reason = _("schema migration: the villagers' groups the households named"),
	};
	int rc = audit_append(db, &e, NULL);
	free(after);
	if (rc != 0)
		set_error(err, "%s: %s", "village_group", sqlite3_errmsg(db));
	return rc;
}

/* The first column of a one-row query as an integer, 0 when there is no row. */
static int64_t value_int(char *v)
{
	int64_t n = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return n;
}

char *vgroup_register_title(struct store *st)
{
	return rowset_value(st, "SELECT t.name || ' ' || v.name FROM village v JOIN town t ON t.id = v.town_id"
			    " ORDER BY v.id LIMIT 1", NULL);
}

int vgroup_list(struct store *st, int64_t village_id, struct vgroup **out, size_t *n, char **err)
{
	struct rowset r = { 0 };
	*out = NULL;
	*n = 0;
	if (rowset_select(st, &r, err,
			  "SELECT vg.id, vg.name, vg.active, coalesce(c.n, 0) FROM village_group vg"
			  " LEFT JOIN (SELECT h.village_group AS name, count(*) AS n FROM household h"
			  "   WHERE " HH_IN_VILLAGE " GROUP BY 1) c ON c.name = vg.name"
			  " WHERE vg.village_id = ?1 ORDER BY vg.sort, vg.name", "l", village_id) != 0)
		return -1;
	*out = xcalloc(r.n ? r.n : 1, sizeof **out);
	for (size_t i = 0; i < r.n; i++)
		(*out)[i] = (struct vgroup){ .id = rowset_int(&r, i, 0), .name = xstrdup(rowset_text(&r, i, 1)),
			.active = rowset_int(&r, i, 2) != 0, .households = (int)rowset_int(&r, i, 3) };
	*n = r.n;
	rowset_free(&r);
	return 0;
}

void vgroup_list_free(struct vgroup *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].name);
	free(g);
}

/* The name without surrounding spaces (ASCII or ideographic), or NULL with *err when
 * it is empty or too long. Caller frees. */
static char *clean_name(const char *typed, char **err)
{
	size_t n;
	wchar_t *ws = text_to_wcs(typed ? typed : "", &n);
	size_t start = 0;
	while (start < n && (ws[start] == L' ' || ws[start] == L'\t' || ws[start] == 0x3000))
		start++;
	while (n > start && (ws[n - 1] == L' ' || ws[n - 1] == L'\t' || ws[n - 1] == 0x3000))
		n--;
	char *name = text_from_wcs(ws + start, n - start);
	free(ws);
	if (!*name)
		set_error(err, "%s", _("a group needs a name"));
	else if (n - start > NAME_MAX_CHARS)
		set_error(err, _("a group's name has at most %d characters"), NAME_MAX_CHARS);
	else
		return name;
	free(name);
	return NULL;
}

/* The village and name of group id; false with *err when there is none. */
static bool group_of(struct store *st, int64_t id, int64_t *village, char **name, bool *active, char **err)
{
	struct rowset r = { 0 };
	if (rowset_select(st, &r, err, "SELECT village_id, name, active FROM village_group WHERE id = ?1", "l", id) != 0)
		return false;
	bool found = r.n > 0;
	if (found) {
		*village = rowset_int(&r, 0, 0);
		*name = xstrdup(rowset_text(&r, 0, 1));
		*active = rowset_int(&r, 0, 2) != 0;
	} else {
		set_error(err, _("there is no group %lld"), (long long)id);
	}
	rowset_free(&r);
	return found;
}

/* The id of the village's group called name, 0 when it has none. */
static int64_t group_named(struct store *st, int64_t village, const char *name)
{
	return value_int(rowset_value(st, "SELECT id FROM village_group WHERE village_id = ?1 AND name = ?2", "lt",
				      village, name));
}

int vgroup_add(struct store *st, int64_t village_id, const char *name, int64_t *id, char **err)
{
	char *clean = clean_name(name, err);
	if (!clean)
		return -1;
	int rc = -1;
	if (group_named(st, village_id, clean)) {
		set_error(err, _("the village already has a group %s"), clean);
	} else if (store_begin(st, err) == 0) {
		char vid[24];
		snprintf(vid, sizeof vid, "%lld", (long long)village_id);
		char *next = rowset_value(st, "SELECT coalesce(max(sort), 0) + 1 FROM village_group WHERE village_id = ?1",
					  "l", village_id);
		const char *sort = next ? next : "1";
		struct store_field f[] = { { "village_id", vid }, { "name", clean }, { "sort", sort }, { "active", "1" } };
		rc = store_insert(st, "village_group", f, ARRAY_LEN(f), id, err);
		if (rc == 0)
			rc = store_commit(st, err);
		else
			store_rollback(st);
		free(next);
	}
	free(clean);
	return rc;
}

int64_t vgroup_village_of(struct store *st, int64_t grid_id, char **name)
{
	struct rowset r = { 0 };
	if (name)
		*name = NULL;
	if (grid_id ? rowset_select(st, &r, NULL, "SELECT v.id, v.name FROM grid g JOIN village v ON v.id = g.village_id"
				    " WHERE g.id = ?1", "l", grid_id)
		    : rowset_select(st, &r, NULL, "SELECT id, name FROM village WHERE (SELECT count(*) FROM village) = 1",
				    NULL))
		return 0;
	int64_t id = r.n ? rowset_int(&r, 0, 0) : 0;
	if (name && r.n)
		*name = xstrdup(rowset_text(&r, 0, 1));
	rowset_free(&r);
	return id;
}

/* How many of the village's households hold name. */
static long households_in(struct store *st, int64_t village, const char *name)
{
	return (long)value_int(rowset_value(st, "SELECT count(*) FROM household h WHERE h.village_group = ?2 AND "
					    HH_IN_VILLAGE, "lt", village, name));
}

/* Moves the village's households from group `from` to `to`, one audited update
 * each; how many in *moved. Inside the caller's transaction. */
static int move_households(struct store *st, int64_t village, const char *from, const char *to,
			   const char *reason, long *moved, char **err)
{
	struct rowset ids = { 0 };
	if (rowset_select(st, &ids, err, "SELECT h.id FROM household h WHERE h.village_group = ?2 AND " HH_IN_VILLAGE
			  " ORDER BY h.id", "lt", village, from) != 0)
		return -1;
	int rc = 0;
	struct store_field f[] = { { "village_group", to } };
	for (size_t i = 0; i < ids.n && rc == 0; i++)
		rc = store_update(st, "household", rowset_int(&ids, i, 0), f, 1, reason, err);
	if (moved)
		*moved = rc == 0 ? (long)ids.n : 0;
	rowset_free(&ids);
	return rc;
}

int vgroup_rename(struct store *st, int64_t id, const char *name, long *moved, char **err)
{
	int64_t village;
	char *old = NULL, *clean = clean_name(name, err);
	bool active;
	int rc = -1;
	if (moved)
		*moved = 0;
	if (!clean || !group_of(st, id, &village, &old, &active, err))
		goto out;
	if (strcmp(old, clean) == 0) {
		rc = 0;
		goto out;
	}
	if (group_named(st, village, clean)) {
		set_error(err, _("the village already has a group %s: deactivate %s and move its households "
				 "there instead"), clean, old);
		goto out;
	}
	if (store_begin(st, err) != 0)
		goto out;
	char *reason = xasprintf(_("group %s renamed %s"), old, clean);
	struct store_field f[] = { { "name", clean } };
	rc = store_update(st, "village_group", id, f, 1, reason, err);
	if (rc == 0)
		rc = move_households(st, village, old, clean, reason, moved, err);
	free(reason);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
out:
	free(old);
	free(clean);
	return rc;
}

/* Sets a group's active flag; the caller holds the transaction. */
static int set_active(struct store *st, int64_t id, bool active, const char *reason, char **err)
{
	struct store_field f[] = { { "active", active ? "1" : "0" } };
	return store_update(st, "village_group", id, f, 1, reason, err);
}

int vgroup_deactivate(struct store *st, int64_t id, int64_t move_to, long *moved, char **err)
{
	int64_t village, to_village = 0;
	char *name = NULL, *to = NULL;
	bool active, to_active = false;
	int rc = -1;
	if (moved)
		*moved = 0;
	if (!group_of(st, id, &village, &name, &active, err))
		goto out;
	if (move_to && (move_to == id || !group_of(st, move_to, &to_village, &to, &to_active, err) ||
			to_village != village || !to_active)) {
		if (err && !*err)
			set_error(err, "%s", _("the households can only move to another active group of the same village"));
		goto out;
	}
	/* none may stay in a group no one can pick any more */
	long in_group = households_in(st, village, name);
	if (!to && in_group > 0) {
		set_error(err, _("%ld households are in %s: choose the group they move to"), in_group, name);
		goto out;
	}
	if (store_begin(st, err) != 0)
		goto out;
	char *reason = to ? xasprintf(_("group %s deactivated, its households moved to %s"), name, to)
			  : xasprintf(_("group %s deactivated"), name);
	long n = 0;
	rc = set_active(st, id, false, reason, err);
	if (rc == 0 && to)
		rc = move_households(st, village, name, to, reason, &n, err);
	free(reason);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (moved && rc == 0)
		*moved = n;
out:
	free(name);
	free(to);
	return rc;
}

int vgroup_activate(struct store *st, int64_t id, char **err)
{
	if (store_begin(st, err) != 0)
		return -1;
	int rc = set_active(st, id, true, NULL, err);
	if (rc == 0)
		return store_commit(st, err);
	store_rollback(st);
	return -1;
}
