/* pinyin: initials of Chinese characters, the search keys of a name and its sort key.
 *
 * The Unihan-derived table (src/pinyin-table.c, written by src/pinyin-gen.py) gives
 * every ideograph its possible initials, a primary one and its first reading. Surnames
 * are read differently from the same characters elsewhere (曾 zēng, not céng; 单 shàn,
 * not dān), so the first character of a name puts its surname reading first, and sorts
 * by it; every surname reading below is one of pinyin_readings (checked by hand with
 * the generator's list: a missing one would sort by the usual reading). */
#include "pinyin.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* A distinct (primary initial, all initials) pair of the generated table. */
struct pinyin_combo {
	char primary;
	uint32_t mask;
};

/* A run of code points whose codes start at offset in pinyin_codes. */
struct pinyin_segment {
	uint32_t first;
	uint32_t count;
	uint32_t offset;
};

#include "pinyin-table.c"

#define CODE_BASE 92  /* printable ASCII but " ? and \ (see pinyin-gen.py) */
#define LETTERS 26
#define MIDDLE_DOT 0x00B7

/* A surname whose reading differs from the character's usual one. */
struct surname {
	uint32_t cp;
	const char *reading;  /* as in pinyin_readings: letters and a tone digit */
};

/* Single-character surnames that are polyphones: the reading a surname takes. */
static const struct surname surnames[] = {
	{ 0x66FE, "zeng1" }, /* 曾 zēng, not céng */
	{ 0x5355, "shan4" }, /* 单 shàn, not dān */
	{ 0x55AE, "shan4" }, /* 單 shàn */
	{ 0x89E3, "xie4" }, /* 解 xiè, not jiě */
	{ 0x4EC7, "qiu2" }, /* 仇 qiú, not chóu */
	{ 0x533A, "ou1" }, /* 区 ōu, not qū */
	{ 0x5340, "ou1" }, /* 區 ōu */
	{ 0x67E5, "zha1" }, /* 查 zhā, not chá */
	{ 0x6734, "piao2" }, /* 朴 piáo, not pǔ */
	{ 0x8983, "qin2" }, /* 覃 qín, not tán */
	{ 0x7FDF, "zhai2" }, /* 翟 zhái, not dí */
	{ 0x76D6, "ge3" }, /* 盖 gě */
	{ 0x84CB, "ge3" }, /* 蓋 gě */
	{ 0x5C09, "yu4" }, /* 尉 yù, not wèi */
	{ 0x4E50, "yue4" }, /* 乐 yuè, not lè */
	{ 0x6A02, "yue4" }, /* 樂 yuè */
	{ 0x7F2A, "miao4" }, /* 缪 miào */
	{ 0x7E46, "miao4" }, /* 繆 miào */
	{ 0x79D8, "bi4" }, /* 秘 bì, not mì */
	{ 0x79CD, "chong2" }, /* 种 chóng, not zhǒng */
	{ 0x4E07, "wan4" }, /* 万 wàn, not mò */
	{ 0x5458, "yun4" }, /* 员 yùn, not yuán */
	{ 0x54E1, "yun4" }, /* 員 yùn */
	{ 0x53EC, "shao4" }, /* 召 shào, not zhào */
	{ 0x957F, "chang2" }, /* 长 cháng, not zhǎng */
	{ 0x9577, "chang2" }, /* 長 cháng */
	{ 0x7E41, "po2" }, /* 繁 pó, not fán */
	{ 0x8C0C, "chen2" }, /* 谌 chén, not shèn */
	{ 0x8AF6, "chen2" }, /* 諶 chén */
	{ 0x9697, "wei3" }, /* 隗 wěi, not kuí */
	{ 0x90C7, "huan2" }, /* 郇 huán, not xún */
	{ 0x6C88, "shen3" }, /* 沈 shěn, not chén */
	{ 0x77F3, "shi2" }, /* 石 shí, not dàn */
	{ 0x8D32, "ben1" }, /* 贲 bēn, not féi */
	{ 0x5BBF, "su4" }, /* 宿 sù, not xiǔ */
	{ 0x7C98, "nian2" }, /* 粘 nián, not zhān */
	{ 0x961A, "kan4" }, /* 阚 kàn, not hǎn */
	{ 0x95DE, "kan4" }, /* 闞 kàn */
	{ 0x6298, "she2" }, /* 折 shé, not zhé */
	{ 0x90FD, "du1" }, /* 都 dū, not dōu */
	{ 0x4F74, "nai4" }, /* 佴 nài, not èr */
	{ 0x671D, "chao2" }, /* 朝 cháo, not zhāo */
	{ 0x891A, "chu3" }, /* 褚 chǔ, not zhǔ */
	{ 0x5B93, "mi4" }, /* 宓 mì, not fú */
	{ 0x8D39, "fei4" }, /* 费 fèi, not bì */
	{ 0x8CBB, "fei4" }, /* 費 fèi */
	{ 0x8F66, "che1" }, /* 车 chē, not jū */
	{ 0x8ECA, "che1" }, /* 車 chē */
	{ 0x5E7F, "guang3" }, /* 广 guǎng, not ān */
	{ 0x5EE3, "guang3" }, /* 廣 guǎng */
	{ 0x85CF, "zang4" }, /* 藏 zàng, not cáng */
	{ 0x8870, "cui1" }, /* 衰 cuī, not shuāi */
	{ 0x51AF, "feng2" }, /* 冯 féng, not píng */
	{ 0x99AE, "feng2" }, /* 馮 féng */
	{ 0x91CD, "chong2" }, /* 重 chóng, not zhòng */
	{ 0x6C64, "tang1" }, /* 汤 tāng, not shāng */
	{ 0x6E6F, "tang1" }, /* 湯 tāng */
	{ 0x8D3E, "jia3" }, /* 贾 jiǎ, not gǔ */
	{ 0x8CC8, "jia3" }, /* 賈 jiǎ */
	{ 0x5947, "qi2" }, /* 奇 qí, not jī */
	{ 0x8C37, "gu3" }, /* 谷 gǔ, not yù */
	{ 0x53E5, "gou1" }, /* 句 gōu, not jù */
	{ 0x6C0F, "shi4" }, /* 氏 shì, not zhī */
	{ 0x5F3A, "qiang2" }, /* 强 qiáng, not jiàng */
	{ 0x5F37, "qiang2" }, /* 強 qiáng */
	{ 0x85C9, "ji2" }, /* 藉 jí, not jiè */
	{ 0x4E48, "yao1" }, /* 么 yāo, not me */
	{ 0x8543, "pi2" }, /* 蕃 pí, not fān */
	{ 0x756A, "pan1" }, /* 番 pān, not fān */
	{ 0x796D, "zhai4" }, /* 祭 zhài, not jì */
	{ 0x76DB, "sheng4" }, /* 盛 shèng, not chéng */
	{ 0x5C4F, "ping2" }, /* 屏 píng, not bǐng */
	{ 0x53F6, "ye4" }, /* 叶 yè, not xié */
};

