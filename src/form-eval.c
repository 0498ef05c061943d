/* form-eval: a form's expressions evaluated by SQLite, normalisation, derivation and
 * the one validation path shared by the screens and by import.
 *
 * Every expression of a form is prepared once, as `SELECT (<expr>)`, on the store's
 * connection; each :name parameter is mapped to its field when prepared, so a typo in
 * a definition is reported as file:line before a clerk ever sees the form. Values are
 * bound as text, or as numbers for integer, decimal and ref fields so that `:n > 5`
 * compares numbers. A constraint passes when it is true or NULL, as an SQL CHECK does,
 * so `:phone GLOB ...` says nothing about an empty phone number. */
#include "form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include "civil.h"
#include "i18n.h"
#include "idcard.h"
#include "sqlfn.h"
#include "text.h"
#include "util.h"

/* The value of an expression for one set of parameter values. */
struct expr_value {
	bool null;
	bool truth;        /* non-zero as a number */
	char *text;        /* NULL when null */
};

/* The last results of a pure expression by its parameter values: an import checks a
 * million rows whose relation, living status and the like repeat, and each row's
 * validation re-runs the derivations its normalisation just ran. */
#define MEMO_SLOTS 8
#define MEMO_KEY_MAX 256
struct memo_slot {
	char key[MEMO_KEY_MAX];
	size_t key_len;    /* 0: empty slot */
	struct expr_value v;
};

/* One prepared expression and, for each of its parameters, the field it reads. */
struct expr {
	sqlite3_stmt *stmt;
	int *param_field;  /* [i] for parameter i + 1: a field, or PARAM_ID */
	int nparams;
	bool pure;         /* reads no table and calls only pure functions: memoised */
	bool reads;        /* reads a table */
	bool truth_only;   /* a rule or a relevance: its text is never read */
	sqlfn_unary direct;       /* a bare call fn(:field) of one of these: run without SQL */
	/* [i]: parameter i + 1 is only ever tested with IS [NOT] NULL, so the memo keys
	 * it by whether it is empty (the ID number in :id_number IS NOT NULL) */
	bool *null_only;
	struct memo_slot *memo;   /* MEMO_SLOTS of them when pure */
	unsigned memo_next;
	struct expr_value last;   /* the result of an evaluation not memoised */
	char direct_text[SQLFN_TEXT_MAX];   /* last.text of a direct one: no copy a row */
};

/* A lookup's values for one field and one set of parameter values, while the
 * evaluator remembers them (form_eval_remember_lookups). */
struct lookup_slot {
	char key[MEMO_KEY_MAX];
	size_t key_len;    /* 0: empty slot */
	size_t field;
	char **values;
	int n;
};

struct form_eval {
	const struct form_def *def;
	sqlite3 *db;
	struct expr *defaults, *constraints, *relevants, *derives;  /* one per field */
	struct expr *lookups;  /* one per field: a query of the values it accepts */
	struct expr *refs;     /* one per ref field: whether the record it names is there */
	struct expr check;
	char **last_derived;  /* per field: what derivation last put there */
	struct lookup_slot *lookup_memo;  /* MEMO_SLOTS of them while remembering, else NULL */
	unsigned lookup_next;
};

enum truth { TRUTH_FALSE, TRUTH_TRUE, TRUTH_NULL, TRUTH_ERROR };

/* param_field's mark of :id in a form with no field called id: the record's own id. */
#define PARAM_ID (-2)

/* The value parameter i of e reads: a field's, or the record id's as text. */
static const char *param_value(const struct expr *e, const struct form_data *d, int i,
			       char idtext[24])
{
	int f = e->param_field[i];
	if (f != PARAM_ID)
		return d->values[f];
	if (!d->id)
		return NULL;
	snprintf(idtext, 24, "%lld", (long long)d->id);
	return idtext;
}

/* ---- preparing ---- */

/* Maps the parameters of a freshly prepared statement to fields; reports any that is
 * not :field. */
static bool map_params(struct expr *e, const struct form_def *def, struct strbuf *errors,
		       const char *where)
{
	bool ok = true;
	e->nparams = sqlite3_bind_parameter_count(e->stmt);
	e->param_field = xcalloc((size_t)e->nparams + 1, sizeof *e->param_field);
	for (int i = 0; i < e->nparams; i++) {
		const char *name = sqlite3_bind_parameter_name(e->stmt, i + 1);
		e->param_field[i] = name && name[0] == ':' ? form_field_index(def, name + 1) : -1;
		if (e->param_field[i] < 0 && name && strcmp(name, ":id") == 0)
			e->param_field[i] = PARAM_ID;   /* the record's own id */
		if (e->param_field[i] < 0 && e->param_field[i] != PARAM_ID) {
			sb_appendf(errors, _("%s: %s is not a field of this form (write :name)\n"),
				   where, name ? name : "?");
			ok = false;
		}
	}
	return ok;
}

/* True for a function whose result depends on its arguments alone. */
static bool is_pure_function(const char *name)
{
	static const char *const pure[] = {
		"sz_id_valid", "sz_id_norm", "sz_id_sex", "sz_id_birth", "abs", "char", "coalesce",
		"concat", "concat_ws", "glob", "hex", "ifnull", "iif", "instr", "length", "like",
		"lower", "ltrim", "max", "min", "nullif", "octet_length", "printf", "format", "quote",
		"replace", "round", "rtrim", "sign", "substr", "substring", "trim", "typeof",
		"unicode", "upper",
	};
	for (size_t i = 0; name && i < ARRAY_LEN(pure); i++)
		if (sqlite3_stricmp(name, pure[i]) == 0)
			return true;
	return false;
}

/* Authorizer while an expression is prepared: notes whether it reads a table or
 * calls a function that is not pure (random(), date('now'), sz_age). */
static int note_purity(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	struct expr *e = arg;
	if (action == SQLITE_READ)
		e->reads = true;
	if (action == SQLITE_READ || (action == SQLITE_FUNCTION && !is_pure_function(b)))
		e->pure = false;
	return SQLITE_OK;
}

/* One token of an expression as null_tests reads it: a word, a :parameter, or one
 * character of punctuation (a quoted string or number is a word too). */
struct token {
	const char *at;
	size_t len;
	bool param;
};

#define TOKENS_MAX 256

/* The expression's tokens, at most max; -1 when it holds a comment or is longer, so
 * that nothing is concluded from it. */
static int tokenize(const char *sql, struct token *t, int max)
{
	int n = 0;
	for (const char *p = sql; *p;) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*') || n == max)
			return -1;
		const char *start = p;
		bool param = *p == ':';
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			for (p++; *p && !(*p == close && p[1] != close); p += *p == close ? 2 : 1)
				;
			if (!*p)
				return -1;
			p++;
		} else if (param || isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
			for (p++; isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80; p++)
				;
		} else {
			p++;
		}
		t[n++] = (struct token){start, (size_t)(p - start), param};
	}
	return n;
}

