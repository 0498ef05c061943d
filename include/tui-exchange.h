/* tui-exchange: the import and export screen of the main menu (digit 6).
 * Import: a file is named, its first rows are shown decoded with the column mapping,
 * the clerk may change the encoding or the field of a column, sees the dry run's
 * report, then imports. Export: a template, an encoding, masked or not, a file name;
 * a GBK export that meets characters GBK lacks lists them and offers GB18030, UTF-8
 * or an explicit replacement. */
#ifndef SZ_TUI_EXCHANGE_H
#define SZ_TUI_EXCHANGE_H

#include "tui-core.h"

void tui_exchange(struct tui *t);

#endif
