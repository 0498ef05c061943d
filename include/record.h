/* record: a form's record in the register: its stored columns loaded into the form's
 * data, written back through the one audited write path, and a referenced record
 * shown by what a clerk knows it by. The screens' tui-record adds masking and drafts. */
#ifndef SZ_RECORD_H
#define SZ_RECORD_H

#include <stdint.h>

#include "form.h"

struct store;

/* Loads the stored columns of record id of the form's table into d and keeps them as
 * d's base (what a later save compares with). Unmasked. 0, or -1 with *err. */
int record_load(struct store *st, struct form_data *d, int64_t id, char **err);
/* Writes d's stored columns and the form version: an insert when *id is 0 (the new id
 * in *id), else an update of the fields changed since d's base, refused when another
 * session changed one of them too (store_conflicts). d is not reloaded. 0, or -1. */
int record_store(struct store *st, const struct form_data *d, int64_t *id, const char *reason,
		 char **err);
struct store_field;
/* The same, writing extra columns the form does not have (a declared register's
 * number and state) in the same audited write. */
int record_store_with(struct store *st, const struct form_data *d, int64_t *id,
		      const struct store_field *extra, size_t nextra, const char *reason, char **err);
/* A record of table (resident, household, grid, village) by its name or household
 * number; NULL when the table is another or the record is gone. Caller frees. */
char *record_ref_text(struct store *st, const char *table, const char *id);
/* The form's evaluator over the register (its code lists, lookups and derivations
 * read the register). NULL with *err. */
struct form_eval *record_form_eval(const struct form_def *def, struct store *st, char **err);

#endif
