/* demo: a realistic register for the villages of 花溪区, deterministic for a seed.
 *
 * The places (towns, villages, grids, grid workers) go through store_insert, one
 * audit entry each. Households and residents, up to a million, go through the
 * store's bulk path: rows are inserted with their ids chosen here (a household's
 * head is known before the household row is written), the search keys are filled
 * in key order afterwards, and the audit log gets one "bulk" entry per table.
 *
 * A household is built as a family first (who lives with whom, their ages), then
 * each member gets a name, an ID number whose birth date and sex agree with the
 * person, and the register's codes at rates seen in Guizhou villages. */
#include "demo.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "civil.h"
#include "demo-names.h"
#include "dispute.h"
#include "i18n.h"
#include "idcard.h"
#include "ledger.h"
#include "service.h"
#include "stars.h"
#include "store.h"
#include "util.h"
#include "village.h"

#define MAX_MEMBERS 8
/* Registered in the acceptance walk-through: the demo must never contain them. */
#define RESERVED_NAME "龙发利"
#define RESERVED_ID "52011119800101001X"
/* ID sequences are counted per birth day from 1900-01-01 */
#define ID_DAY_BASE (-25567)   /* days from 1970-01-01 back to 1900-01-01 */
#define ID_DAYS 48000
/* 婚姻法: no one in the demo is married younger than this */
#define MIN_MARRIED_AGE 20

enum role { R_HEAD, R_SPOUSE, R_CHILD, R_CHILD_SPOUSE, R_GRANDCHILD, R_PARENT };

struct person {
	enum role role;
	int sex;                 /* 1 男, 2 女 */
	int age;
	int birth;               /* days since 1970-01-01 */
	enum demo_ethnic ethnic;
	const char *ethnicity;
	const char *relation;
	char name[80];
	char id_number[19];
	char phone[16];
	const char *political;
	const char *education;
	const char *marital;
	const char *residence;
	const char *living;
	char status_date[11];
	const char *status_reason;
	char tags[96];
	const char *notes;
	bool away;               /* working away from home (notes say where) */
};

struct family {
	struct person m[MAX_MEMBERS];
	int n;
	const char *residence;   /* 1 户籍, 2 常住, 3 流动 */
	bool poor, lifted, watched;  /* 低保, 脱贫户, 监测户 */
};

struct demo {
	struct store *st;
	sqlite3 *db;
	struct prng rng;
	uint64_t seed_mix;
	int today;               /* days since 1970-01-01 */
	int today_year;
	char now[32];            /* created_at of every row */
	unsigned char *seq_used; /* per birth day and sex: sequence numbers handed out */
	sqlite3_stmt *ins_household, *ins_resident;
	int64_t next_household, next_resident;
	long made;
	long household_count;
	int verbose;
	int id_block;            /* a village demo's block of ID sequences, -1 for none */
	const struct demo_town *towns;       /* the places made: the district's, or one village's */
	size_t ntowns;
	const struct demo_village *villages;
	bool rare_due;           /* the next given name that may be rare is (assign_names) */
};


/* A day number as YYYY-MM-DD. */
static void format_day(int days, char out[11])
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* A birth day for someone who is `age` whole years old today. */
static int birth_for_age(struct demo *dm, int age)
{
	int y, m, d;
	civil_from_days(dm->today, &y, &m, &d);
	int latest = civil_to_days(y - age, m, d > 28 && m == 2 ? 28 : d);
	int earliest = civil_to_days(y - age - 1, m, d > 28 && m == 2 ? 28 : d) + 1;
	return earliest + (int)prng_below(&dm->rng, (uint32_t)(latest - earliest + 1));
}

/* Whole years between two day numbers. */
static int age_at(int birth, int day)
{
	int by, bm, bd, y, m, d;
	civil_from_days(birth, &by, &bm, &bd);
	civil_from_days(day, &y, &m, &d);
	return y - by - (m < bm || (m == bm && d < bd));
}

/* A village demo's ID sequences: a block of this many per birth day and sex, chosen by
 * the village's code, so two villages of a township never hand out the same number. */
#define DEMO_ID_BLOCK 8u
#define DEMO_ID_BLOCKS (499u / DEMO_ID_BLOCK)

/* Where a birth day's sequence numbers start: police stations hand them out in
 * blocks, so the tails of a day's numbers are spread over 001..998. */
static unsigned sequence_base(const struct demo *dm, int slot)
{
	uint64_t x = (uint64_t)slot * 0x9e3779b97f4a7c15ULL ^ dm->seed_mix;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return (unsigned)(x % 499);
}

/* An ID number for the person: birth date and sex agree, the sequence is unique for
 * the day (sequences are counted for the whole district, whatever the region). */
static void make_id_number(struct demo *dm, struct person *p, const char *region)
{
	for (;;) {
		int slot = p->birth - ID_DAY_BASE;
		if (slot < 0)
			slot = 0;
		if (slot >= ID_DAYS)
			slot = ID_DAYS - 1;
		int index = slot * 2 + (p->sex == 2);
		unsigned char *used = &dm->seq_used[index];
		unsigned cap = dm->id_block < 0 ? 240 : DEMO_ID_BLOCK;
		if (*used < cap) {
			/* a few gaps, as in real data */
			unsigned k = *used + (prng_chance(&dm->rng, 200) ? 1u : 0u);
			*used = (unsigned char)(k + 1);
			unsigned n = dm->id_block < 0 ? (sequence_base(dm, index) + k) % 499
				: (unsigned)dm->id_block * DEMO_ID_BLOCK + (sequence_base(dm, index) + k) % DEMO_ID_BLOCK;
			/* odd sequences for men, even for women */
			unsigned seq = 2 * n + (p->sex == 1 ? 1 : 2);
			char first17[18];
			int y, m, d;
			civil_from_days(p->birth, &y, &m, &d);
			snprintf(first17, sizeof first17, "%s%04d%02d%02d%03u", region, y, m, d, seq);
			snprintf(p->id_number, sizeof p->id_number, "%s%c", first17,
				 idcard_check_char(first17));
			if (strcmp(p->id_number, RESERVED_ID) != 0)
				return;
			continue;
		}
		p->birth--;  /* the day is full: born a day earlier */
	}
}

