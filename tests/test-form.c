/* Tests of the form engine: the parser's messages for each kind of mistake, the
 * override folder, the shipped definitions, and the resident form's rules evaluated by
 * SQLite on a real store (龙发利's ID number derives his sex and birth date). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "form.h"
#include "i18n.h"
#include "idcard.h"
#include "sqlfn.h"
#include "store.h"
#include "util.h"

#define LONGFA_ID "52011119800101001X"

/* ---- temporary folders ---- */

static char *made_files[64];
static size_t nmade;

/* Writes text to dir/rel, creating dir/codes when rel is in it; remembered for cleanup. */
static void write_file(const char *dir, const char *rel, const char *text)
{
	char *sub = xasprintf("%s/codes", dir);
	mkdir(dir, 0700);
	mkdir(sub, 0700);
	free(sub);
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	if (nmade < ARRAY_LEN(made_files))
		made_files[nmade++] = path;
	else
		free(path);
}

/* Removes every file written and the folders that held them. */
static void remove_files(const char *const *dirs, size_t ndirs)
{
	for (size_t i = 0; i < nmade; i++) {
		unlink(made_files[i]);
		free(made_files[i]);
	}
	nmade = 0;
	for (size_t i = 0; i < ndirs; i++) {
		char *sub = xasprintf("%s/codes", dirs[i]);
		rmdir(sub);
		free(sub);
		rmdir(dirs[i]);
	}
}

/* A fresh private folder under /tmp. Caller frees the name. */
static char *temp_dir(void)
{
	char *dir = xstrdup("/tmp/test-form-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(2);
	}
	return dir;
}

/* The shipped forms folder: $SHANZHI_FORMS as meson test sets it, else ./forms. */
static const char *shipped_forms(void)
{
	const char *env = getenv("SHANZHI_FORMS");
	return env && *env ? env : "forms";
}

/* ---- the parser's messages ---- */

#define SEX_CODES "# test list\n1\tMale\n2\tFemale\n"

/* One mistake: a file's text and a piece of the message it must produce. */
struct parse_case {
	const char *file;     /* name inside the folder, e.g. "a.form" or "codes/x.codes" */
	const char *text;
	const char *expected; /* substring of the errors, after "<dir>/" */
};

static const struct parse_case parse_cases[] = {
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\ncolour = red\n",
	  "a.form:6: unknown key 'colour' in [field]; valid keys: label, help, type, required" },
	{ "a.form", "[form]\ntitle = A\ntable = t\ncolour = red\n[field x]\nlabel = X\n",
	  "a.form:4: unknown key 'colour' in [form]; valid keys: name, title, table, version, "
	  "check, check_msg" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\ntype = number\n",
	  "a.form:6: type: 'number' is not a field type; valid types: text, integer, decimal, "
	  "date, choice, multi, idnumber, phone, ref, memo" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\n\n[field x]\nlabel = Y\n",
	  "a.form:7: duplicate field x (first defined at line 4)" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\ntype = choice\n"
		    "choices = colours\n",
	  "a.form:7: choices: unknown code list 'colours' (no codes/colours.codes)" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n# a comment\n[field x]\ntype = text\n",
	  "a.form:5: field x: missing label" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\nmax = fifty\n",
	  "a.form:6: max: 'fifty' is not a number (0 to 100000)" },
	{ "a.form", "[form]\ntitle = A\ntable = t\nversion = -2\n[field x]\nlabel = X\n",
	  "a.form:4: version: '-2' is not a number" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\nrequired = maybe\n",
	  "a.form:6: required: 'maybe' is neither yes nor no" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\nlabel = Y\n",
	  "a.form:6: label is given twice (first at line 5)" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel X\n",
	  "a.form:5: expected key = value" },
	{ "a.form", "title = A\n[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\n",
	  "a.form:1: a key before any section; start with [form]" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[feld x]\nlabel = X\n",
	  "a.form:4: unknown section [feld x]; valid sections: [form], [field NAME]" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field 2x]\nlabel = X\n",
	  "a.form:4: field name '2x' is not a name" },
	{ "a.form", "[form]\ntitle = A\ntable = t; DROP\n[field x]\nlabel = X\n",
	  "a.form:3: table: 't; DROP' is not a name" },
	{ "a.form", "[form]\ntitle = A\n[field x]\nlabel = X\n", "a.form:1: [form]: missing table" },
	{ "a.form", "[field x]\nlabel = X\n", "a.form:1: no [form] section" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n", "a.form:1: the form has no [field NAME] section" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\ntype = choice\n",
	  "a.form:4: field x: a choice field needs choices = a code list" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\ntype = ref\n",
	  "a.form:4: field x: a ref field needs ref = a table" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\nmin = 5\nmax = 2\n",
	  "a.form:4: field x: min 5 is more than max 2" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = \xff\xfe\n",
	  "a.form:5: not valid UTF-8 (byte 9)" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\nhelp = a \\\n",
	  "a.form:6: the file ends inside a line continued with \\" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel = X\n[form]\n",
	  "a.form:6: a second [form] section (the first is at line 1)" },
	{ "a.form", "[form]\ntitle = A\ntable = t\n[field x]\nlabel =\n",
	  "a.form:5: label: the value is empty" },
	{ "codes/c.codes", "# list\n1 Male\n", "codes/c.codes:2: expected code<TAB>label" },
	{ "codes/c.codes", "1\tMale\n1\tMan\n", "codes/c.codes:2: code 1 is already in the list (line 1)" },
	{ "codes/c.codes", "1\tMale\n2\tMale\n",
	  "codes/c.codes:2: label of code 2 is already in the list (line 1)" },
	{ "codes/c.codes", "1\t\n", "codes/c.codes:1: code 1 has no label" },
	{ "codes/c.codes", "a b\tX\n", "codes/c.codes:1: 'a b' is not a code" },
	{ "codes/c.codes", "# nothing\n", "codes/c.codes:1: the code list has no codes" },
};

/* Every mistake is reported as file:line with what is wrong, and loading goes on. */
static void test_parse_errors(void)
{
	for (size_t i = 0; i < ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		char *dir = temp_dir();
		char *errors = NULL;
		write_file(dir, "codes/sex.codes", SEX_CODES);
		write_file(dir, c->file, c->text);
		struct form_registry *reg = form_registry_load(dir, NULL, &errors);
		char *want = xasprintf("%s/%s", dir, c->expected);
		if (!errors || !strstr(errors, want)) {
			check_failed++;
			fprintf(stderr, "case %zu: want \"%s\" in:\n%s\n", i, c->expected,
				errors ? errors : "(no errors)");
		}
		check_run++;
		CHECK(form_codelist(reg, "sex") != NULL);  /* the good file still loaded */
		free(want);
		free(errors);
		form_registry_free(reg);
		remove_files((const char *const[]){ dir }, 1);
		free(dir);
	}
}

