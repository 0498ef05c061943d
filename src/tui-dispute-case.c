/* tui-dispute-case: one 人民调解 case on the screen: its particulars, parties,
 * sessions, outcome, confirmation window and follow-up visits as rows of the list
 * engine, each opened on the form engine; printing its documents. Every save goes
 * through dispute.c, whose rules refuse what the law does not allow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "auth.h"
#include "dispute.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "print-dispute.h"
#include "rowset.h"
#include "search.h"
#include "store.h"
#include "tui-dispute.h"
#include "tui-form.h"
#include "tui-list.h"
#include "tui-print.h"
#include "tui-record.h"
#include "tui-screens.h"
#include "tui-village.h"
#include "util.h"

/* What a row of the case screen stands for: the kind in the high bits, a record's
 * id in the low ones. */
enum row_kind { ROW_NONE, ROW_CASE, ROW_PARTY, ROW_SESSION, ROW_OUTCOME, ROW_CONFIRM, ROW_VISIT };
#define ROW_KEY(kind, id) (((int64_t)(kind) << 40) | (int64_t)(id))
#define ROW_KIND(key) ((enum row_kind)((key) >> 40))
#define ROW_ID(key) ((key) & (((int64_t)1 << 40) - 1))

/* The translated label of a code in a list, or the code. */
static const char *label_of(struct tui *t, const char *list, const char *code)
{
	const char *l = codelist_label(form_codelist(t->app->forms, list), code);
	return l ? l : code;
}

/* ---- forms: from a form's values to the columns dispute.c saves ---- */

/* The stored columns of d with the form's version. Caller frees the array and
 * *version. */
static struct store_field *form_columns(const struct form_data *d, size_t *n, char **version)
{
	const struct form_def *def = d->def;
	struct store_field *f = xcalloc(def->nfields + 1, sizeof *f);
	size_t k = 0;
	for (size_t i = 0; i < def->nfields; i++) {
		if (!def->fields[i].column || def->fields[i].readonly)
			continue;
		f[k].column = def->fields[i].name;
		f[k].value = d->values[i] && *d->values[i] ? d->values[i] : NULL;
		f[k].based = d->base != NULL;
		f[k++].base = d->base ? d->base[i] : NULL;
	}
	*version = xasprintf("%d", def->version);
	f[k].column = "form_version";
	f[k++].value = *version;
	*n = k;
	return f;
}

/* The columns without form_version, for tables that keep it elsewhere (the outcome
 * and confirmation forms write into the case). */
static struct store_field *form_columns_bare(const struct form_data *d, size_t *n, char **version)
{
	struct store_field *f = form_columns(d, n, version);
	(*n)--;
	return f;
}

/* What a child form saves and into which case. */
struct child_ctx {
	struct tui *t;
	int64_t case_id;
	int64_t id;            /* the row edited; 0 for a new one */
	const char *kind;      /* "party", "session", "outcome", "confirm", "visit" */
};

/* Whether the operator may change cases; tells the clerk when not. */
static bool may_edit(struct tui *t, char **err)
{
	if (access_allows(t->app->st, ACCESS_DISPUTE_EDIT))
		return true;
	*err = access_refusal(t->app->st, ACCESS_DISPUTE_EDIT);
	return false;
}

/* The confirmation form's save: a late application needs the clerk's confirmation. */
static int confirm_save(struct child_ctx *cc, const struct store_field *f, size_t n, char **err)
{
	struct tui *t = cc->t;
	const char *applied = dispute_field(f, n, "confirm_applied_date");
	bool late_ok = false;
	char *agreed = dispute_agreement_date(t->app->st, cc->case_id);
	int left = 0;
	if (applied && agreed && dispute_confirm_days_left(agreed, applied, &left) && left < 0) {
		char *q = xasprintf(_("Warning: the 30 days for a joint application ended %d day(s) before %s; the "
				      "court may refuse it. Record the application anyway?"), -left, applied);
		late_ok = tui_confirm(t, q, false);
		free(q);
		if (!late_ok) {
			free(agreed);
			*err = xstrdup(_("Not recorded: the application is after the 30-day window."));
			return -1;
		}
	}
	free(agreed);
	return dispute_confirm_save(t->app->st, cc->case_id, f, n, late_ok, err);
}

