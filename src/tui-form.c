/* tui-form: the generic form screen (see tui-form.h).
 *
 * Layout: the title on line 0, one field per line from line 2 (label, input box, then
 * the code's label or the referenced record, then the field's problem), the message
 * line and the key bar at the bottom. Fields scroll when the form is longer than the
 * screen. A key inside a field redraws that field's line only. */
#include "tui-form.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "draft.h"
#include "i18n.h"
#include "store.h"
#include "record.h"
#include "tui-record.h"
#include "text.h"
#include "tui-list.h"
#include "tui-memo.h"
#include "util.h"

#define FORM_FIRST_LINE 2
#define FORM_LABEL_MAX 16
#define FORM_HINTS_MAX 16
/* a draft is saved this long after the last key (draft.h) */
#define DRAFT_DEBOUNCE_MS 500

static const struct tui_hint form_hints[] = {
	{ "F1", N_("Help") }, { "F2", N_("Save") }, { "F4", N_("Pick") }, { "F10", N_("Back") },
};

/* Key bar entries in F-key order (F1 first, F10 last). */
static int hint_order(const void *a, const void *b)
{
	const struct tui_hint *x = a, *y = b;
	return atoi(x->key + 1) - atoi(y->key + 1);
}

/* The form's keys and its register's, in F-key order; returns the count. */
static size_t form_hints_of(const struct tui_form *f, struct tui_hint hints[FORM_HINTS_MAX])
{
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(form_hints); i++)
		hints[n++] = form_hints[i];
	for (size_t i = 0; i < f->ops->nhints && n < FORM_HINTS_MAX; i++)
		hints[n++] = f->ops->hints[i];
	qsort(hints, n, sizeof(*hints), hint_order);
	return n;
}

/* Lines available for fields: above the message line and the key bar (one or two). */
static int form_rows(const struct tui_form *f)
{
	struct tui_hint hints[FORM_HINTS_MAX];
	size_t n = form_hints_of(f, hints);
	int below = f->nfooter ? (int)f->nfooter + 1 : 0;   /* the footer and a blank line */
	return LINES - FORM_FIRST_LINE - 1 - tui_keybar_lines(hints, n) - below;
}

/* Asks the register for the footer again, at most a third of the screen of it. */
static void form_footer_load(struct tui_form *f)
{
	for (size_t i = 0; i < f->nfooter; i++)
		free(f->footer[i]);
	free(f->footer);
	f->footer = NULL;
	f->nfooter = 0;
	char *text = f->ops->footer ? f->ops->footer(f->ops->ctx, f) : NULL;
	if (text && *text)
		f->nfooter = tui_wrap(text, COLS - 2, &f->footer);
	free(text);
	size_t max = LINES > 9 ? (size_t)(LINES / 3) : 0;
	while (f->nfooter > max)
		free(f->footer[--f->nfooter]);
}

/* Draws the footer's lines above the message line. */
static void form_draw_footer(struct tui_form *f)
{
	int y = tui_message_row(f->t) - (int)f->nfooter;
	for (size_t i = 0; i < f->nfooter; i++)
		tui_put(stdscr, y + (int)i, 1, f->footer[i], COLS - 2, A_NORMAL);
}

/* Width of the label column: the widest label, capped. */
static int form_label_cols(const struct tui_form *f)
{
	int w = 4;
	for (size_t i = 0; i < f->data->def->nfields; i++) {
		int lw = text_width(_(f->data->def->fields[i].label)) + 1;
		if (lw > w)
			w = lw;
	}
	return w > FORM_LABEL_MAX ? FORM_LABEL_MAX : w;
}

/* Width of a field's input box in display columns. */
static int form_box_cols(const struct field_def *fd)
{
	int w = fd->width;
	if (w <= 0) {
		switch (fd->type) {
		case FIELD_IDNUMBER: w = 18; break;
		case FIELD_DATE: w = 10; break;
		case FIELD_PHONE: w = 15; break;
		case FIELD_INTEGER: w = 8; break;
		case FIELD_DECIMAL: w = 12; break;
		case FIELD_CHOICE: w = 4; break;
		case FIELD_REF: w = 44; break;
		case FIELD_MULTI: w = 32; break;
		case FIELD_MEMO: w = 40; break;
		default: w = fd->max_len > 0 && fd->max_len * 2 < 30 ? fd->max_len * 2 : 30;
		}
	}
	w++;  /* the cursor's cell after the last character */
	return w < 2 ? 2 : w > 44 ? 44 : w;
}

/* Recomputes which fields show (relevance) and keeps the field in hand among them. */
static void form_relevance(struct tui_form *f)
{
	const struct form_def *def = f->data->def;
	f->nshown = 0;
	for (size_t i = 0; i < def->nfields; i++)
		if (!f->ev || form_field_relevant(f->ev, f->data, i))
			f->shown[f->nshown++] = i;
}

