/* demo-homestead: the demo village's 宅基地 and 农房 approvals over the year: about one
 * application a month, the older ones approved (most within the 24 working days, one
 * late), staked and built, one refused, the recent ones at the village's and the
 * town's review, one of them long past its deadline (on the work list). */
#include "demo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "prng.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

/* The steps of an approval in order, and the working-day gap before each. */
static const char *const steps[] = { "review", "submit", "approve", "stake", "accept" };

static int add_application(struct store *st, const struct ledger_def *d, struct prng *rng, const char *today,
			   int back, size_t n, const char *hh, const char *applicant, char **err)
{
	static const char *const sites[] = { "本组老屋基旁", "组道路东侧自留地", "原旧房拆除后原址", "村小学后坡平地" };
	char day[11], area[16], kind[4];
	demo_ledger_day(today, back, day);
	snprintf(kind, sizeof kind, "%d", prng_chance(rng, 500) ? 1 : prng_chance(rng, 700) ? 2 : 3);
	snprintf(area, sizeof area, "%d", prng_range(rng, 90, 130));
	const char *kv[] = { "household_id", hh, "applicant", applicant, "kind", kind, "site", sites[prng_below(rng, 4)],
			     "area", area, "floors", prng_chance(rng, 600) ? "2" : "3", "reason", "分户后无房居住", NULL };
	long long id = demo_ledger_add(st, d, day, kv, err);
	if (id < 0)
		return -1;
	/* days after the application of each step: review, submit after 公示, approve, stake, accept */
	bool late = n == 3;
	int gap[] = { prng_range(rng, 1, 3), prng_range(rng, 8, 11), late ? prng_range(rng, 24, 30) : prng_range(rng, 10, 16),
		      prng_range(rng, 20, 60), prng_range(rng, 150, 220) };
	char notice[11], permit[24], staked[11], accepted[11];
	int at = back;
	size_t steps_made = n == 9 ? 2 : 5;   /* the tenth stuck at the town's review: overdue */
	for (size_t i = 0; i < steps_made; i++) {
		at -= gap[i];
		if (at < 0)
			break;
		demo_ledger_day(today, at, day);
		if (i == 0)
			memcpy(notice, day, sizeof notice);
		snprintf(permit, sizeof permit, "花宅批〔%.4s〕%zu号", day, n + 1);
		memcpy(staked, day, sizeof staked);
		memcpy(accepted, day, sizeof accepted);
		const char *asked[] = { "village_opinion", "符合一户一宅和村庄规划，同意上报", "notice_from", notice,
					"town_opinion", "经自然资源、农业农村部门联审，符合条件", "permit_no", permit,
					"staked_on", staked, "accepted_on", accepted, "accept_note", "按批准面积建设，验收合格",
					"reject_reason", "申请户已有宅基地，不符合一户一宅", NULL };
		bool refuse = n == 5 && i == 2;
		if (demo_ledger_step(st, d, id, refuse ? "reject" : steps[i], day, asked, err) != 0)
			return -1;
		if (refuse)
			break;
	}
	return 0;
}

int demo_homestead(struct store *st, unsigned seed, const char *today, char **err)
{
	const struct ledger_def *d = ledger_find(ledger_set_default(), "homestead");
	if (!d)
		return 0;
	struct prng rng;
	prng_seed(&rng, ((uint64_t)seed << 8) ^ 0x7a686169u);   /* "zhai" */
	struct rowset r = { 0 };
	if (rowset_select(st, &r, err, "SELECT h.id, m.name FROM household h JOIN grid g ON g.id = h.grid_id"
			  " JOIN resident m ON m.household_id = h.id AND m.relation = '02'"
			  " WHERE g.village_id = (SELECT min(id) FROM village) ORDER BY h.hh_no DESC", NULL) != 0)
		return -1;
	if (store_begin(st, err) != 0) {
		rowset_free(&r);
		return -1;
	}
	int rc = 0;
	size_t n = 0;
	for (int back = 340; rc == 0 && r.n && back >= 3; back -= prng_range(&rng, 20, 40), n++) {
		size_t i = prng_below(&rng, (uint32_t)r.n);
		rc = add_application(st, d, &rng, today, back, n, rowset_text(&r, i, 0), rowset_text(&r, i, 1), err);
	}
	rowset_free(&r);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}
