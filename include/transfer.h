/* transfer: a resident's move between two villages of one township, 迁出 in one and
 * 迁入 in the other, through the township's register.
 *
 * The transfer row (a synced table) is written where the resident leaves: who, from
 * which village and household, to which village, since when, by which operator, and
 * the history that goes with the person (their audit trail, 便民服务 requests and
 * mediation roles in this village, and what earlier moves brought along), as JSON.
 * It travels up in the village's next package; the township sends it down to the
 * destination with the resident's row in a down package (sync-down.c); there the
 * resident waits, 迁出 and in no household, until a clerk places them in a household
 * (迁入), which travels up again.
 *
 * A resident's moves are numbered (leg 1, 2 ...) by the village they leave, which
 * holds every earlier one: the latest says which village keeps them now, whatever
 * the clocks of the villages say.
 *
 * The resident keeps their id everywhere: it is unique across the township, so the
 * township holds one row per person (ID numbers are UNIQUE), the destination's
 * updates of it apply to the township's row as to any other, and a move back finds
 * the row the village still has. */
#ifndef SZ_TRANSFER_H
#define SZ_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct form_registry;

/* Migration: the transfer table (schema.c). */
extern const char transfer_schema_v1[];

/* 迁出: resident (and, whole, every member of their household still 在册) moves out
 * to village `to` (12 digits, this township) on date (YYYY-MM-DD or YYYYMMDD; NULL
 * today) with an optional reason: living status 迁出 checked by the resident form,
 * out of the household (a head whose household keeps members is refused unless
 * whole), a transfer row each with the history. One transaction. The first
 * transfer's id in *first, how many moved in *count. 0, or -1 with *err (a refusal). */
int transfer_move_out(struct store *st, const struct form_registry *forms, int64_t resident, const char *to,
		      const char *date, const char *reason, bool whole, int64_t *first, int *count, char **err);

/* 迁入: an arrived resident (a transfer to this village not yet completed) placed in
 * household hh_no, existing, or new when new_household (then with address, and as its
 * head unless relation says otherwise). relation NULL: the relation they had (户主
 * in a new household). date NULL: today. One transaction. 0, or -1 with *err. */
int transfer_move_in(struct store *st, const struct form_registry *forms, int64_t resident, const char *hh_no,
		     bool new_household, const char *address, const char *relation, const char *date, char **err);

/* Whether this register is a village of a township, whose residents can move to
 * another village through it. */
bool transfer_here(struct store *st);
/* Why resident cannot move out to `to` (NULL: whatever village), or NULL. Caller frees. */
char *transfer_out_refusal(struct store *st, int64_t resident, const char *to, bool whole);
/* Why this register may no longer change resident, or NULL: they moved from here to
 * another village, whose register keeps them now (a change here would reach the
 * township behind that village's back). Asked by every clerk's change of a resident. */
char *transfer_left_refusal(struct store *st, int64_t resident);
/* The transfer waiting for a 迁入 here of this resident, 0 when none. */
int64_t transfer_arrival(struct store *st, int64_t resident);

/* One transfer as the lists show it (ID number masked). */
struct transfer_row {
	int64_t id, resident_id;
	char *name, *id_masked, *from, *to, *moved_out_on, *state, *sent, *moved_in_on;
	bool here;   /* a 迁入 waiting in this register */
};
/* The transfers this register knows, those still waiting first (only_open: only
 * those: at the township every move not yet completed, in a village the arrivals not
 * yet placed; a move out of the village is done there once recorded), newest first.
 * 0, or -1 with *err. */
int transfer_list(struct store *st, bool only_open, struct transfer_row **out, size_t *n, char **err);
void transfer_list_free(struct transfer_row *r, size_t n);

/* The history a transfer brought (or took) along, as text lines a clerk reads: the
 * village it came from, each audit entry (when, who, what), each service request
 * and mediation role, earlier villages' in turn. ID and phone numbers masked. NULL
 * when there is no such transfer. Caller frees. */
char *transfer_history_text(struct store *st, int64_t transfer_id);
/* The latest transfer of a resident (either way), 0 when none. */
int64_t transfer_of_resident(struct store *st, int64_t resident);

#endif
