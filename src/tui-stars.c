/* tui-stars: the 星级文明户 screens: a round's scoring grid (households as rows, stars
 * as columns, one key per cell, moving on by itself), the explanation of a
 * household's result, the stage moves, the notice list (公示名单) with printing and
 * export, and the statistics with a chart.
 *
 * The grid holds the whole village in memory (a few thousand households at most)
 * and writes each cell as it is typed, through stars_set_score: one audited
 * transaction per key, so nothing typed is lost and there is no save key. Only the
 * rows and lines that change are drawn again; ncurses sends the difference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "paths.h"
#include "printout.h"
#include "rowset.h"
#include "stars.h"
#include "store.h"
#include "text.h"
#include "tui-list.h"
#include "tui-screens.h"
#include "tui-stats.h"
#include "tui-textview.h"
#include "tui-village.h"
#include "util.h"
#include "village.h"
#include "xlsx.h"

/* Columns of the grid. */
#define X_HEAD 0
#define W_HEAD 8
#define X_GROUP 9
#define W_GROUP 4
#define X_CELLS 14
#define W_CELL 3
#define W_TOTAL 4
#define W_LEVEL 3
#define W_STARS 3
#define W_LAST 5
#define W_CHANGE 4
#define X_PANEL 65
#define Y_ROWS 4

/* One household of the grid. */
struct grid_row {
	struct stars_household h;
	struct stars_result res;
};

/* What the panel shows from the other registers about the household in hand,
 * fetched when another household comes into hand: a score typed redraws the panel,
 * it does not query the registers again. */
struct panel_data {
	int64_t household;               /* whose; 0: none fetched yet */
	struct rowset members, disputes, requests;
	int members_rc, disputes_rc, requests_rc;
};

/* The scoring grid of one round. */
struct grid {
	struct tui *t;
	struct store *st;
	struct stars_round *round;
	const struct rubric *r;
	struct grid_row *rows;
	size_t n;
	size_t cur, star, top;
	int nrows;           /* rows on the screen */
	char pending[8];     /* digits typed into a points cell, not yet written */
	bool can_edit;
	char today[11];
	struct panel_data panel;
};

/* ---- loading the grid ---- */

/* The round's households with their entries and results; false with the message shown. */
static bool grid_load(struct grid *g)
{
	struct stars_household *h;
	size_t n;
	char *err = NULL;
	int rc = stars_grid_load(g->st, g->r, g->round, &h, &n, &err);
	g->rows = xcalloc(n ? n : 1, sizeof *g->rows);
	for (size_t i = 0; i < n; i++) {
		g->rows[i].h = h[i];   /* the row takes the household's strings and entry */
		stars_compute(g->r, h[i].e.values, h[i].e.dq, &g->rows[i].res);
	}
	g->n = n;
	free(h);
	if (rc != 0)
		tui_error(g->t, "%s", err ? err : "?");
	free(err);
	return rc == 0;
}

/* Frees the rows of the grid and the panel's facts. */
static void grid_free(struct grid *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->rows[i].h.hh_no);
		free(g->rows[i].h.head);
		free(g->rows[i].h.group);
		stars_entry_free(&g->rows[i].h.e);
		stars_result_free(&g->rows[i].res);
	}
	free(g->rows);
	rowset_free(&g->panel.members);
	rowset_free(&g->panel.disputes);
	rowset_free(&g->panel.requests);
}

/* ---- drawing ---- */

/* The round's lines: the rubric and its version; the stage, the notice period, and
 * whether scores may change. */
static void draw_round_lines(struct grid *g)
{
	char end[11];
	stars_notice_end(g->round, end);
	char *rubric = xasprintf(_("%s (version %d)"), _(g->r->title), g->r->version);
	tui_put(stdscr, 1, 0, rubric, COLS, A_NORMAL);
	free(rubric);
	struct strbuf sb = { 0 };
	sb_appendf(&sb, _("Stage: %s"), stars_stage_label(g->round->stage));
	if (g->round->notice_start[0]) {
		sb_append(&sb, "   ");
		sb_appendf(&sb, _("Notice %s to %s"), g->round->notice_start, end);
	}
	if (!g->can_edit)
		sb_appendf(&sb, "   %s", _("(read only)"));
	tui_put(stdscr, 2, 0, sb.s, COLS, A_BOLD);
	sb_free(&sb);
}

/* The column heads: the first character of each star's name. */
static void draw_header(struct grid *g)
{
	struct strbuf sb = { 0 };
	tui_col(&sb, _("Head"), W_HEAD);
	tui_col(&sb, _("Grp"), W_GROUP);
	for (size_t s = 0; s < g->r->nstars && s < 10; s++) {
		char *name = text_fit(_(g->r->stars[s].name), 2);
		sb_appendf(&sb, "%s ", name);
		free(name);
	}
	if (g->r->basis == RUBRIC_BY_POINTS)
		tui_col(&sb, _("Pts"), W_TOTAL - 1);
	tui_col(&sb, _("Lv"), W_LEVEL - 1);
	/* this year's stars beside last year's: one unit, whatever the rubric's basis */
	tui_col(&sb, _("Sum"), W_STARS - 1);
	tui_col(&sb, _("Lst"), W_LAST - 1);
	tui_col(&sb, _("+/-"), W_CHANGE);   /* the last head: the mark's column is free */
	tui_put(stdscr, 3, 0, sb.s, X_PANEL - 1, A_BOLD | A_UNDERLINE);
	sb_free(&sb);
}

