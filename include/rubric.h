/* rubric: the 星级文明户 scoring rubrics in forms/rubrics (*.rubric files).
 *
 * A rubric is data, written by a township: its year and version, the stars (a code,
 * a name, what earns it, pass/fail or points with the threshold that earns the star),
 * the disqualifying conditions (which stars each withholds that year), and how the
 * stars make a level (by the number of stars earned, or by the total of points).
 * The format is described at the top of forms/rubrics/common-2026.rubric. Texts are shown as written (through
 * gettext, so an English text with a translation works too).
 *
 * A rubric in use is never changed in place: a changed rubric is a new file with a
 * new version. Each rubric carries a checksum of its text; a round stores the name,
 * version and checksum it was opened with, and refuses a file that changed since.
 *
 * Parse errors are collected as "file:line: what is wrong" and never abort; a file
 * that cannot be used at all is left out of the set. */
#ifndef SZ_RUBRIC_H
#define SZ_RUBRIC_H

#include <stdbool.h>
#include <stddef.h>

enum rubric_scoring {
	RUBRIC_PASS,     /* the star is earned or not */
	RUBRIC_POINTS,   /* 0..max points; threshold or more earns the star */
};

enum rubric_basis {
	RUBRIC_BY_STARS,   /* the level is the number of stars earned (or [level] minimums) */
	RUBRIC_BY_POINTS,  /* the level comes from the total of points through [level] minimums */
};

struct rubric_star {
	char *code;
	char *name;
	char *earns;       /* what earns it, shown under the scoring grid and explained */
	enum rubric_scoring scoring;
	int max;           /* points: the most a household can get (pass: 1) */
	int threshold;     /* points: what earns the star (pass: 1) */
	int line;
};

struct rubric_disqualifier {
	char *code;
	char *name;
	bool all;          /* withholds every star */
	bool *withholds;   /* else: per star of the rubric */
	int line;
};

struct rubric_level {
	int level;
	char *name;        /* may be NULL: "%d-star household" */
	int min;           /* stars earned or total points needed */
	int line;
};

struct rubric {
	char *name;        /* what a round names ("common-2026"); default: the file name */
	char *title;
	char *file;
	int year;
	int version;
	char *township;    /* 9-digit town code, or NULL for every township */
	enum rubric_basis basis;
	struct rubric_star *stars;
	size_t nstars;
	struct rubric_disqualifier *disq;
	size_t ndisq;
	struct rubric_level *levels;   /* sorted by level, ascending */
	size_t nlevels;
	char sum[17];      /* checksum of the file's text, 16 hex digits */
};

/* Parses one rubric's text; problems appended to *errors ("file:line: ..." lines).
 * NULL when the text cannot be used at all. basename names it when it has no name. */
struct rubric *rubric_parse(const char *file, const char *basename, const char *text,
			    char **errors);
void rubric_free(struct rubric *r);

struct rubric_set;

/* Loads every *.rubric of dir/rubrics, then of override/rubrics (a file of the same
 * name replaces the shipped one). Two rubrics of the same name and version are an
 * error. Problems are appended to *errors. */
struct rubric_set *rubric_set_load(const char *dir, const char *override, char **errors);
void rubric_set_free(struct rubric_set *set);
size_t rubric_set_count(const struct rubric_set *set);
const struct rubric *rubric_set_item(const struct rubric_set *set, size_t i);
/* The rubric for a new round: of that year, the township's own (town_code) before
 * the common one, the highest version. NULL when there is none. */
const struct rubric *rubric_find(const struct rubric_set *set, const char *town_code, int year);
/* The latest rubric of an earlier year that fits the township (as rubric_find would
 * have chosen it that year); NULL when there is none. */
const struct rubric *rubric_find_before(const struct rubric_set *set, const char *town_code, int year);
/* r's text (the file's, in text) made a rubric of year: in its [rubric] section the
 * name's year, the year and the title's year changed and the version set to 1, with a
 * comment at the top saying where it came from. Caller frees. */
char *rubric_text_for_year(const struct rubric *r, const char *text, int year);
/* Writes that copy as override/rubrics/NAME.rubric (the local forms folder, made when
 * missing; an existing file is never overwritten): 0 with the new file's path in
 * *path (caller frees), or -1 with *err. Load the set again to use it. */
int rubric_copy_for_year(const struct rubric *r, int year, const char *override, char **path, char **err);
/* The rubric a round was opened with; NULL when that version is gone. */
const struct rubric *rubric_get(const struct rubric_set *set, const char *name, int version);

/* The index of a star by code, or -1. */
int rubric_star_index(const struct rubric *r, const char *code);
int rubric_disq_index(const struct rubric *r, const char *code);
/* The level's name, translated ("5-star household" when the rubric names none).
 * Caller frees. */
char *rubric_level_name(const struct rubric *r, int level);
/* The highest level the rubric can give. */
int rubric_top_level(const struct rubric *r);

#endif
