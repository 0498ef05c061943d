/* ledger: declared registers (台账, issue 17). A register is one file
 * forms/registers/NAME.register (format: forms/registers/README.md): its fields (the
 * form language), list columns and search, life cycle (states, transitions, who may
 * make each, deadlines), printouts and reports. This module loads the declarations,
 * makes and migrates their tables, saves records and makes transitions through the
 * one audited write path, and answers the lists, reports and printouts the screens
 * (tui-ledger*.c) and commands (cli-ledger.c) show. No screen code here.
 *
 * Tables: ledger_NAME(id, <one column per field>, number, state, state_since, due,
 * opened_on, created_at, updated_at, form_version); ledger_step(id, ledger, record_id, transition,
 * from_state, to_state, at, operator_id, note), shared; ledger_meta(name, version,
 * columns): what each register's table was made from.
 *
 * Contract as store.h: int functions give 0 or -1 with a translated, caller-freed
 * message in *err (err may be NULL). Every function taking a store makes sure the
 * register's table exists and is migrated (ledger_migrate) before it reads. */
#ifndef SZ_LEDGER_H
#define SZ_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "form.h"

struct store;
struct rowset;
struct statsheet;

/* ---- the declarations ---- */

enum ledger_unit { LEDGER_DAYS, LEDGER_WORKDAYS };

/* "N days" or "N workdays"; n == 0: no deadline. */
struct ledger_deadline {
	int n;
	enum ledger_unit unit;
};

struct ledger_state {
	char *name;
	char *label;                  /* English msgid or Chinese text: show with _() */
	struct ledger_deadline deadline;  /* must be left within this of entering it */
	bool final;                   /* no deadline runs, never overdue */
	bool stop_deadline;           /* stop_deadline = yes: the whole life cycle's deadline no
				       * longer runs here (a 24-day approval promise met; the
				       * building after it has its states' own deadlines) */
	int line;
};

struct ledger_transition {
	char *name;
	char *label;
	char **from;                  /* state names */
	size_t nfrom;
	char *to;
	char **roles;                 /* access roles (access.h) that may make it */
	size_t nroles;
	char *check;                  /* SQL expression over the record after the step, or NULL */
	char *check_msg;
	int line, check_line;
	/* The fields the transition dialog asks (their [field]s have stage = NAME), as
	 * a form over the register's table: validate with it, show it. Always set (a
	 * transition asking nothing has a form with no fields). */
	struct form_def *form;
};

struct ledger_print {
	char *name;
	char *title;
	char **lines;                 /* with {field}, {field:raw}, {number}, {state}, {today}, {village} */
	size_t nlines;
	int line;
};

enum ledger_period { LEDGER_PERIOD_NONE, LEDGER_PERIOD_MONTH, LEDGER_PERIOD_YEAR };

struct ledger_report {
	char *name;                   /* unique over every register: `shanzhi report NAME` */
	char *title;
	enum ledger_period period;    /* the :from and :to dates the query is given */
	char *query;                  /* read-only SELECT; column names are headings (msgids) */
	char *chart;                  /* the column drawn as bars, or NULL (the last one) */
	double ref_line;              /* a reference line on the chart (95), when has_ref_line */
	bool has_ref_line;
	int line, query_line;
};

/* [earn REGISTER]: each new record of REGISTER (the source) makes the records of
 * this register that query yields, one per row, each column a field (文明积分 from
 * taking part in an activity, from a round sorted right). The query sees the source
 * record's fields as :name and its id as :id; the records are saved through
 * ledger_save in the source's transaction, so this register's rules (a balance never
 * below zero) hold for them and a refusal refuses the source record too. */
struct ledger_earn {
	char *from;                   /* the source register's name */
	char *query;
	int line, query_line;
};

struct ledger_def {
	char *name;                   /* letters, digits, _ */
	char *table;                  /* "ledger_" name */
	char *title;
	char *menu;                   /* menu group; registers with the same one share an entry */
	int menu_order;               /* menu_order = N: groups and registers sorted by it (then
				       * file name); LEDGER_MENU_ORDER_DEFAULT when not said */
	int version;
	char *number;                 /* "走访{year}-{seq:4}" or NULL: no record number */
	char **list;                  /* list columns: field names, or state, number, deadline */
	size_t nlist;
	char **search;                /* fields the list's search matches */
	size_t nsearch;
	char *order;                  /* SQL: "\"date\" DESC" (a column and ASC/DESC); default id DESC */
	char ***indexes;              /* index = a, b; c: extra indexes (report queries), */
	size_t *index_cols;           /* each of index_cols[i] column names */
	size_t nindexes;
	struct ledger_deadline deadline;  /* of the whole life cycle (from created), or n = 0 */
	struct form_def *form;        /* the main form: the fields with no stage */
	struct form_def *columns;     /* every field, main and stage ones: the table's columns */
	struct ledger_state *states;  /* first = initial; none: no life cycle */
	size_t nstates;
	struct ledger_transition *transitions;
	size_t ntransitions;
	struct ledger_print *prints;
	size_t nprints;
	struct ledger_report *reports;
	size_t nreports;
	struct ledger_earn *earns;
	size_t nearns;
	char *file;                   /* where it was declared */
	int line;                     /* of [register] */
};

