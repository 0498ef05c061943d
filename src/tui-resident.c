/* tui-resident: the resident list (incremental search) and the resident form with its
 * checks before create: an ID number already registered offers that resident, and a
 * same-name, same-birth-date resident is shown as a possible duplicate. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "resident.h"
#include "search.h"
#include "tui-form.h"
#include "tui-list.h"
#include "tui-record.h"
#include "tui-screens.h"
#include "tui-signin.h"
#include "tui-village.h"
#include "util.h"

/* ---- the list ---- */

static const struct tui_hint list_hints[] = {
	{ "F1", N_("Help") }, { "Enter", N_("Open") }, { "F5", N_("Household") }, { "F6", N_("Unmask") },
	{ "F7", N_("New") }, { "F8", N_("Status") }, { "F9", N_("History") }, { "F10", N_("Back") },
};

/* Translated label of a code in a named list, or the code itself. */
static const char *code_label(struct tui *t, const char *list, const char *code)
{
	const char *l = codelist_label(form_codelist(t->app->forms, list), code);
	return l ? l : code;
}

/* Lays out one resident as a list line. Caller frees. */
static char *resident_line(struct tui *t, const struct resident_row *r)
{
	char id[32], phone[32];
	struct strbuf sb = { 0 };
	idcard_mask(r->id_number ? r->id_number : "", id);
	phone_mask(r->phone ? r->phone : "", phone);
	tui_col(&sb, r->name, 14);
	tui_col(&sb, *r->sex ? code_label(t, "sex", r->sex) : "", 2);
	tui_col(&sb, r->birth, 10);
	tui_col(&sb, r->id_number && *r->id_number ? id : "", 18);
	tui_col(&sb, r->phone && *r->phone ? phone : "", 11);
	tui_col(&sb, r->hh_no ? r->hh_no : "", 12);
	sb_append(&sb, strcmp(r->living, "1") == 0 ? "" : code_label(t, "living_status", r->living));
	return sb_take(&sb);
}

/* The column heads of the resident list, laid out like the lines. Caller frees. */
static char *resident_header(void)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Name"), 14);
	tui_col(&sb, _("Sex"), 2);
	tui_col(&sb, _("Birth date"), 10);
	tui_col(&sb, _("ID number"), 18);
	tui_col(&sb, _("Phone"), 11);
	tui_col(&sb, _("Household"), 12);
	sb_append(&sb, _("Status"));
	return sb_take(&sb);
}

/* A page of the shared resident search as lines, each made by line; village: the
 * list's filter (0 every village; a picker searches them all). */
static int resident_fetch_lines(struct tui *t, const char *query, int64_t village, size_t offset, size_t limit,
				struct tui_rows *out, char **err,
				char *(*line)(struct tui *t, const struct resident_row *r))
{
	struct search_result res = { 0 };
	if (search_residents_in(t->app->st, query, village, offset, limit,
				&res, err) != 0)
		return -1;
	for (size_t i = 0; i < res.n; i++)
		tui_rows_add(out, res.rows[i].id, line(t, &res.rows[i]));
	search_result_free(&res);
	return 0;
}

/* fetch callback of the list: the shared resident search. */
static int resident_fetch(void *ctx, const char *query, size_t offset, size_t limit,
			  struct tui_rows *out, char **err)
{
	struct tui_village_list *vl = ctx;
	return resident_fetch_lines(vl->t, query, vl->t->app->village, offset, limit, out, err, resident_line);
}

/* ---- the resident picker (a request's applicant, a dispute's party) ---- */

/* One resident as a picker line: masked phone, no ID number in a list. Caller frees. */
static char *pick_line(struct tui *t, const struct resident_row *r)
{
	(void)t;
	char phone[32];
	struct strbuf sb = { 0 };
	phone_mask(r->phone ? r->phone : "", phone);
	tui_col(&sb, r->name, 14);
	tui_col(&sb, r->birth, 10);
	tui_col(&sb, r->phone && *r->phone ? phone : "", 11);
	tui_col(&sb, r->hh_no ? r->hh_no : "", 15);
	sb_append(&sb, r->address ? r->address : "");
	return sb_take(&sb);
}