/* F2 in a child form: the matching dispute.c function, then back to the case. */
static int child_save(void *ctx, struct tui_form *fm, char **err)
{
	struct child_ctx *cc = ctx;
	struct tui *t = cc->t;
	if (!may_edit(t, err))
		return -1;
	char *version;
	size_t n;
	bool bare = strcmp(cc->kind, "outcome") == 0 || strcmp(cc->kind, "confirm") == 0;
	struct store_field *f = bare ? form_columns_bare(fm->data, &n, &version) : form_columns(fm->data, &n, &version);
	int rc;
	if (strcmp(cc->kind, "party") == 0)
		rc = dispute_party_save(t->app->st, cc->case_id, &cc->id, f, n, err);
	else if (strcmp(cc->kind, "session") == 0)
		rc = dispute_session_save(t->app->st, cc->case_id, &cc->id, f, n, err);
	else if (strcmp(cc->kind, "outcome") == 0)
		rc = dispute_outcome_save(t->app->st, cc->case_id, f, n, err);
	else if (strcmp(cc->kind, "confirm") == 0)
		rc = confirm_save(cc, f, n, err);
	else
		rc = dispute_visit_save(t->app->st, cc->case_id, &cc->id, f, n, err);
	free(f);
	free(version);
	if (rc == 0) {
		tui_message(t, "%s", _("Saved."));
		fm->close = true;
	}
	return rc;
}

/* F4 on the party's resident field: search first, then pick. */
static char *child_ref_pick(void *ctx, struct tui_form *fm, size_t field)
{
	struct child_ctx *cc = ctx;
	const struct field_def *fd = &fm->data->def->fields[field];
	if (!fd->ref_table || strcmp(fd->ref_table, "resident") != 0)
		return NULL;
	int64_t id = tui_resident_pick(cc->t, N_("Party from the register"), fm->pick_query);
	return id ? xasprintf("%lld", (long long)id) : NULL;
}

/* ---- names picked, not typed: the mediators and a session's participants ---- */

/* The picker's rows: enabled operators who may mediate (mediators and administrators). */
static int mediator_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			  struct tui_rows *out, char **err)
{
	struct tui *t = ctx;
	struct rowset r = { 0 };
	if (dispute_mediators(t->app->st, query, offset, limit, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.n; i++) {
		struct strbuf sb = { 0 };
		tui_col(&sb, rowset_text(&r, i, DISPUTE_M_NAME), 14);
		tui_col(&sb, rowset_text(&r, i, DISPUTE_M_LOGIN), 16);
		sb_append(&sb, access_role_label(rowset_text(&r, i, DISPUTE_M_ROLE)));
		tui_rows_add(out, rowset_int(&r, i, DISPUTE_M_ID), sb_take(&sb));
	}
	rowset_free(&r);
	return 0;
}

/* A mediator's name picked from the operators; NULL when none. Caller frees. */
static char *pick_mediator(struct tui *t)
{
	struct strbuf head = { 0 };
	tui_col(&head, _("Name"), 14);
	tui_col(&head, _("Login"), 16);
	sb_append(&head, _("Role"));
	struct tui_list_def def = {
		.title = N_("Pick a mediator"), .header = head.s, .query = true,
		.query_label = N_("Name or login:"), .ctx = t, .fetch = mediator_fetch,
	};
	int64_t id;
	bool picked = tui_list_pick(t, &def, NULL, &id);
	sb_free(&head);
	return picked ? auth_operator_name(t->app->st, id) : NULL;
}

/* A participant: a mediator, or a resident found in the register. Caller frees. */
static char *pick_participant(struct tui *t)
{
	const char *kinds[] = { _("A mediator"), _("A resident from the register") };
	switch (tui_choose(t, _("Add a participant"), kinds, ARRAY_LEN(kinds), 0)) {
	case 0: return pick_mediator(t);
	case 1: {
		int64_t id = tui_resident_pick(t, N_("Participant from the register"), NULL);
		return id ? dispute_resident_name(t->app->st, id) : NULL;
	}
	default: return NULL;
	}
}

/* The list of names separated by 、 with name added, or taken out when it is there
 * already (F4 on a name picked twice removes it, as a flag does). Caller frees. */
static char *names_toggle(const char *names, const char *name)
{
	static const char sep[] = "、";
	struct strbuf sb = { 0 };
	bool found = false;
	const char *p = names ? names : "";
	while (*p) {
		const char *end = strstr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == strlen(name) && strncmp(p, name, len) == 0)
			found = true;
		else if (len)
			sb_appendf(&sb, "%s%.*s", sb.len ? sep : "", (int)len, p);
		p += len + (end ? strlen(sep) : 0);
	}
	if (!found)
		sb_appendf(&sb, "%s%s", sb.len ? sep : "", name);
	return sb_take(&sb);
}