/* Position of field in the shown list, or nshown when hidden. */
static size_t form_pos(const struct tui_form *f, size_t field)
{
	for (size_t p = 0; p < f->nshown; p++)
		if (f->shown[p] == field)
			return p;
	return f->nshown;
}

/* The problem of a field to show beside it, or NULL. */
static const char *form_problem_of(const struct tui_form *f, size_t field)
{
	if (!f->touched[field])
		return NULL;
	for (size_t i = 0; i < f->problems.n; i++)
		if (f->problems.items[i].field == field)
			return f->problems.items[i].message;
	return NULL;
}

/* What is shown after a box: the label of a code, codes' labels, the referenced record. */
static char *form_aside(struct tui_form *f, const struct field_def *fd, const char *value)
{
	if (fd->type == FIELD_MEMO && !fd->readonly && &f->data->def->fields[f->cur] == fd)
		return xstrdup(_("F4: edit on several lines"));
	if (!value || !*value)
		return NULL;
	if (fd->type == FIELD_REF)
		return f->ops->ref_text ? f->ops->ref_text(f->ops->ctx, fd, value) : NULL;
	if (fd->type == FIELD_MULTI)
		return NULL;  /* the box itself shows the labels */
	if (fd->type == FIELD_CHOICE) {
		char *shown = form_display_value(fd, value);
		if (shown && strcmp(shown, value) == 0) {
			free(shown);
			return fd->list && !codelist_label(fd->list, value) ? xstrdup(_("(not in the list)")) : NULL;
		}
		return shown;
	}
	return NULL;
}

/* What the clerk sees and edits of a value: a multi-choice value as its labels
 * (低保、残疾人), anything else as stored. Caller frees. */
static char *form_edit_text(const struct field_def *fd, const char *value)
{
	return fd->type == FIELD_MULTI ? form_display_value(fd, value) : xstrdup(value ? value : "");
}

/* Puts field's value into the editor as the clerk reads it. */
static void form_edit_load(struct tui_form *f, size_t field)
{
	char *text = form_edit_text(&f->data->def->fields[field], f->data->values[field]);
	fedit_set(&f->edit, text);
	free(text);
}

/* Draws one field's line; the field in hand shows its editor. */
static void form_draw_field(struct tui_form *f, size_t field, int y)
{
	const struct field_def *fd = &f->data->def->fields[field];
	int labw = form_label_cols(f), box = form_box_cols(fd), x = 1;
	char *label = xasprintf("%s%s", _(fd->label), fd->required ? "*" : "");
	tui_put(stdscr, y, 0, " ", 1, A_NORMAL);
	tui_put(stdscr, y, x, label, labw, field == f->cur ? A_BOLD : A_NORMAL);
	free(label);
	x += labw + 1;
	attr_t battr = fd->readonly ? A_NORMAL : A_UNDERLINE;
	char *aside = NULL;
	if (fd->type == FIELD_REF) {
		/* a reference shows what it points to; its id means nothing to a clerk */
		char *ref = form_aside(f, fd, f->data->values[field]);
		tui_put(stdscr, y, x, ref ? ref : "", box, battr | (field == f->cur ? A_BOLD : 0));
		free(ref);
	} else if (field == f->cur) {
		size_t n;
		int col;
		fedit_scroll_to_cursor(&f->edit, box);
		const wchar_t *vis = fedit_visible(&f->edit, box, &n, &col);
		tui_put_wcs(stdscr, y, x, vis, n, box, battr | A_BOLD);
	} else {
		char *v = form_edit_text(fd, f->data->values[field]);
		tui_put(stdscr, y, x, v, box, battr);
		free(v);
	}
	x += box + 1;
	int rest = COLS - x;
	if (fd->type != FIELD_REF)
		aside = form_aside(f, fd, field == f->cur ? tui_form_value(f, field) : f->data->values[field]);
	const char *problem = form_problem_of(f, field);
	struct strbuf sb = { 0 };
	sb_append(&sb, aside ? aside : "");
	if (problem) {
		sb_append(&sb, aside ? "  " : "");
		sb_append(&sb, "! ");
		sb_append(&sb, problem);
	}
	tui_put(stdscr, y, x - 1, " ", 1, A_NORMAL);
	if (rest > 0)
		tui_put(stdscr, y, x, sb.s ? sb.s : "", rest, problem ? A_BOLD : A_NORMAL);
	sb_free(&sb);
	free(aside);
}