/* How many members a household has: rural Guizhou averages a little over three. */
static int household_size(struct demo *dm)
{
	static const struct demo_weighted sizes[] = {
		{"1", 15}, {"2", 22}, {"3", 22}, {"4", 19}, {"5", 12}, {"6", 6}, {"7", 4},
	};
	return atoi(demo_pick(&dm->rng, sizes, ARRAY_LEN(sizes)));
}

/* Appends a member of the given role, sex and age (clamped at 0). */
static struct person *add_member(struct family *f, enum role role, int sex, int age)
{
	struct person *p = &f->m[f->n++];
	memset(p, 0, sizeof *p);
	p->role = role;
	p->sex = sex;
	p->age = age < 0 ? 0 : age;
	return p;
}

/* Ages of k siblings, the youngest `youngest` years old, oldest first. */
static void sibling_ages(struct demo *dm, int k, int youngest, int *ages)
{
	ages[k - 1] = youngest;
	for (int i = k - 2; i >= 0; i--)
		ages[i] = ages[i + 1] + prng_range(&dm->rng, 1, 4);
}

/* How much older a parent is than their child. */
static int parent_gap(struct demo *dm)
{
	return prng_range(&dm->rng, 21, 31);
}

/* The family's shape: who lives with the head, and everyone's age and sex. */
static void build_family(struct demo *dm, struct family *f, int size)
{
	struct prng *r = &dm->rng;
	f->n = 0;
	int head_sex = prng_chance(r, 820) ? 1 : 2;
	if (size == 1) {
		int age = prng_chance(r, 650) ? prng_range(r, 60, 93) : prng_range(r, 22, 59);
		add_member(f, R_HEAD, head_sex, age);
		return;
	}
	bool spouse = prng_chance(r, size == 2 ? 750 : 900);
	int rest = size - 1 - spouse;
	int parents = 0, grandchildren = 0, children = rest;
	bool married_son = false;
	if (rest >= 1 && prng_chance(r, size >= 4 ? 350 : 200)) {
		parents = rest >= 2 && prng_chance(r, 500) ? 2 : 1;
		children = rest - parents;
	} else if (rest >= 3 && prng_chance(r, 450)) {
		married_son = true;
		children = rest >= 5 && prng_chance(r, 300) ? 2 : 1;
		grandchildren = rest - children - 1;
	}
	int child_ages[MAX_MEMBERS], grand_ages[MAX_MEMBERS];
	int head_age;
	if (married_son) {
		sibling_ages(dm, grandchildren, prng_range(r, 0, 14), grand_ages);
		int son_age = grand_ages[0] + parent_gap(dm);
		sibling_ages(dm, children, son_age, child_ages);
		/* the married son is the oldest child; a younger sibling may still live at home */
		if (children == 2) {
			child_ages[1] = son_age - prng_range(r, 2, 8);
			child_ages[0] = son_age;
		}
		head_age = child_ages[0] + parent_gap(dm);
	} else if (children > 0) {
		sibling_ages(dm, children, prng_range(r, 0, parents ? 12 : 24), child_ages);
		head_age = child_ages[0] + parent_gap(dm);
	} else if (parents) {
		head_age = prng_range(r, 22, 55);
	} else {
		head_age = prng_chance(r, 700) ? prng_range(r, 55, 88) : prng_range(r, 22, 35);
	}
	if (head_age > 95)
		head_age = 95;
	add_member(f, R_HEAD, head_sex, head_age);
	if (spouse) {
		int gap = prng_range(r, 0, 5);
		int age = head_sex == 1 ? head_age - gap : head_age + gap;
		add_member(f, R_SPOUSE, 3 - head_sex, age < MIN_MARRIED_AGE ? MIN_MARRIED_AGE : age);
	}
	for (int i = 0; i < parents; i++) {
		int sex = parents == 2 ? 1 + i : (prng_chance(r, 650) ? 2 : 1);
		int age = head_age + parent_gap(dm) + (sex == 1 ? 2 : 0);
		add_member(f, R_PARENT, sex, age > 99 ? 99 : age);
	}
	for (int i = 0; i < children; i++) {
		int sex = married_son && i == 0 ? 1 : (prng_chance(r, 520) ? 1 : 2);
		add_member(f, R_CHILD, sex, child_ages[i]);
	}
	if (married_son) {
		int age = child_ages[0] - prng_range(r, 0, 4);
		add_member(f, R_CHILD_SPOUSE, 2, age < MIN_MARRIED_AGE ? MIN_MARRIED_AGE : age);
		for (int i = 0; i < grandchildren; i++)
			add_member(f, R_GRANDCHILD, prng_chance(r, 530) ? 1 : 2, grand_ages[i]);
	}
}

/* 与户主关系 (GB/T 4761-2008) of every member: only children 21/31, otherwise 长子
 * 22, 次子 23 ... and 长女 32, 次女 33 ...; 儿媳 38, 孙子 41, 孙女 42, 父亲 51, 母亲 52. */
static void assign_relations(struct family *f)
{
	static const char *const sons[] = {"22", "23", "24", "25", "26"};
	static const char *const daughters[] = {"32", "33", "34", "35", "36"};
	int nchildren = 0, nsons = 0, ndaughters = 0;
	for (int i = 0; i < f->n; i++)
		nchildren += f->m[i].role == R_CHILD;
	for (int i = 0; i < f->n; i++) {
		struct person *p = &f->m[i];
		switch (p->role) {
		case R_HEAD: p->relation = "02"; break;
		case R_SPOUSE: p->relation = "10"; break;
		case R_CHILD_SPOUSE: p->relation = "38"; break;
		case R_GRANDCHILD: p->relation = p->sex == 1 ? "41" : "42"; break;
		case R_PARENT: p->relation = p->sex == 1 ? "51" : "52"; break;
		case R_CHILD:
			if (nchildren == 1)
				p->relation = p->sex == 1 ? "21" : "31";
			else if (p->sex == 1)
				p->relation = nsons < 5 ? sons[nsons++] : "29";
			else
				p->relation = ndaughters < 5 ? daughters[ndaughters++] : "39";
			break;
		}
	}
}

