/* tui-print: the one print dialog. Every printed document (a receipt, an agreement,
 * a session record, a notice) is offered the same way: 1 preview on the screen,
 * 2 write to a file, 3 send to the printer; a file is named, then for a file or the
 * printer the encoding is asked (UTF-8, GB18030, GBK). The outcome, or one
 * translated reason it failed, goes to the message line. */
#ifndef SZ_TUI_PRINT_H
#define SZ_TUI_PRINT_H

#include "tui-core.h"

/* Offers the document text (UTF-8) titled title; file_name is the file name offered
 * when the clerk writes it to a file. */
void tui_print(struct tui *t, const char *title, const char *text, const char *file_name);

#endif
