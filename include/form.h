/* form: declarative form definitions and code lists from forms/, and the one
 * validation path shared by the screens and by import.
 *
 * Files (UTF-8; see forms/README.md for the format):
 *   forms/<name>.form       a form: [form] header, then one [field NAME] section each
 *   forms/codes/<name>.codes a code list: "code<TAB>English label" lines
 * Labels, hints and messages are English message ids translated through gettext at
 * draw time. Definitions load from the shipped folder, then from a local override
 * folder whose files replace the shipped ones of the same name. Parse errors are
 * collected as "file:line: what is wrong" and never abort.
 *
 * Expressions (constraint, relevant, derive, default) are SQLite expressions evaluated
 * as `SELECT <expr>` with every field bound as :name (NULL when empty), prepared once
 * per form on the store's connection. */
#ifndef SZ_FORM_H
#define SZ_FORM_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_type {
	FIELD_TEXT,
	FIELD_INTEGER,
	FIELD_DECIMAL,
	FIELD_DATE,       /* YYYY-MM-DD; also accepts YYYYMMDD and YYYY/MM/DD */
	FIELD_CHOICE,     /* one code from a code list */
	FIELD_MULTI,      /* codes from a code list, comma-separated */
	FIELD_IDNUMBER,
	FIELD_PHONE,
	FIELD_REF,        /* id of a record in another table, picked by search */
	FIELD_MEMO,
	FIELD_TYPE_COUNT
};

struct code_item {
	char *code;
	char *label;      /* English message id */
	char *note;       /* the third column (the standard's Chinese term), or NULL */
};

/* A code list's item by the hash of its code (item: index + 1, 0 for an empty
 * slot), with the code's length to compare first. */
struct code_slot {
	uint32_t item;
	uint32_t len;
};

struct codelist {
	char *name;
	struct code_item *items;
	size_t n;
	/* the items by code, open addressing: an import asks a list about a code some
	 * twenty times a row */
	struct code_slot *slots;
	size_t nslots;     /* a power of two, at least twice n */
};

struct field_def {
	char *name;           /* column name in the form's table */
	char *label;
	char *help;           /* F1 */
	enum field_type type;
	bool required;
	char *required_msg;
	int min_len, max_len; /* in characters; 0 = unbounded */
	char *default_expr;
	bool readonly;
	char *constraint;     /* SQL expression that must be true */
	char *constraint_msg;
	char *relevant;       /* SQL expression: show and check only when true */
	char *derive;         /* SQL expression recomputed when its inputs change */
	char *choices;        /* code list name */
	const struct codelist *list;
	char *ref_table;
	/* SQL query (SELECT ...) whose first column lists the values the field accepts,
	 * read from the register (a village's groups): typed, picked with F4, checked */
	char *lookup;
	int width;            /* display columns of the input box; 0 = from max_len */
	int line;             /* where it was defined, for messages */
	bool column;          /* false ("column = no"): shown only (age), not stored */
	/* lines of default, constraint, relevant, derive: form_eval_new names them */
	int default_line, constraint_line, relevant_line, derive_line, lookup_line;
};

struct form_def {
	char *name;
	char *title;
	char *table;
	int version;
	char *file;
	struct field_def *fields;
	size_t nfields;
	char *check;          /* optional whole-record SQL check and its message */
	char *check_msg;
	int check_line;
};

struct form_registry;
struct strbuf;

/* The [field NAME] sections of another kind of definition file (a declared register,
 * ledger.c) read by the forms' one field parser, fed line by line: the keys, types,
 * checks and messages are exactly those of a .form file. Problems go to errors as
 * "file:line: ...". */
struct form_fields;
struct form_fields *form_fields_begin(const struct form_registry *reg, const char *file,
				      struct strbuf *errors);
/* A "[field NAME]" header at line; false when it was refused (its keys are then
 * ignored until the next section). */
