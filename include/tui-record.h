/* tui-record: between the form engine and the store: a record's stored columns
 * loaded into a form, and written back through the one audited write path; and the
 * picklist of a code list, filtered by code, label or pinyin initials. */
#ifndef SZ_TUI_RECORD_H
#define SZ_TUI_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "form.h"
#include "tui-core.h"

/* Loads the stored columns of record id of the form's table into d, and keeps them as
 * d's base (what a later save compares with). 0, or -1 with *err. */
int tui_record_load(struct tui *t, struct form_data *d, int64_t id, char **err);
/* What tui_record_load does after the load, for a record its register's model loaded
 * (ledger_load): noted for drafts, masked for the role, kept as d's base. */
void tui_record_loaded(struct tui *t, struct form_data *d, int64_t id);
/* Writes d's stored columns and the form version through the one write path: an
 * insert when *id is 0 (the new id in *id), else an update of the fields changed
 * since d's base, refused when another session changed one of them too
 * (store_conflicts). Then d is loaded again: the record as stored. 0, or -1 with *err. */
int tui_record_store(struct tui *t, struct form_data *d, int64_t *id, const char *reason,
		     char **err);
/* Lets the clerk pick an item of cl in a popup, filtered as he types; true with its
 * index in *idx. */
bool tui_code_pick(struct tui *t, const char *title, const struct codelist *cl, size_t *idx);

#endif