/* True when token t is one of the words (any case) or punctuation marks in set. */
static bool token_in(const struct token *t, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(set[i]) == t->len && strncasecmp(t->at, set[i], t->len) == 0)
			return true;
	return false;
}

/* Whether the parameter at token k stands alone in "<before> :p IS [NOT] NULL
 * <after>", where before and after bind less tightly than IS: then only whether it is
 * NULL matters (not so in "1 / :p IS NULL", NULL for 0). */
static bool null_test_at(const struct token *t, int n, int k)
{
	static const char *const before[] = {"(", ",", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "CASE"};
	static const char *const after[] = {")", ",", "AND", "OR", "THEN", "ELSE", "END", "WHEN"};
	static const char *const is[] = {"IS"}, *const not[] = {"NOT"}, *const null[] = {"NULL"};
	if (k > 0 && !token_in(&t[k - 1], before, ARRAY_LEN(before)))
		return false;
	if (k > 1 && token_in(&t[k - 1], not, 1) && token_in(&t[k - 2], is, 1))
		return false;   /* :a IS NOT :p IS NULL compares :p */
	int j = k + 1;
	if (j >= n || !token_in(&t[j++], is, 1))
		return false;
	if (j < n && token_in(&t[j], not, 1))
		j++;
	if (j >= n || !token_in(&t[j++], null, 1))
		return false;
	return j == n || token_in(&t[j], after, ARRAY_LEN(after));
}

/* Marks e's parameters that sql only ever tests with IS [NOT] NULL (null_only). */
static void null_tests(struct expr *e, const char *sql)
{
	static const char *const between[] = {"BETWEEN"};
	struct token t[TOKENS_MAX];
	int n = tokenize(sql, t, TOKENS_MAX);
	if (n < 0 || e->nparams == 0)
		return;
	for (int k = 0; k < n; k++)
		if (token_in(&t[k], between, 1))
			return;   /* its AND is not the AND that binds less tightly than IS */
	e->null_only = xcalloc((size_t)e->nparams, sizeof *e->null_only);
	for (int i = 0; i < e->nparams; i++) {
		const char *name = sqlite3_bind_parameter_name(e->stmt, i + 1);
		bool seen = false, only = name != NULL;
		for (int k = 0; only && k < n; k++)
			if (t[k].param && strlen(name) == t[k].len && strncmp(t[k].at, name, t[k].len) == 0) {
				seen = true;
				only = null_test_at(t, n, k);
			}
		e->null_only[i] = seen && only;
	}
}

/* The function of an expression that is nothing but fn(:field), with field's text
 * as its argument (SQL would pass a number field as a number: not those). */
static sqlfn_unary bare_call(const char *sql, const struct form_def *def, int *field)
{
	char fn[32], param[64];
	int used = 0;
	if (sscanf(sql, " %31[A-Za-z0-9_] ( :%63[A-Za-z0-9_] ) %n", fn, param, &used) != 2 || sql[used])
		return NULL;
	*field = form_field_index(def, param);
	if (*field < 0)
		return NULL;
	enum field_type t = def->fields[*field].type;
	if (t == FIELD_INTEGER || t == FIELD_DECIMAL || t == FIELD_REF)
		return NULL;
	return sqlfn_unary_find(fn);
}

/* Prepares one expression (query: a whole SELECT of rows, a field's lookup); where is
 * "file:line: field X: key" for messages. */
static void expr_prepare(struct expr *e, sqlite3 *db, const struct form_def *def,
			 const char *sql, bool query, const char *where, struct strbuf *errors)
{
	char *select = query ? xstrdup(sql) : xasprintf("SELECT (%s)", sql);
	const char *tail = NULL;

	e->pure = true;
	sqlite3_set_authorizer(db, note_purity, e);
	int rc = sqlite3_prepare_v3(db, select, -1, SQLITE_PREPARE_PERSISTENT, &e->stmt, &tail);
	sqlite3_set_authorizer(db, NULL, NULL);
	if (e->pure && !query)
		e->memo = xcalloc(MEMO_SLOTS, sizeof *e->memo);
	if (rc != SQLITE_OK) {
		sb_appendf(errors, "%s: %s\n", where, sqlite3_errmsg(db));
		e->stmt = NULL;
	} else if (tail && *tail) {
		sb_appendf(errors, _("%s: only one expression is allowed\n"), where);
	} else if (!sqlite3_stmt_readonly(e->stmt)) {
		sb_appendf(errors, _("%s: an expression may not change the database\n"), where);
	} else if (query && sqlite3_column_count(e->stmt) < 1) {
		sb_appendf(errors, _("%s: the query must give the values as its first column\n"), where);
	} else if (map_params(e, def, errors, where) && !query) {
		if (e->memo)
			null_tests(e, sql);
		int field;
		e->direct = bare_call(sql, def, &field);
		if (e->direct && (e->nparams != 1 || e->param_field[0] != field))
			e->direct = NULL;
	}
	free(select);
}

/* Finalizes an expression (one that never prepared is fine too). */
static void expr_free(struct expr *e)
{
	sqlite3_finalize(e->stmt);
	free(e->param_field);
	free(e->null_only);
	for (size_t i = 0; e->memo && i < MEMO_SLOTS; i++)
		free(e->memo[i].v.text);
	free(e->memo);
	if (e->last.text != e->direct_text)
		free(e->last.text);
	*e = (struct expr){0};
}

