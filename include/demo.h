/* demo: a realistic demo village (花溪区 towns, villages, grids with workers,
 * households with members, tags), deterministic for a given seed. */
#ifndef SZ_DEMO_H
#define SZ_DEMO_H

#include <stdbool.h>

struct store;

/* Fills an empty database with exactly `residents` residents (1 to 1,000,000),
 * audited as the demo's administrator (auth_demo_operators), made first. Progress lines go to stderr when verbose.
 * The same seed and the same day (store_today(), which SHANZHI_TODAY pins) give
 * the same register; ages, and so birth dates, are reckoned from that day. */
int demo_create(struct store *st, long residents, unsigned seed, int verbose, char **err);

/* A township for the benchmark and the township's screens: the district's first
 * `villages` villages of `per_village` residents each, in one register. */
int demo_create_villages(struct store *st, long villages, long per_village, unsigned seed,
			 int verbose, char **err);

/* One village's own register: town code = the code's first 9 digits, the village its
 * last 3. Names, ID numbers (a block of sequences chosen by the village's 3 digits) and
 * household numbers (town and village digits) come from the code and the seed, so the
 * registers of two villages of one township merge without a shared ID or 户号. */
int demo_create_village(struct store *st, const char *code, const char *name, long residents,
			unsigned seed, int verbose, char **err);

/* True for a 12-digit village code. */
bool demo_village_code_ok(const char *code);

#endif
