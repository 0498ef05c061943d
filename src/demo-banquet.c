/* demo-banquet: the demo village's 红白理事会 year: the 村规民约 in two versions (last
 * year's and this year's stricter one), weddings, funerals and other banquets declared
 * over the year, a few over a limit (flagged with the article, advised, put right or
 * not), the council's supervision visits, the last weeks' still under review. */
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
#include "workday.h"

/* One article: kind ("" every kind), text, limits ("" none). */
struct article {
	const char *number, *kind, *text, *tables, *guests, *gift, *days;
};

static const struct article old_rules[] = {
	{ "3", "", "提倡移风易俗，人情往来礼金每次不超过300元。", "", "", "300", "" },
	{ "5", "1", "婚事新办，酒席不超过30桌、宾客不超过300人，办理不超过2天。", "30", "300", "", "2" },
	{ "6", "2", "丧事简办，酒席不超过30桌，办理不超过3天。", "30", "", "", "3" },
	{ "7", "3", "除婚丧外的升学、满月、乔迁等宴席，不超过15桌、1天。", "15", "", "", "1" },
};
static const struct article new_rules[] = {
	{ "3", "", "提倡移风易俗，人情往来礼金每次不超过200元。", "", "", "200", "" },
	{ "5", "1", "婚事新办，酒席不超过20桌、宾客不超过200人，办理不超过2天。", "20", "200", "", "2" },
	{ "6", "2", "丧事简办，酒席不超过20桌，办理不超过3天。", "20", "", "", "3" },
	{ "7", "3", "除婚丧外不办升学、满月、乔迁等宴席；确需办理的不超过10桌、1天。", "10", "", "", "1" },
	{ "9", "", "红白事应在举办3日前向红白理事会申报，接受监督。", "", "", "", "" },
};

static int add_rules(struct store *st, const struct ledger_def *d, const char *version, const char *effective,
		     const struct article *a, size_t n, char **err)
{
	for (size_t i = 0; i < n; i++) {
		const char *kv[] = { "version", version, "effective", effective, "article", a[i].number,
				     "kind", *a[i].kind ? a[i].kind : NULL, "text", a[i].text,
				     "max_tables", *a[i].tables ? a[i].tables : NULL, "max_guests", *a[i].guests ? a[i].guests : NULL,
				     "gift_limit", *a[i].gift ? a[i].gift : NULL, "max_days", *a[i].days ? a[i].days : NULL, NULL };
		if (demo_ledger_add(st, d, effective, kv, err) < 0)
			return -1;
	}
	return 0;
}

/* A declaration made three to ten days before its banquet, reviewed and supervised. */
static int add_banquet(struct store *st, const struct ledger_def *d, struct prng *rng, const char *today,
		       int back, const char *hh, const char *host, char **err)
{
	int kind = prng_chance(rng, 450) ? 1 : prng_chance(rng, 600) ? 2 : 3;
	int limit = kind == 3 ? 10 : 20;
	bool over = prng_chance(rng, 150);
	int tables = over ? limit + prng_range(rng, 2, 12) : prng_range(rng, kind == 3 ? 4 : 8, limit);
	char day[11], held[11], k[4], t[8], g[8], gift[8];
	demo_ledger_day(today, back, day);
	demo_ledger_day(today, back - prng_range(rng, 3, 10), held);
	snprintf(k, sizeof k, "%d", kind);
	snprintf(t, sizeof t, "%d", tables);
	snprintf(g, sizeof g, "%d", tables * 10 - prng_range(rng, 0, 9));
	snprintf(gift, sizeof gift, "%d", prng_chance(rng, 700) ? 200 : 100);
	const char *kv[] = { "household_id", hh, "host", host, "kind", k, "date", held, "days", kind == 2 ? "3" : "1",
			     "tables", t, "guests", g, "gift_limit", gift, NULL };
	long long id = demo_ledger_add(st, d, day, kv, err);
	if (id < 0)
		return -1;
	int review = back - prng_range(rng, 1, 2);
	int visit = back - (int)(workday_day_number(held) - workday_day_number(day));
	if (review < 0)
		return 0;
	demo_ledger_day(today, review, day);
	const char *advice[] = { "review_note", "同意，按申报简办", "advice", "超出村规民约限额，已上门劝导减少桌数", NULL };
	int rc = demo_ledger_step(st, d, id, over ? "advise" : "approve", day, advice, err);
	if (rc != 0 || visit < 0)
		return rc;
	demo_ledger_day(today, visit, day);
	const char *outcome = over ? (prng_chance(rng, 600) ? "2" : "3") : "1";
	const char *seen[] = { "visit_date", day, "outcome", outcome, "visit_note",
			       over ? "理事会成员到场监督" : "按申报桌数举办，未见大操大办", NULL };
	return demo_ledger_step(st, d, id, "supervise", day, seen, err);
}

int demo_banquet(struct store *st, unsigned seed, const char *today, char **err)
{
	const struct ledger_set *s = ledger_set_default();
	const struct ledger_def *rules = ledger_find(s, "village_rule"), *banquets = ledger_find(s, "banquet");
	if (!rules)
		return 0;
	struct prng rng;
	prng_seed(&rng, ((uint64_t)seed << 8) ^ 0x6875616eu);   /* "huan" */
	char old_from[24], new_from[24];
	snprintf(old_from, sizeof old_from, "%d-01-01", atoi(today) - 2);
	snprintf(new_from, sizeof new_from, "%d-01-01", atoi(today));
	char old_version[24], new_version[24];
	snprintf(old_version, sizeof old_version, "%d年版", atoi(today) - 2);
	snprintf(new_version, sizeof new_version, "%d年修订版", atoi(today));
	if (store_begin(st, err) != 0)
		return -1;
	int rc = add_rules(st, rules, old_version, old_from, old_rules, sizeof old_rules / sizeof *old_rules, err);
	if (rc == 0)
		rc = add_rules(st, rules, new_version, new_from, new_rules, sizeof new_rules / sizeof *new_rules, err);
	struct rowset r = { 0 };
	if (rc == 0 && banquets &&
	    rowset_select(st, &r, err, "SELECT h.id, m.name FROM household h JOIN grid g ON g.id = h.grid_id"
			  " JOIN resident m ON m.household_id = h.id AND m.relation = '02'"
			  " WHERE g.village_id = (SELECT min(id) FROM village) ORDER BY h.hh_no", NULL) != 0)
		rc = -1;
	for (int back = 350; rc == 0 && r.n && back >= 0; back -= prng_range(&rng, 5, 16)) {
		size_t i = prng_below(&rng, (uint32_t)r.n);
		rc = add_banquet(st, banquets, &rng, today, back, rowset_text(&r, i, 0), rowset_text(&r, i, 1), err);
	}
	rowset_free(&r);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}