/* true when the database has table (a view counts too). */
static bool table_exists(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* true when table has column. */
static bool column_exists(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *st;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1,
			       &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Reports fields that are not columns of the form's table and references to tables
 * that do not exist: a definition that does not match the schema. */
static void check_schema(const struct form_def *def, sqlite3 *db, struct strbuf *errors)
{
	if (!table_exists(db, def->table)) {
		sb_appendf(errors, _("%s:1: table %s does not exist in the database\n"), def->file,
			   def->table);
		return;
	}
	for (size_t i = 0; i < def->nfields; i++) {
		const struct field_def *f = &def->fields[i];
		if (f->column && !column_exists(db, def->table, f->name))
			sb_appendf(errors,
				   _("%s:%d: field %s: table %s has no such column (write column = no "
				     "for a field that is only shown)\n"),
				   def->file, f->line, f->name, def->table);
		if (f->ref_table && !table_exists(db, f->ref_table))
			sb_appendf(errors, _("%s:%d: field %s: ref: no table %s\n"), def->file,
				   f->line, f->name, f->ref_table);
	}
}

/* Prepares one of a field's expressions, when the field has it. */
static void field_expr(struct form_eval *ev, struct expr *e, const struct field_def *f,
		       const char *sql, const char *key, int line, struct strbuf *errors)
{
	if (!sql)
		return;
	char *where = xasprintf("%s:%d: field %s: %s", ev->def->file, line ? line : f->line,
				f->name, key);
	expr_prepare(e, ev->db, ev->def, sql, strcmp(key, "lookup") == 0, where, errors);
	free(where);
}

struct form_eval *form_eval_new(const struct form_def *def, sqlite3 *db, char **err)
{
	struct form_eval *ev = xcalloc(1, sizeof *ev);
	struct strbuf errors = { 0 };
	size_t n = def->nfields;

	ev->def = def;
	ev->db = db;
	ev->defaults = xcalloc(n + 1, sizeof *ev->defaults);
	ev->constraints = xcalloc(n + 1, sizeof *ev->constraints);
	ev->relevants = xcalloc(n + 1, sizeof *ev->relevants);
	ev->derives = xcalloc(n + 1, sizeof *ev->derives);
	ev->lookups = xcalloc(n + 1, sizeof *ev->lookups);
	ev->refs = xcalloc(n + 1, sizeof *ev->refs);
	ev->last_derived = xcalloc(n + 1, sizeof *ev->last_derived);
	check_schema(def, db, &errors);
	for (size_t i = 0; i < n; i++) {
		const struct field_def *f = &def->fields[i];
		field_expr(ev, &ev->defaults[i], f, f->default_expr, "default", f->default_line,
			   &errors);
		field_expr(ev, &ev->constraints[i], f, f->constraint, "constraint",
			   f->constraint_line, &errors);
		field_expr(ev, &ev->relevants[i], f, f->relevant, "relevant", f->relevant_line,
			   &errors);
		field_expr(ev, &ev->derives[i], f, f->derive, "derive", f->derive_line, &errors);
		field_expr(ev, &ev->lookups[i], f, f->lookup, "lookup", f->lookup_line, &errors);
	}
	if (def->check) {
		char *where = xasprintf("%s:%d: check", def->file, def->check_line);
		expr_prepare(&ev->check, db, def, def->check, false, where, &errors);
		free(where);
	}
	for (size_t i = 0; i <= n; i++)
		ev->constraints[i].truth_only = ev->relevants[i].truth_only = true;
	ev->check.truth_only = true;
	if (errors.len) {
		if (err)
			*err = sb_take(&errors);
		sb_free(&errors);
		form_eval_free(ev);
		return NULL;
	}
	return ev;
}

void form_eval_check_refs(struct form_eval *ev)
{
	struct strbuf errors = { 0 };
	for (size_t i = 0; i < ev->def->nfields; i++) {
		const struct field_def *f = &ev->def->fields[i];
		if (f->type != FIELD_REF || !f->ref_table || ev->refs[i].stmt || !table_exists(ev->db, f->ref_table))
			continue;
		char *sql = sqlite3_mprintf("EXISTS (SELECT 1 FROM \"%w\" WHERE id = :%s)", f->ref_table, f->name);
		field_expr(ev, &ev->refs[i], f, sql, "ref", 0, &errors);
		ev->refs[i].truth_only = true;
		sqlite3_free(sql);
	}
	sb_free(&errors);  /* the table is there and has an id: it prepares */
}

bool form_eval_reads_tables(const struct form_eval *ev)
{
	if (ev->check.reads)
		return true;
	for (size_t i = 0; i < ev->def->nfields; i++)
		if (ev->defaults[i].reads || ev->constraints[i].reads || ev->relevants[i].reads ||
		    ev->derives[i].reads || ev->lookups[i].reads)
			return true;
	return false;
}

void form_eval_free(struct form_eval *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->def->nfields; i++) {
		expr_free(&ev->defaults[i]);
		expr_free(&ev->constraints[i]);
		expr_free(&ev->relevants[i]);
		expr_free(&ev->derives[i]);
		expr_free(&ev->lookups[i]);
		expr_free(&ev->refs[i]);
		free(ev->last_derived[i]);
	}
	expr_free(&ev->check);
	form_eval_remember_lookups(ev, false);
	free(ev->defaults);
	free(ev->constraints);
	free(ev->relevants);
	free(ev->derives);
	free(ev->lookups);
	free(ev->refs);
	free(ev->last_derived);
	free(ev);
}

/* ---- evaluating ---- */

/* true when s is an optional '-' and digits only. */
static bool is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit(UCH(*s)))
			return false;
	return true;
}

/* true when s is a decimal number such as -12.5. */
static bool is_decimal_text(const char *s)
{
	bool digits = false, point = false;
	if (*s == '-')
		s++;
	for (; *s; s++) {
		if (isdigit(UCH(*s)))
			digits = true;
		else if (*s == '.' && !point)
			point = true;
		else
			return false;
	}
	return digits;
}

/* Binds a field's value to parameter i: NULL when empty, a number for numeric types. */
static void bind_value(sqlite3_stmt *st, int i, const struct field_def *f, const char *v)
{
	if (!v || !*v)
		sqlite3_bind_null(st, i);
	else if ((f->type == FIELD_INTEGER || f->type == FIELD_REF) && is_integer_text(v))
		sqlite3_bind_int64(st, i, strtoll(v, NULL, 10));
	else if (f->type == FIELD_DECIMAL && is_decimal_text(v))
		sqlite3_bind_double(st, i, strtod(v, NULL));
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);   /* cleared before v can change */
}

/* Binds the record and steps; SQLITE_ROW when there is a value to read. */
static int expr_run(const struct expr *e, const struct form_data *d)
{
	for (int i = 0; i < e->nparams; i++) {
		int f = e->param_field[i];
		if (f == PARAM_ID && d->id)
			sqlite3_bind_int64(e->stmt, i + 1, d->id);
		else if (f == PARAM_ID)
			sqlite3_bind_null(e->stmt, i + 1);
		else
			bind_value(e->stmt, i + 1, &d->def->fields[f], d->values[f]);
	}
	return sqlite3_step(e->stmt);
}

/* Readies a statement for its next run and lets go of the bound values. */
static void expr_done(const struct expr *e)
{
	sqlite3_reset(e->stmt);
	sqlite3_clear_bindings(e->stmt);
}

/* The parameter values as one memo key, each value after its length (NULL and empty
 * alike, as they are bound), or one byte for whether it is empty when the expression
 * only tests that (null_only); 0 when they do not fit, else the key's length. */
static size_t memo_key(const struct expr *e, const struct form_data *d, char key[MEMO_KEY_MAX])
{
	size_t len = 0;
	char idtext[24];
	for (int i = 0; i < e->nparams; i++) {
		const char *v = param_value(e, d, i, idtext);
		if (e->null_only && e->null_only[i]) {
			if (len + 1 > MEMO_KEY_MAX)
				return 0;
			key[len++] = v && *v ? 'v' : 'n';   /* as bound: empty is NULL */
			continue;
		}
		size_t n = v ? strlen(v) : 0;
		if (len + n + 2 > MEMO_KEY_MAX)
			return 0;
		key[len++] = (char)(n & 0xff);
		key[len++] = (char)(n >> 8);
		memcpy(key + len, v ? v : "", n);
		len += n;
	}
	if (len == 0)
		key[len++] = '\0';   /* no parameters: one key, the same every time */
	return len;
}

/* A bare call fn(:field), without SQL: the same value, truth as SQL would see the
 * text as a number (the functions give digits or dates, never hex or "inf"). */
