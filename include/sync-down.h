/* sync-down: packages from the township down to one of its villages (kind "down"):
 * the residents moving there from another village (transfer.h), each with their
 * record as the township holds it and the history that goes with them, and the
 * township's values of the village's rows whose conflicts it resolved by keeping its
 * own (so that the village's next change of them is no conflict again).
 *
 * Each destination has its own sequence (1, 2, ...) and chain of hashes, kept at the
 * township in sync_down_out; the village keeps what it applied in sync_down_in and
 * refuses, as for the other kinds, a package damaged or truncated, from another
 * township, for another village, from a newer schema, or out of order; the same
 * package twice changes nothing. `sync apply` reads the file and hands a down package
 * to this module (sync-int.h). */
#ifndef SZ_SYNC_DOWN_H
#define SZ_SYNC_DOWN_H

struct store;

/* At the township: the transfers to village (12 digits) not yet sent, and the rows of
 * the conflicts its packages raised that an operator resolved by keeping the township's
 * values, as its next down package written to path (seq 0), or its package seq again.
 * *out_seq its number, *ntransfers and *nresolved what it holds (both 0: nothing new,
 * no file). 0 or -1 with *err. */
int sync_down_export(struct store *st, const char *village, const char *path, long long seq, long long *out_seq,
		     long long *ntransfers, long long *nresolved, char **err);

#endif
