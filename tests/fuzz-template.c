/* fuzz-template: the export template parser, and an export through what it accepts,
 * fed a township's damaged templates.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target: the input is a
 * template, parsed, and when accepted used for an export of a small demo register.
 * Built otherwise it is a test: the shipped templates cut at every line and in the
 * middle of lines, garbled, spliced and with planted mistakes. Each must be accepted
 * or refused without a crash, every problem must read "file:line: ...", a planted
 * mistake must be refused, and an export through an accepted one must either write
 * its file or say why, and never change the register (a template only reads). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "export.h"
#include "form.h"
#include "fuzz.h"
#include "store.h"
#include "util.h"

#define FILE_NAME "/local/templates/fuzz.tpl"

static int failed, run, exported;

/* A local forms folder for the template, a demo register and the shipped forms. */
static struct {
	char dir[64];
	char *tpl, *out, *db;
	struct store *st;
	struct form_registry *forms;
	long residents;
} env;

/* Counts a failure, saying what went wrong (the first few only). */
static void failure(const char *what, const char *why, const char *errors)
{
	failed++;
	if (failed <= 20)
		fprintf(stderr, "%s: %s\n%s\n", what, why, errors ? errors : "");
}

/* The number of residents on the register. */
static long residents(void)
{
	sqlite3_stmt *stmt;
	long n = -1;
	if (sqlite3_prepare_v2(store_db(env.st), "SELECT count(*) FROM resident", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Makes the folder, the register (30 residents) and the forms once per process. */
static void env_init(void)
{
	if (env.st)
		return;
	snprintf(env.dir, sizeof env.dir, "/tmp/fuzz-template-XXXXXX");
	if (!mkdtemp(env.dir))
		abort();
	char *sub = xasprintf("%s/templates", env.dir);
	mkdir(sub, 0700);
	free(sub);
	setenv("SHANZHI_FORMS_LOCAL", env.dir, 1);
	env.tpl = xasprintf("%s/templates/fuzz.tpl", env.dir);
	env.out = xasprintf("%s/out.csv", env.dir);
	env.db = xasprintf("%s/fuzz.db", env.dir);
	char *err = NULL;
	const char *forms = getenv("SHANZHI_FORMS");
	env.forms = form_registry_load(forms && *forms ? forms : "forms", NULL, &err);
	env.st = store_open(env.db, &err);
	if (!env.st || store_set_operator(env.st, "fuzz", &err) != 0 ||
	    demo_create(env.st, 30, 7, 0, &err) != 0) {
		fprintf(stderr, "demo: %s\n", err ? err : "?");
		abort();
	}
	free(err);
	env.residents = residents();
}

/* Exports the register through text as template fuzz, to CSV or, every few, text. */
static void export_through(const char *what, const char *text, size_t size)
{
	FILE *f = fopen(env.tpl, "wb");
	if (!f)
		abort();
	fwrite(text, 1, size, f);
	fclose(f);
	struct export_opts o = { .template_name = "fuzz", .encoding = ENC_AUTO };
	struct export_report rep;
	char *err = NULL;
	if (exported++ % 3 == 2) {
		free(env.out);
		env.out = xasprintf("%s/out.txt", env.dir);
	}
	int rc = export_residents(env.st, env.forms, env.out, &o, &rep, &err);
	if (rc != 0 && (!err || !*err))
		failure(what, "an export failed without saying why", NULL);
	if (rc == 0 && access(env.out, F_OK) != 0)
		failure(what, "an export succeeded and wrote no file", NULL);
	if (residents() != env.residents)
		failure(what, "an export changed the register", text);
	unlink(env.out);
	export_report_free(&rep);
	free(err);
}

/* Parses one template's text and checks what comes of it; exports through it when it
 * is accepted and export is true. */
static void exercise(const char *what, const char *text, size_t size, bool want_error, bool export)
{
	char *errors = NULL;
	struct export_template *t = export_template_parse(FILE_NAME, text, &errors);
	run++;
	if (!fuzz_located(errors, FILE_NAME))
		failure(what, "a problem without file:line", errors);
	if ((!t && !errors) || (t && errors))
		failure(what, t ? "accepted with problems" : "refused without a reason", errors);
	if (want_error && t)
		failure(what, "a planted mistake accepted", NULL);
	if (t && export)
		export_through(what, text, size);
	export_template_free(t);
	free(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: the input as a template. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	env_init();
	char *text = xstrndup((const char *)data, size);
	exercise("input", text, strlen(text), false, true);
	free(text);
	return 0;
}

#ifndef SZ_LIBFUZZER

/* Mistakes a township could make, each of which must be refused (at a line's start:
 * the shipped files describe the format in comments). */
static void planted(const char *name, const char *text)
{
	static const struct {
		const char *from, *to;
	} plants[] = {
		{ "\nencoding = ", "\nencoding = latin1 " }, { "\nprotect = excel", "\nprotect = yes" },
		{ "\n[column]", "\n[colum]" },              { "\nheader = ", "\nheading = " },
		{ "\ntype = code", "\ntype = kode" },       { "\nlist = ", "\nlsit = " },
		{ "\nname = ", "\nnmae = " },               { "\nvalue = ", "\n# value = " },
	};
	for (size_t i = 0; i < ARRAY_LEN(plants); i++) {
		char *copy = fuzz_replace_first(text, plants[i].from, plants[i].to);
		if (copy) {
			char *what = xasprintf("%s with %s", name, plants[i].to);
			exercise(what, copy, strlen(copy), true, false);
			free(what);
		}
		free(copy);
	}
}

/* Cut, garbled and spliced copies of one template; every few accepted ones exported. */
static void damaged(const char *name, const char *text, size_t size, uint32_t *seed)
{
	static const char alphabet[] = "[]=#\\\t\n\xff\xe4 ',;()|%";
	for (size_t cut = 0; cut < size; cut += text[cut] == '\n' ? 1 : 23) {
		char *copy = xstrndup(text, cut);
		exercise(name, copy, cut, false, cut % 5 == 0);
		free(copy);
	}
	for (int round = 0; round < 600 * fuzz_scale(); round++) {
		size_t len = size;
		char *copy = round % 4 ? fuzz_garble(seed, text, size, 0, 1 + round % 4, alphabet,
						     sizeof alphabet - 1)
				       : fuzz_splice(seed, text, size, &len);
		exercise(name, copy, strlen(copy), false, round % 4 == 1);
		free(copy);
	}
}

int main(void)
{
	static const char *const files[] = { "residents.tpl", "dibao.tpl", "grid.tpl" };
	const char *forms = getenv("SHANZHI_FORMS");
	uint32_t seed = 1126;
	env_init();
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = xasprintf("%s/templates/%s", forms && *forms ? forms : "forms", files[i]);
		size_t size;
		char *text = fuzz_slurp(path, &size);
		if (!text) {
			fprintf(stderr, "%s: cannot read\n", path);
			return 1;
		}
		exercise(files[i], text, size, false, true);
		damaged(files[i], text, size, &seed);
		planted(files[i], text);
		free(text);
		free(path);
	}
	store_close(env.st);
	form_registry_free(env.forms);
	char *cmd[] = { env.tpl, env.db, NULL };
	for (size_t i = 0; cmd[i]; i++)
		unlink(cmd[i]);
	char *wal = xasprintf("%s-wal", env.db), *shm = xasprintf("%s-shm", env.db);
	char *sub = xasprintf("%s/templates", env.dir);
	unlink(wal);
	unlink(shm);
	rmdir(sub);
	rmdir(env.dir);
	free(wal);
	free(shm);
	free(sub);
	free(env.tpl);
	free(env.out);
	free(env.db);
	printf("%d templates, %d exported, %d failed\n", run, exported, failed);
	return failed ? 1 : 0;
}

#endif