static bool direct_eval(struct expr *e, const struct form_data *d, const struct expr_value **out)
{
	const char *arg = d->values[e->param_field[0]];
	char *text = e->direct_text;
	struct expr_value v = {.null = !e->direct(arg && *arg ? arg : NULL, text)};
	/* as SQL reads text as a number; a leading 1-9 is a number of at least 1 */
	v.truth = !v.null && ((text[0] >= '1' && text[0] <= '9') || strtod(text, NULL) != 0.0);
	v.text = v.null || e->truth_only ? NULL : text;
	e->last = v;
	*out = &e->last;
	return true;
}

/* Evaluates the expression into *out (owned by e, valid until its next
 * evaluation); false when it fails. */
static bool expr_eval(struct expr *e, const struct form_data *d, const struct expr_value **out)
{
	if (e->direct)
		return direct_eval(e, d, out);
	char key[MEMO_KEY_MAX];
	size_t key_len = e->memo ? memo_key(e, d, key) : 0;
	bool memo = key_len > 0;
	for (size_t i = 0; memo && i < MEMO_SLOTS; i++)
		if (e->memo[i].key_len == key_len && memcmp(e->memo[i].key, key, key_len) == 0) {
			*out = &e->memo[i].v;
			return true;
		}
	if (expr_run(e, d) != SQLITE_ROW) {
		expr_done(e);
		return false;
	}
	struct expr_value v = {.null = sqlite3_column_type(e->stmt, 0) == SQLITE_NULL};
	v.truth = !v.null && sqlite3_column_double(e->stmt, 0) != 0.0;
	v.text = v.null || e->truth_only ? NULL : xstrdup((const char *)sqlite3_column_text(e->stmt, 0));
	expr_done(e);
	struct expr_value *slot = &e->last;
	if (memo) {
		struct memo_slot *m = &e->memo[e->memo_next++ % MEMO_SLOTS];
		memcpy(m->key, key, key_len);
		m->key_len = key_len;
		slot = &m->v;
	}
	free(slot->text);
	*slot = v;
	*out = slot;
	return true;
}

/* The expression as a truth value. */
static enum truth expr_truth(struct expr *e, const struct form_data *d)
{
	const struct expr_value *v;
	if (!expr_eval(e, d, &v))
		return TRUTH_ERROR;
	return v->null ? TRUTH_NULL : v->truth ? TRUTH_TRUE : TRUTH_FALSE;
}

/* The expression's value as text, NULL when it is NULL, empty or fails. Caller frees. */
static char *expr_text(struct expr *e, const struct form_data *d)
{
	const struct expr_value *v;
	if (!expr_eval(e, d, &v) || !v->text || !*v->text)
		return NULL;
	return xstrdup(v->text);
}

bool form_field_relevant(struct form_eval *ev, const struct form_data *d, size_t field)
{
	if (field >= ev->def->nfields || !ev->relevants[field].stmt)
		return true;
	/* an expression that fails shows the field rather than hide a value */
	enum truth t = expr_truth(&ev->relevants[field], d);
	return t == TRUTH_TRUE || t == TRUTH_ERROR;
}

/* Copies n values; caller frees. */
static char **values_dup(char *const *values, int n)
{
	char **copy = n > 0 ? xmalloc((size_t)n * sizeof *copy) : NULL;
	for (int i = 0; i < n; i++)
		copy[i] = xstrdup(values[i]);
	return copy;
}

static void lookup_values_free(char **values, int n);

void form_eval_remember_lookups(struct form_eval *ev, bool on)
{
	for (size_t i = 0; ev->lookup_memo && i < MEMO_SLOTS; i++)
		lookup_values_free(ev->lookup_memo[i].values, ev->lookup_memo[i].n);
	free(ev->lookup_memo);
	ev->lookup_memo = on ? xcalloc(MEMO_SLOTS, sizeof *ev->lookup_memo) : NULL;
	ev->lookup_next = 0;
}

/* The remembered slot of field's lookup with d's parameter values, or NULL; *key
 * and *key_len are the memo key (key_len 0 when the values are too long to keep). */
static struct lookup_slot *lookup_remembered(struct form_eval *ev, const struct form_data *d, size_t field,
					     char key[MEMO_KEY_MAX], size_t *key_len)
{
	*key_len = memo_key(&ev->lookups[field], d, key);
	for (size_t i = 0; *key_len && i < MEMO_SLOTS; i++) {
		struct lookup_slot *s = &ev->lookup_memo[i];
		if (s->key_len == *key_len && s->field == field && memcmp(s->key, key, *key_len) == 0)
			return s;
	}
	return NULL;
}

/* Keeps field's values for the memo key, in place of the oldest slot. */
static void lookup_remember(struct form_eval *ev, size_t field, const char *key, size_t key_len,
			    char *const *values, int n)
{
	struct lookup_slot *s = &ev->lookup_memo[ev->lookup_next++ % MEMO_SLOTS];
	lookup_values_free(s->values, s->n);
	memcpy(s->key, key, key_len);
	s->key_len = key_len;
	s->field = field;
	s->values = values_dup(values, n);
	s->n = n;
}

