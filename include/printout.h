/* printout: a printed document (a receipt, an agreement, a notice) delivered as
 * text in the encoding the printer or the clerk's editor wants, to a file, to
 * stdout or to the printer through lpr. Documents are composed in UTF-8; a
 * character the chosen encoding lacks stops the delivery with a message naming the
 * line and the character (GB18030 and UTF-8 hold every character). Control and
 * format characters other than line and page breaks and tabs are printed escaped. */
#ifndef SZ_PRINTOUT_H
#define SZ_PRINTOUT_H

#include <stddef.h>

/* encoding: "utf-8", "gbk" or "gb18030" (NULL = utf-8). dest: a file path, "-" for
 * stdout, or NULL for the default printer (lpr). Returns 0, or -1 with *err. */
int printout_deliver(const char *utf8, const char *encoding, const char *dest, char **err);
/* Converts utf8 to encoding; NULL with *err naming line and character when it cannot.
 * *out_len gets the byte count. Caller frees. */
char *printout_encode(const char *utf8, const char *encoding, size_t *out_len, char **err);
/* Pads or cuts utf8 to exactly cols display columns as a printer's monospace font
 * lays out Chinese (CJK wide = 2), for tables in printed documents. Caller frees. */
char *printout_pad(const char *utf8, int cols);

#endif