/* A clean file gives no errors; keys, types and continuation lines land in the struct. */
static void test_parse_values(void)
{
	char *dir = temp_dir(), *errors = NULL;
	write_file(dir, "codes/sex.codes", SEX_CODES);
	write_file(dir, "p.form",
		   "\xEF\xBB\xBF# a person\r\n[form]\r\nname = person\r\ntitle = Person\r\n"
		   "table = person\r\nversion = 3\r\ncheck = :a IS NOT NULL\r\n"
		   "check_msg = needs a\r\n\r\n"
		   "[field a]\r\nlabel = A\r\ntype = integer\r\nrequired = yes\r\nmin = 1\r\n"
		   "max = 4\r\nwidth = 6\r\nconstraint = :a > 0 \\\r\n  AND :a < 100\r\n"
		   "[field b]\nlabel = B\ntype = choice\nchoices = sex\nreadonly = yes\n"
		   "column = no\nrelevant = :a = 1\n");
	struct form_registry *reg = form_registry_load(dir, "/nonexistent", &errors);
	CHECK_STR(errors, NULL);
	const struct form_def *def = form_get(reg, "person");
	CHECK(def != NULL);
	if (def) {
		CHECK_STR(def->title, "Person");
		CHECK_STR(def->table, "person");
		CHECK_INT(def->version, 3);
		CHECK_STR(def->check, ":a IS NOT NULL");
		CHECK_INT(def->check_line, 7);
		CHECK_INT(def->nfields, 2);
		CHECK_STR(def->fields[0].name, "a");
		CHECK_INT(def->fields[0].type, FIELD_INTEGER);
		CHECK(def->fields[0].required);
		CHECK_INT(def->fields[0].min_len, 1);
		CHECK_INT(def->fields[0].max_len, 4);
		CHECK_INT(def->fields[0].width, 6);
		CHECK(def->fields[0].column);
		CHECK_STR(def->fields[0].constraint, ":a > 0   AND :a < 100");
		CHECK_INT(def->fields[0].constraint_line, 17);
		CHECK_INT(def->fields[0].line, 10);
		CHECK(def->fields[1].list == form_codelist(reg, "sex"));
		CHECK(def->fields[1].readonly);
		CHECK(!def->fields[1].column);
		CHECK_INT(form_field_index(def, "b"), 1);
		CHECK_INT(form_field_index(def, "c"), -1);
	}
	form_registry_free(reg);
	remove_files((const char *const[]){ dir }, 1);
	free(dir);
}

/* A file in the override folder replaces the shipped one of the same name; a new file
 * adds a form or a list. */
static void test_override(void)
{
	char *shipped = temp_dir(), *local = temp_dir(), *errors = NULL;
	write_file(shipped, "codes/sex.codes", SEX_CODES);
	write_file(shipped, "codes/colour.codes", "r\tRed\n");
	write_file(shipped, "a.form", "[form]\ntitle = Shipped\ntable = t\n[field x]\nlabel = X\n");
	write_file(local, "codes/sex.codes", "1\tMan\n2\tWoman\n9\tNot said\n");
	write_file(local, "a.form", "[form]\ntitle = Local\ntable = t\n[field x]\nlabel = X\n");
	write_file(local, "b.form", "[form]\ntitle = Added\ntable = u\n[field y]\nlabel = Y\n");
	struct form_registry *reg = form_registry_load(shipped, local, &errors);
	CHECK_STR(errors, NULL);
	const struct codelist *sex = form_codelist(reg, "sex");
	CHECK(sex && sex->n == 3);
	CHECK_STR(codelist_label(sex, "2"), "Woman");
	CHECK_STR(codelist_label(form_codelist(reg, "colour"), "r"), "Red");
	CHECK(form_get(reg, "a") && strcmp(form_get(reg, "a")->title, "Local") == 0);
	CHECK(form_get(reg, "b") && strcmp(form_get(reg, "b")->title, "Added") == 0);
	char *want = xasprintf("%s/a.form", local);
	CHECK(form_get(reg, "a") && strcmp(form_get(reg, "a")->file, want) == 0);
	free(want);
	form_registry_free(reg);

	/* a broken override is named by its own path, and the shipped forms still load */
	write_file(local, "codes/sex.codes", "1 Man\n");
	errors = NULL;
	reg = form_registry_load(shipped, local, &errors);
	want = xasprintf("%s/codes/sex.codes:1: expected code<TAB>label", local);
	CHECK(errors && strstr(errors, want));
	CHECK(form_get(reg, "b") != NULL);
	free(want);
	/* ...and the shipped list of its name is used in its place, whole */
	sex = form_codelist(reg, "sex");
	CHECK(sex && sex->n == 2);
	CHECK_STR(codelist_label(sex, "2"), "Female");
	want = xasprintf("%s/codes/sex.codes:0: the shipped %s/codes/sex.codes is used instead",
			 local, shipped);
	CHECK(errors && strstr(errors, want));
	free(want);
	free(errors);
	form_registry_free(reg);
	remove_files((const char *const[]){ shipped, local }, 2);
	free(shipped);
	free(local);
}

/* ---- the shipped definitions ---- */

struct list_size {
	const char *name;
	size_t n;
	const char *code, *label;
};

static const struct list_size shipped_lists[] = {
	{ "sex", 4, "1", "Male" },
	{ "ethnicity", 58, "06", "Miao" },
	{ "relation", 84, "02", "Head of household" },
	{ "political", 13, "13", "Ordinary citizen" },
	{ "education", 40, "20", "Undergraduate" },
	{ "marital", 8, "40", "Divorced" },
	{ "residence", 3, "3", "Floating" },
	{ "living_status", 4, "3", "Deceased" },
	{ "tags", 12, "dibao", "Minimum living allowance" },
};

/* Every shipped file parses with zero errors and holds what the register needs. */
static void test_shipped(struct form_registry *reg, const char *errors)
{
	CHECK_STR(errors, NULL);
	for (size_t i = 0; i < ARRAY_LEN(shipped_lists); i++) {
		const struct list_size *l = &shipped_lists[i];
		const struct codelist *cl = form_codelist(reg, l->name);
		CHECK(cl != NULL);
		if (!cl)
			continue;
		CHECK_INT(cl->n, l->n);
		CHECK_STR(codelist_label(cl, l->code), l->label);
	}
	const struct form_def *res = form_get(reg, "resident");
	const struct form_def *hh = form_get(reg, "household");
	CHECK(res && hh);
	if (!res || !hh)
		return;
	CHECK_STR(res->table, "resident");
	CHECK_STR(res->fields[0].name, "name");
	CHECK_STR(res->fields[0].label, "Name");
	CHECK_STR(res->fields[1].name, "id_number");
	CHECK_INT(res->fields[1].type, FIELD_IDNUMBER);
	CHECK_STR(hh->table, "household");
	int head = form_field_index(hh, "head_id");
	CHECK(head >= 0 && hh->fields[head].readonly && hh->fields[head].type == FIELD_REF);
}