/* F4 on the mediators or the participants: a name from the list, added to the field. */
static bool names_pick(struct tui *t, struct tui_form *fm, size_t field, char **picked)
{
	const char *name = fm->data->def->fields[field].name;
	bool mediators = strcmp(name, "mediators") == 0;
	if (!mediators && strcmp(name, "participants") != 0)
		return false;
	char *who = mediators ? pick_mediator(t) : pick_participant(t);
	*picked = who && *who ? names_toggle(tui_form_value(fm, field), who) : NULL;
	free(who);
	return true;
}

/* text_pick of the party, session, outcome, confirmation and visit forms. */
static bool child_text_pick(void *ctx, struct tui_form *fm, size_t field, char **picked)
{
	struct child_ctx *cc = ctx;
	return names_pick(cc->t, fm, field, picked);
}

/* Beside the resident field: the name and household number, never the ID number. */
static char *child_ref_text(void *ctx, const struct field_def *fd, const char *value)
{
	struct child_ctx *cc = ctx;
	if (!fd->ref_table || strcmp(fd->ref_table, "resident") != 0)
		return NULL;
	return dispute_resident_text(cc->t->app->st, strtoll(value, NULL, 10));
}

/* A new visit is most often recorded or scheduled on the day: its dates start at today. */
static void visit_prefill_today(struct form_data *d)
{
	char today[11];
	store_today(today);
	int i = form_field_index(d->def, "due_date");
	if (i >= 0)
		form_data_set(d, (size_t)i, today);
}

/* Runs a child form (party, session, outcome, confirmation, visit) on row id (0: new;
 * the outcome and confirmation forms load the case itself). True when saved. */
static bool child_form(struct tui *t, const char *form, const char *kind, const char *title,
		       int64_t case_id, int64_t id)
{
	const struct form_def *def = form_get(t->app->forms, form);
	if (!def) {
		tui_error(t, _("The form definition %s.form is missing."), form);
		return false;
	}
	struct child_ctx cc = { .t = t, .case_id = case_id, .id = id, .kind = kind };
	struct tui_form_ops ops = {
		.ctx = &cc, .save = child_save, .ref_pick = child_ref_pick, .ref_text = child_ref_text,
		.text_pick = child_text_pick,
	};
	struct form_data d;
	form_data_init(&d, def);
	if (!id && strcmp(kind, "visit") == 0)
		visit_prefill_today(&d);
	bool on_case = strcmp(def->table, "dispute_case") == 0;
	int64_t load = on_case ? case_id : id;
	char *err = NULL;
	if (load && tui_record_load(t, &d, load, &err) != 0) {
		tui_error(t, "%s", err);
		free(err);
		form_data_free(&d);
		return false;
	}
	/* a form on the case is "new" while none of its fields is filled */
	bool is_new = !load;
	if (on_case) {
		is_new = true;
		for (size_t i = 0; i < def->nfields; i++)
			if (d.values[i] && *d.values[i])
				is_new = false;
	}
	bool saved = tui_form_run(t, title, &d, is_new, &ops);
	form_data_free(&d);
	return saved;
}