int form_lookup_values(struct form_eval *ev, const struct form_data *d, size_t field, char ***out)
{
	*out = NULL;
	if (field >= ev->def->nfields || !ev->lookups[field].stmt)
		return -1;
	char key[MEMO_KEY_MAX];
	size_t key_len = 0;
	const struct lookup_slot *kept = ev->lookup_memo ? lookup_remembered(ev, d, field, key, &key_len) : NULL;
	if (kept) {
		*out = values_dup(kept->values, kept->n);
		return kept->n;
	}
	struct expr *e = &ev->lookups[field];
	int n = 0, rc;
	while ((rc = expr_run(e, d)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(e->stmt, 0);
		if (!v || !*v)
			continue;
		*out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
		(*out)[n++] = xstrdup(v);
	}
	expr_done(e);
	if (rc == SQLITE_DONE && key_len)
		lookup_remember(ev, field, key, key_len, *out, n);
	if (rc == SQLITE_DONE)
		return n;
	lookup_values_free(*out, n);
	*out = NULL;
	return -1;
}

/* Frees what form_lookup_values gave. */
static void lookup_values_free(char **values, int n)
{
	for (int i = 0; i < n; i++)
		free(values[i]);
	free(values);
}

/* True when v is a number and a name after it (3组) and the number is `number`. */
static bool numbered_as(const char *v, long number)
{
	size_t digits = strspn(v, "0123456789");
	return digits && v[digits] && strtol(v, NULL, 10) == number;
}

/* The one value of the list that a typed value stands for: itself, its full-width
 * digits made ASCII, or a bare number naming the one value that starts with it (3 for
 * 3组, as a code is typed without its leading zeros). NULL when none or several. */
static const char *lookup_match(char **values, int n, const char *typed)
{
	char *ascii = text_normalize_ascii(typed);
	const char *hit = NULL;
	int numbered = 0;
	for (int i = 0; i < n && !hit; i++)
		if (strcmp(values[i], typed) == 0 || strcmp(values[i], ascii) == 0)
			hit = values[i];
	if (!hit && *ascii && strspn(ascii, "0123456789") == strlen(ascii) && strlen(ascii) < 9) {
		for (int i = 0; i < n; i++)
			if (numbered_as(values[i], strtol(ascii, NULL, 10)) && numbered++ == 0)
				hit = values[i];
		hit = numbered == 1 ? hit : NULL;
	}
	free(ascii);
	return hit;
}

/* A value of a field with a lookup becomes the list's value it stands for. */
static void lookup_resolve(struct form_eval *ev, struct form_data *d, size_t i)
{
	const char *v = d->values[i];
	if (!ev->lookups[i].stmt || !v || !*v)
		return;
	/* only full-width forms or a bare number can stand for another value: 3组 as
	 * typed needs no query (an import checks a household's group once, not twice) */
	char *ascii = text_normalize_ascii(v);
	bool same = strcmp(ascii, v) == 0 && strspn(v, "0123456789") != strlen(v);
	free(ascii);
	if (same)
		return;
	char **values;
	int n = form_lookup_values(ev, d, i, &values);
	const char *hit = n > 0 ? lookup_match(values, n, v) : NULL;
	if (hit && strcmp(hit, v) != 0)
		form_data_set(d, i, hit);
	lookup_values_free(values, n);
}

/* ---- normalisation ---- */

/* Look-alikes of the name separator U+00B7 that clerks' input methods produce. */
static bool is_middle_dot_lookalike(wchar_t c)
{
	return c == 0x2022 || c == 0x2027 || c == 0x30FB || c == 0xFF65 || c == 0x22C5 ||
	       c == 0x2219 || c == 0x0387;
}

/* Trims a text value and turns a middle-dot look-alike between two non-ASCII
 * characters (a minority name, 民委发〔2016〕33号) into U+00B7; NULL when v is
 * normal already. Caller frees. */
static char *normalize_text(const char *v, bool keep_lines)
{
	/* Chinese text is mostly lead bytes E4-E9: with none of the lead bytes of
	 * Unicode spaces (C2, E1, E2, E3), dot look-alikes (CE, E2, E3, EF) or full-width
	 * forms, and no ASCII space at the ends or tab inside, the text is already
	 * normal */
	size_t len = strlen(v);
	if (strpbrk(v, "\xC2\xCE\xE1\xE2\xE3\xEF") == NULL && (keep_lines || !strchr(v, '\t')) &&
	    (len == 0 || (UCH(v[0]) > ' ' && UCH(v[len - 1]) > ' ')) && text_utf8_valid(v, len, NULL))
		return NULL;
	size_t n, start = 0;
	wchar_t *ws = text_to_wcs(v, &n);

	while (start < n && (iswspace((wint_t)ws[start]) || ws[start] == 0x3000))
		start++;
	while (n > start && (iswspace((wint_t)ws[n - 1]) || ws[n - 1] == 0x3000))
		n--;
	for (size_t i = start + 1; i + 1 < n; i++)
		if (is_middle_dot_lookalike(ws[i]) && ws[i - 1] > 0x7F && ws[i + 1] > 0x7F)
			ws[i] = 0x00B7;
	if (!keep_lines)
		for (size_t i = start; i < n; i++)
			if (ws[i] == L'\t')
				ws[i] = L' ';
	char *out = text_from_wcs(ws + start, n - start);
	free(ws);
	return out;
}

/* YYYY-MM-DD from YYYYMMDD, YYYY/M/D, YYYY.MM.DD, YYYY-M-D or YYYY年M月D日; NULL when
 * the text is none of these. Caller frees. */
static char *normalize_date(const char *v)
{
	int y, m, d, used = 0;
	size_t len = strlen(v);

	/* already YYYY-MM-DD: the answer below would be the same text (or none, and the
	 * caller keeps the text), without three sscanf calls per imported date */
	if (civil_date_digits(v, &y, &m, &d))
		return xstrdup(v);
	if (len == 8 && strspn(v, "0123456789") == 8)
		return xasprintf("%.4s-%.2s-%.2s", v, v + 4, v + 6);
	if (sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 ||
	    sscanf(v, "%4d/%2d/%2d%n", &y, &m, &d, &used) == 3 ||
	    sscanf(v, "%4d.%2d.%2d%n", &y, &m, &d, &used) == 3 ||
	    sscanf(v, "%4d\xE5\xB9\xB4%2d\xE6\x9C\x88%2d%n", &y, &m, &d, &used) == 3) {
		const char *rest = v + used;
		if (strcmp(rest, "\xE6\x97\xA5") == 0)  /* 日 */
			rest += 3;
		if (!*rest && isdigit(UCH(v[0])) && y >= 1000 && m >= 1 && m <= 12 && d >= 1 &&
		    d <= 31)
			return xasprintf("%04d-%02d-%02d", y, m, d);
	}
	return NULL;
}

/* An ID number in its 18-character form when it is valid (NULL when v is that form
 * already), else cleaned of spaces, a leading ' and a lowercase x so the message
 * quotes what matters. Caller frees. */
static char *normalize_id(const char *v)
{
	struct idcard id;
	if (idcard_parse(v, &id) == IDCARD_OK)
		return strcmp(id.number, v) == 0 ? NULL : xstrdup(id.number);
	char *ascii = text_normalize_ascii(v);
	char *o = ascii;
	for (const char *s = ascii[0] == '\'' ? ascii + 1 : ascii; *s; s++)
		if (*s != ' ')
			*o++ = *s == 'x' ? 'X' : *s;
	*o = '\0';
	return ascii;
}

/* A phone number without spaces, a +86 prefix or parentheses around the area code:
 * 138 0000 0000 -> 13800000000, (0851)8888888 -> 0851-8888888. Caller frees. */
static char *normalize_phone(const char *v)
{
	char *ascii = text_normalize_ascii(v);
	const char *s = ascii;
	struct strbuf sb = { 0 };

	if (strncmp(s, "+86", 3) == 0 || strncmp(s, "0086", 4) == 0) {
		s += s[0] == '+' ? 3 : 4;
		s += strspn(s, " -");
	}
	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (*s == '(')
			continue;
		sb_append_n(&sb, *s == ')' ? "-" : s, 1);
		if (*s == ')')
			s += strspn(s + 1, " -");
	}
	free(ascii);
	return sb_take(&sb);
}

/* The code an entry stands for: a code, a label in any language (as typed or with
 * full-width forms made ASCII), pinyin initials. */
static const char *multi_entry_code(const struct codelist *cl, const char *entry)
{
	const char *code = codelist_find(cl, entry);
	if (code)
		return code;
	char *ascii = text_normalize_ascii(entry);
	code = codelist_find(cl, ascii);
	if (!code)
		code = codelist_find_initials(cl, ascii);
	free(ascii);
	return code;
}

