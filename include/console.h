/* console: text for the command line's stdout and stderr.
 * Strings are UTF-8 inside (the gettext catalogue too); the terminal may speak GBK.
 * Everything a command prints goes through here and is converted to the locale's
 * codeset at this edge; a character the codeset lacks is printed as '?'. A control or
 * format character (ESC, OSC 52, U+202E), but a line break, tab or form feed, is
 * printed escaped (text_escape): a value is shown, never obeyed by the terminal. */
#ifndef SZ_CONSOLE_H
#define SZ_CONSOLE_H

#include <stdio.h>

/* Reads the locale's codeset; call after setlocale. */
void console_init(void);
void console_done(void);
void console_puts(FILE *f, const char *utf8);
void console_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
