/* pinyin: initials of Chinese characters and the search keys of a name.
 *
 * The Unihan-derived table (src/pinyin-table.c, written by src/pinyin-gen.py) gives
 * every ideograph its possible initials and a primary one. Surnames are read
 * differently from the same characters elsewhere (曾 zēng, not céng; 单 shàn, not dān),
 * so the first character of a name puts its surname reading first. */
#include "pinyin.h"

#include <stdbool.h>
#include <stdlib.h>

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
	char initial;
};

/* Single-character surnames that are polyphones: the reading a surname takes. */
static const struct surname surnames[] = {
	{ 0x66FE, 'z' }, /* 曾 zēng, not céng */
	{ 0x5355, 's' }, /* 单 shàn, not dān */
	{ 0x55AE, 's' }, /* 單 shàn */
	{ 0x89E3, 'x' }, /* 解 xiè, not jiě */
	{ 0x4EC7, 'q' }, /* 仇 qiú, not chóu */
	{ 0x533A, 'o' }, /* 区 ōu, not qū */
	{ 0x5340, 'o' }, /* 區 ōu */
	{ 0x67E5, 'z' }, /* 查 zhā, not chá */
	{ 0x6734, 'p' }, /* 朴 piáo, not pǔ */
	{ 0x8983, 'q' }, /* 覃 qín, not tán */
	{ 0x7FDF, 'z' }, /* 翟 zhái, not dí */
	{ 0x76D6, 'g' }, /* 盖 gě */
	{ 0x84CB, 'g' }, /* 蓋 gě */
	{ 0x5C09, 'y' }, /* 尉 yù, not wèi */
	{ 0x4E50, 'y' }, /* 乐 yuè, not lè */
	{ 0x6A02, 'y' }, /* 樂 yuè */
	{ 0x7F2A, 'm' }, /* 缪 miào */
	{ 0x7E46, 'm' }, /* 繆 miào */
	{ 0x79D8, 'b' }, /* 秘 bì, not mì */
	{ 0x79CD, 'c' }, /* 种 chóng, not zhǒng */
	{ 0x4E07, 'w' }, /* 万 wàn, not mò */
	{ 0x5458, 'y' }, /* 员 yùn, not yuán */
	{ 0x54E1, 'y' }, /* 員 yùn */
	{ 0x53EC, 's' }, /* 召 shào, not zhào */
	{ 0x957F, 'c' }, /* 长 cháng, not zhǎng */
	{ 0x9577, 'c' }, /* 長 cháng */
	{ 0x7E41, 'p' }, /* 繁 pó, not fán */
	{ 0x8C0C, 'c' }, /* 谌 chén, not shèn */
	{ 0x8AF6, 'c' }, /* 諶 chén */
	{ 0x9697, 'w' }, /* 隗 wěi, not kuí */
	{ 0x90C7, 'h' }, /* 郇 huán, not xún */
	{ 0x6C88, 's' }, /* 沈 shěn, not chén */
	{ 0x77F3, 's' }, /* 石 shí, not dàn */
	{ 0x8D32, 'b' }, /* 贲 bēn, not féi */
	{ 0x5BBF, 's' }, /* 宿 sù, not xiǔ */
	{ 0x7C98, 'n' }, /* 粘 nián, not zhān */
	{ 0x961A, 'k' }, /* 阚 kàn, not hǎn */
	{ 0x95DE, 'k' }, /* 闞 kàn */
	{ 0x6298, 's' }, /* 折 shé, not zhé */
	{ 0x90FD, 'd' }, /* 都 dū, not dōu */
	{ 0x4F74, 'n' }, /* 佴 nài, not èr */
	{ 0x671D, 'c' }, /* 朝 cháo, not zhāo */
	{ 0x891A, 'c' }, /* 褚 chǔ, not zhǔ */
	{ 0x5B93, 'm' }, /* 宓 mì, not fú */
	{ 0x8D39, 'f' }, /* 费 fèi, not bì */
	{ 0x8CBB, 'f' }, /* 費 fèi */
	{ 0x8F66, 'c' }, /* 车 chē, not jū */
	{ 0x8ECA, 'c' }, /* 車 chē */
	{ 0x5E7F, 'g' }, /* 广 guǎng, not ān */
	{ 0x5EE3, 'g' }, /* 廣 guǎng */
	{ 0x85CF, 'z' }, /* 藏 zàng, not cáng */
	{ 0x8870, 'c' }, /* 衰 cuī, not shuāi */
	{ 0x51AF, 'f' }, /* 冯 féng, not píng */
	{ 0x99AE, 'f' }, /* 馮 féng */
	{ 0x91CD, 'c' }, /* 重 chóng, not zhòng */
	{ 0x6C64, 't' }, /* 汤 tāng, not shāng */
	{ 0x6E6F, 't' }, /* 湯 tāng */
	{ 0x8D3E, 'j' }, /* 贾 jiǎ, not gǔ */
	{ 0x8CC8, 'j' }, /* 賈 jiǎ */
	{ 0x5947, 'q' }, /* 奇 qí, not jī */
	{ 0x8C37, 'g' }, /* 谷 gǔ, not yù */
	{ 0x53E5, 'g' }, /* 句 gōu, not jù */
	{ 0x6C0F, 's' }, /* 氏 shì, not zhī */
	{ 0x5F3A, 'q' }, /* 强 qiáng, not jiàng */
	{ 0x5F37, 'q' }, /* 強 qiáng */
	{ 0x85C9, 'j' }, /* 藉 jí, not jiè */
	{ 0x4E48, 'y' }, /* 么 yāo, not me */
	{ 0x8543, 'p' }, /* 蕃 pí, not fān */
	{ 0x756A, 'p' }, /* 番 pān, not fān */
	{ 0x796D, 'z' }, /* 祭 zhài, not jì */
	{ 0x76DB, 's' }, /* 盛 shèng, not chéng */
	{ 0x5C4F, 'p' }, /* 屏 píng, not bǐng */
	{ 0x53F6, 'y' }, /* 叶 yè, not xié */
};

