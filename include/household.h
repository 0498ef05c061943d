/* household: the households of the register and their rules. A household has at most
 * one head: the member whose relation is 02 (户主), named by household.head_id, who
 * lives in it. The one-head rule (household_head_taken) is asked by the household
 * screens, by the resident form's save and by import; every change below is one
 * transaction through the audited write path (store_update). */
#ifndef SZ_HOUSEHOLD_H
#define SZ_HOUSEHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define HOUSEHOLD_HEAD_RELATION "02"

/* Whether relation (a code of codes/relation) is the head's. */
bool household_relation_is_head(const char *relation);
/* The one-head rule: true when who (0: a resident not yet written) may not take
 * relation in a household whose head is head (0: none), because it has another head. */
bool household_head_taken(int64_t head, int64_t who, const char *relation);

/* The stored half of the rule, which store_check reports and every change below
 * keeps: rows (household id, head id) of a household whose head_id names a resident
 * who does not live in it; ?1 one household's id, or NULL (unbound) for all. */
extern const char household_heads_misplaced_sql[];

/* The head of a household, 0 when it has none or there is no such household. */
int64_t household_head(struct store *st, int64_t hh);
/* Whether the household is in the register. */
bool household_exists(struct store *st, int64_t hh);
/* The household of this number (户号), 0 when there is none. */
int64_t household_by_number(struct store *st, const char *hh_no);
/* The household's number (户号), NULL when there is no such household. Caller frees. */
char *household_number(struct store *st, int64_t hh);
/* The number of its members. */
long household_member_count(struct store *st, int64_t hh);
/* "number address (head: name)" as the screens title a household; "(no such
 * household)" when it is gone, NULL on a failure. Caller frees. */
char *household_text(struct store *st, int64_t hh);

/* One member as the household's member list shows it (the ID number unmasked: mask
 * at display time). */
struct household_member {
	int64_t id;
	char *name, *relation, *id_number, *birth_date, *living_status;  /* "" when empty */
};
/* The members, the head first, then by relation and birth date. 0, or -1 with *err. */
int household_members(struct store *st, int64_t hh, size_t offset, size_t limit,
		      struct household_member **out, size_t *n, char **err);
void household_members_free(struct household_member *m, size_t n);

/* Makes member new_head the head; the former head (if any) gets former_relation,
 * which may not be the head's. Refused (-1 with *err) when new_head is already the
 * head, is not a member, or the household is unknown. */
int household_change_head(struct store *st, int64_t hh, int64_t new_head, const char *former_relation,
			  char **err);
/* Moves a resident to household to with relation (the head's only when to has no
 * head: then the resident becomes its head). The head of a household that keeps
 * other members cannot leave it; the last member, head or not, can (the household
 * is then headless). Refused when to is unknown or is the resident's own. */
/* Why resident cannot move to household to with relation, or NULL; to 0 and
 * relation NULL ask only what is known before they are chosen (the head of a
 * household with other members cannot leave it). Borrowed, translated. */
const char *household_move_refusal(struct store *st, int64_t resident, int64_t to, const char *relation);
int household_move_member(struct store *st, int64_t resident, int64_t to, const char *relation, char **err);
/* After a resident is written with relation into household hh (NULL: none): when
 * the relation is the head's and the household has no head yet, the resident becomes
 * it. Runs inside the caller's transaction. */
int household_claim_head(struct store *st, const char *hh, int64_t resident, const char *relation,
			 char **err);

/* A grid as the household form shows it beside its id: "grid village". Caller frees. */
char *household_grid_text(struct store *st, int64_t grid);
struct household_grid {
	int64_t id;
	char *code, *name, *village;
};
/* The grids whose name, village name or code prefix matches query ("" all), by
 * village and grid code. 0, or -1 with *err. */
int household_grids(struct store *st, const char *query, size_t offset, size_t limit,
		    struct household_grid **out, size_t *n, char **err);
void household_grids_free(struct household_grid *g, size_t n);

#endif