/* An ethnic group as common in the town. */
static enum demo_ethnic town_ethnic(struct demo *dm, const struct demo_town *t)
{
	unsigned total = 0, x;
	for (size_t i = 0; i < 4; i++)
		total += t->ethnic_weight[i];
	x = prng_below(&dm->rng, total);
	for (size_t i = 0; i < 4; i++) {
		if (x < t->ethnic_weight[i])
			return (enum demo_ethnic)i;
		x -= t->ethnic_weight[i];
	}
	return DEMO_HAN;
}

/* The married son living with his wife and children: the first child, when the
 * household has a daughter-in-law. */
static bool is_married_son(const struct family *f, const struct person *p)
{
	if (p->role != R_CHILD)
		return false;
	bool daughter_in_law = false;
	const struct person *first_child = NULL;
	for (int i = 0; i < f->n; i++) {
		if (f->m[i].role == R_CHILD_SPOUSE)
			daughter_in_law = true;
		if (f->m[i].role == R_CHILD && !first_child)
			first_child = &f->m[i];
	}
	return daughter_in_law && p == first_child;
}

/* A spouse's surname: rarely the same as the head's. */
static const char *spouse_surname_for(struct demo *dm, enum demo_ethnic e, const char *head)
{
	const char *s;
	do
		s = demo_surname(&dm->rng, e);
	while (strcmp(s, head) == 0 && !prng_chance(&dm->rng, 50));
	return s;
}

/* Surnames and names: children and grandchildren carry the father's line. One
 * resident in about a thousand (counted over the whole demo from first_index) gets
 * a given name with a character outside GBK: the first member at or after each
 * 997th who is neither a head nor Uyghur, so that every demo has them whatever
 * the day's ages make of its families. */
static void assign_names(struct demo *dm, struct family *f, const struct demo_town *town,
			 bool uyghur, long first_index)
{
	struct prng *r = &dm->rng;
	enum demo_ethnic home = uyghur ? DEMO_UYGHUR : town_ethnic(dm, town);
	enum demo_ethnic spouse_ethnic = home;
	if (!uyghur && prng_chance(r, 200))
		spouse_ethnic = town_ethnic(dm, town);
	const char *head_surname = demo_surname(r, home);
	const char *spouse_surname = spouse_surname_for(dm, spouse_ethnic, head_surname);
	bool has_spouse = f->n > 1 && f->m[1].role == R_SPOUSE;
	/* the family line: the head's surname, or mostly a female head's husband's, who
	 * may have died or left */
	const char *line = f->m[0].sex == 2 && prng_chance(r, has_spouse ? 900 : 800)
		? spouse_surname : head_surname;
	const char *son_gen = prng_chance(r, 400) ? demo_generation_char(r, 1, dm->today_year - 25) : NULL;
	const char *grand_gen = prng_chance(r, 300) ? demo_generation_char(r, 1, dm->today_year - 5) : NULL;
	const char *family_code = demo_ethnic_code(r, home);
	for (int i = 0; i < f->n; i++) {
		struct person *p = &f->m[i];
		int year = dm->today_year - p->age;
		const char *surname = head_surname, *gen = NULL;
		p->ethnic = home;
		p->ethnicity = family_code;
		switch (p->role) {
		case R_HEAD:
			break;
		case R_SPOUSE:
			surname = spouse_surname;
			p->ethnic = spouse_ethnic;
			p->ethnicity = spouse_ethnic == home ? family_code : demo_ethnic_code(r, spouse_ethnic);
			break;
		case R_PARENT:
			surname = p->sex == 1 ? head_surname : spouse_surname_for(dm, home, head_surname);
			break;
		case R_CHILD:
			surname = line;
			gen = p->sex == 1 ? son_gen : NULL;
			break;
		case R_CHILD_SPOUSE:
			surname = spouse_surname_for(dm, home, line);
			break;
		case R_GRANDCHILD:
			surname = line;
			gen = p->sex == 1 ? grand_gen : NULL;
			break;
		}
		if ((first_index + i) % 997 == 13)
			dm->rare_due = true;
		if (dm->rare_due && p->ethnic != DEMO_UYGHUR && p->role != R_HEAD) {
			dm->rare_due = false;
			demo_rare_name(r, surname, p->name, sizeof p->name);
			continue;
		}
		do
			demo_full_name(r, p->ethnic, surname, p->sex, year, gen, p->name, sizeof p->name);
		while (strcmp(p->name, RESERVED_NAME) == 0);
	}
}

/* 学历 (GB/T 4658-2006) by age and birth cohort. */
static const char *education_for(struct demo *dm, const struct person *p)
{
	static const struct demo_weighted before1950[] = {
		{"90", 40}, {"80", 45}, {"70", 12}, {"60", 3},
	};
	static const struct demo_weighted before1970[] = {
		{"90", 8}, {"80", 35}, {"70", 40}, {"60", 12}, {"40", 5},
	};
	static const struct demo_weighted before1990[] = {
		{"80", 15}, {"70", 45}, {"60", 18}, {"40", 10}, {"30", 8}, {"20", 4},
	};
	static const struct demo_weighted later[] = {
		{"70", 25}, {"60", 20}, {"40", 20}, {"30", 20}, {"20", 14}, {"10", 1},
	};
	int year = dm->today_year - p->age;
	if (p->age < 6)
		return NULL;
	if (p->age < 12)
		return "80";
	if (p->age < 15)
		return "70";
	if (p->age < 19)
		return prng_chance(&dm->rng, 650) ? "60" : "40";
	if (year < 1950)
		return demo_pick(&dm->rng, before1950, ARRAY_LEN(before1950));
	if (year < 1970)
		return demo_pick(&dm->rng, before1970, ARRAY_LEN(before1970));
	if (year < 1990)
		return demo_pick(&dm->rng, before1990, ARRAY_LEN(before1990));
	return demo_pick(&dm->rng, later, ARRAY_LEN(later));
}

