/* Tests of the CSV reader and writer and of encoding detection and decoding: the
 * quirks of Excel's and WPS's files, table-driven, every input also fed one byte at a
 * time (blocks cut anywhere), then a brief fuzz of both parsers with random and
 * mutated inputs (no crash, no hang, sanitizers watching in the ASan build). */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"
#include "encoding.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

/* All records of a CSV text as "a|b|c" lines, each prefixed by its line number and a
 * colon; "ERR: message" at an error. chunk 0: whole blocks. Caller frees. */
static char *parse_all(const char *text, size_t len, char sep, size_t chunk)
{
	struct csv_memory m = {.data = text, .len = len, .chunk = chunk};
	struct csv_reader *r = csv_reader_new(csv_memory_read, &m, sep);
	struct strbuf sb = {0};
	struct csv_row row;
	char *err = NULL;
	int rc;
	while ((rc = csv_read(r, &row, &err)) == 1) {
		sb_appendf(&sb, "%ld:", row.line);
		for (size_t i = 0; i < row.n; i++)
			sb_appendf(&sb, "%s%s", i ? "|" : "", row.fields[i]);
		sb_append(&sb, "\n");
	}
	if (rc < 0) {
		sb_appendf(&sb, "ERR: %s\n", err ? err : "?");
		free(err);
	}
	csv_reader_free(r);
	return sb_take(&sb);
}

static const struct {
	const char *what, *in, *want;
	char sep;
} csv_cases[] = {
	{"plain LF", "a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n", 0},
	{"CRLF as Excel writes", "a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n", 0},
	{"no final line end", "a,b\n1,2", "1:a|b\n2:1|2\n", 0},
	{"lone CR line ends", "a,b\r1,2\r", "1:a|b\n2:1|2\n", 0},
	{"quoted comma", "\"x,y\",z\n", "1:x,y|z\n", 0},
	{"doubled quote", "\"say \"\"hi\"\"\",2\n", "1:say \"hi\"|2\n", 0},
	{"line break inside quotes", "\"a\nb\",c\nd,e\n", "1:a\nb|c\n3:d|e\n", 0},
	{"CRLF inside quotes is one break", "\"a\r\nb\",c\r\nd,e\r\n", "1:a\nb|c\n3:d|e\n", 0},
	{"lone CR inside quotes is a break", "\"x\ry\nz\",w\n", "1:x\ny\nz|w\n", 0},
	{"blank lines skipped", "a,b\n\n\r\n1,2\n\n", "1:a|b\n4:1|2\n", 0},
	{"rows of only commas skipped", "a,b,c\n,,\n1,2,3\n", "1:a|b|c\n3:1|2|3\n", 0},
	{"trailing empty columns kept", "a,b,,\n1,,,\n", "1:a|b||\n2:1|||\n", 0},
	{"empty fields in the middle", "a,,c\n", "1:a||c\n", 0},
	{"quote inside an unquoted field is text", "a\"b,c\n", "1:a\"b|c\n", 0},
	{"text after a closing quote kept", "\"ab\"cd,e\n", "1:abcd|e\n", 0},
	{"empty quoted field", "\"\",x\n", "1:|x\n", 0},
	{"tab-separated detected", "姓名\t身份证号\n张三\t520111\n", "1:姓名|身份证号\n2:张三|520111\n", 0},
	{"tab inside quotes does not decide", "\"a\tb\",c\n", "1:a\tb|c\n", 0},
	{"comma in TSV is text", "a,b\tc\n", "1:a,b|c\n", 0},
	{"declared separator wins", "a\tb,c\n", "1:a\tb|c\n", ','},
	{"Chinese text", "姓名,民族\n刘䶮,汉族\n", "1:姓名|民族\n2:刘䶮|汉族\n", 0},
	{"unclosed quote names its line", "a,b\n1,\"open\n2,3\n", "1:a|b\nERR: line 2: a quoted field is never closed\n", 0},
	{"a single field", "x", "1:x\n", 0},
	{"nothing at all", "", "", 0},
};

static void test_csv_cases(void)
{
	for (size_t i = 0; i < ARRAY_LEN(csv_cases); i++) {
		const char *in = csv_cases[i].in;
		char *whole = parse_all(in, strlen(in), csv_cases[i].sep, 0);
		char *bytewise = parse_all(in, strlen(in), csv_cases[i].sep, 1);
		if (strcmp(whole, csv_cases[i].want) != 0)
			fprintf(stderr, "case: %s\n", csv_cases[i].what);
		CHECK_STR(whole, csv_cases[i].want);
		CHECK_STR(bytewise, csv_cases[i].want);
		free(whole);
		free(bytewise);
	}
}