/* The x of star s's cell. */
static int cell_x(size_t s)
{
	return X_CELLS + (int)s * W_CELL;
}

/* One household's line; the cell in hand is reversed. */
static void draw_row(struct grid *g, size_t i)
{
	int y = Y_ROWS + (int)(i - g->top);
	if (i >= g->n) {
		tui_put(stdscr, y, 0, "", X_PANEL - 1, A_NORMAL);
		return;
	}
	struct grid_row *row = &g->rows[i];
	bool here = i == g->cur;
	tui_put(stdscr, y, X_HEAD, row->h.head, W_HEAD, here ? A_BOLD : A_NORMAL);
	tui_put(stdscr, y, X_HEAD + W_HEAD, " ", 1, A_NORMAL);
	tui_put(stdscr, y, X_GROUP, row->h.group, W_GROUP, A_NORMAL);
	tui_put(stdscr, y, X_GROUP + W_GROUP, " ", 1, A_NORMAL);
	for (size_t s = 0; s < g->r->nstars && s < 10; s++) {
		bool in_hand = here && s == g->star;
		char *v = in_hand && g->pending[0] ? xasprintf("%s_", g->pending)
						    : stars_value_text(&g->r->stars[s], row->h.e.values[s]);
		attr_t a = in_hand ? A_REVERSE : row->res.withheld[s] ? A_UNDERLINE
			 : row->res.earned[s] ? A_BOLD : A_NORMAL;
		char *cell = xasprintf("%2s", v);
		tui_put(stdscr, y, cell_x(s), cell, W_CELL - 1, a);
		tui_put(stdscr, y, cell_x(s) + W_CELL - 1, " ", 1, A_NORMAL);
		free(cell);
		free(v);
	}
	int x = cell_x(g->r->nstars < 10 ? g->r->nstars : 10);
	char buf[48];
	if (g->r->basis == RUBRIC_BY_POINTS) {
		snprintf(buf, sizeof buf, "%3d", row->res.points);
		x += tui_put(stdscr, y, x, buf, W_TOTAL, A_NORMAL);
	}
	snprintf(buf, sizeof buf, "%2d", row->res.level);
	x += tui_put(stdscr, y, x, row->res.level ? buf : " -", W_LEVEL, row->res.level ? A_BOLD : A_NORMAL);
	/* stars earned compare across years even when the rubric's levels changed */
	snprintf(buf, sizeof buf, "%2d", row->res.nearned);
	x += tui_put(stdscr, y, x, row->res.complete ? buf : " -", W_STARS, A_NORMAL);
	snprintf(buf, sizeof buf, "%3d", row->h.last_stars);
	x += tui_put(stdscr, y, x, row->h.last >= 0 ? buf : "", W_LAST, A_NORMAL);
	if (row->h.last < 0 || !row->res.complete)
		buf[0] = '\0';
	else if (row->res.nearned != row->h.last_stars)
		snprintf(buf, sizeof buf, "%+d", row->res.nearned - row->h.last_stars);
	else
		snprintf(buf, sizeof buf, "=");
	x += tui_put(stdscr, y, x, buf, W_CHANGE, A_NORMAL);
	const char *mark = row->h.e.note ? "*" : "";
	for (size_t d = 0; d < g->r->ndisq; d++)
		if (row->h.e.dq[d])
			mark = "!";
	tui_put(stdscr, y, x, mark, X_PANEL - 1 - x, A_BOLD);
}

/* Appends one panel line, clipped to the panel. */
static void panel_line(int *y, int ymax, const char *text, attr_t a)
{
	if (*y >= ymax)
		return;
	tui_put(stdscr, (*y)++, X_PANEL, text, COLS - X_PANEL, a);
}

/* The panel's facts about the household: fetched again only for another household. */
static const struct panel_data *panel_data_of(struct grid *g, int64_t household)
{
	struct panel_data *p = &g->panel;
	if (p->household == household)
		return p;
	rowset_free(&p->members);
	rowset_free(&p->disputes);
	rowset_free(&p->requests);
	p->household = household;
	p->members_rc = stars_household_members(g->st, household, &p->members, NULL);
	p->disputes_rc = stars_household_disputes(g->st, household, g->round->year, &p->disputes, NULL);
	p->requests_rc = stars_household_open_requests(g->st, household, &p->requests, NULL);
	return p;
}

/* The household's members, with relation and age. */
static void panel_members(struct grid *g, const struct panel_data *p, int *y, int ymax)
{
	const struct rowset *m = &p->members;
	const struct codelist *rel = form_codelist(g->t->app->forms, "relation");
	if (p->members_rc != 0)
		return;
	panel_line(y, ymax, _("Members:"), A_BOLD);
	for (size_t i = 0; i < m->n; i++) {
		const char *name = rowset_text(m, i, STARS_M_NAME), *code = rowset_text(m, i, STARS_M_RELATION);
		const char *label = codelist_label(rel, code);
		int age = idcard_age(rowset_text(m, i, STARS_M_BIRTH), g->today);
		char *line = age >= 0 ? xasprintf(" %s %s %d", name, label ? label : code, age)
				      : xasprintf(" %s %s", name, label ? label : code);
		panel_line(y, ymax, line, A_NORMAL);
		free(line);
	}
}

