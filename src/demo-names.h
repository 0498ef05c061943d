/* demo-names: the generators behind the demo village (random numbers from prng.h):
 * names with realistic surname frequencies per ethnicity and era, phone numbers,
 * and the towns and villages of 花溪区. Everything depends on the seed only. */
#ifndef SZ_DEMO_NAMES_H
#define SZ_DEMO_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "prng.h"

/* A code or text with a relative weight, for weighted picks from static tables. */
struct demo_weighted {
	const char *value;
	unsigned weight;
};

const char *demo_pick(struct prng *r, const struct demo_weighted *t, size_t n);

/* Ethnic groups the generators know (GB 3304 codes in demo_ethnic_code). */
enum demo_ethnic {
	DEMO_HAN,
	DEMO_MIAO,
	DEMO_BUYI,
	DEMO_OTHER,     /* 侗, 土家, 彝, 仡佬, 水, 回 */
	DEMO_UYGHUR,    /* names with the separator "·" */
};

/* The GB 3304 code of a person of the group (DEMO_OTHER picks one of several). */
const char *demo_ethnic_code(struct prng *r, enum demo_ethnic e);
/* A surname as common among the group in Guizhou (polyphones 曾 单 解 仇 查 朴 覃 翟
 * included at their low rates). */
const char *demo_surname(struct prng *r, enum demo_ethnic e);
/* A full name: surname + one or two given characters chosen for sex (1 男, 2 女) and
 * birth year; generation (may be NULL or "") is a shared 字辈 character placed first.
 * Writes into out (at least 64 bytes). A DEMO_UYGHUR person gets "given·father". */
void demo_full_name(struct prng *r, enum demo_ethnic e, const char *surname, int sex,
		    int birth_year, const char *generation, char *out, size_t cap);
/* A given-name character for a generation name (字辈), by sex and era. */
const char *demo_generation_char(struct prng *r, int sex, int birth_year);
/* A full name whose given name has a character outside GBK (䶮 𠮷 㛃 𬱖 𫖯). */
void demo_rare_name(struct prng *r, const char *surname, char *out, size_t cap);
/* An 11-digit mobile number with a real Guizhou operator prefix. */
void demo_mobile(struct prng *r, char out[12]);
/* A Guiyang landline, 0851 and 8 digits. */
void demo_landline(struct prng *r, char out[16]);

struct demo_town {
	const char *code;    /* 9 digits */
	const char *name;
	unsigned ethnic_weight[4];  /* 汉 苗 布依 other, per cent */
};

struct demo_village {
	int town;            /* index into demo_towns */
	const char *code3;   /* 2xx village, 0xx community */
	const char *name;
};

extern const struct demo_town demo_towns[];
extern const size_t demo_town_count;
/* In the order villages are added: 青岩镇龙井村 first, then across the towns. */
extern const struct demo_village demo_villages[];
extern const size_t demo_village_count;

/* Region codes of Guizhou counties that people move in from (流动人口, marriages). */
const char *demo_other_region(struct prng *r);

#endif
