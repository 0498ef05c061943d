/* fuzz-xmlscan: the scanner of a workbook's XML (xmlscan.c) on what a worksheet and
 * its shared strings hold, and on what a damaged or hostile part does.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target: the input is
 * scanned to its end, in blocks of a size its first byte picks. Built otherwise it
 * is a test: a table of parts with the tokens they give or the fault they are
 * refused with and its reason; each scanned again in blocks of 1, 2, 3, 7 and 64
 * bytes, which must not change a token (a token cut by a block's end is scanned
 * again whole); huge cells, deep nesting and bytes that are not UTF-8; then every
 * truncation of a sample sheet (an error, never the end of the document, never a
 * crash) and damaged copies of it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"
#include "xmlscan.h"

/* A part in memory handed out a block at a time. */
struct mem_src {
	const char *data;
	size_t len, pos, block;
};

static ssize_t mem_read(void *ctx, char *buf, size_t cap)
{
	struct mem_src *m = ctx;
	size_t n = m->len - m->pos;
	if (n > cap)
		n = cap;
	if (m->block && n > m->block)
		n = m->block;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

/* Scans data to its end in blocks of block bytes (0: as many as fit) with the
 * token cap max: the tokens as a trace ("<row r=1>", "'text'", "</row>", then
 * "EOF" or "ERROR n: why"). Caller frees. */
static char *trace_leaf(const char *data, size_t len, size_t block, size_t max, enum xs_fault *fault,
			bool leaf)
{
	struct mem_src m = {data, len, 0, block};
	struct xmlscan *x = xs_new(mem_read, &m, max);
	struct strbuf sb = {0};
	enum xs_token tok;
	static const char *const attrs[] = {"r", "t", "xml:space", "Id"};
	while ((tok = xs_next(x)) == XS_START || tok == XS_END || tok == XS_TEXT) {
		size_t n;
		const char *s = xs_text(x, &n);
		if (tok == XS_TEXT) {
			sb_append(&sb, "'");
			sb_append_n(&sb, s, n);
			sb_append(&sb, "'");
			if (s[n] != '\0')
				sb_append(&sb, "(not NUL-terminated)");
			continue;
		}
		sb_append(&sb, tok == XS_START ? "<" : "</");
		/* the local name is one of these or "?" */
		static const char *const names[] = {"worksheet", "sheetData", "row", "c", "v", "is", "t", "r", "si", "sst",
						    "rPh", "a", "b"};
		const char *name = "?";
		for (size_t i = 0; i < ARRAY_LEN(names); i++)
			if (xs_is(x, names[i]))
				name = names[i];
		sb_append(&sb, name);
		for (size_t i = 0; tok == XS_START && i < ARRAY_LEN(attrs); i++) {
			const char *v = xs_attr(x, attrs[i], NULL);
			if (v)
				sb_appendf(&sb, " %s=%s", attrs[i], v);
		}
		const char *rid = tok == XS_START ? xs_attr_prefixed(x, "id") : NULL;
		if (rid)
			sb_appendf(&sb, " :id=%s", rid);
		sb_append(&sb, tok == XS_START && xs_empty(x) ? "/>" : ">");
		size_t vlen;
		const char *child = tok == XS_START && xs_is(x, "c") ? "v" : tok == XS_START && xs_is(x, "si") ? "t" : NULL;
		const char *v = leaf && child ? xs_leaf(x, child, &vlen) : NULL;
		if (v) {
			/* as xs_next would hand the child out: its start, its text if any, its end */
			sb_appendf(&sb, "<%s>%s%.*s%s</%s>", child, vlen ? "'" : "", (int)vlen, v, vlen ? "'" : "", child);
			if (v[vlen] != '\0')
				sb_append(&sb, "(not NUL-terminated)");
		}
	}
	if (tok == XS_EOF)
		sb_append(&sb, "EOF");
	else
		sb_appendf(&sb, "ERROR %d: %s", (int)xs_fault(x), xs_why(x));
	*fault = xs_fault(x);
	if (tok == XS_ERROR && !*xs_why(x))
		sb_append(&sb, " (no reason)");
	xs_free(x);
	return sb_take(&sb);
}

/* The tokens of data as xs_next alone hands them out. Caller frees. */
static char *trace(const char *data, size_t len, size_t block, size_t max, enum xs_fault *fault)
{
	return trace_leaf(data, len, block, max, fault, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: the input scanned to its end. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum xs_fault fault;
	size_t block = size ? data[0] % 17 : 0;
	free(trace((const char *)data, size, block, 4096, &fault));
	return 0;
}

#ifndef SZ_LIBFUZZER

static int run, failed;

#define CHECK(cond, ...)                                                              \
	do {                                                                          \
		run++;                                                                \
		if (!(cond)) {                                                        \
			failed++;                                                     \
			fprintf(stderr, "%s:%d: failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                 \
			fputc('\n', stderr);                                          \
		}                                                                     \
	} while (0)

#define NS "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

/* A part and what it gives: the trace, or (fault != XS_OK) the fault and a piece of
 * its reason. */
static const struct {
	const char *in;
	const char *want;
	enum xs_fault fault;
} cases[] = {
	/* what Excel, WPS and libxlsxwriter write */
	{"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n" NS
	 "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
	 "<worksheet><sheetData><row r=1><c r=A1 t=s><v>'0'</v></c></row></sheetData></worksheet>EOF", XS_OK},
	{"<sst><si><r><t xml:space=\"preserve\"> 龙 </t></r><rPh sb=\"0\"><t>lóng</t></rPh></si><si/></sst>",
	 "<sst><si><r><t xml:space=preserve>' 龙 '</t></r><rPh><t>'lóng'</t></rPh></si><si/></si></sst>EOF", XS_OK},
	{"\xEF\xBB\xBF<a/>", "<a/></a>EOF", XS_OK},
	{"<x:row xmlns:x='u' r='2'><x:c/></x:row>", "<row r=2><c/></c></row>EOF", XS_OK},
	{"<sheet name=\"S\" r:id=\"rId1\"/>", "<? :id=rId1/></?>EOF", XS_OK},
	/* entities, character references, CDATA, line ends, comments, instructions */
	{"<t>a&amp;b&lt;&gt;&quot;&apos;&#20013;&#x6587;&#x1F600;</t>", "<t>'a&b<>\"'中文😀'</t>EOF", XS_OK},
	{"<a r=\"x&amp;&#65;\tb\r\nc\"/>", "<a r=x&A b c/></a>EOF", XS_OK},
	{"<t><![CDATA[<b>&amp;]]></t>", "<t>'<b>&amp;'</t>EOF", XS_OK},
	{"<t>l1\r\nl2\rl3\n</t>", "<t>'l1\nl2\nl3\n'</t>EOF", XS_OK},
	{"<!-- c --><?pi x?><a><!--<b>--><?p?>x</a>\n<!-- after -->\n", "<a>'x'</a>EOF", XS_OK},
	{"<a>\n  <b>x</b>\n</a>", "<a>'\n  '<b>'x'</b>'\n'</a>EOF", XS_OK},
	/* damage */
	{"", "the part ends before", XS_TRUNCATED},
	{"   ", "the part ends before", XS_TRUNCATED},
	{"<row r=\"1\"><c>", "inside <c>", XS_TRUNCATED},
	{"<row r=\"1\"><c r=\"A", "inside <row>", XS_TRUNCATED},
	{"<a>text", "inside <a>", XS_TRUNCATED},
	{"<a><![CDATA[x", "inside <a>", XS_TRUNCATED},
	{"<a><!-- x", "inside <a>", XS_TRUNCATED},
	{"<a><b></a>", "</a> where <b> is open", XS_MALFORMED},
	{"<a></b>", "</b> where <a> is open", XS_MALFORMED},
	{"<a/></a>", "no element open", XS_MALFORMED},
	{"<a/><b/>", "second document element", XS_MALFORMED},
	{"x<a/>", "text before", XS_MALFORMED},
	{"<a/>x", "text after", XS_MALFORMED},
	{"<a>&nbsp;</a>", "&nbsp;", XS_MALFORMED},
	{"<a>AT&T</a>", "starts no entity", XS_MALFORMED},
	{"<a>&#0;</a>", "&#0;", XS_NOT_UTF8},
	{"<a>&#xD800;</a>", "&#xD800;", XS_NOT_UTF8},
	{"<a>&#x110000;</a>", "&#x110000;", XS_NOT_UTF8},
	{"<a>&#;</a>", "&#;", XS_NOT_UTF8},
	{"<a r=1/>", "not quoted", XS_MALFORMED},
	{"<a r/>", "without a value", XS_MALFORMED},
	{"<a r='1' r='2'/>", "given twice", XS_MALFORMED},
	{"<a r='<'/>", "'<' inside", XS_MALFORMED},
	{"<a r='1't='2'/>", "not XML", XS_MALFORMED},
	{"<a / >", "'/' inside", XS_MALFORMED},
	{"< a/>", "starts no tag", XS_MALFORMED},
	{"<a></ a>", "end tag that is not XML", XS_MALFORMED},
	{"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "document type", XS_MALFORMED},
	{"<a><!ELEMENT a></a>", "not XML", XS_MALFORMED},
	{"<![CDATA[x]]><a/>", "CDATA section outside", XS_MALFORMED},
	{"<a/><?xml version=\"1.0\"?>", "not at the start", XS_MALFORMED},
	{" <?xml version=\"1.0\"?><a/>", "not at the start", XS_MALFORMED},
	{"<?xml version=\"1.0\" encoding=\"GBK\"?><a/>", "GBK", XS_NOT_UTF8},
	{"<?xml version=\"1.0\" encoding=UTF-8?><a/>", "declaration", XS_MALFORMED},
	{"\xFF\xFE<\0a\0/\0>\0", "UTF-16", XS_NOT_UTF8},
	/* not UTF-8, or a character XML forbids */
	{"<a>\xFF</a>", "0xFF", XS_NOT_UTF8},
	{"<a>\xC0\xAF</a>", "not UTF-8", XS_NOT_UTF8},          /* overlong '/' */
	{"<a>\xE0\x80\xAF</a>", "not UTF-8", XS_NOT_UTF8},      /* overlong */
	{"<a>\xED\xA0\x80</a>", "not UTF-8", XS_NOT_UTF8},      /* a surrogate */
	{"<a>\xF4\x90\x80\x80</a>", "not UTF-8", XS_NOT_UTF8},  /* past U+10FFFF */
	{"<a>\xE4\xB8</a>", "not UTF-8", XS_NOT_UTF8},          /* cut short */
	{"<a>\xEF\xBF\xBF</a>", "not UTF-8", XS_NOT_UTF8},      /* U+FFFF */
	{"<a r='\x80'/>", "not UTF-8", XS_NOT_UTF8},
	{"<\xC3\x28/>", "not UTF-8", XS_NOT_UTF8},
	{"<a>x\x01y</a>", "0x01", XS_NOT_UTF8},
	{"<a>x\x1b[2J</a>", "0x1B", XS_NOT_UTF8},
};

/* The same tokens, or the same fault, whether each <c>'s <v> is read by xs_leaf
 * where it can be or by xs_next alone. */
static void same_with_leaf(const char *data, size_t len, size_t block, size_t max, const char *what)
{
	enum xs_fault plain_fault, leaf_fault;
	char *plain = trace(data, len, block, max, &plain_fault);
	char *leaf = trace_leaf(data, len, block, max, &leaf_fault, true);
	CHECK(strcmp(plain, leaf) == 0 && plain_fault == leaf_fault, "%s, blocks of %zu: %s, with xs_leaf %s", what,
	      block, plain, leaf);
	free(plain);
	free(leaf);
}

/* Cells xs_leaf reads, and those it leaves to xs_next, give the same tokens. */
static void test_leaf(void)
{
	static const char *const parts[] = {
		"<c><v>12</v></c>", "<c r='A1' t='s'><v>0</v></c>", "<c><v></v></c>", "<c><v>1&amp;2</v></c>",
		"<c><v>12</v ></c>", "<c><x:v>1</x:v></c>", "<c><v>12</c>", "<c><v>12</v><v>13</v></c>",
		"<c><v>\xE9\xBE\x99</v></c>", "<c><v>a\r\nb</v></c>", "<c><vv>1</vv></c>", "<c><v>1</vv></c>",
		"<c><v a='1'>2</v></c>", "<c/>", "<c><is><t>x</t></is></c>", "<c><v>1</v></c><c><v>2</v>",
		"<si><t>龙发利</t></si>", "<si><t>a\tb\nc</t></si>", "<si><t>\xE4\xB8</t></si>",
		"<si><t>\xEF\xBF\xBF</t></si>", "<si><t>x\x01y</t></si>", "<si><t>a&lt;b</t></si>",
		"<si><t xml:space='preserve'> a </t></si>", "<si><r><t>a</t></r></si>", "<si><t>\xED\xA0\x80</t></si>",
	};
	static const size_t blocks[] = {0, 1, 2, 3, 7, 64};
	for (size_t i = 0; i < ARRAY_LEN(parts); i++)
		for (size_t b = 0; b < ARRAY_LEN(blocks); b++) {
			char *doc = xasprintf("<row>%s</row>", parts[i]);
			same_with_leaf(doc, strlen(doc), blocks[b], 4096, parts[i]);
			same_with_leaf(doc, strlen(doc), blocks[b], 5, parts[i]);   /* tokens over a tiny cap */
			free(doc);
		}
	struct strbuf deep = {0};
	for (int i = 0; i < XS_DEPTH_MAX - 1; i++)
		sb_append(&deep, "<c>");
	sb_append(&deep, "<c><v>1</v></c>");
	same_with_leaf(deep.s, deep.len, 0, 4096, "nested to the limit");
	sb_free(&deep);
}

/* Every case gives its trace or its fault, in blocks of any size alike. */
static void test_cases(void)
{
	static const size_t blocks[] = {0, 1, 2, 3, 7, 64};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t len = strlen(cases[i].in);
		if (strncmp(cases[i].in, "\xFF\xFE", 2) == 0)
			len = 10;
		char *first = NULL;
		for (size_t b = 0; b < ARRAY_LEN(blocks); b++) {
			enum xs_fault fault;
			char *t = trace(cases[i].in, len, blocks[b], 4096, &fault);
			same_with_leaf(cases[i].in, len, blocks[b], 4096, cases[i].in);
			if (cases[i].fault == XS_OK)
				CHECK(strcmp(t, cases[i].want) == 0, "case %zu, blocks of %zu: %s", i, blocks[b], t);
			else
				CHECK(fault == cases[i].fault && strstr(t, cases[i].want), "case %zu, blocks of %zu: %s", i,
				      blocks[b], t);
			if (!first)
				first = t;
			else {
				CHECK(strcmp(first, t) == 0, "case %zu: blocks of %zu give %s, whole %s", i, blocks[b], t,
				      first);
				free(t);
			}
		}
		free(first);
	}
}

/* A cell of 100,000 characters under a cap of 64 KiB: refused as too long, at no
 * more memory than the cap; under a cap of 1 MiB read whole. Nesting past the
 * limit refused. */
static void test_limits(void)
{
	struct strbuf sb = {0};
	sb_append(&sb, "<a><t>");
	for (int i = 0; i < 100000; i++)
		sb_append(&sb, "x");
	sb_append(&sb, "</t></a>");
	enum xs_fault fault;
	char *t = trace(sb.s, sb.len, 0, 64u << 10, &fault);
	CHECK(fault == XS_TOO_LONG && strstr(t, "64 KiB"), "%.80s", t);
	free(t);
	t = trace(sb.s, sb.len, 1000, 1u << 20, &fault);
	CHECK(fault == XS_OK && strlen(t) == 100000 + strlen("<a><t>''</t></a>EOF"), "%.80s", t);
	free(t);
	sb_free(&sb);

	for (int i = 0; i < XS_DEPTH_MAX + 1; i++)
		sb_append(&sb, "<a>");
	t = trace(sb.s, sb.len, 0, 4096, &fault);
	CHECK(fault == XS_MALFORMED && strstr(t, "nested deeper"), "%.80s", t);
	free(t);
	sb_free(&sb);

	/* a long name, and a tag of many attributes */
	sb_append(&sb, "<");
	for (int i = 0; i < 2000; i++)
		sb_append(&sb, "n");
	sb_append(&sb, "/>");
	t = trace(sb.s, sb.len, 0, 4096, &fault);
	CHECK(fault == XS_MALFORMED && strstr(t, "name longer"), "%.80s", t);
	free(t);
	sb_free(&sb);
	sb_append(&sb, "<a");
	for (int i = 0; i < 300; i++)
		sb_appendf(&sb, " a%d='1'", i);
	sb_append(&sb, "/>");
	t = trace(sb.s, sb.len, 0, 1u << 20, &fault);
	CHECK(fault == XS_MALFORMED && strstr(t, "attributes"), "%.80s", t);
	free(t);
	sb_free(&sb);
}

/* A sheet as Excel writes it, with a bit of everything the scanner meets. */
static char *sample_sheet(void)
{
	struct strbuf sb = {0};
	sb_append(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n" NS "<sheetData>");
	for (int r = 1; r <= 20; r++)
		sb_appendf(&sb, "<row r=\"%d\" spans=\"1:3\"><c r=\"A%d\" t=\"s\"><v>%d</v></c><c r=\"B%d\" t=\"inlineStr\">"
				"<is><r><t xml:space=\"preserve\">龙&amp;发利 %d</t></r><rPh><t>l</t></rPh></is></c>"
				"<c r=\"C%d\"><f>A1</f><v>5.20111E+17</v></c><!-- n --><si><t>龙发利\t%d</t></si></row>",
			    r, r, r, r, r, r, r);
	sb_append(&sb, "</sheetData><![CDATA[]]></worksheet>");
	return sb_take(&sb);
}

/* Every truncation of the sample is an error (the document is not whole), with a
 * reason; damaged copies are scanned to an end or an error, never a crash. */
static void test_damage(void)
{
	char *text = sample_sheet();
	size_t len = strlen(text);
	enum xs_fault fault;
	char *whole = trace(text, len, 0, 4096, &fault);
	CHECK(fault == XS_OK && strstr(whole, "EOF"), "%.80s", whole);
	free(whole);
	for (size_t cut = 0; cut + 1 < len; cut += 1 + cut % 3) {
		char *t = trace(text, cut, cut % 5, 4096, &fault);
		CHECK(fault != XS_OK && !strstr(t, "(no reason)"), "cut at %zu: %.80s", cut, t);
		same_with_leaf(text, cut, cut % 5, 4096, "a truncated sheet");
		free(t);
	}
	static const char alphabet[] = "<>/&;\"'=!?[]-x \x80\xff\xc3\x00";
	uint32_t seed = 20261206;
	int rounds = 3000 * fuzz_scale();
	for (int i = 0; i < rounds; i++) {
		char *copy;
		size_t n = len;
		if (i % 3 == 0)
			copy = fuzz_splice(&seed, text, len, &n);
		else
			copy = fuzz_garble(&seed, text, len, 0, 1 + i % 5, alphabet, sizeof alphabet - 1);
		size_t block = fuzz_next(&seed) % 9;
		char *t = trace(copy, n, block, 4096, &fault);
		CHECK(!strstr(t, "(no reason)"), "round %d: %.80s", i, t);
		same_with_leaf(copy, n, block, 4096, "a damaged sheet");
		free(t);
		free(copy);
	}
	free(text);
}

int main(void)
{
	test_cases();
	test_leaf();
	test_limits();
	test_damage();
	printf("%d checks, %d failed\n", run, failed);
	return failed ? 1 : 0;
}

#endif
