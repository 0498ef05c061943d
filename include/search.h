/* search: the resident search used by the TUI list and `shanzhi search`.
 *
 * A query is classified by what it looks like and run against the resident_key index
 * (key TEXT, resident_id) maintained by triggers through sz_search_keys():
 *   "n:<suffix of name>"       name substring   (any query with a non-ASCII char; ASCII
 *                              letters too, after the initials: a Latin name)
 *   "p:<initials>"             pinyin initials  (ASCII letters: "lfl")
 *   "i:<ID number reversed>"   ID tail          (4+ digits, or digits ending in X)
 *   "m:<phone reversed>"       phone tail       (4+ digits)
 *   household.hh_no prefix     户号             (digits, via the household index)
 * Invisible format characters (U+200B, U+202E ...) are left out of names' keys and
 * of queries, so neither hides a resident from the name a reader sees.
 * Each lookup is a range scan of an index with a LIMIT, so the first screenful costs
 * the same over a thousand or a million residents. Residents come in pinyin order of
 * their names (resident_pinyin): everyone for an empty query, names that start with a
 * Chinese query first, the first 100 matches of one kind of key (then the rest by key); the family
 * of a 户号 comes together instead, its head first. */
#ifndef SZ_SEARCH_H
#define SZ_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "search-keys.h"

struct store;

enum search_kind {
	SEARCH_NAME,
	SEARCH_PINYIN,
	SEARCH_ID_TAIL,
	SEARCH_PHONE_TAIL,
	SEARCH_HOUSEHOLD,
	SEARCH_ALL,      /* empty query: everyone, in pinyin order of their names */
};

struct resident_row {
	int64_t id;
	int64_t household_id;   /* 0 when not attached */
	char *name;
	char sex[4];            /* code: "1"/"2" or "" */
	char birth[11];
	char *id_number;        /* unmasked: mask at display time */
	char *phone;
	char *hh_no;
	char *address;
	char living[4];         /* living status code */
	enum search_kind matched;
};

struct search_result {
	struct resident_row *rows;
	size_t n;
};

/* Runs query, skipping offset matches, returning at most limit rows (no duplicates,
 * residents of every living status). Returns 0 or -1 with *err. */
int search_residents(struct store *st, const char *query, size_t offset, size_t limit,
		     struct search_result *out, char **err);
/* The same among the residents of one village (village.id; 0 for every village): the
 * screens' village filter. */
int search_residents_in(struct store *st, const char *query, int64_t village, size_t offset, size_t limit,
			struct search_result *out, char **err);
void search_result_free(struct search_result *r);
const char *search_kind_label(enum search_kind k);  /* translated */

/* A household as its list shows it. */
struct household_row {
	int64_t id;
	char *hh_no;
	char *head;       /* the head's name, NULL when it has none */
	int64_t members;
	char *address;
};

struct household_result {
	struct household_row *rows;
	size_t n;
};

/* Households for the household list and picker, skipping offset, at most limit:
 * an empty query lists them by their heads' names in pinyin order (those without a
 * head last); digits find 户号 by their start, then (four or more) by their end; any
 * other text a part of the address, the head's name or the number, by the heads'
 * pinyin (the first 100 matches, then by number). Returns 0 or -1 with *err. */
int search_households(struct store *st, const char *query, size_t offset, size_t limit,
		      struct household_result *out, char **err);
/* The same among one village's households (village.id; 0 for every village). */
int search_households_in(struct store *st, const char *query, int64_t village, size_t offset, size_t limit,
			 struct household_result *out, char **err);
void household_result_free(struct household_result *r);

#endif
