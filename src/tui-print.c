/* tui-print: preview, file or printer for every document (see tui-print.h). */
#include "tui-print.h"

#include <stdlib.h>

#include "i18n.h"
#include "printout.h"
#include "util.h"

enum print_where { PRINT_PREVIEW, PRINT_FILE, PRINT_PRINTER };

/* The encodings offered, in the order asked: UTF-8 first, as today's editors and
 * CUPS read it; GBK last, for old printers and programs that know only it. */
static const char *const print_encodings[] = { "utf-8", "gb18030", "gbk" };

/* The lines of the preview from top, and where they are in the document. */
static void preview_draw(WINDOW *p, char **lines, size_t n, size_t top, int rows, int cols)
{
	for (int r = 0; r < rows; r++) {
		size_t i = top + (size_t)r;
		tui_put(p, 1 + r, 2, i < n ? lines[i] : "", cols, A_NORMAL);
	}
	char *where = xasprintf(_("Lines %zu-%zu of %zu. Up/Down/PgUp/PgDn move, Esc or Enter back."),
				n ? top + 1 : 0, top + (size_t)rows < n ? top + (size_t)rows : n, n);
	tui_put(p, rows + 1, 2, where, cols, A_BOLD);
	free(where);
	wnoutrefresh(p);
	doupdate();
}

/* Shows the document page by page, as it will be printed, until Esc or Enter. */
static void print_preview(struct tui *t, const char *title, const char *text)
{
	/* the title line and the key bar stay: a frame on the screen's last cell would
	 * scroll some terminals */
	int w = COLS - 2, h = LINES - 2, cols = w - 4, rows = h - 3;
	char **lines;
	size_t n = tui_wrap(text, cols, &lines), top = 0;
	char *head = xasprintf(_("Preview: %s"), title);
	WINDOW *p = tui_popup(h, w, head);
	free(head);
	curs_set(0);
	for (;;) {
		preview_draw(p, lines, n, top, rows, cols);
		int k = tui_getkey(t, -1);
		size_t last = n > (size_t)rows ? n - (size_t)rows : 0;
		if (TK_IS_BACK(k) || k == TK_ENTER)
			break;
		if (k == TK_DOWN && top < last)
			top++;
		else if (k == TK_UP && top > 0)
			top--;
		else if (k == TK_PGDN || k == ' ')
			top = top + (size_t)rows < last ? top + (size_t)rows : last;
		else if (k == TK_PGUP)
			top = top > (size_t)rows ? top - (size_t)rows : 0;
		else if (k == TK_HOME)
			top = 0;
		else if (k == TK_END)
			top = last;
	}
	curs_set(1);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	tui_popup_close(p);
}

/* The file dialog's check: a file needs a name. */
static char *file_refusal(void *ctx, const char *typed)
{
	(void)ctx;
	for (const char *c = typed; *c; c++)
		if (*c != ' ')
			return NULL;
	return xstrdup(_("Name the file to write (or Esc, then choose the printer)."));
}

/* The encoding the clerk picks for the file or the printer; NULL when cancelled. */
static const char *print_encoding(struct tui *t)
{
	const char *labels[] = { _("UTF-8 (every character)"), _("GB18030 (every character)"),
				 _("GBK (older printers and programs)") };
	int e = tui_choose(t, _("Encoding of the printout"), labels, ARRAY_LEN(labels), 0);
	return e < 0 ? NULL : print_encodings[e];
}

/* Writes or prints the document; the outcome on the message line. */
static void print_deliver(struct tui *t, const char *text, enum print_where where, const char *file_name)
{
	char *path = NULL;
	if (where == PRINT_FILE) {
		path = tui_prompt_path(t, _("Write to a file"), _("File to write:"), file_name, 200,
				       file_refusal, NULL);
		if (!path)
			return;
	}
	const char *encoding = print_encoding(t);
	char *err = NULL;
	if (!encoding)
		tui_message_clear(t);
	else if (printout_deliver(text, encoding, path, &err) != 0)
		tui_error(t, "%s", err ? err : "?");
	else if (path)
		tui_message(t, _("Written to %s."), path);
	else
		tui_message(t, "%s", _("Sent to the printer."));
	free(err);
	free(path);
}

void tui_print(struct tui *t, const char *title, const char *text, const char *file_name)
{
	const char *labels[] = { _("Preview on the screen"), _("Write to a file"), _("Send to the printer") };
	char *head = xasprintf(_("Print: %s"), title);
	size_t initial = PRINT_PREVIEW;
	int c;
	/* after a preview the same question again: the clerk has seen it and may now print */
	while ((c = tui_choose(t, head, labels, ARRAY_LEN(labels), initial)) == PRINT_PREVIEW) {
		print_preview(t, title, text);
		initial = PRINT_PRINTER;
	}
	free(head);
	if (c >= 0)
		print_deliver(t, text, (enum print_where)c, file_name);
}
