/* Tests for text: decoding, widths, fitting and normalising what clerks type. */
#include <locale.h>
#include <stdlib.h>

#include "check.h"
#include "text.h"
#include "util.h"

/* Decoding: each input and the code points it must give. */
static void test_decode(void)
{
	static const struct {
		const char *in;
		size_t n;
		wchar_t want[12];
	} cases[] = {
		{ "", 0, { 0 } },
		{ "abc", 3, { 'a', 'b', 'c' } },
		{ "龙发利", 3, { 0x9F99, 0x53D1, 0x5229 } },
		{ "阿依古丽·买买提", 8,
		  { 0x963F, 0x4F9D, 0x53E4, 0x4E3D, 0x00B7, 0x4E70, 0x4E70, 0x63D0 } },
		{ "张\xF0\xA0\xAE\xB7", 2, { 0x5F20, 0x20BB7 } },
		/* a truncated 3-byte character at the end is one replacement */
		{ "a\xE9\xBE", 2, { 'a', 0xFFFD } },
		/* a truncated character does not swallow the character after it */
		{ "\xE9\xBE" "a", 2, { 0xFFFD, 'a' } },
		{ "\xF0\xA0\xAE" "b", 2, { 0xFFFD, 'b' } },
		/* a lone continuation byte and bytes that never start a character */
		{ "\x80x\xFF", 3, { 0xFFFD, 'x', 0xFFFD } },
		/* overlong "/" (C0 AF): neither byte can start a character */
		{ "\xC0\xAF", 2, { 0xFFFD, 0xFFFD } },
		/* overlong 3-byte form of "/" */
		{ "\xE0\x80\xAF", 3, { 0xFFFD, 0xFFFD, 0xFFFD } },
		/* surrogate U+D800 */
		{ "\xED\xA0\x80", 3, { 0xFFFD, 0xFFFD, 0xFFFD } },
		/* U+110000, past the last code point */
		{ "\xF4\x90\x80\x80", 4, { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD } },
		/* the last valid code point */
		{ "\xF4\x8F\xBF\xBF", 1, { 0x10FFFF } },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t n = 99;
		wchar_t *ws = text_to_wcs(cases[i].in, &n);
		CHECK_INT(n, cases[i].n);
		CHECK_INT(text_char_count(cases[i].in), cases[i].n);
		for (size_t j = 0; j < n && j < cases[i].n; j++) {
			if (ws[j] != cases[i].want[j])
				fprintf(stderr, "case %zu char %zu: U+%04X\n", i, j, (unsigned)ws[j]);
			CHECK_INT(ws[j], cases[i].want[j]);
		}
		CHECK_INT(ws[n], 0);
		free(ws);
	}
	CHECK_INT(text_char_count(NULL), 0);
}

/* Encoding gives back the bytes of valid text; what cannot be encoded is U+FFFD. */
static void test_encode(void)
{
	static const char *const texts[] = { "", "abc", "龙发利", "阿依古丽·买买提",
					     "张\xF0\xA0\xAE\xB7", "é\xF4\x8F\xBF\xBF" };
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		size_t n;
		wchar_t *ws = text_to_wcs(texts[i], &n);
		char *back = text_from_wcs(ws, n);
		CHECK_STR(back, texts[i]);
		free(back);
		free(ws);
	}
	const wchar_t bad[] = { 'a', 0xD800, 0x110000, 'b' };
	char *s = text_from_wcs(bad, 4);
	CHECK_STR(s, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	free(s);
}

/* Widths as a UTF-8 terminal shows them. */
static void test_width_utf8(void)
{
	static const struct {
		const char *in;
		int cols;
	} cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "龙发利", 6 },
		{ "阿依古丽·买买提", 15 },      /* U+00B7 is one column in UTF-8 locales */
		{ "张\xF0\xA0\xAE\xB7", 4 },     /* 𠮷 is wide */
		{ "e\xCC\x81", 1 },               /* e + combining acute */
		{ "\x07", 1 },                    /* a control character is drawn as one cell */
		{ "ＡＢ　", 6 },                  /* full-width forms and the ideographic space */
		{ "\xE9\xBE", 1 },                /* a broken character is one U+FFFD */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (text_width(cases[i].in) != cases[i].cols)
			fprintf(stderr, "width case %zu: \"%s\"\n", i, cases[i].in);
		CHECK_INT(text_width(cases[i].in), cases[i].cols);
	}
	CHECK_INT(text_width(NULL), 0);
	CHECK_INT(text_char_width(0x9F99), 2);
	CHECK_INT(text_char_width(0x20BB7), 2);
	CHECK_INT(text_char_width(0x0301), 0);
	CHECK_INT(text_char_width(0x00B7), 1);
	const wchar_t ws[] = { 0x9F99, 'x', 0x20BB7 };
	CHECK_INT(text_wcs_width(ws, 3), 5);
}