/* 政治面貌 (GB/T 4762): party members among adults, league members among the young. */
static const char *political_for(struct demo *dm, const struct person *p)
{
	if (p->age < 14)
		return NULL;
	if (p->age <= 28 && prng_chance(&dm->rng, 330))
		return "03";
	if (p->age >= 18) {
		unsigned rate = p->sex == 1 ? (p->age >= 45 ? 110 : 60) : (p->age >= 45 ? 30 : 40);
		if (prng_chance(&dm->rng, rate))
			return prng_chance(&dm->rng, 40) ? "02" : "01";
	}
	return "13";
}

/* 婚姻状况 (GB/T 2261.2): from who is in the household and the person's age. */
static const char *marital_for(struct demo *dm, const struct family *f, const struct person *p)
{
	bool has_spouse = false;
	for (int i = 0; i < f->n; i++)
		if (f->m[i].role == R_SPOUSE)
			has_spouse = true;
	switch (p->role) {
	case R_SPOUSE:
	case R_CHILD_SPOUSE:
		return "20";
	case R_HEAD:
		if (has_spouse)
			return "20";
		if (p->age >= 55)
			return demo_pick(&dm->rng, (const struct demo_weighted[]){
				{"30", 70}, {"40", 10}, {"10", 20}}, 3);
		if (f->n > 1)
			return prng_chance(&dm->rng, 600) ? "40" : "30";
		return prng_chance(&dm->rng, 750) ? "10" : "40";
	case R_PARENT: {
		int parents = 0;
		for (int i = 0; i < f->n; i++)
			parents += f->m[i].role == R_PARENT;
		return parents == 2 ? "20" : "30";
	}
	case R_CHILD:
		if (p->age < 20)
			return "10";
		if (is_married_son(f, p))
			return "20";
		if (p->age >= 30)
			return prng_chance(&dm->rng, 800) ? "20" : "10";
		return prng_chance(&dm->rng, (unsigned)(p->age - 20) * 80) ? "20" : "10";
	case R_GRANDCHILD:
		return p->age >= 22 && prng_chance(&dm->rng, 300) ? "20" : "10";
	}
	return "90";
}

/* A mobile for most adults, fewer among the old, a landline for some of them. */
static void phone_for(struct demo *dm, struct person *p)
{
	unsigned rate = p->age < 14 ? 0 : p->age < 18 ? 400 : p->age < 70 ? 930 : p->age < 80 ? 600 : 250;
	p->phone[0] = '\0';
	if (prng_chance(&dm->rng, rate)) {
		char m[12];
		demo_mobile(&dm->rng, m);
		memcpy(p->phone, m, sizeof m);
	} else if (p->age >= 60 && prng_chance(&dm->rng, 120)) {
		demo_landline(&dm->rng, p->phone);
	}
}

/* Why a resident left the register: who it fits (age at the event, sex 0 = either). */
struct status_reason {
	char status;             /* living_status: '2' 迁出, '3' 死亡, '4' 注销 */
	const char *text;
	int min_age, max_age, sex;
};

static const struct status_reason status_reasons[] = {
	{'3', "病故", 40, 120, 0},
	{'3', "因病去世", 0, 120, 0},
	{'3', "自然死亡", 75, 120, 0},
	{'3', "意外身故", 0, 120, 0},
	{'3', "因病医治无效去世", 30, 120, 0},
	{'2', "迁往贵阳市南明区", 16, 120, 0},
	{'2', "迁往贵阳市观山湖区", 16, 120, 0},
	{'2', "迁往广东省东莞市", 18, 60, 0},
	{'2', "考入贵州大学，户口迁出", 18, 24, 0},
	{'2', "参军入伍", 18, 24, 1},
	{'2', "婚迁至遵义市红花岗区", 20, 45, 2},
	{'2', "婚迁至安顺市西秀区", 20, 45, 2},
	{'2', "投靠子女迁往贵阳市云岩区", 60, 120, 0},
	{'4', "重复登记，予以注销", 0, 120, 0},
	{'4', "出国定居", 18, 70, 0},
};

/* A reason for status that fits the person, or NULL when none does. */
static const struct status_reason *pick_reason(struct demo *dm, const struct person *p, char status)
{
	const struct status_reason *fit[ARRAY_LEN(status_reasons)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(status_reasons); i++) {
		const struct status_reason *sr = &status_reasons[i];
		if (sr->status == status && p->age >= sr->min_age && p->age <= sr->max_age &&
		    (sr->sex == 0 || sr->sex == p->sex))
			fit[n++] = sr;
	}
	return n ? fit[prng_below(&dm->rng, (uint32_t)n)] : NULL;
}

/* 迁出, 死亡 and 注销 among the members other than the head, with a date within the
 * last six years at which the person was old enough for the reason. */
static void living_status_for(struct demo *dm, struct person *p)
{
	struct prng *r = &dm->rng;
	p->living = "1";
	if (p->role == R_HEAD)
		return;
	unsigned die = p->age >= 80 ? 120 : p->age >= 65 ? 40 : 3;
	unsigned move = p->age < 16 ? 0 : p->role == R_CHILD && p->age <= 35 ? 90 : 8;
	char status;
	if (prng_chance(r, die))
		status = '3';
	else if (prng_chance(r, move))
		status = '2';
	else if (prng_chance(r, 1))
		status = '4';
	else
		return;
	const struct status_reason *sr = pick_reason(dm, p, status);
	if (!sr)
		return;
	p->living = status == '2' ? "2" : status == '3' ? "3" : "4";
	int latest_back = (p->age - sr->min_age) * 365;
	if (latest_back > 6 * 365)
		latest_back = 6 * 365;
	int day = dm->today - 1 - (latest_back > 0 ? (int)prng_below(r, (uint32_t)latest_back) : 0);
	if (day <= p->birth)
		day = p->birth + (dm->today - p->birth) / 2;
	format_day(day, p->status_date);
	p->status_reason = sr->text;
}