/* Scrolls the field list so the field in hand is on the screen. */
static void form_scroll(struct tui_form *f)
{
	int room = form_rows(f);   /* lays out the key bar: once */
	size_t pos = form_pos(f, f->cur), rows = (size_t)(room > 1 ? room : 1);
	if (pos >= f->nshown)
		return;
	if (pos < f->top)
		f->top = pos;
	if (pos >= f->top + rows)
		f->top = pos - rows + 1;
	if (f->top + rows > f->nshown)
		f->top = f->nshown > rows ? f->nshown - rows : 0;
}

/* Puts the terminal cursor where the editor's cursor is. */
static void form_place_cursor(struct tui_form *f)
{
	size_t pos = form_pos(f, f->cur);
	if (pos < f->top || pos >= f->nshown)
		return;
	int y = FORM_FIRST_LINE + (int)(pos - f->top);
	size_t n;
	int col;
	int box = form_box_cols(&f->data->def->fields[f->cur]);
	fedit_visible(&f->edit, box, &n, &col);
	if (f->data->def->fields[f->cur].type == FIELD_REF)
		col = 0;
	wmove(stdscr, y, 1 + form_label_cols(f) + 1 + col);
}

/* Draws every field line (after a derivation or a move), leaving the chrome. */
static void form_draw_fields(struct tui_form *f)
{
	form_scroll(f);
	int rows = form_rows(f);
	for (int r = 0; r < rows; r++) {
		size_t pos = f->top + (size_t)r;
		if (pos < f->nshown)
			form_draw_field(f, f->shown[pos], FORM_FIRST_LINE + r);
		else
			tui_put(stdscr, FORM_FIRST_LINE + r, 0, "", COLS, A_NORMAL);
	}
	char *more = f->top > 0 || f->top + (size_t)rows < f->nshown
		? xasprintf(_("fields %zu-%zu of %zu (PgUp/PgDn)"), f->top + 1,
			    f->top + (size_t)rows < f->nshown ? f->top + (size_t)rows : f->nshown, f->nshown)
		: xstrdup("");
	tui_put(stdscr, 1, 0, more, COLS, A_NORMAL);
	free(more);
}

