/* encoding: detection, streaming decoding to UTF-8 and checked encoding from it.
 *
 * Decoding reads the file in blocks of READ_BLOCK bytes whatever its size. UTF-8 is
 * validated here (cheaper than an iconv round); every other encoding goes through
 * iconv. A sequence cut by the end of a block is kept for the next block; one cut by
 * the end of the file is an error, as is any byte sequence the encoding does not
 * define: nothing is replaced silently.
 *
 * GBK and GB18030 past the first block are decoded from a table of their two-byte
 * characters that iconv filled (reader_pairs): iconv's own loop cost 7,000
 * instructions a roster row, the table 2,700, on the reading thread that must keep
 * ahead of an import's writer. What the table lacks (four-byte GB18030, bytes not
 * valid, a character cut by the block) still goes to iconv, so errors and text are
 * iconv's. */
#include "encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "util.h"

#define READ_BLOCK 65536
#define PAIR_LEADS 128       /* bytes 0x80-0xFF, of which GBK and GB18030 lead with 0x81-0xFE */

struct enc_info {
	const char *name;      /* option name */
	const char *iconv;     /* iconv name */
	const char *bom;
	size_t bom_len;
};

static const struct enc_info enc_table[ENC_KIND_COUNT] = {
	[ENC_AUTO] = {"auto", "UTF-8", "", 0},
	[ENC_UTF8] = {"utf-8", "UTF-8", "", 0},
	[ENC_UTF8_BOM] = {"utf-8-bom", "UTF-8", "\xEF\xBB\xBF", 3},
	[ENC_GBK] = {"gbk", "GBK", "", 0},
	[ENC_GB18030] = {"gb18030", "GB18030", "", 0},
	[ENC_UTF16LE] = {"utf-16le", "UTF-16LE", "\xFF\xFE", 2},
	[ENC_UTF16BE] = {"utf-16be", "UTF-16BE", "\xFE\xFF", 2},
};

/* Other spellings clerks and departments use for the same encodings. */
static const struct {
	const char *alias;
	enum enc_kind kind;
} enc_aliases[] = {
	{"utf8", ENC_UTF8}, {"utf-8-sig", ENC_UTF8_BOM}, {"utf8-bom", ENC_UTF8_BOM},
	{"cp936", ENC_GBK}, {"gb2312", ENC_GBK}, {"gb-18030", ENC_GB18030},
	{"unicode", ENC_UTF16LE},
};

bool enc_parse(const char *name, enum enc_kind *out)
{
	if (!name)
		return false;
	for (int i = 0; i < ENC_KIND_COUNT; i++)
		if (strcasecmp(name, enc_table[i].name) == 0) {
			*out = (enum enc_kind)i;
			return true;
		}
	for (size_t i = 0; i < ARRAY_LEN(enc_aliases); i++)
		if (strcasecmp(name, enc_aliases[i].alias) == 0) {
			*out = enc_aliases[i].kind;
			return true;
		}
	return false;
}

const char *enc_name(enum enc_kind e)
{
	return e < ENC_KIND_COUNT ? enc_table[e].name : "?";
}

const char *enc_iconv_name(enum enc_kind e)
{
	return e < ENC_KIND_COUNT ? enc_table[e].iconv : "UTF-8";
}

const char *enc_bom(enum enc_kind e, size_t *len)
{
	*len = e < ENC_KIND_COUNT ? enc_table[e].bom_len : 0;
	return e < ENC_KIND_COUNT ? enc_table[e].bom : "";
}

/* ---- UTF-8 validation ---- */

enum utf8_scan { UTF8_OK, UTF8_CUT, UTF8_BAD };

/* Length of the valid UTF-8 prefix of s[0..n) (whole characters only); *how says
 * why it stopped before n: a sequence cut by the end, or an invalid one. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n, enum utf8_scan *how)
{
	size_t i = 0;
	*how = UTF8_OK;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t min;
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, min = 0x10000;
		else {
			*how = UTF8_BAD;
			return i;
		}
		uint32_t cp = c & (0xFF >> (len + 1));
		for (size_t k = 1; k < len; k++) {
			if (i + k >= n) {
				*how = UTF8_CUT;
				return i;
			}
			if ((s[i + k] & 0xC0) != 0x80) {
				*how = UTF8_BAD;
				return i;
			}
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			*how = UTF8_BAD;
			return i;
		}
		i += len;
	}
	return i;
}

/* ---- detection ---- */

