/* workday: working days with the holiday calendar of forms/holidays (see workday.h). */
#include "workday.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "datafiles.h"
#include "i18n.h"
#include "paths.h"
#include "util.h"

#include <sqlite3.h>

/* A date the calendar says something about. */
struct special_day {
	int64_t day;
	bool working;
};

struct workday_cal {
	struct special_day *days;   /* sorted by day once loading is done */
	size_t n, cap;
	bool sorted;
	unsigned char years[200];   /* years 1950..2149 with a file */
};

#define YEAR_BASE 1950

int64_t workday_day_number(const char *date)
{
	int y, m, d;
	if (!civil_parse_date(date, &y, &m, &d))
		return INT64_MIN;
	return civil_to_days(y, m, d);
}

void workday_date(int64_t day, char out[11])
{
	int y, m, d;
	civil_from_days((long)day, &y, &m, &d);
	char buf[48];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* Sets what the calendar says about one day (a later statement wins). */
static void cal_set(struct workday_cal *c, int64_t day, bool working)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->days[i].day == day) {
			c->days[i].working = working;
			return;
		}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->days = xrealloc(c->days, c->cap * sizeof(*c->days));
	}
	c->days[c->n++] = (struct special_day){ day, working };
	c->sorted = false;
}

/* Orders special days for bsearch. */
static int special_cmp(const void *a, const void *b)
{
	const struct special_day *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

/* Marks year as having a calendar file. */
static void cal_mark_year(struct workday_cal *c, int year)
{
	if (year >= YEAR_BASE && year < YEAR_BASE + (int)sizeof(c->years))
		c->years[year - YEAR_BASE] = 1;
}

int workday_add_line(struct workday_cal *c, const char *line, char **err)
{
	char first[32] = "", last[32] = "", kind[8] = "";
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t span = strcspn(p, "\t ");
	char range[32];
	if (span >= sizeof(range))
		goto bad;
	memcpy(range, p, span);
	range[span] = '\0';
	p += span;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t klen = strcspn(p, "\t \r\n");
	if (klen == 0 || klen >= sizeof(kind))
		goto bad;
	memcpy(kind, p, klen);
	char *dots = strstr(range, "..");
	if (dots) {
		*dots = '\0';
		snprintf(first, sizeof(first), "%s", range);
		snprintf(last, sizeof(last), "%s", dots + 2);
	} else {
		snprintf(first, sizeof(first), "%s", range);
		snprintf(last, sizeof(last), "%s", range);
	}
	int64_t a = workday_day_number(first), b = workday_day_number(last);
	bool working = strcmp(kind, "work") == 0;
	if (a == INT64_MIN || b == INT64_MIN || b < a || b - a > 31 ||
	    (!working && strcmp(kind, "off") != 0))
		goto bad;
	for (int64_t d = a; d <= b; d++)
		cal_set(c, d, working);
	cal_mark_year(c, atoi(first));
	return 0;
bad:
	if (err)
		*err = xstrdup(_("expected DATE or FIRST..LAST (YYYY-MM-DD, at most a month), a TAB, then off or work"));
	return -1;
}

/* Whether a file name (without .txt) is a year's calendar: four digits. */
static bool year_file(const char *name)
{
	return strlen(name) == 4 && isdigit(UCH(name[0])) && isdigit(UCH(name[1])) &&
	       isdigit(UCH(name[2])) && isdigit(UCH(name[3]));
}

/* One year file's lines as datafiles hands them, into a calendar of that file. */
struct year_parse {
	struct workday_cal *cal;
	const char *path;
	struct strbuf *errors;
};

/* datafiles_each_line's callback: one line of a year file. */
static void year_line(void *ctx, int line, const char *text)
{
	struct year_parse *yp = ctx;
	char *err = NULL;
	if (workday_add_line(yp->cal, text, &err) != 0) {
		sb_appendf(yp->errors, "%s:%d: %s\n", yp->path, line, err);
		free(err);
	}
}

/* datafiles' parse for holidays/YYYY.txt: the file's own calendar (a README.txt is
 * not a year and gives nothing). */
static void *year_file_parse(void *ctx, const char *path, const char *name, const char *text,
			     struct strbuf *errors)
{
	(void)ctx;
	if (!year_file(name))
		return NULL;
	struct year_parse yp = { xcalloc(1, sizeof(struct workday_cal)), path, errors };
	datafiles_each_line(path, text, errors, year_line, &yp);
	cal_mark_year(yp.cal, atoi(name));
	return yp.cal;
}

/* datafiles' keep: a sound year file's days join the calendar. */
static void year_keep(void *ctx, void *item)
{
	struct workday_cal *c = ctx, *year = item;
	for (size_t i = 0; i < year->n; i++)
		cal_set(c, year->days[i].day, year->days[i].working);
	for (size_t y = 0; y < sizeof(c->years); y++)
		c->years[y] |= year->years[y];
	workday_free(year);
}

/* datafiles' discard for a year file's calendar. */
static void year_discard(void *item)
{
	workday_free(item);
}

static const struct datafile_kind year_kind = {
	"/holidays", ".txt", year_file_parse, year_keep, year_discard
};

/* Sorts the special days once everything is loaded. */
static void cal_finish(struct workday_cal *c)
{
	if (c->n > 0)  /* qsort's array may not be NULL, even for no elements */
		qsort(c->days, c->n, sizeof(*c->days), special_cmp);
	c->sorted = true;
}

struct workday_cal *workday_load(const char *dir, const char *override_dir, char **errors)
{
	struct workday_cal *c = xcalloc(1, sizeof(*c));
	struct strbuf sb = { 0 };
	datafiles_load(dir, override_dir, &year_kind, c, &sb);
	cal_finish(c);
	if (errors && sb.len)
		*errors = sb_take(&sb);
	sb_free(&sb);
	return c;
}

const struct workday_cal *workday_default(void)
{
	static struct workday_cal *cal;
	if (!cal) {
		char *local = paths_forms_local();
		cal = workday_load(paths_forms(), local, NULL);
		free(local);
	}
	return cal;
}

void workday_free(struct workday_cal *c)
{
	if (!c)
		return;
	free(c->days);
	free(c);
}

bool workday_is_working(const struct workday_cal *c, int64_t day)
{
	if (c && c->n) {
		const struct special_day *hit = NULL;
		if (c->sorted) {
			struct special_day key = { day, false };
			hit = bsearch(&key, c->days, c->n, sizeof(*c->days), special_cmp);
		} else {
			for (size_t i = 0; i < c->n && !hit; i++)
				if (c->days[i].day == day)
					hit = &c->days[i];
		}
		if (hit)
			return hit->working;
	}
	int64_t weekday = ((day % 7) + 7 + 3) % 7;  /* 1970-01-01 was a Thursday: 0 = Monday */
	return weekday < 5;
}

int workday_add(const struct workday_cal *c, const char *date, int n, char out[11])
{
	int64_t day = workday_day_number(date);
	if (day == INT64_MIN)
		return -1;
	for (int left = n; left > 0;) {
		day++;
		if (workday_is_working(c, day))
			left--;
	}
	workday_date(day, out);
	return 0;
}

int workday_between(const struct workday_cal *c, const char *from, const char *to)
{
	int64_t a = workday_day_number(from), b = workday_day_number(to);
	if (a == INT64_MIN || b == INT64_MIN)
		return 0;
	int n = 0;
	for (int64_t d = a + 1; d <= b; d++)
		n += workday_is_working(c, d);
	return n;
}

bool workday_year_known(const struct workday_cal *c, int year)
{
	return c && year >= YEAR_BASE && year < YEAR_BASE + (int)sizeof(c->years) &&
	       c->years[year - YEAR_BASE];
}

/* sz_workdays(from, to) as workday_sql_register says. */
static void sql_workdays(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *from = (const char *)sqlite3_value_text(argv[0]);
	const char *to = (const char *)sqlite3_value_text(argv[1]);
	if (!from || !to || workday_day_number(from) == INT64_MIN || workday_day_number(to) == INT64_MIN) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int(ctx, workday_between(workday_default(), from, to));
}

int workday_sql_register(struct sqlite3 *db)
{
	return sqlite3_create_function(db, "sz_workdays", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
				       sql_workdays, NULL, NULL);
}
