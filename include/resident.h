/* resident: the residents of the register: what the screens ask about one (its
 * name, household, another resident with the same ID number or name and birth date),
 * saving the resident form with the household's head rule, the living status
 * checked by the resident form's own rules (forms/resident.form), and unmasking. */
#ifndef SZ_RESIDENT_H
#define SZ_RESIDENT_H

#include <stdint.h>

#include "form.h"

struct store;

/* A resident's name, NULL when there is no such resident. Caller frees. */
char *resident_name(struct store *st, int64_t id);
/* The household a resident belongs to, 0 when none. */
int64_t resident_household(struct store *st, int64_t id);
/* Another resident (not self) with this ID number: its id, with its name and birth
 * date ("?" when unknown) in *name and *birth (caller frees); 0 when there is none. */
int64_t resident_id_owner(struct store *st, const char *id_number, int64_t self, char **name, char **birth);
/* Residents but self with this name and birth date, one "\nname ID household address"
 * line each (ID numbers masked), at most five; NULL when there is none. Caller frees. */
char *resident_duplicates(struct store *st, const char *name, const char *birth, int64_t self);
/* Saves the resident form's record d (a new one when *id is 0; its id in *id) and,
 * when its relation is the head's and its household has none, makes it the head: one
 * transaction. d is not reloaded. 0, or -1 with *err. */
int resident_save(struct store *st, const struct form_data *d, int64_t *id, char **err);
/* Records the unmasking of a resident's ID and phone numbers with reason (an audit
 * entry), then gives them in full with the name (caller frees the three). 0, or -1. */
int resident_unmask(struct store *st, int64_t id, const char *reason, char **name, char **id_number,
		    char **phone, char **err);

/* The living status fields, in the order of values[] below. */
enum resident_status_field { RESIDENT_STATUS_CODE, RESIDENT_STATUS_DATE, RESIDENT_STATUS_REASON,
			     RESIDENT_STATUS_NFIELDS };
/* Sets a resident's living status (code of codes/living_status), its date and reason
 * (NULL or "" when empty) once the resident form's rules accept the record with them:
 * values are normalised as the form does (20260115 -> 2026-01-15), and a refusal is
 * the form's first message on these fields (-1, *err, the field at fault in *field).
 * Written through the audited write path with the reason. */
int resident_set_status(struct store *st, const struct form_registry *forms, int64_t id, const char *code,
			const char *date, const char *reason, enum resident_status_field *field, char **err);

#endif
