/* Tests for pinyin: finding 龙发利 by typing lfl, surnames read as surnames, names in
 * pinyin order. */
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "pinyin.h"
#include "util.h"

#define BIT(ch) (1u << ((ch) - 'a'))
#define MAX_KEYS 64

/* true when want is among the keys of name. */
static bool has_key(const char *name, const char *want)
{
	char *keys[MAX_KEYS];
	size_t n = pinyin_name_keys(name, keys, MAX_KEYS);
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		found = found || strcmp(keys[i], want) == 0;
		free(keys[i]);
	}
	return found;
}

/* The first key of name (caller frees), NULL if there is none. */
static char *first_key(const char *name)
{
	char *keys[MAX_KEYS];
	size_t n = pinyin_name_keys(name, keys, MAX_KEYS);
	for (size_t i = 1; i < n; i++)
		free(keys[i]);
	return n ? keys[0] : NULL;
}

/* Initials of single characters, polyphones with all their readings. */
static void test_initials(void)
{
	static const struct {
		uint32_t cp;
		uint32_t must;    /* bits that must be set */
		uint32_t mustnt;  /* bits that must not be set */
	} cases[] = {
		{ 0x9F99, BIT('l'), BIT('f') },               /* 龙 lóng */
		{ 0x53D1, BIT('f'), BIT('l') },               /* 发 fā */
		{ 0x5229, BIT('l'), 0 },                      /* 利 lì */
		{ 0x5355, BIT('d') | BIT('s') | BIT('c'), 0 }, /* 单 dān shàn chán */
		{ 0x66FE, BIT('c') | BIT('z'), 0 },           /* 曾 céng zēng */
		{ 0x884C, BIT('x') | BIT('h'), 0 },           /* 行 xíng háng */
		{ 0x4E00, BIT('y'), BIT('a') },               /* 一 yī */
		{ 0x9FA5, BIT('y'), 0 },                      /* 龥 yù, the last GBK ideograph */
		{ 0x3400, BIT('q'), 0 },                      /* 㐀 qiū, extension A */
		{ 0x4DAE, BIT('y'), 0 },                      /* 䶮 yǎn, as in 刘䶮 */
		{ 0x20BB7, BIT('j'), 0 },                     /* 𠮷, a variant of 吉 jí */
		{ 0x2A6A5, BIT('z'), 0 },                     /* 𪚥 zhé */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		uint32_t m = pinyin_initials(cases[i].cp);
		if ((m & cases[i].must) != cases[i].must || (m & cases[i].mustnt))
			fprintf(stderr, "U+%04X: mask %07x\n", (unsigned)cases[i].cp,
				(unsigned)m);
		CHECK((m & cases[i].must) == cases[i].must);
		CHECK((m & cases[i].mustnt) == 0);
	}
	/* a compatibility ideograph reads as the unified one it stands for */
	CHECK(pinyin_initials(0xF900) != 0);
	CHECK_INT(pinyin_initials(0xF900), pinyin_initials(0x8C48));
	/* not ideographs, or not in Unihan */
	static const uint32_t none[] = { 0, 'a', '1', 0xB7, 0x3000, 0xFFFD, 0x4DBF + 1,
					 0x10FFFF, 0xFFFFFFFF };
	for (size_t i = 0; i < ARRAY_LEN(none); i++)
		CHECK_INT(pinyin_initials(none[i]), 0);
}