/* Writing then reading gives the same fields back, whatever they hold. */
static void test_csv_write_roundtrip(void)
{
	const char *fields[] = {"plain", "with,comma", "with \"quote\"", "two\nlines", " padded ",
				"", "刘䶮", "=\"520111198001010011\"", "tab\there"};
	for (int s = 0; s < 2; s++) {
		char sep = s ? '\t' : ',';
		struct strbuf sb = {0};
		csv_format_row(&sb, fields, ARRAY_LEN(fields), sep, true);
		csv_format_row(&sb, fields, ARRAY_LEN(fields), sep, false);
		struct csv_memory m = {.data = sb.s, .len = sb.len};
		struct csv_reader *r = csv_reader_new(csv_memory_read, &m, sep);
		struct csv_row row;
		for (int k = 0; k < 2; k++) {
			CHECK_INT(csv_read(r, &row, NULL), 1);
			CHECK_INT(row.n, ARRAY_LEN(fields));
			for (size_t i = 0; i < row.n && i < ARRAY_LEN(fields); i++)
				CHECK_STR(row.fields[i], fields[i]);
		}
		CHECK_INT(csv_read(r, &row, NULL), 0);
		csv_reader_free(r);
		sb_free(&sb);
	}
	struct strbuf sb = {0};
	const char *two[] = {"a,b", "c"};
	csv_format_row(&sb, two, 2, ',', true);
	CHECK_STR(sb.s, "\"a,b\",c\r\n");
	sb_free(&sb);
}

/* What a terminal or an editor would act on is written visibly; line breaks and tabs
 * stay inside the quotes as they were. */