bool form_fields_section(struct form_fields *ff, int line, const char *header);
/* A "key = value" line of the current field. */
void form_fields_key(struct form_fields *ff, int line, const char *text);
/* Ends the current field (checks what it lacks) before a section of another kind. */
void form_fields_close(struct form_fields *ff);
/* The fields read, as a form with no name, title or table yet (the caller fills
 * them with malloc'ed strings); frees ff. Free with form_def_free. */
struct form_def *form_fields_end(struct form_fields *ff);
/* A copy of the form with the fields keep(ctx, i) says yes to, in order. */
struct form_def *form_def_subset(const struct form_def *from, bool (*keep)(void *ctx, size_t i),
				 void *ctx);
void form_def_free(struct form_def *def);

/* Loads every *.form and codes/\*.codes under dir, then under override_dir (may be
 * NULL or missing), under datafiles_load's policy: a broken local file is reported
 * and the shipped one used, a broken file with no shipped one is left out. Problems
 * are appended to *errors, one "file:line: ..." line each; what is loaded is sound. */
struct form_registry *form_registry_load(const char *dir, const char *override_dir,
					 char **errors);
void form_registry_free(struct form_registry *reg);
/* The registry of the shipped and local forms folders (paths.h), loaded once, for
 * the model modules that check a record with its form (the screens have their own). */
const struct form_registry *form_registry_default(void);
size_t form_count(const struct form_registry *reg);
const struct form_def *form_get(const struct form_registry *reg, const char *name);
/* The form named after table, else the first form of table (service for
 * service_request), or NULL. */
const struct form_def *form_for_table(const struct form_registry *reg, const char *table);
const struct codelist *form_codelist(const struct form_registry *reg, const char *name);
/* Translated label of a code, or NULL when the code is not in the list (an orphan
 * value is shown as its raw code, never dropped). */
const char *codelist_label(const struct codelist *cl, const char *code);
/* Registers sz_code(list, code) on db: the label of code in the code list named list
 * (the shipped and local forms, form_registry_default), or code itself when the list
 * does not hold it (an orphan value stays visible), NULL for NULL. Reports name their
 * categories with it, so a code added to a list shows up without editing their SQL. */
int form_sql_register(sqlite3 *db);
/* True when code is one of the list's codes (no translation: a check per row). */
bool codelist_has(const struct codelist *cl, const char *code);
/* The index of the item whose code is the n bytes at code, or -1. */
long codelist_index(const struct codelist *cl, const char *code, size_t n);
/* Finds the code for a typed code or a label in any language (户主 -> 02). */
const char *codelist_find(const struct codelist *cl, const char *code_or_label);
/* The code whose standard Chinese term (the list's third column) is term, or NULL. */
const char *codelist_find_term(const struct codelist *cl, const char *term);
/* The one code whose shown label has these pinyin initials (db -> 低保, brackets
 * optional: tkgy or tkgywb -> 特困供养（五保）), or NULL when none or several do. */
const char *codelist_find_initials(const struct codelist *cl, const char *initials);
/* A multi-choice value as typed (codes, labels, pinyin initials; separated by commas,
 * 、 ， ；, or spaces) as the stored codes, comma-separated in list order; entries
 * that match nothing are kept as typed after them. Caller frees. */
char *form_multi_codes(const struct codelist *cl, const char *typed);

/* The values of one record being edited: values[i] belongs to fields[i], UTF-8,
 * NULL or "" when empty. */
struct form_data {
	const struct form_def *def;
	char **values;
	/* The stored record as it was loaded (NULL: a new record): a save writes only
	 * what differs from it, and finds what another session changed meanwhile. */
	char **base;
	/* The stored record's id (0: a new one, or a form that keeps none): a rule's
	 * :id, when the form has no field called id, is bound to it (NULL for 0), so a
	 * check can leave the record itself out of what it sums. */
	int64_t id;
};