/* ---- the case form ---- */

struct case_ctx {
	struct tui *t;
	int64_t id;
	int64_t village;
};

/* F2 on the case form: numbers a new case, or saves the changes. */
static int case_save(void *ctx, struct tui_form *fm, char **err)
{
	struct case_ctx *cc = ctx;
	if (!may_edit(cc->t, err))
		return -1;
	char *version;
	size_t n;
	struct store_field *f = form_columns(fm->data, &n, &version);
	bool is_new = cc->id == 0;
	int rc = is_new ? dispute_case_create(cc->t->app->st, cc->village, f, n, &cc->id, err)
			: dispute_case_update(cc->t->app->st, cc->id, f, n, err);
	free(f);
	free(version);
	if (rc != 0)
		return -1;
	char *e2 = NULL;
	tui_record_load(cc->t, fm->data, cc->id, &e2);  /* shows the number given */
	free(e2);
	int i = form_field_index(fm->data->def, "case_no");
	tui_message(cc->t, is_new ? _("Case %s is registered: add the parties (F5) and the sessions (F6).")
				  : _("Case %s is saved."),
		    i >= 0 && fm->data->values[i] ? fm->data->values[i] : "");
	if (is_new)
		fm->close = true;
	return 0;
}

/* text_pick of the case form: the mediators from the operators. */
static bool case_text_pick(void *ctx, struct tui_form *fm, size_t field, char **picked)
{
	struct case_ctx *cc = ctx;
	return names_pick(cc->t, fm, field, picked);
}

/* Runs the case form on id (0: new). Returns the case's id when saved, else 0. */
static int64_t case_form(struct tui *t, int64_t id)
{
	const struct form_def *def = form_get(t->app->forms, "dispute");
	if (!def) {
		tui_error(t, _("The form definition %s.form is missing."), "dispute");
		return 0;
	}
	struct case_ctx cc = { .t = t, .id = id };
	if (!id && !(cc.village = tui_village_sole_or_pick(t, N_("The committee of which village?"),
							  _("The register has no village yet: a case belongs to a "
							    "village's committee."))))
		return 0;
	struct tui_form_ops ops = { .ctx = &cc, .save = case_save, .text_pick = case_text_pick };
	struct form_data d;
	form_data_init(&d, def);
	char *err = NULL;
	if (id && tui_record_load(t, &d, id, &err) != 0) {
		tui_error(t, "%s", err);
		free(err);
		form_data_free(&d);
		return 0;
	}
	if (!id)
		tui_message(t, "%s", _("New case: the date received, the source, the category, a summary; F2 saves."));
	bool saved = tui_form_run(t, id ? N_("Mediation case") : N_("New mediation case"), &d, id == 0, &ops);
	form_data_free(&d);
	return saved ? cc.id : 0;
}

int64_t tui_dispute_new(struct tui *t)
{
	return case_form(t, 0);
}

/* ---- the case screen ---- */

struct case_view {
	struct tui *t;
	int64_t id;
	char title[256];
	char today[11];
};

/* A heading row (no record behind it). */
static void add_heading(struct tui_rows *out, const char *text)
{
	tui_rows_add(out, ROW_KEY(ROW_NONE, out->n), xasprintf("-- %s --", text));
}

