/* fuzz-rubric: the 星级文明户 rubric parser, and the scoring over what it accepts, fed
 * a township's damaged files.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target: the input is a rubric
 * file. Built otherwise it is a test: the shipped rubrics cut at every line and in the
 * middle of lines, garbled, spliced and with planted mistakes. Each must be accepted or
 * refused without a crash, every problem must read "file:line: ...", a refused file
 * must say why and a planted mistake must be refused (a rubric with a mistake would
 * give households wrong stars). An accepted rubric must score every household: any
 * scores and disqualifications give a level between 0 and its top level, and the
 * explanation and level names are there. Loaded as a township's own copy of a
 * shipped rubric, a damaged file never takes the shipped one away. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "rubric.h"
#include "stars.h"
#include "util.h"

#define FILE_NAME "/local/rubrics/fuzz.rubric"

static int failed, run;

/* Counts a failure, saying what went wrong (the first few only). */
static void failure(const char *what, const char *why, const char *errors)
{
	failed++;
	if (failed <= 20)
		fprintf(stderr, "%s: %s\n%s", what, why, errors ? errors : "");
}

/* Scores a few households on an accepted rubric: random scores, some unscored, some
 * disqualified. */
static void score(const char *what, const struct rubric *r, uint32_t *seed)
{
	int *values = xcalloc(r->nstars + 1, sizeof *values);
	bool *dq = xcalloc(r->ndisq + 1, sizeof *dq);
	for (int household = 0; household < 4; household++) {
		for (size_t i = 0; i < r->nstars; i++) {
			uint32_t x = fuzz_next(seed) % (unsigned)(r->stars[i].max + 3);
			values[i] = x == 0 ? STARS_UNSCORED : (int)x - 1;
			if (values[i] > r->stars[i].max)
				values[i] = r->stars[i].max;
			char *shown = stars_value_text(&r->stars[i], values[i]);
			int back;
			if (values[i] != STARS_UNSCORED &&
			    (!stars_parse_value(&r->stars[i], shown, &back) || back != values[i]))
				failure(what, "a score shown does not read back", shown);
			free(shown);
		}
		for (size_t d = 0; d < r->ndisq; d++)
			dq[d] = fuzz_next(seed) % 5 == 0;
		struct stars_result res;
		stars_compute(r, values, dq, &res);
		if (res.level < 0 || res.level > rubric_top_level(r))
			failure(what, "a level outside the rubric's", NULL);
		char *why = stars_explain(r, values, dq), *name = rubric_level_name(r, res.level);
		if (!why || !name)
			failure(what, "no explanation or level name", NULL);
		free(why);
		free(name);
		stars_result_free(&res);
	}
	free(values);
	free(dq);
}

/* Parses one file's text and checks what comes of it; want_error: a planted mistake. */
static void exercise(const char *what, const char *text, bool want_error, uint32_t *seed)
{
	char *errors = NULL;
	struct rubric *r = rubric_parse(FILE_NAME, "fuzz", text, &errors);
	run++;
	if (!fuzz_located(errors, FILE_NAME))
		failure(what, "a problem without file:line", errors);
	if ((!r && !errors) || (r && errors))
		failure(what, r ? "accepted with problems" : "refused without a reason", errors);
	if (want_error && r)
		failure(what, "a planted mistake accepted", NULL);
	if (r)
		score(what, r, seed);
	rubric_free(r);
	free(errors);
}

/* A local forms folder for the loader's check. */
static char local[] = "/tmp/fuzz-rubric-XXXXXX";
static bool local_made;   /* not told by the name: mkdtemp may put an X where the X was */

/* The damaged text as the township's own copy of shipped file name: loaded with the
 * shipped folder, there are as many rubrics as shipped (the local copy when it is
 * sound, else the shipped one), and the problems say file:line. */
