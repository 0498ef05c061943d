/* tui-exchange: import and export from the main menu, on import.h and export.h.
 * The screen holds no rules of its own: the preview and the dry run are the import's
 * own, so what the clerk sees before importing is what the import will do. */
#include "tui-exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "app.h"
#include "encoding.h"
#include "export.h"
#include "i18n.h"
#include "import.h"
#include "store.h"
#include "text.h"
#include "tui-list.h"
#include "util.h"

/* Rows read for the preview: what a clerk scrolls through to see the file is right. */
#define PREVIEW_ROWS 200
#define PREVIEW_COL_WIDTH 14
/* Screen lines the preview leaves to other things: title, facts, column numbers,
 * header, mapping, the help, message and key lines. */
#define PREVIEW_CHROME 9

/* The state of one import being prepared. */
struct import_screen {
	char *path;
	enum enc_kind enc;
	struct import_preview pv;
	struct import_mapping map;
	char **chosen;        /* per column: the clerk's field ("-" ignored), NULL: as mapped */
	size_t first_col;     /* horizontal scroll */
	size_t first_row;     /* vertical scroll: the first data row shown (0 = row 1) */
};

static const struct tui_hint import_hints[] = {
	{ "F2", N_("Dry run and import") }, { "F4", N_("Column field") }, { "F5", N_("Encoding") },
	{ "\xE2\x86\x91\xE2\x86\x93\xE2\x86\x90\xE2\x86\x92", N_("Scroll") }, { "F10", N_("Back") },
};

/* The data rows the screen has room for. */
static size_t preview_page(void)
{
	/* the key bar may take a second line at 80 columns */
	int room = LINES - PREVIEW_CHROME - (tui_keybar_lines(import_hints, ARRAY_LEN(import_hints)) - 1);
	return room > 1 ? (size_t)room : 1;
}

/* Moves the first data row shown by delta, within the rows read. */
static void preview_scroll(struct import_screen *s, long delta)
{
	size_t data = s->pv.rows > 1 ? s->pv.rows - 1 : 0, page = preview_page();
	size_t last = data > page ? data - page : 0;
	long top = (long)s->first_row + delta;
	s->first_row = top < 0 ? 0 : (size_t)top > last ? last : (size_t)top;
}

/* The overrides the clerk chose, as import's "N=field,..." text. Caller frees. */
static char *screen_overrides(const struct import_screen *s)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < s->pv.cols; i++)
		if (s->chosen[i])
			sb_appendf(&sb, "%s%zu=%s", sb.len ? "," : "", i + 1, s->chosen[i]);
	return sb.len ? sb_take(&sb) : NULL;
}

/* Reads the first rows and maps their header; false with a message on failure. */
static bool screen_load(struct tui *t, struct import_screen *s)
{
	char *err = NULL;
	import_preview_free(&s->pv);
	import_mapping_free(&s->map);
	if (import_preview(s->path, s->enc, PREVIEW_ROWS + 1, &s->pv, &err) != 0 || s->pv.rows == 0) {
		tui_error(t, "%s", err ? err : _("the file is empty"));
		free(err);
		return false;
	}
	if (!s->chosen)
		s->chosen = xcalloc(s->pv.cols + 1, sizeof *s->chosen);
	char *over = screen_overrides(s);
	if (import_map_columns((const char *const *)s->pv.cells, s->pv.cols, over, &s->map, &err) != 0) {
		tui_error(t, "%s", err);
		free(err);
	}
	free(over);
	return true;
}

/* The label of where a column goes. */
static const char *column_target(const struct import_screen *s, size_t c)
{
	if (c < s->map.n && s->map.targets[c])
		return import_target_label(s->map.targets[c]);
	/* a column no field takes is not lost: its cells go to the residents' notes */
	return c < s->map.n && !s->map.left_out[c] ? _("(to notes)") : _("(ignored)");
}