/* The encoding a BOM at the start of buf announces, or ENC_AUTO. */
static enum enc_kind bom_kind(const char *buf, size_t n, size_t *bom_len)
{
	static const enum enc_kind with_bom[] = {ENC_UTF8_BOM, ENC_UTF16LE, ENC_UTF16BE};
	for (size_t i = 0; i < ARRAY_LEN(with_bom); i++) {
		const struct enc_info *e = &enc_table[with_bom[i]];
		if (n >= e->bom_len && memcmp(buf, e->bom, e->bom_len) == 0) {
			*bom_len = e->bom_len;
			return with_bom[i];
		}
	}
	*bom_len = 0;
	return ENC_AUTO;
}

enum enc_kind enc_detect(const char *buf, size_t n, size_t *bom_len)
{
	enum enc_kind k = bom_kind(buf, n, bom_len);
	if (k != ENC_AUTO)
		return k;
	enum utf8_scan how;
	return utf8_valid_prefix((const unsigned char *)buf, n, &how) == n ? ENC_UTF8 : ENC_GB18030;
}

enum enc_kind enc_detect_file(FILE *f, size_t *bom_len)
{
	long start = ftell(f);
	char *buf = xmalloc(READ_BLOCK + 4);
	size_t carry = 0, n;
	enum enc_kind kind = ENC_AUTO;
	bool first = true;
	*bom_len = 0;
	while ((n = fread(buf + carry, 1, READ_BLOCK, f)) > 0 || carry) {
		size_t len = carry + n;
		if (first) {
			kind = bom_kind(buf, len, bom_len);
			first = false;
			if (kind != ENC_AUTO)
				break;
		}
		enum utf8_scan how;
		size_t ok = utf8_valid_prefix((const unsigned char *)buf, len, &how);
		if (how == UTF8_BAD || (how == UTF8_CUT && n == 0)) {
			kind = ENC_GB18030;
			break;
		}
		carry = len - ok;
		memmove(buf, buf + ok, carry);
		if (n == 0)
			break;
	}
	free(buf);
	if (kind == ENC_AUTO)
		kind = ENC_UTF8;
	if (start >= 0)
		fseek(f, start, SEEK_SET);
	return kind;
}

/* ---- reading ---- */

struct enc_reader {
	FILE *f;
	enum enc_kind kind;
	iconv_t cd;            /* (iconv_t)-1 for UTF-8 */
	char *in;              /* READ_BLOCK bytes of the file, in[pos..len) unread */
	size_t pos, len;
	long long base;        /* file offset of in[0] */
	long line;             /* newlines decoded so far */
	bool eof;
	bool failed;
	char *pending;         /* an error met after some text: told on the next call */
	unsigned blocks;       /* read so far */
	struct pair *pairs;    /* GBK, GB18030: [lead - 0x80][trail] */
};

struct enc_reader *enc_reader_new(FILE *f, enum enc_kind e, char **err)
{
	size_t bom = 0;
	long long start = ftell(f);
	if (e == ENC_AUTO)
		e = enc_detect_file(f, &bom);
	else if (e == ENC_UTF8 || e == ENC_UTF8_BOM) {
		/* a declared UTF-8 file may still begin with a BOM: it is not text */
		char head[3];
		size_t n = fread(head, 1, 3, f);
		bom = n == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		fseek(f, start < 0 ? 0 : start, SEEK_SET);
	}
	iconv_t cd = (iconv_t)-1;
	if (e != ENC_UTF8 && e != ENC_UTF8_BOM) {
		cd = iconv_open("UTF-8", enc_iconv_name(e));
		if (cd == (iconv_t)-1) {
			if (err)
				*err = xasprintf(_("the encoding %s is not available on this system"),
						 enc_iconv_name(e));
			return NULL;
		}
	}
	if (bom)
		fseek(f, (long)((start < 0 ? 0 : start) + (long long)bom), SEEK_SET);
	struct enc_reader *r = xcalloc(1, sizeof *r);
	r->f = f;
	r->kind = e;
	r->cd = cd;
	r->in = xmalloc(READ_BLOCK);
	r->base = (start < 0 ? 0 : start) + (long long)bom;
	return r;
}

enum enc_kind enc_reader_kind(const struct enc_reader *r)
{
	return r->kind;
}

void enc_reader_free(struct enc_reader *r)
{
	if (!r)
		return;
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	free(r->in);
	free(r->pending);
	free(r->pairs);
	free(r);
}