/* ---- the resident form's rules on a real store ---- */

/* A fresh record of the resident form with name and ID number typed. */
static void resident_new(struct form_eval *ev, struct form_data *d, const char *name,
			 const char *id)
{
	form_data_init(d, d->def);
	form_data_set(d, (size_t)form_field_index(d->def, "name"), name);
	form_data_set(d, (size_t)form_field_index(d->def, "id_number"), id);
	form_normalize_and_derive(ev, d, -1);
}

/* The current value of a field by name. */
static const char *value_of(const struct form_data *d, const char *field)
{
	int i = form_field_index(d->def, field);
	return i >= 0 ? d->values[i] : "(no such field)";
}

/* Sets a field as the clerk would: type it, then let the form react. */
static void type_into(struct form_eval *ev, struct form_data *d, const char *field,
		      const char *value)
{
	int i = form_field_index(d->def, field);
	form_data_set(d, (size_t)i, value);
	form_normalize_and_derive(ev, d, i);
}

/* All problems of the record, one per line. Caller frees. */
static char *problems(struct form_eval *ev, const struct form_data *d)
{
	struct form_check c;
	struct strbuf sb = { 0 };
	form_validate(ev, d, &c);
	for (size_t i = 0; i < c.n; i++)
		sb_appendf(&sb, "%s\n", c.items[i].message);
	form_check_free(&c);
	return sb_take(&sb);
}

#define CHECK_PROBLEMS(ev, d, want)                                                    \
	do {                                                                           \
		char *got_ = problems(ev, d);                                          \
		CHECK_STR(got_, want);                                                 \
		free(got_);                                                            \
	} while (0)

/* 龙发利 with his ID number: sex, birth date and age derived, nothing to complain of. */
static void test_longfali(struct form_eval *ev, const struct form_def *def)
{
	struct form_data d = { .def = def };
	resident_new(ev, &d, "龙发利", LONGFA_ID);
	CHECK_STR(value_of(&d, "sex"), "1");
	CHECK_STR(value_of(&d, "birth_date"), "1980-01-01");
	CHECK_STR(value_of(&d, "age"), "46");
	CHECK_STR(value_of(&d, "living_status"), "1");
	CHECK_STR(value_of(&d, "residence"), "1");
	CHECK_PROBLEMS(ev, &d, "");
	char *shown = form_display_value(&def->fields[form_field_index(def, "sex")], "1");
	CHECK_STR(shown, "Male");
	free(shown);

	/* the clerk corrects the ID to a woman's: what was derived follows */
	type_into(ev, &d, "id_number", "520111199002030025");
	CHECK_STR(value_of(&d, "sex"), "2");
	CHECK_STR(value_of(&d, "birth_date"), "1990-02-03");
	CHECK_STR(value_of(&d, "age"), "35");
	form_data_free(&d);

	/* full-width digits, a lowercase x, spaces and Excel's quote are normalised */
	resident_new(ev, &d, "  龙发利 ", "'５２０１１１ １９８００１０１００１x");
	CHECK_STR(value_of(&d, "id_number"), LONGFA_ID);
	CHECK_STR(value_of(&d, "name"), "龙发利");
	CHECK_STR(value_of(&d, "sex"), "1");
	CHECK_PROBLEMS(ev, &d, "");
	form_data_free(&d);

	/* an old 15-digit number becomes 18 digits with its check character */
	char want[19] = "520111198001010015";
	want[17] = idcard_check_char(want);
	resident_new(ev, &d, "龙发利", "520111800101001");
	CHECK_STR(value_of(&d, "id_number"), want);
	CHECK_STR(value_of(&d, "birth_date"), "1980-01-01");
	form_data_free(&d);
}

/* Sex and birth date typed against the ID number are refused, saying what the ID says. */
static void test_contradiction(struct form_eval *ev, const struct form_def *def)
{
	struct form_data d = { .def = def };
	form_data_init(&d, def);
	form_data_set(&d, (size_t)form_field_index(def, "name"), "龙发利");
	form_data_set(&d, (size_t)form_field_index(def, "sex"), "2");
	form_data_set(&d, (size_t)form_field_index(def, "birth_date"), "1981/2/3");
	form_data_set(&d, (size_t)form_field_index(def, "id_number"), LONGFA_ID);
	form_normalize_and_derive(ev, &d, -1);
	CHECK_STR(value_of(&d, "sex"), "2");  /* typed: kept, then refused */
	CHECK_STR(value_of(&d, "birth_date"), "1981-02-03");
	CHECK_PROBLEMS(ev, &d,
		       "Sex: the ID number says Male, not Female\n"
		       "Birth date: the ID number says 1980-01-01, not 1981-02-03\n");
	form_data_free(&d);

	/* a wrong check character is named */
	resident_new(ev, &d, "龙发利", "520111198001010013");
	CHECK_PROBLEMS(ev, &d, "ID number: the check character should be X, not 3\n");
	form_data_free(&d);
}

/* Without an ID number a name, a sex and a birth date are needed. */
static void test_without_id(struct form_eval *ev, const struct form_def *def)
{
	struct form_data d = { .def = def };
	resident_new(ev, &d, "龙小妹", NULL);
	CHECK_PROBLEMS(ev, &d,
		       "Sex: required when there is no ID number\n"
		       "Birth date: required when there is no ID number, and never in the "
		       "future\n");
	type_into(ev, &d, "sex", "female");
	type_into(ev, &d, "birth_date", "20250301");
	CHECK_STR(value_of(&d, "sex"), "2");
	CHECK_STR(value_of(&d, "birth_date"), "2025-03-01");
	CHECK_STR(value_of(&d, "age"), "0");
	CHECK_PROBLEMS(ev, &d, "");
	type_into(ev, &d, "birth_date", "2027-01-01");
	CHECK_PROBLEMS(ev, &d,
		       "Birth date: required when there is no ID number, and never in the "
		       "future\n");
	form_data_set(&d, 0, NULL);
	type_into(ev, &d, "birth_date", "2025-02-30");
	CHECK_PROBLEMS(ev, &d, "Name: required\nBirth date: 2025-02-30 is not a date (YYYY-MM-DD)\n");
	form_data_free(&d);
}

/* Names: up to 100 characters, "·" allowed (look-alikes become it), no control
 * characters. */