/* A copy of s[0..n) without surrounding spaces (ASCII or ideographic). Caller frees. */
static char *entry_copy(const char *s, size_t n)
{
	for (;;) {
		size_t lead = n && (*s == ' ' || *s == '\t') ? 1 : n >= 3 && strncmp(s, "\xE3\x80\x80", 3) == 0 ? 3 : 0;
		size_t tail = n && (s[n - 1] == ' ' || s[n - 1] == '\t') ? 1
			      : n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0 ? 3 : 0;
		if (!lead && !tail)
			return xstrndup(s, n);
		s += lead;
		n -= lead;
		n -= tail <= n ? tail : n;
	}
}

/* Splits s at any of seps into trimmed, non-empty entries, calling take on each. */
static void multi_split(const char *s, const char *const *seps, size_t nseps,
			void (*take)(void *ctx, const char *entry), void *ctx)
{
	while (*s) {
		size_t n = 0, k = nseps;
		while (s[n]) {
			for (k = 0; k < nseps && strncmp(s + n, seps[k], strlen(seps[k])) != 0; k++)
				;
			if (k < nseps)
				break;
			n++;
		}
		char *entry = entry_copy(s, n);
		if (*entry)
			take(ctx, entry);
		free(entry);
		s += n + (k < nseps ? strlen(seps[k]) : 0);
	}
}

struct multi_parse {
	const struct codelist *cl;
	bool *picked;          /* per list item */
	struct strbuf orphans; /* entries that match nothing, comma-separated */
};

/* One word of an entry that did not match whole (English labels hold spaces). */
static void multi_take_word(void *ctx, const char *word)
{
	struct multi_parse *mp = ctx;
	const char *code = multi_entry_code(mp->cl, word);
	for (size_t i = 0; code && i < mp->cl->n; i++)
		mp->picked[i] = mp->picked[i] || mp->cl->items[i].code == code;
	if (!code) {
		char *ascii = text_normalize_ascii(word);
		sb_appendf(&mp->orphans, "%s%s", mp->orphans.len ? "," : "", ascii);
		free(ascii);
	}
}

/* One entry between separators: a whole label first, else its words one by one. */
static void multi_take_entry(void *ctx, const char *entry)
{
	static const char *const blanks[] = { " ", "\t", "\xE3\x80\x80" };
	struct multi_parse *mp = ctx;
	const char *code = multi_entry_code(mp->cl, entry);
	for (size_t i = 0; code && i < mp->cl->n; i++)
		mp->picked[i] = mp->picked[i] || mp->cl->items[i].code == code;
	if (!code)
		multi_split(entry, blanks, ARRAY_LEN(blanks), multi_take_word, mp);
}

char *form_multi_codes(const struct codelist *cl, const char *typed)
{
	static const char *const seps[] = { ",", "\xEF\xBC\x8C", "\xE3\x80\x81", "\xEF\xBC\x9B", ";" };
	struct multi_parse mp = { .cl = cl, .picked = xcalloc(cl && cl->n ? cl->n : 1, sizeof(bool)) };
	struct strbuf out = { 0 };

	multi_split(typed ? typed : "", seps, ARRAY_LEN(seps), multi_take_entry, &mp);
	for (size_t i = 0; cl && i < cl->n; i++)
		if (mp.picked[i])
			sb_appendf(&out, "%s%s", out.len ? "," : "", cl->items[i].code);
	if (mp.orphans.len)
		sb_appendf(&out, "%s%s", out.len ? "," : "", mp.orphans.s);
	sb_free(&mp.orphans);
	free(mp.picked);
	return sb_take(&out);
}

/* True when form_multi_codes would give v back as it is: codes of the list (letters,
 * digits, _ or -, so no separator or space), each once, in the list's order,
 * separated by commas. An import's tags mostly come so. */
static bool multi_codes_normal(const struct codelist *cl, const char *v)
{
	size_t next = 0;   /* the list's items before it are spent */
	while (cl && *v) {
		size_t n = 0;
		while (isalnum((unsigned char)v[n]) || v[n] == '_' || v[n] == '-')
			n++;
		if (n == 0 || (v[n] && v[n] != ','))
			return false;
		long i = codelist_index(cl, v, n);
		if (i < 0 || (size_t)i < next)
			return false;
		next = (size_t)i + 1;
		v += n;
		if (*v == ',' && !*++v)
			return false;   /* a trailing comma goes */
	}
	return cl && next > 0;
}

/* The normalised form of one value of field f, NULL when v is normal already (the
 * common case of an import's row, spared a copy per field). Caller frees. */
static char *normalize_value(const struct field_def *f, const char *v)
{
	char *ascii, *date;
	const char *code;
	int y, m, d;

	switch (f->type) {
	case FIELD_TEXT:
		return normalize_text(v, false);
	case FIELD_MEMO:
		return normalize_text(v, true);
	case FIELD_DATE:
		if (civil_date_digits(v, &y, &m, &d))
			return NULL;   /* YYYY-MM-DD: text_normalize_ascii and normalize_date keep it */
		ascii = text_normalize_ascii(v);
		date = normalize_date(ascii);
		if (date) {
			free(ascii);
			return date;
		}
		return ascii;
	case FIELD_CHOICE:
		if (text_ascii_normal(v) && codelist_has(f->list, v))
			return NULL;   /* a code of the list: codelist_find gives it back */
		ascii = text_normalize_ascii(v);
		code = codelist_find(f->list, ascii);
		if (code) {
			free(ascii);
			return xstrdup(code);
		}
		return ascii;
	case FIELD_MULTI:
		return multi_codes_normal(f->list, v) ? NULL : form_multi_codes(f->list, v);
	case FIELD_IDNUMBER:
		return normalize_id(v);
	case FIELD_PHONE:
		return normalize_phone(v);
	case FIELD_INTEGER:
	case FIELD_DECIMAL:
	case FIELD_REF:
	case FIELD_TYPE_COUNT:
		break;
	}
	return text_normalize_ascii(v);
}

/* Normalises field i of d in place. */
static void normalize_field(struct form_data *d, size_t i)
{
	char *v = d->values[i] ? normalize_value(&d->def->fields[i], d->values[i]) : NULL;
	if (v)
		form_data_take(d, i, v);
}

/* Recomputes derived field i: the new value replaces an empty one, one that the last
 * derivation put there, or any value of a read-only field; a value the clerk typed
 * stays and is checked by form_validate. true when the value changed. */
static bool derive_field(struct form_eval *ev, struct form_data *d, size_t i)
{
	char *derived = expr_text(&ev->derives[i], d);
	const char *cur = d->values[i];
	const char *last = ev->last_derived[i];
	bool replace = !cur || d->def->fields[i].readonly || (last && strcmp(cur, last) == 0);
	bool changed = false;

	if (replace && !(cur && derived && strcmp(cur, derived) == 0) && (cur || derived)) {
		form_data_set(d, i, derived);
		changed = true;
	}
	free(ev->last_derived[i]);
	ev->last_derived[i] = derived;
	return changed;
}

/* Recomputes every derivation that reads a dirty field, until nothing changes (a
 * derivation may read another: age from a birth date derived from the ID number). */
