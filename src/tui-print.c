/* tui-print: preview, file or printer for every document (see tui-print.h). */
#include "tui-print.h"

#include <stdlib.h>

#include "i18n.h"
#include "printout.h"
#include "tui-textview.h"
#include "util.h"

enum print_where { PRINT_PREVIEW, PRINT_FILE, PRINT_PRINTER };

/* The encodings offered, in the order asked: UTF-8 first, as today's editors and
 * CUPS read it; GBK last, for old printers and programs that know only it. */
static const char *const print_encodings[] = { "utf-8", "gb18030", "gbk" };

/* Shows the document as it will be printed, in a box as big as the screen. */
static void print_preview(struct tui *t, const char *title, const char *text)
{
	char *head = xasprintf(_("Preview: %s"), title);
	struct tui_textview v = { .title = head, .text = text, .popup = true, .wide = true };
	tui_textview_run(t, &v);
	free(head);
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
