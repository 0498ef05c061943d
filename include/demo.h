/* demo: a realistic demo village (花溪区 towns, villages, grids with workers,
 * households with members, tags), deterministic for a given seed. */
#ifndef SZ_DEMO_H
#define SZ_DEMO_H

struct store;

/* Fills an empty database with about `residents` residents (up to 1,000,000),
 * audited as the operator "demo". Progress lines go to stderr when verbose. */
int demo_create(struct store *st, long residents, unsigned seed, int verbose, char **err);

#endif
