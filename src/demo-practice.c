/* demo-practice: the demo village's 文明实践 (forms/registers/practice_*.register): an
 * activity a month with its participants and volunteer hours (their households' points
 * for taking part, and for the demo's 垃圾分类 rounds sorted right, are earned by the
 * declaration's [earn] sections as each is saved), and quarterly redemptions at the 积分超市 that the engine checks against each
 * balance. Written through the register engine, dated by its clock; deterministic
 * for a seed. A register left out of the forms is skipped. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "prng.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

#define PARTICIPANTS 8

static const char *const topics[][3] = {
	/* kind, topic, place */
	{ "1", "学习党的二十届三中全会精神宣讲", "村委会会议室" },
	{ "2", "红白喜事简办倡议", "文化广场" },
	{ "3", "关爱留守老人志愿服务", "各组农户家中" },
	{ "4", "村寨篮球赛", "村篮球场" },
	{ "5", "防范电信诈骗讲座", "新时代文明实践站" },
	{ "6", "河道和寨内卫生大扫除", "寨内主干道" },
};

static const char *num(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

/* The activities, one on the 10th of each of the last twelve months, each with
 * PARTICIPANTS residents. */
static int make_activities(struct store *st, unsigned seed, const char *today, char **err)
{
	const struct ledger_set *s = ledger_set_default();
	size_t nres;
	int64_t *res = rowset_ids(st, &nres, "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id"
				  " JOIN grid g ON g.id = h.grid_id WHERE g.village_id = (SELECT min(id) FROM village)"
				  " AND r.living_status = '1' ORDER BY r.id LIMIT 120", NULL);
	int rc = 0;
	char a[24], b[24], day[11], hours[8];
	for (int back = 11; back >= 0 && rc == 0 && nres; back--) {
		struct prng rng;
		prng_seed(&rng, ((uint64_t)seed << 32) ^ 0x9e37u ^ (uint64_t)back);
		const char *const *t = topics[(size_t)(11 - back) % ARRAY_LEN(topics)];
		demo_ledger_month_day(st, today, back, 10, day);
		if (strcmp(day, today) > 0)
			break;   /* not yet */
		int64_t act = 0;
		act = demo_ledger_add(st, ledger_find(s, "practice_activity"), day, (const char *const[]){ "date", day, "kind", t[0], "topic", t[1], "place", t[2], "organiser_id", num(a, res[0]), "points", "5", NULL }, err);
		rc = act < 0 ? -1 : 0;
		size_t first = prng_below(&rng, (uint32_t)nres);
		for (size_t k = 0; k < PARTICIPANTS && k < nres && rc == 0; k++) {
			int64_t who = res[(first + k) % nres];   /* distinct while k < nres */
			snprintf(hours, sizeof hours, "%d.%d", prng_range(&rng, 1, 4), prng_chance(&rng, 500) ? 5 : 0);
			/* the household's points follow from the declaration (practice_points' [earn]) */
			rc = demo_ledger_add(st, ledger_find(s, "practice_participant"), day, (const char *const[]){ "activity_id", num(a, act), "resident_id", num(b, who), "hours", hours, NULL }, err) < 0 ? -1 : 0;
		}
	}
	free(res);
	return rc;
}

/* Redemptions on the 25th of every third month: a household with 10 points or more
 * spends some of them, never more than it has (the engine would refuse it). */
static int make_redemptions(struct store *st, unsigned seed, const char *today, char **err)
{
	static const char *const goods[] = { "食用油一桶", "洗衣粉两袋", "大米十斤", "毛巾两条" };
	const struct ledger_def *d = ledger_find(ledger_set_default(), "practice_points");
	int rc = 0;
	char day[11], pts[16];
	for (int back = 9; back >= 0 && rc == 0; back -= 3) {
		demo_ledger_month_day(st, today, back, 25, day);
		if (strcmp(day, today) > 0)
			break;   /* not yet */
		struct rowset r = { 0 };
		if (rowset_select(st, &r, err, "SELECT household_id, sum(CASE source WHEN '9' THEN -points ELSE points END)"
				  " FROM ledger_practice_points WHERE date <= ?1 GROUP BY 1 HAVING sum(CASE source WHEN '9' THEN -points ELSE points END) >= 10 ORDER BY 1",
				  "t", day) != 0)
			return -1;
		for (size_t i = 0; i < r.n && rc == 0; i++) {
			struct prng rng;
			prng_seed(&rng, ((uint64_t)seed << 32) ^ ((uint64_t)rowset_int(&r, i, 0) << 6) ^ (uint64_t)back);
			int64_t balance = rowset_int(&r, i, 1);
			if (balance < 10 || !prng_chance(&rng, 600))
				continue;
			snprintf(pts, sizeof pts, "%d", prng_range(&rng, 5, balance > 20 ? 20 : (int)balance));
			rc = demo_ledger_add(st, d, day, (const char *const[]){ "date", day, "household_id", rowset_text(&r, i, 0), "source", "9", "points", pts, "item", goods[prng_below(&rng, 4)], NULL }, err) < 0 ? -1 : 0;
		}
		rowset_free(&r);
	}
	return rc;
}

int demo_practice(struct store *st, unsigned seed, const char *today, char **err)
{
	const struct ledger_set *s = ledger_set_default();
	if (!ledger_find(s, "practice_activity") || !ledger_find(s, "practice_participant") ||
	    !ledger_find(s, "practice_points"))
		return 0;
	int rc = store_begin(st, err);
	rc = rc ? rc : make_activities(st, seed, today, err);
	rc = rc ? rc : make_redemptions(st, seed, today, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	return rc;
}
