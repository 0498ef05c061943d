/* pathcomp: Tab completion of file names, on a folder made for the test: the common
 * beginning of several matches, one match completed whole (a folder with its '/'),
 * none, hidden files only when asked for, Chinese names never cut inside a character,
 * "~/" and a second root as the file prompts read them, and the list of matches for
 * the message line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "pathcomp.h"
#include "util.h"

static char dir[64];

/* An empty file named name in the test folder. */
static void touch(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	free(path);
}

/* Completes dir/typed; returns the matches and the completed text after dir/. */
static size_t complete(const char *typed, char **after)
{
	char *text = xasprintf("%s/%s", dir, typed);
	struct pathcomp pc;
	size_t n = pathcomp_complete(text, &pc);
	size_t skip = strlen(dir) + 1;
	*after = xstrdup(strlen(pc.completed) >= skip ? pc.completed + skip : "?");
	pathcomp_free(&pc);
	free(text);
	return n;
}

static void test_complete(void)
{
	char *got;
	CHECK_INT(complete("re", &got), 3);             /* rejects, two residents: nothing more shared */
	CHECK_STR(got, "re");
	free(got);
	CHECK_INT(complete("res", &got), 2);
	CHECK_STR(got, "residents-202");                /* as far as they agree */
	free(got);
	CHECK_INT(complete("residents-2026", &got), 1);
	CHECK_STR(got, "residents-2026.csv");           /* one: the whole name */
	free(got);
	CHECK_INT(complete("导", &got), 1);
	CHECK_STR(got, "导出/");                        /* a folder, ready for its entries */
	free(got);
	CHECK_INT(complete("导出/", &got), 0);          /* an empty folder */
	CHECK_STR(got, "导出/");
	free(got);
	CHECK_INT(complete("nothing", &got), 0);
	CHECK_STR(got, "nothing");                      /* left as typed */
	free(got);
	CHECK_INT(complete("村民", &got), 2);
	CHECK_STR(got, "村民名单");                     /* 一 and 二 share their first byte: not cut */
	free(got);
	CHECK_INT(complete("", &got), 6);               /* every entry but the hidden one */
	free(got);
	CHECK_INT(complete(".", &got), 1);
	CHECK_STR(got, ".hidden");
	free(got);
}

/* The folder a prompt's text names: a second root starts again, ~/ is home. */
static void test_roots(void)
{
	char *typed = xasprintf("/no/such/folder/%s/rej", dir);   /* dir starts with '/': "//" */
	struct pathcomp pc;
	CHECK_INT(pathcomp_complete(typed, &pc), 1);
	char *want = xasprintf("/no/such/folder/%s/rejects.csv", dir);
	CHECK_STR(pc.completed, want);
	free(want);
	pathcomp_free(&pc);
	free(typed);
	setenv("HOME", dir, 1);
	CHECK_INT(pathcomp_complete("~/rej", &pc), 1);
	CHECK_STR(pc.completed, "~/rejects.csv");       /* the text keeps the ~ the clerk typed */
	pathcomp_free(&pc);
}

/* The matches for the message line: all when they fit, else the first and a count. */
static void test_list(void)
{
	char *typed = xasprintf("%s/", dir);
	struct pathcomp pc;
	pathcomp_complete(typed, &pc);
	char *wide = pathcomp_list(&pc, 200);
	CHECK(strstr(wide, "rejects.csv  ") && strstr(wide, "导出/  ") && !strstr(wide, "more"));
	char *narrow = pathcomp_list(&pc, 40);
	CHECK(strstr(narrow, "rejects.csv  ") == narrow);   /* sorted; then what did not fit, counted */
	CHECK(strstr(narrow, "… 5 more") != NULL);
	CHECK(!strstr(narrow, "residents-2025.xlsx"));
	free(wide);
	free(narrow);
	pathcomp_free(&pc);
	free(typed);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-pathcomp-%d", (int)getpid());
	mkdir(dir, 0700);
	touch("rejects.csv");
	touch("residents-2025.xlsx");
	touch("residents-2026.csv");
	touch("村民名单一.csv");
	touch("村民名单二.csv");
	touch(".hidden");
	char *sub = xasprintf("%s/导出", dir);
	mkdir(sub, 0700);
	test_complete();
	test_roots();
	test_list();
	char *rm = xasprintf("rm -rf '%s'", dir);
	CHECK_INT(system(rm), 0);
	free(rm);
	free(sub);
	return check_finish();
}
