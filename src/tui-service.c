/* tui-service: the 便民服务 screens (see tui-service.h). The work list and the picker
 * are the list engine's, the request form the form engine's; the statistics screen
 * draws its table and a bar chart (tui-chart) of the month. */
#include "tui-service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "auth.h"
#include "civil.h"
#include "form.h"
#include "i18n.h"
#include "rowset.h"
#include "service.h"
#include "store.h"
#include "text.h"
#include "tui-form.h"
#include "tui-ledger.h"
#include "tui-list.h"
#include "tui-print.h"
#include "tui-record.h"
#include "tui-screens.h"
#include "tui-stats.h"
#include "tui-village.h"
#include "util.h"
#include "workday.h"

/* ---- small helpers ---- */

/* False, with the refusal on the message line, when the operator lacks right r. */
static bool service_may(struct tui *t, enum access_right r)
{
	if (access_allows(t->app->st, r))
		return true;
	char *why = access_refusal(t->app->st, r);
	tui_error(t, "%s", why);
	free(why);
	return false;
}

/* The signed-in operator's name (or login). Caller frees. */
static char *operator_name(struct tui *t)
{
	char *n = auth_current_name(t->app->st);
	return n ? n : xstrdup("");
}

/* The item's code and name for a list column. Caller frees. */
static char *item_text(const char *code)
{
	const struct service_item *it = service_item_find(service_catalog_default(), code);
	return xasprintf("%s %s", code ? code : "", it ? service_item_name(it) : "");
}

/* ---- the request form ---- */

struct form_ctx {
	struct tui *t;
	int64_t id;        /* the saved request */
	char *number;
};

/* The value of a named field. Borrowed. */
static const char *field_value(struct tui_form *f, const char *name)
{
	int i = form_field_index(f->data->def, name);
	return i < 0 ? NULL : tui_form_value(f, (size_t)i);
}

/* After the item: fills the materials and says the promised date. */
static void request_field_left(void *ctx, struct tui_form *f, size_t field)
{
	struct form_ctx *fc = ctx;
	if (strcmp(f->data->def->fields[field].name, "item_code") != 0)
		return;
	const struct service_item *it = service_item_find(service_catalog_default(), field_value(f, "item_code"));
	if (!it)
		return;
	int mi = form_field_index(f->data->def, "materials");
	const char *m = mi >= 0 ? tui_form_value(f, (size_t)mi) : NULL;
	if (mi >= 0 && (!m || !*m))
		tui_form_set(f, (size_t)mi, it->materials);
	char today[11], due[11];
	store_today(today);
	workday_add(workday_default(), today, it->days, due);
	tui_message(fc->t, _("%s: %s, promised by %s (%d working days)%s"), it->code, it->department, due,
		    it->days, it->proxy ? "" : _("; the resident must come in person"));
}

/* Text beside the resident field: name, masked ID number, address. */
static char *request_ref_text(void *ctx, const struct field_def *fd, const char *value)
{
	struct form_ctx *fc = ctx;
	return value && *value ? service_applicant_text(fc->t->app->st, atoll(value)) : NULL;
}

/* F4 in the resident field: the search-first picker. */
static char *request_ref_pick(void *ctx, struct tui_form *f, size_t field)
{
	struct form_ctx *fc = ctx;
	int64_t id = tui_resident_pick(fc->t, N_("Find the resident"), f->pick_query);
	return id ? xasprintf("%lld", (long long)id) : NULL;
}

/* F2: logs the request through the service module (number, promised date, audit). */
static int request_save(void *ctx, struct tui_form *f, char **err)
{
	struct form_ctx *fc = ctx;
	const char *rid = field_value(f, "resident_id");
	struct service_new r = {
		.resident_id = rid && *rid ? atoll(rid) : 0,
		.visitor_name = field_value(f, "visitor_name"),
		.visitor_phone = field_value(f, "visitor_phone"),
		.item_code = field_value(f, "item_code"),
		.channel = field_value(f, "channel"),
		.content = field_value(f, "content"),
		.materials = field_value(f, "materials"),
		.handler = field_value(f, "handler"),
	};
	if (service_create(fc->t->app->st, &r, &fc->id, &fc->number, err) != 0)
		return -1;
	f->close = true;
	return 0;
}