#define FACT_ITEMS 2
/* Lines of facts from the other registers, drawn under the member list. */
struct fact_lines {
	char *text[2 * (1 + FACT_ITEMS)];
	attr_t attr[2 * (1 + FACT_ITEMS)];
	int n;
};

/* Appends a line (taken) when there is room; frees it otherwise. */
static void fact_add(struct fact_lines *f, char *text, attr_t a)
{
	if (f->n < (int)ARRAY_LEN(f->text)) {
		f->text[f->n] = text;
		f->attr[f->n++] = a;
	} else {
		free(text);
	}
}

/* Records of another register about the household's members (rc and rows as
 * stars_household_disputes gives them): a line naming the register with the count,
 * then the first few (a code of list and a date each). Nothing when that register
 * is not in this database. */
static void panel_fact(struct grid *g, int rc, const struct rowset *rows, const char *label, const char *list,
		       struct fact_lines *f)
{
	if (rc != 0)
		return;
	const struct codelist *cl = form_codelist(g->t->app->forms, list);
	int head = f->n;
	fact_add(f, NULL, A_NORMAL);
	for (size_t i = 0; i < rows->n && i < FACT_ITEMS; i++) {
		const char *code = rowset_text(rows, i, STARS_F_CODE), *name = codelist_label(cl, code);
		fact_add(f, xasprintf(" %s %s", rowset_text(rows, i, STARS_F_DATE), name ? name : code), A_NORMAL);
	}
	if (head < f->n) {
		f->text[head] = xasprintf("%s %zu", label, rows->n);
		f->attr[head] = rows->n ? A_BOLD : A_NORMAL;
	}
}

/* Beside the grid: the household in hand, its members and this year's facts from
 * the mediation and service registers. */
static void draw_panel(struct grid *g)
{
	int y = 3, ymax = LINES - 5;
	for (int r = y; r < ymax; r++)
		tui_put(stdscr, r, X_PANEL - 1, "|", COLS - X_PANEL + 1, A_NORMAL);
	if (!g->n)
		return;
	struct grid_row *row = &g->rows[g->cur];
	char *line = xasprintf(_("Household %s"), row->h.hh_no);
	panel_line(&y, ymax, line, A_BOLD);
	free(line);
	struct fact_lines facts = { .n = 0 };
	const struct panel_data *p = panel_data_of(g, row->h.id);
	panel_fact(g, p->disputes_rc, &p->disputes, _("Mediation cases this year:"), "dispute_category", &facts);
	panel_fact(g, p->requests_rc, &p->requests, _("Open service requests:"), "service_item", &facts);
	/* the facts bear on the scores: they keep their lines, the members take the rest */
	int facts_y = ymax - facts.n;
	panel_members(g, p, &y, facts_y);
	while (y < facts_y)
		panel_line(&y, facts_y, "", A_NORMAL);
	for (int i = 0; i < facts.n; i++) {
		panel_line(&y, ymax, facts.text[i], facts.attr[i]);
		free(facts.text[i]);
	}
}

/* Under the grid: the star in hand, what earns it, the keys, the household's note. */
static void draw_footer(struct grid *g)
{
	int y = LINES - 5;
	if (g->star < g->r->nstars) {
		const struct rubric_star *s = &g->r->stars[g->star];
		char *line = s->scoring == RUBRIC_POINTS
			? xasprintf(_("%s: %s (0 to %d points, %d earn the star)"), _(s->name),
				    s->earns ? _(s->earns) : "", s->max, s->threshold)
			: xasprintf(_("%s: %s (+ earned, - not earned)"), _(s->name), s->earns ? _(s->earns) : "");
		tui_put(stdscr, y, 0, line, COLS, A_BOLD);
		free(line);
	}
	struct strbuf sb = { 0 };
	if (g->n) {
		struct grid_row *row = &g->rows[g->cur];
		for (size_t d = 0; d < g->r->ndisq; d++)
			if (row->h.e.dq[d])
				sb_appendf(&sb, "%s%s ", _("Disqualified:"), _(g->r->disq[d].name));
		if (row->h.e.note)
			sb_appendf(&sb, "%s %s", _("Note:"), row->h.e.note);
	}
	tui_put(stdscr, y + 1, 0, sb.len ? sb.s : "", COLS, A_NORMAL);
	sb_free(&sb);
	tui_put(stdscr, y + 2, 0, g->can_edit
		? _("Keys: + full marks, - none, digits points, y/n pass, Space clears; it moves on by itself")
		: "", COLS, A_NORMAL);
}

static const struct tui_hint grid_hints[] = {
	{ "F1", N_("Help") }, { "F3", N_("Find") }, { "F5", N_("Note") }, { "F6", N_("Disqualify") },
	{ "F8", N_("Stage") }, { "F9", N_("Why") }, { "F10", N_("Back") },
};

/* Keeps the row in hand on the screen. */
static void grid_scroll(struct grid *g)
{
	g->nrows = LINES - 5 - Y_ROWS;
	if (g->nrows < 1)
		g->nrows = 1;
	if (g->cur < g->top)
		g->top = g->cur;
	if (g->cur >= g->top + (size_t)g->nrows)
		g->top = g->cur - (size_t)g->nrows + 1;
}

