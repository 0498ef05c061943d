/* transfer: 迁出 and 迁入 between the villages of a township (see transfer.h). */
#include "transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "civil.h"
#include "household.h"
#include "i18n.h"
#include "idcard.h"
#include "resident.h"
#include "rowset.h"
#include "store.h"
#include "sync.h"
#include "util.h"
#include "village.h"

const char transfer_schema_v1[] =
	"CREATE TABLE transfer (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  resident_id INTEGER NOT NULL REFERENCES resident(id),\n"
	"  leg INTEGER NOT NULL CHECK (leg > 0),\n"
	"  from_village TEXT NOT NULL CHECK (length(from_village) = 12),\n"
	"  from_name TEXT NOT NULL,\n"
	"  to_village TEXT NOT NULL CHECK (length(to_village) = 12 AND to_village <> from_village),\n"
	"  from_household TEXT,\n"
	"  moved_out_on TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  moved_out_by TEXT NOT NULL,\n"
	"  history TEXT NOT NULL CHECK (json_valid(history)),\n"
	"  state TEXT NOT NULL DEFAULT 'out' CHECK (state IN ('out', 'in')),\n"
	"  household_id INTEGER REFERENCES household(id),\n"
	"  moved_in_on TEXT,\n"
	"  moved_in_by TEXT,\n"
	"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  CHECK (state = 'out' OR (household_id IS NOT NULL AND moved_in_on IS NOT NULL))\n"
	");\n"
	"CREATE UNIQUE INDEX transfer_resident ON transfer(resident_id, leg);\n"
	"CREATE INDEX transfer_to ON transfer(to_village, state);\n";

/* This register's village code and name; false when it is not a sync village. */
static bool self_village(struct store *st, char code[16], char **name)
{
	char role[16];
	long long site;
	if (!sync_self(st, role, code, &site) || strcmp(role, "village") != 0)
		return false;
	*name = rowset_value(st, "SELECT name FROM sync_site WHERE self = 1", "");
	if (!*name)
		*name = xstrdup("");
	return true;
}

/* The login of the store's operator ("?" when none), as the transfer row names it. */
static char *operator_login(struct store *st)
{
	char *login = rowset_value(st, "SELECT login FROM operator WHERE id = ?1", "l", store_operator_id(st));
	return login ? login : xstrdup("?");
}

/* A date as typed (YYYY-MM-DD or YYYYMMDD; NULL or "" today) into out; false when it is none. */
static bool date_of(const char *typed, char out[11])
{
	int y, m, d;
	if (!typed || !*typed) {
		store_today(out);
		return true;
	}
	if (strlen(typed) == 8 && strspn(typed, "0123456789") == 8)
		snprintf(out, 11, "%.4s-%.2s-%.2s", typed, typed + 4, typed + 6);
	else
		snprintf(out, 11, "%s", typed);
	return strlen(typed) <= 10 && civil_parse_date(out, &y, &m, &d);
}

bool transfer_here(struct store *st)
{
	char self[16], *self_name = NULL;
	bool yes = self_village(st, self, &self_name);
	free(self_name);
	return yes;
}

char *transfer_out_refusal(struct store *st, int64_t resident, const char *to, bool whole)
{
	char self[16], *self_name = NULL;
	if (!self_village(st, self, &self_name))
		return xstrdup(_("A move to another village goes through the township: this register is not set up "
				 "as a village (shanzhi sync init --village CODE --name NAME)."));
	free(self_name);
	if (to && (!village_code_ok(to, 12) || strncmp(to, self, 9) != 0))
		return xasprintf(_("%s is not the 12-digit code of a village of this township (%.9s)."), to, self);
	if (to && strcmp(to, self) == 0)
		return xstrdup(_("That is this village: choose the village the resident moves to."));
	char *living = rowset_value(st, "SELECT living_status FROM resident WHERE id = ?1", "l", resident);
	char *name = resident_name(st, resident);
	char *why = NULL;
	if (!living)
		why = xstrdup(_("There is no such resident."));
	else if (strcmp(living, "1") != 0)
		why = xasprintf(_("%s is not in the register (在册) here: only a resident in it can move out."), name);
	free(living);
	int64_t hh = why ? 0 : resident_household(st, resident);
	if (hh && !whole && household_head(st, hh) == resident) {
		char *others = rowset_value(st, "SELECT count(*) FROM resident WHERE household_id = ?1 AND id <> ?2"
					    " AND living_status = '1'", "ll", hh, resident);
		if (others && atol(others) > 0)
			why = xasprintf(_("%s heads a household that keeps %s members: make another member the head "
					  "first, or move the whole household."), name, others);
		free(others);
	}
	free(name);
	return why;
}

