/* tui-history: who changed what. The audit entries of one record, newest first, one
 * line per changed column: time, operator, what, the value before and after. Values
 * of coded fields show their labels, column names their form labels. */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "civil.h"
#include "draft.h"
#include "fedit.h"
#include "form.h"
#include "i18n.h"
#include "service.h"
#include "stars.h"
#include "store.h"
#include "tui-list.h"
#include "tui-record.h"
#include "tui-screens.h"
#include "util.h"

struct history_ctx {
	struct tui *t;
	const char *table;
	int64_t id;
	const struct form_def *def;
	char title[512];
};

/* One line per column that an audit entry changed (the union of the before and after
 * keys whose values differ), and one line for a bulk load (an import, the demo) that
 * wrote the record, with what it was: a record loaded in bulk has no entry of its own. */
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

/* A referenced record by what a clerk knows it by (a name, a household number), or
 * the id when it is gone. Caller frees. */
static char *history_ref(const struct history_ctx *hc, const char *table, const char *value)
{
	const char *sql = NULL;
	if (table && strcmp(table, "resident") == 0)
		sql = "SELECT name FROM resident WHERE id = ?1";
	else if (table && strcmp(table, "household") == 0)
		sql = "SELECT hh_no FROM household WHERE id = ?1";
	else if (table && strcmp(table, "grid") == 0)
		sql = "SELECT name FROM grid WHERE id = ?1";
	else if (table && strcmp(table, "village") == 0)
		sql = "SELECT name FROM village WHERE id = ?1";
	sqlite3_stmt *stmt;
	char *text = NULL;
	if (sql && sqlite3_prepare_v2(store_db(hc->t->app->st), sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, value, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
			text = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
	}
	return text ? text : xstrdup(value);
}

/* How the code of a column the program keeps reads, or NULL for the code itself. */
static const char *show_service_status(const char *v) { return service_status_label(v); }
static const char *show_rating(const char *v) { return service_rating_label(atoi(v)); }
static const char *show_role(const char *v) { return access_role_label(v); }
static const char *show_yes(const char *v) { return strcmp(v, "1") == 0 ? _("yes") : _("no"); }

/* A time the program stamped, as every screen shows one (copied at once by the caller). */
static const char *show_clock(const char *v)
{
	static char text[CIVIL_CLOCK_TEXT];
	civil_clock_text(v, text);
	return text;
}

static const char *show_stage(const char *v)
{
	int s = stars_stage_parse(v);
	return s < 0 ? NULL : stars_stage_label((enum stars_stage)s);
}

static const char *show_kind(const char *v)
{
	return strcmp(v, "wish") == 0 ? _("wish (微心愿)") : strcmp(v, "appeal") == 0 ? _("appeal (困难诉求)")
									      : _("service");
}

/* The columns the program keeps beside a form's fields (numbers, states, dates it
 * sets), so that the history names them as the screens do, never by column name. */
static const struct program_column {
	const char *table, *column, *label;
	const char *(*show)(const char *value);
	const char *ref_table;
} program_columns[] = {
	{"service_request", "number", N_("Number"), NULL, NULL},
	{"service_request", "kind", N_("Kind"), show_kind, NULL},
	{"service_request", "village_id", N_("Village"), NULL, "village"},
	{"service_request", "department", N_("Department"), NULL, NULL},
	{"service_request", "status", N_("Status"), show_service_status, NULL},
	{"service_request", "status_at", N_("Status since"), show_clock, NULL},
	{"service_request", "status_reason", N_("Reason"), NULL, NULL},
	{"service_request", "accepted_on", N_("Accepted on"), NULL, NULL},
	{"service_request", "due_on", N_("Due on"), NULL, NULL},
	{"service_request", "done_on", N_("Done on"), NULL, NULL},
	{"service_request", "rating", N_("Rating"), show_rating, NULL},
	{"service_request", "rating_declined", N_("Declined to rate"), show_yes, NULL},
	{"service_request", "rating_comment", N_("Rating comment"), NULL, NULL},
	{"service_request", "followup_due", N_("Follow-up due"), NULL, NULL},
	{"service_request", "followup_done_on", N_("Follow-up done on"), NULL, NULL},
	{"service_request", "followup_contact", N_("Contact"), NULL, NULL},
	{"service_request", "followup_rectification", N_("Rectification"), NULL, NULL},
	{"star_round", "village_id", N_("Village"), NULL, "village"},
	{"star_round", "year", N_("Year"), NULL, NULL},
	{"star_round", "rubric", N_("Rubric"), NULL, NULL},
	{"star_round", "rubric_version", N_("Rubric version"), NULL, NULL},
	{"star_round", "rubric_sum", N_("Rubric checksum"), NULL, NULL},
	{"star_round", "stage", N_("Stage"), show_stage, NULL},
	{"star_round", "notice_days", N_("Notice days"), NULL, NULL},
	{"star_round", "notice_start", N_("Notice from"), NULL, NULL},
	{"star_round", "final_date", N_("Final date"), NULL, NULL},
	{"operator", "login", N_("Login"), NULL, NULL},
	{"operator", "name", N_("Name"), NULL, NULL},
	{"operator", "role", N_("Role"), show_role, NULL},
	{"operator", "disabled", N_("Disabled"), show_yes, NULL},
	{"operator", "password_set_at", N_("Password set"), show_clock, NULL},
	{"operator", "failed_attempts", N_("Wrong passwords"), NULL, NULL},
	{"operator", "locked_until", N_("Locked until"), show_clock, NULL},
	{"operator", "last_signin_at", N_("Last sign-in"), show_clock, NULL},
	{"operator", "switched_to", N_("Screen handed to"), NULL, NULL},
};

/* The program's own column of the table, or NULL. */
static const struct program_column *program_column(const char *table, const char *column)
{
	for (size_t i = 0; i < ARRAY_LEN(program_columns); i++) {
		const struct program_column *pc = &program_columns[i];
		if ((!pc->table || strcmp(pc->table, table) == 0) && strcmp(pc->column, column) == 0)
			return pc;
	}
	return NULL;
}

/* A column's value as the form shows it (code labels). Caller frees. */
static char *history_value(const struct history_ctx *hc, const char *column, const char *value)
{
	if (!value)
		return xstrdup(_("(empty)"));
	int i = hc->def ? form_field_index(hc->def, column) : -1;
	if (i >= 0 && hc->def->fields[i].type == FIELD_REF)
		return history_ref(hc, hc->def->fields[i].ref_table, value);
	if (i >= 0)
		return form_display_value(&hc->def->fields[i], value);
	const struct program_column *pc = program_column(hc->table, column);
	if (pc && pc->ref_table)
		return history_ref(hc, pc->ref_table, value);
	const char *shown = pc && pc->show ? pc->show(value) : NULL;
	return xstrdup(shown ? shown : value);
}

/* A column's label from the form or the program's own columns, else the column
 * name. Borrowed. */
static const char *history_label(const struct history_ctx *hc, const char *column)
{
	int i = hc->def ? form_field_index(hc->def, column) : -1;
	if (i >= 0)
		return _(hc->def->fields[i].label);
	const struct program_column *pc = program_column(hc->table, column);
	return pc ? _(pc->label) : column;
}

/* Translated name of an audit action. */
static const char *history_action(const char *action)
{
	if (strcmp(action, "insert") == 0)
		return _("created");
	if (strcmp(action, "update") == 0)
		return _("changed");
	if (strcmp(action, "unmask") == 0)
		return _("unmasked");  /* full ID and phone numbers shown, with the reason */
	return _("loaded");
}

static int history_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			 struct tui_rows *out, char **err)
{
	struct history_ctx *hc = ctx;
	sqlite3 *db = store_db(hc->t->app->st);
	sqlite3_stmt *stmt;
	(void)query;
	if (sqlite3_prepare_v2(db, history_sql, -1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(stmt, 1, hc->table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, hc->id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)limit);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)offset);
	int64_t n = (int64_t)offset;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *at = (const char *)sqlite3_column_text(stmt, 0);
		const char *key = (const char *)sqlite3_column_text(stmt, 4);
		char *before = history_value(hc, key, (const char *)sqlite3_column_text(stmt, 5));
		char *after = history_value(hc, key, (const char *)sqlite3_column_text(stmt, 6));
		char when[CIVIL_CLOCK_TEXT];
		civil_clock_text(at, when);
		struct strbuf sb = { 0 };
		tui_col(&sb, when, 16);
		tui_col(&sb, (const char *)sqlite3_column_text(stmt, 1), 8);
		const char *action = (const char *)sqlite3_column_text(stmt, 2);
		const char *reason = (const char *)sqlite3_column_text(stmt, 3);
		bool bulk = strcmp(action, "bulk") == 0;
		tui_col(&sb, history_action(action), 6);
		tui_col(&sb, bulk ? _("whole record") : history_label(hc, key), 12);
		if (bulk)
			sb_append(&sb, reason);   /* what the load was: 导入 roster.csv */
		else if (strcmp(action, "insert") == 0 || strcmp(action, "unmask") == 0)
			sb_append(&sb, after);
		else
			sb_appendf(&sb, "%s -> %s", before, after);
		if (!bulk && *reason)
			sb_appendf(&sb, "  (%s)", reason);
		tui_rows_add(out, n++, sb_take(&sb));
		free(before);
		free(after);
	}
	sqlite3_finalize(stmt);
	return 0;
}