/* Draws everything (on entry, after a dialog, after a resize). */
static void grid_draw(struct grid *g)
{
	if (!tui_size_ok(g->t))
		return;
	char *title = xasprintf(_("Star households: %s %d"), g->round->village, g->round->year);
	grid_scroll(g);
	erase();
	tui_title(g->t, title);
	free(title);
	draw_round_lines(g);
	draw_header(g);
	for (int r = 0; r < g->nrows; r++)
		draw_row(g, g->top + (size_t)r);
	draw_panel(g);
	draw_footer(g);
	tui_keybar(g->t, grid_hints, ARRAY_LEN(grid_hints));
	tui_draw_message(g->t);
	curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Draws what a move or a score changed: the rows, the panel, the footer. */
static void grid_flush(struct grid *g)
{
	grid_scroll(g);
	for (int r = 0; r < g->nrows; r++)
		draw_row(g, g->top + (size_t)r);
	draw_panel(g);
	draw_footer(g);
	tui_draw_message(g->t);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- scoring ---- */

/* Whether the round allows scoring now and the operator may; says why not. */
static bool grid_writable(struct grid *g)
{
	char *why = NULL;
	if (!access_allows(g->st, ACCESS_STARS_EDIT)) {
		why = access_refusal(g->st, ACCESS_STARS_EDIT);
	} else if (!stars_round_editable(g->round, &why)) {
		;
	} else {
		return true;
	}
	tui_error(g->t, "%s", why);
	free(why);
	return false;
}

/* Moves to the next cell, the first star of the next household after the last. */
static void grid_advance(struct grid *g)
{
	if (g->star + 1 < g->r->nstars) {
		g->star++;
	} else if (g->cur + 1 < g->n) {
		g->star = 0;
		g->cur++;
	}
}

/* Writes a score into the cell in hand and moves on; an error stays put. */
static void grid_score(struct grid *g, int value)
{
	if (!g->n || !grid_writable(g))
		return;
	struct grid_row *row = &g->rows[g->cur];
	char *err = NULL;
	if (stars_set_score(g->st, g->r, g->round, &row->h.e, g->star, value, &err) != 0) {
		tui_error(g->t, "%s", err ? err : "?");
		free(err);
		return;
	}
	stars_result_free(&row->res);
	stars_compute(g->r, row->h.e.values, row->h.e.dq, &row->res);
	tui_message_clear(g->t);
	if (value != STARS_UNSCORED)
		grid_advance(g);
}

/* Writes the digits typed so far, if any. */
static void grid_commit_pending(struct grid *g)
{
	if (!g->pending[0])
		return;
	int v = atoi(g->pending);
	g->pending[0] = '\0';
	grid_score(g, v);
}

/* A digit in a cell: a pass star takes 1/0; a points star writes as soon as no
 * further digit could follow (8 of 10 at once, 1 waits for a possible 10). */
static void grid_digit(struct grid *g, int k)
{
	const struct rubric_star *s = &g->r->stars[g->star];
	if (s->scoring == RUBRIC_PASS) {
		if (k == '1' || k == '0')
			grid_score(g, k == '1');
		else
			tui_error(g->t, "%s", _("A pass star takes + or 1 (earned), - or 0 (not earned)."));
		return;
	}
	size_t len = strlen(g->pending);
	if (len + 1 >= sizeof g->pending)
		return;
	g->pending[len] = (char)k;
	g->pending[len + 1] = '\0';
	int v = atoi(g->pending);
	if (v > s->max) {
		g->pending[0] = '\0';
		tui_error(g->t, _("%s: at most %d points."), _(s->name), s->max);
	} else if (v * 10 > s->max) {
		grid_commit_pending(g);
	}
}

/* Moves the cell in hand; pending digits are written first. */
static bool grid_move(struct grid *g, int k)
{
	switch (k) {
	case TK_LEFT: case TK_BTAB:
		if (g->star > 0)
			g->star--;
		else if (g->cur > 0) {
			g->cur--;
			g->star = g->r->nstars - 1;
		}
		return true;
	case TK_RIGHT: case TK_TAB: case TK_ENTER:
		grid_advance(g);
		return true;
	case TK_UP: if (g->cur > 0) g->cur--; return true;
	case TK_DOWN: if (g->cur + 1 < g->n) g->cur++; return true;
	case TK_PGUP: g->cur = g->cur > (size_t)g->nrows ? g->cur - (size_t)g->nrows : 0; return true;
	case TK_PGDN:
		g->cur = g->cur + (size_t)g->nrows < g->n ? g->cur + (size_t)g->nrows : (g->n ? g->n - 1 : 0);
		return true;
	case TK_HOME: g->star = 0; return true;
	case TK_END: g->star = g->r->nstars - 1; return true;
	default: return false;
	}
}

/* F5: the household's note. */
static void grid_note(struct grid *g)
{
	if (!g->n || !grid_writable(g))
		return;
	struct grid_row *row = &g->rows[g->cur];
	char *title = xasprintf(_("Note on household %s"), row->h.hh_no);
	char *note = tui_prompt(g->t, title, _("Note (what the review said, a reason):"), row->h.e.note, 200);
	free(title);
	if (!note)
		return;
	char *old = row->h.e.note, *err = NULL;
	row->h.e.note = *note ? note : NULL;
	if (!*note)
		free(note);
	if (stars_save_entry(g->st, g->r, g->round, &row->h.e, &err) != 0) {
		tui_error(g->t, "%s", err ? err : "?");
		free(row->h.e.note);
		row->h.e.note = old;
		free(err);
		return;
	}
	free(old);
	tui_message(g->t, "%s", _("The note is saved."));
}

/* F6: turns disqualifying conditions on and off for the household in hand. */
static void grid_disqualify(struct grid *g)
{
	if (!g->n || !g->r->ndisq || !grid_writable(g))
		return;
	struct grid_row *row = &g->rows[g->cur];
	for (;;) {
		char **labels = xcalloc(g->r->ndisq, sizeof *labels);
		for (size_t d = 0; d < g->r->ndisq; d++)
			labels[d] = xasprintf("[%s] %s", row->h.e.dq[d] ? "x" : " ", _(g->r->disq[d].name));
		char *title = xasprintf(_("Disqualifying conditions of %s (digit turns on/off)"), row->h.head);
		int d = tui_choose(g->t, title, (const char *const *)labels, g->r->ndisq, 0);
		free(title);
		for (size_t i = 0; i < g->r->ndisq; i++)
			free(labels[i]);
		free(labels);
		if (d < 0 || g->t->quit)
			break;
		char *err = NULL;
		row->h.e.dq[d] = !row->h.e.dq[d];
		if (stars_save_entry(g->st, g->r, g->round, &row->h.e, &err) != 0) {
			row->h.e.dq[d] = !row->h.e.dq[d];
			tui_error(g->t, "%s", err ? err : "?");
			free(err);
			break;
		}
		stars_result_free(&row->res);
		stars_compute(g->r, row->h.e.values, row->h.e.dq, &row->res);
	}
}

/* The next row after the one in hand whose household number begins with q or whose
 * head's name holds it; -1 when none does. */
static long grid_match(const struct grid *g, const char *q)
{
	for (size_t k = 1; k <= g->n; k++) {
		size_t i = (g->cur + k) % g->n;
		if (strncmp(g->rows[i].h.hh_no, q, strlen(q)) == 0 || strstr(g->rows[i].h.head, q))
			return (long)i;
	}
	return -1;
}

/* The find dialog's check: a household that is not in the grid is said there. */
static char *find_refusal(void *ctx, const char *q)
{
	return !*q || grid_match(ctx, q) >= 0 ? NULL : xasprintf(_("No household matches %s."), q);
}

/* F3: jumps to a household by number or head's name. */
static void grid_find(struct grid *g)
{
	char *q = tui_prompt_checked(g->t, _("Find a household"), _("Household number or head's name:"), NULL, 40,
				     find_refusal, g);
	long i = q && *q ? grid_match(g, q) : -1;
	if (i >= 0) {
		g->cur = (size_t)i;
		g->star = 0;
	}
	free(q);
}

/* F9: why the household in hand got what it got. */
static void grid_explain(struct grid *g)
{
	if (!g->n)
		return;
	struct grid_row *row = &g->rows[g->cur];
	char *why = stars_explain(g->r, row->h.e.values, row->h.e.dq);
	char *last = row->h.last >= 0 ? rubric_level_name(g->r, row->h.last) : NULL;
	char *text = last ? xasprintf(_("Last year: %s, %d stars.\n\n%s"), last, row->h.last_stars, why) : xstrdup(why);
	char *points = stars_points_text(g->t->app->st, row->h.id);   /* 文明积分, when kept */
	if (points) {
		char *with = xasprintf("%s\n\n%s", points, text);   /* first: seen without scrolling */
		free(text);
		text = with;
		free(points);
	}
	char *title = xasprintf(_("Why %s (household %s) got this result"), row->h.head, row->h.hh_no);
	struct tui_textview v = { .title = title, .text = text };
	tui_textview_run(g->t, &v);
	free(title);
	free(text);
	free(last);
	free(why);
}

/* ---- stage moves ---- */

/* Households of the grid with a star still unscored. */
static size_t unscored_households(const struct grid *g)
{
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++)
		n += !g->rows[i].res.complete;
	return n;
}

/* A stage move being asked for, for the notice days' check. */
struct stage_move {
	const struct stars_round *round;
	enum stars_stage to;
	const char *today;
};

/* The notice days' dialog check: a number the register takes for this move. */
static char *notice_days_refusal(void *ctx, const char *typed)
{
	const struct stage_move *mv = ctx;
	long days;
	if (!text_whole_number(typed, 0, 9999, &days))
		return xasprintf(_("%s: a whole number from %ld to %ld"), _("Public notice"), 1L, 90L);
	if (days < 1 || days > 90)
		return xstrdup(_("A public notice runs from 1 to 90 days."));
	return stars_round_move_refusal(mv->round, mv->to, (int)days, mv->today);
}

/* F8: moves the round on (or from 公示 back to 审核) after the clerk confirms. */
static void grid_stage(struct grid *g)
{
	enum stars_stage to[2] = { g->round->stage + 1, STARS_CHECK };
	size_t nto = g->round->stage == STARS_FINAL ? 0 : g->round->stage == STARS_NOTICE ? 2 : 1;
	const char *labels[3];
	char *l0 = xasprintf(_("On to %s"), stars_stage_label(to[0]));
	char *l1 = xasprintf(_("Back to %s (an objection to answer)"), stars_stage_label(STARS_CHECK));
	labels[0] = l0;
	labels[1] = l1;
	labels[nto] = _("History of the round (who moved it, when)");
	char *title = xasprintf(_("Stage: %s"), stars_stage_label(g->round->stage));
	int c = tui_choose(g->t, title, labels, nto + 1, 0);
	free(title);
	free(l0);
	free(l1);
	if (c < 0)
		return;
	if ((size_t)c == nto) {
		char *what = xasprintf(_("Star households: %s %d"), g->round->village, g->round->year);
		tui_history_show(g->t, "star_round", g->round->id, what);
		free(what);
		return;
	}
	if (!access_allows(g->st, ACCESS_STARS_EDIT)) {
		char *why = access_refusal(g->st, ACCESS_STARS_EDIT);
		tui_error(g->t, "%s", why);
		free(why);
		return;
	}
	int days = 0;
	struct stage_move mv = { g->round, to[c], g->today };
	if (to[c] == STARS_NOTICE) {
		char init[8];
		snprintf(init, sizeof init, "%d", g->round->notice_days);
		char *s = tui_prompt_checked(g->t, _("Public notice"), _("Days the notice stays up:"), init, 2,
					     notice_days_refusal, &mv);
		if (!s)
			return;
		long typed = 0;
		text_whole_number(s, 0, 9999, &typed);
		free(s);
		days = (int)typed;
	}
	/* a move the register would refuse is said now, not after the clerk confirmed it */
	char *refusal = stars_round_move_refusal(g->round, to[c], days, g->today);
	if (refusal) {
		tui_error(g->t, "%s", refusal);
		free(refusal);
		return;
	}
	size_t open = unscored_households(g);
	char *q = open && to[c] > g->round->stage
		? xasprintf(_("%zu household(s) still have unscored stars. Move the round to %s anyway?"), open,
			    stars_stage_label(to[c]))
		: xasprintf(_("Move the round to %s?"), stars_stage_label(to[c]));
	bool yes = tui_confirm(g->t, q, open == 0);
	free(q);
	if (!yes)
		return;
	char *err = NULL;
	if (stars_round_move(g->st, g->r, g->round, to[c], days, g->today, &err) != 0) {
		tui_error(g->t, "%s", err ? err : "?");
		free(err);
		return;
	}
	g->can_edit = stars_round_editable(g->round, &err);
	free(err);
	tui_message(g->t, _("The round is now at: %s."), stars_stage_label(g->round->stage));
}

/* F1: how the grid is read and typed into. */
static void grid_help(struct grid *g)
{
	tui_show_text(g->t, _("Scoring"),
		      _("One row per household, one column per star (its first character heads the column; "
			"the star in hand is named under the grid). Type + for full marks, - for none, y/n or "
			"1/0 for a pass star, the points for a points star: the score is saved at once and the "
			"cursor moves on, to the next household after the last star. Space clears a cell. "
			"Pts (a rubric by points) and Lv are this year's result; Sum the stars earned this year, "
			"beside Lst, the stars earned last year, and +/- the change (shown once every star is scored). "
			"F3 finds a household, F5 writes a note, F6 sets a disqualifying condition, F8 moves "
			"the round to its next stage, F9 explains the result star by star."));
}

/* A key typed into the cell in hand (digits, + - y n, Space, Backspace, Delete);
 * false when the key is something else. */
static bool grid_cell_key(struct grid *g, int k)
{
	if (k >= '0' && k <= '9') {
		if (grid_writable(g))
			grid_digit(g, k);
		else
			g->pending[0] = '\0';
	} else if (k == TK_BACKSPACE && g->pending[0]) {
		g->pending[strlen(g->pending) - 1] = '\0';
	} else if (k == '+' || k == '-' || k == 'y' || k == 'n' || k == 'Y' || k == 'N') {
		char text[2] = { (char)k, '\0' };
		int v;
		g->pending[0] = '\0';
		if (stars_parse_value(&g->r->stars[g->star], text, &v))
			grid_score(g, v);
		else
			tui_error(g->t, "%s", _("A points star takes digits, + or -."));
	} else if (k == ' ' || k == TK_DELETE || k == TK_BACKSPACE) {
		g->pending[0] = '\0';
		grid_score(g, STARS_UNSCORED);
	} else {
		return false;
	}
	return true;
}

/* The grid's own commands; false when the key is not one. */
static bool grid_command(struct grid *g, int k)
{
	switch (k) {
	case TK_F1: grid_help(g); return true;
	case TK_F3: grid_find(g); return true;
	case TK_F5: grid_note(g); return true;
	case TK_F6: grid_disqualify(g); return true;
	case TK_F8: grid_stage(g); return true;
	case TK_F9: grid_explain(g); return true;
	default: return false;
	}
}

/* The grid as a view (tui-core's loop). */
static void grid_view_draw(struct tui *t, void *ctx)
{
	(void)t;
	grid_draw(ctx);
}

/* One key of the grid. Digits still being typed are written before anything else
 * happens; Enter, Tab or Right after them only write them (writing already moved on). */
static enum tui_view_step grid_view_key(struct tui *t, void *ctx, int k)
{
	struct grid *g = ctx;
	if (g->n && grid_cell_key(g, k)) {
		grid_flush(g);
		return TUI_VIEW_STAY;
	}
	bool had_pending = g->pending[0] != '\0';
	grid_commit_pending(g);
	if (TK_IS_BACK(k) || t->quit)
		return TUI_VIEW_CLOSE;
	if (had_pending && (k == TK_ENTER || k == TK_TAB || k == TK_RIGHT))
		grid_flush(g);
	else if (grid_move(g, k))
		grid_flush(g);
	else if (grid_command(g, k))
		return TUI_VIEW_DRAW;
	return TUI_VIEW_STAY;
}

/* The scoring grid of a round until the clerk goes back. */
static void grid_run(struct tui *t, struct stars_round *round, const struct rubric *r)
{
	struct grid g = { .t = t, .st = t->app->st, .round = round, .r = r };
	store_today(g.today);
	grid_load(&g);
	char *why = NULL;
	g.can_edit = access_allows(g.st, ACCESS_STARS_EDIT) && stars_round_editable(round, &why);
	free(why);
	if (!g.n)
		tui_error(t, "%s", _("The village has no households in its grids."));
	struct tui_view v = { .draw = grid_view_draw, .key = grid_view_key, .ctx = &g };
	tui_view_run(t, &v);
	grid_free(&g);
	curs_set(1);
}

/* ---- the notice list ---- */

struct notice_ctx {
	struct store *st;
	const struct rubric *r;
	const struct stars_round *round;
};

/* F7: exports the notice as .xlsx, or as CSV (UTF-8) for any other file name. */
static void notice_export(struct notice_ctx *nc, struct tui *t)
{
	char *def = xasprintf("notice-%s-%d.xlsx", nc->round->village, nc->round->year);
	char *path = tui_prompt_path(t, _("Export the notice list"), _("File to write (.xlsx, or .csv):"), def, 200, NULL, NULL);
	free(def);
	if (!path || !*path) {
		free(path);
		return;
	}
	char *err = NULL;
	int rc;
	if (sheet_is_xlsx(path)) {
		rc = stars_notice_xlsx(nc->st, nc->r, nc->round, path, &err);
	} else {
		char *doc = stars_notice_csv(nc->st, nc->r, nc->round, &err);
		rc = doc ? printout_deliver(doc, "utf-8", path, &err) : -1;
		free(doc);
	}
	if (rc == 0)
		tui_message(t, _("Written to %s."), path);
	else
		tui_error(t, "%s", err ? err : "?");
	free(err);
	free(path);
}

/* F7 exports from the notice list (F6 prints it, as every text view does). */
static bool notice_key(void *ctx, struct tui *t, int k)
{
	if (k != TK_F7)
		return false;
	notice_export(ctx, t);
	return true;
}

static const struct tui_hint notice_hints[] = { { "F7", N_("Export") } };

/* The notice list of a round on screen, with printing and export. */
static void notice_run(struct tui *t, const struct stars_round *round, const struct rubric *r)
{
	char *err = NULL;
	char *text = stars_notice_text(t->app->st, r, round, &err);
	if (!text) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return;
	}
	struct notice_ctx nc = { t->app->st, r, round };
	char *title = xasprintf(_("Notice list: %s %d"), round->village, round->year);
	char *file = xasprintf("notice-%s-%d.txt", round->village, round->year);
	struct tui_textview v = { .title = title, .text = text, .print_file = file, .hints = notice_hints,
				  .nhints = ARRAY_LEN(notice_hints), .key = notice_key, .ctx = &nc };
	tui_message(t, "%s", _("No ID or phone number is shown, printed or exported. F6 prints, F7 exports (.xlsx or .csv)."));
	tui_textview_run(t, &v);
	free(file);
	tui_message_clear(t);
	free(title);
	free(text);
}