/* Draws the preview: file facts, the mapping row, the first rows decoded. */
static void screen_draw(struct tui *t, const struct import_screen *s)
{
	erase();
	tui_title(t, _("Import residents"));
	const char *enc = s->pv.sep ? enc_name(s->pv.encoding) : "";
	const char *fmt = !s->pv.sep ? "XLSX/XLS" : s->pv.sep == '\t' ? "TSV" : "CSV";
	char *facts = xasprintf(_("File: %s   Format: %s %s   Columns: %zu"), s->path, fmt, enc, s->pv.cols);
	tui_put(stdscr, 1, 0, facts, COLS, A_BOLD);
	free(facts);
	int ncols = (COLS - 1) / (PREVIEW_COL_WIDTH + 1);
	struct strbuf sb = {0};
	for (int k = 0; k < ncols && s->first_col + (size_t)k < s->pv.cols; k++) {
		char *num = xasprintf("%zu", s->first_col + (size_t)k + 1);
		tui_col(&sb, num, PREVIEW_COL_WIDTH);
		free(num);
	}
	tui_put(stdscr, 3, 0, sb.s ? sb.s : "", COLS, A_DIM);
	size_t page = preview_page();
	for (size_t r = 0; r < s->pv.rows; r = r ? r + 1 : s->first_row + 1) {
		if (r > s->first_row + page)
			break;
		sb.len = 0;
		if (sb.s)
			sb.s[0] = '\0';
		for (int k = 0; k < ncols && s->first_col + (size_t)k < s->pv.cols; k++)
			tui_col(&sb, s->pv.cells[r * s->pv.cols + s->first_col + (size_t)k], PREVIEW_COL_WIDTH);
		int y = r == 0 ? 4 : 5 + (int)(r - s->first_row);
		tui_put(stdscr, y, 0, sb.s ? sb.s : "", COLS, r == 0 ? A_BOLD : A_NORMAL);
		if (r == 0) {
			sb.len = 0;
			sb.s[0] = '\0';
			for (int k = 0; k < ncols && s->first_col + (size_t)k < s->pv.cols; k++) {
				char *arrow = xasprintf("-> %s", column_target(s, s->first_col + (size_t)k));
				tui_col(&sb, arrow, PREVIEW_COL_WIDTH);
				free(arrow);
			}
			tui_put(stdscr, 5, 0, sb.s, COLS, A_REVERSE);
		}
	}
	sb_free(&sb);
	size_t data = s->pv.rows - 1, shown = data - s->first_row < page ? data - s->first_row : page;
	char *where = xasprintf(_("Rows %zu-%zu of the first %zu; columns %zu-%zu of %zu. "
				  "Check where each column goes (the reversed line)."),
				data ? s->first_row + 1 : 0, s->first_row + shown, data,
				s->pv.cols ? s->first_col + 1 : 0,
				s->first_col + (size_t)ncols < s->pv.cols ? s->first_col + (size_t)ncols : s->pv.cols,
				s->pv.cols);
	tui_keybar(t, import_hints, ARRAY_LEN(import_hints));
	tui_put(stdscr, tui_message_row(t) - 1, 0, where, COLS, A_NORMAL);
	free(where);
	tui_draw_message(t);
	wnoutrefresh(stdscr);
	doupdate();
}

/* F4: the clerk picks a column, then the field it goes to. */
static void screen_remap(struct tui *t, struct import_screen *s)
{
	const char **labels = xcalloc(s->pv.cols, sizeof *labels);
	char **owned = xcalloc(s->pv.cols, sizeof *owned);
	for (size_t i = 0; i < s->pv.cols; i++)
		labels[i] = owned[i] = xasprintf("%zu %s -> %s", i + 1, s->pv.cells[i], column_target(s, i));
	int col = tui_choose(t, _("Which column?"), labels, s->pv.cols, s->first_col);
	for (size_t i = 0; i < s->pv.cols; i++)
		free(owned[i]);
	free(owned);
	free(labels);
	if (col < 0)
		return;
	const char *const *targets = import_targets();
	size_t n = 0;
	while (targets[n])
		n++;
	const char **tl = xcalloc(n + 1, sizeof *tl);
	tl[0] = _("(ignored)");
	for (size_t i = 0; i < n; i++)
		tl[i + 1] = import_target_label(targets[i]);
	int pick = tui_choose(t, _("The column holds"), tl, n + 1, 0);
	free(tl);
	if (pick < 0)
		return;
	free(s->chosen[col]);
	s->chosen[col] = xstrdup(pick == 0 ? "-" : targets[pick - 1]);
	screen_load(t, s);
}