/* The particulars and the state of the case: its age or its outcome. */
static void add_case_rows(struct case_view *cv, struct tui_rows *out)
{
	struct tui *t = cv->t;
	struct rowset r = { 0 };
	if (dispute_case_details(t->app->st, cv->id, &r, NULL) != 0 || !r.n) {
		rowset_free(&r);
		return;
	}
#define COL(c) rowset_text(&r, 0, DISPUTE_C_##c)
	snprintf(cv->title, sizeof cv->title, "%s", COL(CASE_NO));
	const char *received = COL(RECEIVED);
	tui_rows_add(out, ROW_KEY(ROW_CASE, cv->id),
		     xasprintf(_("Received %s (%s), %s"), received, label_of(t, "dispute_source", COL(SOURCE)),
			       label_of(t, "dispute_category", COL(CATEGORY))));
	tui_rows_add(out, ROW_KEY(ROW_CASE, cv->id), xasprintf(_("Summary: %s"), COL(SUMMARY)));
	struct strbuf sb = { 0 };
	if (*COL(AMOUNT))
		sb_appendf(&sb, _("Amount %s yuan. "), COL(AMOUNT));
	if (*COL(RISK)) {
		char *risk = xstrdup(COL(RISK));
		for (char *save = NULL, *c = strtok_r(risk, ",", &save); c; c = strtok_r(NULL, ",", &save))
			sb_appendf(&sb, "[%s] ", label_of(t, "dispute_risk", c));
		free(risk);
	}
	sb_appendf(&sb, _("Mediators: %s"), COL(MEDIATORS));
	tui_rows_add(out, ROW_KEY(ROW_CASE, cv->id), sb_take(&sb));

	add_heading(out, _("Outcome (F7)"));
	const char *outcome = COL(OUTCOME);
	char due[11] = "";
	int days = 0;
	if (!*outcome) {
		dispute_due_date(received, due);
		dispute_days_between(received, cv->today, &days);
		bool late = dispute_overdue(received, cv->today);
		tui_rows_add(out, ROW_KEY(ROW_OUTCOME, cv->id),
			     late ? xasprintf(_("OVERDUE: open for %d days; it should have closed by %s"), days, due)
				  : xasprintf(_("Open for %d days; to be closed by %s"), days, due));
	} else {
		bool written = strcmp(COL(AGREEMENT_FORM), DISPUTE_WRITTEN) == 0;
		tui_rows_add(out, ROW_KEY(ROW_OUTCOME, cv->id),
			     xasprintf("%s %s%s%s", label_of(t, "dispute_outcome", outcome), COL(OUTCOME_DATE),
				       *COL(AGREEMENT_FORM) ? ", " : "", *COL(AGREEMENT_FORM) ? label_of(t, "dispute_agreement", COL(AGREEMENT_FORM)) : ""));
		if (*COL(OUTCOME_REASON))
			tui_rows_add(out, ROW_KEY(ROW_OUTCOME, cv->id), xasprintf(_("Reason: %s"), COL(OUTCOME_REASON)));
		if (written) {
			tui_rows_add(out, ROW_KEY(ROW_OUTCOME, cv->id),
				     xasprintf(_("To be performed by %s (F3 prints the agreement)"), COL(PERFORMANCE_DEADLINE)));
			char deadline[11] = "";
			int left = 0;
			dispute_confirm_deadline(COL(AGREEMENT_DATE), deadline);
			dispute_confirm_days_left(COL(AGREEMENT_DATE), cv->today, &left);
			char *line;
			if (*COL(CONFIRM_APPLIED))
				line = xasprintf(_("Judicial confirmation applied for on %s%s: %s"), COL(CONFIRM_APPLIED),
						 strcmp(COL(CONFIRM_LATE), "1") == 0 ? _(" (after the 30 days)") : "",
						 *COL(CONFIRM_RESULT) ? label_of(t, "dispute_confirm", COL(CONFIRM_RESULT)) : _("awaiting the ruling"));
			else if (left >= 0)
				line = xasprintf(_("Judicial confirmation: %d day(s) left to apply jointly (until %s) (F8)"), left, deadline);
			else
				line = xasprintf(_("Judicial confirmation: the 30 days ended on %s (F8 records a late application)"), deadline);
			tui_rows_add(out, ROW_KEY(ROW_CONFIRM, cv->id), line);
		}
	}
#undef COL
	rowset_free(&r);
}

