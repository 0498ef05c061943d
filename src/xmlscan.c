/* xmlscan: a strict streaming scanner of a workbook part's XML. See xmlscan.h.
 *
 * The part is read into one buffer a block at a time. A token is scanned from its
 * first byte; when the buffer ends before the token does, the bytes not yet handed
 * out move to the front, more are read, and the token is scanned again from its
 * start, so nothing is written into the buffer until a token is known whole. Then
 * values and text are decoded in place (an entity is never shorter than what it
 * stands for) and NUL-terminated: an attribute's over its closing quote, a text's
 * over the '<' after it, which the next call puts back. The buffer always ends in a
 * NUL, so the loops that scan names and spaces stop at its end by themselves. */
#include "xmlscan.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "util.h"

/* Bytes asked of the source at a time. */
#define CHUNK (64u << 10)
/* Longest element or attribute name: far beyond any a spreadsheet writer uses. */
#define NAME_MAX_LEN 1024
/* Most attributes one tag may carry. */
#define ATTRS_MAX 256

struct xs_attr {
	const char *name;
	size_t nlen;
	char *val;
	size_t vlen;
	bool plain;   /* neither the name nor the value needs decoding or checking */
};

/* What one step of the scan came to. */
enum step { STEP_TOKEN, STEP_SKIP, STEP_MORE, STEP_FAIL };

/* How text is decoded: character data, an attribute value, a CDATA section. */
enum mode { MODE_TEXT, MODE_ATTR, MODE_CDATA };

struct xmlscan {
	xs_source src;
	void *ctx;
	size_t token_max;
	char *buf;            /* buf[end] is always NUL */
	size_t cap, pos, end;
	bool eof;
	bool lt_eaten;        /* buf[pos] was '<', overwritten by the NUL of the text before */
	bool at_start;        /* the byte order mark is still to be looked for */
	bool first;           /* no token yet: the XML declaration may come */
	bool root_seen;
	/* the open elements' names, one after another; the innermost last */
	char *names;
	size_t names_len, names_cap;
	size_t name_at[XS_DEPTH_MAX + 1];
	unsigned short local_at[XS_DEPTH_MAX + 1];   /* where each name's local part starts */
	unsigned depth;
	bool pending_end;     /* an empty-element tag was handed out: its end comes next */
	bool pop_pending;     /* an end tag was handed out: its element closes next */
	/* the token */
	enum xs_token tok;
	const char *name;     /* the element's name, in names */
	size_t name_len, local_off;
	bool empty;
	struct xs_attr *attrs;
	size_t nattrs, attrs_cap;
	char *text;
	size_t text_len;
	/* the error */
	enum xs_fault fault;
	char *why;
};

/* ---- errors ---- */

/* Stops the scan with fault and its reason; STEP_FAIL. */
__attribute__((format(printf, 3, 4))) static enum step fail(struct xmlscan *x, enum xs_fault fault,
							   const char *fmt, ...)
{
	if (x->tok == XS_ERROR)
		return STEP_FAIL;
	va_list ap;
	va_start(ap, fmt);
	x->why = xvasprintf(fmt, ap);
	va_end(ap);
	x->fault = fault;
	x->tok = XS_ERROR;
	return STEP_FAIL;
}

/* The innermost open element's name, for a message. */
static const char *open_name(const struct xmlscan *x)
{
	return x->depth ? x->names + x->name_at[x->depth - 1] : "";
}

/* The error of a part that ends before its document: inside which element. */
static enum step truncated(struct xmlscan *x)
{
	if (x->depth)
		return fail(x, XS_TRUNCATED, _("the part ends inside <%s>, before its document does"),
			    open_name(x));
	return fail(x, XS_TRUNCATED, _("the part ends before its document does"));
}

/* ---- characters ---- */

/* True when a and b hold the same n bytes: names are a few bytes, shorter than a
 * call of memcmp. */
