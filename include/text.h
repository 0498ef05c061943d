/* text: UTF-8 inside, display columns outside.
 * Every width here is in terminal display columns as the current locale's wcwidth()
 * counts them (so the field editor and ncurses agree, in UTF-8 and in GBK locales).
 * wchar_t is UCS-4 on glibc whatever the locale, so decoding UTF-8 needs no iconv. */
#ifndef SZ_TEXT_H
#define SZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Decodes UTF-8; an invalid sequence becomes U+FFFD. *len (if non-NULL) gets the count.
 * Caller frees. */
wchar_t *text_to_wcs(const char *utf8, size_t *len);
/* Encodes n wide characters as UTF-8. Caller frees. */
char *text_from_wcs(const wchar_t *ws, size_t n);
/* Width of one character: 0 for combining marks, 2 for wide, 1 otherwise (a
 * non-printable character counts 1, it is drawn as a replacement). */
int text_char_width(wchar_t c);
int text_width(const char *utf8);
int text_wcs_width(const wchar_t *ws, size_t n);
/* Number of characters (code points) in a UTF-8 string. */
size_t text_char_count(const char *utf8);
/* The longest prefix that fits in cols, padded with spaces to exactly cols; a wide
 * character that would straddle the edge is replaced by a space. A character the
 * locale cannot show (a control character; 𠮷 in GBK) becomes U+FFFD, or '?' where
 * the locale cannot show U+FFFD either, so the result is safe to draw. Caller frees. */
char *text_fit(const char *utf8, int cols);
/* The mark of text cut short: "…" where the locale shows it (2 columns in a GBK
 * locale, 1 in UTF-8: measure it with text_width), else ".". */
const char *text_ellipsis(void);
/* Like text_fit, but text that does not fit ends in the ellipsis, so a clerk sees it
 * was cut (never a bracket left open); trailing spaces do not count as cut text. */
char *text_fit_ellipsis(const char *utf8, int cols);
/* true if s[0..n) is valid UTF-8; otherwise *bad_offset is the first bad byte. */
bool text_utf8_valid(const char *s, size_t n, size_t *bad_offset);
/* Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space become ASCII;
 * leading/trailing white space removed. Caller frees. */
char *text_normalize_ascii(const char *utf8);
/* A typed whole number from min to max (full-width digits and surrounding spaces
 * accepted, nothing else: "7y" is refused). True with the value in *out. */
bool text_whole_number(const char *typed, long min, long max, long *out);

#endif