/* F5: the encoding, when detection guessed wrong. */
static void screen_encoding(struct tui *t, struct import_screen *s)
{
	static const enum enc_kind kinds[] = {ENC_AUTO, ENC_UTF8, ENC_GBK, ENC_GB18030};
	const char *labels[] = {_("detect"), "UTF-8", "GBK", "GB18030"};
	int pick = tui_choose(t, _("Encoding of the file"), labels, ARRAY_LEN(labels), 0);
	if (pick < 0)
		return;
	enum enc_kind old = s->enc;
	s->enc = kinds[pick];
	if (!screen_load(t, s)) {
		s->enc = old;
		screen_load(t, s);
	}
}

/* Shows the import's progress on the message line. */
static void screen_progress(void *ctx, long rows)
{
	struct tui *t = ctx;
	tui_message(t, _("%ld rows..."), rows);
	doupdate();
}

/* Runs the import (dry or not) with the clerk's mapping; the report text, caller frees. */
static char *screen_run(struct tui *t, struct import_screen *s, bool dry, struct import_report *rep)
{
	char *over = screen_overrides(s), *err = NULL;
	struct import_opts o = {.encoding = s->enc, .dry_run = dry, .map = over,
				.progress = screen_progress, .progress_ctx = t};
	int rc = import_residents(t->app->st, t->app->forms, s->path, &o, rep, &err);
	free(over);
	char *text = rc == 0 ? import_report_text(rep) : xasprintf("%s", err ? err : "?");
	free(err);
	if (rc != 0)
		rep->imported = -1;
	return text;
}

/* F2: the dry run's report, then the import when the clerk agrees. */
static void screen_import(struct tui *t, struct import_screen *s)
{
	struct import_report rep;
	tui_message(t, "%s", _("Checking every row..."));
	doupdate();
	char *text = screen_run(t, s, true, &rep);
	long would = rep.imported;
	tui_message_clear(t);   /* the rows are checked: the report says what came of it */
	tui_show_text(t, _("What the import would do"), text);
	free(text);
	import_report_free(&rep);
	if (would <= 0) {
		tui_error(t, "%s", _("Nothing to import."));
		return;
	}
	char *q = xasprintf(_("Import %ld residents now?"), would);
	bool go = tui_confirm(t, q, false);
	free(q);
	if (!go)
		return;
	text = screen_run(t, s, false, &rep);
	tui_show_text(t, _("Import"), text);
	if (rep.imported >= 0)
		tui_message(t, _("Imported %ld rows, refused %ld."), rep.imported, rep.refused);
	else
		tui_error(t, "%s", text);
	free(text);
	import_report_free(&rep);
}

/* The import screen as a view (tui-core's loop). */
static void import_view_draw(struct tui *t, void *ctx)
{
	screen_draw(t, ctx);
}

/* F1: how the preview is read and changed. */
static void import_help(struct tui *t)
{
	tui_show_text(t, _("Import residents"),
		      _("The first rows of the file are shown as read. The reversed line says which "
			"field each column goes to; F4 changes it. F5 reads the file in another "
			"encoding. A column no field takes goes to the residents' notes as \"column: "
			"value\"; choose (ignored) with F4 to leave it out. F2 checks every row with "
			"the resident form's rules and shows what would be imported and refused, "
			"what goes to the notes and why, then asks before importing. Refused rows go "
			"to a rejects file beside the input, with the reason in the last column."));
}

static enum tui_view_step import_view_key(struct tui *t, void *ctx, int k)
{
	struct import_screen *s = ctx;
	if (TK_IS_BACK(k))
		return TUI_VIEW_CLOSE;
	if (k == TK_F2)
		screen_import(t, s);
	else if (k == TK_F4)
		screen_remap(t, s);
	else if (k == TK_F5)
		screen_encoding(t, s);
	else if (k == TK_RIGHT && s->first_col + 1 < s->pv.cols)
		s->first_col++;
	else if (k == TK_LEFT && s->first_col > 0)
		s->first_col--;
	else if (k == TK_DOWN || k == TK_UP)
		preview_scroll(s, k == TK_DOWN ? 1 : -1);
	else if (k == TK_PGDN || k == TK_PGUP)
		preview_scroll(s, (k == TK_PGDN ? 1 : -1) * (long)preview_page());
	else if (k == TK_F1)
		import_help(t);
	return TUI_VIEW_DRAW;
}