/* The receipt of request number, offered as every document is (the print dialog);
 * Esc there leaves it unprinted. */
static void receipt_print(struct tui *t, const char *number)
{
	char *err = NULL;
	char *text = service_receipt_text(t->app->st, number, &err);
	if (text) {
		char *file = xasprintf("receipt-%s.txt", number);
		tui_print(t, _("Service receipt"), text, file);
		free(file);
	} else {
		tui_error(t, "%s", err ? err : "?");
	}
	free(text);
	free(err);
}

int64_t tui_service_new(struct tui *t)
{
	if (!service_may(t, ACCESS_SERVICE_EDIT))
		return 0;
	const struct form_def *def = form_get(t->app->forms, "service");
	if (!def) {
		tui_error(t, "%s", _("The service request form (service.form) is missing."));
		return 0;
	}
	struct form_ctx fc = { .t = t };
	struct tui_form_ops ops = {
		.ctx = &fc, .field_left = request_field_left, .save = request_save,
		.ref_text = request_ref_text, .ref_pick = request_ref_pick,
	};
	struct form_data d;
	form_data_init(&d, def);
	int hi = form_field_index(def, "handler");
	if (hi >= 0) {
		char *me = operator_name(t);
		form_data_set(&d, (size_t)hi, me);
		free(me);
	}
	tui_message(t, "%s", _("New request: F4 in Resident finds the applicant, F4 in Item lists the services; F2 logs it."));
	tui_form_run(t, N_("New service request"), &d, true, &ops);
	form_data_free(&d);
	if (fc.id) {
		tui_message(t, _("Logged as %s."), fc.number);
		receipt_print(t, fc.number);
	}
	free(fc.number);
	return fc.id;
}

/* ---- the work list ---- */

/* The column heads of the work list, laid out like its lines. Caller frees. */
static char *worklist_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Due on"), 10);
	tui_col(&sb, "", 6);
	tui_col(&sb, _("Number"), 12);
	tui_col(&sb, _("Item"), 22);
	tui_col(&sb, _("Applicant"), 8);
	tui_col(&sb, _("Handler"), 6);
	sb_append(&sb, _("Status"));
	return sb_take(&sb);
}

/* The work list on screen: whether it shows the overdue lines only, and its title
 * with the count of overdue ones, so the clerk sees the backlog before scrolling. */
struct worklist {
	struct tui *t;
	bool overdue_only;
	char title[160];
	char today[11];   /* of the last fetch: overdue is due before it */
	int64_t registers_overdue;   /* the registers' overdue records: counted at open and after Shift-Tab, not per key */
};

/* One work list line: overdue ones say so in their second column ("!超期") and are
 * drawn in bold. */
static char *worklist_line(void *ctx, const struct rowset *r, size_t i, bool *strong)
{
	const char *today = ((struct worklist *)ctx)->today;
	const char *due = rowset_text(r, i, SERVICE_WL_DUE);
	const char *number = rowset_text(r, i, SERVICE_WL_NUMBER);
	bool followup = rowset_int(r, i, SERVICE_WL_FOLLOWUP);
	bool overdue = *due && strcmp(due, today) < 0;
	*strong = overdue;
	struct strbuf sb = { 0 };
	tui_col(&sb, due, 10);
	char *flag = xasprintf("%s%s", overdue ? "!" : "", overdue ? _("Overdue") : "");
	tui_col(&sb, flag, 6);
	free(flag);
	size_t nl = strlen(number);
	tui_col(&sb, nl > 12 ? number + nl - 12 : number, 12);
	char *item = item_text(rowset_text(r, i, SERVICE_WL_ITEM));
	tui_col(&sb, item, 22);
	free(item);
	tui_col(&sb, rowset_text(r, i, SERVICE_WL_APPLICANT), 8);
	tui_col(&sb, rowset_text(r, i, SERVICE_WL_HANDLER), 6);
	sb_append(&sb, followup ? _("Follow-up due") : service_status_label(rowset_text(r, i, SERVICE_WL_STATUS)));
	return sb_take(&sb);
}