/* The picker's rows: the register's own search; nothing before the clerk types. */
static int pick_fetch(void *ctx, const char *query, size_t offset, size_t limit, struct tui_rows *out,
		      char **err)
{
	if (!*query)
		return 0;
	return resident_fetch_lines(ctx, query, 0, offset, limit, out, err, pick_line);
}

int64_t tui_resident_pick(struct tui *t, const char *title, const char *query)
{
	struct strbuf head = { 0 };
	tui_col(&head, _("Name"), 14);
	tui_col(&head, _("Birth date"), 10);
	tui_col(&head, _("Phone"), 11);
	tui_col(&head, _("Household"), 15);
	sb_append(&head, _("Address"));
	struct tui_list_def def = {
		.title = title, .header = head.s, .query = true,
		.query_label = N_("Search (name, pinyin, ID/phone tail, household no.):"),
		.ctx = t, .fetch = pick_fetch,
	};
	int64_t id;
	bool picked = tui_list_pick(t, &def, query, &id);
	sb_free(&head);
	return picked ? id : 0;
}

/* Keys of the resident list. */
static enum tui_list_action resident_list_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	if (tui_village_list_key(t, ctx, k))
		return TUI_LIST_RELOAD;
	switch (k) {
	case TK_ENTER:
		if (sel < 0)
			return TUI_LIST_STAY;
		tui_resident_edit(t, sel);
		return TUI_LIST_RELOAD;
	case TK_F6:
		if (sel >= 0)
			tui_unmask_resident(t, sel);
		return TUI_LIST_STAY;
	case TK_F7:
		tui_resident_new(t, 0);
		return TUI_LIST_RELOAD;
	case TK_F8:
		if (sel >= 0)
			tui_resident_set_status(t, sel);
		return TUI_LIST_RELOAD;
	case TK_F9:
		if (sel >= 0)
			tui_history_show(t, "resident", sel, _("Resident"));
		return TUI_LIST_STAY;
	case TK_F5: {
		int64_t hh = sel >= 0 ? resident_household(t->app->st, sel) : 0;
		if (hh)
			tui_household_view(t, hh);
		else if (sel >= 0)
			tui_error(t, "%s", _("This resident belongs to no household yet: open him or her and press F4 in the household field."));
		return TUI_LIST_RELOAD;
	}
	case TK_F1:
		tui_show_text(t, _("Residents"),
			      _("Type to search: a name or part of it, pinyin initials (lfl for Long Fali), "
				"the last 4 or more digits of an ID or phone number, or a household number. "
				"Up/Down and PgUp/PgDn move, Enter opens the resident, F7 registers a new one, "
				"F8 records a move, death or cancellation, F9 shows who changed what, "
				"F5 opens the household. In a register of several villages F4 shows one village."));
		return TUI_LIST_STAY;
	default:
		return TUI_LIST_STAY;
	}
}

void tui_resident_list(struct tui *t, const char *query)
{
	char *header = resident_header();
	struct tui_list_def def = {
		.title = N_("Residents"), .header = header, .query = true,
		.query_label = N_("Search (name, pinyin, ID/phone tail, household no.):"),
		.hints = list_hints, .nhints = ARRAY_LEN(list_hints),
		.fetch = resident_fetch, .on_key = resident_list_key,
	};
	struct tui_village_list vl;
	tui_village_list_begin(t, &vl, &def);
	def.ctx = &vl;
	tui_list_run(t, &def, query);
	tui_village_list_end(&vl);
	free(header);
}

/* ---- the form ---- */

struct resident_ctx {
	struct tui *t;
	int64_t id;           /* 0 until saved */
	int64_t open_instead; /* the clerk chose to open an existing resident */
	int64_t next_household; /* F7: the new resident joins this one's household */
};

