/* tui-form: the one form screen engine. It renders any form_def, edits the field in
 * hand with fedit, accepts a typed code in a choice field, opens a picklist filtered as
 * you type on F4, derives on leaving a field, hides fields whose relevance is false,
 * and shows problems beside the field and on the message line. A register screen
 * supplies callbacks (save, reference pick, its own keys); it never runs its own loop.
 *
 * Values live in the form_data and the field editor, never only on the screen, so a
 * resize redraws everything that was typed. */
#ifndef SZ_TUI_FORM_H
#define SZ_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fedit.h"
#include "form.h"
#include "tui-core.h"

struct tui_form;

struct tui_form_ops {
	void *ctx;
	/* After the clerk left field i with a changed value (derivations done); may show
	 * dialogs and change values. May be NULL. */
	void (*field_left)(void *ctx, struct tui_form *f, size_t field);
	/* F2 once validation passed: writes the record; 0, or -1 with *err. */
	int (*save)(void *ctx, struct tui_form *f, char **err);
	/* Text beside a reference field's value (household number and address). Caller
	 * frees; NULL shows nothing. May be NULL. */
	char *(*ref_text)(void *ctx, const struct field_def *fd, const char *value);
	/* F4 on a reference field: the new value (caller frees) or NULL. May be NULL. */
	char *(*ref_pick)(void *ctx, struct tui_form *f, size_t field);
	/* F4 on a text field: the register's own list (a mediator's name to add). False
	 * when the field has none; true with the new value in *picked (caller frees),
	 * NULL when the clerk went back. May be NULL. */
	bool (*text_pick)(void *ctx, struct tui_form *f, size_t field, char **picked);
	/* Keys the engine does not use itself (F3, F5, F8, F9...): true when handled.
	 * May be NULL. */
	bool (*key)(void *ctx, struct tui_form *f, int key);
	/* Lines about the record shown under the fields (a declared register's state,
	 * steps and linked records), asked at each whole redraw; caller frees; NULL or ""
	 * shows none. May be NULL. */
	char *(*footer)(void *ctx, struct tui_form *f);
	/* Screen-specific entries of the key bar, after the common ones. */
	const struct tui_hint *hints;
	size_t nhints;
};

struct tui_form {
	struct tui *t;
	struct form_data *data;
	struct form_eval *ev;
	const struct tui_form_ops *ops;
	const char *title;       /* English message id */
	size_t cur;              /* the field in hand */
	struct fedit edit;       /* its editor */
	size_t *shown;           /* indexes of the relevant fields, in order */
	size_t nshown;
	size_t top;              /* first shown field on the screen */
	bool *touched;           /* fields left at least once: their problems show */
	struct form_check problems;
	bool dirty;              /* changed since the last save */
	bool close;              /* a callback asks to leave the form */
	bool draft_pending;      /* typed since the draft was last saved (draft.h) */
	int64_t draft_key;       /* the record the draft was keyed on when the form opened */
	/* The character typed into a reference field that opened its picker: ref_pick
	 * starts its search with it, so nothing typed is lost. NULL after F4. */
	const char *pick_query;
	char **footer;           /* ops->footer's lines as last drawn */
	size_t nfooter;
};

/* Runs the form on data (values already loaded; is_new fills defaults) until the
 * clerk goes back. Returns true when the record was saved at least once. */
bool tui_form_run(struct tui *t, const char *title, struct form_data *data, bool is_new,
		  const struct tui_form_ops *ops);

/* For callbacks: sets a field's value (the editor too, when it is the field in hand),
 * derives and redraws. */
void tui_form_set(struct tui_form *f, size_t field, const char *value);
/* The current value of a field, including what is being typed. Borrowed. */
const char *tui_form_value(struct tui_form *f, size_t field);
/* Redraws the whole form (after a callback's dialog). */
void tui_form_draw(struct tui_form *f);

#endif
