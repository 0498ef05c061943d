/* household: the households' queries and their multi-row rules (the head, moving a
 * member), each change one transaction through store_update. */
#include "household.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "resident.h"
#include "rowset.h"
#include "transfer.h"
#include "store.h"
#include "util.h"

/* The first column of a one-row query with one integer parameter; 0 when no row. */
static int64_t query_int(struct store *st, const char *sql, int64_t arg)
{
	char *v = rowset_value(st, sql, "l", arg);
	int64_t n = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return n;
}

const char household_heads_misplaced_sql[] =
	"SELECT h.id, h.head_id FROM household h JOIN resident m ON m.id = h.head_id"
	" WHERE m.household_id IS NOT h.id AND (?1 IS NULL OR h.id = ?1)";

/* Whether household hh (0: none) keeps the stored half of the rule after a change;
 * *err names the fault when it does not. */
static bool head_lives_in(struct store *st, int64_t hh, char **err)
{
	struct rowset r = { 0 };
	if (!hh || rowset_select(st, &r, NULL, household_heads_misplaced_sql, "l", hh) != 0)
		return true;
	bool ok = r.n == 0;
	if (!ok)
		*err = xasprintf(_("household %lld head_id: resident %lld is not a member of this household"),
				 (long long)rowset_int(&r, 0, 0), (long long)rowset_int(&r, 0, 1));
	rowset_free(&r);
	return ok;
}

bool household_relation_is_head(const char *relation)
{
	return relation && strcmp(relation, HOUSEHOLD_HEAD_RELATION) == 0;
}

bool household_head_taken(int64_t head, int64_t who, const char *relation)
{
	return household_relation_is_head(relation) && head != 0 && head != who;
}

int64_t household_head(struct store *st, int64_t hh)
{
	return query_int(st, "SELECT head_id FROM household WHERE id = ?1", hh);
}

bool household_exists(struct store *st, int64_t hh)
{
	return query_int(st, "SELECT count(*) FROM household WHERE id = ?1", hh) > 0;
}

int64_t household_by_number(struct store *st, const char *hh_no)
{
	if (!hh_no)
		return 0;
	char *v = rowset_value(st, "SELECT id FROM household WHERE hh_no = ?1", "t", hh_no);
	int64_t hh = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return hh;
}

long household_member_count(struct store *st, int64_t hh)
{
	return (long)query_int(st, "SELECT count(*) FROM resident WHERE household_id = ?1", hh);
}

char *household_text(struct store *st, int64_t hh)
{
	struct rowset r = { 0 };
	if (rowset_select(st, &r, NULL, "SELECT h.hh_no, h.address, r.name FROM household h"
			  " LEFT JOIN resident r ON r.id = h.head_id WHERE h.id = ?1", "l", hh) != 0)
		return NULL;
	char *text = !r.n ? xstrdup(_("(no such household)"))
		: *rowset_text(&r, 0, 2)
		? xasprintf(_("%s %s (head: %s)"), rowset_text(&r, 0, 0), rowset_text(&r, 0, 1), rowset_text(&r, 0, 2))
		: xasprintf("%s %s", rowset_text(&r, 0, 0), rowset_text(&r, 0, 1));
	rowset_free(&r);
	return text;
}

int household_members(struct store *st, int64_t hh, size_t offset, size_t limit,
		      struct household_member **out, size_t *n, char **err)
{
	struct rowset r = { 0 };
	*out = NULL;
	*n = 0;
	if (rowset_select(st, &r, err, "SELECT id, name, relation, id_number, birth_date, living_status FROM resident"
			  " WHERE household_id = ?1 ORDER BY relation IS NOT '" HOUSEHOLD_HEAD_RELATION "',"
			  " relation, birth_date, id LIMIT ?2 OFFSET ?3",
			  "lll", hh, (int64_t)limit, (int64_t)offset) != 0)
		return -1;
	*out = xcalloc(r.n ? r.n : 1, sizeof **out);
	for (size_t i = 0; i < r.n; i++)
		(*out)[i] = (struct household_member){ .id = rowset_int(&r, i, 0),
			.name = xstrdup(rowset_text(&r, i, 1)), .relation = xstrdup(rowset_text(&r, i, 2)),
			.id_number = xstrdup(rowset_text(&r, i, 3)), .birth_date = xstrdup(rowset_text(&r, i, 4)),
			.living_status = xstrdup(rowset_text(&r, i, 5)) };
	*n = r.n;
	rowset_free(&r);
	return 0;
}

void household_members_free(struct household_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].relation);
		free(m[i].id_number);
		free(m[i].birth_date);
		free(m[i].living_status);
	}
	free(m);
}

/* Sets one column of one row through the audited write path. */
static int set_column(struct store *st, const char *table, int64_t id, const char *column,
		      const char *value, const char *reason, char **err)
{
	struct store_field f[] = { { column, value } };
	return store_update(st, table, id, f, 1, reason, err);
}

/* Ends the transaction a change began: committed when rc is 0, else rolled back. */
static int finish(struct store *st, int rc, char **err)
{
	if (rc == 0)
		rc = store_commit(st, err);
	if (rc != 0)
		store_rollback(st);
	return rc;
}

/* Why new_head cannot become the head of hh with the former head taking
 * former_relation, or NULL. Borrowed, translated. */
static const char *change_head_refusal(struct store *st, int64_t hh, int64_t new_head, int64_t old,
				       const char *former_relation)
{
	if (!household_exists(st, hh))
		return _("There is no such household.");
	if (new_head == old)
		return _("This member is already the head of the household.");
	if (resident_household(st, new_head) != hh)
		return _("The resident is not a member of this household.");
	if (old && (!former_relation || !*former_relation))
		return _("Choose the former head's new relation.");
	if (old && household_relation_is_head(former_relation))
		return _("A household has one head: choose another relation for the former head.");
	return NULL;
}