static const struct tui_hint form_hints[] = {
	{ "F3", N_("Search") }, { "F5", N_("Household") }, { "F7", N_("New") },
	{ "F8", N_("Status") }, { "F9", N_("History") },
};

/* Field index by name in the form being edited. */
static int fidx(struct tui_form *f, const char *name)
{
	return form_field_index(f->data->def, name);
}

/* A value of the form by field name (NULL when empty or unknown). */
static const char *fval(struct tui_form *f, const char *name)
{
	int i = fidx(f, name);
	const char *v = i >= 0 ? tui_form_value(f, (size_t)i) : NULL;
	return v && *v ? v : NULL;
}

/* On leaving the ID number: a number already registered offers to open that resident. */
static void resident_field_left(void *ctx, struct tui_form *f, size_t field)
{
	struct resident_ctx *rc = ctx;
	if (f->data->def->fields[field].type != FIELD_IDNUMBER)
		return;
	const char *idn = fval(f, f->data->def->fields[field].name);
	char *name = NULL, *birth = NULL;
	int64_t other = resident_id_owner(rc->t->app->st, idn, rc->id, &name, &birth);
	if (!other)
		return;
	char *q = xasprintf(_("The ID number %s is already registered for %s (born %s). Open that resident instead?"),
			    idn, name, birth);
	if (tui_confirm(rc->t, q, true)) {
		rc->open_instead = other;
		f->close = true;
	} else {
		tui_error(rc->t, "%s", _("This ID number is already registered: it cannot be saved twice."));
	}
	free(q);
	free(name);
	free(birth);
}

/* F2 after validation: the possible-duplicate check, then the one write path. */
static int resident_form_save(void *ctx, struct tui_form *f, char **err)
{
	struct resident_ctx *rc = ctx;
	struct tui *t = rc->t;
	if ((*err = resident_id_refusal(t->app->st, f->data, rc->id)))
		return -1;
	if (rc->id == 0) {
		char *dups = resident_duplicates(t->app->st, fval(f, "name"), fval(f, "birth_date"), 0);
		if (dups) {
			char *q = xasprintf(_("Possible duplicate: a resident with the same name and birth date is registered:%s\n\nRegister this one anyway?"), dups);
			bool go = tui_confirm(t, q, false);
			free(q);
			free(dups);
			if (!go) {
				*err = xstrdup(_("Not saved: check the possible duplicate first (F3 searches)."));
				return -1;
			}
		}
	}
	bool is_new = rc->id == 0;
	int64_t id = rc->id;
	if (resident_save(t->app->st, f->data, &id, err) != 0)
		return -1;
	/* the form shows the record as stored, merged with another session's changes */
	rc->id = id;
	if (tui_record_load(t, f->data, id, err) != 0)
		return -1;
	f->title = N_("Resident");
	const char *saved = fval(f, "name");
	if (is_new)
		tui_message(t, _("%s is registered (record %lld)."), saved ? saved : "", (long long)id);
	else
		tui_message(t, _("The changes to %s are saved."), saved ? saved : "");
	return 0;
}

/* Beside the household field: its number and address. */
static char *resident_ref_text(void *ctx, const struct field_def *fd, const char *value)
{
	struct resident_ctx *rc = ctx;
	if (!fd->ref_table || strcmp(fd->ref_table, "household") != 0)
		return NULL;
	return tui_household_text(rc->t, strtoll(value, NULL, 10));
}

/* F4 on the household field: pick one, or create it there with F7. */
static char *resident_ref_pick(void *ctx, struct tui_form *f, size_t field)
{
	struct resident_ctx *rc = ctx;
	(void)field;
	int64_t hh = tui_household_find(rc->t, N_("Household (F7: a new household)"), f->pick_query);
	return hh ? xasprintf("%lld", (long long)hh) : NULL;
}