/* ---- statistics ---- */

static const char *const stats_groupings[] = { N_("By level"), N_("By village") };

static const struct tui_stats_column stats_columns[] = {
	{ N_("Number of households"), 8 }, { N_("Share"), 8 }, { N_("Stage"), 16 },
};

/* The year's ratings in the statistics view every register shares. */
static const struct tui_stats_def stats_def = {
	.by_village = true,
	.title = N_("Star households: statistics"), .period = TUI_STATS_YEAR,
	.groupings = stats_groupings, .ngroupings = ARRAY_LEN(stats_groupings),
	.label_cols = 16, .columns = stats_columns, .ncolumns = ARRAY_LEN(stats_columns),
	.fetch = stars_stats_sheet, .report = stars_stats_report, .file_stem = "stars",
	.help = N_("The households scored in the year: per star level over every village, or per village "
		   "with its round's stage, each with its share of all scored households. ←/→ (or "
		   "PgUp/PgDn) the year before or after; F5 or 1-2 change the grouping; F6 prints, F7 writes "
		   "a CSV file, F3 shows the table by village. `shanzhi report stars --year Y` prints it."),
};

/* The statistics from the year the entry screen is at. */
static void stats_run(struct tui *t, int year)
{
	char period[16];
	snprintf(period, sizeof period, "%04d", year);
	tui_stats_run(t, &stats_def, period);
}