/* The import screen on a file. */
static void import_file(struct tui *t, const char *path)
{
	struct import_screen s = {.path = xstrdup(path), .enc = ENC_AUTO};
	if (screen_load(t, &s)) {
		tui_message_clear(t);   /* what went wrong before this file is over */
		struct tui_view v = { .draw = import_view_draw, .key = import_view_key, .ctx = &s };
		tui_view_run(t, &v);
	}
	for (size_t i = 0; s.chosen && i < s.pv.cols; i++)
		free(s.chosen[i]);
	free(s.chosen);
	import_preview_free(&s.pv);
	import_mapping_free(&s.map);
	free(s.path);
}

/* The current folder with a slash, as the start of a file name. Caller frees. */
static char *cwd_prefix(void)
{
	char buf[4096];
	return getcwd(buf, sizeof buf) ? xasprintf("%s/", buf) : xstrdup("");
}

/* The file a prompt's text names. The prompt starts with the current folder, so a
 * clerk typing a whole path after it gives "/home/lin//media/u/x.csv": as in a
 * file dialog, a second root (// or /~/) starts the path again. Caller frees. */
static char *typed_path(char *typed)
{
	if (!typed)
		return NULL;
	const char *home = getenv("HOME");
	char *tilde = strstr(typed, "/~/"), *root = NULL;
	for (char *p = strstr(typed, "//"); p; p = strstr(p + 1, "//"))
		root = p + 1;
	char *path = NULL;
	if (tilde && (!root || tilde > root) && home && *home)
		path = xasprintf("%s%s", home, tilde + 2);
	else if (root)
		path = xstrdup(root);
	else if (typed[0] == '~' && typed[1] == '/' && home && *home)
		path = xasprintf("%s%s", home, typed + 1);
	if (!path)
		return typed;
	free(typed);
	return path;
}

/* The import dialog's check: a file that cannot be read is said there, the name kept. */
static char *import_path_refusal(void *ctx, const char *typed)
{
	(void)ctx;
	char *path = typed_path(xstrdup(typed));
	char *why = *path && access(path, R_OK) != 0 ? xasprintf(_("%s cannot be read"), path) : NULL;
	free(path);
	return why;
}

/* Import: the file's name, then its screen. */
static void exchange_import(struct tui *t)
{
	char *start = cwd_prefix();
	char *path = typed_path(tui_prompt_path(t, _("Import residents"), _("File (.csv .txt .xlsx .xls):"), start, 1024,
						import_path_refusal, NULL));
	free(start);
	if (path && *path)
		import_file(t, path);
	free(path);
}

/* ---- export ---- */

/* Runs one export; on a GBK refusal lists the characters and offers the ways out.
 * Returns when written or abandoned. */
static void export_run(struct tui *t, const char *path, struct export_opts *o)
{
	for (;;) {
		struct export_report rep;
		char *err = NULL;
		tui_message(t, "%s", _("Exporting..."));
		doupdate();
		int rc = export_residents(t->app->st, t->app->forms, path, o, &rep, &err);
		char *text = export_report_text(&rep);
		if (rc == 0) {
			size_t len = strlen(text);
			while (len && text[len - 1] == '\n')
				text[--len] = '\0';   /* one line on the message line */
			tui_message(t, "%s", text);
		} else if (rep.unencodable) {
			/* the ways out are offered below, not as the command line's options */
			char *why = xasprintf(_("%ld characters are not in %s: nothing was written."),
					      rep.unencodable, enc_iconv_name(rep.encoding));
			char *all = xasprintf("%s\n%s", text, why);
			free(why);
			tui_show_text(t, _("Characters the encoding lacks"), all);
			free(all);
		} else {
			tui_error(t, "%s", err ? err : "?");
		}
		bool refused = rc != 0 && rep.unencodable;
		free(text);
		free(err);
		export_report_free(&rep);
		if (!refused)
			return;
		const char *ways[] = {_("Export in GB18030"), _("Export in UTF-8"),
				      _("Replace each with ?"), _("Cancel")};
		int pick = tui_choose(t, _("The file was not written"), ways, ARRAY_LEN(ways), 0);
		if (t->quit)
			return;
		if (pick == 0)
			o->encoding = ENC_GB18030;
		else if (pick == 1)
			o->encoding = ENC_UTF8_BOM;
		else if (pick == 2)
			o->replace = "?";
		else
			return;
	}
}