static const struct tui_hint history_hints[] = {
	{ "F1", N_("Help") }, { "PgUp/PgDn", N_("Scroll") }, { "F10", N_("Back") },
};

/* Keys of the history: only moving and going back. */
static enum tui_list_action history_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	(void)ctx;
	(void)sel;
	if (k == TK_F1)
		tui_show_text(t, _("History"),
			      _("Every change of this record, newest first: when, by whom, which field, the value "
				"before and after, and the reason given."));
	return TUI_LIST_STAY;
}

void tui_history_show(struct tui *t, const char *table, int64_t id, const char *what)
{
	struct history_ctx hc = { .t = t, .table = table, .id = id, .def = form_for_table(t->app->forms, table) };
	snprintf(hc.title, sizeof(hc.title), _("History of %s"), what ? what : "");
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Time"), 16);
	tui_col(&sb, _("Operator"), 8);
	tui_col(&sb, _("What"), 6);
	tui_col(&sb, _("Field"), 12);
	sb_append(&sb, _("Before -> after"));
	struct tui_list_def def = {
		.title = hc.title, .header = sb.s,
		.hints = history_hints, .nhints = ARRAY_LEN(history_hints),
		.ctx = &hc, .fetch = history_fetch, .on_key = history_key,
	};
	tui_list_run(t, &def, NULL);
	sb_free(&sb);
}

