/* fuzz-form: the form parser and the expression preparation fed text from outside.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target: an input that starts
 * with "#codes\n" is an override code list (codes/sex.codes), anything else an override
 * resident.form; both load beside the shipped folder, the form is prepared on a real
 * store and a record is normalised and validated. Built otherwise (gcc) it is a test:
 * it feeds the same function truncated and garbled copies of every shipped file and
 * checks that nothing crashes, that every problem is reported as "file:line: ...", and
 * that the mistakes it plants are reported. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "civil.h"
#include "form.h"
#include "fuzz.h"
#include "store.h"
#include "util.h"

/* A private folder for the override file and a store for the expressions. */
struct fuzz_env {
	char dir[64];
	char *form_path, *codes_path, *db_path;
	struct store *st;
};

static struct fuzz_env env;

/* The shipped forms folder: $SHANZHI_FORMS as meson test sets it, else ./forms. */
static const char *shipped_forms(void)
{
	const char *e = getenv("SHANZHI_FORMS");
	return e && *e ? e : "forms";
}

/* Creates the folder and the store once per process. */
static void env_init(void)
{
	if (env.st)
		return;
	snprintf(env.dir, sizeof env.dir, "/tmp/fuzz-form-XXXXXX");
	if (!mkdtemp(env.dir))
		abort();
	char *codes = xasprintf("%s/codes", env.dir);
	mkdir(codes, 0700);
	free(codes);
	env.form_path = xasprintf("%s/resident.form", env.dir);
	env.codes_path = xasprintf("%s/codes/sex.codes", env.dir);
	env.db_path = xasprintf("%s/fuzz.db", env.dir);
	civil_set_fixed_today("2026-01-01");
	env.st = store_open(env.db_path, NULL);
	if (!env.st)
		abort();
}

/* Writes the input as it came, NUL bytes included. */
static void write_bytes(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
}

/* Typed values for a record, as a clerk or an import might give them. */
static const char *const sample_values[] = {
	"龙发利", "52011119800101001x", "2", "1980/1/1", "", "06", "1", "Head of household",
	"138 0000 0000", "13", "20", "40", "1", "3", "2024.12.31", "死亡", "dibao，party", "备注",
};

/* Prepares the form and normalises, derives and validates a record of every field
 * it has; returns what form_eval_new reported (caller frees). */
static char *exercise_form(const struct form_def *def)
{
	char *err = NULL;
	struct form_eval *ev = form_eval_new(def, store_db(env.st), &err);
	if (!ev)
		return err;
	struct form_data d;
	struct form_check c;
	form_data_init(&d, def);
	for (size_t i = 0; i < def->nfields; i++)
		form_data_set(&d, i, sample_values[i % ARRAY_LEN(sample_values)]);
	form_normalize_and_derive(ev, &d, -1);
	for (size_t i = 0; i < def->nfields; i++) {
		form_normalize_and_derive(ev, &d, (int)i);
		form_field_relevant(ev, &d, i);
		char *shown = form_display_value(&def->fields[i], d.values[i]);
		free(shown);
	}
	form_validate(ev, &d, &c);
	form_check_free(&c);
	form_data_free(&d);
	form_eval_free(ev);
	return err;
}

/* Loads one outside file as an override; returns the problems that loading and
 * preparing reported (caller frees). */
static char *load_one(const uint8_t *data, size_t size)
{
	static const char marker[] = "#codes\n";
	bool codes = size >= sizeof marker - 1 && memcmp(data, marker, sizeof marker - 1) == 0;
	char *errors = NULL;

	env_init();
	unlink(env.form_path);
	unlink(env.codes_path);
	write_bytes(codes ? env.codes_path : env.form_path, data, size);
	struct form_registry *reg = form_registry_load(shipped_forms(), env.dir, &errors);
	const struct form_def *def = form_get(reg, "resident");
	char *err = def ? exercise_form(def) : NULL;
	form_registry_free(reg);
	if (err) {
		char *all = xasprintf("%s%s", errors ? errors : "", err);
		free(errors);
		free(err);
		errors = all;
	}
	return errors;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: one outside file loaded and exercised. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	free(load_one(data, size));
	return 0;
}

#ifndef SZ_LIBFUZZER

static int run, failed;

/* true when every line of errors reads "<path>:<number>: <text>". */
static bool all_located(const char *errors)
{
	for (const char *s = errors; s && *s;) {
		const char *nl = strchr(s, '\n');
		const char *colon = strstr(s, ".form:");
		if (!colon || (nl && colon > nl))
			colon = strstr(s, ".codes:");
		if (!colon || (nl && colon > nl))
			return false;
		colon = strchr(colon + 1, ':') + 1;
		size_t digits = strspn(colon, "0123456789");
		if (!digits || strncmp(colon + digits, ": ", 2) != 0)
			return false;
		s = nl ? nl + 1 : colon + strlen(colon);
	}
	return true;
}