/* Sets the title: the list's name and how many of its lines are overdue. */
static void worklist_title(struct worklist *w)
{
	char today[11];
	store_today(today);
	long n = service_overdue_count(w->t->app->st, today);
	char *name = tui_village_title(w->t, w->overdue_only ? N_("Service work list, overdue only")
						     : N_("Service work list"));
	char *title = n ? xasprintf(_("%s (%ld overdue)"), name, n) : xstrdup(name);
	free(name);
	/* the registers' overdue records belong on the same desk: listed by Shift-Tab */
	if (w->registers_overdue) {
		char *more = xasprintf(_("%s · registers: %lld overdue"), title, (long long)w->registers_overdue);
		free(title);
		title = more;
	}
	snprintf(w->title, sizeof(w->title), "%s", title);
	free(title);
}

/* The work list's rows: a page of the open requests matching the query. */
static int worklist_rows(void *ctx, const char *query, size_t offset, size_t limit, struct rowset *out, char **err)
{
	struct worklist *w = ctx;
	store_today(w->today);
	if (service_worklist_in(w->t->app->st, query, w->overdue_only, w->today, w->t->app->village, offset, limit,
				out, err) != 0)
		return -1;
	worklist_title(w);
	return 0;
}

/* One "label: value" of a request's details, as the language writes it (a full-width
 * colon in Chinese), then end. */
static void detail(struct strbuf *sb, const char *label, const char *value, const char *end)
{
	sb_appendf(sb, _("%s: %s"), label, value);
	sb_append(sb, end);
}

/* The whole of a request as text, for Enter. Caller frees. */
static char *request_details(struct tui *t, int64_t id)
{
	struct rowset r = { 0 };
	struct strbuf sb = { 0 };
	if (service_request_details(t->app->st, id, &r, NULL) == 0 && r.n) {
#define COL(c) rowset_text(&r, 0, SERVICE_D_##c)
		char *item = item_text(COL(ITEM));
		const struct codelist *ch = form_codelist(t->app->forms, "service_channel");
		const char *chl = codelist_label(ch, COL(CHANNEL));
		detail(&sb, _("Number"), COL(NUMBER), "\n");
		detail(&sb, _("Applicant"), COL(APPLICANT), "\n");
		detail(&sb, _("Item"), item, "\n");
		detail(&sb, _("Channel"), chl ? chl : COL(CHANNEL), "\n");
		free(item);
		detail(&sb, _("Content"), COL(CONTENT), "\n");
		detail(&sb, _("Materials received"), COL(MATERIALS), "\n");
		char *who = xasprintf("%s / %s", COL(HANDLER), COL(DEPARTMENT));
		detail(&sb, _("Handler"), who, "\n");
		free(who);
		char since[CIVIL_CLOCK_TEXT];
		civil_clock_text(COL(STATUS_AT), since);
		char *status = xasprintf("%s (%s) %s", service_status_label(COL(STATUS)), since, COL(REASON));
		detail(&sb, _("Status"), status, "\n");
		free(status);
		detail(&sb, _("Accepted on"), COL(ACCEPTED), "   ");
		detail(&sb, _("Promised date"), COL(DUE), "   ");
		detail(&sb, _("Done on"), COL(DONE), "\n");
		if (*COL(OUTCOME))
			detail(&sb, _("What was done"), COL(OUTCOME), "\n");
		bool declined = rowset_int(&r, 0, SERVICE_D_DECLINED);
		if (!rowset_null(&r, 0, SERVICE_D_RATING) || declined) {
			char *rating = xasprintf("%s %s",
				service_rating_label(declined ? 0 : (int)rowset_int(&r, 0, SERVICE_D_RATING)), COL(COMMENT));
			detail(&sb, _("Rating"), rating, "\n");
			free(rating);
		}
		if (*COL(FOLLOWUP_DUE)) {
			detail(&sb, _("Follow-up due"), COL(FOLLOWUP_DUE), "   ");
			detail(&sb, _("Follow-up done on"), COL(FOLLOWUP_DONE), "\n");
			detail(&sb, _("Contact"), COL(CONTACT), "\n");
			detail(&sb, _("Rectification"), COL(RECTIFICATION), "\n");
		}
#undef COL
	}
	rowset_free(&r);
	return sb_take(&sb);
}