/* Two-character surnames whose characters are read otherwise than alone. */
struct compound_surname {
	uint32_t cp[2];
	const char *reading[2];
};

static const struct compound_surname compound_surnames[] = {
	{ { 0x4E07, 0x4FDF }, { "mo4", "qi2" } }, /* 万俟 mòqí */
	{ { 0x5C09, 0x8FDF }, { "yu4", "chi2" } }, /* 尉迟 yùchí */
	{ { 0x5C09, 0x9072 }, { "yu4", "chi2" } }, /* 尉遲 yùchí */
	{ { 0x5355, 0x4E8E }, { "chan2", "yu2" } }, /* 单于 chányú */
	{ { 0x55AE, 0x4E8E }, { "chan2", "yu2" } }, /* 單于 chányú */
	{ { 0x957F, 0x5B59 }, { "zhang3", "sun1" } }, /* 长孙 zhǎngsūn */
	{ { 0x9577, 0x5B6B }, { "zhang3", "sun1" } }, /* 長孫 zhǎngsūn */
	{ { 0x6FB9, 0x53F0 }, { "tan2", "tai2" } }, /* 澹台 tántái */
	{ { 0x4EE4, 0x72D0 }, { "ling2", "hu2" } }, /* 令狐 línghú */
	{ { 0x4E50, 0x6B63 }, { "yue4", "zheng4" } }, /* 乐正 yuèzhèng */
	{ { 0x6A02, 0x6B63 }, { "yue4", "zheng4" } }, /* 樂正 yuèzhèng */
};