/* The parties: role, name, where from, a masked phone; never an ID number. */
static void add_party_rows(struct case_view *cv, struct tui_rows *out)
{
	struct tui *t = cv->t;
	struct rowset r = { 0 };
	add_heading(out, _("Parties (F5 adds one)"));
	dispute_case_parties(t->app->st, cv->id, &r, NULL);
	for (size_t i = 0; i < r.n; i++) {
		char phone[32];
		const char *number = rowset_text(&r, i, DISPUTE_P_PHONE);
		phone_mask(number, phone);
		struct strbuf sb = { 0 };
		tui_col(&sb, label_of(t, "dispute_role", rowset_text(&r, i, DISPUTE_P_ROLE)), 10);
		tui_col(&sb, rowset_text(&r, i, DISPUTE_P_NAME), 14);
		tui_col(&sb, rowset_int(&r, i, DISPUTE_P_REGISTERED) ? _("registered here") : _("from outside"), 10);
		sb_append(&sb, *number ? phone : "");
		tui_rows_add(out, ROW_KEY(ROW_PARTY, rowset_int(&r, i, DISPUTE_P_ID)), sb_take(&sb));
	}
	rowset_free(&r);
}

/* The sessions and the visits. */
static void add_child_rows(struct case_view *cv, struct tui_rows *out)
{
	struct tui *t = cv->t;
	struct rowset r = { 0 };
	add_heading(out, _("Sessions (F6 adds a record)"));
	dispute_case_sessions(t->app->st, cv->id, &r, NULL);
	for (size_t i = 0; i < r.n; i++)
		tui_rows_add(out, ROW_KEY(ROW_SESSION, rowset_int(&r, i, DISPUTE_S_ID)),
			     xasprintf("%s %-5s %s: %s", rowset_text(&r, i, DISPUTE_S_DATE), rowset_text(&r, i, DISPUTE_S_TIME),
				       rowset_text(&r, i, DISPUTE_S_PLACE), rowset_text(&r, i, DISPUTE_S_RESULT)));
	rowset_free(&r);
	add_heading(out, _("Follow-up visits (F9 schedules one)"));
	dispute_case_visits(t->app->st, cv->id, &r, NULL);
	for (size_t i = 0; i < r.n; i++) {
		const char *due = rowset_text(&r, i, DISPUTE_V_DUE), *done = rowset_text(&r, i, DISPUTE_V_DONE);
		char *line = *done ? xasprintf(_("Due %s, visited %s: %s %s"), due, done,
					       label_of(t, "dispute_performance", rowset_text(&r, i, DISPUTE_V_PERFORMANCE)),
					       rowset_text(&r, i, DISPUTE_V_NOTES))
				   : strcmp(due, cv->today) < 0
					? xasprintf(_("Due %s: NOT YET MADE"), due)
					: xasprintf(_("Due %s"), due);
		tui_rows_add(out, ROW_KEY(ROW_VISIT, rowset_int(&r, i, DISPUTE_V_ID)), line);
	}
	rowset_free(&r);
}

/* The case screen's rows: everything at once (a case has a few dozen at most). */
static int case_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		      struct tui_rows *out, char **err)
{
	struct case_view *cv = ctx;
	struct tui_rows all = { 0 };
	(void)query;
	add_case_rows(cv, &all);
	add_party_rows(cv, &all);
	add_child_rows(cv, &all);
	for (size_t i = 0; i < all.n; i++) {
		if (i >= offset && out->n < limit) {
			tui_rows_add(out, all.key[i], all.text[i]);
			all.text[i] = NULL;
		}
	}
	tui_rows_free(&all);
	return 0;
}

/* F3: the agreement or the session records, offered as every document is. */
static void case_print(struct case_view *cv)
{
	struct tui *t = cv->t;
	const char *docs[] = { _("The agreement (协议书)"), _("The session records (笔录)") };
	int which = tui_choose(t, _("Print"), docs, ARRAY_LEN(docs), 0);
	if (which < 0)
		return;
	char *err = NULL;
	char *text = which == 0 ? dispute_agreement_text(t->app->st, t->app->forms, cv->id, &err)
				: dispute_record_text(t->app->st, t->app->forms, cv->id, &err);
	if (!text) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return;
	}
	char *file = xasprintf(which == 0 ? "agreement-%lld.txt" : "record-%lld.txt", (long long)cv->id);
	tui_print(t, docs[which], text, file);
	free(file);
	free(text);
}