/* ---- the entry screen ---- */

/* A new year without a rubric: says what to do, and on the clerk's word copies the
 * latest earlier rubric to the new year in the local forms folder and loads the set
 * again. True when the year has a rubric now. */
static bool rubric_carry_over(struct tui *t, struct rubric_set **set, int64_t village, int year)
{
	const struct rubric *prev;
	if (stars_rubric_for(t->app->st, *set, village, year, &prev))
		return true;
	if (!prev) {
		tui_error(t, _("There is no rubric for %d in forms/rubrics: put the township's rubric there "
			       "(the format is in forms/rubrics/common-2026.rubric)."), year);
		return false;
	}
	char *local = paths_forms_local();
	char *q = xasprintf(_("There is no rubric for %d yet. Copy %d's (%s) as the rubric of %d? The copy "
			      "goes to %s/rubrics, where it may be changed before the first score."),
			    year, prev->year, _(prev->title), year, local);
	bool yes = access_allows(t->app->st, ACCESS_STARS_EDIT) && tui_confirm(t, q, true);
	free(q);
	char *path = NULL, *err = NULL;
	if (yes && rubric_copy_for_year(prev, year, local, &path, &err) != 0) {
		tui_error(t, "%s", err);
		yes = false;
	}
	if (yes) {
		char *errors = NULL;
		int from = prev->year;   /* prev goes with the old set */
		rubric_set_free(*set);
		*set = rubric_set_load(paths_forms(), local, &errors);
		if (errors)
			tui_show_text(t, _("The rubrics have errors"), errors);
		free(errors);
		tui_message(t, _("%d's rubric is copied to %s."), from, path);
	}
	free(path);
	free(err);
	free(local);
	return yes;
}