int household_change_head(struct store *st, int64_t hh, int64_t new_head, const char *former_relation,
			  char **err)
{
	int64_t old = household_head(st, hh);
	const char *refusal = change_head_refusal(st, hh, new_head, old, former_relation);
	if (refusal) {
		*err = xstrdup(refusal);
		return -1;
	}
	char head[24];
	snprintf(head, sizeof head, "%lld", (long long)new_head);
	const char *reason = _("change of the head of household");
	int rc = store_begin(st, err);
	if (rc != 0)
		return -1;
	if (old)
		rc = set_column(st, "resident", old, "relation", former_relation, reason, err);
	if (rc == 0)
		rc = set_column(st, "resident", new_head, "relation", HOUSEHOLD_HEAD_RELATION, reason, err);
	if (rc == 0)
		rc = set_column(st, "household", hh, "head_id", head, reason, err);
	if (rc == 0 && !head_lives_in(st, hh, err))
		rc = -1;
	return finish(st, rc, err);
}

const char *household_move_refusal(struct store *st, int64_t resident, int64_t to, const char *relation)
{
	int64_t from = resident_household(st, resident);
	if (from && household_head(st, from) == resident && household_member_count(st, from) > 1)
		return _("Make another member the head first (F5), then move this one.");
	if (to == 0)
		return NULL;
	if (!household_exists(st, to))
		return _("There is no such household.");
	if (to == from)
		return _("The member already belongs to this household.");
	if (relation && household_head_taken(household_head(st, to), resident, relation))
		return _("That household has a head already: choose another relation.");
	return NULL;
}

int household_move_member(struct store *st, int64_t resident, int64_t to, const char *relation, char **err)
{
	char *left = transfer_left_refusal(st, resident);   /* moved to another village: theirs now */
	if (left) {
		*err = left;
		return -1;
	}
	const char *refusal = household_move_refusal(st, resident, to, relation);
	if (!refusal && to == 0)
		refusal = _("There is no such household.");
	if (!refusal && (!relation || !*relation))
		refusal = _("Choose the relation to the head of the new household.");
	if (refusal) {
		*err = xstrdup(refusal);
		return -1;
	}
	int64_t from = resident_household(st, resident);
	bool was_head = from && household_head(st, from) == resident;
	char hv[24], self[24];
	snprintf(hv, sizeof hv, "%lld", (long long)to);
	snprintf(self, sizeof self, "%lld", (long long)resident);
	const char *reason = _("moved to another household");
	struct store_field f[] = { { "household_id", hv }, { "relation", relation } };
	int rc = store_begin(st, err);
	if (rc != 0)
		return -1;
	rc = store_update(st, "resident", resident, f, 2, reason, err);
	if (rc == 0 && was_head)
		rc = set_column(st, "household", from, "head_id", NULL, reason, err);
	if (rc == 0 && household_relation_is_head(relation))
		rc = set_column(st, "household", to, "head_id", self, reason, err);
	if (rc == 0 && (!head_lives_in(st, from, err) || !head_lives_in(st, to, err)))
		rc = -1;
	return finish(st, rc, err);
}

int household_claim_head(struct store *st, const char *hh, int64_t resident, const char *relation,
			 char **err)
{
	if (!hh || !household_relation_is_head(relation))
		return 0;
	char *id = rowset_value(st, "SELECT id FROM household WHERE id = ?1 AND head_id IS NULL", "t", hh);
	int rc = 0;
	if (id) {
		char head[24];
		snprintf(head, sizeof head, "%lld", (long long)resident);
		rc = set_column(st, "household", strtoll(id, NULL, 10), "head_id", head, NULL, err);
	}
	free(id);
	return rc;
}

char *household_grid_text(struct store *st, int64_t grid)
{
	return rowset_value(st, "SELECT g.name || ' ' || v.name FROM grid g JOIN village v ON v.id = g.village_id"
			    " WHERE g.id = ?1", "l", grid);
}

int household_grids(struct store *st, const char *query, size_t offset, size_t limit,
		    struct household_grid **out, size_t *n, char **err)
{
	struct rowset r = { 0 };
	*out = NULL;
	*n = 0;
	if (rowset_select(st, &r, err, "SELECT g.id, g.code, g.name, v.name FROM grid g JOIN village v ON v.id = g.village_id"
			  " WHERE ?1 = '' OR instr(g.name, ?1) > 0 OR instr(v.name, ?1) > 0 OR g.code LIKE ?1 || '%'"
			  " ORDER BY v.code, g.code LIMIT ?2 OFFSET ?3",
			  "tll", query ? query : "", (int64_t)limit, (int64_t)offset) != 0)
		return -1;
	*out = xcalloc(r.n ? r.n : 1, sizeof **out);
	for (size_t i = 0; i < r.n; i++)
		(*out)[i] = (struct household_grid){ .id = rowset_int(&r, i, 0), .code = xstrdup(rowset_text(&r, i, 1)),
			.name = xstrdup(rowset_text(&r, i, 2)), .village = xstrdup(rowset_text(&r, i, 3)) };
	*n = r.n;
	rowset_free(&r);
	return 0;
}

void household_grids_free(struct household_grid *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].code);
		free(g[i].name);
		free(g[i].village);
	}
	free(g);
}

char *household_number(struct store *st, int64_t hh)
{
	return rowset_value(st, "SELECT hh_no FROM household WHERE id = ?1", "l", hh);
}