static void add_tag(struct person *p, const char *code)
{
	size_t len = strlen(p->tags);
	snprintf(p->tags + len, sizeof p->tags - len, "%s%s", len ? "," : "", code);
}

/* 重点人群 tags (forms/codes/tags.codes) at the rates of a Guizhou village. */
static void tags_for(struct demo *dm, const struct family *f, struct person *p)
{
	struct prng *r = &dm->rng;
	p->tags[0] = '\0';
	if (strcmp(p->living, "1") != 0)
		return;
	bool all_old = true, son_away = false, mother_away = false;
	for (int i = 0; i < f->n; i++) {
		all_old = all_old && f->m[i].age >= 60;
		son_away = son_away || (f->m[i].away && is_married_son(f, &f->m[i]));
		mother_away = mother_away || (f->m[i].away && f->m[i].role == R_CHILD_SPOUSE);
	}
	if (f->poor)
		add_tag(p, "dibao");
	if (f->n == 1 && p->age >= 60 && strcmp(p->marital, "10") == 0 && prng_chance(r, 400))
		add_tag(p, "tekun");
	if (f->lifted)
		add_tag(p, "tuopin");
	if (f->watched)
		add_tag(p, "jiance");
	if (prng_chance(r, p->age >= 60 ? 90 : 35))
		add_tag(p, "disabled");
	if (p->role == R_GRANDCHILD && p->age < 16 && son_away && mother_away)
		add_tag(p, "leftchild");
	if (all_old && f->n == 2)
		add_tag(p, "emptynest");
	if (all_old && f->n == 1)
		add_tag(p, "alone");
	if (p->age >= 80)
		add_tag(p, "aged");
	if (p->sex == 1 && p->age >= 25 && p->age <= 75 && prng_chance(r, 25))
		add_tag(p, "veteran");
	if (p->political && (strcmp(p->political, "01") == 0 || strcmp(p->political, "02") == 0))
		add_tag(p, "party");
	if (strcmp(p->residence, "3") == 0)
		add_tag(p, "floating");
}

static const char *const away_notes[] = {
	"外出务工（广东东莞）", "外出务工（浙江宁波）", "外出务工（福建晋江）", "在贵阳市区务工",
	"外出务工（江苏苏州）",
};

/* Everything about the members that is not their place in the family. */
static void fill_members(struct demo *dm, struct family *f)
{
	struct prng *r = &dm->rng;
	/* a young couple working away leaves the grandchildren with the head */
	bool away = false;
	for (int i = 0; i < f->n; i++)
		if (f->m[i].role == R_CHILD_SPOUSE)
			away = prng_chance(r, 350);
	for (int i = 0; i < f->n; i++) {
		struct person *p = &f->m[i];
		p->birth = birth_for_age(dm, p->age);
		p->residence = f->residence;
		p->away = away && (p->role == R_CHILD_SPOUSE || is_married_son(f, p));
		if (!p->away && p->age >= 18 && p->age <= 50 && p->role != R_HEAD && prng_chance(r, 60))
			p->away = true;  /* working away, no children left behind */
		p->notes = p->away ? away_notes[prng_below(r, ARRAY_LEN(away_notes))] : NULL;
		const char *region = "520111";
		if (p->ethnic == DEMO_UYGHUR)
			region = p->role == R_HEAD || prng_chance(r, 500) ? "653101" : "650104";
		else if (strcmp(f->residence, "1") != 0 ||
		    ((p->role == R_SPOUSE || p->role == R_CHILD_SPOUSE) && prng_chance(r, 250)))
			region = demo_other_region(r);
		make_id_number(dm, p, region);
		p->age = age_at(p->birth, dm->today);
		p->education = education_for(dm, p);
		p->political = political_for(dm, p);
		p->marital = marital_for(dm, f, p);
		phone_for(dm, p);
		living_status_for(dm, p);
		tags_for(dm, f, p);
	}
}

/* Where households are being added: one village, its groups and grids. */
struct place {
	const struct demo_village *village;
	const struct demo_town *town;
	int64_t *grids;
	int ngrids;
	int ngroups;
	int group;           /* 村民小组, from 1 */
	int house;           /* house number in the group */
	int group_size;      /* households in the current group */
	long households;     /* made so far, for 户号 */
	long expected;       /* households the village will have, about */
};

/* Inserts one row through the store; values are text, NULL for none. */
static int insert_row(struct demo *dm, const char *table, const struct store_field *f,
		      size_t n, int64_t *id, char **err)
{
	return store_insert(dm->st, table, f, n, id, err);
}

/* Inserts one row of the bulk load (inside store_bulk_begin/end, which audits the
 * load as one entry per table). The statement is prepared on first use from the
 * columns of f, which are the same constant list on every call for a table. */
static int bulk_row(struct demo *dm, sqlite3_stmt **stmt, const char *table,
		    const struct store_field *f, size_t n, char **err)
{
	if (!*stmt) {
		struct strbuf sql = {0}, vals = {0};
		sb_appendf(&sql, "INSERT INTO %s (", table);
		for (size_t i = 0; i < n; i++) {
			sb_appendf(&sql, "%s, ", f[i].column);
			sb_appendf(&vals, "?%zu, ", i + 1);
		}
		sb_appendf(&sql, "created_at, updated_at) VALUES (%s?%zu, ?%zu)", vals.s, n + 1, n + 1);
		int rc = sqlite3_prepare_v2(dm->db, sql.s, -1, stmt, NULL);
		sb_free(&sql);
		sb_free(&vals);
		if (rc != SQLITE_OK)
			goto fail;
	}
	for (size_t i = 0; i < n; i++)
		sqlite3_bind_text(*stmt, (int)i + 1, f[i].value, -1, SQLITE_STATIC);
	sqlite3_bind_text(*stmt, (int)n + 1, dm->now, -1, SQLITE_STATIC);
	if (sqlite3_step(*stmt) != SQLITE_DONE) {
		sqlite3_reset(*stmt);
		goto fail;
	}
	sqlite3_reset(*stmt);
	return 0;
fail:
	if (err)
		*err = xasprintf("%s: %s", table, sqlite3_errmsg(dm->db));
	return -1;
}