/* The number of a request. Caller frees. */
static char *request_number_of(struct tui *t, int64_t id)
{
	return service_request_number(t->app->st, id);
}

/* What an action did, for the message line. */
enum action_kind { ACT_START, ACT_CLOSE, ACT_FOLLOWUP, ACT_TRANSFER, ACT_RETURN };

/* Reports the result of an action on the message line; true when it succeeded. */
static bool action_done(struct tui *t, int rc, char *err, enum action_kind what, int64_t id)
{
	if (rc != 0) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return false;
	}
	char *number = request_number_of(t, id);
	const char *n = number ? number : "";
	switch (what) {
	case ACT_START: tui_message(t, _("%s is in progress."), n); break;
	case ACT_CLOSE: tui_message(t, _("%s is done."), n); break;
	case ACT_FOLLOWUP: tui_message(t, _("The follow-up of %s is recorded."), n); break;
	case ACT_TRANSFER: tui_message(t, _("%s is transferred."), n); break;
	case ACT_RETURN: tui_message(t, _("%s is returned."), n); break;
	}
	free(number);
	return true;
}

/* The outcome dialog's check: 办结 says what was done. */
static char *outcome_refusal(void *ctx, const char *outcome)
{
	(void)ctx;
	return service_outcome_refusal(outcome);
}

/* F8 on a request: the outcome (what was done, required), the rating (keys 1-5, 6
 * declined) and a comment, then 办结. */
static void action_close(struct tui *t, int64_t id)
{
	char *outcome = tui_prompt_checked(t, _("Close the request"), _("Outcome (what was done, required):"), "",
					   200, outcome_refusal, NULL);
	if (!outcome)
		return;
	const char *labels[6];
	for (int r = 1; r <= 5; r++)
		labels[r - 1] = service_rating_label(r);
	labels[5] = service_rating_label(SERVICE_RATING_DECLINED);
	int pick = tui_choose(t, _("Rating of the resident (5 = very satisfied)"), labels, 6, 4);
	char *comment = pick < 0 ? NULL : tui_prompt(t, _("Close the request"), _("Comment (may be empty):"), "", 200);
	if (!comment) {
		free(outcome);
		return;
	}
	int rating = pick == 5 ? SERVICE_RATING_DECLINED : pick + 1;
	char *err = NULL;
	int rc = service_close(t->app->st, id, outcome, rating, comment, &err);
	free(comment);
	free(outcome);
	if (action_done(t, rc, err, ACT_CLOSE, id) && (rating == 1 || rating == 2)) {
		char *due = service_followup_due_of(t->app->st, id);
		tui_message(t, _("A bad rating: a follow-up is due by %s (on the work list)."), due ? due : "");
		free(due);
	}
}

/* The follow-up dialogs' check: the register's own rule, said inside the dialog. */
static char *followup_refusal(void *ctx, const char *record)
{
	(void)ctx;
	return service_followup_refusal(record);
}

/* The transfer dialog's check: the note says why, for the next handler. */
static char *transfer_refusal(void *ctx, const char *note)
{
	(void)ctx;
	return service_transfer_refusal(note);
}

/* The return dialog's check: a request goes back only with a reason. */
static char *return_refusal(void *ctx, const char *reason)
{
	(void)ctx;
	return service_return_refusal(reason);
}

