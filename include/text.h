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
/* true when text_normalize_ascii would give utf8 back unchanged. */
bool text_ascii_normal(const char *utf8);
/* A typed whole number from min to max (full-width digits and surrounding spaces
 * accepted, nothing else: "7y" is refused). True with the value in *out. */
bool text_whole_number(const char *typed, long min, long max, long *out);

/* Characters no register text holds, because a terminal acts on them or a reader
 * cannot see them. A control character is C0 (but those in keep, e.g. "\n\t" for a
 * memo), DEL, C1 (U+0080..U+009F) or the line/paragraph separators U+2028/U+2029.
 * A format character is Unicode category Cf: invisible, it hides or reorders text
 * (U+200B zero-width space, U+202E right-to-left override, U+FEFF, U+00AD ...). */
bool text_is_format_char(wchar_t c);
/* The first control character of utf8 not in keep, or 0 when none. */
wchar_t text_find_control(const char *utf8, const char *keep);
/* The first format character of utf8, or 0 when none. */
wchar_t text_find_format(const char *utf8);
/* A copy of utf8 without its format characters (search keys and queries). Caller frees. */
char *text_strip_format(const char *utf8);
/* True when text_escape would change utf8. */
bool text_needs_escape(const char *utf8, const char *keep);
/* The one visible form of what must not reach a terminal or a text file raw: every
 * control character not in keep as \xHH (C0, DEL), every other control or format
 * character as \uHHHH (\UHHHHHHHH past the BMP), every byte of invalid UTF-8 as \xHH.
 * Caller frees. */
char *text_escape(const char *utf8, const char *keep);

#endif