static void test_names(struct form_eval *ev, const struct form_def *def)
{
	struct form_data d = { .def = def };
	struct strbuf name = { 0 };
	for (int i = 0; i < 49; i++)
		sb_append(&name, "阿");
	sb_append(&name, "·");
	for (int i = 0; i < 50; i++)
		sb_append(&name, "买");
	resident_new(ev, &d, name.s, LONGFA_ID);  /* exactly 100 characters */
	CHECK_PROBLEMS(ev, &d, "");
	sb_append(&name, "提");
	type_into(ev, &d, "name", name.s);
	CHECK_PROBLEMS(ev, &d, "Name: at most 100 characters (this has 101)\n");
	type_into(ev, &d, "name", "阿依古丽\xE2\x80\xA2买买提");  /* U+2022 bullet */
	CHECK_STR(value_of(&d, "name"), "阿依古丽·买买提");
	CHECK_PROBLEMS(ev, &d, "");
	type_into(ev, &d, "name", "龙发\x01利");
	CHECK_PROBLEMS(ev, &d, "Name: control characters are not allowed\n");
	/* DEL, C1 (U+0085) and the line separator U+2028 are control characters too;
	 * U+00A0, the byte pair just past C1, is not */
	static const char *const controls[] = {"龙发\x7F利", "龙发\xC2\x85利", "龙发\xE2\x80\xA8利"};
	for (size_t i = 0; i < ARRAY_LEN(controls); i++) {
		type_into(ev, &d, "name", controls[i]);
		CHECK_PROBLEMS(ev, &d, "Name: control characters are not allowed\n");
	}
	type_into(ev, &d, "name", "龙发\xC2\xA0利");
	CHECK_PROBLEMS(ev, &d, "");
	/* notes may hold line breaks and tabs, and nothing else of the kind */
	type_into(ev, &d, "name", "龙发利");
	type_into(ev, &d, "notes", "第一行\r\n第二行\t完");
	CHECK_PROBLEMS(ev, &d, "");
	type_into(ev, &d, "notes", "第一行\x01");
	CHECK_PROBLEMS(ev, &d, "Notes: control characters are not allowed\n");
	sb_free(&name);
	form_data_free(&d);
}

/* Terminal escapes in any stored field of a form are refused naming the field,
 * asked for or not (a status reason while the resident is on the register, which
 * an import would store all the same); a memo keeps its line breaks only. */
static void test_escapes(struct form_eval *ev, const struct form_def *def)
{
	static const char *const escapes[] = {
		"\x1b[2J", "\x1b]52;c;ZWNobw==\x07", "\x1b]0;title\x1b\\", "\xC2\x9B" "31m", "\x7f",
	};
	for (size_t i = 0; i < def->nfields; i++) {
		const struct field_def *f = &def->fields[i];
		if (!f->column)
			continue;
		for (size_t k = 0; k < ARRAY_LEN(escapes); k++) {
			struct form_data d = { .def = def };
			if (form_field_index(def, "name") >= 0) {
				resident_new(ev, &d, "龙发利", LONGFA_ID);
			} else {
				form_data_init(&d, def);
				form_normalize_and_derive(ev, &d, -1);
			}
			char *v = xasprintf("龙%s发利", escapes[k]);
			form_data_set(&d, i, v);   /* as an import fills it: no normalising */
			char *want = xasprintf("%s: control characters are not allowed\n", f->label);
			char *got = problems(ev, &d);
			if (!strstr(got, want))
				fprintf(stderr, "field %s, escape %zu: %s", f->name, k, got);
			CHECK(strstr(got, want) != NULL);
			free(got);
			free(want);
			free(v);
			form_data_free(&d);
		}
	}
}

/* Invisible format characters are refused in a name, naming the character. */
static void test_invisible(struct form_eval *ev, const struct form_def *def)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "龙\xE2\x80\x8B发利", "Name: holds an invisible character (U+200B); type it again without it\n" },
		{ "\xE2\x80\xAE利发龙", "Name: holds an invisible character (U+202E); type it again without it\n" },
		{ "龙发利\xEF\xBB\xBF", "Name: holds an invisible character (U+FEFF); type it again without it\n" },
		{ "龙发\xC2\xAD利", "Name: holds an invisible character (U+00AD); type it again without it\n" },
		{ "龙\xE2\x81\xA6发利", "Name: holds an invisible character (U+2066); type it again without it\n" },
		{ "阿依古丽·买买提", "" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct form_data d = { .def = def };
		resident_new(ev, &d, cases[i].name, LONGFA_ID);
		CHECK_PROBLEMS(ev, &d, cases[i].want);
		form_data_free(&d);
	}
}

/* Status date and reason show and are required only off the register. */
static void test_relevance(struct form_eval *ev, const struct form_def *def)
{
	struct form_data d = { .def = def };
	size_t date = (size_t)form_field_index(def, "status_date");
	resident_new(ev, &d, "龙发利", LONGFA_ID);
	CHECK(!form_field_relevant(ev, &d, date));
	type_into(ev, &d, "living_status", "Deceased");
	CHECK_STR(value_of(&d, "living_status"), "3");
	CHECK(form_field_relevant(ev, &d, date));
	CHECK_PROBLEMS(ev, &d,
		       "Status date: required when the resident is no longer on the register\n"
		       "Status reason: required when the resident is no longer on the register\n");
	type_into(ev, &d, "status_date", "1979.12.31");
	type_into(ev, &d, "status_reason", "死亡证明");
	CHECK_PROBLEMS(ev, &d, "Status date: must lie between the birth date and today\n");
	type_into(ev, &d, "status_date", "2024.12.31");
	CHECK_PROBLEMS(ev, &d, "");
	type_into(ev, &d, "living_status", "1");
	CHECK(!form_field_relevant(ev, &d, date));
	form_data_free(&d);
}

/* Codes typed as codes, short codes or English labels; orphans shown as their code. */
/* Tags typed every which way are stored as form_multi_codes parses them, those
 * already in its own form (spared the parse) included. */
static void same_tags_as_parsed(struct form_eval *ev, struct form_data *d)
{
	static const char *const parts[] = {"dibao", "tekun", "disabled", "alone", "party", ",", ",", "，", " ",
					    "zzz", "DIBAO", "-", "_", "低保"};
	const struct codelist *tags = d->def->fields[form_field_index(d->def, "tags")].list;
	char *before = value_of(d, "tags") ? xstrdup(value_of(d, "tags")) : NULL;
	unsigned seed = 7;
	for (int i = 0; i < 2000; i++) {
		char typed[256] = "";
		for (int k = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 7; k > 0; k--) {
			seed = seed * 1103515245u + 12345u;
			strcat(typed, parts[(seed >> 16) % ARRAY_LEN(parts)]);
		}
		type_into(ev, d, "tags", typed);
		char *parsed = form_multi_codes(tags, typed);
		const char *want = parsed && *parsed ? parsed : NULL;
		if (!value_of(d, "tags") != !want || (want && strcmp(value_of(d, "tags"), want) != 0))
			fprintf(stderr, "tags \"%s\": stored \"%s\", parsed \"%s\"\n", typed,
				value_of(d, "tags") ? value_of(d, "tags") : "(null)", want ? want : "(null)");
		CHECK(!value_of(d, "tags") == !want && (!want || strcmp(value_of(d, "tags"), want) == 0));
		free(parsed);
	}
	type_into(ev, d, "tags", before);
	free(before);
}