/* ---- F8: living status ---- */

/* The fields F8 sets, in the resident form's names. */
enum { STATUS_CODE, STATUS_DATE, STATUS_REASON, STATUS_NFIELDS };
static const char *const status_fields[STATUS_NFIELDS] = { "living_status", "status_date", "status_reason" };

/* The resident's record with the new status in it, checked by the resident form's own
 * rules (forms/resident.form), so that F8 never stores what the form would refuse.
 * values[] are the typed texts, normalised in place (20260115 -> 2026-01-15). NULL
 * when they pass, else the form's first message on them (caller frees). */
static char *status_problem(struct tui *t, int64_t id, char *values[STATUS_NFIELDS], int *field)
{
	const struct form_def *def = form_get(t->app->forms, "resident");
	char *err = NULL, *msg = NULL;
	if (!def)
		return xstrdup(_("The resident form definition (resident.form) is missing."));
	struct form_data d;
	form_data_init(&d, def);
	struct form_eval *ev = NULL;
	if (tui_record_load(t, &d, id, &err) != 0 || !(ev = form_eval_new(def, store_db(t->app->st), &err))) {
		msg = err;
		goto out;
	}
	int idx[STATUS_NFIELDS];
	for (int i = 0; i < STATUS_NFIELDS; i++) {
		idx[i] = form_field_index(def, status_fields[i]);
		if (idx[i] >= 0)
			form_data_set(&d, (size_t)idx[i], values[i]);
	}
	for (int i = 0; i < STATUS_NFIELDS; i++)
		if (idx[i] >= 0)
			form_normalize_and_derive(ev, &d, idx[i]);
	struct form_check chk;
	form_validate(ev, &d, &chk);
	/* only the status's own fields: another field's old problem is the form's business */
	for (size_t p = 0; p < chk.n && !msg; p++)
		for (int i = 0; i < STATUS_NFIELDS && !msg; i++)
			if (idx[i] >= 0 && chk.items[p].field == (size_t)idx[i]) {
				msg = xstrdup(chk.items[p].message);
				*field = i;
			}
	form_check_free(&chk);
	for (int i = 0; i < STATUS_NFIELDS && !msg; i++)
		if (idx[i] >= 0) {
			free(values[i]);
			const char *v = d.values[idx[i]];
			values[i] = v && *v ? xstrdup(v) : NULL;
		}
out:
	form_eval_free(ev);
	draft_forget(&d);
	form_data_free(&d);
	return msg;
}

/* The date and reason of a status, in one box whose last line says what is wrong:
 * Enter goes on to an empty reason, else checks; a refusal keeps the box open on the field
 * at fault. true with both (normalised) in values[], false when cancelled. */
