/* tui-ledger-record: the record screen of a declared register (its form, state, due
 * date, steps and the records of other registers linking to it), the transition
 * dialog and the printouts (see tui-ledger.h). */
#include "tui-ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "civil.h"
#include "i18n.h"
#include "ledger-links.h"
#include "ledger.h"
#include "rowset.h"
#include "store.h"
#include "tui-form.h"
#include "tui-list.h"
#include "tui-print.h"
#include "tui-record.h"
#include "tui-screens.h"
#include "tui-village.h"
#include "util.h"

/* ---- reference fields: picked and shown as the existing registers do ---- */

/* fetch of a picker over another register: its list, searched. */
struct ref_pick {
	struct tui *t;
	const struct ledger_def *d;
};

static int ref_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		     struct tui_rows *out, char **err)
{
	struct ref_pick *rp = ctx;
	struct rowset r = { 0 };
	if (ledger_list(rp->t->app->st, rp->d, query, offset, limit, &r, err) != 0)
		return -1;
	tui_ledger_rows_add(rp->t, rp->d, &r, out);
	rowset_free(&r);
	return 0;
}

/* A record picked from register d's list; 0 when none. */
static int64_t pick_ledger_record(struct tui *t, const struct ledger_def *d, const char *query)
{
	struct ref_pick rp = { t, d };
	char *header = tui_ledger_list_header(d);
	struct tui_list_def def = {
		.title = d->title, .header = header, .query = true, .query_label = N_("Search:"),
		.ctx = &rp, .fetch = ref_fetch,
	};
	int64_t id;
	bool picked = tui_list_pick(t, &def, query, &id);
	free(header);
	return picked ? id : 0;
}

/* The register whose table is table (ledger_NAME), or NULL. */
static const struct ledger_def *ledger_of_table(const char *table)
{
	const struct ledger_set *s = ledger_set_default();
	for (size_t i = 0; i < ledger_count(s); i++)
		if (strcmp(ledger_at(s, i)->table, table) == 0)
			return ledger_at(s, i);
	return NULL;
}

/* An id picked for a ref field to table; 0 when none. */
static int64_t ref_pick_id(struct tui *t, const char *table, const char *query)
{
	if (strcmp(table, "resident") == 0)
		return tui_resident_pick(t, N_("Find the resident"), query);
	if (strcmp(table, "household") == 0)
		return tui_household_find(t, N_("Household (F7: a new household)"), query);
	if (strcmp(table, "grid") == 0)
		return tui_grid_pick(t, query);
	if (strcmp(table, "village") == 0)
		return tui_village_pick(t, N_("Village"));
	const struct ledger_def *other = ledger_of_table(table);
	return other ? pick_ledger_record(t, other, query) : 0;
}

/* What a form on register d needs: the register, and for the record screen which
 * record and what is shown of it. */
struct lg_form {
	struct tui *t;
	const struct ledger_def *d;
	int64_t id;                        /* the record (0: not saved yet) */
	const struct ledger_transition *tr;    /* the transition dialog's, or NULL */
	bool stepped;
	char title[400];
};

static char *form_ref_text(void *ctx, const struct field_def *fd, const char *value)
{
	struct lg_form *lf = ctx;
	return value && *value ? ledger_cell_text(lf->t->app->st, lf->d, fd->name, value) : NULL;
}

static char *form_ref_pick(void *ctx, struct tui_form *f, size_t field)
{
	struct lg_form *lf = ctx;
	const struct field_def *fd = &f->data->def->fields[field];
	int64_t id = fd->ref_table ? ref_pick_id(lf->t, fd->ref_table, f->pick_query) : 0;
	return id ? xasprintf("%lld", (long long)id) : NULL;
}

/* ---- the transition dialog ---- */

/* F2 of the transition's form: the step, refused inside the form naming the field. */
static int step_save(void *ctx, struct tui_form *f, char **err)
{
	struct lg_form *lf = ctx;
	if (ledger_step(lf->t->app->st, lf->d, lf->id, lf->tr->name, f->data, NULL, err) != 0)
		return -1;
	lf->stepped = true;
	f->close = true;
	return 0;
}

