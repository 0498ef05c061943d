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


/* The declared registers' demos, called by demo_create after the star ratings: a
 * plausible year of the first village's records, the same for the same seed and day
 * (today, YYYY-MM-DD). Each does nothing when its registers are not declared. */
int demo_grid(struct store *st, unsigned seed, const char *today, char **err);      /* 网格与联户 */
int demo_banquet(struct store *st, unsigned seed, const char *today, char **err);   /* 红白理事会 */
int demo_homestead(struct store *st, unsigned seed, const char *today, char **err); /* 宅基地审批 */

/* Shared by them (demo-ledger.c). */
struct ledger_def;
/* today minus back days into out. */
void demo_ledger_day(const char *today, int back, char out[11]);
/* Saves a new record of d dated day from kv, name/value pairs ending with a NULL
 * name; its id, or -1 with *err. */
long long demo_ledger_add(struct store *st, const struct ledger_def *d, const char *day,
			  const char *const *kv, char **err);
/* Makes transition on record id dated day, the asked fields from kv. 0 or -1. */
int demo_ledger_step(struct store *st, const struct ledger_def *d, long long id, const char *transition,
		     const char *day, const char *const *kv, char **err);
#endif