/* Widths follow the locale: a GBK terminal draws the ambiguous "·" two cells wide. */
static void test_width_gbk(void)
{
	CHECK(setlocale(LC_ALL, "zh_CN.GBK") != NULL);
	CHECK_INT(text_char_width(0x00B7), 2);
	CHECK_INT(text_width("龙发利"), 6);
	CHECK_INT(text_width("阿依古丽·买买提"), 16);
	/* 𠮷 is not in GBK: one cell, drawn as '?', and never U+FFFD, which GBK lacks too */
	CHECK_INT(text_width("张\xF0\xA0\xAE\xB7"), 3);
	char *fit = text_fit("张\xF0\xA0\xAE\xB7\x07", 5);
	CHECK_STR(fit, "张?? ");
	free(fit);
	CHECK(setlocale(LC_ALL, "zh_CN.UTF-8") != NULL);
}

/* Fitting into columns: never half a wide character, always exactly cols wide. */
static void test_fit(void)
{
	static const struct {
		const char *in;
		int cols;
		const char *want;
	} cases[] = {
		{ "abc", 5, "abc  " },
		{ "abcdef", 3, "abc" },
		{ "龙发利", 6, "龙发利" },
		{ "龙发利", 5, "龙发 " },       /* 利 would straddle the edge */
		{ "龙发利", 4, "龙发" },
		{ "龙发利", 1, " " },
		{ "a龙", 2, "a " },
		{ "a龙", 3, "a龙" },
		{ "张\xF0\xA0\xAE\xB7x", 3, "张 " },
		{ "张\xF0\xA0\xAE\xB7x", 4, "张\xF0\xA0\xAE\xB7" },
		{ "e\xCC\x81z", 1, "e\xCC\x81" }, /* the combining mark stays with its letter */
		{ "", 3, "   " },
		{ "abc", 0, "" },
		{ "abc", -2, "" },
		{ NULL, 2, "  " },
		/* a control character is drawn as U+FFFD, never sent to the terminal */
		{ "a\x1b[2Jb", 6, "a\xEF\xBF\xBD[2Jb" },
		{ "\t\n", 2, "\xEF\xBF\xBD\xEF\xBF\xBD" },
		/* so is an invisible format character, which would reorder or hide text */
		{ "龙\xE2\x80\xAE发", 5, "龙\xEF\xBF\xBD发" },
		{ "a\xE2\x80\x8B" "b", 3, "a\xEF\xBF\xBD" "b" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = text_fit(cases[i].in, cases[i].cols);
		CHECK_STR(got, cases[i].want);
		CHECK_INT(text_width(got), cases[i].cols < 0 ? 0 : cases[i].cols);
		free(got);
	}
}

/* Text cut short ends in an ellipsis the locale measures: 1 column in UTF-8, 2 in GBK. */
static void test_fit_ellipsis(void)
{
	static const struct {
		const char *in;
		int cols;
		const char *want;
	} utf8[] = {
		{ "（户主：廖杰军）", 16, "（户主：廖杰军）" },
		{ "（户主：廖杰军）", 15, "（户主：廖杰军…" },
		{ "（户主：廖杰军）", 10, "（户主：… " },  /* never a wide character cut in half */
		{ "abcdef", 4, "abc…" },
		{ "abc   ", 3, "abc" },                   /* padding spaces are not text lost */
		{ "abc", 5, "abc  " },
		{ "abc", 0, "" },
		{ NULL, 2, "  " },
	}, gbk[] = {
		{ "（户主：廖杰军）", 15, "（户主：廖杰… " },
		{ "（户主：廖杰军）", 14, "（户主：廖杰…" },
		{ "abcdef", 4, "ab…" },
		{ "abcdef", 1, "a" },                     /* no room for the mark at all */
	};
	for (size_t i = 0; i < ARRAY_LEN(utf8); i++) {
		char *got = text_fit_ellipsis(utf8[i].in, utf8[i].cols);
		CHECK_STR(got, utf8[i].want);
		CHECK_INT(text_width(got), utf8[i].cols);
		free(got);
	}
	CHECK(setlocale(LC_ALL, "zh_CN.GBK") != NULL);
	CHECK_INT(text_width(text_ellipsis()), 2);
	for (size_t i = 0; i < ARRAY_LEN(gbk); i++) {
		char *got = text_fit_ellipsis(gbk[i].in, gbk[i].cols);
		CHECK_STR(got, gbk[i].want);
		CHECK_INT(text_width(got), gbk[i].cols);
		free(got);
	}
	CHECK(setlocale(LC_ALL, "zh_CN.UTF-8") != NULL);
	CHECK_INT(text_width(text_ellipsis()), 1);
}

/* A whole number is digits only: what atoi would read part of is refused. */
static void test_whole_number(void)
{
	static const struct {
		const char *typed;
		bool ok;
		long value;
	} cases[] = {
		{ "7", true, 7 }, { " 15 ", true, 15 }, { "９０", true, 90 }, { "1", true, 1 },
		{ "7y", false, 0 }, { "y7", false, 0 }, { "7.5", false, 0 }, { "", false, 0 },
		{ "0", false, 0 }, { "91", false, 0 }, { "-3", false, 0 }, { "7 7", false, 0 },
		{ "99999999999", false, 0 }, { NULL, false, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		long v = -1;
		CHECK_INT(text_whole_number(cases[i].typed, 1, 90, &v), cases[i].ok);
		CHECK_INT(v, cases[i].ok ? cases[i].value : -1);
	}
	long v = 0;
	CHECK(text_whole_number("-3", -5, 5, &v) && v == -3);
}

/* Validation names the offset of the first character that is not UTF-8. */
static void test_valid(void)
{
	static const struct {
		const char *in;
		size_t len;
		bool ok;
		size_t bad;
	} cases[] = {
		{ "", 0, true, 0 },
		{ "龙发利", 9, true, 0 },
		{ "阿依古丽·买买提", 23, true, 0 },
		{ "\xF0\xA0\xAE\xB7", 4, true, 0 },
		{ "ab\xE9\xBE", 4, false, 2 },         /* truncated at the end */
		{ "龙\xE5", 4, false, 3 },
		{ "ab\x80", 3, false, 2 },             /* lone continuation byte */
		{ "x\xC0\xAF", 3, false, 1 },          /* overlong */
		{ "\xE0\x9F\xBF", 3, false, 0 },       /* overlong 3-byte */
		{ "\xF0\x8F\xBF\xBF", 4, false, 0 },   /* overlong 4-byte */
		{ "ok\xED\xB0\x80", 5, false, 2 },     /* surrogate U+DC00 */
		{ "\xF4\x90\x80\x80", 4, false, 0 },   /* past U+10FFFF */
		{ "\xF5\x80\x80\x80", 4, false, 0 },
		{ "\xEF\xBF\xBD", 3, true, 0 },        /* U+FFFD itself is fine */
		/* the length is honoured: the bytes after n are never looked at */
		{ "\xE9\xBE\x99", 2, false, 0 },
		{ "\xE9\xBE\x99", 3, true, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t bad = 999;
		/* copy to an exact-size buffer so ASan catches any read past n */
		char *buf = xmalloc(cases[i].len ? cases[i].len : 1);
		memcpy(buf, cases[i].in, cases[i].len);
		bool ok = text_utf8_valid(buf, cases[i].len, &bad);
		CHECK_INT(ok, cases[i].ok);
		if (!cases[i].ok)
			CHECK_INT(bad, cases[i].bad);
		free(buf);
	}
	CHECK(!text_utf8_valid("\xFF", 1, NULL));
}

/* Normalising what clerks type in full-width mode. */
static void test_normalize(void)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "  abc  ", "abc" },
		{ "５２０１１１ｘ", "520111x" },
		{ "　ＡＢＣ　", "ABC" },            /* ideographic spaces trimmed */
		{ "龙　发", "龙 发" },              /* an inner ideographic space becomes one space */
		{ "！～", "!~" },                   /* U+FF01 and U+FF5E, the ends of the range */
		{ "\t龙发利\r\n", "龙发利" },
		{ "｟", "｟" },                       /* U+FF5F is outside the range */
		{ "", "" },
		{ "   ", "" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = text_normalize_ascii(cases[i].in);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

/* Escaping: what a terminal would act on or a reader could not see is shown, the
 * rest passes unchanged; keep names the controls a memo's output keeps. */
static void test_escape(void)
{
	static const struct {
		const char *in, *keep, *want;
	} cases[] = {
		{ "龙发利", "", "龙发利" },
		{ "", "", "" },
		{ "a\\b", "", "a\\b" },
		{ "\x1b[2J王五", "", "\\x1b[2J王五" },
		/* OSC 52: a clipboard write, ended by BEL */
		{ "\x1b]52;c;ZWNobw==\x07", "", "\\x1b]52;c;ZWNobw==\\x07" },
		{ "a\nb\tc", "", "a\\x0ab\\x09c" },
		{ "a\nb\tc\rd", "\n\t", "a\nb\tc\\x0dd" },
		{ "x\x7fy", "\n", "x\\x7fy" },
		/* C1: U+009B is CSI in an 8-bit terminal */
		{ "张\xC2\x9B" "1m", "", "张\\u009b1m" },
		{ "龙\xE2\x80\x8B发利", "", "龙\\u200b发利" },
		{ "abc\xE2\x80\xAE" "gpj.exe", "", "abc\\u202egpj.exe" },
		{ "\xEF\xBB\xBF" "a", "", "\\ufeffa" },
		{ "a\xE2\x80\xA8" "b", "", "a\\u2028b" },
		{ "\xF3\xA0\x80\x81" "x", "", "\\U000e0001x" },
		/* invalid UTF-8 is shown byte by byte */
		{ "a\x9b" "b\xE9\xBE", "", "a\\x9bb\\xe9\\xbe" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = text_escape(cases[i].in, cases[i].keep);
		CHECK_STR(got, cases[i].want);
		CHECK_INT(text_needs_escape(cases[i].in, cases[i].keep),
			  strcmp(cases[i].in, cases[i].want) != 0);
		free(got);
	}
}

/* The characters a field refuses, found: control ones (a memo keeps line breaks)
 * and format ones; and format characters stripped for search. */
static void test_refused_chars(void)
{
	static const struct {
		const char *in, *keep;
		wchar_t control, format;
		const char *stripped;
	} cases[] = {
		{ "龙发利", "", 0, 0, "龙发利" },
		{ "龙\x1b发利", "", 0x1B, 0, "龙\x1b发利" },
		{ "第一行\n第二行", "\n\t", 0, 0, "第一行\n第二行" },
		{ "第一行\n第二行", "", L'\n', 0, "第一行\n第二行" },
		{ "a\xC2\x85" "b", "\n", 0x85, 0, "a\xC2\x85" "b" },
		{ "a\x7f", "", 0x7F, 0, "a\x7f" },
		{ "龙\xE2\x80\x8B发利", "", 0, 0x200B, "龙发利" },
		{ "\xE2\x80\xAE利发龙", "", 0, 0x202E, "利发龙" },
		{ "阿依\xC2\xAD古丽\xE2\x81\xA0", "", 0, 0xAD, "阿依古丽" },
		{ "\xEF\xBB\xBF张三", "", 0, 0xFEFF, "张三" },
		/* the middle dot of a name is an ordinary character */
		{ "阿依古丽·买买提", "", 0, 0, "阿依古丽·买买提" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		CHECK_INT(text_find_control(cases[i].in, cases[i].keep), cases[i].control);
		CHECK_INT(text_find_format(cases[i].in), cases[i].format);
		char *s = text_strip_format(cases[i].in);
		CHECK_STR(s, cases[i].stripped);
		free(s);
	}
	CHECK(text_is_format_char(0x2066));
	CHECK(!text_is_format_char(0x4E00));
	CHECK(!text_is_format_char(L' '));
}

int main(void)
{
	/* widths are those of a Chinese UTF-8 terminal; without the locale the test fails */
	CHECK(setlocale(LC_ALL, "zh_CN.UTF-8") != NULL);
	test_decode();
	test_encode();
	test_width_utf8();
	test_width_gbk();
	test_fit();
	test_fit_ellipsis();
	test_whole_number();
	test_valid();
	test_normalize();
	test_escape();
	test_refused_chars();
	return check_finish();
}
