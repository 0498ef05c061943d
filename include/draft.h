/* draft: a form being edited, saved as the clerk types, so that a killed process, a
 * closed terminal or a dropped SSH link loses nothing: the next start offers to
 * resume it exactly (the same form, the same record, the same values, the field and
 * the cursor in hand).
 *
 * The form engine (tui-form.c) saves a draft half a second after the last key and on
 * leaving a field with a change, and discards it once the record is saved or the
 * clerk leaves the form; a save takes its draft out in the save's own transaction.
 * A draft of an edit keeps the record as it was loaded (its base) beside what was
 * typed, so that a resumed draft is merged with the record as it is now, never
 * written over it. A draft is a row of the draft table (one per operator, form
 * and record; written in its own small transaction, durable at once with
 * synchronous=FULL), never a register write: nothing reaches the register or the
 * audit log until the clerk saves. */
#ifndef SZ_DRAFT_H
#define SZ_DRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct form_data;
struct tui;

struct draft {
	int64_t id;
	char *form;            /* form name ("resident") */
	int64_t record_id;     /* 0: a record not saved yet */
	char *title;           /* the form's English title */
	size_t field;          /* the field in hand */
	size_t cursor;         /* the cursor within it, in characters */
	char **names, **values; /* field names and values (NULL = empty) */
	char **bases;          /* an edit's: the record as loaded when typing began; NULL
				* for a new record or a draft older than that */
	size_t n;
	char *saved_at;        /* ISO time */
};

/* The record a form's data was loaded from or saved to (tui-record.c notes it);
 * draft_record_of gives 0 for a new record. draft_forget when the form closes. */
void draft_note_record(const struct form_data *d, int64_t id);
int64_t draft_record_of(const struct form_data *d);
void draft_forget(const struct form_data *d);

/* Saves (replaces) the draft of the store's operator for form/record. */
int draft_save(struct store *st, const char *title, const struct form_data *d, int64_t record_id,
	       size_t field, size_t cursor, char **err);
/* Removes that draft (saved, or given up). 0, or -1 when the register refused. */
int draft_discard(struct store *st, const char *form, int64_t record_id);
/* The operator's newest draft of one of the forms named (NULL-terminated; NULL:
 * any form); false when there is none. Free with draft_free. */
bool draft_latest(struct store *st, const char *const *forms, struct draft *out);
void draft_free(struct draft *d);

/* Resuming: draft_arm hands a draft (taken over) to the next form run on the same
 * form and record, which takes it with draft_take. */
void draft_arm(struct draft *d);
bool draft_take(const char *form, int64_t record_id, struct draft *out);

/* The screens that open a form for a draft: one row per form. */
struct draft_opener {
	const char *form;
	void (*open)(struct tui *t, int64_t record_id);
};

#endif