/* The reason dialog's check: full numbers leave only with a reason. */
static char *export_reason_refusal(void *ctx, const char *reason)
{
	(void)ctx;
	return export_reason_ok(reason) ? NULL : xstrdup(_("Nothing is exported without a reason."));
}

/* Export: template, encoding, masking, file name, then the export. */
static void exchange_export(struct tui *t)
{
	char **names = export_template_names();
	size_t n = 0;
	while (names[n])
		n++;
	const char **titles = xcalloc(n + 1, sizeof *titles);
	struct export_template **tpl = xcalloc(n + 1, sizeof *tpl);
	for (size_t i = 0; i < n; i++) {
		tpl[i] = export_template_load(names[i], NULL);
		titles[i] = tpl[i] ? export_template_title(tpl[i]) : names[i];
	}
	int pick = n ? tui_choose(t, _("Export template"), titles, n, 0) : -1;
	struct export_opts o = {.encoding = ENC_AUTO};
	int enc = -1;
	if (pick >= 0) {
		o.template_name = names[pick];
		static const enum enc_kind kinds[] = {ENC_AUTO, ENC_UTF8_BOM, ENC_UTF8, ENC_GBK, ENC_GB18030};
		const char *labels[] = {_("as the template says"), _("UTF-8 with BOM (Excel)"), "UTF-8", "GBK",
					"GB18030"};
		enc = tui_choose(t, _("Encoding"), labels, ARRAY_LEN(labels), 0);
		if (enc >= 0)
			o.encoding = kinds[enc];
	}
	if (enc >= 0 && access_allows(t->app->st, ACCESS_UNMASK))
		o.unmasked = tui_confirm(t, _("Full ID and phone numbers (not masked)?"), false);
	char *reason = NULL;
	if (o.unmasked) {   /* as F6 for one resident: full numbers leave only with a reason */
		reason = tui_prompt_checked(t, _("Full ID and phone numbers"),
					    _("Why are they needed (recorded in the audit log)?"), NULL, 100,
					    export_reason_refusal, NULL);
		if (!reason)
			enc = -1;
		o.reason = reason;
	}
	char *path = NULL;
	if (enc >= 0) {
		char day[11], *start = cwd_prefix();
		store_today(day);
		char *initial = xasprintf("%s%s-%s.csv", start, names[pick], day);
		path = typed_path(tui_prompt_path(t, _("Export residents"), _("File (.csv .txt .xlsx):"), initial, 1024, NULL, NULL));
		free(initial);
		free(start);
	}
	if (path && *path)
		export_run(t, path, &o);
	free(path);
	free(reason);
	for (size_t i = 0; i < n; i++) {
		export_template_free(tpl[i]);
		free(names[i]);
	}
	free(tpl);
	free(titles);
	free(names);
}

void tui_exchange(struct tui *t)
{
	if (!access_allows(t->app->st, ACCESS_EXCHANGE)) {
		char *why = access_refusal(t->app->st, ACCESS_EXCHANGE);
		tui_error(t, "%s", why);
		free(why);
		return;
	}
	const char *choices[] = {_("Import residents from a file"), _("Export residents to a file")};
	for (;;) {
		erase();
		tui_title(t, _("Import and export"));
		tui_draw_message(t);
		wnoutrefresh(stdscr);
		int pick = tui_choose(t, _("Import and export"), choices, ARRAY_LEN(choices), 0);
		if (pick < 0 || t->quit)
			return;
		if (pick == 0)
			exchange_import(t);
		else
			exchange_export(t);
	}
}