static void derive_dirty(struct form_eval *ev, struct form_data *d, bool *dirty, bool all)
{
	size_t n = ev->def->nfields;
	bool again = true;

	for (size_t pass = 0; again && pass <= n; pass++) {
		again = false;
		for (size_t i = 0; i < n; i++) {
			const struct expr *e = &ev->derives[i];
			bool reads_dirty = all && pass == 0;
			for (int k = 0; e->stmt && !reads_dirty && k < e->nparams; k++)
				reads_dirty = e->param_field[k] == PARAM_ID || dirty[e->param_field[k]];  /* the id may be new */
			if (e->stmt && reads_dirty && derive_field(ev, d, i))
				again = dirty[i] = true;
		}
	}
}

/* Fills every empty field that has a default. */
static void apply_defaults(struct form_eval *ev, struct form_data *d)
{
	for (size_t i = 0; i < ev->def->nfields; i++) {
		if (d->values[i] || !ev->defaults[i].stmt)
			continue;
		form_data_take(d, i, expr_text(&ev->defaults[i], d));
	}
}

void form_normalize_and_derive(struct form_eval *ev, struct form_data *d, int changed)
{
	size_t n = ev->def->nfields;
	bool *dirty = xcalloc(n + 1, sizeof *dirty);

	if (changed >= 0 && (size_t)changed < n) {
		normalize_field(d, (size_t)changed);
		lookup_resolve(ev, d, (size_t)changed);
		dirty[changed] = true;
		derive_dirty(ev, d, dirty, false);
	} else if (changed < 0) {
		/* a whole record afresh: what the previous record (an import's row before)
		 * derived must not make this one's given value look derived and be replaced */
		for (size_t i = 0; i < n; i++) {
			free(ev->last_derived[i]);
			ev->last_derived[i] = NULL;
		}
		for (size_t i = 0; i < n; i++)
			normalize_field(d, i);
		apply_defaults(ev, d);
		derive_dirty(ev, d, dirty, true);
		for (size_t i = 0; i < n; i++)
			lookup_resolve(ev, d, i);
	}
	free(dirty);
}

/* ---- validation ---- */

/* Adds "Label: message" for field i. Takes message. */
static void add_problem(struct form_check *out, const struct form_def *def, size_t i,
			char *message)
{
	out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
	out->items[out->n].field = i;
	if (i < def->nfields) {
		out->items[out->n].message =
			xasprintf(_("%s: %s"), _(def->fields[i].label), message);
		free(message);
	} else {
		out->items[out->n].message = message;
	}
	out->n++;
}

/* What is wrong with the characters of v, or NULL: not UTF-8, a control character
 * where it does not belong (a memo may hold line breaks and tabs), an invisible
 * format character (U+200B, U+202E ...) anywhere, since it fools readers and search.
 * Caller frees. */
static char *char_problem(const struct field_def *f, const char *v)
{
	if (!text_utf8_valid(v, strlen(v), NULL))
		return xstrdup(_("not valid text (UTF-8)"));
	if (text_find_control(v, f->type == FIELD_MEMO ? "\n\t\r" : ""))
		return xstrdup(_("control characters are not allowed"));
	wchar_t c = text_find_format(v);
	if (c)
		return xasprintf(_("holds an invisible character (U+%04X); type it again without it"),
				 (unsigned)c);
	return NULL;
}

/* The first code of a multi-choice value that is not in the list. Caller frees. */
static char *first_unknown_code(const struct codelist *cl, const char *v)
{
	for (const char *s = v; *s;) {
		size_t n = strcspn(s, ",");
		char *code = xstrndup(s, n);
		if (*code && !codelist_has(cl, code))
			return code;
		free(code);
		s += n + (s[n] == ',');
	}
	return NULL;
}

/* The one phone rule of every form and of import: an 11-digit mobile number 1[3-9]...,
 * or a landline with its area code (0851-88888888, 085188888888: 10 to 12 digits, at
 * most one '-' after the 3- or 4-digit area code). A 7-digit 1388888 is neither. */
static bool phone_valid(const char *v)
{
	size_t len = strlen(v), digits = strspn(v, "0123456789");
	const char *dash = strchr(v, '-');

	if (digits == len)
		return (len == 11 && v[0] == '1' && v[1] >= '3' && v[1] <= '9') ||
		       (len >= 10 && len <= 12 && v[0] == '0' && v[1] != '0');
	if (!dash || v[0] != '0' || v[1] == '0' || (digits != 3 && digits != 4))
		return false;
	size_t rest = strspn(dash + 1, "0123456789");
	return dash[1 + rest] == '\0' && rest > 0 && digits + rest >= 10 && digits + rest <= 12;
}

/* What is wrong with a value of the field's type, or NULL. Caller frees. */
static char *type_problem(const struct field_def *f, const char *v)
{
	struct idcard id;
	enum idcard_status st;
	char *code;
	int y, m, d;   /* a date's, read only to see that it exists */

	switch (f->type) {
	case FIELD_INTEGER:
		return is_integer_text(v) ? NULL : xstrdup(_("not a whole number"));
	case FIELD_DECIMAL:
		return is_decimal_text(v) ? NULL : xstrdup(_("not a number"));
	case FIELD_REF:
		return is_integer_text(v) && v[0] != '-' ? NULL
							 : xstrdup(_("not a record number"));
	case FIELD_DATE:
		return civil_parse_date(v, &y, &m, &d) ? NULL : xasprintf(_("%s is not a date (YYYY-MM-DD)"), v);
	case FIELD_CHOICE:
		return codelist_has(f->list, v)
			       ? NULL
			       : xasprintf(_("%s is not in the list; press F4 to pick one"), v);
	case FIELD_MULTI:
		code = first_unknown_code(f->list, v);
		if (code) {
			char *msg = xasprintf(_("%s is not in the list; press F4 to pick one"), code);
			free(code);
			return msg;
		}
		return NULL;
	case FIELD_IDNUMBER:
		st = idcard_parse(v, &id);
		return st == IDCARD_OK ? NULL : idcard_message(st, &id);
	case FIELD_PHONE:
		return phone_valid(v) ? NULL
				      : xstrdup(_("an 11-digit mobile number starting with 1, or a "
						  "landline with its area code"));
	case FIELD_TEXT:
	case FIELD_MEMO:
	case FIELD_TYPE_COUNT:
		break;
	}
	return NULL;
}

/* What is wrong with the length of v, or NULL. Caller frees. */
static char *length_problem(const struct field_def *f, const char *v)
{
	if (!f->min_len && (!f->max_len || strlen(v) <= (size_t)f->max_len))
		return NULL;   /* no more characters than bytes: nothing to count */
	size_t n = text_char_count(v);
	if (f->max_len && n > (size_t)f->max_len)
		return xasprintf(_("at most %d characters (this has %zu)"), f->max_len, n);
	if (f->min_len && n < (size_t)f->min_len)
		return xasprintf(_("at least %d characters (this has %zu)"), f->min_len, n);
	return NULL;
}

/* "the ID number says Male, not Female" when field i holds a typed value that its
 * derivation contradicts, else NULL. Caller frees. */
