/* sstable: a workbook's shared string table, strings by their index.
 *
 * Excel and WPS store every text cell of an .xlsx as an index into one table of
 * strings (xl/sharedStrings.xml), numbered as the strings first appear. A
 * million-row roster's names, ID numbers and phones make millions of them, more
 * than a reader should hold: the table keeps its first strings in memory, up to a
 * budget, and writes the rest to a temporary file (under $TMPDIR, else /tmp,
 * removed as it is made) with an index of every 32nd string's place. Strings are
 * read back a block at a time: the codes a roster repeats on every row (男, 汉族,
 * 户主) come first and are in memory, and a row's new strings (its name, its ID
 * number) are the table's next ones, so the file is read mostly in order, ahead of
 * need. */
#ifndef SZ_SSTABLE_H
#define SZ_SSTABLE_H

#include <stdbool.h>
#include <stddef.h>

struct sstable;

/* An empty table keeping at most memory_max bytes of strings and their places in
 * memory. */
struct sstable *sst_new(size_t memory_max);
void sst_free(struct sstable *t);

/* Adds the next string (n bytes, no NUL needed); false when the temporary file
 * cannot be made or written (sst_error says why). */
bool sst_add(struct sstable *t, const char *s, size_t n);
/* Ends the adding: what is buffered goes to the file; false as sst_add. */
bool sst_seal(struct sstable *t);
/* How many strings the table holds. */
size_t sst_count(const struct sstable *t);
/* String number i (from 0) and its length, not NUL-terminated, valid until the next
 * sst_get; NULL when there is no such string, or when the file could not be read
 * back (sst_error then says why). */
const char *sst_get(struct sstable *t, size_t i, size_t *len);
/* Why the temporary file failed, or NULL when it has not. */
const char *sst_error(const struct sstable *t);

#endif