static bool status_dialog(struct tui *t, int64_t id, const char *title, char *values[STATUS_NFIELDS])
{
	int w = COLS - 10 < 64 ? COLS - 10 : 64, box = w - 4;
	const char *labels[2] = { _("Date (YYYY-MM-DD):"), _("Reason (where to, certificate, decision):") };
	WINDOW *p = tui_popup(11, w, title);
	struct fedit e[2];
	char today[11];
	store_today(today);
	fedit_init(&e[0], today, 10);
	fedit_init(&e[1], NULL, 200);
	int cur = 0;
	char *message = NULL;
	bool done = false;
	curs_set(1);
	for (;;) {
		for (int i = 0; i < 2; i++) {
			size_t n;
			int col;
			tui_put(p, 1 + 3 * i, 2, labels[i], box, A_NORMAL);
			fedit_scroll_to_cursor(&e[i], box);
			const wchar_t *vis = fedit_visible(&e[i], box, &n, &col);
			tui_put_wcs(p, 2 + 3 * i, 2, vis, n, box, A_UNDERLINE);
		}
		char **lines = NULL;
		size_t nl = message ? tui_wrap(message, box, &lines) : 0;
		for (int r = 0; r < 2; r++)
			tui_put(p, 7 + r, 2, (size_t)r < nl ? lines[r] : "", box, A_BOLD);
		for (size_t r = 0; r < nl; r++)
			free(lines[r]);
		free(lines);
		tui_put(p, 9, 2, _("Enter = next, then save; Tab = other field; Esc = cancel"), box, A_NORMAL);
		size_t n;
		int col;
		fedit_visible(&e[cur], box, &n, &col);
		wmove(p, 2 + 3 * cur, 2 + col);
		wnoutrefresh(p);
		doupdate();
		int k = tui_getkey(t, -1);
		if (TK_IS_BACK(k))
			break;
		bool reason_empty = e[1].len == 0;
		if (k == TK_TAB || k == TK_BTAB || k == TK_UP || k == TK_DOWN || (k == TK_ENTER && cur == 0 && reason_empty)) {
			cur = 1 - cur;
			continue;
		}
		if (k == TK_ENTER) {
			values[STATUS_DATE] = fedit_value(&e[0]);
			values[STATUS_REASON] = fedit_value(&e[1]);
			int field = STATUS_DATE;
			free(message);
			message = status_problem(t, id, values, &field);
			if (!message) {
				done = true;
				break;
			}
			free(values[STATUS_DATE]);
			free(values[STATUS_REASON]);
			values[STATUS_DATE] = values[STATUS_REASON] = NULL;
			cur = field == STATUS_REASON ? 1 : 0;
			beep();
			continue;
		}
		switch (k) {
		case TK_LEFT: fedit_left(&e[cur]); break;
		case TK_RIGHT: fedit_right(&e[cur]); break;
		case TK_HOME: fedit_home(&e[cur]); break;
		case TK_END: fedit_end(&e[cur]); break;
		case TK_BACKSPACE: fedit_backspace(&e[cur]); break;
		case TK_DELETE: fedit_delete(&e[cur]); break;
		case 0x0B: fedit_kill_to_end(&e[cur]); break;
		case 0x15: fedit_clear(&e[cur]); break;
		default:
			if (k >= 0 && !fedit_insert(&e[cur], (wchar_t)k))
				beep();
		}
	}
	free(message);
	fedit_free(&e[0]);
	fedit_free(&e[1]);
	tui_popup_close(p);
	return done;
}

/* Asks for the new living status, its date and reason, and writes them once the
 * resident form's rules accept them. */
bool tui_resident_set_status(struct tui *t, int64_t id)
{
	const struct codelist *cl = form_codelist(t->app->forms, "living_status");
	if (!cl || cl->n == 0)
		return false;
	const char **labels = xcalloc(cl->n, sizeof(*labels));
	for (size_t i = 0; i < cl->n; i++)
		labels[i] = _(cl->items[i].label);
	int pick = tui_choose(t, _("Living status (a resident is never deleted)"), labels, cl->n, 1);
	free(labels);
	if (pick < 0)
		return false;
	const char *code = cl->items[pick].code;
	char *values[STATUS_NFIELDS] = { xstrdup(code), NULL, NULL }, *err = NULL;
	bool ok = false;
	if (strcmp(code, "1") != 0) {
		if (!status_dialog(t, id, _(cl->items[pick].label), values))
			goto out;
	} else {
		int field;
		char *msg = status_problem(t, id, values, &field);
		if (msg) {
			tui_error(t, "%s", msg);
			free(msg);
			goto out;
		}
	}
	struct store_field f[] = {
		{ "living_status", values[STATUS_CODE] }, { "status_date", values[STATUS_DATE] },
		{ "status_reason", values[STATUS_REASON] },
	};
	ok = store_update(t->app->st, "resident", id, f, ARRAY_LEN(f), values[STATUS_REASON], &err) == 0;
	if (ok)
		tui_message(t, _("Living status set to %s."), _(cl->items[pick].label));
	else
		tui_error(t, "%s", err ? err : "?");
	free(err);
out:
	for (int i = 0; i < STATUS_NFIELDS; i++)
		free(values[i]);
	return ok;
}