/* The history that goes with a resident, as JSON: this village, the audit trail of
 * their record (bulk loads that wrote it included), their 便民服务 requests, their
 * roles in mediation cases, and what earlier moves into this village brought. */
static char *history_json(struct store *st, int64_t resident, const char *self, const char *self_name)
{
	static const char sql[] =
		"SELECT json_object('village', ?2, 'village_name', ?3, 'resident', ?1,"
		" 'audit', (SELECT json_group_array(json_object('at', a.at, 'operator', coalesce(o.login, ''),"
		"   'action', a.action, 'before', json(a.before), 'after', json(a.after), 'reason', a.reason))"
		"   FROM (SELECT * FROM audit WHERE tbl = 'resident' AND (row_id = ?1 OR (action = 'bulk'"
		"   AND ?1 BETWEEN row_id AND json_extract(after, '$.last'))) ORDER BY id) a"
		"   LEFT JOIN operator o ON o.id = a.operator_id),"
		" 'services', (SELECT json_group_array(json_object('number', number, 'item', item_code,"
		"   'accepted_on', accepted_on, 'status', status, 'done_on', done_on, 'rating', rating))"
		"   FROM (SELECT * FROM service_request WHERE resident_id = ?1 ORDER BY accepted_on, id)),"
		" 'disputes', (SELECT json_group_array(json_object('case_no', c.case_no, 'received', c.received_date,"
		"   'category', c.category, 'role', p.role, 'outcome', c.outcome))"
		"   FROM dispute_party p JOIN dispute_case c ON c.id = p.case_id WHERE p.resident_id = ?1),"
		" 'earlier', (SELECT json_group_array(json(history)) FROM transfer"
		"   WHERE resident_id = ?1 AND to_village = ?2 AND state = 'in'))";
	return rowset_value(st, sql, "ltt", resident, self, self_name);
}

/* One member's 迁出: out of the household (its head no more), status 迁出, the row. */
static int move_out_one(struct store *st, const struct form_registry *forms, int64_t m, const char *to,
			const char *date, const char *reason, const char *self, const char *self_name,
			int64_t *tid, char **err)
{
	int64_t hh = resident_household(st, m);
	char *hh_no = hh ? rowset_value(st, "SELECT hh_no FROM household WHERE id = ?1", "l", hh) : NULL;
	char *to_name = rowset_value(st, "SELECT name FROM village WHERE code = ?1", "t", to);
	char *where = xasprintf(_("moved to %s %s of this township"), to, to_name ? to_name : "");
	char *status_reason = reason && *reason ? xasprintf(_("%s: %s"), where, reason) : xstrdup(where);
	free(where);   /* the destination in the record's own reason, as a register notes it */
	enum resident_status_field field;
	int rc = 0;
	if (hh && household_head(st, hh) == m) {
		struct store_field h[] = { { "head_id", NULL } };
		rc = store_update(st, "household", hh, h, 1, status_reason, err);
	}
	if (rc == 0)
		rc = resident_set_status(st, forms, m, "2", date, status_reason, &field, err);
	struct store_field f[] = { { "household_id", NULL } };
	if (rc == 0 && hh)
		rc = store_update(st, "resident", m, f, 1, status_reason, err);
	char *on = rc == 0 ? rowset_value(st, "SELECT status_date FROM resident WHERE id = ?1", "l", m) : NULL;
	char *history = rc == 0 ? history_json(st, m, self, self_name) : NULL;
	char *login = operator_login(st), rid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)m);
	/* the resident's moves in order: this village holds every earlier one (they arrived with them) */
	char *leg = rowset_value(st, "SELECT coalesce(max(leg), 0) + 1 FROM transfer WHERE resident_id = ?1", "l", m);
	struct store_field t[] = {
		{ "resident_id", rid }, { "leg", leg }, { "from_village", self }, { "from_name", self_name }, { "to_village", to },
		{ "from_household", hh_no }, { "moved_out_on", on }, { "reason", status_reason },
		{ "moved_out_by", login }, { "history", history }, { "state", "out" },
	};
	if (rc == 0 && (!on || !history))
		rc = set_error(err, "%s", _("the resident's history cannot be read"));
	if (rc == 0)
		rc = store_insert(st, "transfer", t, ARRAY_LEN(t), tid, err);
	free(leg);
	free(hh_no);
	free(to_name);
	free(status_reason);
	free(on);
	free(history);
	free(login);
	return rc;
}