static inline bool same(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* What each byte is to the scanner: a table, for the scanner looks at every byte. */
enum { C_NAME_START = 1, C_NAME = 2, C_SPACE = 4, C_PLAIN = 8 };
static const unsigned char cls[256] = {
	/* C_NAME_START: A-Z a-z _ : and bytes of UTF-8 sequences (checked after);
	 * C_NAME: those, digits, - and .; C_SPACE: space, tab, LF, CR; C_PLAIN: text
	 * that needs no decoding, 0x20 to 0x7F but < and & */
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  4,  4,  0,  0,  4,  0,  0,   /* 0x00 */
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,   /* 0x10 */
	12,  8,  8,  8,  8,  8,  0,  8,  8,  8,  8,  8,  8, 10, 10,  8,   /* 0x20 */
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11,  8,  0,  8,  8,  8,   /* 0x30 */
	 8, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,   /* 0x40 */
	11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,  8,  8,  8,  8, 11,   /* 0x50 */
	 8, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,   /* 0x60 */
	11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,  8,  8,  8,  8,  8,   /* 0x70 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0x80 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0x90 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0xA0 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0xB0 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0xC0 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0xD0 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0xE0 */
	 3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,   /* 0xF0 */
};

/* Space as XML counts it. */
static inline bool is_space(unsigned char c)
{
	return cls[c] & C_SPACE;
}

/* A byte a name may start with (a byte of a UTF-8 sequence too: checked after). */
static inline bool name_start(unsigned char c)
{
	return cls[c] & C_NAME_START;
}

/* A byte a name may go on with. */
static inline bool name_char(unsigned char c)
{
	return cls[c] & C_NAME;
}

/* A byte of text that needs no decoding. */
static inline bool plain(unsigned char c)
{
	return cls[c] & C_PLAIN;
}

/* The length of the UTF-8 sequence at p (before e) of a character XML allows, or
 * 0: a stray or missing continuation byte, an overlong form, a surrogate, past
 * U+10FFFF, U+FFFE or U+FFFF. Sets *cut when the sequence runs past e. */
static size_t utf8_char(const unsigned char *p, const unsigned char *e, bool *cut)
{
	unsigned c = p[0];
	size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
	if (n == 0)
		return 0;
	if ((size_t)(e - p) < n) {
		*cut = true;
		return 0;
	}
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
	    (c == 0xF4 && p[1] >= 0x90))
		return 0;
	if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
		return 0;
	return n;
}

