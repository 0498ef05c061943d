/* keyrun: a bulk load's search keys sorted in bounded memory, as they are made.
 *
 * (key, seq) pairs are gathered in one buffer of a fixed size; a full buffer is
 * sorted by key, then seq, and written as a run (front-coded: each key as the bytes
 * it shares with the one before and the rest) to a temporary file in $TMPDIR (or
 * /tmp), unlinked as soon as it is made, so that nothing is left behind however the
 * program ends. keyrun_finish ends the adding; keyrun_next then gives every pair
 * once in (key, seq) order: the runs merged, or the one buffer when nothing had to
 * be written. Keys compare as SQLite's BINARY collation compares text (bytes, then
 * length), so the order is resident_key's own and inserting in it appends.
 *
 * Keys are text without NUL bytes. One thread adds, then one thread (the same or
 * another, handed over with a lock or a join) finishes and reads. Errors are
 * sticky: once a run could not be written or read back, every call fails and
 * keyrun_error says why, naming the folder. */
#ifndef SZ_KEYRUN_H
#define SZ_KEYRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyrun;

/* budget: the bytes of the buffer (a pair costs 17 bytes beside its key's); the
 * merge reads the runs back through the same memory. */
struct keyrun *keyrun_new(size_t budget);
/* Closes the temporary file; accepts NULL. */
void keyrun_free(struct keyrun *kr);
/* Adds one key, kind (a prefix, "n:") followed by text, tagged seq. false when a
 * run could not be written (keyrun_error). */
bool keyrun_add(struct keyrun *kr, uint32_t seq, const char *kind, size_t nkind, const char *text, size_t ntext);
/* Adds the search keys of one resident (search_keys_each), tagged seq. */
bool keyrun_add_resident(struct keyrun *kr, uint32_t seq, const char *name, const char *id_number,
			 const char *phone);
/* Ends the adding and starts the merge. false on a write error. */
bool keyrun_finish(struct keyrun *kr);
/* The next pair in (key, seq) order, a pair added twice given once: 1, with *key
 * (not NUL-terminated; valid until the next call) and its length; 0 at the end; -1
 * on an error (keyrun_error). */
int keyrun_next(struct keyrun *kr, const char **key, size_t *len, uint32_t *seq);
/* Why the last call failed, NULL when nothing did. */
const char *keyrun_error(const struct keyrun *kr);
/* The runs written to the file so far (0: everything fitted in the buffer). */
size_t keyrun_runs(const struct keyrun *kr);

#endif