int transfer_move_out(struct store *st, const struct form_registry *forms, int64_t resident, const char *to,
		      const char *date, const char *reason, bool whole, int64_t *first, int *count, char **err)
{
	*first = 0;
	*count = 0;
	char *why = transfer_out_refusal(st, resident, to, whole);
	if (why) {
		*err = why;
		return -1;
	}
	char self[16], *self_name = NULL, today[11];
	self_village(st, self, &self_name);
	if (!date || !*date)
		store_today(today), date = today;   /* the form wants the date of a status but 在册 */
	int64_t hh = resident_household(st, resident);
	size_t n = 1;
	int64_t *members = whole && hh ? rowset_ids(st, &n, "SELECT id FROM resident WHERE household_id = ?1"
						    " AND living_status = '1' ORDER BY id <> ?2, id", "ll", hh, resident)
				       : NULL;
	if (!members) {
		n = 1;
		members = xmalloc(sizeof *members);
		members[0] = resident;
	}
	int rc = store_begin(st, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t tid = 0;
		rc = move_out_one(st, forms, members[i], to, date, reason, self, self_name, &tid, err);
		if (i == 0)
			*first = tid;
	}
	if (rc == 0)
		rc = store_commit(st, err);
	else if (store_db(st) && !sqlite3_get_autocommit(store_db(st)))
		store_rollback(st);
	if (rc == 0)
		*count = (int)n;
	free(members);
	free(self_name);
	return rc;
}

char *transfer_left_refusal(struct store *st, int64_t resident)
{
	char self[16], *self_name = NULL;
	if (resident <= 0 || !self_village(st, self, &self_name))
		return NULL;
	free(self_name);
	/* the resident's latest move (legs count their moves, whichever village made them) */
	char *to = rowset_value(st, "SELECT t.to_village || ' ' || coalesce((SELECT name FROM village v"
			       " WHERE v.code = t.to_village), '') FROM transfer t JOIN resident r ON r.id = t.resident_id"
			       " WHERE t.resident_id = ?1 AND r.living_status = '2' ORDER BY t.leg DESC LIMIT 1", "l", resident);
	char *why = to && strncmp(to, self, 12) != 0
			    ? xasprintf(_("This resident moved to %s: that village's register keeps them now; a change "
					  "here would not reach it."), to)
			    : NULL;
	free(to);
	return why;
}

int64_t transfer_arrival(struct store *st, int64_t resident)
{
	char self[16], *self_name = NULL;
	if (!self_village(st, self, &self_name))
		return 0;
	free(self_name);
	char *id = rowset_value(st, "SELECT id FROM transfer WHERE resident_id = ?1 AND to_village = ?2"
			       " AND state = 'out' ORDER BY leg DESC LIMIT 1", "lt", resident, self);
	int64_t t = id ? strtoll(id, NULL, 10) : 0;
	free(id);
	return t;
}

/* The household a 迁入 goes to: hh_no found, or made new with address. 0 and *err when not. */
static int64_t arrival_household(struct store *st, const char *hh_no, bool new_household, const char *address,
				 char **err)
{
	int64_t hh = hh_no && *hh_no ? household_by_number(st, hh_no) : 0;
	if (!hh_no || !*hh_no) {
		set_error(err, "%s", _("Name the household the resident joins (its number), or a new one."));
		return 0;
	}
	if (new_household && hh) {
		set_error(err, _("Household %s exists already: join it, or give the new household another number."), hh_no);
		return 0;
	}
	if (!new_household && !hh) {
		set_error(err, _("there is no household numbered %s"), hh_no);
		return 0;
	}
	if (new_household) {
		struct store_field f[] = { { "hh_no", hh_no }, { "address", address && *address ? address : NULL },
					   { "form_version", "1" } };
		if (store_insert(st, "household", f, ARRAY_LEN(f), &hh, err) != 0)
			return 0;
	}
	return hh;
}