static char *derive_problem(struct form_eval *ev, const struct form_data *d, size_t i)
{
	struct expr *e = &ev->derives[i];
	const struct field_def *f = &d->def->fields[i];
	if (!e->stmt || f->readonly)
		return NULL;
	char *derived = expr_text(e, d);
	char *msg = NULL;
	if (derived && strcmp(derived, d->values[i]) != 0) {
		const char *source = _("the record");
		for (int k = 0; k < e->nparams; k++)
			if (e->param_field[k] != PARAM_ID && d->values[e->param_field[k]]) {
				source = _(d->def->fields[e->param_field[k]].label);
				break;
			}
		char *want = form_display_value(f, derived);
		char *got = form_display_value(f, d->values[i]);
		msg = xasprintf(_("the %s says %s, not %s"), source, want, got);
		free(want);
		free(got);
	}
	free(derived);
	return msg;
}

/* What is wrong with a value that is not one of its lookup's, or NULL: the message
 * lists the values (the first dozen) so the clerk sees what is meant. Caller frees. */
static char *lookup_problem(struct form_eval *ev, const struct form_data *d, size_t i)
{
	enum { SHOWN = 12 };
	const char *v = d->values[i];
	if (!ev->lookups[i].stmt)
		return NULL;
	char **values;
	int n = form_lookup_values(ev, d, i, &values);
	if (n < 0)
		return xasprintf(_("the list could not be read (%s)"), sqlite3_errmsg(ev->db));
	bool found = false;
	for (int k = 0; k < n && !found; k++)
		found = strcmp(values[k], v) == 0;
	char *msg = NULL;
	if (!found && n == 0) {
		msg = xasprintf(_("%s is not in the list, and the list is empty here"), v);
	} else if (!found) {
		struct strbuf list = { 0 };
		for (int k = 0; k < n && k < SHOWN; k++)
			sb_appendf(&list, "%s%s", k ? _(", ") : "", values[k]);
		if (n > SHOWN)
			sb_appendf(&list, "%s…", _(", "));
		msg = xasprintf(_("%s is not one of %s; press F4 to pick one"), v, list.s);
		sb_free(&list);
	}
	lookup_values_free(values, n);
	return msg;
}

/* A rule's message with each {field} replaced by the field's value as shown ({id}:
 * the record's id), so it can name what it found (the balance a redemption would
 * overdraw). An unknown {name} is left as written. Caller frees. */
static char *rule_message(const struct form_data *d, const char *msg)
{
	struct strbuf sb = { 0 };
	for (const char *p = msg; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		char *name = close ? xstrndup(p + 1, (size_t)(close - p - 1)) : NULL;
		int f = name ? form_field_index(d->def, name) : -1;
		if (f >= 0) {
			char *shown = d->values[f] ? form_display_value(&d->def->fields[f], d->values[f])
						   : xstrdup("");
			sb_append(&sb, shown);
			free(shown);
			p = close + 1;
		} else if (name && strcmp(name, "id") == 0) {
			sb_appendf(&sb, "%lld", (long long)d->id);
			p = close + 1;
		} else {
			sb_append_n(&sb, p, 1);
			p++;
		}
		free(name);
	}
	return sb.s ? sb_take(&sb) : xstrdup("");
}

/* What is wrong with a ref field's id that names no record, or NULL. Caller frees. */
static char *ref_problem(struct form_eval *ev, const struct form_data *d, size_t i)
{
	if (!ev->refs[i].stmt || expr_truth(&ev->refs[i], d) != TRUTH_FALSE)
		return NULL;
	return xasprintf(_("there is no record %s; press F4 to pick one"), d->values[i]);
}

/* The problem of a failed constraint, or NULL. Caller frees. */
static char *constraint_problem(struct form_eval *ev, const struct form_data *d, size_t i)
{
	const struct field_def *f = &d->def->fields[i];
	if (!ev->constraints[i].stmt)
		return NULL;
	switch (expr_truth(&ev->constraints[i], d)) {
	case TRUTH_FALSE:
		return f->constraint_msg ? rule_message(d, _(f->constraint_msg)) : xstrdup(_("not accepted"));
	case TRUTH_ERROR:
		return xasprintf(_("the rule could not be checked (%s)"), sqlite3_errmsg(ev->db));
	case TRUTH_TRUE:
	case TRUTH_NULL:
		break;
	}
	return NULL;
}

/* The first problem of field i, or NULL. Caller frees. */
static char *field_problem(struct form_eval *ev, const struct form_data *d, size_t i)
{
	const struct field_def *f = &d->def->fields[i];
	const char *v = d->values[i];
	char *msg;

	if (!v || !*v) {
		if (f->required)
			return xstrdup(f->required_msg ? _(f->required_msg) : _("required"));
		return constraint_problem(ev, d, i);
	}
	if ((msg = char_problem(f, v)) || (msg = length_problem(f, v)) ||
	    (msg = type_problem(f, v)) || (msg = ref_problem(ev, d, i)) ||
	    (msg = derive_problem(ev, d, i)) || (msg = lookup_problem(ev, d, i)))
		return msg;
	return constraint_problem(ev, d, i);
}

/* What is wrong with a value the form does not ask for (a status reason while the
 * resident is on the register) but would store all the same: its characters. */
static char *irrelevant_problem(const struct field_def *f, const char *v)
{
	return v && *v ? char_problem(f, v) : NULL;
}

size_t form_validate(struct form_eval *ev, const struct form_data *d, struct form_check *out)
{
	const struct form_def *def = ev->def;

	out->items = NULL;
	out->n = 0;
	for (size_t i = 0; i < def->nfields; i++) {
		if (!def->fields[i].column)
			continue;
		char *msg = form_field_relevant(ev, d, i) ? field_problem(ev, d, i)
							   : irrelevant_problem(&def->fields[i], d->values[i]);
		if (msg)
			add_problem(out, def, i, msg);
	}
	if (ev->check.stmt && expr_truth(&ev->check, d) == TRUTH_FALSE)
		add_problem(out, def, def->nfields,
			    def->check_msg ? rule_message(d, _(def->check_msg))
					   : xstrdup(_("the record is not consistent")));
	return out->n;
}

char *form_eval_refusal(struct form_eval *ev, struct form_data *d)
{
	char *msg = NULL;
	for (size_t i = 0; i < d->def->nfields; i++)
		if (!form_field_relevant(ev, d, i))
			form_data_set(d, i, NULL);
	struct form_check chk;
	if (form_validate(ev, d, &chk))
		msg = xstrdup(chk.items[0].message);
	form_check_free(&chk);
	return msg;
}

char *form_record_refusal(const struct form_def *def, sqlite3 *db, struct form_data *d)
{
	char *msg = NULL;
	struct form_eval *ev = form_eval_new(def, db, &msg);
	if (!ev)
		return msg;
	msg = form_eval_refusal(ev, d);
	form_eval_free(ev);
	return msg;
}

void form_check_free(struct form_check *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->items[i].message);
	free(c->items);
	c->items = NULL;
	c->n = 0;
}