/* Surnames take their surname reading. */
static void test_surnames(void)
{
	static const struct {
		uint32_t cp;
		char want;
	} cases[] = {
		{ 0x66FE, 'z' }, /* 曾 */
		{ 0x5355, 's' }, /* 单 */
		{ 0x89E3, 'x' }, /* 解 */
		{ 0x4EC7, 'q' }, /* 仇 */
		{ 0x533A, 'o' }, /* 区 */
		{ 0x67E5, 'z' }, /* 查 */
		{ 0x6734, 'p' }, /* 朴 */
		{ 0x8983, 'q' }, /* 覃 */
		{ 0x7FDF, 'z' }, /* 翟 */
		{ 0x76D6, 'g' }, /* 盖 */
		{ 0x5C09, 'y' }, /* 尉 */
		{ 0x4E50, 'y' }, /* 乐 */
		{ 0x7F2A, 'm' }, /* 缪 */
		{ 0x79D8, 'b' }, /* 秘 */
		{ 0x79CD, 'c' }, /* 种 */
		{ 0x4E07, 'w' }, /* 万 */
		{ 0x5458, 'y' }, /* 员 */
		{ 0x53EC, 's' }, /* 召 */
		{ 0x957F, 'c' }, /* 长 */
		{ 0x9577, 'c' }, /* 長 */
		{ 0x9F99, 'l' }, /* 龙, not a polyphone: its only reading */
		{ 0x5F20, 'z' }, /* 张 */
		{ 'a', 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char got = pinyin_surname_initial(cases[i].cp);
		CHECK_INT(got, cases[i].want);
		/* the surname reading is also one of the character's readings */
		if (got)
			CHECK(pinyin_initials(cases[i].cp) & BIT(got));
	}
}

/* Keys of whole names as the search sees them. */
static void test_name_keys(void)
{
	static const struct {
		const char *name;
		const char *first;     /* the first key */
		const char *also;      /* another key that must be there, or NULL */
	} cases[] = {
		{ "龙发利", "lfl", NULL },
		{ "曾国藩", "zgf", "cgf" },           /* surname reading first, the other kept */
		{ "单雄信", "sxx", "dxx" },
		{ "解缙", "xj", "jj" },
		{ "区乐", "ol", "oy" },               /* 乐 in a given name: lè first, yuè kept */
		{ "张\xF0\xA0\xAE\xB7", "zj", NULL }, /* 张𠮷 */
		{ "阿依古丽·买买提", "aygl" "mmt", NULL },
		{ "  Li Ming 2", "liming2", NULL },   /* ASCII lowercased, spaces skipped */
		{ "ＡＢ龙", "abl", NULL },            /* full-width letters are letters */
		{ "尉迟恭", "ycg", NULL },             /* compound surname */
		{ "万俟卨", "mqx", NULL },
		{ "长孙无忌", "zswj", NULL },
		{ "万里", "wl", NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *first = first_key(cases[i].name);
		CHECK_STR(first, cases[i].first);
		free(first);
		CHECK(has_key(cases[i].name, cases[i].first));
		if (cases[i].also)
			CHECK(has_key(cases[i].name, cases[i].also));
	}
	CHECK(!has_key("发利龙", "lfl"));
}

/* Edge cases: nothing to key, and the cap on the product. */
static void test_limits(void)
{
	char *keys[MAX_KEYS];
	CHECK_INT(pinyin_name_keys("", keys, MAX_KEYS), 0);
	CHECK_INT(pinyin_name_keys(" · ", keys, MAX_KEYS), 0);
	CHECK_INT(pinyin_name_keys("龙发利", keys, 0), 0);

	/* 单单单单单单单单: three readings each, 3^8 combinations, capped */
	size_t n = pinyin_name_keys("单单单单单单单单", keys, 10);
	CHECK_INT(n, 10);
	CHECK_STR(keys[0], "sddddddd");
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(strlen(keys[i]), 8);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(keys[i], keys[j]) != 0);  /* no key twice */
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	/* all combinations of a short polyphone name, each once */
	n = pinyin_name_keys("单行", keys, MAX_KEYS);
	size_t singles = 0;
	for (uint32_t m = pinyin_initials(0x5355) | BIT('s'); m; m &= m - 1)
		singles++;
	size_t doubles = 0;
	for (uint32_t m = pinyin_initials(0x884C); m; m &= m - 1)
		doubles++;
	CHECK_INT(n, singles * doubles);
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
}

/* How much of the GBK ideograph range U+4E00..U+9FA5 has initials; Unihan 15
 * covers 20,892 of the 20,902. */
static void test_coverage(void)
{
	int covered = 0, total = 0;
	for (uint32_t c = 0x4E00; c <= 0x9FA5; c++, total++)
		covered += pinyin_initials(c) != 0;
	printf("pinyin coverage: %d of %d ideographs U+4E00..U+9FA5\n", covered, total);
	CHECK(covered > 20800);

	int ext = 0;
	for (uint32_t c = 0x20000; c <= 0x323AF; c++)
		ext += pinyin_initials(c) != 0;
	printf("pinyin coverage: %d supplementary ideographs\n", ext);
	CHECK(ext > 10000);
}

/* memcmp of two names' sort keys, shorter first on a tie (as SQLite orders BLOBs). */
static int key_compare(const void *a, const void *b)
{
	size_t na, nb;
	unsigned char *ka = pinyin_sort_key(*(const char *const *)a, &na);
	unsigned char *kb = pinyin_sort_key(*(const char *const *)b, &nb);
	int cmp = memcmp(ka, kb, na < nb ? na : nb);
	if (cmp == 0)
		cmp = (na > nb) - (na < nb);
	free(ka);
	free(kb);
	return cmp;
}

/* Names in the order of a phone book: by the surname's pinyin (its surname reading),
 * tone, then character, then the given name. Level-2 GB2312 characters (岑 邝 亓 瞿 佘
 * 鄢, which GB2312 keeps after 座) sort among the others; 曾 is zēng (not céng, before
 * 陈), 单 shàn (not dān), 解 xiè (not jiě), 单于 chányú. */
static void test_sort_order(void)
{
	static const char *const want[] = {
		"Alice Wang", "安娜", "白雪", "岑浩", "单于春", "陈明", "陈明亮", "邝美玲",
		"陆军", "吕布", "罗成", "亓军", "瞿秋白", "单雄信", "佘太君", "解放",
		"鄢陵", "曾国藩", "张三", "张 伟", "章程", "赵六",
	};
	enum { N = ARRAY_LEN(want) };
	const char *got[N];
	for (size_t i = 0; i < N; i++)
		got[i] = want[N - 1 - i];  /* reversed: every pair must move */
	qsort(got, N, sizeof *got, key_compare);
	for (size_t i = 0; i < N; i++)
		CHECK_STR(got[i], want[i]);
}

/* A name that starts with the typed characters has their key as its prefix: the list
 * finds names starting with 张 as one range of the index. */
static void test_sort_key_prefix(void)
{
	size_t nq, nn;
	unsigned char *q = pinyin_sort_key("曾", &nq);
	unsigned char *name = pinyin_sort_key("曾国藩", &nn);
	CHECK_INT(nq, 4);
	CHECK_INT(nn, 12);
	CHECK(memcmp(q, name, nq) == 0);
	free(q);
	free(name);
	q = pinyin_sort_key("\xe2\x80\x8b\xe5\xbc\xa0 \xc2\xb7", &nq);  /* U+200B 张 space · */
	CHECK_INT(nq, 4);
	free(q);
}

int main(void)
{
	test_sort_order();
	test_sort_key_prefix();
	test_initials();
	test_surnames();
	test_name_keys();
	test_limits();
	test_coverage();
	return check_finish();
}