static int insert_towns(struct demo *dm, int64_t *town_ids, char **err)
{
	for (size_t i = 0; i < dm->ntowns; i++) {
		const struct store_field f[] = {
			{"code", dm->towns[i].code}, {"name", dm->towns[i].name},
		};
		if (insert_row(dm, "town", f, ARRAY_LEN(f), &town_ids[i], err) != 0)
			return -1;
	}
	return 0;
}

/* The grids of a village, each with one or two grid workers (网格员). */
static int insert_grids(struct demo *dm, struct place *pl, int64_t village_id, char **err)
{
	struct prng *r = &dm->rng;
	for (int g = 0; g < pl->ngrids; g++) {
		char code[16], name[96];
		snprintf(code, sizeof code, "%02d", g + 1);
		snprintf(name, sizeof name, "%s第%d网格", pl->village->name, g + 1);
		const struct store_field f[] = {
			{"village_id", NULL}, {"code", code}, {"name", name},
		};
		char vid[24];
		snprintf(vid, sizeof vid, "%lld", (long long)village_id);
		struct store_field ff[ARRAY_LEN(f)];
		memcpy(ff, f, sizeof f);
		ff[0].value = vid;
		if (insert_row(dm, "grid", ff, ARRAY_LEN(ff), &pl->grids[g], err) != 0)
			return -1;
		int workers = prng_chance(r, 300) ? 2 : 1;
		for (int w = 0; w < workers; w++) {
			int sex = prng_chance(r, 550) ? 2 : 1;
			enum demo_ethnic e = town_ethnic(dm, pl->town);
			char worker[80], phone[12], gid[24];
			do
				demo_full_name(r, e, demo_surname(r, e), sex,
					       dm->today_year - prng_range(r, 25, 55), NULL,
					       worker, sizeof worker);
			while (strcmp(worker, RESERVED_NAME) == 0);
			demo_mobile(r, phone);
			snprintf(gid, sizeof gid, "%lld", (long long)pl->grids[g]);
			/* the declared register grid_staff's table (made by the schema): the
			 * demo of the grid registers (demo-grid.c) names a 网格长 among them */
			const struct store_field wf[] = {
				{"grid_id", gid}, {"role", "2"}, {"name", worker}, {"phone", phone},
				{"active", w == 1 && prng_chance(r, 200) ? "0" : "1"},
			};
			if (insert_row(dm, "ledger_grid_staff", wf, ARRAY_LEN(wf), NULL, err) != 0)
				return -1;
		}
	}
	return 0;
}

/* The village's 村民小组, 1组 to N组, which its households are spread over. */
static int insert_groups(struct demo *dm, const struct place *pl, int64_t village_id, char **err)
{
	char vid[24];
	snprintf(vid, sizeof vid, "%lld", (long long)village_id);
	for (int g = 1; g <= pl->ngroups; g++) {
		char name[16], sort[16];
		snprintf(name, sizeof name, "%d组", g);
		snprintf(sort, sizeof sort, "%d", g);
		const struct store_field f[] = { {"village_id", vid}, {"name", name}, {"sort", sort}, {"active", "1"} };
		if (insert_row(dm, "village_group", f, ARRAY_LEN(f), NULL, err) != 0)
			return -1;
	}
	return 0;
}

/* Sets up a village: its row, its groups and its grids. */
static int open_village(struct demo *dm, struct place *pl, size_t index,
			const int64_t *town_ids, long quota, char **err)
{
	memset(pl, 0, sizeof *pl);
	pl->village = &dm->villages[index];
	pl->town = &dm->towns[pl->village->town];
	pl->expected = quota * 100 / 325 + 1;
	pl->ngroups = (int)(pl->expected / 45);
	pl->ngroups = pl->ngroups < 3 ? 3 : pl->ngroups > 40 ? 40 : pl->ngroups;
	pl->ngrids = (int)(pl->expected / 250);
	pl->ngrids = pl->ngrids < 2 ? 2 : pl->ngrids;
	pl->grids = xcalloc((size_t)pl->ngrids, sizeof *pl->grids);
	char code[16], tid[24];
	snprintf(code, sizeof code, "%s%s", pl->town->code, pl->village->code3);
	snprintf(tid, sizeof tid, "%lld", (long long)town_ids[pl->village->town]);
	const struct store_field f[] = {
		{"town_id", tid}, {"code", code}, {"name", pl->village->name},
	};
	int64_t village_id;
	if (insert_row(dm, "village", f, ARRAY_LEN(f), &village_id, err) != 0 ||
	    insert_groups(dm, pl, village_id, err) != 0)
		return -1;
	return insert_grids(dm, pl, village_id, err);
}

/* Moves to the next house, and to the next 村民小组 when the group is full. */
static void next_house(struct demo *dm, struct place *pl)
{
	long per_group = pl->expected / pl->ngroups + 1;
	if (pl->group == 0 || (pl->house >= pl->group_size && pl->group < pl->ngroups)) {
		pl->group++;
		pl->house = 0;
		pl->group_size = (int)(per_group * prng_range(&dm->rng, 85, 115) / 100) + 1;
	}
	pl->house++;
	pl->households++;
}

static void id_text(char out[24], int64_t id)
{
	snprintf(out, 24, "%lld", (long long)id);
}

/* Writes one resident; household_id and the person's own id are fixed here. */
static int insert_person(struct demo *dm, const struct person *p, int64_t id,
			 int64_t household_id, char **err)
{
	char rid[24], hid[24], birth[11];
	id_text(rid, id);
	id_text(hid, household_id);
	format_day(p->birth, birth);
	const struct store_field f[] = {
		{"id", rid}, {"name", p->name}, {"sex", p->sex == 1 ? "1" : "2"},
		{"birth_date", birth}, {"id_number", p->id_number}, {"ethnicity", p->ethnicity},
		{"household_id", hid}, {"relation", p->relation},
		{"phone", p->phone[0] ? p->phone : NULL}, {"political", p->political},
		{"education", p->education}, {"marital", p->marital},
		{"residence", p->residence}, {"living_status", p->living},
		{"status_date", p->status_date[0] ? p->status_date : NULL},
		{"status_reason", p->status_reason}, {"tags", p->tags[0] ? p->tags : NULL},
		{"notes", p->notes}, {"form_version", "1"},
	};
	return bulk_row(dm, &dm->ins_resident, "resident", f, ARRAY_LEN(f), err);
}