struct ledger_set;

/* The menu_order of a register that does not say: after those that do. */
#define LEDGER_MENU_ORDER_DEFAULT 1000

/* Loads dir/registers/\*.register then override/registers/ (either may be NULL or
 * missing) under datafiles_load's policy (a broken local file: the shipped one is
 * used; a broken new one is left out). forms gives the code lists fields name.
 * Problems are appended to *errors (may be NULL), one "file:line: what" each. What
 * is loaded is sound. Never NULL. */
struct ledger_set *ledger_set_load(const struct form_registry *forms, const char *dir,
				   const char *override, char **errors);
void ledger_set_free(struct ledger_set *s);
/* The shipped and local registers (paths.h, form_registry_default), loaded once. */
const struct ledger_set *ledger_set_default(void);
size_t ledger_count(const struct ledger_set *s);
const struct ledger_def *ledger_at(const struct ledger_set *s, size_t i);
const struct ledger_def *ledger_find(const struct ledger_set *s, const char *name);
/* The register whose report is called name (in *report), or NULL. */
const struct ledger_def *ledger_find_report(const struct ledger_set *s, const char *name,
					    const struct ledger_report **report);

const struct form_def *ledger_form(const struct ledger_def *d);
/* The stage form of a transition, NULL when the register has no such transition. */
const struct form_def *ledger_stage_form(const struct ledger_def *d, const char *transition);
const struct ledger_state *ledger_state(const struct ledger_def *d, const char *name);
const struct ledger_transition *ledger_transition(const struct ledger_def *d, const char *name);
const struct ledger_print *ledger_print_def(const struct ledger_def *d, const char *name);
/* Translated label of a state ("" for NULL; the name when unknown). */
const char *ledger_state_label(const struct ledger_def *d, const char *state);

/* ---- tables ---- */

/* The schema step (schema.c) of what every register shares: ledger_meta, ledger_step. */
extern const char ledger_schema_v1[];

/* Creates or migrates every register's table (ledger_meta: a new field adds a
 * column, a removed one is kept, a lower version than stored is refused), then
 * prepares every field rule and report query against them: each problem appended
 * to *errors as "file:line: what" (errors may be NULL). -1 with *err only when the
 * database could not be changed or a version is lower than stored. */
int ledger_migrate(struct store *st, const struct ledger_set *s, char **errors, char **err);
/* Internal (ledger_set_free): the set is no longer the one migrated. */
void ledger_store_forget(const struct ledger_set *s);

/* ---- records ---- */

/* Columns of ledger_list's rows: these, then one per d->list entry (raw values;
 * show them with ledger_cell_text). */
enum ledger_list_col {
	LEDGER_COL_ID,
	LEDGER_COL_NUMBER,
	LEDGER_COL_STATE,             /* state name (NULL: no life cycle) */
	LEDGER_COL_DUE,               /* YYYY-MM-DD or NULL */
	LEDGER_COL_OVERDUE,           /* "1" when due < today and the state is not final */
	LEDGER_COL_FIRST              /* d->list[0] */
};

/* A page of the register's records in its order, those matching search (words
 * matched as substrings of the search fields and the number; NULL or "": all). */
int ledger_list(struct store *st, const struct ledger_def *d, const char *search,
		size_t offset, size_t limit, struct rowset *out, char **err);
/* How many records match search (as ledger_list); -1 on failure. It reads every
 * matching record: on a large register ask it once, not at each keystroke. */
int64_t ledger_list_count(struct store *st, const struct ledger_def *d, const char *search);
/* Makes sure the register's table is there and migrated (a report's query prepares
 * against it), without reading its rows. 0, or -1 with *err. */
int ledger_ready(struct store *st, const struct ledger_def *d, char **err);
/* A list cell or field value as a clerk reads it: a code's label, a referenced
 * record's name, a state's label, the value itself otherwise. column is a field
 * name, "state", "number" or "deadline". Caller frees. */
char *ledger_cell_text(struct store *st, const struct ledger_def *d, const char *column,
		       const char *value);

/* What the engine keeps of a record beside its fields. */
struct ledger_record_info {
	char *number, *state, *state_since, *due;   /* NULL when none */
	char *opened_on;              /* the day it was saved first: the whole deadline runs from it */
	bool overdue;
};
/* Loads record id's main-form fields into rec (form_data_init'ed with ledger_form)
 * and, when info is not NULL, its number, state and due (free with
 * ledger_record_info_free). */
