/* test-workday: promised dates across weekends, public holidays and make-up working
 * days, on the shipped calendar (forms/holidays: the 2026 schedule as announced). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "check.h"
#include "civil.h"
#include "workday.h"

/* n working days after a date, as the service window promises them. */
static void test_add(const struct workday_cal *c)
{
	static const struct {
		const char *from;
		int n;
		const char *want;
	} cases[] = {
		{ "2026-11-26", 0, "2026-11-26" },  /* on the spot: the same day */
		{ "2026-11-26", 1, "2026-11-27" },  /* Thursday -> Friday */
		{ "2026-11-26", 2, "2026-11-30" },  /* across the weekend */
		{ "2026-11-28", 1, "2026-11-30" },  /* logged on a Saturday */
		{ "2026-11-26", 5, "2026-12-03" },
		{ "2026-09-30", 1, "2026-10-08" },  /* National Day 10-01..10-07 */
		{ "2026-09-30", 2, "2026-10-09" },
		{ "2026-09-30", 3, "2026-10-10" },  /* Saturday 10-10 is a make-up working day */
		{ "2026-09-30", 4, "2026-10-12" },  /* Sunday 10-11 is not */
		{ "2026-09-18", 1, "2026-09-20" },  /* Sunday 9-20 is a make-up working day */
		{ "2026-09-24", 1, "2026-09-28" },  /* Mid-Autumn 9-25..9-27 */
		{ "2026-02-13", 1, "2026-02-14" },  /* Saturday 2-14 works before the Spring Festival */
		{ "2026-02-13", 2, "2026-02-24" },  /* Spring Festival 2-15..2-23 */
		{ "2026-02-24", 4, "2026-02-28" },  /* Saturday 2-28 works after it */
		{ "2026-04-03", 1, "2026-04-07" },  /* Qingming 4-04..4-06 */
		{ "2026-04-30", 1, "2026-05-06" },  /* Labour Day 5-01..5-05 */
		{ "2026-04-30", 4, "2026-05-09" },  /* Saturday 5-09 works */
		{ "2026-06-18", 1, "2026-06-22" },  /* Dragon Boat 6-19..6-21 */
		{ "2026-01-02", 1, "2026-01-04" },  /* Sunday 1-04 works after New Year */
		{ "2026-12-31", 1, "2027-01-04" },  /* into the next year's New Year */
		{ "2025-09-30", 1, "2025-10-09" },  /* 2025: National Day and Mid-Autumn 10-01..10-08 */
		{ "2025-09-30", 3, "2025-10-11" },  /* with Saturday 10-11 working */
		{ "2025-09-26", 1, "2025-09-28" },  /* and Sunday 9-28 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[11] = "";
		CHECK_INT(workday_add(c, cases[i].from, cases[i].n, out), 0);
		if (strcmp(out, cases[i].want) != 0)
			fprintf(stderr, "case %zu: %s + %d\n", i, cases[i].from, cases[i].n);
		CHECK_STR(out, cases[i].want);
	}
	char out[11];
	CHECK_INT(workday_add(c, "2026-02-30", 1, out), -1);
	CHECK_INT(workday_add(c, "26-11-26", 1, out), -1);
}

/* Single days: what the calendar says and what the weekday says. */
static void test_days(const struct workday_cal *c)
{
	static const struct {
		const char *date;
		bool working;
	} cases[] = {
		{ "2026-10-01", false }, { "2026-10-07", false }, { "2026-10-08", true },
		{ "2026-10-10", true }, { "2026-10-11", false }, { "2026-09-20", true },
		{ "2026-09-28", true }, { "2026-11-28", false }, { "2026-11-27", true },
		{ "2025-10-08", false }, { "2025-09-28", true }, { "2026-02-17", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = workday_is_working(c, workday_day_number(cases[i].date));
		if (got != cases[i].working)
			fprintf(stderr, "day %s\n", cases[i].date);
		CHECK(got == cases[i].working);
	}
	CHECK_INT(workday_between(c, "2026-09-30", "2026-10-12"), 4);
	CHECK_INT(workday_between(c, "2026-11-26", "2026-11-26"), 0);
	CHECK_INT(workday_between(c, "2026-11-27", "2026-11-26"), 0);
	CHECK(workday_year_known(c, 2025));
	CHECK(workday_year_known(c, 2026));
	CHECK(workday_year_known(c, 2027));
	CHECK(!workday_year_known(c, 2031));
}

/* Dates round-trip through day numbers, leap days included. */
static void test_dates(void)
{
	static const char *const dates[] = { "1970-01-01", "2024-02-29", "2026-11-26", "2100-12-31", "1999-12-31" };
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		char out[11];
		workday_date(workday_day_number(dates[i]), out);
		CHECK_STR(out, dates[i]);
	}
	CHECK_INT(workday_day_number("1970-01-02"), 1);
	CHECK(workday_day_number("2026-02-29") == INT64_MIN);
	CHECK(workday_day_number("2026-13-01") == INT64_MIN);
}

/* Lines of the file format, good and bad, and a calendar without files. */
static void test_lines(void)
{
	struct workday_cal *c = workday_load(NULL, NULL, NULL);
	char *err = NULL;
	CHECK_INT(workday_add_line(c, "2030-05-01..2030-05-03\toff\tx", &err), 0);
	CHECK_INT(workday_add_line(c, "2030-05-04\twork", &err), 0);
	CHECK(!workday_is_working(c, workday_day_number("2030-05-02")));
	CHECK(workday_is_working(c, workday_day_number("2030-05-04")));  /* a Saturday */
	static const char *const bad[] = {
		"2030-05-01\tholiday", "2030-05-01", "2030-05-03..2030-05-01\toff",
		"2030-02-30\toff", "2030-01-01..2030-03-01\toff", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		CHECK_INT(workday_add_line(c, bad[i], &err), -1);
		CHECK(err != NULL);
		free(err);
	}
	workday_free(c);
}

/* Every stored time reads as 2026-12-04 16:16 wherever a clerk sees it. */
static void test_clock_text(void)
{
	static const struct {
		const char *stamp, *shown;
	} cases[] = {
		{ "2026-12-04T16:16:33+08:00", "2026-12-04 16:16" },
		{ "2026-12-04 16:16:33", "2026-12-04 16:16" },
		{ "2028-02-29T23:59:59Z", "2028-02-29 23:59" },
		{ "2026-12-04", "2026-12-04" },
		{ "", "" },
		{ "soon", "soon" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[CIVIL_CLOCK_TEXT];
		civil_clock_text(cases[i].stamp, text);
		CHECK_STR(text, cases[i].shown);
	}
	char text[CIVIL_CLOCK_TEXT];
	civil_clock_text(NULL, text);
	CHECK_STR(text, "");
}

/* A local year file with a mistake is named by file and line and not used: the
 * shipped year is, whole (forms/README.md). */
static void test_broken_local(const char *shipped)
{
	char local[] = "/tmp/workday-local-XXXXXX", path[64];
	if (!mkdtemp(local)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/holidays", local);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/holidays/2026.txt", local);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("2026-10-01\twork\tnot a holiday here\n2026-13-01\toff\n", f);
		fclose(f);
	}
	char *errors = NULL, want[128];
	struct workday_cal *c = workday_load(shipped, local, &errors);
	snprintf(want, sizeof(want), "%s:2: ", path);
	CHECK(errors && strstr(errors, want));
	CHECK(workday_year_known(c, 2026));
	CHECK(!workday_is_working(c, workday_day_number("2026-10-01")));  /* the shipped 国庆节 */
	CHECK(!workday_is_working(c, workday_day_number("2026-10-07")));
	free(errors);
	workday_free(c);
	unlink(path);
	snprintf(path, sizeof(path), "%s/holidays", local);
	rmdir(path);
	rmdir(local);
}

int main(void)
{
	const char *root = getenv("SOURCE_ROOT");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/forms", root ? root : ".");
	char *errors = NULL;
	struct workday_cal *c = workday_load(dir, NULL, &errors);
	if (errors)
		fprintf(stderr, "%s", errors);
	CHECK(errors == NULL);
	free(errors);
	test_add(c);
	test_days(c);
	test_dates();
	test_lines();
	test_clock_text();
	test_broken_local(dir);
	workday_free(c);
	return check_finish();
}
