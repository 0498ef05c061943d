/* ledger-links: which declared registers point at a record (a ref field naming
 * another register's table, ledger_OTHER), and their records that do: the record
 * screen lists them and adds one with the link filled. Declarations and queries
 * only; the screens are tui-ledger*.c. */
#ifndef SZ_LEDGER_LINKS_H
#define SZ_LEDGER_LINKS_H

#include <stddef.h>
#include <stdint.h>

struct ledger_def;
struct ledger_set;
struct rowset;
struct store;

/* A register whose field refers to another register. */
struct ledger_link {
	const struct ledger_def *from;
	const char *field;
};

/* The links of s's registers into d (a ref field of theirs with ref = d's table), in
 * declaration order, into *out (caller frees the array); the count. */
size_t ledger_links_into(const struct ledger_set *s, const struct ledger_def *d, struct ledger_link **out);
/* A page of link->from's records whose link field is id, in ledger_list's columns
 * (enum ledger_list_col, then link->from's list) and its order. 0, or -1 with *err. */
int ledger_links_list(struct store *st, const struct ledger_link *link, int64_t id, size_t offset,
		      size_t limit, struct rowset *out, char **err);

/* How many of link->from's records have id in the link field; -1 on failure. */
int64_t ledger_links_count(struct store *st, const struct ledger_link *link, int64_t id);

#endif
