/* village: the villages of the register (and their towns) as the screens show and
 * pick them. One query serves every village picker, a page at a time with no cap of
 * its own: a district of 130 villages offers the 130th. */
#ifndef SZ_VILLAGE_H
#define SZ_VILLAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct rowset;

/* Columns of village_list's rows. */
enum village_col { VILLAGE_ID, VILLAGE_TOWN, VILLAGE_NAME, VILLAGE_CODE };

/* The villages whose name or town's name contains query ("" or NULL: all), in code
 * order, skipping offset and at most limit of them. Appended to out; 0 or -1 with *err. */
int village_list(struct store *st, const char *query, size_t offset, size_t limit, struct rowset *out,
		 char **err);
/* The same with a first row (id 0, code "") named all_label when query is empty: the
 * village filter's list, where 0 stands for every village. */
int village_list_with_all(struct store *st, const char *all_label, const char *query, size_t offset,
			  size_t limit, struct rowset *out, char **err);
/* How many villages the register holds, up to 2: the filter matters above one. */
int village_count_upto2(struct store *st);
/* The name of a village, for titles. Caller frees; NULL when there is none. */
char *village_name(struct store *st, int64_t id);

/* Whether code is a place code of n digits: a town's 9 (GB/T 2260 and the town),
 * a village's 12. */
bool village_code_ok(const char *code, size_t n);

#endif
