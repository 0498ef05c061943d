/* demo-grid: the demo village's 网格与联户 year: each grid's 网格长 (the grid's worker)
 * and two 网格员 from its residents, 联户群 of ten neighbouring households, a year of
 * visits (fewer lately, so some households are still to be visited this quarter) and
 * events at every step of 上报 → 核查办结, a few of them overdue. */
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

struct grid_demo {
	struct store *st;
	struct prng rng;
	const char *today;
	int64_t staff[64];            /* ledger_grid_staff ids */
	int64_t staff_grid[64];       /* their grid */
	size_t nstaff;
};

/* A grid's first worker (made with the village, demo.c) named its 网格长, through
 * the engine's edit. */
static int64_t make_leader(struct grid_demo *g, const struct ledger_def *d, int64_t id, const char *group,
			   char **err)
{
	struct form_data rec;
	form_data_init(&rec, ledger_form(d));
	int rc = ledger_load(g->st, d, id, &rec, NULL, err);
	if (rc == 0) {
		form_data_set(&rec, (size_t)form_field_index(rec.def, "role"), "1");
		form_data_set(&rec, (size_t)form_field_index(rec.def, "party_group"), group);
		rc = ledger_save(g->st, d, &rec, &id, err);
	}
	form_data_free(&rec);
	return rc == 0 ? id : -1;
}

/* Each grid of the first village: its first worker as 网格长, two workers from its residents. */
static int add_staff(struct grid_demo *g, const struct ledger_def *d, char **err)
{
	struct rowset r = { 0 };
	if (rowset_select(g->st, &r, err, "SELECT g.id, (SELECT w.id FROM ledger_grid_staff w WHERE w.grid_id = g.id"
			  " ORDER BY w.id LIMIT 1) FROM grid g WHERE g.village_id = (SELECT min(id) FROM village)"
			  " ORDER BY g.code LIMIT 20", NULL) != 0)
		return -1;
	char day[11];
	demo_ledger_day(g->today, 360, day);
	int rc = 0;
	for (size_t i = 0; i < r.n && rc == 0; i++) {
		char *grid = xstrdup(rowset_text(&r, i, 0));
		char *group = xasprintf("第%zu党小组", i + 1);
		int64_t id = rowset_text(&r, i, 1) ? make_leader(g, d, rowset_int(&r, i, 1), group, err) : 0;
		rc = id < 0 ? -1 : 0;
		if (rc == 0 && id) {
			g->staff_grid[g->nstaff] = rowset_int(&r, i, 0);
			g->staff[g->nstaff++] = id;
		}
		/* two residents of working age living in the grid */
		struct rowset w = { 0 };
		if (rc == 0 && rowset_select(g->st, &w, err, "SELECT m.id, m.name FROM resident m JOIN household h ON h.id = m.household_id"
					     " WHERE h.grid_id = ?1 AND m.living_status = '1' AND m.birth_date BETWEEN ?2 AND ?3"
					     " ORDER BY m.id LIMIT 2 OFFSET ?4", "ltll", rowset_int(&r, i, 0), "1970-01-01",
					     "1995-12-31", (int64_t)prng_below(&g->rng, 20)) != 0)
			rc = -1;
		for (size_t k = 0; rc == 0 && k < w.n && g->nstaff < 64; k++) {
			const char *worker[] = { "grid_id", grid, "role", "2", "resident_id", rowset_text(&w, k, 0),
						 "name", rowset_text(&w, k, 1), "party_group", group, NULL };
			id = demo_ledger_add(g->st, d, day, worker, err);
			rc = id < 0 ? -1 : 0;
			if (rc == 0) {
				g->staff_grid[g->nstaff] = rowset_int(&r, i, 0);
				g->staff[g->nstaff++] = id;
			}
		}
		rowset_free(&w);
		free(grid);
		free(group);
	}
	rowset_free(&r);
	return rc;
}

/* 联户群 of ten households in number order within each grid, the first one's head as 联户长. */
static int add_lianhu(struct grid_demo *g, const struct ledger_def *groups, const struct ledger_def *members, char **err)
{
	struct rowset r = { 0 };
	if (rowset_select(g->st, &r, err, "SELECT h.id, h.grid_id, coalesce((SELECT m.name FROM resident m WHERE m.household_id = h.id"
			  " AND m.living_status = '1' ORDER BY m.relation, m.id LIMIT 1), '') FROM household h JOIN grid g ON g.id = h.grid_id"
			  " WHERE g.village_id = (SELECT min(id) FROM village) ORDER BY g.code, h.hh_no", NULL) != 0)
		return -1;
	char day[11];
	demo_ledger_day(g->today, 350, day);
	int rc = 0;
	int64_t group = 0, group_grid = 0;
	size_t in_group = 0, ngroups = 0;
	for (size_t i = 0; i < r.n && rc == 0; i++) {
		char hh[24];
		snprintf(hh, sizeof hh, "%lld", (long long)rowset_int(&r, i, 0));
		if (!group || in_group == 10 || rowset_int(&r, i, 1) != group_grid) {
			char grid[24];
			snprintf(grid, sizeof grid, "%lld", (long long)rowset_int(&r, i, 1));
			char *name = xasprintf("第%zu联户群", ++ngroups);
			const char *kv[] = { "name", name, "grid_id", grid, "head_household_id", hh,
					     "head_name", *rowset_text(&r, i, 2) ? rowset_text(&r, i, 2) : "联户长", NULL };
			group = demo_ledger_add(g->st, groups, day, kv, err);
			free(name);
			group_grid = rowset_int(&r, i, 1);
			in_group = 0;
			if (group < 0) {
				rc = -1;
				break;
			}
		}
		char gid[24];
		snprintf(gid, sizeof gid, "%lld", (long long)group);
		const char *kv[] = { "group_id", gid, "household_id", hh, NULL };
		rc = demo_ledger_add(g->st, members, day, kv, err) < 0 ? -1 : 0;
		in_group++;
	}
	rowset_free(&r);
	return rc;
}