/* Builds one household of `size` members and writes it with its members. */
static int add_household(struct demo *dm, struct place *pl, int size, char **err)
{
	struct prng *r = &dm->rng;
	struct family fam;
	memset(&fam, 0, sizeof fam);
	build_family(dm, &fam, size);
	assign_relations(&fam);
	/* one household in five hundred: a family of 流动人口 from Xinjiang */
	bool uyghur = dm->household_count % 500 == 250;
	fam.residence = uyghur ? "3" : demo_pick(r, (const struct demo_weighted[]){
		{"1", 940}, {"2", 30}, {"3", 30}}, 3);
	fam.poor = prng_chance(r, 40);
	fam.lifted = prng_chance(r, 80);
	fam.watched = prng_chance(r, fam.lifted ? 120 : 6);
	assign_names(dm, &fam, pl->town, uyghur, dm->made);
	fill_members(dm, &fam);
	next_house(dm, pl);

	int64_t hid = dm->next_household++;
	int64_t head = dm->next_resident;
	char hh_no[32], address[160], group[16], hid_s[24], head_s[24], grid_s[24];
	snprintf(hh_no, sizeof hh_no, "%s%s%04ld", pl->town->code + 6, pl->village->code3,
		 pl->households);
	snprintf(group, sizeof group, "%d组", pl->group);
	snprintf(address, sizeof address, "%s%s%s%d号", pl->town->name, pl->village->name,
		 group, pl->house);
	int grid = (pl->group - 1) * pl->ngrids / pl->ngroups;
	id_text(hid_s, hid);
	id_text(head_s, head);
	id_text(grid_s, pl->grids[grid < pl->ngrids ? grid : pl->ngrids - 1]);
	const struct store_field f[] = {
		{"id", hid_s}, {"hh_no", hh_no}, {"address", address}, {"grid_id", grid_s},
		{"head_id", head_s}, {"village_group", group}, {"form_version", "1"},
	};
	if (bulk_row(dm, &dm->ins_household, "household", f, ARRAY_LEN(f), err) != 0)
		return -1;
	for (int i = 0; i < fam.n; i++)
		if (insert_person(dm, &fam.m[i], dm->next_resident++, hid, err) != 0)
			return -1;
	dm->made += fam.n;
	dm->household_count++;
	return 0;
}

/* Residents of one village, up to quota. */
static int fill_village(struct demo *dm, struct place *pl, long quota, char **err)
{
	long made = 0;
	while (made < quota) {
		int size = household_size(dm);
		if (size > quota - made)
			size = (int)(quota - made);
		long before = dm->made;
		if (add_household(dm, pl, size, err) != 0)
			return -1;
		made += dm->made - before;
		if (dm->verbose && dm->made / 100000 != before / 100000)
			fprintf(stderr, _("  %ld residents...\n"), dm->made / 100000 * 100000);
	}
	return 0;
}

/* One value of a query that returns a single integer, or -1. */
static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* How many villages the residents are spread over: a village holds a few thousand
 * people, so 2,000 residents make one village and a million the whole district. */
static size_t village_count_for(long residents)
{
	size_t n = (size_t)((residents + 7999) / 8000);
	return n < 1 ? 1 : n > demo_village_count ? demo_village_count : n;
}

static int create_places(struct demo *dm, struct place *places, size_t nvillages,
			 const long *quotas, char **err)
{
	int64_t town_ids[16];
	if (store_begin(dm->st, err) != 0)
		return -1;
	if (insert_towns(dm, town_ids, err) != 0)
		goto fail;
	for (size_t v = 0; v < nvillages; v++)
		if (open_village(dm, &places[v], v, town_ids, quotas[v], err) != 0)
			goto fail;
	return store_commit(dm->st, err);
fail:
	store_rollback(dm->st);
	return -1;
}

static int create_people(struct demo *dm, struct place *places, size_t nvillages,
			 const long *quotas, char **err)
{
	if (store_bulk_begin(dm->st, _("demo register"), 0, err) != 0)
		return -1;
	dm->next_household = query_int(dm->db, "SELECT coalesce(max(id), 0) + 1 FROM household");
	dm->next_resident = query_int(dm->db, "SELECT coalesce(max(id), 0) + 1 FROM resident");
	for (size_t v = 0; v < nvillages; v++) {
		if (fill_village(dm, &places[v], quotas[v], err) != 0) {
			store_rollback(dm->st);
			return -1;
		}
	}
	if (dm->verbose)
		fprintf(stderr, "%s\n", _("  filling the search index..."));
	return store_bulk_end(dm->st, err);
}

/* What a demo makes: its towns, its villages and how their ID numbers are given. */
struct demo_plan {
	const struct demo_town *towns;
	size_t ntowns;
	const struct demo_village *villages;
	size_t nvillages;
	int id_block;  /* -1: sequences shared by the register's villages */
	bool township; /* service requests in every village, not only the first */
};

static int demo_run(struct store *st, long residents, unsigned seed, int verbose,
		    const struct demo_plan *plan, char **err);

int demo_create(struct store *st, long residents, unsigned seed, int verbose, char **err)
{
	if (residents < 1 || residents > 1000000) {
		if (err)
			*err = xstrdup(_("the demo holds between 1 and 1,000,000 residents"));
		return -1;
	}
	const struct demo_plan plan = { demo_towns, demo_town_count, demo_villages,
					village_count_for(residents), -1, false };
	return demo_run(st, residents, seed, verbose, &plan, err);
}