void tui_form_draw(struct tui_form *f)
{
	if (!tui_size_ok(f->t))
		return;
	erase();
	tui_title(f->t, _(f->title));
	struct tui_hint hints[FORM_HINTS_MAX];
	size_t n = form_hints_of(f, hints);
	tui_keybar(f->t, hints, n);
	tui_draw_message(f->t);
	form_footer_load(f);
	form_draw_footer(f);
	form_draw_fields(f);
	form_place_cursor(f);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Redraws the line of the field in hand only (a key inside the field). */
static void form_draw_current(struct tui_form *f)
{
	size_t pos = form_pos(f, f->cur);
	if (!tui_size_ok(f->t) || pos < f->top || pos >= f->nshown)
		return;
	form_draw_field(f, f->cur, FORM_FIRST_LINE + (int)(pos - f->top));
	form_place_cursor(f);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Characters the editor takes past a field's max, for the check to refuse. */
#define FORM_OVERFLOW_CHARS 200

/* Loads the editor with field's value. */
static void form_enter_field(struct tui_form *f, size_t field)
{
	const struct field_def *fd = &f->data->def->fields[field];
	f->cur = field;
	/* room past the limit: a pasted long name stays whole and the length check refuses
	 * it with the count, rather than the editor cutting it unseen */
	f->edit.max_chars = fd->max_len > 0 ? (size_t)fd->max_len + FORM_OVERFLOW_CHARS : 0;
	form_edit_load(f, field);
}

/* Runs every check and keeps the problems for display. */
static void form_check(struct tui_form *f)
{
	form_check_free(&f->problems);
	if (f->ev)
		form_validate(f->ev, f->data, &f->problems);
}

/* Writes the editor back to the data; on a change, derives and tells the register. */
static void form_leave_field(struct tui_form *f)
{
	size_t field = f->cur;
	f->touched[field] = true;
	if (!f->edit.changed) {
		form_check(f);
		return;
	}
	char *v = fedit_value(&f->edit);
	form_data_set(f->data, field, v);
	free(v);
	f->dirty = true;
	if (f->ev)
		form_normalize_and_derive(f->ev, f->data, (int)field);
	form_edit_load(f, field);
	form_relevance(f);
	form_check(f);
	const char *p = form_problem_of(f, field);
	if (p)
		tui_error(f->t, "%s", p);
	else
		tui_message_clear(f->t);
	/* last, so that what the register says stays on the message line */
	if (f->ops->field_left)
		f->ops->field_left(f->ops->ctx, f, field);
}

/* Whether the clerk can type into a field: the cursor only ever stops on these. */
static bool form_typeable(const struct field_def *fd)
{
	return !fd->readonly;
}

/* The typeable shown field steps places from field (dir 1 down, -1 up), counting
 * only typeable ones and stopping at the last one there is; field may have just been
 * hidden (relevance), then it counts from where it stood in the form. nshown when
 * there is none that way. */
static size_t form_step(const struct tui_form *f, size_t field, int dir, long steps)
{
	size_t pos = form_pos(f, field);
	long p = (long)pos;
	if (pos >= f->nshown) {
		long gap = 0;   /* the first shown field after it in the form's order */
		while (gap < (long)f->nshown && f->shown[gap] < field)
			gap++;
		p = dir > 0 ? gap - 1 : gap;
	}
	size_t found = f->nshown;
	for (long q = p + dir; q >= 0 && q < (long)f->nshown && steps > 0; q += dir)
		if (form_typeable(&f->data->def->fields[f->shown[q]])) {
			found = (size_t)q;
			steps--;
		}
	return found;
}

/* Where the cursor goes when the field in hand was hidden: the next typeable field,
 * else the one before; it stays when the field is still shown. */
static size_t form_after_hidden(const struct tui_form *f, size_t field)
{
	if (form_pos(f, field) < f->nshown)
		return field;
	size_t q = form_step(f, field, 1, 1);
	if (q >= f->nshown)
		q = form_step(f, field, -1, 1);
	return q < f->nshown ? f->shown[q] : field;
}

const char *tui_form_value(struct tui_form *f, size_t field)
{
	if (field == f->cur && f->edit.changed) {
		char *v = fedit_value(&f->edit);
		const struct field_def *fd = &f->data->def->fields[field];
		if (fd->type == FIELD_MULTI) {  /* labels typed so far, held as codes */
			char *codes = form_multi_codes(fd->list, v);
			free(v);
			v = codes;
		}
		form_data_take(f->data, field, v);
	}
	return f->data->values[field];
}

void tui_form_set(struct tui_form *f, size_t field, const char *value)
{
	form_data_set(f->data, field, value);
	f->dirty = true;
	f->touched[field] = true;
	if (f->ev)
		form_normalize_and_derive(f->ev, f->data, (int)field);
	if (field == f->cur)
		form_edit_load(f, field);
	form_relevance(f);
	if (form_pos(f, f->cur) >= f->nshown)
		form_enter_field(f, form_after_hidden(f, f->cur));
	form_check(f);
	tui_form_draw(f);
}

/* Moves delta typeable fields on (clamped), counting from the field in hand even
 * when leaving it made fields appear or vanish around it. */
static void form_move(struct tui_form *f, int delta)
{
	size_t from = f->cur;
	form_leave_field(f);
	size_t q = form_step(f, from, delta < 0 ? -1 : 1, labs((long)delta));
	form_enter_field(f, q < f->nshown ? f->shown[q] : form_after_hidden(f, from));
	form_draw_fields(f);
	form_place_cursor(f);
	wnoutrefresh(stdscr);
	doupdate();
}

/* F1: the help text of the field in hand. */
static void form_help(struct tui_form *f)
{
	const struct field_def *fd = &f->data->def->fields[f->cur];
	struct strbuf sb = { 0 };
	sb_append(&sb, fd->help && *fd->help ? _(fd->help) : _("No help is written for this field."));
	if (fd->type == FIELD_CHOICE || fd->type == FIELD_MULTI || fd->lookup)
		sb_appendf(&sb, "\n\n%s", _("Type a code, or press F4 to pick from the list."));
	if (fd->required)
		sb_appendf(&sb, "\n%s", _("This field is required."));
	sb_appendf(&sb, "\n\n%s", _("Keys: Enter/Tab next field, Shift-Tab/Up previous, F2 save, "
				    "F4 pick from list (on a long text: edit it on several lines), F10/Esc back. "
				    "Esc then a digit within a second works as F1-F10; Esc alone goes back "
				    "after that second."));
	tui_show_text(f->t, _(fd->label), sb.s);
	sb_free(&sb);
	tui_form_draw(f);
}


/* Adds or removes code in a comma-separated list. Caller frees. */
static char *multi_toggle(const char *value, const char *code)
{
	struct strbuf sb = { 0 };
	bool found = false;
	char *copy = xstrdup(value ? value : "");
	for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, code) == 0) {
			found = true;
			continue;
		}
		sb_appendf(&sb, "%s%s", sb.len ? "," : "", tok);
	}
	if (!found)
		sb_appendf(&sb, "%s%s", sb.len ? "," : "", code);
	free(copy);
	return sb_take(&sb);
}

static void form_draft_save(struct tui_form *f);
static void form_draft_discard(struct tui_form *f);

struct memo_pause {
	struct tui_form *f;
	bool kept;   /* the draft holds text of the memo editor */
};