int transfer_move_in(struct store *st, const struct form_registry *forms, int64_t resident, const char *hh_no,
		     bool new_household, const char *address, const char *relation, const char *date, char **err)
{
	int64_t tid = transfer_arrival(st, resident);
	char on[11];
	if (!tid)
		return set_error(err, "%s", _("No move of this resident into this village is waiting (迁入): the "
					      "township sends it down first."));
	if (!date_of(date, on))
		return set_error(err, _("%s is not a date (YYYY-MM-DD)"), date);
	char *carried = rowset_value(st, "SELECT relation FROM resident WHERE id = ?1", "l", resident);
	char *from = rowset_value(st, "SELECT from_name || ' ' || from_village FROM transfer WHERE id = ?1", "l", tid);
	char *rel = xstrdup(relation && *relation ? relation : new_household || !carried ? HOUSEHOLD_HEAD_RELATION : carried);
	char *reason = xasprintf(_("moved in from %s"), from ? from : "?");
	char *login = operator_login(st), hv[24];
	enum resident_status_field field;
	int rc = store_begin(st, err);
	int64_t hh = rc == 0 ? arrival_household(st, hh_no, new_household, address, err) : 0;
	if (rc == 0 && !hh)
		rc = -1;
	if (rc == 0 && household_head_taken(household_head(st, hh), resident, rel))
		rc = set_error(err, _("Household %s has a head already: give the relation to its head (--relation)."), hh_no);
	snprintf(hv, sizeof hv, "%lld", (long long)hh);
	if (rc == 0)
		rc = resident_set_status(st, forms, resident, "1", NULL, NULL, &field, err);
	struct store_field f[] = { { "household_id", hv }, { "relation", rel } };
	if (rc == 0)
		rc = store_update(st, "resident", resident, f, ARRAY_LEN(f), reason, err);
	if (rc == 0)
		rc = household_claim_head(st, hv, resident, rel, err);
	struct store_field t[] = { { "state", "in" }, { "household_id", hv }, { "moved_in_on", on },
				   { "moved_in_by", login } };
	if (rc == 0)
		rc = store_update(st, "transfer", tid, t, ARRAY_LEN(t), reason, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else if (!sqlite3_get_autocommit(store_db(st)))
		store_rollback(st);
	free(carried);
	free(from);
	free(rel);
	free(reason);
	free(login);
	return rc;
}

int64_t transfer_of_resident(struct store *st, int64_t resident)
{
	char *id = rowset_value(st, "SELECT id FROM transfer WHERE resident_id = ?1 ORDER BY leg DESC LIMIT 1", "l",
				resident);
	int64_t t = id ? strtoll(id, NULL, 10) : 0;
	free(id);
	return t;
}

/* ---- lists ---- */

enum { TL_ID, TL_RESIDENT, TL_NAME, TL_IDNO, TL_FROM, TL_TO, TL_OUT, TL_STATE, TL_SENT, TL_IN, TL_HERE };

int transfer_list(struct store *st, bool only_open, struct transfer_row **out, size_t *n, char **err)
{
	char self[16] = "", *self_name = NULL;
	if (!self_village(st, self, &self_name))
		self[0] = '\0';
	free(self_name);
	/* the township's down packages are its own bookkeeping (sync-down.c), there once it sent one */
	char *sent_table = rowset_value(st, "SELECT 1 FROM sqlite_schema WHERE name = 'sync_down_item'", "");
	char *sites = rowset_value(st, "SELECT 1 FROM sqlite_schema WHERE name = 'sync_site'", "");
	char *sql = xasprintf(
		"SELECT t.id, t.resident_id, r.name, r.id_number, t.from_name || ' ' || t.from_village,"
		" coalesce((SELECT name FROM village WHERE code = t.to_village), %s, '') || ' ' || t.to_village,"
		" t.moved_out_on, t.state, %s, t.moved_in_on,"
		" t.state = 'out' AND t.to_village = ?1 AND r.living_status = '2'"
		" FROM transfer t LEFT JOIN resident r ON r.id = t.resident_id"
		" WHERE ?2 = 0 OR (t.state = 'out' AND t.from_village <> ?1) ORDER BY t.state <> 'out', t.moved_out_on DESC, t.id DESC",
		sites ? "(SELECT name FROM sync_site s WHERE s.code = t.to_village)" : "NULL",
		sent_table ? "(SELECT seq FROM sync_down_item d WHERE d.transfer_id = t.id)" : "NULL");
	free(sent_table);
	free(sites);
	struct rowset r = { 0 };
	*out = NULL;
	*n = 0;
	int rc = rowset_select(st, &r, err, sql, "ti", self, only_open ? 1 : 0);
	free(sql);
	if (rc != 0)
		return -1;
	*out = xcalloc(r.n ? r.n : 1, sizeof **out);
	for (size_t i = 0; i < r.n; i++) {
		struct transfer_row *x = &(*out)[i];
		char masked[32];
		idcard_mask(rowset_text(&r, i, TL_IDNO), masked);
		x->id = rowset_int(&r, i, TL_ID);
		x->resident_id = rowset_int(&r, i, TL_RESIDENT);
		x->name = xstrdup(rowset_text(&r, i, TL_NAME));
		x->id_masked = xstrdup(masked);
		x->from = xstrdup(rowset_text(&r, i, TL_FROM));
		x->to = xstrdup(rowset_text(&r, i, TL_TO));
		x->moved_out_on = xstrdup(rowset_text(&r, i, TL_OUT));
		x->state = xstrdup(rowset_text(&r, i, TL_STATE));
		x->sent = xstrdup(rowset_text(&r, i, TL_SENT));
		x->moved_in_on = xstrdup(rowset_text(&r, i, TL_IN));
		x->here = rowset_int(&r, i, TL_HERE) != 0;
	}
	*n = r.n;
	rowset_free(&r);
	return 0;
}

void transfer_list_free(struct transfer_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].name);
		free(r[i].id_masked);
		free(r[i].from);
		free(r[i].to);
		free(r[i].moved_out_on);
		free(r[i].state);
		free(r[i].sent);
		free(r[i].moved_in_on);
	}
	free(r);
}

