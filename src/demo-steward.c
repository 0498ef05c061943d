/* demo-steward: the demo village's 村寨管家 (forms/registers/steward_*.register,
 * waste_*.register): five teams, two stewards each, the households they serve, a
 * year of 垃圾分类 rounds on the 1st and 15th of each month and two yearly 知晓率
 * surveys, written through the register engine (audited, numbered, dated by its
 * clock). Deterministic for a seed. A register left out of the forms is skipped. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "prng.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

/* Households served and rounds: the first of the village, so `shanzhi demo` stays fast. */
#define SERVED 30
#define TEAMS 5
#define STEWARDS_PER_TEAM 2

/* "%lld" of an id, in buf. */
static const char *num(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

static const char *const team_names[TEAMS] = { "村干部管家队", "党员先锋队", "乡贤寨老队",
					       "环卫保洁队", "工匠服务队" };

/* The teams, their stewards (adults of the village) and the households they serve;
 * each household's steward member id into member_of[i]. */
static int make_teams(struct store *st, const char *start, const int64_t *hh, size_t nhh,
		      int64_t *member_of, char **err)
{
	const struct ledger_set *s = ledger_set_default();
	size_t nres;
	int64_t *res = rowset_ids(st, &nres, "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id"
				  " JOIN grid g ON g.id = h.grid_id WHERE g.village_id = (SELECT min(id) FROM village)"
				  " AND r.living_status = '1' AND r.birth_date <= date(?1, '-25 years')"
				  " ORDER BY r.id LIMIT ?2", "tl", start, (int64_t)(TEAMS * STEWARDS_PER_TEAM));
	int64_t members[TEAMS * STEWARDS_PER_TEAM] = { 0 };
	int rc = 0;
	char a[24], b[24], kind[2];
	for (size_t t = 0; t < TEAMS && rc == 0 && nres; t++) {
		int64_t team = 0;
		snprintf(kind, sizeof kind, "%zu", t + 1);
		team = demo_ledger_add(st, ledger_find(s, "steward_team"), start, (const char *const[]){ "name", team_names[t], "kind", kind, "leader_id", num(a, res[(t * STEWARDS_PER_TEAM) % nres]), NULL }, err);
		rc = team < 0 ? -1 : 0;
		for (size_t m = 0; m < STEWARDS_PER_TEAM && rc == 0; m++) {
			size_t k = t * STEWARDS_PER_TEAM + m;
			if (k >= nres)
				break;
			members[k] = demo_ledger_add(st, ledger_find(s, "steward_member"), start, (const char *const[]){ "team_id", num(a, team), "resident_id", num(b, res[k]), "joined", start, NULL }, err);
			rc = members[k] < 0 ? -1 : 0;
		}
	}
	size_t nmembers = nres < TEAMS * STEWARDS_PER_TEAM ? nres : TEAMS * STEWARDS_PER_TEAM;
	for (size_t i = 0; i < nhh && rc == 0 && nmembers; i++) {
		member_of[i] = members[i % nmembers];
		rc = demo_ledger_add(st, ledger_find(s, "steward_serve"), start, (const char *const[]){ "member_id", num(a, member_of[i]), "household_id", num(b, hh[i]), NULL }, err) < 0 ? -1 : 0;
	}
	free(res);
	return rc;
}

/* Rounds on the 1st and 15th of the last twelve months: households learn, so the
 * accuracy climbs from about 80 % towards the 95 % line. */
static int make_rounds(struct store *st, unsigned seed, const char *today, const int64_t *hh, size_t nhh,
		       char **err)
{
	const struct ledger_def *d = ledger_find(ledger_set_default(), "waste_round");
	static const char *const kinds[] = { "1", "1,4", "1,2,4", "2,4", "1,3,4" };
	int rc = 0;
	char a[24], day[11];
	for (int back = 11; back >= 0 && rc == 0; back--) {
		for (int half = 0; half < 2 && rc == 0; half++) {
			demo_ledger_month_day(st, today, back, half ? 15 : 1, day);
			if (strcmp(day, today) > 0)
				break;   /* not yet */
			for (size_t i = 0; i < nhh && rc == 0; i++) {
				struct prng rng;
				prng_seed(&rng, ((uint64_t)seed << 32) ^ ((uint64_t)hh[i] << 8) ^ (uint64_t)(back * 2 + half));
				bool out = prng_chance(&rng, 900);
				bool sorted = out && prng_chance(&rng, (unsigned)(800 + (11 - back) * 15));
				rc = demo_ledger_add(st, d, day, (const char *const[]){ "date", day, "household_id", num(a, hh[i]), "put_out", out ? "1" : "0", "sorted", out ? (sorted ? "1" : "0") : NULL, "kinds", out ? kinds[prng_below(&rng, 5)] : NULL, NULL }, err) < 0 ? -1 : 0;
			}
		}
	}
	return rc;
}

/* The 知晓率 surveys of last year and this year (most households know by now). */
static int make_surveys(struct store *st, unsigned seed, const char *today, const int64_t *hh, size_t nhh,
			char **err)
{
	const struct ledger_def *d = ledger_find(ledger_set_default(), "waste_survey");
	int year = atoi(today);
	int rc = 0;
	char a[24], y[8], day[11];
	for (int k = 1; k >= 0 && rc == 0; k--) {
		snprintf(y, sizeof y, "%d", year - k);
		demo_ledger_month_day(st, today, k ? 12 : 0, 1, day);
		for (size_t i = 0; i < nhh && rc == 0; i++) {
			struct prng rng;
			prng_seed(&rng, ((uint64_t)seed << 32) ^ ((uint64_t)hh[i] << 4) ^ (uint64_t)(year - k));
			bool knows = prng_chance(&rng, k ? 820 : 960);
			rc = demo_ledger_add(st, d, day, (const char *const[]){ "year", y, "household_id", num(a, hh[i]), "knows", knows ? "1" : "0", NULL }, err) < 0 ? -1 : 0;
		}
	}
	return rc;
}

int demo_steward(struct store *st, unsigned seed, const char *today, char **err)
{
	const struct ledger_set *s = ledger_set_default();
	static const char *const need[] = { "steward_team", "steward_member", "steward_serve", "waste_round",
					    "waste_survey" };
	for (size_t i = 0; i < ARRAY_LEN(need); i++)
		if (!ledger_find(s, need[i]))
			return 0;
	size_t nhh;
	int64_t *hh = demo_ledger_households(st, SERVED, &nhh);
	int64_t *member_of = xcalloc(nhh + 1, sizeof *member_of);
	char start[11];
	demo_ledger_month_day(st, today, 12, 1, start);
	int rc = store_begin(st, err);
	rc = rc ? rc : make_teams(st, start, hh, nhh, member_of, err);
	rc = rc ? rc : make_rounds(st, seed, today, hh, nhh, err);
	rc = rc ? rc : make_surveys(st, seed, today, hh, nhh, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	free(member_of);
	free(hh);
	return rc;
}