bool tui_ledger_step(struct tui *t, const struct ledger_def *d, int64_t id)
{
	const struct ledger_transition **open = NULL;
	char *err = NULL;
	int n = ledger_transitions_open(t->app->st, d, id, &open, &err);
	if (n <= 0) {
		if (n < 0)
			tui_error(t, "%s", err ? err : "?");
		else
			tui_error(t, "%s", d->nstates ? _("No step is open to you from this record's state.")
						      : _("This register has no life cycle."));
		free(err);
		free(open);
		return false;
	}
	const char *labels[32];
	size_t nl = (size_t)n < ARRAY_LEN(labels) ? (size_t)n : ARRAY_LEN(labels);
	for (size_t i = 0; i < nl; i++)
		labels[i] = _(open[i]->label);
	int pick = tui_choose(t, _("Which step?"), labels, nl, 0);
	struct lg_form lf = { .t = t, .d = d, .id = id, .tr = pick >= 0 ? open[pick] : NULL };
	free(open);
	if (!lf.tr)
		return false;
	const char *to = ledger_state_label(d, lf.tr->to);
	if (lf.tr->form->nfields == 0) {
		char *q = xasprintf(_("%s: the record goes to %s. Go on?"), _(lf.tr->label), to);
		bool yes = tui_confirm(t, q, true);
		free(q);
		if (yes && ledger_step(t->app->st, d, id, lf.tr->name, NULL, NULL, &err) == 0)
			lf.stepped = true;
		else if (yes)
			tui_error(t, "%s", err ? err : "?");
		free(err);
	} else {
		snprintf(lf.title, sizeof lf.title, _("%s (to %s)"), _(lf.tr->label), to);
		struct tui_form_ops ops = {
			.ctx = &lf, .save = step_save, .ref_text = form_ref_text, .ref_pick = form_ref_pick,
		};
		struct form_data ad;
		form_data_init(&ad, lf.tr->form);
		tui_form_run(t, lf.title, &ad, true, &ops);
		form_data_free(&ad);
	}
	if (lf.stepped)
		tui_message(t, _("%s: the record is now %s."), _(lf.tr->label), to);
	return lf.stepped;
}

/* ---- printouts ---- */

void tui_ledger_print(struct tui *t, const struct ledger_def *d, int64_t id)
{
	if (!d->nprints) {
		tui_error(t, _("%s declares no printout."), _(d->title));
		return;
	}
	const char *labels[32];
	size_t n = d->nprints < ARRAY_LEN(labels) ? d->nprints : ARRAY_LEN(labels);
	for (size_t i = 0; i < n; i++)
		labels[i] = _(d->prints[i].title);
	int pick = n == 1 ? 0 : tui_choose(t, _("Which printout?"), labels, n, 0);
	if (pick < 0)
		return;
	const struct ledger_print *p = &d->prints[pick];
	char *err = NULL;
	char *text = ledger_print(t->app->st, d, p->name, id, &err);
	if (!text) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return;
	}
	char *file = xasprintf("%s-%s-%lld.txt", d->name, p->name, (long long)id);
	tui_print(t, _(p->title), text, file);
	free(file);
	free(text);
}

/* ---- the steps so far ---- */

/* The record's last max steps (0: all), oldest first, a line each, into sb; or why not. */
static void steps_lines(struct tui *t, const struct ledger_def *d, int64_t id, size_t max, struct strbuf *sb)
{
	struct rowset r = { 0 };
	char *err = NULL;
	if (ledger_history(t->app->st, d, id, &r, &err) != 0) {
		sb_appendf(sb, "%s\n", err ? err : "?");
		free(err);
	} else if (!r.n) {
		sb_appendf(sb, "%s\n", _("No step was made yet."));
	}
	for (size_t i = max && r.n > max ? r.n - max : 0; i < r.n; i++) {
		char at[CIVIL_CLOCK_TEXT];
		civil_clock_text(rowset_text(&r, i, LEDGER_HIST_AT), at);
		const struct ledger_transition *tr = ledger_transition(d, rowset_text(&r, i, LEDGER_HIST_TRANSITION));
		sb_appendf(sb, "%s  %s  %s \xE2\x86\x92 %s  %s", at,
			   tr ? _(tr->label) : rowset_text(&r, i, LEDGER_HIST_TRANSITION),
			   ledger_state_label(d, rowset_text(&r, i, LEDGER_HIST_FROM)),
			   ledger_state_label(d, rowset_text(&r, i, LEDGER_HIST_TO)),
			   rowset_text(&r, i, LEDGER_HIST_OPERATOR));
		if (*rowset_text(&r, i, LEDGER_HIST_NOTE))
			sb_appendf(sb, "  %s", rowset_text(&r, i, LEDGER_HIST_NOTE));
		sb_append(sb, "\n");
	}
	rowset_free(&r);
}

/* The record's steps, oldest first, as text (F9). Caller frees. */
static char *steps_text(struct tui *t, const struct ledger_def *d, int64_t id)
{
	struct strbuf sb = { 0 };
	steps_lines(t, d, id, 0, &sb);
	return sb_take(&sb);
}

/* ---- the records linking here ---- */

