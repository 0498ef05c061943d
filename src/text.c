/* text: UTF-8 decoding and encoding, display widths, fitting text into columns.
 *
 * The decoder follows Unicode's "maximal subpart" practice: a broken sequence becomes
 * one U+FFFD and decoding resumes at the first byte that could not belong to it, so a
 * truncated character never swallows the valid character after it. Overlong forms,
 * surrogates and code points past U+10FFFF are invalid. No function reads past the
 * terminating NUL or the given length. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define REPLACEMENT 0xFFFD

/* One decoding step: the code point (or U+FFFD) and the bytes it took. */
struct utf8_step {
	uint32_t cp;
	size_t len;
	bool valid;
};

/* The allowed range of the second byte for a lead byte (Unicode table 3-7);
 * false when the lead byte itself can never start a sequence. */
static bool second_byte_range(unsigned char lead, unsigned char *lo, unsigned char *hi,
			      size_t *need)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (lead >= 0xC2 && lead <= 0xDF)
		*need = 2;
	else if (lead >= 0xE0 && lead <= 0xEF)
		*need = 3;
	else if (lead >= 0xF0 && lead <= 0xF4)
		*need = 4;
	else
		return false;
	if (lead == 0xE0)
		*lo = 0xA0;       /* below is an overlong 3-byte form */
	else if (lead == 0xED)
		*hi = 0x9F;       /* above are the UTF-16 surrogates */
	else if (lead == 0xF0)
		*lo = 0x90;       /* below is an overlong 4-byte form */
	else if (lead == 0xF4)
		*hi = 0x8F;       /* above is past U+10FFFF */
	return true;
}

/* Decodes the character at s, looking at no more than avail bytes. */
static struct utf8_step utf8_decode(const unsigned char *s, size_t avail)
{
	struct utf8_step st = { REPLACEMENT, 1, false };
	unsigned char lo, hi;
	size_t need;