static void load_as_local(const char *what, const char *name, const char *text)
{
	if (!local_made) {
		if (!(local_made = mkdtemp(local) != NULL))
			abort();
		char *sub = xasprintf("%s/rubrics", local);
		mkdir(sub, 0700);
		free(sub);
	}
	char *path = xasprintf("%s/rubrics/%s.rubric", local, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	const char *forms = getenv("SHANZHI_FORMS");
	char *errors = NULL;
	struct rubric_set *set = rubric_set_load(forms && *forms ? forms : "forms", local, &errors);
	static size_t shipped;
	if (!shipped) {
		struct rubric_set *s = rubric_set_load(forms && *forms ? forms : "forms", NULL, NULL);
		shipped = rubric_set_count(s);
		rubric_set_free(s);
	}
	if (rubric_set_count(set) != shipped)
		failure(what, "a broken local copy took the shipped rubric away", errors);
	if (!fuzz_located(errors, ".rubric"))
		failure(what, "a problem of the loader without file:line", errors);
	rubric_set_free(set);
	free(errors);
	unlink(path);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: the input as a rubric file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	uint32_t seed = (uint32_t)size;
	exercise("input", text, false, &seed);
	free(text);
	return 0;
}

#ifndef SZ_LIBFUZZER

/* Mistakes a township could make, each of which must be refused (at a line's start:
 * the shipped files describe the format in comments). */
static void planted(const char *name, const char *text, uint32_t *seed)
{
	static const struct {
		const char *from, *to;
	} plants[] = {
		{ "\nyear = 20", "\nyear = 19" },           { "\nversion = 1", "\nversion = one" },
		{ "\n[star S02]", "\n[star S01]" },         { "\ntype = points", "\ntype = pionts" },
		{ "\nmax = 10", "\nmax = -10" },            { "\nthreshold = 8", "\nthreshold = 80" },
		{ "\nlevel_by = ", "\nlevel_by = luck" },   { "\n[rubric]", "\n[rubrik]" },
		{ "\nname = ", "\nnmae = " },               { "\ntownship = 520111101", "\ntownship = 5201" },
	};
	for (size_t i = 0; i < ARRAY_LEN(plants); i++) {
		char *copy = fuzz_replace_first(text, plants[i].from, plants[i].to);
		if (copy) {
			char *what = xasprintf("%s with %s", name, plants[i].to);
			exercise(what, copy, true, seed);
			free(what);
		}
		free(copy);
	}
}

/* Cut, garbled and spliced copies of one file. */
static void damaged(const char *name, const char *text, size_t size, uint32_t *seed)
{
	static const char alphabet[] = "[]=#\\\t\n\xff\xe4 x0-9";
	for (size_t cut = 0; cut < size; cut += text[cut] == '\n' ? 1 : 37) {
		char *copy = xstrndup(text, cut);
		exercise(name, copy, false, seed);
		free(copy);
	}
	for (int round = 0; round < 1500 * fuzz_scale(); round++) {
		size_t len;
		char *copy = round % 4 ? fuzz_garble(seed, text, size, 0, 1 + round % 5, alphabet,
						     sizeof alphabet - 1)
				       : fuzz_splice(seed, text, size, &len);
		exercise(name, copy, false, seed);
		if (round % 25 == 0) {
			char *base = xstrndup(name, strlen(name) - strlen(".rubric"));
			load_as_local(name, base, copy);
			free(base);
		}
		free(copy);
	}
}

int main(void)
{
	static const char *const files[] = {
		"common-2025.rubric", "common-2026.rubric", "qingyan-2026.rubric",
	};
	const char *forms = getenv("SHANZHI_FORMS");
	uint32_t seed = 2026;
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = xasprintf("%s/rubrics/%s", forms && *forms ? forms : "forms", files[i]);
		size_t size;
		char *text = fuzz_slurp(path, &size);
		if (!text) {
			fprintf(stderr, "%s: cannot read\n", path);
			return 1;
		}
		char *errors = NULL;
		struct rubric *r = rubric_parse(path, files[i], text, &errors);
		if (!r)
			failure(files[i], "the shipped rubric is refused", errors);
		rubric_free(r);
		free(errors);
		damaged(files[i], text, size, &seed);
		planted(files[i], text, &seed);
		free(text);
		free(path);
	}
	if (local_made) {
		char *sub = xasprintf("%s/rubrics", local);
		rmdir(sub);
		rmdir(local);
		free(sub);
	}
	printf("%d rubrics, %d failed\n", run, failed);
	return failed ? 1 : 0;
}

#endif