struct lg_links {
	struct tui *t;
	const struct ledger_link *link;
	int64_t id;
	char title[200];
};

static int links_fetch(void *ctx, const char *query, size_t offset, size_t limit,
		       struct tui_rows *out, char **err)
{
	struct lg_links *ll = ctx;
	struct rowset r = { 0 };
	(void)query;
	if (ledger_links_list(ll->t->app->st, ll->link, ll->id, offset, limit, &r, err) != 0)
		return -1;
	tui_ledger_rows_add(ll->t, ll->link->from, &r, out);
	rowset_free(&r);
	return 0;
}

static const struct tui_hint links_hints[] = {
	{ "Enter", N_("Open") }, { "F7", N_("New") }, { "F10", N_("Back") },
};

/* A new record of the linking register with the link to this one filled. */
static void link_new(struct tui *t, const struct ledger_link *link, int64_t id)
{
	char *value = xasprintf("%lld", (long long)id);
	tui_ledger_record(t, link->from, 0, link->field, value);
	free(value);
}

static enum tui_list_action links_key(void *ctx, struct tui *t, int k, int64_t sel)
{
	struct lg_links *ll = ctx;
	if (k == TK_F7) {
		link_new(t, ll->link, ll->id);
		return TUI_LIST_RELOAD;
	}
	if (k == TK_ENTER && sel > 0) {
		tui_ledger_record(t, ll->link->from, sel, NULL, NULL);
		return TUI_LIST_RELOAD;
	}
	return TUI_LIST_STAY;
}

/* Which of the registers linking to d (asked when several); false when none or the
 * clerk went back. */
static bool link_choose(struct tui *t, const struct ledger_def *d, struct ledger_link *out)
{
	struct ledger_link *links = NULL;
	size_t n = ledger_links_into(ledger_set_default(), d, &links);
	if (!n) {
		tui_error(t, _("No register links to %s."), _(d->title));
		free(links);
		return false;
	}
	const char *labels[32];
	size_t nl = n < ARRAY_LEN(labels) ? n : ARRAY_LEN(labels);
	for (size_t i = 0; i < nl; i++)
		labels[i] = _(links[i].from->title);
	int pick = nl == 1 ? 0 : tui_choose(t, _("Records of which register?"), labels, nl, 0);
	if (pick >= 0)
		*out = links[pick];
	free(links);
	return pick >= 0;
}

/* F8: the records of a register linking to record id, Enter opens, F7 adds one. */
static void links_show(struct tui *t, const struct ledger_def *d, int64_t id)
{
	struct ledger_link link;
	if (!link_choose(t, d, &link))
		return;
	struct lg_links ll = { .t = t, .link = &link, .id = id };
	snprintf(ll.title, sizeof ll.title, _("%s of this record"), _(link.from->title));
	char *header = tui_ledger_list_header(link.from);
	struct tui_list_def def = {
		.title = ll.title, .header = header, .hints = links_hints, .nhints = ARRAY_LEN(links_hints),
		.ctx = &ll, .fetch = links_fetch, .on_key = links_key,
	};
	tui_list_run(t, &def, NULL);
	free(header);
}

/* ---- the record screen ---- */

/* The title: the register, the record's number, state and due date, two spaces
 * apart (no middle dot: two columns wide in GBK, it would push the date off). */
static void record_title(struct lg_form *lf)
{
	struct strbuf sb = { 0 };
	sb_append(&sb, _(lf->d->title));
	if (!lf->id) {
		sb_appendf(&sb, "  %s", _("new"));
	} else {
		struct form_data scratch;
		struct ledger_record_info info = { 0 };
		form_data_init(&scratch, ledger_form(lf->d));
		if (ledger_load(lf->t->app->st, lf->d, lf->id, &scratch, &info, NULL) == 0) {
			if (info.number && *info.number)
				sb_appendf(&sb, " %s", info.number);
			if (info.state && *info.state)
				sb_appendf(&sb, "  %s", ledger_state_label(lf->d, info.state));
			if (info.due && *info.due)
				sb_appendf(&sb, "  %s", info.overdue ? _("overdue since") : _("due by"));
			if (info.due && *info.due)
				sb_appendf(&sb, " %s", info.due);
		}
		ledger_record_info_free(&info);
		form_data_free(&scratch);
	}
	snprintf(lf->title, sizeof lf->title, "%s", sb.s ? sb.s : "");
	sb_free(&sb);
}

/* Loads record id into d as stored (masked for the role, kept as the base). */
static int record_load(struct tui *t, const struct ledger_def *d, int64_t id, struct form_data *fd,
		       char **err)
{
	if (ledger_load(t->app->st, d, id, fd, NULL, err) != 0)
		return -1;
	tui_record_loaded(t, fd, id);
	return 0;
}

