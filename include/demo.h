/* demo: a realistic demo village (花溪区 towns, villages, grids with workers,
 * households with members, tags), deterministic for a given seed. */
#ifndef SZ_DEMO_H
#define SZ_DEMO_H

struct store;

/* Fills an empty database with exactly `residents` residents (1 to 1,000,000),
 * audited as the demo's administrator (auth_demo_operators), made first. Progress lines go to stderr when verbose.
 * The same seed and the same day (store_today(), which SHANZHI_TODAY pins) give
 * the same register; ages, and so birth dates, are reckoned from that day. */
int demo_create(struct store *st, long residents, unsigned seed, int verbose, char **err);

#endif