/* The memo editor's text after a pause: into the field, and saved as the draft. */
static void memo_keep(void *ctx, const char *text)
{
	struct memo_pause *mp = ctx;
	fedit_set(&mp->f->edit, text);
	mp->f->edit.changed = true;
	form_draft_save(mp->f);
	mp->kept = true;
}

/* The field's text edited on several lines; NULL when given up, and then the field
 * and the draft are as they were before. */
static char *form_memo(struct tui_form *f, const struct field_def *fd)
{
	const char *now = tui_form_value(f, f->cur);
	char *before = xstrdup(now ? now : "");
	bool was_changed = f->edit.changed;
	struct memo_pause mp = { .f = f };
	const struct tui_memo_ops keep = { .keep = memo_keep, .ctx = &mp };
	char *text = tui_memo_edit(f->t, _(fd->label), before, f->edit.max_chars, &keep);
	if (!text && mp.kept) {
		form_data_set(f->data, f->cur, *before ? before : NULL);
		fedit_set(&f->edit, before);
		f->edit.changed = was_changed;
		if (f->dirty || was_changed)
			form_draft_save(f);
		else
			form_draft_discard(f);
	}
	free(before);
	return text;
}

/* F4 on a field with a lookup: the values it accepts for the record as it is now
 * (the groups of the household's village); the new value or NULL. */
static char *lookup_pick(struct tui_form *f, const struct field_def *fd)
{
	char **values;
	int n = form_lookup_values(f->ev, f->data, f->cur, &values);
	if (n <= 0) {
		tui_message(f->t, "%s", _("There is no list to pick from for this field."));
		free(values);
		return NULL;
	}
	const char *now = tui_form_value(f, f->cur);
	size_t initial = 0;
	for (int i = 0; now && i < n; i++)
		if (strcmp(values[i], now) == 0)
			initial = (size_t)i;
	int i = tui_choose(f->t, _(fd->label), (const char *const *)values, (size_t)n, initial);
	char *picked = i >= 0 ? xstrdup(values[i]) : NULL;
	for (int k = 0; k < n; k++)
		free(values[k]);
	free(values);
	return picked;
}

/* F4: a picklist for a choice field or a lookup, the register's picker for a
 * reference, the editor of several lines for a memo. */
static void form_pick(struct tui_form *f)
{
	const struct field_def *fd = &f->data->def->fields[f->cur];
	char *picked = NULL;
	if (fd->readonly) {
		tui_error(f->t, "%s", _("This field is filled in by the program."));
		return;
	}
	if (fd->type == FIELD_MEMO) {
		picked = form_memo(f, fd);
	} else if (fd->type == FIELD_REF && f->ops->ref_pick) {
		picked = f->ops->ref_pick(f->ops->ctx, f, f->cur);
	} else if (fd->type == FIELD_TEXT && f->ops->text_pick &&
		   f->ops->text_pick(f->ops->ctx, f, f->cur, &picked)) {
		/* the register's list gave the value (or the clerk went back) */
	} else if (fd->lookup && f->ev) {
		if (!(picked = lookup_pick(f, fd))) {
			tui_form_draw(f);
			return;
		}
	} else if ((fd->type == FIELD_CHOICE || fd->type == FIELD_MULTI) && fd->list) {
		size_t idx;
		if (tui_code_pick(f->t, fd->label, fd->list, &idx)) {
			const char *code = fd->list->items[idx].code;
			picked = fd->type == FIELD_MULTI ? multi_toggle(tui_form_value(f, f->cur), code)
							 : xstrdup(code);
		}
	} else {
		tui_message(f->t, "%s", _("There is no list to pick from for this field."));
		return;
	}
	if (picked) {
		char *text = form_edit_text(fd, picked);
		fedit_set(&f->edit, text);
		free(text);
		f->edit.changed = true;
		form_leave_field(f);
		form_enter_field(f, f->cur);
		free(picked);
	}
	tui_form_draw(f);
}

/* A value short enough for one line of the conflict box. Caller frees. */
static char *conflict_value(const struct field_def *fd, const char *v)
{
	if (!v)
		return xstrdup(_("(empty)"));
	char *shown = form_display_value(fd, v);
	const char *text = shown ? shown : v;
	/* the ellipsis is measured in the locale's columns (2 in GBK), not assumed 1 */
	char *out = text_fit_ellipsis(text, 18);
	size_t len = strlen(out);
	while (len && out[len - 1] == ' ')
		out[--len] = '\0';
	free(shown);
	return out;
}

/* The fields another session changed since the form was loaded and the clerk changed
 * too, one line each: theirs, then his. */