static void test_codes(struct form_eval *ev, const struct form_def *def)
{
	static const struct {
		const char *field, *typed, *stored;
	} cases[] = {
		{ "relation", "Head of household", "02" },
		{ "relation", "2", "02" },
		{ "ethnicity", "miao", "06" },
		{ "ethnicity", "０１", "01" },
		{ "marital", "20", "20" },
		{ "tags", "party，dibao、Veteran", "dibao,veteran,party" },
		{ "tags", "Minimum living allowance, Person with a disability", "dibao,disabled" },
		{ "tags", "Veteran party", "veteran,party" },
		{ "tags", "dibao,disabled", "dibao,disabled" },
		{ "tags", "disabled,dibao", "dibao,disabled" },
		{ "tags", "dibao,dibao", "dibao" },
		{ "tags", "dibao,", "dibao" },
		{ "tags", ",dibao", "dibao" },
		{ "tags", "dibao, zzz", "dibao,zzz" },
		{ "phone", "138 0000 0000", "13800000000" },
		{ "phone", "+86 13800000000", "13800000000" },
		{ "phone", "(0851)88888888", "0851-88888888" },
	};
	struct form_data d = { .def = def };
	resident_new(ev, &d, "龙发利", LONGFA_ID);
	type_into(ev, &d, "household_id", NULL);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		type_into(ev, &d, cases[i].field, cases[i].typed);
		CHECK_STR(value_of(&d, cases[i].field), cases[i].stored);
	}
	CHECK_PROBLEMS(ev, &d,
		       "Relation to head: only for a member of a household\n"
		       "Groups followed: zzz is not in the list; press F4 to pick one\n");
	same_tags_as_parsed(ev, &d);
	type_into(ev, &d, "ethnicity", "77");
	type_into(ev, &d, "phone", "12345");
	type_into(ev, &d, "relation", NULL);
	type_into(ev, &d, "tags", NULL);
	CHECK_PROBLEMS(ev, &d,
		       "Ethnicity: 77 is not in the list; press F4 to pick one\n"
		       "Phone: an 11-digit mobile number starting with 1, or a landline with its "
		       "area code\n");
	const struct field_def *eth = &def->fields[form_field_index(def, "ethnicity")];
	const struct field_def *tags = &def->fields[form_field_index(def, "tags")];
	char *shown = form_display_value(eth, "77");
	CHECK_STR(shown, "77");
	free(shown);
	shown = form_display_value(eth, "06");
	CHECK_STR(shown, "Miao");
	free(shown);
	shown = form_display_value(tags, "dibao,zzz");
	CHECK_STR(shown, "Minimum living allowance, zzz");
	free(shown);
	form_data_free(&d);
}

/* The problem of one field after the clerk typed value into it, "" when none. */
static char *field_problem_after(const struct form_registry *reg, sqlite3 *db,
				 const char *form, const char *field, const char *value)
{
	const struct form_def *def = form_get(reg, form);
	char *err = NULL, *msg = xstrdup("(no form)");
	struct form_eval *ev = def ? form_eval_new(def, db, &err) : NULL;
	if (!ev) {
		fprintf(stderr, "%s: %s\n", form, err ? err : "?");
		free(err);
		return msg;
	}
	struct form_data d = { .def = def };
	struct form_check c;
	int i = form_field_index(def, field);
	form_data_init(&d, def);
	form_normalize_and_derive(ev, &d, -1);
	type_into(ev, &d, field, value);
	form_validate(ev, &d, &c);
	free(msg);
	msg = xstrdup("");
	for (size_t k = 0; k < c.n; k++)
		if (c.items[k].field == (size_t)i) {
			free(msg);
			msg = xstrdup(c.items[k].message);
		}
	form_check_free(&c);
	form_data_free(&d);
	form_eval_free(ev);
	return msg;
}

/* One phone rule for a resident, a service visitor and a dispute party, as import
 * applies it: a 7-digit 1388888 is refused everywhere, a mobile or landline is not. */
static void test_one_phone_rule(const struct form_registry *reg, sqlite3 *db)
{
	static const struct {
		const char *form, *field, *label;
	} phones[] = {
		{ "resident", "phone", "Phone" },
		{ "service", "visitor_phone", "Visitor phone" },
		{ "dispute_party", "phone", "Phone" },
	};
	static const char *const good[] = { "13800000000", "0851-88888888", "085188888888",
					    "010-12345678", "(0851)8888888" };
	static const char *const bad[] = { "1388888", "8888888", "12800000000", "138000000001",
					   "0851-888-8888", "0851-", "138-0000-0000", "1380000000x" };
	for (size_t k = 0; k < ARRAY_LEN(phones); k++) {
		char *want = xasprintf("%s: an 11-digit mobile number starting with 1, or a "
				       "landline with its area code", phones[k].label);
		for (size_t i = 0; i < ARRAY_LEN(good); i++) {
			char *got = field_problem_after(reg, db, phones[k].form, phones[k].field, good[i]);
			CHECK_STR(got, "");
			free(got);
		}
		for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
			char *got = field_problem_after(reg, db, phones[k].form, phones[k].field, bad[i]);
			CHECK_STR(got, want);
			free(got);
		}
		free(want);
	}
}

/* Dates in the forms clerks type them. */
static void test_dates(struct form_eval *ev, const struct form_def *def)
{
	static const char *const typed[] = { "19800101", "1980/1/1", "1980.01.01",
					     "1980年1月1日", "１９８０－０１－０１", " 1980-1-1 " };
	struct form_data d = { .def = def };
	resident_new(ev, &d, "龙小妹", NULL);
	for (size_t i = 0; i < ARRAY_LEN(typed); i++) {
		type_into(ev, &d, "birth_date", typed[i]);
		CHECK_STR(value_of(&d, "birth_date"), "1980-01-01");
	}
	form_data_free(&d);
}