	if (s[0] < 0x80) {
		st.cp = s[0];
		st.valid = true;
		return st;
	}
	if (!second_byte_range(s[0], &lo, &hi, &need))
		return st;
	uint32_t cp = s[0] & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
	for (size_t i = 1; i < need; i++) {
		unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
		if (i >= avail || s[i] < min || s[i] > max) {
			st.len = i;  /* the maximal subpart so far becomes one U+FFFD */
			return st;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	st.cp = cp;
	st.len = need;
	st.valid = true;
	return st;
}

/* Writes the UTF-8 form of c (U+FFFD for what cannot be encoded) into out[4];
 * returns the byte count. */
static size_t utf8_encode(uint32_t c, char *out)
{
	if (c >= 0xD800 && c <= 0xDFFF)
		c = REPLACEMENT;
	if (c > 0x10FFFF)
		c = REPLACEMENT;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

wchar_t *text_to_wcs(const char *utf8, size_t *len)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t avail = strlen((const char *)s), n = 0;
	/* never more characters than bytes */
	wchar_t *ws = xmalloc((avail + 1) * sizeof(wchar_t));

	while (avail > 0) {
		struct utf8_step st = utf8_decode(s, avail);
		ws[n++] = (wchar_t)st.cp;
		s += st.len;
		avail -= st.len;
	}
	ws[n] = L'\0';
	if (len)
		*len = n;
	return ws;
}

char *text_from_wcs(const wchar_t *ws, size_t n)
{
	char *out = xmalloc(n * 4 + 1), *p = out;

	for (size_t i = 0; i < n; i++)
		p += utf8_encode((uint32_t)ws[i], p);
	*p = '\0';
	return out;
}

int text_char_width(wchar_t c)
{
	if (text_is_format_char(c))
		return 1;  /* drawn as a replacement, like a control character */
	int w = wcwidth(c);
	return w < 0 ? 1 : w;  /* a non-printable character is drawn as one replacement cell */
}

int text_wcs_width(const wchar_t *ws, size_t n)
{
	int cols = 0;

	for (size_t i = 0; i < n; i++)
		cols += text_char_width(ws[i]);
	return cols;
}

int text_width(const char *utf8)
{
	size_t n;
	wchar_t *ws = text_to_wcs(utf8, &n);
	int cols = text_wcs_width(ws, n);

	free(ws);
	return cols;
}

size_t text_char_count(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t avail = strlen((const char *)s), n = 0;

	while (avail > 0) {
		struct utf8_step st = utf8_decode(s, avail);
		s += st.len;
		avail -= st.len;
		n++;
	}
	return n;
}

/* What is drawn for a character the locale cannot show (a control character, or
 * 𠮷 in a GBK terminal) or that would hide or reorder text unseen (U+202E): U+FFFD
 * where the locale can show that, else '?'. */
static wchar_t drawable(wchar_t c)
{
	if (wcwidth(c) >= 0 && !text_is_format_char(c))
		return c;
	return wcwidth(REPLACEMENT) == 1 ? REPLACEMENT : L'?';
}

/* Appends the longest prefix of ws that fits in cols, each character made drawable;
 * returns the columns it took. */
static int fit_prefix(struct strbuf *sb, const wchar_t *ws, size_t n, int cols)
{
	int used = 0;
	char enc[4];

	for (size_t i = 0; i < n; i++) {
		int w = text_char_width(ws[i]);
		if (used + w > cols)
			break;
		sb_append_n(sb, enc, utf8_encode((uint32_t)drawable(ws[i]), enc));
		used += w;
	}
	return used;
}

/* Pads sb with spaces from used to cols and hands it over. */
static char *pad_to(struct strbuf *sb, int used, int cols)
{
	/* a wide character cut by the edge, and any room left, become spaces */
	for (; used < cols; used++)
		sb_append_n(sb, " ", 1);
	return sb_take(sb);
}

char *text_fit(const char *utf8, int cols)
{
	size_t n;
	struct strbuf sb = { 0 };
	wchar_t *ws = text_to_wcs(utf8, &n);

	if (cols < 0)
		cols = 0;
	int used = fit_prefix(&sb, ws, n, cols);
	free(ws);
	return pad_to(&sb, used, cols);
}

const char *text_ellipsis(void)
{
	/* U+2026 is East Asian Ambiguous: 2 columns in a GBK locale, 1 in UTF-8 */
	return wcwidth(0x2026) > 0 ? "\xE2\x80\xA6" : ".";
}

char *text_fit_ellipsis(const char *utf8, int cols)
{
	size_t n, shown;
	struct strbuf sb = { 0 };
	wchar_t *ws = text_to_wcs(utf8, &n);
	const char *ell = text_ellipsis();
	int ell_cols = text_width(ell);

	if (cols < 0)
		cols = 0;
	/* trailing spaces (a row padded to its columns) are no text to lose */
	for (shown = n; shown > 0 && ws[shown - 1] == L' ';)
		shown--;
	if (text_wcs_width(ws, shown) <= cols || cols < ell_cols) {
		int used = fit_prefix(&sb, ws, n, cols);
		free(ws);
		return pad_to(&sb, used, cols);
	}
	int used = fit_prefix(&sb, ws, shown, cols - ell_cols);
	free(ws);
	sb_append(&sb, ell);
	return pad_to(&sb, used + ell_cols, cols);
}

bool text_utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0;

	while (off < n) {
		if (p[off] < 0x80) {   /* ASCII: no decoding */
			off++;
			continue;
		}
		struct utf8_step st = utf8_decode(p + off, n - off);
		if (!st.valid) {
			if (bad_offset)
				*bad_offset = off;
			return false;
		}
		off += st.len;
	}
	return true;
}

/* The ASCII character a full-width form stands for, or c itself. */
static wchar_t fold_fullwidth(wchar_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		return c - 0xFEE0;
	if (c == 0x3000)
		return L' ';
	return c;
}

/* White space trimmed from both ends of a field. */
static bool is_trim_space(wchar_t c)
{
	return c == L' ' || c == L'\t' || c == L'\n' || c == L'\r' || c == L'\v' ||
	       c == L'\f';
}

/* True when s is valid UTF-8 without any of the lead bytes in leads: the text holds
 * none of the characters a normaliser would change, so a copy will do. */
static bool free_of_leads(const char *s, const char *leads)
{
	size_t len = strlen(s);
	return strpbrk(s, leads) == NULL && text_utf8_valid(s, len, NULL);
}

/* A copy of s without ASCII white space at either end. */
static char *trim_ascii_copy(const char *s)
{
	size_t start = 0, n = strlen(s);
	while (start < n && is_trim_space((unsigned char)s[start]))
		start++;
	while (n > start && is_trim_space((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s + start, n - start);
}

bool text_ascii_normal(const char *utf8)
{
	size_t n = strlen(utf8);
	return free_of_leads(utf8, "\xEF\xE3") &&
	       (n == 0 || (!is_trim_space(UCH(utf8[0])) && !is_trim_space(UCH(utf8[n - 1]))));
}

char *text_normalize_ascii(const char *utf8)
{
	/* no full-width form (EF BC/BD xx) and no ideographic space (E3 80 80): only
	 * the ends to trim, without a round trip through wide characters per cell */
	if (utf8 && free_of_leads(utf8, "\xEF\xE3"))
		return trim_ascii_copy(utf8);
	size_t n, start = 0;
	wchar_t *ws = text_to_wcs(utf8, &n);

	for (size_t i = 0; i < n; i++)
		ws[i] = fold_fullwidth(ws[i]);
	while (start < n && is_trim_space(ws[start]))
		start++;
	while (n > start && is_trim_space(ws[n - 1]))
		n--;
	char *out = text_from_wcs(ws + start, n - start);
	free(ws);
	return out;
}

/* ---- characters a register never holds ---- */

/* Unicode's general category Cf (format characters), as ranges. */
static const struct { uint32_t lo, hi; } format_ranges[] = {
	{ 0x00AD, 0x00AD }, { 0x0600, 0x0605 }, { 0x061C, 0x061C }, { 0x06DD, 0x06DD },
	{ 0x070F, 0x070F }, { 0x0890, 0x0891 }, { 0x08E2, 0x08E2 }, { 0x180E, 0x180E },
	{ 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 }, { 0x2066, 0x206F },
	{ 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD },
	{ 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A },
	{ 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F },
};

bool text_is_format_char(wchar_t c)
{
	uint32_t u = (uint32_t)c;
	if (u < 0xAD)
		return false;   /* ASCII and most of Latin-1: the common case */
	for (size_t i = 0; i < ARRAY_LEN(format_ranges); i++)
		if (u >= format_ranges[i].lo && u <= format_ranges[i].hi)
			return true;
	return false;
}

/* A control character (C0 not in keep, DEL, C1, U+2028/U+2029). */
static bool is_control(uint32_t c, const char *keep)
{
	if (c < 0x20)
		return !(c && keep && strchr(keep, (int)c));
	return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

/* The first character of utf8 that pred picks, or 0. Invalid bytes are not picked. */
static wchar_t find_char(const char *utf8, bool (*pred)(uint32_t, const char *), const char *keep)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t avail = strlen((const char *)s);
	while (avail > 0) {
		if (s[0] >= 0x20 && s[0] < 0x7F) {   /* printable ASCII: neither kind */
			s++;
			avail--;
			continue;
		}
		struct utf8_step st = utf8_decode(s, avail);
		if (st.valid && pred(st.cp, keep))
			return (wchar_t)st.cp;
		s += st.len;
		avail -= st.len;
	}
	return 0;
}

static bool is_format(uint32_t c, const char *keep)
{
	(void)keep;
	return text_is_format_char((wchar_t)c);
}

/* Whether no byte of s begins a control character's UTF-8 form: C0, DEL, the leads
 * of C1 (C2) and of U+2028/U+2029 (E2). One test a byte, no decoding. */
static bool free_of_control_bytes(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F || *p == 0xC2 || *p == 0xE2)
			return false;
	return true;
}

/* The lead bytes of every format character's UTF-8 form: text without them has none
 * (most Chinese text: its leads are E3..E9), and is copied as it is. */
#define FORMAT_LEADS "\xC2\xD8\xDB\xDC\xE0\xE1\xE2\xEF\xF0\xF3"

wchar_t text_find_control(const char *utf8, const char *keep)
{
	if (utf8 && free_of_control_bytes(utf8))
		return 0;
	return find_char(utf8, is_control, keep);
}

wchar_t text_find_format(const char *utf8)
{
	if (utf8 && !strpbrk(utf8, FORMAT_LEADS))
		return 0;
	return find_char(utf8, is_format, NULL);
}

char *text_strip_format(const char *utf8)
{
	if (!utf8 || !strpbrk(utf8, FORMAT_LEADS))
		return xstrdup(utf8 ? utf8 : "");
	const unsigned char *s = (const unsigned char *)utf8;
	size_t avail = strlen((const char *)s);
	struct strbuf sb = { 0 };
	while (avail > 0) {
		struct utf8_step st = utf8_decode(s, avail);
		if (!st.valid || !text_is_format_char((wchar_t)st.cp))
			sb_append_n(&sb, (const char *)s, st.len);
		s += st.len;
		avail -= st.len;
	}
	return sb_take(&sb);
}

/* Whether the character of a step is shown escaped. */
static bool step_escaped(const struct utf8_step *st, const char *keep)
{
	return !st->valid || is_control(st->cp, keep) || text_is_format_char((wchar_t)st->cp);
}

bool text_needs_escape(const char *utf8, const char *keep)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t avail = strlen((const char *)s);
	while (avail > 0) {
		if (s[0] >= 0x20 && s[0] < 0x7F) {   /* printable ASCII: the common case */
			s++;
			avail--;
			continue;
		}
		struct utf8_step st = utf8_decode(s, avail);
		if (step_escaped(&st, keep))
			return true;
		s += st.len;
		avail -= st.len;
	}
	return false;
}

char *text_escape(const char *utf8, const char *keep)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t avail = strlen((const char *)s);
	struct strbuf sb = { 0 };
	while (avail > 0) {
		struct utf8_step st = utf8_decode(s, avail);
		if (!st.valid || st.cp < 0x80) {
			if (!st.valid || is_control(st.cp, keep))
				for (size_t i = 0; i < st.len; i++)
					sb_appendf(&sb, "\\x%02x", s[i]);
			else
				sb_append_n(&sb, (const char *)s, 1);
		} else if (step_escaped(&st, keep)) {
			sb_appendf(&sb, st.cp > 0xFFFF ? "\\U%08x" : "\\u%04x", (unsigned)st.cp);
		} else {
			sb_append_n(&sb, (const char *)s, st.len);
		}
		s += st.len;
		avail -= st.len;
	}
	return sb_take(&sb);
}

bool text_whole_number(const char *typed, long min, long max, long *out)
{
	char *ascii = text_normalize_ascii(typed ? typed : "");
	const char *digits = ascii + (ascii[0] == '-');
	size_t n = strlen(digits);
	/* digits only: "7y", "7.5" and " " are not a whole number, as atoi would make them */
	bool ok = n > 0 && n <= 9 && strspn(digits, "0123456789") == n;
	long v = ok ? strtol(ascii, NULL, 10) : 0;

	free(ascii);
	if (!ok || v < min || v > max)
		return false;
	*out = v;
	return true;
}