/* Opens the selected row's record on its form. */
static void case_open_row(struct case_view *cv, int64_t sel)
{
	struct tui *t = cv->t;
	switch (ROW_KIND(sel)) {
	case ROW_CASE: case_form(t, cv->id); break;
	case ROW_PARTY: child_form(t, "dispute_party", "party", N_("Party"), cv->id, ROW_ID(sel)); break;
	case ROW_SESSION: child_form(t, "dispute_session", "session", N_("Session record"), cv->id, ROW_ID(sel)); break;
	case ROW_OUTCOME: child_form(t, "dispute_outcome", "outcome", N_("Outcome"), cv->id, 0); break;
	case ROW_CONFIRM: child_form(t, "dispute_confirm", "confirm", N_("Judicial confirmation"), cv->id, 0); break;
	case ROW_VISIT: child_form(t, "dispute_visit", "visit", N_("Follow-up visit"), cv->id, ROW_ID(sel)); break;
	default: break;
	}
}

/* Keys of the case screen: a record opened, added, printed. */
static enum tui_list_action case_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct case_view *cv = ctx;
	switch (k) {
	case TK_ENTER:
		if (sel >= 0)
			case_open_row(cv, sel);
		return TUI_LIST_RELOAD;
	case TK_F3: case_print(cv); return TUI_LIST_RELOAD;
	case TK_F5: child_form(t, "dispute_party", "party", N_("New party"), cv->id, 0); return TUI_LIST_RELOAD;
	case TK_F6: child_form(t, "dispute_session", "session", N_("New session record"), cv->id, 0); return TUI_LIST_RELOAD;
	case TK_F7: child_form(t, "dispute_outcome", "outcome", N_("Outcome"), cv->id, 0); return TUI_LIST_RELOAD;
	case TK_F8:
		if (!dispute_case_written(t->app->st, cv->id))
			tui_error(t, "%s", _("Judicial confirmation is applied for on a written agreement: record it first."));
		else
			child_form(t, "dispute_confirm", "confirm", N_("Judicial confirmation"), cv->id, 0);
		return TUI_LIST_RELOAD;
	case TK_F9: child_form(t, "dispute_visit", "visit", N_("New follow-up visit"), cv->id, 0); return TUI_LIST_RELOAD;
	case TK_F1:
		tui_show_text(t, _("Mediation case"),
			      _("Enter opens the line's record. F5 adds a party (a resident found by F4, or a person "
				"from outside), F6 a session record (调解笔录), F7 records the outcome and the agreement, "
				"F8 the joint application for judicial confirmation (within 30 days of a written "
				"agreement), F9 schedules or records a follow-up visit, F3 prints the agreement or "
				"the records. A case should close within one month."));
		return TUI_LIST_STAY;
	default:
		return TUI_LIST_STAY;
	}
}

static const struct tui_hint case_hints[] = {
	{ "Enter", N_("Open") }, { "F3", N_("Print") }, { "F5", N_("Party") }, { "F6", N_("Session record") },
	{ "F7", N_("Result") }, { "F8", N_("Judicial confirmation") }, { "F9", N_("Follow-up visit") },
	{ "F10", N_("Back") },
};

void tui_dispute_case(struct tui *t, int64_t id)
{
	if (!access_allows(t->app->st, ACCESS_DISPUTE_VIEW)) {
		char *why = access_refusal(t->app->st, ACCESS_DISPUTE_VIEW);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	struct case_view cv = { .t = t, .id = id };
	store_today(cv.today);
	struct tui_rows probe = { 0 };
	case_fetch(&cv, "", 0, 1, &probe, NULL);  /* reads the case number for the title */
	tui_rows_free(&probe);
	struct tui_list_def def = {
		.title = cv.title, .hints = case_hints, .nhints = ARRAY_LEN(case_hints),
		.ctx = &cv, .fetch = case_fetch, .on_key = case_key,
	};
	tui_list_run(t, &def, NULL);
}
