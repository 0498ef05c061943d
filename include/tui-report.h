/* tui-report: the one viewer of a statistics report (便民服务 by month, 调解 by year,
 * 星级文明户 by year): the text `shanzhi report` prints, scrolled at any terminal size
 * with the arrows and PgUp/PgDn, F5 printed through the print path (printer or file,
 * in the encoding the clerk picks), F6 written as a CSV file for a spreadsheet. */
#ifndef SZ_TUI_REPORT_H
#define SZ_TUI_REPORT_H

#include "tui-core.h"

/* Shows text (UTF-8 lines) under title until the clerk goes back; file_stem names the
 * CSV file offered by F6 (stem.csv). */
void tui_report_view(struct tui *t, const char *title, const char *text, const char *file_stem);
/* The print dialog every printout shares: a file (empty: the printer), then the
 * encoding; says where it went or why not. */
void tui_report_print(struct tui *t, const char *title, const char *text, const char *file_stem);

#endif