/* ---- the history as text ---- */

/* The columns of an audit entry's values whose numbers are masked when shown. */
static char *masked_values(struct store *st, const char *json)
{
	if (!json || !*json)
		return xstrdup("");
	struct rowset r = { 0 };
	struct strbuf sb = { 0 };
	sb_append(&sb, "");
	if (rowset_select(st, &r, NULL, "SELECT key, CAST(value AS TEXT) FROM json_each(?1)"
			  " WHERE key NOT IN ('created_at', 'updated_at', 'form_version')", "t", json) == 0)
		for (size_t i = 0; i < r.n; i++) {
			const char *k = rowset_text(&r, i, 0), *v = rowset_text(&r, i, 1);
			char m[32];
			if (strcmp(k, "id_number") == 0)
				idcard_mask(v, m), v = m;
			else if (strcmp(k, "phone") == 0)
				phone_mask(v, m), v = m;
			sb_appendf(&sb, "%s%s=%s", i ? " " : "", k, rowset_null(&r, i, 1) ? "-" : v);
		}
	rowset_free(&r);
	return sb_take(&sb);
}

/* One village's part of a history document (and its earlier ones) appended to sb. */
static void history_part(struct store *st, struct strbuf *sb, const char *doc, int depth)
{
	struct rowset r = { 0 };
	if (depth > 8 || rowset_select(st, &r, NULL, "SELECT json_extract(?1, '$.village_name') || ' ' ||"
				       " json_extract(?1, '$.village')", "t", doc) != 0 || r.n == 0) {
		rowset_free(&r);
		return;
	}
	sb_appendf(sb, _("== In %s ==\n"), rowset_text(&r, 0, 0));
	rowset_free(&r);
	struct rowset e = { 0 };
	if (rowset_select(st, &e, NULL, "SELECT json_extract(value, '$.at'), json_extract(value, '$.operator'),"
			  " json_extract(value, '$.action'), json_extract(value, '$.before'), json_extract(value, '$.after'),"
			  " coalesce(json_extract(value, '$.reason'), '') FROM json_each(?1, '$.audit')", "t", doc) == 0)
		for (size_t i = 0; i < e.n; i++) {
			char when[CIVIL_CLOCK_TEXT];
			civil_clock_text(rowset_text(&e, i, 0), when);
			const char *action = rowset_text(&e, i, 2);
			bool bulk = strcmp(action, "bulk") == 0;
			char *before = masked_values(st, rowset_text(&e, i, 3));
			char *after = bulk ? xstrdup("") : masked_values(st, rowset_text(&e, i, 4));
			sb_appendf(sb, "%s  %s  %s  %s%s%s  %s\n", when, rowset_text(&e, i, 1),
				   strcmp(action, "insert") == 0 ? _("created") : bulk ? _("loaded") : _("changed"),
				   before, *before ? " -> " : "", after, rowset_text(&e, i, 5));
			free(before);
			free(after);
		}
	rowset_free(&e);
	struct rowset s = { 0 };
	if (rowset_select(st, &s, NULL, "SELECT json_extract(value, '$.number'), json_extract(value, '$.item'),"
			  " json_extract(value, '$.accepted_on'), json_extract(value, '$.status'),"
			  " coalesce(json_extract(value, '$.done_on'), ''), coalesce(json_extract(value, '$.rating'), '')"
			  " FROM json_each(?1, '$.services')", "t", doc) == 0)
		for (size_t i = 0; i < s.n; i++)
			sb_appendf(sb, _("便民服务 %s  item %s  accepted %s  %s %s  rating %s\n"), rowset_text(&s, i, 0),
				   rowset_text(&s, i, 1), rowset_text(&s, i, 2), rowset_text(&s, i, 3), rowset_text(&s, i, 4),
				   rowset_text(&s, i, 5));
	rowset_free(&s);
	struct rowset d = { 0 };
	if (rowset_select(st, &d, NULL, "SELECT json_extract(value, '$.case_no'), json_extract(value, '$.received'),"
			  " coalesce(json_extract(value, '$.category'), ''), json_extract(value, '$.role')"
			  " FROM json_each(?1, '$.disputes')", "t", doc) == 0)
		for (size_t i = 0; i < d.n; i++)
			sb_appendf(sb, _("人民调解 %s  received %s  category %s  party role %s\n"), rowset_text(&d, i, 0),
				   rowset_text(&d, i, 1), rowset_text(&d, i, 2), rowset_text(&d, i, 3));
	rowset_free(&d);
	struct rowset x = { 0 };
	if (rowset_select(st, &x, NULL, "SELECT value FROM json_each(?1, '$.earlier')", "t", doc) == 0)
		for (size_t i = 0; i < x.n; i++)
			history_part(st, sb, rowset_text(&x, i, 0), depth + 1);
	rowset_free(&x);
}