static void conflict_lines(struct tui_form *f, const struct store_conflict *c, size_t n, struct strbuf *sb)
{
	for (size_t i = 0; i < n && i < 6; i++) {
		int fi = form_field_index(f->data->def, c[i].column);
		const struct field_def *fd = fi >= 0 ? &f->data->def->fields[fi] : NULL;
		char *theirs = fd ? conflict_value(fd, c[i].theirs) : xstrdup(c[i].theirs);
		char *mine = fd ? conflict_value(fd, c[i].mine) : xstrdup(c[i].mine);
		sb_append(sb, "\n");
		sb_appendf(sb, _("%s: now %s, yours %s"), fd ? _(fd->label) : c[i].column, theirs ? theirs : "",
			   mine ? mine : "");
		free(theirs);
		free(mine);
	}
	if (n > 6)
		sb_appendf(sb, _("\n(and %zu more fields)"), n - 6);
}

/* A save refused because another session changed the same fields: shows them and
 * lets the clerk take the other's values (true: save the rest again) or go back to
 * the form, where his values stay and the next F2 writes them, knowingly, over the
 * other's. Nothing is written without the clerk having seen both. */
static bool form_resolve_conflicts(struct tui_form *f, const char *refusal)
{
	size_t n;
	const struct store_conflict *c = store_conflicts(f->t->app->st, &n);
	if (n == 0)
		return false;
	struct strbuf sb = {0};
	sb_append(&sb, refusal);
	conflict_lines(f, c, n, &sb);
	sb_appendf(&sb, "\n\n%s", _("Take their values for these fields and save your other changes?"));
	bool take = tui_confirm(f->t, sb.s, true);
	sb_free(&sb);
	for (size_t i = 0; i < n; i++) {
		int fi = form_field_index(f->data->def, c[i].column);
		if (fi < 0)
			continue;
		form_data_set_base(f->data, (size_t)fi, c[i].theirs);
		if (take)
			form_data_set(f->data, (size_t)fi, c[i].theirs);
	}
	if (!take)
		tui_error(f->t, "%s", _("Not saved. Your values are still on the form: F2 saves them over the other clerk's."));
	return take;
}

/* The draft goes in the save's own transaction: a save that committed never leaves
 * a draft that, resumed, would write older values back. */
static int form_draft_drop_at_commit(struct store *st, void *ctx)
{
	struct tui_form *f = ctx;
	if (draft_discard(st, f->data->def->name, f->draft_key) != 0)
		return -1;
	return draft_discard(st, f->data->def->name, draft_record_of(f->data));
}

/* Asks the register to write, taking the draft out in the same transaction; after
 * a conflict the clerk's choice is saved again. */
static bool form_write(struct tui_form *f)
{
	struct store *st = f->t->app->st;
	for (int tries = 0; tries < 3; tries++) {
		char *err = NULL;
		store_at_commit(st, form_draft_drop_at_commit, f);
		int rc = f->ops->save(f->ops->ctx, f, &err);
		store_at_commit(st, NULL, NULL);
		size_t conflicts = 0;
		if (rc != 0)
			store_conflicts(st, &conflicts);
		if (rc != 0 && conflicts == 0 && err)
			tui_error(f->t, "%s", err);
		bool again = conflicts > 0 && form_resolve_conflicts(f, err ? err : "");
		free(err);
		if (rc == 0)
			return true;
		if (!again)
			return false;
		form_enter_field(f, f->cur);
	}
	return false;
}

/* F2: checks everything, shows every problem, and asks the register to write. */
static bool form_save(struct tui_form *f)
{
	if (f->data->def->table && !access_may_write(f->t->app->st, f->data->def->table)) {
		/* the role table says no before any check of the values */
		char *why = access_refusal(f->t->app->st, access_table_right(f->data->def->table));
		tui_error(f->t, "%s", why);
		free(why);
		tui_form_draw(f);
		return false;
	}
	form_leave_field(f);
	form_enter_field(f, f->cur);
	for (size_t i = 0; i < f->data->def->nfields; i++)
		f->touched[i] = true;
	form_check(f);
	if (f->problems.n > 0) {
		struct form_problem *p = &f->problems.items[0];
		if (p->field < f->data->def->nfields && form_pos(f, p->field) < f->nshown)
			form_enter_field(f, p->field);
		if (f->problems.n > 1)
			tui_error(f->t, _("%s (and %zu more problems)"), p->message, f->problems.n - 1);
		else
			tui_error(f->t, "%s", p->message);
		tui_form_draw(f);
		return false;
	}
	bool ok = form_write(f);
	if (ok)
		f->dirty = false;
	form_enter_field(f, f->cur);
	tui_form_draw(f);
	return ok;
}

