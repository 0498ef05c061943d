/* pinyin: initials of Chinese characters, for search by typing `lfl` for 龙发利, and
 * the key that puts names in pinyin order.
 * The table is generated from Unihan (kMandarin and the dictionary readings) by
 * src/pinyin-gen.py into src/pinyin-table.c. Every reading's initial is kept for
 * polyphones; for surnames (the first character of a name) the surname reading
 * comes first (曾 z, 单 s, 解 x, 仇 q, 区 o, 查 z, 朴 p, 覃 q, 翟 z). */
#ifndef SZ_PINYIN_H
#define SZ_PINYIN_H

#include <stddef.h>
#include <stdint.h>

/* Bit i set when 'a'+i is a possible initial of code point c; 0 if unknown. */
uint32_t pinyin_initials(uint32_t c);
/* The most likely initial of c as a surname (first character of a name), or 0. */
char pinyin_surname_initial(uint32_t c);
/* Initial strings of a UTF-8 name: every combination of polyphone initials, the
 * surname reading first, at most max strings (each caller-freed). ASCII letters and
 * digits stand for themselves, "·" and spaces are skipped. Returns the count. */
size_t pinyin_name_keys(const char *utf8, char **out, size_t max);
/* The bytes a name sorts by (memcmp order; caller frees, *len set): pinyin order, a
 * character at a time, by syllable, tone, then the character itself, so that every
 * 张 comes together before 章. The first character takes its surname reading (曾 zēng,
 * 单 shàn, 解 xiè); letters and digits come before ideographs, spaces and "·" are
 * skipped. A name starting with a query's characters has the query's key as prefix. */
unsigned char *pinyin_sort_key(const char *utf8, size_t *len);

#endif