/* The character a base-92 digit stands for, undone. */
static int code_digit(char ch)
{
	int d = UCH(ch) - 0x20;
	d -= ch > '"';
	d -= ch > '?';
	d -= ch > '\\';
	return d;
}

/* The position of c in the per-code-point strings, or -1 when it has no reading. */
static long table_position(uint32_t c)
{
	size_t lo = 0, hi = ARRAY_LEN(pinyin_segments);

	/* the last segment whose first code point is <= c */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pinyin_segments[mid].first <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	const struct pinyin_segment *seg = &pinyin_segments[lo - 1];
	if (c - seg->first >= seg->count)
		return -1;
	return (long)seg->offset + (long)(c - seg->first);
}

/* The number written as two base-92 digits at position at of codes. */
static size_t code_at(const char *codes, long at)
{
	return (size_t)code_digit(codes[2 * at]) * CODE_BASE + (size_t)code_digit(codes[2 * at + 1]);
}

/* The table entry of c, or the "no reading" entry. */
static const struct pinyin_combo *combo_of(uint32_t c)
{
	long at = table_position(c);
	if (at < 0)
		return &pinyin_combos[0];
	size_t code = code_at(pinyin_codes, at);
	return code < ARRAY_LEN(pinyin_combos) ? &pinyin_combos[code] : &pinyin_combos[0];
}

uint32_t pinyin_initials(uint32_t c)
{
	return combo_of(c)->mask;
}

/* The surname reading of c, or NULL when it is read as usual. */
static const char *surname_reading(uint32_t c)
{
	for (size_t i = 0; i < ARRAY_LEN(surnames); i++)
		if (surnames[i].cp == c)
			return surnames[i].reading;
	return NULL;
}

char pinyin_surname_initial(uint32_t c)
{
	const char *reading = surname_reading(c);
	return reading ? reading[0] : combo_of(c)->primary;
}

/* The candidate initials of one character of a name, most likely first. */
struct slot {
	char letters[LETTERS + 1];
	size_t count;
};

/* Adds letter to a slot unless it is there already. */
static void slot_add(struct slot *s, char letter)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->letters[i] == letter)
			return;
	bool usable = (letter >= 'a' && letter <= 'z') || (letter >= '0' && letter <= '9');
	if (usable && s->count < LETTERS)
		s->letters[s->count++] = letter;
}

/* Fills a slot for an ideograph: first (0 if none) then the primary initial, then the
 * others in alphabetical order. */
static void slot_fill(struct slot *s, uint32_t c, char first)
{
	const struct pinyin_combo *combo = combo_of(c);

	s->count = 0;
	if (first)
		slot_add(s, first);
	slot_add(s, combo->primary);
	for (int i = 0; i < LETTERS; i++)
		if (combo->mask & (1u << i))
			slot_add(s, (char)('a' + i));
}

/* The compound surname that starts ws, or NULL. */
static const struct compound_surname *compound_at(const wchar_t *ws, size_t n)
{
	if (n < 2)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(compound_surnames); i++)
		if ((uint32_t)ws[0] == compound_surnames[i].cp[0] &&
		    (uint32_t)ws[1] == compound_surnames[i].cp[1])
			return &compound_surnames[i];
	return NULL;
}

/* The letter an ASCII (or full-width ASCII) letter or digit stands for, or 0. */
static char plain_letter(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (char)c;
	return 0;
}

/* One slot per character that has initials; returns the slot count. The first
 * character of the name is read as a surname. */
static size_t name_slots(const wchar_t *ws, size_t n, struct slot *slots)
{
	const struct compound_surname *compound = compound_at(ws, n);
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t c = (uint32_t)ws[i];
		char plain = plain_letter(c);
		struct slot *s = &slots[count];
		s->count = 0;
		if (plain)
			slot_add(s, plain);
		else if (compound && i < 2)
			slot_fill(s, c, compound->reading[i][0]);
		else
			slot_fill(s, c, i == 0 ? pinyin_surname_initial(c) : 0);
		if (s->count > 0)
			count++;  /* spaces, "·" and unknown characters leave no slot */
	}
	return count;
}