/* F8 on a follow-up: the contact and the rectification, both needed. */
static void action_followup(struct tui *t, int64_t id)
{
	char *contact = tui_prompt_checked(t, _("Follow-up"), _("How the resident was contacted:"), "", 200,
					   followup_refusal, NULL);
	if (!contact)
		return;
	char *fix = tui_prompt_checked(t, _("Follow-up"), _("What was rectified:"), "", 200,
				       followup_refusal, NULL);
	if (fix) {
		char *err = NULL;
		int rc = service_followup_close(t->app->st, id, contact, fix, &err);
		action_done(t, rc, err, ACT_FOLLOWUP, id);
	}
	free(contact);
	free(fix);
}

/* fetch of the handler picker: the enabled operators whose role may handle requests,
 * filtered by name or login as the clerk types. */
static int handler_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			 struct tui_rows *out, char **err)
{
	struct tui *t = ctx;
	struct auth_operator *ops;
	size_t n = auth_operators(t->app->st, &ops);   /* by login */
	(void)offset, (void)limit, (void)err;          /* a whole list: the engine pages it */
	for (size_t i = 0; i < n; i++) {
		const char *name = ops[i].name && *ops[i].name ? ops[i].name : ops[i].login;
		bool matches = !query || !*query || (ops[i].name && strstr(ops[i].name, query)) ||
			       strstr(ops[i].login, query);
		if (ops[i].disabled || !matches || !access_role_allows(ops[i].role, ACCESS_SERVICE_EDIT))
			continue;
		struct strbuf sb = { 0 };
		tui_col(&sb, name, 14);
		tui_col(&sb, ops[i].login, 16);
		sb_append(&sb, access_role_label(ops[i].role));
		tui_rows_add(out, ops[i].id, sb_take(&sb));
	}
	auth_operators_free(ops, n);
	return 0;
}

/* The new handler picked from the operators; NULL when the clerk went back. */
static char *pick_handler(struct tui *t)
{
	struct strbuf head = { 0 };
	tui_col(&head, _("Name"), 14);
	tui_col(&head, _("Login"), 16);
	sb_append(&head, _("Role"));
	struct tui_list_def def = {
		.title = N_("Transfer to which handler?"), .header = head.s, .query = true,
		.query_label = N_("Name or login:"), .ctx = t, .fetch = handler_fetch, .whole = true,
	};
	int64_t op;
	bool picked = tui_list_pick(t, &def, NULL, &op);
	sb_free(&head);
	return picked ? auth_operator_name(t->app->st, op) : NULL;
}

/* The new department picked from forms/codes/departments.codes, as its name shows;
 * NULL when the clerk went back or the list is missing (said on the message line). */
static char *pick_department(struct tui *t)
{
	const struct codelist *cl = form_codelist(t->app->forms, "departments");
	if (!cl || !cl->n) {
		tui_error(t, "%s", _("The list of departments (forms/codes/departments.codes) is missing."));
		return NULL;
	}
	size_t i;
	return tui_code_pick(t, N_("Transfer to which department?"), cl, &i) ? xstrdup(_(cl->items[i].label)) : NULL;
}

/* F6, 1: hands the request to another handler or department, both picked from lists. */
static void action_transfer(struct tui *t, int64_t id)
{
	const char *to[] = { _("Another handler"), _("Another department") };
	int which = tui_choose(t, _("Transfer to"), to, ARRAY_LEN(to), 0);
	char *handler = which == 0 ? pick_handler(t) : NULL;
	char *dept = which == 1 ? pick_department(t) : NULL;
	char *note = handler || dept ? tui_prompt_checked(t, _("Transfer"), _("Note (why, for the next handler):"), "",
							  200, transfer_refusal, NULL)
				     : NULL;
	if (note) {
		char *err = NULL;
		int rc = service_transfer(t->app->st, id, handler, dept, note, &err);
		action_done(t, rc, err, ACT_TRANSFER, id);
	}
	free(handler);
	free(dept);
	free(note);
}