/* Loads one copy; counts a failure when a problem is not located or a planted
 * mistake (want_error) goes unreported. */
static void try_copy(const char *what, const char *text, size_t size, bool want_error)
{
	char *errors = load_one((const uint8_t *)text, size);
	run++;
	if (!all_located(errors) || (want_error && !errors)) {
		failed++;
		fprintf(stderr, "%s: %s\n", what,
			errors ? "a problem without file:line" : "the mistake was not reported");
		if (errors)
			fprintf(stderr, "%s", errors);
	}
	free(errors);
}

/* Mistakes that must be reported, planted in a shipped form. */
static void planted_form_mistakes(const char *text)
{
	static const struct {
		const char *from, *to;
	} plants[] = {
		{ "type = ", "tpye = " },
		{ "type = choice", "type = chioce" },
		{ "label = Name", "label = Na\xff" },
		{ "[field sex]", "[field sex]\n[field sex]" },
		{ "choices = sex", "choices = sexes" },
		{ "max = 100", "max = lots" },
		{ "[form]", "[from]" },
		{ "derive = sz_id_sex(:id_number)", "derive = sz_id_sex(:id_nmber)" },
		{ "derive = sz_id_sex(:id_number)", "derive = sz_id_sex(:id_number" },
		{ "required = yes", "required = sure" },
	};
	for (size_t i = 0; i < ARRAY_LEN(plants); i++) {
		char *copy = fuzz_replace_first(text, plants[i].from, plants[i].to);
		if (!copy)
			continue;
		try_copy(plants[i].to, copy, strlen(copy), true);
		free(copy);
	}
}

/* The file cut after cut bytes (a torn write). */
static void truncated_copy(const char *what, const char *text, size_t cut, bool codes)
{
	char *copy = xasprintf("%s%.*s", codes ? "#codes\n" : "", (int)cut, text);
	try_copy(what, copy, strlen(copy), false);
	free(copy);
}

/* Truncations at every line end and in the middle of every line (each copy loads a
 * form: one cut per half line keeps the ASan run to seconds), then garbled bytes. */
static void damaged_copies(const char *name, const char *text, size_t size, bool codes)
{
	char *what = xasprintf("%s (truncated)", name);
	for (size_t start = 0; start < size;) {
		const char *nl = memchr(text + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - text) : size;
		truncated_copy(what, text, start + (end - start) / 2, codes);
		truncated_copy(what, text, end, codes);
		start = end + 1;
	}
	free(what);
	what = xasprintf("%s (garbled)", name);
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		char *copy = xasprintf("%s%s", codes ? "#codes\n" : "", text);
		size_t n = strlen(copy), skip = codes ? 7 : 0;
		for (int k = 0; k < 4 && n > skip; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = skip + (seed >> 8) % (n - skip);
			static const char garbage[] = "[]=#\\\t\n\xff\xe4:x ";
			copy[at] = garbage[(seed >> 4) % (sizeof garbage - 1)];
		}
		try_copy(what, copy, n, false);
		free(copy);
	}
	free(what);
}

int main(void)
{
	static const char *const files[] = {
		"resident.form", "household.form", "codes/sex.codes", "codes/relation.codes",
		"codes/ethnicity.codes", "codes/tags.codes",
	};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		size_t size;
		char *path = xasprintf("%s/%s", shipped_forms(), files[i]);
		char *text = fuzz_slurp(path, &size);
		if (!text) {
			fprintf(stderr, "%s: cannot read\n", path);
			return 1;
		}
		bool codes = strstr(files[i], ".codes") != NULL;
		damaged_copies(files[i], text, size, codes);
		if (strcmp(files[i], "resident.form") == 0)
			planted_form_mistakes(text);
		if (codes) {
			char *copy = xasprintf("#codes\n%s", text);
			char *tabless = fuzz_replace_first(copy, "\t", " ");
			try_copy("codes without a tab", tabless, strlen(tabless), true);
			free(tabless);
			free(copy);
		}
		free(text);
		free(path);
	}
	store_close(env.st);
	unlink(env.form_path);
	unlink(env.codes_path);
	char *wal = xasprintf("%s-wal", env.db_path), *shm = xasprintf("%s-shm", env.db_path);
	unlink(env.db_path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	char *codes = xasprintf("%s/codes", env.dir);
	rmdir(codes);
	free(codes);
	rmdir(env.dir);
	free(env.form_path);
	free(env.codes_path);
	free(env.db_path);
	printf("%d copies, %d failed\n", run, failed);
	return failed ? 1 : 0;
}

#endif