size_t pinyin_name_keys(const char *utf8, char **out, size_t max)
{
	size_t n, made = 0;
	wchar_t *ws = text_to_wcs(utf8, &n);
	size_t skip = 0;

	/* leading white space is not the surname */
	while (skip < n && (ws[skip] == L' ' || ws[skip] == 0x3000 || ws[skip] == MIDDLE_DOT))
		skip++;
	struct slot *slots = xcalloc(n - skip + 1, sizeof *slots);
	size_t *pick = xcalloc(n - skip + 1, sizeof *pick);
	size_t count = name_slots(ws + skip, n - skip, slots);

	/* the cartesian product, most likely initials first, the last character fastest */
	while (count > 0 && made < max) {
		char *key = xmalloc(count + 1);
		for (size_t i = 0; i < count; i++)
			key[i] = slots[i].letters[pick[i]];
		key[count] = '\0';
		out[made++] = key;
		size_t i = count;
		while (i > 0 && ++pick[i - 1] == slots[i - 1].count)
			pick[--i] = 0;
		if (i == 0)
			break;
	}
	free(pick);
	free(slots);
	free(ws);
	return made;
}

/* ---- the sort key: names in pinyin order ---- */

#define CP_BITS 21         /* a code point fits below the reading's rank */
#define RANK_NONE 0x7FFu   /* an ideograph without a reading sorts after every reading */
#define FIRST_IDEOGRAPH 0x2E80

/* The rank of a reading in pinyin_readings, or -1 when it is not there. */
static long reading_rank(const char *reading)
{
	size_t lo = 0, hi = ARRAY_LEN(pinyin_readings);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(pinyin_readings[mid], reading);
		if (cmp == 0)
			return (long)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The rank of the first reading of c, or -1 when it has none. */
static long first_reading_rank(uint32_t c)
{
	long at = table_position(c);
	if (at < 0 || code_at(pinyin_codes, at) == 0)
		return -1;  /* a gap the table filled: no reading */
	return (long)code_at(pinyin_reading_codes, at);
}

/* The weight of one character: the rank of its reading (reading, when it is read
 * otherwise as a surname) above its code point, so that characters sort by syllable,
 * then tone, then character; letters and digits (rank 0) come before ideographs. */
static uint32_t char_weight(uint32_t c, const char *reading)
{
	char plain = plain_letter(c);
	if (plain)
		return (uint32_t)UCH(plain);  /* A and ａ as a */
	long rank = reading ? reading_rank(reading) : -1;
	if (rank < 0)
		rank = first_reading_rank(c);
	if (rank >= 0)
		return (uint32_t)(rank + 1) << CP_BITS | c;
	return c < FIRST_IDEOGRAPH ? c : RANK_NONE << CP_BITS | c;
}

/* Characters that part a name without being read: spaces, "·" between the parts
 * of a transcribed name. */
static bool is_separator(uint32_t c)
{
	return c == L' ' || c == L'\t' || c == 0x3000 || c == MIDDLE_DOT || c == 0x30FB || c == 0x2022;
}

unsigned char *pinyin_sort_key(const char *utf8, size_t *len)
{
	char *visible = text_strip_format(utf8);
	size_t n, made = 0;
	wchar_t *ws = text_to_wcs(visible, &n);
	unsigned char *key = xmalloc(4 * n + 1);
	size_t first = 0;
	while (first < n && is_separator((uint32_t)ws[first]))
		first++;
	const struct compound_surname *compound = compound_at(ws + first, n - first);

	for (size_t i = first; i < n; i++) {
		uint32_t c = (uint32_t)ws[i];
		if (is_separator(c))
			continue;
		const char *reading = NULL;
		if (compound && i - first < 2)
			reading = compound->reading[i - first];
		else if (i == first)
			reading = surname_reading(c);
		uint32_t w = char_weight(c, reading);
		for (int shift = 24; shift >= 0; shift -= 8)
			key[made++] = (unsigned char)(w >> shift);
	}
	free(ws);
	free(visible);
	*len = made;
	return key;
}