/* Under the form: the state since when and its due date, the last steps, and how
 * many records of each register linking here point at it. Caller frees. */
static char *record_footer(void *ctx, struct tui_form *f)
{
	struct lg_form *lf = ctx;
	struct tui *t = lf->t;
	(void)f;
	if (!lf->id)
		return NULL;
	struct strbuf sb = { 0 };
	struct form_data scratch;
	struct ledger_record_info info = { 0 };
	form_data_init(&scratch, ledger_form(lf->d));
	if (lf->d->nstates && ledger_load(t->app->st, lf->d, lf->id, &scratch, &info, NULL) == 0) {
		char since[CIVIL_CLOCK_TEXT];
		civil_clock_text(info.state_since ? info.state_since : "", since);
		sb_appendf(&sb, _("State: %s since %s"), ledger_state_label(lf->d, info.state), since);
		if (info.due && *info.due)
			sb_appendf(&sb, _(", %s %s"), info.overdue ? _("overdue since") : _("due by"), info.due);
		sb_append(&sb, "\n");
		steps_lines(t, lf->d, lf->id, 3, &sb);
	}
	ledger_record_info_free(&info);
	form_data_free(&scratch);
	struct ledger_link *links = NULL;
	size_t n = ledger_links_into(ledger_set_default(), lf->d, &links);
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, _("%s: %lld (F8 lists them, F7 adds one)\n"), _(links[i].from->title),
			   (long long)ledger_links_count(t->app->st, &links[i], lf->id));
	free(links);
	return sb_take(&sb);
}

/* F2: the record through the engine (number, initial state, audit), then as stored. */
static int record_save(void *ctx, struct tui_form *f, char **err)
{
	struct lg_form *lf = ctx;
	bool was_new = !lf->id;
	if (ledger_save(lf->t->app->st, lf->d, f->data, &lf->id, err) != 0)
		return -1;
	if (record_load(lf->t, lf->d, lf->id, f->data, err) != 0)
		return -1;
	record_title(lf);
	tui_message(lf->t, "%s", was_new ? _("Saved. F5 makes a step, F6 prints.") : _("Saved."));
	return 0;
}

static const struct tui_hint record_hints[] = {
	{ "F5", N_("Step") }, { "F6", N_("Print") }, { "F7", N_("New linked") }, { "F8", N_("Linked") },
	{ "F9", N_("Steps") },
};

/* The record screen's own keys; each needs the record saved first. */
static bool record_key(void *ctx, struct tui_form *f, int k)
{
	struct lg_form *lf = ctx;
	struct tui *t = lf->t;
	if (k != TK_F5 && k != TK_F6 && k != TK_F7 && k != TK_F8 && k != TK_F9)
		return false;
	if (!lf->id) {
		tui_error(t, "%s", _("Save the record first (F2)."));
		tui_form_draw(f);
		return true;
	}
	switch (k) {
	case TK_F5:
		if (tui_ledger_step(t, lf->d, lf->id))
			record_title(lf);
		break;
	case TK_F6: tui_ledger_print(t, lf->d, lf->id); break;
	case TK_F7: {
		struct ledger_link link;
		if (link_choose(t, lf->d, &link))
			link_new(t, &link, lf->id);
		break;
	}
	case TK_F8: links_show(t, lf->d, lf->id); break;
	case TK_F9: {
		char *text = steps_text(t, lf->d, lf->id);
		char *title = xasprintf(_("Steps of %s"), lf->title);
		tui_show_text(t, title, text);
		free(title);
		free(text);
		break;
	}
	default: break;
	}
	tui_form_draw(f);
	return true;
}

int64_t tui_ledger_record(struct tui *t, const struct ledger_def *d, int64_t id, const char *field,
			  const char *value)
{
	struct lg_form lf = { .t = t, .d = d, .id = id };
	struct form_data fd;
	form_data_init(&fd, ledger_form(d));
	char *err = NULL;
	if (id && record_load(t, d, id, &fd, &err) != 0) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		form_data_free(&fd);
		return 0;
	}
	int fi = field ? form_field_index(fd.def, field) : -1;
	if (fi >= 0)
		form_data_set(&fd, (size_t)fi, value);
	record_title(&lf);
	struct tui_form_ops ops = {
		.ctx = &lf, .save = record_save, .ref_text = form_ref_text, .ref_pick = form_ref_pick,
		.key = record_key, .footer = record_footer, .hints = record_hints,
		.nhints = ARRAY_LEN(record_hints),
	};
	tui_form_run(t, lf.title, &fd, !id, &ops);
	form_data_free(&fd);
	return lf.id;
}