/* F6, 2: returns the request with a reason. */
static void action_return(struct tui *t, int64_t id)
{
	char *reason = tui_prompt_checked(t, _("Return the request"), _("Reason:"), "", 200, return_refusal, NULL);
	if (!reason)
		return;
	char *err = NULL;
	int rc = service_return(t->app->st, id, reason, &err);
	free(reason);
	action_done(t, rc, err, ACT_RETURN, id);
}

/* F2: the receipt, offered as every document is (preview, file or printer). */
static void action_receipt(struct tui *t, int64_t id)
{
	char *number = request_number_of(t, id);
	if (number)
		receipt_print(t, number);
	free(number);
}

/* The id of the request whose number is typed or ends in it (the latest); 0 if none. */
static int64_t request_by_number(struct tui *t, const char *typed)
{
	return service_find_number_end(t->app->st, typed);
}

/* The requests of an applicant named as typed: nothing before the clerk types. */
static int applicant_rows(void *ctx, const char *query, size_t offset, size_t limit, struct rowset *out, char **err)
{
	struct tui *t = ctx;
	if (!query || !*query)
		return 0;
	return service_by_applicant(t->app->st, query, offset, limit, out, err);
}

/* One of them: accepted, number, item, applicant and status. */
static char *applicant_line(void *ctx, const struct rowset *r, size_t i, bool *strong)
{
	(void)ctx;
	(void)strong;
	struct strbuf sb = { 0 };
	const char *number = rowset_text(r, i, SERVICE_AP_NUMBER);
	size_t nl = strlen(number);
	tui_col(&sb, rowset_text(r, i, SERVICE_AP_ACCEPTED), 10);
	tui_col(&sb, nl > 12 ? number + nl - 12 : number, 12);
	char *item = item_text(rowset_text(r, i, SERVICE_AP_ITEM));
	tui_col(&sb, item, 22);
	free(item);
	tui_col(&sb, rowset_text(r, i, SERVICE_AP_APPLICANT), 8);
	sb_append(&sb, service_status_label(rowset_text(r, i, SERVICE_AP_STATUS)));
	return sb_take(&sb);
}

/* The request of an applicant picked from those whose name holds name; 0 if none. */
static int64_t request_by_applicant(struct tui *t, const char *name)
{
	struct strbuf head = { 0 };
	tui_col(&head, _("Accepted on"), 10);
	tui_col(&head, _("Number"), 12);
	tui_col(&head, _("Item"), 22);
	tui_col(&head, _("Applicant"), 8);
	sb_append(&head, _("Status"));
	struct tui_list_def def = {
		.title = N_("Requests of the applicant"), .header = head.s, .query = true,
		.query_label = N_("Applicant's name:"), .ctx = t, .rows = applicant_rows, .line = applicant_line, .key_col = SERVICE_AP_ID,
	};
	int64_t id;
	bool picked = tui_list_pick(t, &def, name, &id);
	sb_free(&head);
	return picked ? id : 0;
}

/* Whether typed is a request's number or its end (digits and dashes), not a name. */
static bool typed_number(const char *typed)
{
	return strspn(typed, "0123456789-") == strlen(typed);
}

/* The find dialog's check: a number no request's ends in is said in the dialog. */
static char *find_refusal(void *ctx, const char *typed)
{
	struct tui *t = ctx;
	if (!*typed || !typed_number(typed) || request_by_number(t, typed))
		return NULL;
	return xasprintf(_("No request's number ends in %s."), typed);
}

/* A request found by its number (or the end of it) or by the applicant's name: its
 * details, then the receipt. Digits are a number; anything else a name. */
static void service_find_request(struct tui *t)
{
	char *typed = tui_prompt_checked(t, _("Find a request"),
					 _("Number (or its end, e.g. 20261126-003) or the applicant's name:"), "", 40,
					 find_refusal, t);
	if (!typed || !*typed) {
		free(typed);
		return;
	}
	int64_t id = typed_number(typed) ? request_by_number(t, typed) : request_by_applicant(t, typed);
	if (id) {
		char *text = request_details(t, id);
		tui_show_text(t, _("Service request"), text);
		free(text);
		action_receipt(t, id);
	}
	free(typed);
}