/* The round of village and year, opened on request when there is none; the rubric
 * it was given under. false (with the message shown) when there is none to use. */
static bool round_for(struct tui *t, struct rubric_set **set, int64_t village, int year, bool open,
		      struct stars_round *round, const struct rubric **r)
{
	char *err = NULL;
	int rc = stars_round_get(t->app->st, village, year, round, &err);
	if (rc == 1 && open && !rubric_carry_over(t, set, village, year))
		return false;
	if (rc == 1 && open) {
		char *q = xasprintf(_("There is no round of %d for this village yet. Open it now?"), year);
		bool yes = access_allows(t->app->st, ACCESS_STARS_EDIT) && tui_confirm(t, q, true);
		free(q);
		if (!yes)
			return false;
		rc = stars_round_open(t->app->st, *set, village, year, round, &err);
	} else if (rc == 1) {
		tui_error(t, _("There is no round of %d for this village."), year);
		return false;
	}
	if (rc != 0) {
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return false;
	}
	if (!(*r = stars_round_rubric(*set, round, &err))) {
		tui_error(t, "%s", err);
		free(err);
		stars_round_free(round);
		return false;
	}
	return true;
}

/* Runs one entry of the star menu for the village and year. */
static void stars_open(struct tui *t, struct rubric_set **set, int choice, int64_t village, int year)
{
	struct stars_round round;
	const struct rubric *r;
	if (!round_for(t, set, village, year, choice == 0, &round, &r))
		return;
	if (choice == 0)
		grid_run(t, &round, r);
	else
		notice_run(t, &round, r);
	stars_round_free(&round);
}