/* Moves the unread bytes to the front and reads more; false when nothing came. */
static bool reader_refill(struct enc_reader *r)
{
	if (r->eof)
		return false;
	size_t keep = r->len - r->pos;
	memmove(r->in, r->in + r->pos, keep);
	r->base += (long long)r->pos;
	r->pos = 0;
	size_t n = fread(r->in + keep, 1, READ_BLOCK - keep, r->f);
	r->len = keep + n;
	if (n == 0)
		r->eof = true;
	else
		r->blocks++;
	return n > 0;
}

/* Hex of the bytes at the reader's position, for the message ("0xB0 0x3F"). */
static char *bad_bytes(const struct enc_reader *r)
{
	struct strbuf sb = {0};
	size_t left = r->len - r->pos;
	for (size_t i = 0; i < left && i < 4; i++)
		sb_appendf(&sb, "%s0x%02X", i ? " " : "", UCH(r->in[r->pos + i]));
	return sb_take(&sb);
}

/* The translated message for a bad or cut sequence at the reader's position;
 * lines_before are the newlines already decoded in this call. */
static void reader_error(struct enc_reader *r, long lines_before, bool cut, char **err)
{
	r->failed = true;
	if (!err)
		return;
	char *bytes = bad_bytes(r);
	long line = r->line + lines_before + 1;
	long long offset = r->base + (long long)r->pos;
	if (cut)
		*err = xasprintf(_("line %ld, byte offset %lld: the file ends inside a %s character (%s)"),
				 line, offset, enc_iconv_name(r->kind), bytes);
	else
		*err = xasprintf(_("line %ld, byte offset %lld: bytes %s are not valid %s"),
				 line, offset, bytes, enc_iconv_name(r->kind));
	free(bytes);
}

/* Counts newlines in s[0..n). */
static long count_lines(const char *s, size_t n)
{
	long c = 0;
	for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))); p++)
		c++;
	return c;
}

/* ---- GBK and GB18030 by table ---- */

/* A two-byte character as iconv decodes it: up to three bytes of UTF-8, copied four
 * at a time. */
struct pair {
	unsigned char utf8[3];
	unsigned char len;     /* 0: iconv's (not valid, a four-byte GB18030's start, past the BMP) */
};