char *transfer_history_text(struct store *st, int64_t transfer_id)
{
	struct rowset r = { 0 };
	if (rowset_select(st, &r, NULL, "SELECT t.history, r.name, t.from_name || ' ' || t.from_village,"
			  " t.to_village, t.moved_out_on, t.moved_out_by, t.state, coalesce(t.moved_in_on, ''),"
			  " coalesce(t.moved_in_by, ''), coalesce(t.reason, '')"
			  " FROM transfer t LEFT JOIN resident r ON r.id = t.resident_id WHERE t.id = ?1", "l",
			  transfer_id) != 0 || r.n == 0) {
		rowset_free(&r);
		return NULL;
	}
	struct strbuf sb = { 0 };
	sb_appendf(&sb, _("%s: moved out of %s to %s on %s (%s), recorded by %s\n"), rowset_text(&r, 0, 1),
		   rowset_text(&r, 0, 2), rowset_text(&r, 0, 3), rowset_text(&r, 0, 4), rowset_text(&r, 0, 9),
		   rowset_text(&r, 0, 5));
	if (strcmp(rowset_text(&r, 0, 6), "in") == 0)
		sb_appendf(&sb, _("moved in on %s, recorded by %s\n"), rowset_text(&r, 0, 7), rowset_text(&r, 0, 8));
	else
		sb_append(&sb, _("not moved in yet\n"));
	sb_append(&sb, "\n");
	history_part(st, &sb, rowset_text(&r, 0, 0), 0);
	rowset_free(&r);
	return sb_take(&sb);
}