void form_data_init(struct form_data *d, const struct form_def *def);
void form_data_free(struct form_data *d);
void form_data_set(struct form_data *d, size_t field, const char *value);
/* The same from the n bytes at value (none when n is 0); a value equal to the one
 * the field holds leaves it as it is (an import's codes repeat from row to row). */
void form_data_set_n(struct form_data *d, size_t field, const char *value, size_t n);
/* The same, taking value (freed when empty): no copy of what the caller made anyway. */
void form_data_take(struct form_data *d, size_t field, char *value);
int form_field_index(const struct form_def *def, const char *name);
/* The value of the field called name, NULL when empty or the form has no such field. */
const char *form_data_value(const struct form_data *d, const char *name);
/* The values as they are now become the base (the record was just loaded or saved). */
void form_data_keep_base(struct form_data *d);
/* Sets one field's base (a resumed draft's, or another session's value taken over). */
void form_data_set_base(struct form_data *d, size_t field, const char *value);

struct form_problem {
	size_t field;         /* def->nfields for the whole-record check */
	char *message;        /* translated, names the field */
};

struct form_check {
	struct form_problem *items;
	size_t n;
};

struct form_eval;  /* prepared expressions of one form on one connection */
struct form_eval *form_eval_new(const struct form_def *def, sqlite3 *db, char **err);
/* From now on a ref field's id must name a record of its table: "Household: there
 * is no record 99999" otherwise. For what a clerk or a command types as an id (the
 * declared registers); an import that makes a household with its first member
 * checks the household its own way. */
void form_eval_check_refs(struct form_eval *ev);
void form_eval_free(struct form_eval *ev);
/* True when an expression of the form reads a table (a rule such as
 * `:phone NOT IN (SELECT phone FROM resident)`): its answers depend on the data of
 * the connection it was prepared on, not only on the record. */
bool form_eval_reads_tables(const struct form_eval *ev);

/* The values field accepts for the record as it is now (its lookup query), in the
 * query's order, into *out (each caller-freed, and the array); -1 when the field has
 * no lookup or the query fails, else the count. */
int form_lookup_values(struct form_eval *ev, const struct form_data *d, size_t field, char ***out);
/* On: from now on a lookup's values are kept by the parameter values it ran with,
 * and a lookup with the same values again is not run: for a load whose own writes
 * leave what the lookups read alone (an import: 300,000 new households, each one's
 * 村民小组 checked against the same few lists). Calling it again (on) forgets them,
 * after a write that may change a list; off forgets them and stops. */
void form_eval_remember_lookups(struct form_eval *ev, bool on);

/* Normalises values in place (ID numbers, full-width digits, dates, codes typed as
 * labels) and recomputes derivations; changed is the field just edited or -1 for all
 * (-1 also fills empty fields from their defaults: call it once on a new record).
 * A derived value is not overwritten when the clerk typed one (it is checked instead). */
void form_normalize_and_derive(struct form_eval *ev, struct form_data *d, int changed);
bool form_field_relevant(struct form_eval *ev, const struct form_data *d, size_t field);
/* Runs every check: required, length, type, code lists, ID number, constraints,
 * the record check. Fills *out (free with form_check_free); returns out->n. */
size_t form_validate(struct form_eval *ev, const struct form_data *d, struct form_check *out);
void form_check_free(struct form_check *c);
/* How a model function checks a record it is given with the form a screen uses:
 * prepares def on db, empties the fields that are not relevant (in field order, so
 * each sees the earlier ones emptied) and returns the first problem form_validate
 * finds, as it says it (caller frees), or NULL. */
char *form_record_refusal(const struct form_def *def, sqlite3 *db, struct form_data *d);
/* The same with an evaluator the caller prepared (and frees). */
char *form_eval_refusal(struct form_eval *ev, struct form_data *d);
/* Text to show for a stored value: code label, masked nothing (masking is the
 * screen's business). Caller frees. */
char *form_display_value(const struct field_def *f, const char *value);

#endif