static void test_csv_write_escapes(void)
{
	static const struct {
		const char *field, *want;
	} cases[] = {
		{ "龙\x1b[2J发利", "龙\\x1b[2J发利" },
		{ "\x1b]52;c;ZWNobw==\x07", "\\x1b]52;c;ZWNobw==\\x07" },
		{ "a\xC2\x9B" "1m", "a\\u009b1m" },
		{ "\xE2\x80\xAE利发龙", "\\u202e利发龙" },
		{ "第一行\n第二行\t完\x1b", "\"第一行\n第二行\t完\\x1b\"" },
		{ "\x1b,x", "\"\\x1b,x\"" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct strbuf sb = {0};
		csv_format_field(&sb, cases[i].field, ',');
		CHECK_STR(sb.s, cases[i].want);
		sb_free(&sb);
	}
}

/* ---- encodings ---- */

static const struct {
	const char *what, *bytes;
	size_t len;
	enum enc_kind want;
	size_t bom;
} detect_cases[] = {
	{"ASCII is UTF-8", "a,b\n", 4, ENC_UTF8, 0},
	{"UTF-8 Chinese", "\xE5\xA7\x93\xE5\x90\x8D", 6, ENC_UTF8, 0},
	{"UTF-8 BOM", "\xEF\xBB\xBF" "a", 4, ENC_UTF8_BOM, 3},
	{"UTF-16LE BOM", "\xFF\xFE" "a\0", 4, ENC_UTF16LE, 2},
	{"UTF-16BE BOM", "\xFE\xFF" "\0a", 4, ENC_UTF16BE, 2},
	{"GBK 姓名 is not UTF-8", "\xD0\xD5\xC3\xFB", 4, ENC_GB18030, 0},
	{"GB18030 four-byte 䶮", "\x82\x35\x87\x32", 4, ENC_GB18030, 0},
	{"UTF-8 cut at the end is not UTF-8", "\xE5\xA7", 2, ENC_GB18030, 0},
	{"overlong UTF-8 is not UTF-8", "\xC0\xAF", 2, ENC_GB18030, 0},
	{"surrogate in UTF-8 is not UTF-8", "\xED\xA0\x80", 3, ENC_GB18030, 0},
	{"empty", "", 0, ENC_UTF8, 0},
};

static void test_detect(void)
{
	for (size_t i = 0; i < ARRAY_LEN(detect_cases); i++) {
		size_t bom = 99;
		enum enc_kind k = enc_detect(detect_cases[i].bytes, detect_cases[i].len, &bom);
		if (k != detect_cases[i].want)
			fprintf(stderr, "case: %s\n", detect_cases[i].what);
		CHECK_INT(k, detect_cases[i].want);
		CHECK_INT(bom, detect_cases[i].bom);
		/* the file version agrees */
		FILE *f = tmpfile();
		fwrite(detect_cases[i].bytes, 1, detect_cases[i].len, f);
		rewind(f);
		CHECK_INT(enc_detect_file(f, &bom), detect_cases[i].want);
		CHECK_INT(ftell(f), 0);
		fclose(f);
	}
	enum enc_kind k;
	CHECK(enc_parse("GBK", &k) && k == ENC_GBK);
	CHECK(enc_parse("utf-8-bom", &k) && k == ENC_UTF8_BOM);
	CHECK(enc_parse("gb18030", &k) && k == ENC_GB18030);
	CHECK(enc_parse("cp936", &k) && k == ENC_GBK);
	CHECK(!enc_parse("latin1", &k));
}

/* Decodes bytes through an enc_reader (small blocks asked for); the UTF-8 text, or
 * "ERR: message". Caller frees. */
static char *decode(const char *bytes, size_t len, enum enc_kind e, size_t cap)
{
	FILE *f = tmpfile();
	fwrite(bytes, 1, len, f);
	rewind(f);
	char *err = NULL;
	struct enc_reader *r = enc_reader_new(f, e, &err);
	struct strbuf sb = {0};
	if (r) {
		char buf[64];
		ssize_t n;
		while ((n = enc_reader_read(r, buf, cap, &err)) > 0)
			sb_append_n(&sb, buf, (size_t)n);
		if (n < 0)
			sb_appendf(&sb, "ERR: %s", err ? err : "?");
	} else {
		sb_appendf(&sb, "ERR: %s", err ? err : "?");
	}
	free(err);
	enc_reader_free(r);
	fclose(f);
	return sb_take(&sb);
}

static const struct {
	const char *what, *bytes;
	size_t len;
	enum enc_kind enc;
	const char *want;
} decode_cases[] = {
	{"GBK roster", "\xD0\xD5\xC3\xFB,\xC3\xF1\xD7\xE5\r\n\xD5\xC5\xC8\xFD,\xBA\xBA\xD7\xE5\r\n", 22,
	 ENC_AUTO, "姓名,民族\r\n张三,汉族\r\n"},
	{"GB18030 䶮 read as GB18030", "\xC1\xF5\xFE\x9F", 4, ENC_AUTO, "刘䶮"},
	{"GB18030 𠮷 (outside the BMP)", "\xD5\xC5\x95\x34\xB2\x35", 6, ENC_AUTO, "张𠮷"},
	{"BOM removed", "\xEF\xBB\xBF\xE5\xA7\x93", 6, ENC_AUTO, "姓"},
	{"BOM removed when UTF-8 is declared", "\xEF\xBB\xBF" "a", 4, ENC_UTF8, "a"},
	{"UTF-16LE from Excel", "\xFF\xFE\xD3\x59\x0D\x54\t\0", 8, ENC_AUTO, "姓名\t"},
	{"middle dot A1A4", "\xB0\xA2\xD2\xC0\xB9\xC5\xC0\xF6\xA1\xA4\xC2\xF2\xC2\xF2\xCC\xE1", 16, ENC_GB18030,
	 "阿依古丽·买买提"},
	{"broken GBK byte: line and offset", "a,b\n\xD5\xC5,\x81\x20\n", 10, ENC_GBK,
	 "a,b\n张,ERR: line 2, byte offset 7: bytes 0x81 0x20 0x0A are not valid GBK"},
	{"broken byte in auto-detected GB18030", "x\ny\n\xFF", 5, ENC_AUTO,
	 "x\ny\nERR: line 3, byte offset 4: bytes 0xFF are not valid GB18030"},
	{"truncated inside a two-byte character", "\xD5\xC5\xC8", 3, ENC_GBK,
	 "张ERR: line 1, byte offset 2: the file ends inside a GBK character (0xC8)"},
	{"invalid UTF-8 when declared", "ok\n\xE5\xA7", 5, ENC_UTF8,
	 "ok\nERR: line 2, byte offset 3: the file ends inside a UTF-8 character (0xE5 0xA7)"},
	{"bad UTF-8 byte when declared", "ab\xC0\xAF", 4, ENC_UTF8,
	 "abERR: line 1, byte offset 2: bytes 0xC0 0xAF are not valid UTF-8"},
};

static void test_decode(void)
{
	for (size_t i = 0; i < ARRAY_LEN(decode_cases); i++) {
		for (size_t cap = 4; cap <= 64; cap += 60) {
			char *got = decode(decode_cases[i].bytes, decode_cases[i].len, decode_cases[i].enc, cap);
			if (strcmp(got, decode_cases[i].want) != 0)
				fprintf(stderr, "case: %s (blocks of %zu)\n", decode_cases[i].what, cap);
			CHECK_STR(got, decode_cases[i].want);
			free(got);
		}
	}
}

/* Every two-byte character of GBK and GB18030, each after an ASCII letter, twice:
 * past the reader's first 64 KiB block; *len set. */
static char *pair_text(size_t *len)
{
	struct strbuf sb = {0};
	for (int round = 0; round < 2; round++)
		for (unsigned lead = 0x81; lead <= 0xFE; lead++)
			for (unsigned trail = 0x40; trail <= 0xFE; trail++) {
				if (trail == 0x7F)
					continue;
				char c[3] = {(char)('a' + trail % 26), (char)lead, (char)trail};
				sb_append_n(&sb, c, 3);
			}
	*len = sb.len;
	return sb_take(&sb);
}

/* What iconv alone makes of bytes, the characters it cannot decode skipped. */
static char *iconv_decode(const char *bytes, size_t len, const char *from)
{
	iconv_t cd = iconv_open("UTF-8", from);
	size_t cap = len * 3 + 16;
	char *out = xmalloc(cap + 1), *op = out, *ip = (char *)bytes;
	size_t il = len, ol = cap;
	while (il && iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		ip += 2;   /* a pair GBK lacks */
		il -= 2;
	}
	*op = '\0';
	iconv_close(cd);
	return out;
}

/* Past its first block the reader decodes GBK and GB18030 from a table: the text is
 * iconv's, byte for byte, a four-byte GB18030 character (𠮷) still decoded, and a
 * broken byte there told as before. */
static void test_decode_table(void)
{
	size_t len;
	char *all = pair_text(&len);
	CHECK(len > 2 * 65536);
	const struct {
		enum enc_kind enc;
		const char *name;
	} encs[] = {{ENC_GB18030, "GB18030"}, {ENC_GBK, "GBK"}};
	for (size_t i = 0; i < ARRAY_LEN(encs); i++) {
		/* GBK lacks some pairs GB18030 has: only those iconv takes go in */
		struct strbuf valid = {0};
		iconv_t cd = iconv_open("UTF-8", encs[i].name);
		for (size_t k = 0; k < len; k += 3) {
			char out[8], *ip = all + k + 1, *op = out;
			size_t il = 2, ol = sizeof out;
			if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
				sb_append_n(&valid, all + k, 3);
			iconv(cd, NULL, NULL, NULL, NULL);
		}
		iconv_close(cd);
		if (encs[i].enc == ENC_GB18030)
			sb_append(&valid, "\x95\x34\xB2\x35!");
		char *want = iconv_decode(valid.s, valid.len, encs[i].name);
		for (size_t cap = 7; cap <= 64; cap += 57) {
			char *got = decode(valid.s, valid.len, encs[i].enc, cap);
			CHECK(strcmp(got, want) == 0);
			free(got);
		}
		if (encs[i].enc == ENC_GB18030)
			CHECK(strstr(want, "𠮷!") != NULL);
		/* a broken pair well past the first block: its line and offset */
		size_t at = valid.len - 3000 - (valid.len - 3000) % 3;
		valid.s[at] = '\n';
		valid.s[at + 1] = (char)0x81;
		valid.s[at + 2] = 0x20;
		char *got = decode(valid.s, valid.len, encs[i].enc, 64);
		char *msg = xasprintf("ERR: line 2, byte offset %zu: bytes 0x81 0x20", at + 1);
		CHECK(strstr(got, msg) != NULL);
		free(msg);
		free(got);
		free(want);
		sb_free(&valid);
	}
	free(all);
}

/* Collects characters an encoding lacks as "offset:char " items. */
static void collect_bad(void *ctx, size_t offset, const char *ch)
{
	sb_appendf(ctx, "%zu:%s ", offset, ch);
}

static void test_encode(void)
{
	char *first = NULL;
	CHECK(enc_can_encode(ENC_GBK, "张三·阿依古丽", NULL));
	CHECK(!enc_can_encode(ENC_GBK, "刘䶮", &first));
	CHECK_STR(first, "䶮");
	free(first);
	CHECK(!enc_can_encode(ENC_GBK, "张𠮷", NULL));
	CHECK(enc_can_encode(ENC_GB18030, "刘䶮张𠮷", NULL));
	CHECK(enc_can_encode(ENC_UTF8, "刘䶮张𠮷", NULL));

	struct enc_writer *w = enc_writer_new(ENC_GBK, NULL);
	struct strbuf bad = {0};
	char *out = NULL;
	size_t n = 0, cap = 0;
	CHECK_INT(enc_writer_convert(w, "刘䶮,张𠮷", strlen("刘䶮,张𠮷"), "?", &out, &n, &cap, collect_bad, &bad), 2);
	CHECK_STR(bad.s, "3:䶮 10:𠮷 ");
	CHECK_STR(out, "\xC1\xF5?,\xD5\xC5?");
	enc_writer_free(w);
	free(out);
	sb_free(&bad);

	size_t len;
	char *gb = enc_convert_string(ENC_GB18030, "刘䶮", NULL, &len);
	CHECK_INT(len, 4);
	CHECK(memcmp(gb, "\xC1\xF5\xFE\x9F", 4) == 0);   /* GB 18030-2022: 䶮 is FE9F */
	free(gb);
}

/* ---- fuzzing, briefly ---- */

/* A small deterministic generator, so a failure can be replayed. */
static unsigned fuzz_next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* Random bytes biased to the characters that matter: quotes, separators, line ends,
 * lead bytes of GBK and UTF-8, BOMs. */
static size_t fuzz_input(unsigned *seed, char *buf, size_t cap)
{
	static const char alphabet[] = "\",\t\r\na \xEF\xBB\xBF\xFF\xFE\xD5\xC5\x81\x30\xE5\xA7\x93\x82\x35";
	size_t n = fuzz_next(seed) % cap;
	for (size_t i = 0; i < n; i++)
		buf[i] = fuzz_next(seed) % 4 ? alphabet[fuzz_next(seed) % (sizeof alphabet - 1)]
					     : (char)fuzz_next(seed);
	return n;
}

static void test_fuzz(void)
{
	unsigned seed = 20261126;
	char buf[512];
	long records = 0;
	for (int i = 0; i < 3000; i++) {
		size_t n = fuzz_input(&seed, buf, sizeof buf);
		char *parsed = parse_all(buf, n, 0, 0);
		/* a byte at a time from the source: the runs the reader takes at once
		 * are then one byte long, so any difference is a fault of the runs */
		char *bytewise = parse_all(buf, n, 0, 1);
		CHECK_STR(parsed, bytewise);
		records += (long)strlen(parsed);
		free(parsed);
		free(bytewise);
		size_t bom;
		enum enc_kind k = enc_detect(buf, n, &bom);
		CHECK(k != ENC_AUTO && bom <= 3);
		char *dec = decode(buf, n, k, i % 2 ? 4 : 64);
		/* whatever came out is valid UTF-8 up to an error message */
		char *e = strstr(dec, "ERR: ");
		size_t good = e ? (size_t)(e - dec) : strlen(dec), off;
		CHECK(text_utf8_valid(dec, good, &off));
		struct csv_memory m = {.data = dec, .len = good};
		struct csv_reader *r = csv_reader_new(csv_memory_read, &m, 0);
		struct csv_row row;
		while (csv_read(r, &row, NULL) == 1)
			for (size_t f = 0; f < row.n; f++)
				records += (long)strlen(row.fields[f]);
		csv_reader_free(r);
		free(dec);
	}
	CHECK(records > 0);
}

/* A report's columns become a spreadsheet's: two spaces part columns, one does not. */
static void test_from_columns(void)
{
	char *got = csv_from_columns("2026年受理的人民调解案件\n\n       案件数 成功率%\n"
				     "2026-06     1  100.0\nTotal, all  12  3 stars \r\n");
	CHECK_STR(got, "2026年受理的人民调解案件\r\n\r\n,案件数,成功率%\r\n2026-06,1,100.0\r\n"
		       "\"Total, all\",12,3 stars\r\n");
	free(got);
	got = csv_from_columns("");
	CHECK_STR(got, "");
	free(got);
}

int main(void)
{
	setenv("LANGUAGE", "en", 1);
	i18n_init("en");
	test_csv_cases();
	test_csv_write_roundtrip();
	test_csv_write_escapes();
	test_detect();
	test_decode();
	test_decode_table();
	test_encode();
	test_fuzz();
	test_from_columns();
	return check_finish();
}