/* F6: the two ways a request leaves its handler, transfer or return, on one key. */
static void action_transfer_or_return(struct tui *t, int64_t id)
{
	const char *labels[] = { _("Transfer"), _("Return") };
	switch (tui_choose(t, _("Transfer or return the request"), labels, ARRAY_LEN(labels), 0)) {
	case 0: action_transfer(t, id); break;
	case 1: action_return(t, id); break;
	default: break;
	}
}

/* F1 first and the contract's F3 next; at 80 columns the bar takes two lines. */
static const struct tui_hint worklist_hints[] = {
	{ "F1", N_("Help") }, { "F3", N_("Find") }, { "Tab", N_("Overdue/all") }, { "F7", N_("New") }, { "F5", N_("Start") },
	{ "F8", N_("Close") }, { "F6", N_("Transfer/return") }, { "F2", N_("Receipt") },
	{ "Shift-Tab", N_("Registers overdue") }, { "Enter", N_("Open") }, { "F9", N_("History") }, { "F10", N_("Back") },
};

/* Keys of the work list; sel is id * 2, plus 1 on a follow-up line. */
static enum tui_list_action worklist_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct worklist *w = ctx;
	if (k == TK_TAB) {   /* the overdue lines only, or all again (F4 picks a village) */
		w->overdue_only = !w->overdue_only;
		return TUI_LIST_RELOAD;
	}
	if (k == TK_F4)   /* one village's requests (tui-village.h) */
		return tui_village_filter(t) ? TUI_LIST_RELOAD : TUI_LIST_STAY;
	if (k == TK_BTAB) {  /* every register's overdue records, to open and step */
		tui_ledger_overdue(t);
		w->registers_overdue = tui_ledger_overdue_count(t);
		return TUI_LIST_RELOAD;
	}
	int64_t id = sel >= 0 ? sel / 2 : 0;
	bool followup = sel >= 0 && sel % 2;
	bool edit = k == TK_F7 || k == TK_F5 || k == TK_F8 || k == TK_F6;
	if (edit && !service_may(t, ACCESS_SERVICE_EDIT))
		return TUI_LIST_STAY;
	if (!id && k != TK_F7 && k != TK_F3 && k != TK_F1)
		return TUI_LIST_STAY;
	switch (k) {
	case TK_ENTER: {
		char *text = request_details(t, id);
		tui_show_text(t, _("Service request"), text);
		free(text);
		return TUI_LIST_STAY;
	}
	case TK_F7: tui_service_new(t); return TUI_LIST_RELOAD;
	case TK_F5: {
		char *err = NULL;
		action_done(t, service_start(t->app->st, id, &err), err, ACT_START, id);
		return TUI_LIST_RELOAD;
	}
	case TK_F8:
		if (followup)
			action_followup(t, id);
		else
			action_close(t, id);
		return TUI_LIST_RELOAD;
	case TK_F6: action_transfer_or_return(t, id); return TUI_LIST_RELOAD;
	case TK_F3: service_find_request(t); return TUI_LIST_STAY;
	case TK_F2: action_receipt(t, id); return TUI_LIST_STAY;
	case TK_F9: tui_history_show(t, "service_request", id, _("Service request")); return TUI_LIST_STAY;
	case TK_F1:
		tui_show_text(t, _("Service work list"),
			      _("Open requests and follow-ups, the earliest due first; \"!Overdue\" marks those past "
				"their date. Type a handler's name to see only his or hers. Enter shows a request, F7 logs "
				"a new one, F5 starts it, F8 closes it with the resident's rating (a follow-up line: "
				"records the contact and the rectification), F6 transfers it or returns it with a "
				"reason, F2 shows and prints the receipt, F9 the history. F3 finds any request by "
				"the end of its number or the applicant's name. Tab shows the overdue lines only (Tab "
				"again: all); the title counts them. Shift-Tab lists the records of the registers (台账) past "
				"their due date, counted in the title too: Enter there opens one. The statistics are "
				"in the Services menu."));
		return TUI_LIST_STAY;
	default:
		return TUI_LIST_STAY;
	}
}

