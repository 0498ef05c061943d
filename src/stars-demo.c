/* stars-demo: the demo's star ratings (星级文明户): last year's round awarded, this
 * year's under review, the same for the same register. */
#include "stars.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "paths.h"
#include "prng.h"
#include "rowset.h"
#include "rubric.h"
#include "store.h"
#include "util.h"

/* The first village and its town's code: the one the demo's rounds are for. */
static int64_t first_village(struct store *st, char **town)
{
	struct rowset r = { 0 };
	int64_t id = 0;
	if (rowset_select(st, &r, NULL, "SELECT v.id, t.code FROM (SELECT id, town_id FROM village ORDER BY id LIMIT 1) v"
			  " JOIN town t ON t.id = v.town_id", NULL) == 0 && r.n) {
		id = rowset_int(&r, 0, 0);
		*town = xstrdup(rowset_text(&r, 0, 1));
	}
	rowset_free(&r);
	return id;
}

/* The households of a village with someone still in the register, by number. */
static int64_t *village_households(struct store *st, int64_t village_id, size_t *n)
{
	return rowset_ids(st, n, "SELECT h.id FROM household h JOIN grid g ON g.id = h.grid_id"
			  " WHERE g.village_id = ?1 AND EXISTS (SELECT 1 FROM resident m"
			  " WHERE m.household_id = h.id AND m.living_status = '1') ORDER BY h.hh_no", "l", village_id);
}

static int demo_score(struct store *st, unsigned seed, const struct rubric *r,
		      const struct stars_round *round, const int64_t *hh, size_t n, size_t skip_every,
		      char **err)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (skip_every && i % skip_every == 0)
			continue;
		/* a household's own stream: its scores do not move when another is added */
		struct prng rng;
		prng_seed(&rng, ((uint64_t)seed << 32) ^ ((uint64_t)hh[i] << 12) ^ (uint64_t)round->year);
		int care = prng_range(&rng, 0, 99);   /* how well the household does */
		struct stars_entry e;
		stars_entry_init(&e, r, hh[i]);
		for (size_t s = 0; s < r->nstars; s++) {
			int roll = prng_range(&rng, 0, 99);
			bool good = roll < 55 + care * 45 / 100;
			if (r->stars[s].scoring == RUBRIC_PASS)
				e.values[s] = good;
			else
				e.values[s] = good ? prng_range(&rng, r->stars[s].threshold, r->stars[s].max)
						   : prng_range(&rng, 0, r->stars[s].threshold - 1);
		}
		int dq = prng_range(&rng, 0, 199);
		if (r->ndisq > 0 && dq == 0)
			e.dq[0] = true;
		else if (r->ndisq > 1 && dq < 4)
			e.dq[1] = true;
		rc = stars_save_entry(st, r, round, &e, err);
		stars_entry_free(&e);
	}
	return rc;
}

/* Opens a round and scores it; the round in *round. */
static int demo_round(struct store *st, unsigned seed, const struct rubric_set *set,
		      int64_t village, int year, size_t skip_every, const int64_t *hh, size_t n, struct stars_round *round,
		      const struct rubric **r, char **err)
{
	if (stars_round_open(st, set, village, year, round, err) != 0)
		return -1;
	if (!(*r = stars_round_rubric(set, round, err)))
		return -1;
	return demo_score(st, seed, *r, round, hh, n, skip_every, err);
}

int stars_demo(struct store *st, unsigned seed, const char *today, char **err)
{
	int year = atoi(today);
	char *town = NULL;
	int64_t village = first_village(st, &town);
	struct rubric_set *set = rubric_set_load(paths_forms(), NULL, NULL);
	if (!village || !rubric_find(set, town, year - 1) || !rubric_find(set, town, year)) {
		/* no rubric shipped for these years: the demo has no rounds */
		free(town);
		rubric_set_free(set);
		return 0;
	}
	size_t n;
	int64_t *hh = village_households(st, village, &n);
	struct stars_round last = { 0 }, now = { 0 };
	const struct rubric *r = NULL;
	char date[24];
	int rc = store_bulk_begin(st, _("demo star ratings"), 0, err);
	if (rc == 0)
		rc = demo_round(st, seed, set, village, year - 1, 0, hh, n, &last, &r, err);
	/* last year: reviewed, checked, on notice from 1 December, awarded after it */
	for (enum stars_stage s = STARS_REVIEW; rc == 0 && s <= STARS_FINAL; s++) {
		snprintf(date, sizeof date, "%d-12-%02d", year - 1, s == STARS_FINAL ? 10 : 1);
		rc = stars_round_move(st, r, &last, s, 7, date, err);
	}
	/* this year: self-assessments in, a few households still to hand theirs in */
	if (rc == 0)
		rc = demo_round(st, seed, set, village, year, 9, hh, n, &now, &r, err);
	if (rc == 0)
		rc = stars_round_move(st, r, &now, STARS_REVIEW, 0, today, err);
	if (rc == 0)
		rc = store_bulk_end(st, err);
	else
		store_rollback(st);
	stars_round_free(&last);
	stars_round_free(&now);
	free(hh);
	free(town);
	rubric_set_free(set);
	return rc;
}