/* Two-character surnames whose characters are read otherwise than alone. */
struct compound_surname {
	uint32_t cp[2];
	char initial[2];
};

static const struct compound_surname compound_surnames[] = {
	{ { 0x4E07, 0x4FDF }, { 'm', 'q' } }, /* 万俟 mòqí */
	{ { 0x5C09, 0x8FDF }, { 'y', 'c' } }, /* 尉迟 yùchí */
	{ { 0x5C09, 0x9072 }, { 'y', 'c' } }, /* 尉遲 yùchí */
	{ { 0x5355, 0x4E8E }, { 'c', 'y' } }, /* 单于 chányú */
	{ { 0x55AE, 0x4E8E }, { 'c', 'y' } }, /* 單于 chányú */
	{ { 0x957F, 0x5B59 }, { 'z', 's' } }, /* 长孙 zhǎngsūn */
	{ { 0x9577, 0x5B6B }, { 'z', 's' } }, /* 長孫 zhǎngsūn */
	{ { 0x6FB9, 0x53F0 }, { 't', 't' } }, /* 澹台 tántái */
	{ { 0x4EE4, 0x72D0 }, { 'l', 'h' } }, /* 令狐 línghú */
	{ { 0x4E50, 0x6B63 }, { 'y', 'z' } }, /* 乐正 yuèzhèng */
	{ { 0x6A02, 0x6B63 }, { 'y', 'z' } }, /* 樂正 yuèzhèng */
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

/* The table entry of c, or the "no reading" entry. */
static const struct pinyin_combo *combo_of(uint32_t c)
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
		return &pinyin_combos[0];
	const struct pinyin_segment *seg = &pinyin_segments[lo - 1];
	if (c - seg->first >= seg->count)
		return &pinyin_combos[0];
	size_t at = 2 * ((size_t)seg->offset + (c - seg->first));
	size_t code = (size_t)code_digit(pinyin_codes[at]) * CODE_BASE +
		      (size_t)code_digit(pinyin_codes[at + 1]);
	return code < ARRAY_LEN(pinyin_combos) ? &pinyin_combos[code] : &pinyin_combos[0];
}

uint32_t pinyin_initials(uint32_t c)
{
	return combo_of(c)->mask;
}

char pinyin_surname_initial(uint32_t c)
{
	for (size_t i = 0; i < ARRAY_LEN(surnames); i++)
		if (surnames[i].cp == c)
			return surnames[i].initial;
	return combo_of(c)->primary;
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
			slot_fill(s, c, compound->initial[i]);
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