/* Expressions that do not prepare are reported as file:line when the form is opened. */
static void test_eval_errors(sqlite3 *db)
{
	static const struct {
		const char *field_text, *expected;
	} cases[] = {
		{ "[field name]\nlabel = N\nconstraint = nosuch(:name)\n",
		  "x.form:7: field name: constraint: no such function: nosuch" },
		{ "[field name]\nlabel = N\nrelevant = :nme = 1\n",
		  "x.form:7: field name: relevant: :nme is not a field of this form" },
		{ "[field name]\nlabel = N\nderive = (SELECT 1 FROM nowhere)\n",
		  "x.form:7: field name: derive: no such table: nowhere" },
		{ "[field name]\nlabel = N\ndefault = 1); DELETE FROM resident; SELECT (1\n",
		  "x.form:7: field name: default: only one expression is allowed" },
		{ "[field nickname]\nlabel = N\n",
		  "x.form:5: field nickname: table resident has no such column" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *dir = temp_dir(), *errors = NULL, *err = NULL;
		char *text = xasprintf("[form]\ntitle = X\ntable = resident\n\n%s",
				       cases[i].field_text);
		write_file(dir, "x.form", text);
		struct form_registry *reg = form_registry_load(dir, NULL, &errors);
		CHECK_STR(errors, NULL);
		struct form_eval *ev = form_eval_new(form_get(reg, "x"), db, &err);
		char *want = xasprintf("%s/%s", dir, cases[i].expected);
		CHECK(ev == NULL);
		if (!err || !strstr(err, want)) {
			check_failed++;
			fprintf(stderr, "eval case %zu: want \"%s\" in \"%s\"\n", i, want,
				err ? err : "(null)");
		}
		check_run++;
		form_eval_free(ev);
		form_registry_free(reg);
		free(want);
		free(err);
		free(errors);
		free(text);
		remove_files((const char *const[]){ dir }, 1);
		free(dir);
	}
}

/* A derivation that is a bare call such as sz_id_sex(:id_number) runs the function
 * without SQL; in parentheses it goes through SQL. Both must give the same value for
 * valid, old, lower-case, wrong and empty ID numbers and for any birth date. */
static void test_bare_calls(sqlite3 *db)
{
	static const char *const fns[] = {"sz_id_sex", "sz_id_birth", "SZ_ID_NORM", "sz_id_valid"};
	struct strbuf form = {0};
	sb_append(&form, "[form]\ntitle = C\ntable = resident\n\n[field id_number]\nlabel = I\ntype = idnumber\n\n"
		  "[field birth_date]\nlabel = B\ntype = date\n\n"
		  "[field a1]\nlabel = A1\ncolumn = no\nreadonly = yes\nderive = sz_age( :birth_date )\n\n"
		  "[field a2]\nlabel = A2\ncolumn = no\nreadonly = yes\nderive = (sz_age(:birth_date))\n\n");
	for (size_t i = 0; i < ARRAY_LEN(fns); i++)
		sb_appendf(&form, "[field d%zu]\nlabel = D\ncolumn = no\nreadonly = yes\nderive = %s(:id_number)\n\n"
			   "[field s%zu]\nlabel = S\ncolumn = no\nreadonly = yes\nderive = (%s(:id_number))\n\n",
			   i, fns[i], i, fns[i]);
	char *dir = temp_dir(), *errors = NULL, *err = NULL;
	write_file(dir, "c.form", form.s);
	struct form_registry *reg = form_registry_load(dir, NULL, &errors);
	CHECK_STR(errors, NULL);
	const struct form_def *def = form_get(reg, "c");
	struct form_eval *ev = def ? form_eval_new(def, db, &err) : NULL;
	CHECK(ev != NULL);
	static const char *const ids[] = {LONGFA_ID, "52011119800101001x", "520111800101001",
					  "520111198001010010", "", "5.20111E+17"};
	static const char *const births[] = {"1980-06-02", "2025-06-01", "2099-01-01", "1980-02-30", ""};
	civil_set_fixed_today("2025-06-01");
	for (size_t i = 0; ev && i < ARRAY_LEN(ids); i++) {
		struct form_data d = { .def = def };
		form_data_init(&d, def);
		type_into(ev, &d, "id_number", ids[i]);
		type_into(ev, &d, "birth_date", births[i % ARRAY_LEN(births)]);
		for (size_t k = 0; k < ARRAY_LEN(fns); k++) {
			char direct[8], sql[8];
			snprintf(direct, sizeof direct, "d%zu", k);
			snprintf(sql, sizeof sql, "s%zu", k);
			CHECK_STR(value_of(&d, direct), value_of(&d, sql));
		}
		CHECK_STR(value_of(&d, "a1"), value_of(&d, "a2"));
		if (i == 0) {   /* values, not two NULLs alike */
			CHECK_STR(value_of(&d, "d0"), "1");
			CHECK_STR(value_of(&d, "d1"), "1980-01-01");
			CHECK_STR(value_of(&d, "d3"), "1");
			CHECK_STR(value_of(&d, "a1"), "44");
		}
		form_data_free(&d);
	}
	civil_set_fixed_today("2026-01-01");
	form_eval_free(ev);
	form_registry_free(reg);
	free(err);
	free(errors);
	sb_free(&form);
	remove_files((const char *const[]){ dir }, 1);
	free(dir);
}

/* Expressions remember their results by parameter values only when nothing else can
 * change them: one that reads a table sees the table as it is now, one that calls
 * sz_age sees today as it is now, a pure one still follows its parameters. */
static void test_memo(sqlite3 *db)
{
	char *dir = temp_dir(), *errors = NULL, *err = NULL;
	write_file(dir, "m.form",
		   "[form]\ntitle = M\ntable = resident\n\n"
		   "[field name]\nlabel = N\n"
		   "constraint = :name NOT IN (SELECT value FROM settings WHERE key = 'memo.banned')\n"
		   "constraint_msg = banned\n\n"
		   "[field birth_date]\nlabel = B\ntype = date\n\n"
		   "[field notes]\nlabel = A\nreadonly = yes\nderive = sz_age(:birth_date)\n\n"
		   "[field phone]\nlabel = P\nconstraint = length(:phone) < 5\nconstraint_msg = too long\n\n"
		   /* remembered by whether each is empty: only tested with IS [NOT] NULL */
		   "[field status_reason]\nlabel = S\nconstraint = (:status_reason IS NULL OR :tags IS NOT NULL)\n"
		   "constraint_msg = needs tags\n\n"
		   /* remembered by value: 1 / 0 is NULL, 1 / 1 is not */
		   "[field tags]\nlabel = T\nconstraint = 1 / :tags IS NULL\nconstraint_msg = not zero\n");
	struct form_registry *reg = form_registry_load(dir, NULL, &errors);
	CHECK_STR(errors, NULL);
	const struct form_def *def = form_get(reg, "m");
	struct form_eval *ev = def ? form_eval_new(def, db, &err) : NULL;
	CHECK(ev != NULL);
	if (ev) {
		struct form_data d = { .def = def };
		form_data_init(&d, def);
		civil_set_fixed_today("2025-06-01");
		type_into(ev, &d, "name", "甲");
		type_into(ev, &d, "birth_date", "1980-06-02");
		type_into(ev, &d, "phone", "123");
		CHECK_STR(value_of(&d, "notes"), "44");
		CHECK_PROBLEMS(ev, &d, "");
		CHECK(sqlite3_exec(db, "INSERT INTO settings (key, value) VALUES ('memo.banned', '甲')",
				   NULL, NULL, NULL) == SQLITE_OK);
		CHECK_PROBLEMS(ev, &d, "N: banned\n");
		civil_set_fixed_today("2025-06-02");
		form_normalize_and_derive(ev, &d, -1);
		CHECK_STR(value_of(&d, "notes"), "45");
		type_into(ev, &d, "phone", "123456");
		CHECK_PROBLEMS(ev, &d, "N: banned\nP: too long\n");
		type_into(ev, &d, "phone", "123");
		CHECK_PROBLEMS(ev, &d, "N: banned\n");
		sqlite3_exec(db, "DELETE FROM settings WHERE key = 'memo.banned'", NULL, NULL, NULL);
		type_into(ev, &d, "tags", "0");
		type_into(ev, &d, "status_reason", "迁出");
		CHECK_PROBLEMS(ev, &d, "");
		type_into(ev, &d, "tags", "1");
		CHECK_PROBLEMS(ev, &d, "T: not zero\n");
		type_into(ev, &d, "tags", "");
		CHECK_PROBLEMS(ev, &d, "S: needs tags\n");
		type_into(ev, &d, "status_reason", "死亡");
		CHECK_PROBLEMS(ev, &d, "S: needs tags\n");
		type_into(ev, &d, "tags", "0");
		CHECK_PROBLEMS(ev, &d, "");
		type_into(ev, &d, "status_reason", "");
		type_into(ev, &d, "tags", "");
		CHECK_PROBLEMS(ev, &d, "");
		civil_set_fixed_today("2026-01-01");
		form_data_free(&d);
	}
	form_eval_free(ev);
	form_registry_free(reg);
	free(err);
	free(errors);
	remove_files((const char *const[]){ dir }, 1);
	free(dir);
}

/* The household form: a number without spaces is required; the head is read-only. */
static void test_household(struct form_eval *ev, const struct form_def *def)
{
	struct form_data d = { .def = def };
	form_data_init(&d, def);
	form_normalize_and_derive(ev, &d, -1);
	CHECK_PROBLEMS(ev, &d, "Household number: required\n");
	type_into(ev, &d, "hh_no", " 5201110001 23 ");
	CHECK_STR(value_of(&d, "hh_no"), "5201110001 23");
	type_into(ev, &d, "grid_id", "x");
	CHECK_PROBLEMS(ev, &d, "Household number: may not contain spaces\n"
			       "Grid: not a record number\n");
	type_into(ev, &d, "hh_no", "520111000123");
	type_into(ev, &d, "grid_id", "３");
	CHECK_STR(value_of(&d, "grid_id"), "3");
	type_into(ev, &d, "village_group", "3组");
	CHECK_PROBLEMS(ev, &d, "");
	form_data_free(&d);
}

/* Inserts a row through the write path; its id as text in buf. */
static const char *insert_row(struct store *st, const char *table, const struct store_field *f, size_t n,
			      char buf[24])
{
	int64_t id = 0;
	char *err = NULL;
	if (store_insert(st, table, f, n, &id, &err) != 0)
		fprintf(stderr, "insert into %s: %s\n", table, err);
	free(err);
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

/* 村民小组 is one of the active groups of the household's village (the form's lookup):
 * a number picks its group (3 for 3组, full-width too), a wrong one is refused with
 * the groups listed, a deactivated group or another village's is refused. */
static void test_household_groups(struct form_eval *ev, const struct form_def *def, struct store *st)
{
	char town[24], village[24], other[24], grid[24], g[24];
	char *err = NULL;
	CHECK_INT(store_set_operator(st, "admin", &err), 0);
	insert_row(st, "town", (struct store_field[]){{"code", "520111101"}, {"name", "青岩镇"}}, 2, town);
	insert_row(st, "village", (struct store_field[]){{"town_id", town}, {"code", "520111101201"}, {"name", "龙井村"}},
		   3, village);
	insert_row(st, "village", (struct store_field[]){{"town_id", town}, {"code", "520111101202"}, {"name", "摆早村"}},
		   3, other);
	insert_row(st, "grid", (struct store_field[]){{"village_id", village}, {"code", "01"}, {"name", "一网格"}}, 3, grid);
	static const char *const names[] = {"1组", "2组", "3组", "10组"}, *const sorts[] = {"1", "2", "3", "10"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		insert_row(st, "village_group", (struct store_field[]){{"village_id", village}, {"name", names[i]},
			   {"sort", sorts[i]}}, 3, g);
	insert_row(st, "village_group", (struct store_field[]){{"village_id", village}, {"name", "4组"},
		   {"sort", "4"}, {"active", "0"}}, 4, g);
	insert_row(st, "village_group", (struct store_field[]){{"village_id", other}, {"name", "9组"}}, 2, g);

	struct form_data d = { .def = def };
	form_data_init(&d, def);
	form_normalize_and_derive(ev, &d, -1);
	type_into(ev, &d, "hh_no", "520111000124");
	type_into(ev, &d, "grid_id", grid);
	type_into(ev, &d, "village_group", "33组");
	CHECK_PROBLEMS(ev, &d, "Village group: 33组 is not one of 1组, 2组, 3组, 10组; press F4 to pick one\n");
	char **values;
	int n = form_lookup_values(ev, &d, (size_t)form_field_index(def, "village_group"), &values);
	CHECK_INT(n, 4);
	for (int i = 0; i < n; i++) {
		CHECK_STR(values[i], names[i]);
		free(values[i]);
	}
	free(values);
	type_into(ev, &d, "village_group", "3");
	CHECK_STR(value_of(&d, "village_group"), "3组");
	CHECK_PROBLEMS(ev, &d, "");
	type_into(ev, &d, "village_group", "１０");
	CHECK_STR(value_of(&d, "village_group"), "10组");
	type_into(ev, &d, "village_group", "1");
	CHECK_STR(value_of(&d, "village_group"), "1组");
	type_into(ev, &d, "village_group", "4组");   /* deactivated */
	CHECK_PROBLEMS(ev, &d, "Village group: 4组 is not one of 1组, 2组, 3组, 10组; press F4 to pick one\n");
	type_into(ev, &d, "village_group", "9组");   /* 摆早村's */
	CHECK_PROBLEMS(ev, &d, "Village group: 9组 is not one of 1组, 2组, 3组, 10组; press F4 to pick one\n");
	type_into(ev, &d, "grid_id", NULL);         /* no grid: any village's group */
	CHECK_PROBLEMS(ev, &d, "");
	type_into(ev, &d, "village_group", NULL);
	CHECK_PROBLEMS(ev, &d, "");
	form_data_free(&d);
	free(err);
}

/* A lookup belongs to a text field and is one query of the values. */
static void test_lookup_errors(sqlite3 *db)
{
	char *dir = temp_dir(), *errors = NULL, *err = NULL;
	write_file(dir, "codes/sex.codes", SEX_CODES);
	write_file(dir, "x.form", "[form]\ntitle = X\ntable = resident\n\n"
				  "[field sex]\nlabel = S\ntype = choice\nchoices = sex\nlookup = SELECT 1\n");
	write_file(dir, "y.form", "[form]\ntitle = Y\ntable = resident\n\n"
				  "[field name]\nlabel = N\nlookup = SELECT name FROM nowhere\n");
	struct form_registry *reg = form_registry_load(dir, NULL, &errors);
	char *want = xasprintf("%s/x.form:9: field sex: lookup is for a text field (a choice field has its own list)",
			       dir);
	CHECK(errors && strstr(errors, want));
	struct form_eval *ev = form_eval_new(form_get(reg, "y"), db, &err);
	CHECK(ev == NULL);
	CHECK(err && strstr(err, "y.form:7: field name: lookup: no such table: nowhere"));
	form_eval_free(ev);
	form_registry_free(reg);
	free(want);
	free(err);
	free(errors);
	remove_files((const char *const[]){ dir }, 1);
	free(dir);
}

/* In Chinese: a code typed as its translated label, labels and messages translated. */
static void test_chinese(struct form_eval *ev, const struct form_def *def)
{
	i18n_init("zh");
	if (strcmp(_("Head of household"), "Head of household") == 0) {
		printf("no zh_CN catalogue under SHANZHI_LOCALEDIR: Chinese checks skipped\n");
		return;
	}
	struct form_data d = { .def = def };
	resident_new(ev, &d, "龙发利", LONGFA_ID);
	type_into(ev, &d, "household_id", "1");
	type_into(ev, &d, "relation", "户主");
	type_into(ev, &d, "ethnicity", "苗族");
	CHECK_STR(value_of(&d, "relation"), "02");
	CHECK_STR(value_of(&d, "ethnicity"), "06");
	char *shown = form_display_value(&def->fields[form_field_index(def, "relation")], "02");
	CHECK_STR(shown, "户主");
	free(shown);
	/* 重点人群 typed as the labels shown, or their pinyin initials */
	type_into(ev, &d, "tags", "低保、残疾人，留守儿童");
	CHECK_STR(value_of(&d, "tags"), "dibao,disabled,leftchild");
	type_into(ev, &d, "tags", "db cjr LSET tkgy");
	CHECK_STR(value_of(&d, "tags"), "dibao,tekun,disabled,leftchild");
	type_into(ev, &d, "tags", "特困供养（五保） dy");
	CHECK_STR(value_of(&d, "tags"), "tekun,party");
	shown = form_display_value(&def->fields[form_field_index(def, "tags")], "dibao,leftchild");
	CHECK_STR(shown, "低保、留守儿童");
	free(shown);
	type_into(ev, &d, "tags", NULL);
	type_into(ev, &d, "sex", "女");
	CHECK_STR(value_of(&d, "sex"), "2");
	CHECK_PROBLEMS(ev, &d, "性别：根据公民身份号码应为男，而不是女\n");
	form_data_set(&d, 0, NULL);
	type_into(ev, &d, "sex", "男");
	CHECK_PROBLEMS(ev, &d, "姓名：必填\n");
	form_data_free(&d);
	i18n_init("en");
}

/* A date a dispute form fills in is the clerk's today, not the UTC one: at local noon
 * in UTC+13 it is still yesterday in UTC. */
static void test_today_defaults(const struct form_registry *reg, sqlite3 *db)
{
	static const char *const dated[][2] = {
		{ "dispute", "received_date" }, { "dispute_session", "session_date" },
		{ "dispute_outcome", "outcome_date" }, { "dispute_confirm", "confirm_applied_date" },
	};
	const char *tz = getenv("TZ");
	char *saved = tz ? xstrdup(tz) : NULL;
	setenv("TZ", "XXX-13", 1);
	tzset();
	for (size_t i = 0; i < ARRAY_LEN(dated); i++) {
		const struct form_def *def = form_get(reg, dated[i][0]);
		char *err = NULL;
		struct form_eval *ev = def ? form_eval_new(def, db, &err) : NULL;
		CHECK(ev != NULL);
		if (!ev)
			continue;
		struct form_data d = { .def = def };
		form_data_init(&d, def);
		form_normalize_and_derive(ev, &d, -1);
		CHECK_STR(value_of(&d, dated[i][1]), getenv("SHANZHI_TODAY"));
		form_data_free(&d);
		form_eval_free(ev);
		free(err);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

int main(void)
{
	civil_set_fixed_today("2026-01-01");
	sqlfn_clock_install();
	test_parse_errors();
	test_parse_values();
	test_override();

	char *errors = NULL, *err = NULL;
	struct form_registry *reg = form_registry_load(shipped_forms(), NULL, &errors);
	if (errors)
		fprintf(stderr, "%s", errors);
	test_shipped(reg, errors);
	free(errors);

	char db_path[] = "/tmp/test-form-db-XXXXXX";
	int fd = mkstemp(db_path);
	if (fd >= 0)
		close(fd);
	unlink(db_path);
	struct store *st = store_open(db_path, &err);
	if (!st) {
		fprintf(stderr, "store_open: %s\n", err ? err : "?");
		return 1;
	}
	const struct form_def *res = form_get(reg, "resident");
	const struct form_def *hh = form_get(reg, "household");
	struct form_eval *ev = res ? form_eval_new(res, store_db(st), &err) : NULL;
	struct form_eval *hev = hh ? form_eval_new(hh, store_db(st), &err) : NULL;
	if (err)
		fprintf(stderr, "%s", err);
	CHECK(ev && hev);
	if (ev) {
		test_longfali(ev, res);
		test_contradiction(ev, res);
		test_without_id(ev, res);
		test_names(ev, res);
		test_relevance(ev, res);
		test_escapes(ev, res);
		test_invisible(ev, res);
		test_codes(ev, res);
		test_dates(ev, res);
		test_chinese(ev, res);
	}
	if (hev) {
		test_household(hev, hh);
		test_escapes(hev, hh);
	}
	if (hev)
		test_household_groups(hev, hh, st);
	test_lookup_errors(store_db(st));
	test_eval_errors(store_db(st));
	test_memo(store_db(st));
	test_bare_calls(store_db(st));
	test_today_defaults(reg, store_db(st));
	test_one_phone_rule(reg, store_db(st));
	form_eval_free(ev);
	form_eval_free(hev);
	free(err);
	store_close(st);
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
		char *p = xasprintf("%s%s", db_path, suffixes[i]);
		unlink(p);
		free(p);
	}
	form_registry_free(reg);
	return check_finish();
}