void tui_service_worklist(struct tui *t)
{
	if (!service_may(t, ACCESS_SERVICE_VIEW))
		return;
	char *header = worklist_header();
	struct worklist w = { .t = t, .registers_overdue = tui_ledger_overdue_count(t) };
	worklist_title(&w);
	size_t nhints = ARRAY_LEN(worklist_hints);
	struct tui_hint *hints = tui_village_hints(t, worklist_hints, &nhints);
	struct tui_list_def def = {
		.title = w.title, .header = header, .query = true,
		.query_label = N_("Handler:"), .hints = hints, .nhints = nhints,
		.ctx = &w, .rows = worklist_rows, .line = worklist_line, .key_col = SERVICE_WL_KEY, .on_key = worklist_key,
	};
	tui_list_run(t, &def, NULL);
	free(hints);
	free(header);
}

void tui_service_first(struct tui *t)
{
	char *role = auth_current_role(t->app->st);
	bool clerk = role && strcmp(role, "clerk") == 0;
	free(role);
	if (clerk && access_allows(t->app->st, ACCESS_SERVICE_VIEW))
		tui_service_worklist(t);
}

void tui_service_menu(struct tui *t)
{
	static const char *const entries[] = {
		N_("Work list"), N_("New request"), N_("Statistics"), N_("Find a request"),
	};
	const char *labels[ARRAY_LEN(entries)];
	for (size_t i = 0; i < ARRAY_LEN(entries); i++)
		labels[i] = _(entries[i]);
	switch (tui_choose(t, _("Services"), labels, ARRAY_LEN(labels), 0)) {
	case 0: tui_service_worklist(t); break;
	case 1:
		if (tui_service_new(t))
			tui_service_worklist(t);
		break;
	case 2: tui_service_stats(t, NULL); break;
	case 3:
		if (service_may(t, ACCESS_SERVICE_VIEW))
			service_find_request(t);
		break;
	default: break;
	}
}

/* ---- statistics ---- */

static const char *const stats_groupings[] = {
	N_("By item"), N_("By handler"), N_("By village"), N_("By month, this year"),
};

static const struct tui_stats_column stats_columns[] = {
	{ N_("Requests"), 6 }, { N_("Done"), 6 }, { N_("On time"), 8 }, { N_("Rated"), 6 },
	{ N_("Good %"), 8 }, { N_("Follow-up"), 8 },
};

/* The month's requests in the statistics view every register shares. */
static const struct tui_stats_def stats_def = {
	.by_village = true,
	.title = N_("Service statistics"), .period = TUI_STATS_MONTH,
	.groupings = stats_groupings, .ngroupings = ARRAY_LEN(stats_groupings),
	.label_cols = 24, .columns = stats_columns, .ncolumns = ARRAY_LEN(stats_columns),
	.fetch = service_stats_sheet, .report = service_stats_report, .file_stem = "services",
	.help = N_("The requests logged in the month: how many were closed, how many on or before the "
		   "promised date, the ratings and the follow-ups of bad ones, as a table and as bars of the "
		   "requests with the good rating rate beside each. ←/→ (or PgUp/PgDn) change the "
		   "month; F5 or 1-4 group them by item, handler, village or month of the year; F6 prints, F7 "
		   "writes a CSV file, F3 shows the whole report. `shanzhi report services --month YYYY-MM` "
		   "prints the same figures."),
};

void tui_service_stats(struct tui *t, const char *month)
{
	if (service_may(t, ACCESS_SERVICE_VIEW))
		tui_stats_run(t, &stats_def, month);
}