int demo_create_villages(struct store *st, long villages, long per_village, unsigned seed,
			 int verbose, char **err)
{
	if (villages < 1 || (size_t)villages > demo_village_count || per_village < 1 ||
	    villages * per_village > 1000000) {
		if (err)
			*err = xasprintf(_("a township demo holds 1 to %zu villages and at most 1,000,000 residents"),
					 demo_village_count);
		return -1;
	}
	const struct demo_plan plan = { demo_towns, demo_town_count, demo_villages, (size_t)villages, -1, true };
	return demo_run(st, villages * per_village, seed, verbose, &plan, err);
}

int demo_create_village(struct store *st, const char *code, const char *name, long residents,
			unsigned seed, int verbose, char **err)
{
	if (!village_code_ok(code, 12) || !name || !*name) {
		if (err)
			*err = xasprintf(_("%s is not a village code: 12 digits, the town's 9 (GB/T 2260 and town) and the village's 3"),
					 code ? code : "");
		return -1;
	}
	if (residents < 1 || residents > 100000) {
		if (err)
			*err = xstrdup(_("a village demo holds between 1 and 100,000 residents"));
		return -1;
	}
	char town_code[10];
	memcpy(town_code, code, 9);
	town_code[9] = '\0';
	struct demo_town town = { town_code, town_code, {70, 10, 18, 2} };
	for (size_t i = 0; i < demo_town_count; i++)
		if (strcmp(demo_towns[i].code, town_code) == 0)
			town = demo_towns[i];
	const struct demo_village village = { 0, code + 9, name };
	/* the block of ID sequences and the seed come from the village's own code, so two
	 * villages of one township differ in names, numbers and ID numbers */
	unsigned long long n = strtoull(code, NULL, 10);
	const struct demo_plan plan = { &town, 1, &village, 1, (int)(strtoul(code + 9, NULL, 10) % DEMO_ID_BLOCKS), false };
	return demo_run(st, residents, seed ^ (unsigned)(n * 2654435761ULL >> 7), verbose, &plan, err);
}

/* The declared registers' year, in one transaction (the file synced once, not at
 * each of some 3,000 saves) and with each form's rules prepared once: each record is
 * still saved through the engine, numbered, checked and audited. */
static int demo_registers(struct store *st, unsigned seed, const char *today, char **err)
{
	if (store_begin(st, err) != 0)
		return -1;
	ledger_keep_evaluators(st, true);
	int rc = demo_grid(st, seed, today, err);            /* 网格与联户: staff, 联户群, visits, events */
	rc = rc ? rc : demo_banquet(st, seed, today, err);     /* 红白理事会: 村规民约, declarations */
	rc = rc ? rc : demo_homestead(st, seed, today, err);   /* 宅基地审批 */
	rc = rc ? rc : demo_steward(st, seed, today, err);     /* 村寨管家 and 垃圾分类 */
	rc = rc ? rc : demo_practice(st, seed, today, err);    /* 文明实践 and its points */
	ledger_keep_evaluators(st, false);
	if (rc == 0)
		return store_commit(st, err);
	store_rollback(st);
	return -1;
}

/* Makes the plan's places and people, then the cases, requests and star rounds. */
static int demo_run(struct store *st, long residents, unsigned seed, int verbose,
		    const struct demo_plan *plan, char **err)
{
	struct demo dm = {.st = st, .db = store_db(st), .verbose = verbose, .id_block = plan->id_block,
			  .towns = plan->towns, .ntowns = plan->ntowns, .villages = plan->villages};
	if (query_int(dm.db, "SELECT count(*) FROM resident") != 0 ||
	    query_int(dm.db, "SELECT count(*) FROM town") != 0) {
		if (err)
			*err = xstrdup(_("the database is not empty: the demo needs a new one"));
		return -1;
	}
	char today[11];
	int y, m, d;
	store_today(today);
	sscanf(today, "%d-%d-%d", &y, &m, &d);
	dm.today = civil_to_days(y, m, d);
	dm.today_year = y;
	prng_seed(&dm.rng, seed);
	dm.seed_mix = prng_next(&dm.rng);
	store_now(dm.now);
	dm.seq_used = xcalloc(ID_DAYS * 2, 1);

	size_t nvillages = plan->nvillages;
	struct place *places = xcalloc(nvillages, sizeof *places);
	long *quotas = xcalloc(nvillages, sizeof *quotas);
	for (size_t v = 0; v < nvillages; v++)
		quotas[v] = residents / (long)nvillages + ((long)v < residents % (long)nvillages);

	/* a 256 MiB page cache for the load: the indexes stay in memory instead of
	 * spilling to the WAL and being read back */
	int64_t cache = query_int(dm.db, "PRAGMA cache_size");
	sqlite3_exec(dm.db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
	/* the administrator first: every demo row is then written, and audited, by it */
	int rc = auth_demo_operators(st, err);  /* admin / demo */
	rc = rc ? rc : create_places(&dm, places, nvillages, quotas, err);
	rc = rc ? rc : create_people(&dm, places, nvillages, quotas, err);
	rc = rc ? rc : dispute_demo_create(st, seed, err);  /* 人民调解 cases */
	rc = rc ? rc : plan->township ? service_demo_every_village(st, seed, err)  /* 便民服务 requests */
		: service_demo(st, seed, 0, err);
	rc = rc ? rc : stars_demo(st, seed, today, err);  /* 星级文明户: last year's round and this year's */
	rc = rc ? rc : demo_registers(st, seed, today, err);
	char *restore = xasprintf("PRAGMA cache_size = %lld", (long long)cache);
	sqlite3_exec(dm.db, restore, NULL, NULL, NULL);
	sqlite3_exec(dm.db, "PRAGMA shrink_memory", NULL, NULL, NULL);
	free(restore);
	for (size_t v = 0; v < nvillages; v++)
		free(places[v].grids);
	free(places);
	free(quotas);
	free(dm.seq_used);
	sqlite3_finalize(dm.ins_household);
	sqlite3_finalize(dm.ins_resident);
	return rc;
}
