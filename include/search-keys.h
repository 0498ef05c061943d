/* search-keys: the resident_key keys of one resident, as the triggers (through
 * sz_search_keys) and a bulk load's fill (sz_search_key_rows) store them; their
 * kinds are described in search.h. Needs no store: the SQLite extension links it. */
#ifndef SZ_SEARCH_KEYS_H
#define SZ_SEARCH_KEYS_H

#include <stddef.h>

/* The keys of one resident (any argument may be NULL). */
struct search_keys {
	char **keys;
	size_t n, cap;
};
void search_keys_make(const char *name, const char *id_number, const char *phone, struct search_keys *out);
/* The same keys, in the same order, handed one by one to fn as the kind prefix ("n:")
 * and the text, both NUL-terminated, with their lengths: for a maker that stores
 * them its own way (an import's sorted runs, keyrun.h) without a malloc per key. */
typedef void (*search_keys_fn)(void *ctx, const char *kind, size_t nkind, const char *text, size_t ntext);
void search_keys_each(const char *name, const char *id_number, const char *phone, search_keys_fn fn, void *ctx);
void search_keys_free(struct search_keys *k);
/* The same keys as a JSON array text, as sz_search_keys() gives them to triggers. */
char *search_keys_json(const char *name, const char *id_number, const char *phone);
/* The ID number as it is keyed: normalised when valid, else upper-cased without
 * spaces; caller frees. */
char *search_keys_id_text(const char *id);
/* Reverses an ASCII string in place: tails become prefixes of the keys. */
void search_keys_reverse(char *s);

#endif