/* A key for the editor of the field in hand; false when it is not an editing key. */
static bool form_edit_key(struct tui_form *f, int k)
{
	const struct field_def *fd = &f->data->def->fields[f->cur];
	bool edits = k == TK_BACKSPACE || k == TK_DELETE || k == 0x0B || k == 0x15 || k >= 0x20;
	if (edits && fd->readonly) {
		tui_error(f->t, "%s", _("This field is filled in by the program."));
		return true;
	}
	if (edits && fd->type == FIELD_REF) {
		if (k >= 0x20) {
			wchar_t typed = (wchar_t)k;
			char *query = text_from_wcs(&typed, 1);
			f->pick_query = query;  /* the picker's first query: 1012... or 龙... */
			form_pick(f);
			f->pick_query = NULL;
			free(query);
		} else if (f->data->values[f->cur] && *f->data->values[f->cur]) {
			fedit_set(&f->edit, "");
			f->edit.changed = true;
			form_leave_field(f);
			form_enter_field(f, f->cur);
			tui_message(f->t, "%s", _("Detached: the field is empty now (F4 picks again)."));
			tui_form_draw(f);
		}
		return true;
	}
	enum tui_edit r = tui_edit_key(&f->edit, k);
	if (r == TUI_EDIT_NONE)
		return false;
	if (r == TUI_EDIT_REFUSED)
		tui_error(f->t, _("%s holds at most %zu characters."), _(fd->label),
			  f->edit.max_chars - FORM_OVERFLOW_CHARS);
	form_draw_current(f);
	return true;
}

/* Esc/F10: leaves, asking first when something is unsaved. */
static bool form_may_leave(struct tui_form *f)
{
	if (f->edit.changed)
		f->dirty = true;
	if (!f->dirty)
		return true;
	bool leave = tui_confirm(f->t, _("The changes are not saved. Leave the form and lose them?"), false);
	if (!leave)
		tui_form_draw(f);
	return leave;
}

/* Fills display-only fields (the age) of a stored record without touching stored ones. */
static void form_derive_display(struct tui_form *f)
{
	const struct form_def *def = f->data->def;
	struct form_data copy;
	form_data_init(&copy, def);
	for (size_t i = 0; i < def->nfields; i++)
		form_data_set(&copy, i, f->data->values[i]);
	form_normalize_and_derive(f->ev, &copy, -1);
	for (size_t i = 0; i < def->nfields; i++)
		if (!def->fields[i].column)
			form_data_set(f->data, i, copy.values[i]);
	form_data_free(&copy);
}

/* The first field the clerk can type into. */
static size_t form_first_editable(const struct tui_form *f)
{
	for (size_t p = 0; p < f->nshown; p++)
		if (form_typeable(&f->data->def->fields[f->shown[p]]))
			return f->shown[p];
	return f->nshown ? f->shown[0] : 0;
}

/* Saves what is on the form as a draft (draft.h). */
static void form_draft_save(struct tui_form *f)
{
	f->draft_pending = false;
	tui_form_value(f, f->cur);
	char *err = NULL;
	if (draft_save(f->t->app->st, f->title, f->data, draft_record_of(f->data), f->cur, f->edit.cursor, &err) != 0)
		tui_error(f->t, "%s", err);
	free(err);
}

/* The form is saved or given up: its draft goes. */
static void form_draft_discard(struct tui_form *f)
{
	f->draft_pending = false;
	draft_discard(f->t->app->st, f->data->def->name, f->draft_key);
	draft_discard(f->t->app->st, f->data->def->name, draft_record_of(f->data));
}

/* Puts a resumed draft's values into the form. A draft of an edit is merged with the
 * record as it is now: a field the clerk had not changed shows the stored value, one
 * he had changed keeps his value and, as its base, the value he had loaded, so that
 * F2 finds what changed meanwhile (store_update) instead of writing older values
 * back. Returns the number of fields changed in the register since the draft began. */
static size_t form_draft_apply(struct tui_form *f, const struct draft *dr)
{
	size_t changed_since = 0;
	for (size_t i = 0; i < dr->n; i++) {
		int fi = form_field_index(f->data->def, dr->names[i]);
		if (fi < 0)
			continue;
		size_t k = (size_t)fi;
		const char *base = dr->bases ? dr->bases[i] : NULL;
		bool stored = f->data->base && f->data->def->fields[k].column;
		if (stored && dr->bases) {
			bool moved_on = !str_same(f->data->base[k], base);
			changed_since += moved_on;
			if (str_same(dr->values[i], base))
				continue;  /* untouched in the draft: the record's value stands */
			form_data_set_base(f->data, k, base);
		}
		form_data_set(f->data, k, dr->values[i]);
	}
	form_relevance(f);
	form_check(f);
	return changed_since;
}

/* The form as a view (tui-core's loop); saved: F2 wrote it at least once. */
struct form_view {
	struct tui_form *f;
	bool saved;
};

static void form_view_draw(struct tui *t, void *ctx)
{
	(void)t;
	tui_form_draw(((struct form_view *)ctx)->f);
}

