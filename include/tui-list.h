/* tui-list: the one list screen engine. A register supplies a fetch callback (rows for a
 * query, a page at a time) and a key callback; the engine draws the rows, keeps the
 * search line, pages with the arrows and PgUp/PgDn, and refetches as the clerk types.
 * The same engine draws a picklist in a popup (F4). */
#ifndef SZ_TUI_LIST_H
#define SZ_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui-core.h"
#include "util.h"

struct rowset;

/* One page of rows: each a display line (UTF-8, padded by the caller) and a key. */
struct tui_rows {
	char **text;
	int64_t *key;
	size_t n;
	bool *strong;      /* rows drawn in bold (tui_rows_mark); NULL when none is */
	size_t nstrong;
};

void tui_rows_add(struct tui_rows *r, int64_t key, char *text);  /* takes text */
/* Draws the row added last in bold (an overdue request in a work list). */
void tui_rows_mark(struct tui_rows *r);
void tui_rows_free(struct tui_rows *r);

enum tui_list_action {
	TUI_LIST_STAY,     /* nothing to do */
	TUI_LIST_RELOAD,   /* the data changed: fetch again and redraw */
	TUI_LIST_CLOSE,    /* leave the list */
};

struct tui_list_def {
	const char *title;     /* English message ids, translated at draw time */
	const char *header;    /* column heads, already laid out to the row format */
	bool query;            /* a search line that filters as the clerk types */
	const char *query_label;
	const struct tui_hint *hints;
	size_t nhints;
	void *ctx;
	/* The rows, one of three ways. A model query (rowset.h): the page of rows matching
	 * query from offset, at most limit; each row's key is in column key_col and its
	 * line is made by line (*strong: drawn in bold). 0 or -1 with *err. */
	int (*rows)(void *ctx, const char *query, size_t offset, size_t limit, struct rowset *out, char **err);
	char *(*line)(void *ctx, const struct rowset *r, size_t i, bool *strong);
	size_t key_col;
	/* Or lines made here: rows matching query from offset, at most limit (whole: every
	 * row, offset 0 and no limit, paged by the engine: a short list kept in memory);
	 * 0 or -1 with *err. */
	int (*fetch)(void *ctx, const char *query, size_t offset, size_t limit,
		     struct tui_rows *out, char **err);
	bool whole;
	/* Keys the engine leaves to the register (Enter, F-keys); sel is the selected
	 * row's key, or -1 when the list is empty. May be NULL in a picklist. */
	enum tui_list_action (*on_key)(void *ctx, struct tui *t, int key, int64_t sel);
};

/* Runs the list full-screen until on_key closes it or the clerk goes back. */
void tui_list_run(struct tui *t, const struct tui_list_def *def, const char *initial_query);
/* Runs the list in a popup; Enter picks. True with the row's key in *key. */
bool tui_list_pick(struct tui *t, const struct tui_list_def *def, const char *initial_query,
		   int64_t *key);

/* Lays out one column: utf8 fitted to cols display columns plus a space. */
void tui_col(struct strbuf *sb, const char *utf8, int cols);

#endif
