/* tui-history: who changed what. The audit entries of one record, newest first, one
 * line per changed column: time, operator, what, the value before and after. Values
 * of coded fields show their labels, column names their form labels. */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "app.h"
#include "civil.h"
#include "fedit.h"
#include "form.h"
#include "i18n.h"
#include "record.h"
#include "resident.h"
#include "service.h"
#include "stars.h"
#include "transfer.h"
#include "store.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "util.h"

struct history_ctx {
	struct tui *t;
	const char *table;
	int64_t id;
	const struct form_def *def;
	char title[512];
};

/* A referenced record by what a clerk knows it by (a name, a household number), or
 * the id when it is gone. Caller frees. */
static char *history_ref(const struct history_ctx *hc, const char *table, const char *value)
{
	char *text = record_ref_text(hc->t->app->st, table, value);
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
	struct audit_change *ch;
	size_t nch;
	(void)query;
	if (audit_history(hc->t->app->st, hc->table, hc->id, offset, limit, &ch, &nch, err) != 0)
		return -1;
	int64_t n = (int64_t)offset;
	for (size_t i = 0; i < nch; i++) {
		const struct audit_change *c = &ch[i];
		char *before = history_value(hc, c->column, c->before);
		char *after = history_value(hc, c->column, c->after);
		char when[CIVIL_CLOCK_TEXT];
		civil_clock_text(c->at, when);
		struct strbuf sb = { 0 };
		tui_col(&sb, when, 16);
		tui_col(&sb, c->login, 8);
		bool bulk = strcmp(c->action, "bulk") == 0;
		tui_col(&sb, history_action(c->action), 6);
		tui_col(&sb, bulk ? _("whole record") : history_label(hc, c->column), 12);
		if (bulk)
			sb_append(&sb, c->reason);   /* what the load was: 导入 roster.csv */
		else if (strcmp(c->action, "insert") == 0 || strcmp(c->action, "unmask") == 0)
			sb_append(&sb, after);
		else
			sb_appendf(&sb, "%s -> %s", before, after);
		if (!bulk && *c->reason)
			sb_appendf(&sb, "  (%s)", c->reason);
		tui_rows_add(out, n++, sb_take(&sb));
		free(before);
		free(after);
	}
	audit_history_free(ch, nch);
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

/* The date and reason of a status in their box (status_dialog). */
struct status_view {
	int64_t id;
	const char *code, *title;
	struct fedit e[2];
	int cur;
	char *message;       /* why the last Enter was refused, or NULL */
	bool done;
	WINDOW *p;
};

static void status_draw(struct tui *t, void *ctx)
{
	(void)t;
	struct status_view *sv = ctx;
	int w = COLS - 10 < 64 ? COLS - 10 : 64, box = w - 4;
	const char *labels[2] = { _("Date (YYYY-MM-DD):"), _("Reason (where to, certificate, decision):") };
	if (sv->p)
		delwin(sv->p);   /* drawn again in place, or where a resize centres it */
	sv->p = tui_popup(11, w, sv->title);
	for (int i = 0; i < 2; i++) {
		size_t n;
		int col;
		tui_put(sv->p, 1 + 3 * i, 2, labels[i], box, A_NORMAL);
		fedit_scroll_to_cursor(&sv->e[i], box);
		const wchar_t *vis = fedit_visible(&sv->e[i], box, &n, &col);
		tui_put_wcs(sv->p, 2 + 3 * i, 2, vis, n, box, A_UNDERLINE);
	}
	char **lines = NULL;
	size_t nl = sv->message ? tui_wrap(sv->message, box, &lines) : 0;
	for (int r = 0; r < 2; r++)
		tui_put(sv->p, 7 + r, 2, (size_t)r < nl ? lines[r] : "", box, A_BOLD);
	for (size_t r = 0; r < nl; r++)
		free(lines[r]);
	free(lines);
	tui_put(sv->p, 9, 2, _("Enter = next, then save; Tab = other field; Esc = cancel"), box, A_NORMAL);
	size_t n;
	int col;
	fedit_visible(&sv->e[sv->cur], box, &n, &col);
	wmove(sv->p, 2 + 3 * sv->cur, 2 + col);
	curs_set(1);
	wnoutrefresh(sv->p);
	doupdate();
}

/* Enter on a filled reason: the status set, or the form's refusal said on the field
 * at fault. */
static void status_set(struct tui *t, struct status_view *sv)
{
	char *date = fedit_value(&sv->e[0]), *reason = fedit_value(&sv->e[1]);
	enum resident_status_field field;
	free(sv->message);
	sv->message = NULL;
	sv->done = resident_set_status(t->app->st, t->app->forms, sv->id, sv->code, date, reason, &field,
				       &sv->message) == 0;
	free(date);
	free(reason);
	if (!sv->done) {
		sv->cur = field == RESIDENT_STATUS_REASON ? 1 : 0;
		beep();
	}
}

static enum tui_view_step status_key(struct tui *t, void *ctx, int k)
{
	struct status_view *sv = ctx;
	if (TK_IS_BACK(k))
		return TUI_VIEW_CLOSE;
	bool reason_empty = sv->e[1].len == 0;
	if (k == TK_TAB || k == TK_BTAB || k == TK_UP || k == TK_DOWN || (k == TK_ENTER && sv->cur == 0 && reason_empty)) {
		sv->cur = 1 - sv->cur;
	} else if (k == TK_ENTER) {
		status_set(t, sv);
		if (sv->done)
			return TUI_VIEW_CLOSE;
	} else {
		enum tui_edit r = tui_edit_key(&sv->e[sv->cur], k);
		if (r == TUI_EDIT_REFUSED || (r == TUI_EDIT_NONE && k >= 0))
			beep();
	}
	return TUI_VIEW_DRAW;
}

/* The date and reason of a status, in one box whose last line says what is wrong:
 * Enter goes on to an empty reason, else sets the status (resident_set_status); the
 * form's refusal keeps the box open on the field at fault. true once it is set, false
 * when cancelled. */
static bool status_dialog(struct tui *t, int64_t id, const char *code, const char *title)
{
	struct status_view sv = { .id = id, .code = code, .title = title };
	char today[11];
	store_today(today);
	fedit_init(&sv.e[0], today, 10);
	fedit_init(&sv.e[1], NULL, 200);
	struct tui_view v = { .draw = status_draw, .key = status_key, .ctx = &sv, .popup = true };
	tui_view_run(t, &v);
	free(sv.message);
	fedit_free(&sv.e[0]);
	fedit_free(&sv.e[1]);
	if (sv.p)
		tui_popup_close(sv.p);
	return sv.done;
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
	bool ok;
	/* a move to a village of the township goes through it; its arrival is a 迁入 (tui-transfer.c) */
	if (strcmp(code, "2") == 0 && transfer_here(t->app->st)) {
		const char *ways[] = { _("To another village of this township (through the township)"), _("Elsewhere") };
		int way = tui_choose(t, _(cl->items[pick].label), ways, 2, 0);
		if (way < 0)
			return false;
		if (way == 0)
			return tui_transfer_move_out(t, id);
	}
	if (strcmp(code, "1") == 0 && transfer_arrival(t->app->st, id))
		return tui_transfer_move_in(t, id);
	if (strcmp(code, "1") != 0) {
		ok = status_dialog(t, id, code, _(cl->items[pick].label));
	} else {
		enum resident_status_field field;
		char *err = NULL;
		ok = resident_set_status(t->app->st, t->app->forms, id, code, NULL, NULL, &field, &err) == 0;
		if (!ok)
			tui_error(t, "%s", err ? err : "?");
		free(err);
	}
	if (ok)
		tui_message(t, _("Living status set to %s."), _(cl->items[pick].label));
	return ok;
}