int ledger_load(struct store *st, const struct ledger_def *d, int64_t id, struct form_data *rec,
		struct ledger_record_info *info, char **err);
void ledger_record_info_free(struct ledger_record_info *info);
/* Records saved and steps made from now on are dated day (YYYY-MM-DD; their
 * opened_on, number year, due and history time) instead of today; NULL restores the
 * real clock. For demo data spread over a plausible year, not for clerks' work. */
void ledger_clock_set(const char *day);
/* While on, ledger_save and ledger_step on st check new records and steps with each
 * form's evaluator prepared once, not once per record (a demo's thousands of saves);
 * off frees them. Edits keep an evaluator of their own. */
void ledger_keep_evaluators(struct store *st, bool on);
/* Validates rec with the main form and writes it: *id == 0 inserts (the number, the
 * initial state and its due are given; the new id in *id), else updates the fields
 * changed since rec's base. Audited, one transaction. The form's refusal in *err
 * naming the field. */
int ledger_save(struct store *st, const struct ledger_def *d, struct form_data *rec,
		int64_t *id, char **err);

/* The transitions of record id's current state that this operator's role may make,
 * in declaration order, into *out (caller frees the array, not the items); the count,
 * or -1. */
int ledger_transitions_open(struct store *st, const struct ledger_def *d, int64_t id,
			    const struct ledger_transition ***out, char **err);
/* Makes a transition: refused (exit 3 material) when the record's state is not one
 * of its from states, the operator's role is not in roles, an asked field fails the
 * stage form, or check is false. asked is form_data of ledger_stage_form (may be
 * NULL when it asks nothing); note (may be NULL) goes to the history. Writes the
 * fields, state, state_since, due and one ledger_step row in one transaction. */
int ledger_step(struct store *st, const struct ledger_def *d, int64_t id, const char *transition,
		struct form_data *asked, const char *note, char **err);

/* Columns of ledger_history's rows, oldest first. */
enum ledger_history_col {
	LEDGER_HIST_AT, LEDGER_HIST_TRANSITION, LEDGER_HIST_FROM, LEDGER_HIST_TO,
	LEDGER_HIST_OPERATOR, LEDGER_HIST_NOTE
};
int ledger_history(struct store *st, const struct ledger_def *d, int64_t id, struct rowset *out,
		   char **err);

/* Columns of ledger_overdue's rows. */
enum ledger_overdue_col {
	LEDGER_OD_REGISTER, LEDGER_OD_ID, LEDGER_OD_NUMBER, LEDGER_OD_STATE, LEDGER_OD_DUE
};
/* Records of every register of s whose due date is before today (store_today) and
 * whose state is not final, most overdue first, at most limit (0: all). */
int ledger_overdue(struct store *st, const struct ledger_set *s, size_t limit, struct rowset *out,
		   char **err);
/* Counts of d's records due today or earlier (not final) and overdue (before today). */
int ledger_due_counts(struct store *st, const struct ledger_def *d, int64_t *due, int64_t *overdue,
		      char **err);

/* ---- reports and printouts ---- */

/* "2026-05" -> 2026-05-01..2026-05-31, "2026" -> 2026-01-01..2026-12-31. -1 when
 * period is neither. */
int ledger_period_range(const char *period, char from[11], char to[11]);
/* Runs a report for :from..:to (ignored for period none) into out: one row per
 * result row (label = first column, cells = the rest, value = the chart column),
 * the first summary line the column headings joined by TABs. */
int ledger_report(struct store *st, const struct ledger_def *d, const char *report,
		  const char *from, const char *to, struct statsheet *out, char **err);
/* The report as `shanzhi report NAME` prints it: a CJK-aligned table cut at 80
 * columns, or CSV. Caller frees; NULL with *err. */
char *ledger_report_text(struct store *st, const struct ledger_def *d, const char *report,
			 const char *period, bool csv, char **err);
/* The report's rows for period as ledger_report_text reads them (all text) and its
 * column headings translated into *heads (free with ledger_report_heads_free). */
int ledger_report_rows(struct store *st, const struct ledger_def *d, const char *report, const char *period,
		       struct rowset *rows, char ***heads, char **err);
void ledger_report_heads_free(char **heads);
struct strbuf;
/* Appends a table as `shanzhi report` and `shanzhi ledger NAME list` print it: the
 * headings, then nrows rows of ncols cells (NULL: empty), columns two spaces apart,
 * CJK-aligned, the widest cut with "…" until a line fits in 80 columns. */
void ledger_table_text(struct strbuf *sb, const char *const *heads, size_t ncols,
		       const char *const *cells, size_t nrows);
/* The printout of record id: UTF-8 lines with the audit anchor footer, ready for
 * printout_deliver. Caller frees; NULL with *err. */
char *ledger_print(struct store *st, const struct ledger_def *d, const char *print, int64_t id,
		   char **err);

#endif