/* The form's own keys: F3 search by name, F5 household, F7 new, F8 status, F9 history. */
static bool resident_form_key(void *ctx, struct tui_form *f, int k)
{
	struct resident_ctx *rc = ctx;
	struct tui *t = rc->t;
	switch (k) {
	case TK_F3:
		tui_resident_list(t, fval(f, "name"));
		break;
	case TK_F5: {
		const char *hh = fval(f, "household_id");
		if (!hh) {
			tui_error(t, "%s", _("No household yet: press F4 in the household field to choose or create one."));
			return true;
		}
		tui_household_view(t, strtoll(hh, NULL, 10));
		break;
	}
	case TK_F7:
		if (f->dirty && !tui_confirm(t, _("The changes are not saved. Start a new resident and lose them?"), false))
			break;
		/* a family is registered one member after another: the next joins this household */
		rc->next_household = fval(f, "household_id") ? strtoll(fval(f, "household_id"), NULL, 10) : 0;
		rc->open_instead = -1;
		f->close = true;
		return true;
	case TK_F8:
		if (rc->id == 0) {
			tui_error(t, "%s", _("Save the resident first (F2)."));
			return true;
		}
		if (f->dirty) {
			tui_error(t, "%s", _("Save the changes first (F2), then record the status."));
			return true;
		}
		if (tui_resident_set_status(t, rc->id)) {
			char *err = NULL;
			if (tui_record_load(t, f->data, rc->id, &err) != 0)
				tui_error(t, "%s", err);
			free(err);
			int i = fidx(f, "living_status");
			if (i >= 0)
				tui_form_set(f, (size_t)i, f->data->values[i]);
			f->dirty = false;
		}
		break;
	case TK_F9:
		if (rc->id == 0) {
			tui_error(t, "%s", _("A new resident has no history yet."));
			return true;
		}
		tui_history_show(t, "resident", rc->id, fval(f, "name"));
		break;
	default:
		return false;
	}
	tui_form_draw(f);
	return true;
}

/* Runs the resident form on id (0 = new, with household set); follows the clerk's
 * choice to open another resident or start a new one. Returns the last saved id. */
static int64_t resident_form(struct tui *t, int64_t id, int64_t household)
{
	const struct form_def *def = form_get(t->app->forms, "resident");
	int64_t saved_id = 0;
	if (!def) {
		tui_error(t, "%s", _("The resident form definition (resident.form) is missing."));
		return 0;
	}
	while (!t->quit) {
		struct form_data d;
		struct resident_ctx rc = { .t = t, .id = id };
		struct tui_form_ops ops = {
			.ctx = &rc, .field_left = resident_field_left, .save = resident_form_save,
			.ref_text = resident_ref_text, .ref_pick = resident_ref_pick,
			.key = resident_form_key, .hints = form_hints, .nhints = ARRAY_LEN(form_hints),
		};
		char *err = NULL;
		form_data_init(&d, def);
		if (id && tui_record_load(t, &d, id, &err) != 0) {
			tui_error(t, "%s", err);
			free(err);
			form_data_free(&d);
			break;
		}
		int hi = form_field_index(def, "household_id");
		if (!id && household && hi >= 0) {
			char *hv = xasprintf("%lld", (long long)household);
			form_data_set(&d, (size_t)hi, hv);
			free(hv);
		}
		if (id == 0)
			tui_message(t, "%s", _("New resident: type the name, then the ID number; F2 saves."));
		tui_form_run(t, id ? N_("Resident") : N_("New resident"), &d, id == 0, &ops);
		form_data_free(&d);
		if (rc.id)
			saved_id = rc.id;
		if (rc.open_instead > 0)
			id = rc.open_instead;
		else if (rc.open_instead < 0) {
			id = 0;
			household = rc.next_household;
		}
		else
			break;
	}
	return saved_id;
}

void tui_resident_edit(struct tui *t, int64_t id)
{
	resident_form(t, id, 0);
}

int64_t tui_resident_new(struct tui *t, int64_t household_id)
{
	return resident_form(t, 0, household_id);
}