/* The table of every two-byte character. */
static struct pair *pairs_build(iconv_t cd)
{
	struct pair *t = xcalloc((size_t)PAIR_LEADS * 256, sizeof *t);
	for (unsigned lead = 0x81; lead <= 0xFE; lead++)
		for (unsigned trail = 0; trail < 256; trail++) {
			char in[2] = {(char)lead, (char)trail}, out[8];
			char *ip = in, *op = out;
			size_t il = 2, ol = sizeof out;
			size_t rc = iconv(cd, &ip, &il, &op, &ol);
			size_t n = (size_t)(op - out);
			struct pair *pr = &t[(lead - 0x80) * 256 + trail];
			if (rc != (size_t)-1 && il == 0 && n >= 1 && n <= 3) {
				memcpy(pr->utf8, out, n);
				pr->len = (unsigned char)n;
			}
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	return t;
}

/* One character the table lacks, through iconv: at most four bytes of the input
 * (the longest GB18030 character), all that is left should iconv find them cut
 * short, so that "cut by the end" is told only where the block ends. */
static size_t pairs_by_iconv(struct enc_reader *r, const unsigned char **p, const unsigned char *end,
			     unsigned char **o, size_t *left)
{
	for (bool whole = false;; whole = true) {
		size_t avail = (size_t)(end - *p), want = whole || avail < 4 ? avail : 4;
		char *ip = (char *)*p, *op = (char *)*o;
		size_t il = want;
		size_t rc = iconv(r->cd, &ip, &il, &op, left);
		int e = errno;
		*p = (const unsigned char *)ip;
		*o = (unsigned char *)op;
		if (rc != (size_t)-1 || e != EINVAL || want == avail) {
			errno = e;
			return rc == (size_t)-1 ? rc : 0;
		}
	}
}

/* Decodes the buffer into out from the table, handing iconv what it lacks; returns
 * as iconv does, with errno. */
static size_t reader_step_pairs(struct enc_reader *r, char **out, size_t *outleft)
{
	const unsigned char *p = (const unsigned char *)r->in + r->pos, *end = (const unsigned char *)r->in + r->len;
	unsigned char *o = (unsigned char *)*out;
	size_t left = *outleft, rc = 0;
	while (p < end) {
		if (!left) {
			errno = E2BIG;
			rc = (size_t)-1;
			break;
		}
		if (*p < 0x80) {
			/* ASCII, the same bytes in UTF-8: the run at once */
			const unsigned char *stop = end - p < (ptrdiff_t)left ? end : p + left, *q = p;
			while (q < stop && *q < 0x80)
				*o++ = *q++;
			left -= (size_t)(q - p);
			p = q;
			continue;
		}
		const struct pair *pr = p + 1 < end ? &r->pairs[(*p - 0x80) * 256 + p[1]] : NULL;
		size_t n = pr ? pr->len : 0;
		if (!n) {
			if ((rc = pairs_by_iconv(r, &p, end, &o, &left)) == (size_t)-1)
				break;
			continue;
		}
		if (left < n) {
			errno = E2BIG;
			rc = (size_t)-1;
			break;
		}
		/* four bytes at once where there is room: the fourth is written over next,
		 * or lies past the text */
		memcpy(o, pr, left >= 4 ? 4 : n);
		o += n;
		left -= n;
		p += 2;
	}
	r->pos = (size_t)((const char *)p - r->in);
	*outleft = left;
	*out = (char *)o;
	return rc;
}

/* Whether this step may use the table: GBK or GB18030 past its first block (a small
 * file is not worth the 32,000 iconv calls of the table). */
static bool reader_pairs(struct enc_reader *r)
{
	if (r->pairs)
		return true;
	if (r->blocks < 2 || (r->kind != ENC_GBK && r->kind != ENC_GB18030))
		return false;
	r->pairs = pairs_build(r->cd);
	return true;
}

/* One conversion step from the buffer into out; returns as iconv does, with errno. */
static size_t reader_step(struct enc_reader *r, char **out, size_t *outleft)
{
	if (reader_pairs(r))
		return reader_step_pairs(r, out, outleft);
	if (r->cd != (iconv_t)-1) {
		char *in = r->in + r->pos;
		size_t inleft = r->len - r->pos;
		size_t rc = iconv(r->cd, &in, &inleft, out, outleft);
		int e = errno;
		r->pos = (size_t)(in - r->in);
		errno = e;
		return rc;
	}
	size_t avail = r->len - r->pos, take = avail < *outleft ? avail : *outleft;
	enum utf8_scan how;
	size_t ok = utf8_valid_prefix((const unsigned char *)r->in + r->pos, take, &how);
	memcpy(*out, r->in + r->pos, ok);
	*out += ok;
	*outleft -= ok;
	r->pos += ok;
	if (how == UTF8_BAD) {
		errno = EILSEQ;
		return (size_t)-1;
	}
	if (how == UTF8_CUT && take == avail) {
		errno = EINVAL;
		return (size_t)-1;
	}
	if (take < avail) {
		errno = E2BIG;
		return (size_t)-1;
	}
	return 0;
}

/* Hands out the text decoded before an error now, and the error on the next call. */
static ssize_t reader_fail(struct enc_reader *r, char *buf, char *out, bool cut, char **err)
{
	size_t n = (size_t)(out - buf);
	char *msg = NULL;
	reader_error(r, count_lines(buf, n), cut, &msg);
	if (n == 0) {
		if (err)
			*err = msg;
		else
			free(msg);
		return -1;
	}
	r->pending = msg;
	r->line += count_lines(buf, n);
	return (ssize_t)n;
}

ssize_t enc_reader_read(struct enc_reader *r, char *buf, size_t cap, char **err)
{
	if (r->pending) {
		if (err)
			*err = r->pending;
		else
			free(r->pending);
		r->pending = NULL;
		return -1;
	}
	if (r->failed) {
		if (err)
			*err = xstrdup(_("the file could not be read"));
		return -1;
	}
	char *out = buf;
	size_t outleft = cap;
	for (;;) {
		if (r->pos == r->len && !reader_refill(r))
			break;
		size_t rc = reader_step(r, &out, &outleft);
		if (rc != (size_t)-1) {
			if (!reader_refill(r) && r->pos == r->len)
				break;
			continue;
		}
		if (errno == E2BIG)
			break;
		/* a character cut by the block's end: read on, unless the file ended */
		if (errno == EINVAL && reader_refill(r))
			continue;
		return reader_fail(r, buf, out, errno == EINVAL, err);
	}
	size_t n = (size_t)(out - buf);
	r->line += count_lines(buf, n);
	return (ssize_t)n;
}

/* ---- writing ---- */

struct enc_writer {
	enum enc_kind kind;
	iconv_t cd;   /* (iconv_t)-1: UTF-8, copied */
};

struct enc_writer *enc_writer_new(enum enc_kind e, char **err)
{
	iconv_t cd = (iconv_t)-1;
	if (e != ENC_UTF8 && e != ENC_UTF8_BOM && e != ENC_AUTO) {
		cd = iconv_open(enc_iconv_name(e), "UTF-8");
		if (cd == (iconv_t)-1) {
			if (err)
				*err = xasprintf(_("the encoding %s is not available on this system"),
						 enc_iconv_name(e));
			return NULL;
		}
	}
	struct enc_writer *w = xcalloc(1, sizeof *w);
	w->kind = e;
	w->cd = cd;
	return w;
}

void enc_writer_free(struct enc_writer *w)
{
	if (!w)
		return;
	if (w->cd != (iconv_t)-1)
		iconv_close(w->cd);
	free(w);
}

/* Makes room for need more bytes in the output buffer. */
static void out_reserve(char **out, size_t *len, size_t *cap, size_t need)
{
	if (*len + need + 1 <= *cap)
		return;
	size_t c = *cap ? *cap : 256;
	while (c < *len + need + 1)
		c *= 2;
	*out = xrealloc(*out, c);
	*cap = c;
}

/* Length of the UTF-8 character starting with b. */
static size_t utf8_len(unsigned char b)
{
	return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

size_t enc_writer_convert(struct enc_writer *w, const char *utf8, size_t n,
			  const char *replacement, char **out, size_t *out_len, size_t *out_cap,
			  void (*bad)(void *ctx, size_t offset, const char *ch), void *ctx)
{
	if (w->cd == (iconv_t)-1) {
		out_reserve(out, out_len, out_cap, n);
		memcpy(*out + *out_len, utf8, n);
		*out_len += n;
		(*out)[*out_len] = '\0';
		return 0;
	}
	size_t bad_count = 0, rlen = replacement ? strlen(replacement) : 0;
	char *in = (char *)utf8;
	size_t inleft = n;
	iconv(w->cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		out_reserve(out, out_len, out_cap, inleft * 2 + 8);
		char *o = *out + *out_len;
		size_t oleft = *out_cap - *out_len - 1;
		size_t rc = iconv(w->cd, &in, &inleft, &o, &oleft);
		int e = errno;
		*out_len = (size_t)(o - *out);
		if (rc != (size_t)-1 || e == E2BIG)
			continue;
		/* a character the encoding lacks (EILSEQ), or a cut one (EINVAL) */
		size_t len = utf8_len(UCH(*in));
		len = len > inleft ? inleft : len;
		char ch[8] = {0};
		memcpy(ch, in, len);
		if (bad)
			bad(ctx, (size_t)(in - utf8), ch);
		bad_count++;
		in += len;
		inleft -= len;
		if (rlen) {
			char *r = (char *)replacement;
			size_t rleft = rlen;
			out_reserve(out, out_len, out_cap, rlen * 4);
			o = *out + *out_len;
			oleft = *out_cap - *out_len - 1;
			if (iconv(w->cd, &r, &rleft, &o, &oleft) == (size_t)-1)
				*o++ = '?';
			*out_len = (size_t)(o - *out);
		}
	}
	out_reserve(out, out_len, out_cap, 0);
	(*out)[*out_len] = '\0';
	return bad_count;
}

char *enc_convert_string(enum enc_kind e, const char *utf8, const char *replacement, size_t *len)
{
	struct enc_writer *w = enc_writer_new(e, NULL);
	char *out = NULL;
	size_t n = 0, cap = 0;
	if (w)
		enc_writer_convert(w, utf8, strlen(utf8), replacement, &out, &n, &cap, NULL, NULL);
	else
		out = xstrdup(utf8), n = strlen(utf8);
	enc_writer_free(w);
	if (!out)
		out = xstrdup("");
	if (len)
		*len = n;
	return out;
}

/* Keeps the first character reported by a conversion. */
static void note_first_bad(void *ctx, size_t offset, const char *ch)
{
	char **first = ctx;
	if (!*first)
		*first = xstrdup(ch);
}

bool enc_can_encode(enum enc_kind e, const char *utf8, char **first_bad)
{
	struct enc_writer *w = enc_writer_new(e, NULL);
	if (!w)
		return false;
	char *out = NULL, *first = NULL;
	size_t n = 0, cap = 0;
	size_t bad = enc_writer_convert(w, utf8, strlen(utf8), NULL, &out, &n, &cap, note_first_bad, &first);
	enc_writer_free(w);
	free(out);
	if (first_bad)
		*first_bad = first;
	else
		free(first);
	return bad == 0;
}