/* About eight visits a month by each worker over the past year, to households of his grid. */
static int add_visits(struct grid_demo *g, const struct ledger_def *d, char **err)
{
	static const char *const found[] = { "家中老人身体尚可，已提醒按时服药", "反映门前路灯不亮", "户内用电线路老化，已提醒更换",
					     "在外务工人员春节返乡", "低保材料已收齐", "无异常", "无异常", "无异常" };
	static const char *const tags[] = { NULL, NULL, NULL, "dibao", "tuopin", "disabled" };
	int rc = 0;
	for (size_t s = 0; s < g->nstaff && rc == 0; s++) {
		int64_t *hh;
		size_t n;
		hh = rowset_ids(g->st, &n, "SELECT id FROM household WHERE grid_id = ?1 ORDER BY hh_no", "l", g->staff_grid[s]);
		if (!n) {
			free(hh);
			continue;
		}
		for (int back = 360; back >= 0 && rc == 0; back -= prng_range(&g->rng, 2, 6)) {
			char day[11], staff[24], house[24];
			demo_ledger_day(g->today, back, day);
			snprintf(staff, sizeof staff, "%lld", (long long)g->staff[s]);
			snprintf(house, sizeof house, "%lld", (long long)hh[prng_below(&g->rng, (uint32_t)n)]);
			const char *kv[] = { "date", day, "worker_id", staff, "household_id", house,
					     "key_groups", tags[prng_below(&g->rng, 6)],
					     "found", found[prng_below(&g->rng, 8)], NULL };
			rc = demo_ledger_add(g->st, d, day, kv, err) < 0 ? -1 : 0;
		}
		free(hh);
	}
	return rc;
}

/* Three or four events a month; the older ones closed, the last weeks' at every step. */
static int add_events(struct grid_demo *g, const struct ledger_def *d, char **err)
{
	static const char *const summary[] = { "邻里因宅基地边界发生争执", "村道边坡落石", "垃圾收集点满溢",
					       "组道路面破损", "独居老人生病无人照料", "河道有人倾倒建筑垃圾" };
	static const char *const kinds[] = { "01", "02", "03", "04", "05", "03" };
	static const char *const steps[] = { "assign", "handle", "feedback", "verify" };
	int rc = 0;
	for (int back = 355; back >= 0 && rc == 0; back -= prng_range(&g->rng, 6, 12)) {
		char day[11], grid[24], reporter[24];
		size_t s = prng_below(&g->rng, (uint32_t)g->nstaff);
		size_t k = prng_below(&g->rng, 6);
		demo_ledger_day(g->today, back, day);
		snprintf(grid, sizeof grid, "%lld", (long long)g->staff_grid[s]);
		snprintf(reporter, sizeof reporter, "%lld", (long long)g->staff[s]);
		const char *kv[] = { "date", day, "grid_id", grid, "reporter_id", reporter, "kind", kinds[k],
				     "summary", summary[k], NULL };
		int64_t id = demo_ledger_add(g->st, d, day, kv, err);
		if (id < 0)
			return -1;
		/* a step every one to three days while there is time; recent ones stop earlier */
		int at = back;
		size_t last = back > 30 ? 4 : prng_below(&g->rng, 4);
		for (size_t i = 0; i < last && rc == 0; i++) {
			at -= prng_range(&g->rng, 1, back > 60 && prng_chance(&g->rng, 100) ? 9 : 3);
			if (at < 0)
				break;
			demo_ledger_day(g->today, at, day);
			const char *asked[] = { "handler", "村两委 王主任", "action", "已到现场处置", "feedback", "群众表示满意",
						"verified", "经核查已办结", NULL };
			rc = demo_ledger_step(g->st, d, id, steps[i], day, asked, err);
		}
	}
	return rc;
}

int demo_grid(struct store *st, unsigned seed, const char *today, char **err)
{
	const struct ledger_set *s = ledger_set_default();
	const struct ledger_def *staff = ledger_find(s, "grid_staff"), *visits = ledger_find(s, "grid_visit"),
				*events = ledger_find(s, "grid_event"), *groups = ledger_find(s, "lianhu"),
				*members = ledger_find(s, "lianhu_member");
	if (!staff)
		return 0;
	struct grid_demo g = { .st = st, .today = today };
	prng_seed(&g.rng, ((uint64_t)seed << 8) ^ 0x67726964u);   /* "grid" */
	if (store_begin(st, err) != 0)
		return -1;
	int rc = add_staff(&g, staff, err);
	if (rc == 0 && groups && members)
		rc = add_lianhu(&g, groups, members, err);
	if (rc == 0 && visits && g.nstaff)
		rc = add_visits(&g, visits, err);
	if (rc == 0 && events && g.nstaff)
		rc = add_events(&g, events, err);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}