void tui_stars(struct tui *t)
{
	if (!access_allows(t->app->st, ACCESS_STARS_VIEW)) {
		char *why = access_refusal(t->app->st, ACCESS_STARS_VIEW);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	char *errors = NULL, *local = paths_forms_local(), today[11];
	struct rubric_set *set = rubric_set_load(paths_forms(), local, &errors);
	free(local);
	if (errors) {
		tui_show_text(t, _("The rubrics have errors"), errors);
		free(errors);
	}
	store_today(today);
	int year = atoi(today), choice = 0;
	int64_t village = stars_default_village(t->app->st);
	while (village) {
		char *vname = village_name(t->app->st, village);
		if (!vname)
			vname = xstrdup("?");
		char *title = xasprintf(_("Star households: %s %d"), vname, year);
		const char *labels[] = {
			_("Score the round"), _("Notice list (public notice)"), _("Statistics"),
			_("Another year"), _("Another village"),
		};
		erase();
		tui_title(t, title);
		tui_draw_message(t);
		wnoutrefresh(stdscr);
		choice = tui_choose(t, title, labels, ARRAY_LEN(labels), (size_t)choice);
		free(title);
		free(vname);
		tui_message_clear(t);
		if (choice < 0 || t->quit)
			break;
		if (choice <= 1) {
			stars_open(t, &set, choice, village, year);
		} else if (choice == 2) {
			stats_run(t, year);
		} else if (choice == 3) {
			long y;
			if (tui_prompt_number(t, _("Another year"), _("Year:"), year, 2000, 2100, &y))
				year = (int)y;
		} else {
			int64_t id = tui_village_pick(t, N_("Village"));
			if (id)
				village = id;
		}
	}
	rubric_set_free(set);
}