/* True when XML allows code point cp in a document. */
static bool xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
	       (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Writes cp as UTF-8 at w; the bytes written. */
static size_t utf8_put(char *w, uint32_t cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xC0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xE0 | cp >> 12);
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		w[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	w[0] = (char)(0xF0 | cp >> 18);
	w[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	w[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	w[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The code point of a character reference's digits [p, e) ("#65", "#x41"), or
 * UINT32_MAX when they are not one. */
static uint32_t char_ref(const char *p, const char *e)
{
	bool hex = p < e && *p == 'x';
	p += hex;
	if (p == e)
		return UINT32_MAX;
	uint32_t cp = 0;
	for (; p < e; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (hex && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
			d = (unsigned)((*p | 0x20) - 'a' + 10);
		else
			return UINT32_MAX;
		cp = cp * (hex ? 16 : 10) + d;
		if (cp > 0x10FFFF)
			return UINT32_MAX;
	}
	return cp;
}

/* Decodes the entity or character reference at r ('&', before e) into w; the bytes
 * of r it took, or 0 after fail(). */
static size_t entity(struct xmlscan *x, const char *r, const char *e, char **w)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
	size_t room = (size_t)(e - r) < 16 ? (size_t)(e - r) : 16;
	const char *semi = memchr(r, ';', room);
	if (!semi) {
		fail(x, XS_MALFORMED, _("an '&' that starts no entity (\"%.*s\")"), (int)room, r);
		return 0;
	}
	const char *body = r + 1;
	size_t blen = (size_t)(semi - body);
	if (blen && *body == '#') {
		uint32_t cp = char_ref(body + 1, semi);
		if (cp == UINT32_MAX || !xml_char(cp)) {
			fail(x, XS_NOT_UTF8, _("the character reference &%.*s; names no character XML allows"),
			     (int)blen, body);
			return 0;
		}
		*w += utf8_put(*w, cp);
		return (size_t)(semi - r) + 1;
	}
	for (size_t i = 0; i < ARRAY_LEN(named); i++)
		if (strlen(named[i].name) == blen && memcmp(named[i].name, body, blen) == 0) {
			*(*w)++ = named[i].c;
			return blen + 2;
		}
	fail(x, XS_MALFORMED, _("the entity &%.*s; is not one XML defines"), (int)blen, body);
	return 0;
}

/* Decodes [s, e) in place as mode says: entities (not in CDATA), line ends to LF
 * (in an attribute, every space character to a space), UTF-8 and the characters
 * XML allows checked. The decoded length in *n; false after fail(). */
static bool decode(struct xmlscan *x, char *s, char *e, enum mode mode, size_t *n)
{
	char *r = s, *w = s;
	for (;;) {
		char *run = r;
		while (r < e && plain((unsigned char)*r))
			r++;
		if (w != run)
			memmove(w, run, (size_t)(r - run));
		w += r - run;
		if (r == e)
			break;
		unsigned char c = (unsigned char)*r;
		if (c == '&' && mode != MODE_CDATA) {
			size_t used = entity(x, r, e, &w);
			if (!used)
				return false;
			r += used;
		} else if (c == '&' || c == '<') {
			*w++ = *r++;   /* as it is in CDATA (text and values end before a '<') */
		} else if (c == '\r') {
			*w++ = mode == MODE_ATTR ? ' ' : '\n';
			r += 1 + (r + 1 < e && r[1] == '\n');
		} else if (c == '\n' || c == '\t') {
			*w++ = mode == MODE_ATTR ? ' ' : (char)c;
			r++;
		} else if (c < 0x20) {
			fail(x, XS_NOT_UTF8, _("a control character (0x%02X) XML does not allow"), c);
			return false;
		} else {
			bool cut = false;
			size_t len = utf8_char((const unsigned char *)r, (const unsigned char *)e, &cut);
			if (!len) {
				fail(x, XS_NOT_UTF8, _("bytes that are not UTF-8 text (0x%02X)"), c);
				return false;
			}
			memmove(w, r, len);
			w += len;
			r += len;
		}
	}
	*n = (size_t)(w - s);
	return true;
}

/* ---- the buffer ---- */

/* The error of a token longer than the cap. */
static enum step too_long(struct xmlscan *x)
{
	return fail(x, XS_TOO_LONG, _("it holds a piece of text or markup longer than %zu KiB"), x->token_max >> 10);
}

/* Keeps the bytes from pos on (the token being scanned) and reads more after them;
 * false after fail(). */
static bool refill(struct xmlscan *x)
{
	size_t keep = x->end - x->pos;
	if (keep > x->token_max) {
		too_long(x);
		return false;
	}
	if (x->pos) {
		memmove(x->buf, x->buf + x->pos, keep);
		x->pos = 0;
		x->end = keep;
	}
	if (x->cap - x->end - 1 < CHUNK) {
		x->cap = x->cap * 2 > x->end + CHUNK + 1 ? x->cap * 2 : x->end + CHUNK + 1;
		x->buf = xrealloc(x->buf, x->cap);
	}
	ssize_t n = x->src(x->ctx, x->buf + x->end, x->cap - x->end - 1);
	if (n < 0) {
		fail(x, XS_SOURCE, _("it could not be read"));
		return false;
	}
	x->eof = n == 0;
	x->end += (size_t)n;
	x->buf[x->end] = '\0';
	return true;
}

/* ---- the open elements ---- */

/* Opens element name (n bytes) inside the innermost; false after fail(). */
static bool push(struct xmlscan *x, const char *name, size_t n)
{
	if (x->depth == XS_DEPTH_MAX) {
		fail(x, XS_MALFORMED, _("its elements are nested deeper than %d"), XS_DEPTH_MAX);
		return false;
	}
	if (x->names_len + n + 1 > x->names_cap) {
		x->names_cap = (x->names_len + n + 1) * 2;
		x->names = xrealloc(x->names, x->names_cap);
	}
	size_t local = n;
	while (local && name[local - 1] != ':')
		local--;
	x->local_at[x->depth] = (unsigned short)local;
	x->name_at[x->depth++] = x->names_len;
	memcpy(x->names + x->names_len, name, n);
	x->names_len += n;
	x->names[x->names_len++] = '\0';
	x->root_seen = true;
	return true;
}

/* Makes the innermost open element the token's name. */
static void name_top(struct xmlscan *x)
{
	size_t at = x->name_at[x->depth - 1];
	x->name = x->names + at;
	x->name_len = x->names_len - at - 1;
	x->local_off = x->local_at[x->depth - 1];
}

/* Closes the innermost element. */
static void pop(struct xmlscan *x)
{
	x->names_len = x->name_at[--x->depth];
}

/* ---- tokens ---- */

/* The end of the name starting at p (the buffer's NUL stops it); *high set when it
 * holds a byte of a UTF-8 sequence. */
static inline char *name_end(char *p, bool *high)
{
	unsigned char any = 0;
	while (name_char((unsigned char)*p))
		any |= (unsigned char)*p++;
	*high = any & 0x80;
	return p;
}

/* Checks a name's bytes as UTF-8 (its ASCII bytes are checked by name_char). */
static bool name_ok(struct xmlscan *x, const char *p, size_t n)
{
	if (n > NAME_MAX_LEN) {
		fail(x, XS_MALFORMED, _("a name longer than %d bytes"), NAME_MAX_LEN);
		return false;
	}
	for (size_t i = 0; i < n;) {
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;   /* name_char took it */
		}
		bool cut = false;
		size_t len = utf8_char((const unsigned char *)p + i, (const unsigned char *)p + n, &cut);
		if (!len) {
			fail(x, XS_NOT_UTF8, _("a name that is not UTF-8"));
			return false;
		}
		i += len;
	}
	return true;
}

/* Adds an attribute of the tag being scanned; false after fail(). */
static bool add_attr(struct xmlscan *x, const char *name, size_t nlen, char *val, size_t vlen, bool is_plain)
{
	if (x->nattrs == ATTRS_MAX) {
		fail(x, XS_MALFORMED, _("a tag with more than %d attributes"), ATTRS_MAX);
		return false;
	}
	if (x->nattrs == x->attrs_cap) {
		x->attrs_cap = x->attrs_cap ? x->attrs_cap * 2 : 8;
		x->attrs = xrealloc(x->attrs, x->attrs_cap * sizeof *x->attrs);
	}
	x->attrs[x->nattrs++] = (struct xs_attr){name, nlen, val, vlen, is_plain};
	return true;
}

/* Scans the attributes of start tag name (n bytes) from q up to its '>' or "/>";
 * *after the byte after it. STEP_MORE when the buffer ends first. */
static enum step scan_attrs(struct xmlscan *x, const char *tag, size_t n, char *q, char **after)
{
	char *e = x->buf + x->end;
	x->nattrs = 0;
	for (;;) {
		char *ws = q;
		while (is_space((unsigned char)*q))
			q++;
		if (q >= e)
			return STEP_MORE;
		if (*q == '>' || *q == '/') {
			if (*q == '/' && q + 1 >= e)
				return STEP_MORE;
			if (*q == '/' && q[1] != '>')
				return fail(x, XS_MALFORMED, _("a '/' inside a tag"));
			x->empty = *q == '/';
			*after = q + 1 + x->empty;
			return STEP_TOKEN;
		}
		if (q == ws || !name_start((unsigned char)*q))
			return fail(x, XS_MALFORMED, _("a tag that is not XML (<%.*s ...)"), (int)n, tag);
		char *name = q;
		bool high = false;
		q = name_end(q, &high);
		size_t nlen = (size_t)(q - name);
		while (is_space((unsigned char)*q))
			q++;
		if (q >= e)
			return STEP_MORE;
		if (*q != '=')
			return fail(x, XS_MALFORMED, _("an attribute %.*s without a value"), (int)nlen, name);
		q++;
		while (is_space((unsigned char)*q))
			q++;
		if (q >= e)
			return STEP_MORE;
		if (*q != '"' && *q != '\'')
			return fail(x, XS_MALFORMED, _("an attribute %.*s whose value is not quoted"), (int)nlen, name);
		char *close = q + 1;
		while (plain((unsigned char)*close) && *close != *q)
			close++;
		bool is_plain = !high && nlen <= NAME_MAX_LEN && *close == *q;
		while (close < e && *close != *q && *close != '<')
			close++;
		if (close == e)
			return STEP_MORE;
		if (*close == '<')
			return fail(x, XS_MALFORMED, _("a '<' inside the value of attribute %.*s"), (int)nlen, name);
		if (!add_attr(x, name, nlen, q + 1, (size_t)(close - q - 1), is_plain))
			return STEP_FAIL;
		q = close + 1;
	}
}

/* Decodes the attributes of a whole start tag and checks them; false after fail(). */
static bool finish_attrs(struct xmlscan *x)
{
	for (size_t i = 0; i < x->nattrs; i++) {
		struct xs_attr *a = &x->attrs[i];
		if (!a->plain &&
		    (!name_ok(x, a->name, a->nlen) || !decode(x, a->val, a->val + a->vlen, MODE_ATTR, &a->vlen)))
			return false;
		a->val[a->vlen] = '\0';   /* over the closing quote, or within the value */
		for (size_t j = 0; j < i; j++)
			if (x->attrs[j].nlen == a->nlen && same(x->attrs[j].name, a->name, a->nlen)) {
				fail(x, XS_MALFORMED, _("the attribute %.*s given twice"), (int)a->nlen, a->name);
				return false;
			}
	}
	return true;
}

/* A start tag at pos. */
static enum step start_tag(struct xmlscan *x)
{
	char *p = x->buf + x->pos, *name = p + 1;
	if (!name_start((unsigned char)*name))
		return fail(x, XS_MALFORMED, _("a '<' that starts no tag"));
	bool high = false;
	char *q = name_end(name, &high), *after = NULL;
	size_t n = (size_t)(q - name);
	if (q >= x->buf + x->end)
		return STEP_MORE;
	if ((high || n > NAME_MAX_LEN) && !name_ok(x, name, n))
		return STEP_FAIL;
	enum step s = scan_attrs(x, name, n, q, &after);
	if (s != STEP_TOKEN)
		return s;
	if (x->root_seen && !x->depth)
		return fail(x, XS_MALFORMED, _("a second document element <%.*s>"), (int)n, name);
	if (!finish_attrs(x) || !push(x, name, n))
		return STEP_FAIL;
	name_top(x);
	x->pending_end = x->empty;
	x->pos = (size_t)(after - x->buf);
	x->tok = XS_START;
	return STEP_TOKEN;
}

/* An end tag at pos. */
static enum step end_tag(struct xmlscan *x)
{
	char *e = x->buf + x->end, *name = x->buf + x->pos + 2;
	bool high;
	char *q = name_end(name, &high);
	size_t n = (size_t)(q - name);
	while (is_space((unsigned char)*q))
		q++;
	if (q >= e)
		return STEP_MORE;
	if (*q != '>' || n == 0)
		return fail(x, XS_MALFORMED, _("an end tag that is not XML"));
	if (!x->depth)
		return fail(x, XS_MALFORMED, _("an end tag </%.*s> with no element open"), (int)n, name);
	size_t at = x->name_at[x->depth - 1];
	if (x->names_len - at - 1 != n || !same(x->names + at, name, n))
		return fail(x, XS_MALFORMED, _("an end tag </%.*s> where <%s> is open"), (int)n, name, open_name(x));
	name_top(x);
	x->empty = false;
	x->pop_pending = true;
	x->pos = (size_t)(q + 1 - x->buf);
	x->tok = XS_END;
	return STEP_TOKEN;
}

/* Checks the XML declaration [p, e): UTF-8 or no encoding named. */
static enum step declaration(struct xmlscan *x, const char *p, const char *e)
{
	const char *enc = memmem(p, (size_t)(e - p), "encoding", 8);
	if (!enc)
		return STEP_SKIP;
	enc += 8;
	while (enc < e && (is_space((unsigned char)*enc) || *enc == '='))
		enc++;
	char quote = enc < e ? *enc : 0;
	const char *close = quote == '"' || quote == '\'' ? memchr(enc + 1, quote, (size_t)(e - enc - 1)) : NULL;
	if (!close)
		return fail(x, XS_MALFORMED, _("an XML declaration that is not XML"));
	static const char *const utf8[] = {"UTF-8", "UTF8", "US-ASCII", "ASCII"};
	size_t n = (size_t)(close - enc - 1);
	for (size_t i = 0; i < ARRAY_LEN(utf8); i++)
		if (strlen(utf8[i]) == n && strncasecmp(utf8[i], enc + 1, n) == 0)
			return STEP_SKIP;
	return fail(x, XS_NOT_UTF8, _("it is declared in the encoding %.*s; only UTF-8 is read"),
		    (int)(n > 40 ? 40 : n), enc + 1);
}

/* A processing instruction at pos (the XML declaration only at the very start). */
static enum step instruction(struct xmlscan *x, bool first)
{
	char *p = x->buf + x->pos, *e = x->buf + x->end;
	char *close = memmem(p + 2, (size_t)(e - p - 2), "?>", 2);
	if (!close)
		return STEP_MORE;
	bool high;
	char *target = p + 2, *q = name_end(target, &high);
	x->pos = (size_t)(close + 2 - x->buf);
	bool xml = q - target == 3 && strncasecmp(target, "xml", 3) == 0;
	if (xml && !first)
		return fail(x, XS_MALFORMED, _("an XML declaration that is not at the start"));
	return xml ? declaration(x, q, close) : STEP_SKIP;
}

/* A CDATA section at pos: its text, as it is but for line ends. */
static enum step cdata(struct xmlscan *x)
{
	char *p = x->buf + x->pos, *e = x->buf + x->end;
	char *close = memmem(p + 9, (size_t)(e - p - 9), "]]>", 3);
	if (!close)
		return STEP_MORE;
	if (!x->depth)
		return fail(x, XS_MALFORMED, _("a CDATA section outside the document's element"));
	if (!decode(x, p + 9, close, MODE_CDATA, &x->text_len))
		return STEP_FAIL;
	x->text = p + 9;
	x->text[x->text_len] = '\0';
	x->pos = (size_t)(close + 3 - x->buf);
	x->tok = XS_TEXT;
	return STEP_TOKEN;
}

/* Markup that starts "<!": a comment, a CDATA section; a DOCTYPE is refused. */
static enum step bang(struct xmlscan *x)
{
	char *p = x->buf + x->pos;
	size_t have = x->end - x->pos;
	if (have < 9 && !x->eof)
		return STEP_MORE;
	if (have >= 4 && memcmp(p, "<!--", 4) == 0) {
		char *close = memmem(p + 4, have - 4, "-->", 3);
		if (!close)
			return STEP_MORE;
		x->pos = (size_t)(close + 3 - x->buf);
		return STEP_SKIP;
	}
	if (have >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
		return cdata(x);
	if (have >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
		return fail(x, XS_MALFORMED, _("a document type declaration, which no workbook part has"));
	return fail(x, XS_MALFORMED, _("markup that is not XML (\"%.*s\")"), (int)(have < 9 ? have : 9), p);
}

/* Markup at pos: a tag, an end tag, a comment, a CDATA section, an instruction. */
static enum step markup(struct xmlscan *x, bool first)
{
	if (x->end - x->pos < 2)
		return STEP_MORE;
	char c = x->buf[x->pos + 1];
	if (c == '/')
		return end_tag(x);
	if (c == '?')
		return instruction(x, first);
	if (c == '!')
		return bang(x);
	return start_tag(x);
}

/* Text at pos, up to the next '<'. Outside the document's element only spaces. */
static enum step text(struct xmlscan *x)
{
	char *s = x->buf + x->pos, *e = x->buf + x->end, *p = s;
	/* a cell's value: a few plain characters, then '<' (the buffer's NUL stops this) */
	while (plain((unsigned char)*p))
		p++;
	if (*p == '<' && x->depth) {
		x->text = s;
		x->text_len = (size_t)(p - s);
		*p = '\0';
		x->lt_eaten = true;
		x->pos = (size_t)(p - x->buf);
		x->tok = XS_TEXT;
		return STEP_TOKEN;
	}
	char *lt = memchr(p, '<', (size_t)(e - p));
	if (!lt && !x->eof)
		return STEP_MORE;
	if (!lt)
		lt = e;
	if (!x->depth) {
		for (char *q = s; q < lt; q++)
			if (!is_space((unsigned char)*q))
				return x->root_seen ? fail(x, XS_MALFORMED, _("text after the document's element"))
						    : fail(x, XS_MALFORMED, _("text before the document's element"));
		x->pos = (size_t)(lt - x->buf);
		return STEP_SKIP;
	}
	if (lt == e)
		return truncated(x);
	if (!decode(x, s, lt, MODE_TEXT, &x->text_len))
		return STEP_FAIL;
	x->text = s;
	x->lt_eaten = s + x->text_len == lt;
	s[x->text_len] = '\0';
	x->pos = (size_t)(lt - x->buf);
	x->tok = XS_TEXT;
	return STEP_TOKEN;
}

/* At the very start: a UTF-8 byte order mark is skipped, a UTF-16 one refused. */
static enum step byte_order(struct xmlscan *x)
{
	const unsigned char *p = (const unsigned char *)x->buf + x->pos;
	size_t have = x->end - x->pos;
	if (have < 3 && !x->eof)
		return STEP_MORE;
	if (have >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)))
		return fail(x, XS_NOT_UTF8, _("it is UTF-16; only UTF-8 is read"));
	if (have >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		x->pos += 3;
	return STEP_SKIP;
}

/* ---- the interface ---- */

struct xmlscan *xs_new(xs_source src, void *ctx, size_t token_max)
{
	struct xmlscan *x = xcalloc(1, sizeof *x);
	x->src = src;
	x->ctx = ctx;
	x->token_max = token_max;
	x->cap = 4 * CHUNK;
	x->buf = xmalloc(x->cap);
	x->buf[0] = '\0';
	x->at_start = true;
	x->first = true;
	x->tok = XS_TEXT;   /* anything but the two that stick */
	return x;
}

void xs_free(struct xmlscan *x)
{
	if (!x)
		return;
	free(x->buf);
	free(x->names);
	free(x->attrs);
	free(x->why);
	free(x);
}

/* Settles what the token before left to do: the '<' its NUL took, the element its
 * end closed. */
static void settle(struct xmlscan *x)
{
	if (x->lt_eaten) {
		x->buf[x->pos] = '<';
		x->lt_eaten = false;
	}
	if (x->pop_pending) {
		pop(x);
		x->pop_pending = false;
	}
}

/* What the scan does at the end of the part: the end of the document, or an error
 * when an element is still open or there was none. */
static enum xs_token at_end(struct xmlscan *x)
{
	if (x->depth || !x->root_seen)
		truncated(x);
	else
		x->tok = XS_EOF;
	return x->tok;
}

enum xs_token xs_next(struct xmlscan *x)
{
	if (x->tok == XS_ERROR || x->tok == XS_EOF)
		return x->tok;
	settle(x);
	if (x->pending_end) {
		x->pending_end = false;
		x->pop_pending = true;
		x->tok = XS_END;
		return x->tok;
	}
	for (;;) {
		enum step s;
		size_t from = x->pos;
		if (x->at_start) {
			s = byte_order(x);
			x->at_start = s == STEP_MORE;
		} else if (x->pos == x->end) {
			if (x->eof)
				return at_end(x);
			s = STEP_MORE;
		} else {
			s = x->buf[x->pos] == '<' ? markup(x, x->first) : text(x);
			x->first = x->first && s == STEP_MORE;
		}
		if ((s == STEP_TOKEN || s == STEP_SKIP) && x->pos - from > x->token_max)
			s = too_long(x);
		if (s == STEP_TOKEN || s == STEP_FAIL)
			return x->tok;
		if (s == STEP_MORE && x->eof) {
			truncated(x);
			return x->tok;
		}
		if (s == STEP_MORE && !refill(x))
			return x->tok;
	}
}

/* True when s (n bytes, no NUL among them) is the string name. */
static inline bool is_named(const char *s, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != name[i])
			return false;   /* a shorter name's NUL differs too */
	return name[n] == '\0';
}

bool xs_is(const struct xmlscan *x, const char *name)
{
	return is_named(x->name + x->local_off, x->name_len - x->local_off, name);
}

bool xs_empty(const struct xmlscan *x)
{
	return x->tok == XS_START && x->empty;
}

const char *xs_attr(const struct xmlscan *x, const char *name, size_t *len)
{
	for (size_t i = 0; x->tok == XS_START && i < x->nattrs; i++)
		if (is_named(x->attrs[i].name, x->attrs[i].nlen, name)) {
			if (len)
				*len = x->attrs[i].vlen;
			return x->attrs[i].val;
		}
	return NULL;
}

const char *xs_attr_prefixed(const struct xmlscan *x, const char *local)
{
	size_t n = strlen(local);
	for (size_t i = 0; x->tok == XS_START && i < x->nattrs; i++) {
		const struct xs_attr *a = &x->attrs[i];
		if (a->nlen > n + 1 && a->name[a->nlen - n - 1] == ':' && same(a->name + a->nlen - n, local, n))
			return a->val;
	}
	return NULL;
}

const char *xs_text(const struct xmlscan *x, size_t *len)
{
	bool text = x->tok == XS_TEXT && x->text;
	*len = text ? x->text_len : 0;
	return text ? x->text : "";
}

const char *xs_leaf(struct xmlscan *x, const char *name, size_t *len)
{
	if (x->tok != XS_START || x->empty || x->lt_eaten || x->pop_pending || x->depth == XS_DEPTH_MAX)
		return NULL;
	/* the buffer ends in a NUL, which no name byte or '<' matches: no reading past it */
	size_t n = strlen(name);
	char *open = x->buf + x->pos;
	if (open[0] != '<' || !same(open + 1, name, n) || open[n + 1] != '>')
		return NULL;
	char *text = open + n + 2, *close = text;
	for (;;) {   /* what decode() would keep as it is: no entity, no CR, no control character */
		unsigned char c = (unsigned char)*close;
		if (plain(c) || c == '\n' || c == '\t') {
			close++;
			continue;
		}
		if (c < 0x80)
			break;
		bool cut = false;
		size_t bytes = utf8_char((const unsigned char *)close, (const unsigned char *)x->buf + x->end, &cut);
		if (!bytes)
			return NULL;   /* not UTF-8, or cut by the buffer's end: xs_next's to say or read */
		close += bytes;
	}
	if (close[0] != '<' || close[1] != '/' || !same(close + 2, name, n) || close[n + 2] != '>' ||
	    (size_t)(close - text) > x->token_max || n + 3 > x->token_max)
		return NULL;   /* a token over the cap: xs_next says so */
	*close = '\0';
	*len = (size_t)(close - text);
	x->pos = (size_t)(close + n + 3 - x->buf);
	return text;
}

enum xs_fault xs_fault(const struct xmlscan *x)
{
	return x->fault;
}

const char *xs_why(const struct xmlscan *x)
{
	return x->why ? x->why : "";
}