/* A draft waits for a pause in the typing. */
static int form_view_wait(void *ctx)
{
	return ((struct form_view *)ctx)->f->draft_pending ? DRAFT_DEBOUNCE_MS : -1;
}

/* The keys the form itself handles; false when it is left. */
static bool form_command(struct form_view *fv, int k)
{
	struct tui_form *f = fv->f;
	switch (k) {
	case TK_ENTER: case TK_TAB: case TK_DOWN: form_move(f, 1); break;
	case TK_BTAB: case TK_UP: form_move(f, -1); break;
	case TK_PGDN: form_move(f, form_rows(f)); break;
	case TK_PGUP: form_move(f, -form_rows(f)); break;
	case TK_F1: form_help(f); break;
	case TK_F2:
		if (form_save(f)) {
			fv->saved = true;
			form_draft_discard(f);
		}
		break;
	case TK_F4: form_pick(f); break;
	case TK_F10: case TK_ESC:
		if (form_may_leave(f)) {
			form_draft_discard(f);
			return false;
		}
		break;
	default:
		if (!form_edit_key(f, k) && f->ops->key)
			f->ops->key(f->ops->ctx, f, k);
	}
	return true;
}

static enum tui_view_step form_view_key(struct tui *t, void *ctx, int k)
{
	struct form_view *fv = ctx;
	struct tui_form *f = fv->f;
	if (k == TK_NONE) {
		if (f->draft_pending)
			form_draft_save(f);
		return TUI_VIEW_STAY;
	}
	if (!form_command(fv, k))
		return TUI_VIEW_CLOSE;
	if (f->dirty || f->edit.changed) {
		/* a field left with a change is kept at once, typing after a pause */
		bool moved = k == TK_ENTER || k == TK_TAB || k == TK_DOWN || k == TK_BTAB || k == TK_UP ||
			     k == TK_PGDN || k == TK_PGUP;
		f->draft_pending = true;
		if (moved && !f->close)
			form_draft_save(f);
	}
	return f->close || t->quit ? TUI_VIEW_CLOSE : TUI_VIEW_STAY;
}

/* Shows the form until it is left; true when it was saved. */
static bool form_show(struct tui_form *f)
{
	struct form_view fv = { .f = f };
	struct tui_view v = { .draw = form_view_draw, .key = form_view_key, .wait = form_view_wait, .ctx = &fv };
	tui_view_run(f->t, &v);
	/* closed by the lock screen's switch of operator: kept as the draft of the
	 * operator who typed it (still the store's), offered to him at his next sign-in */
	if (f->t->quit && (f->dirty || f->edit.changed))
		form_draft_save(f);
	return fv.saved;
}

bool tui_form_run(struct tui *t, const char *title, struct form_data *data, bool is_new,
		  const struct tui_form_ops *ops)
{
	struct tui_form f = { .t = t, .data = data, .ops = ops, .title = title };
	const struct form_def *def = data->def;
	char *err = NULL;
	f.ev = record_form_eval(def, t->app->st, &err);
	if (!f.ev) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return false;
	}
	tui_screen_change(t);
	f.shown = xcalloc(def->nfields + 1, sizeof(*f.shown));
	f.touched = xcalloc(def->nfields + 1, sizeof(*f.touched));
	if (is_new)
		form_normalize_and_derive(f.ev, data, -1);
	else
		form_derive_display(&f);
	form_relevance(&f);
	fedit_init(&f.edit, NULL, 0);
	struct draft dr;
	f.draft_key = draft_record_of(data);
	bool resumed = draft_take(def->name, f.draft_key, &dr);
	size_t changed_since = resumed ? form_draft_apply(&f, &dr) : 0;
	bool at_draft = resumed && dr.field < def->nfields && form_pos(&f, dr.field) < f.nshown;
	form_enter_field(&f, at_draft ? dr.field : form_first_editable(&f));
	if (resumed) {
		f.edit.cursor = dr.cursor <= f.edit.len ? dr.cursor : f.edit.len;
		f.dirty = true;
		if (changed_since)
			tui_message(t, _("The draft is back; %zu fields of the record were changed since by another session and are shown as saved: check, then F2."), changed_since);
		else
			tui_message(t, "%s", _("The draft is back as it was typed: check it, then save with F2."));
		draft_free(&dr);
	}
	curs_set(1);
	bool saved = form_show(&f);
	tui_screen_leave(t);
	draft_forget(data);
	fedit_free(&f.edit);
	form_check_free(&f.problems);
	form_eval_free(f.ev);
	free(f.shown);
	free(f.touched);
	for (size_t i = 0; i < f.nfooter; i++)
		free(f.footer[i]);
	free(f.footer);
	return saved;
}

