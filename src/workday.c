/* workday: working days with the holiday calendar of forms/holidays (see workday.h). */
#include "workday.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "i18n.h"
#include "paths.h"
#include "util.h"

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

/* Whether a file name is a year's calendar: four digits and ".txt". */
static bool year_file(const char *name)
{
	return strlen(name) == 8 && isdigit(UCH(name[0])) && isdigit(UCH(name[1])) &&
	       isdigit(UCH(name[2])) && isdigit(UCH(name[3])) && strcmp(name + 4, ".txt") == 0;
}

/* Reads one year's file into the calendar, noting problems. */
static void load_file(struct workday_cal *c, const char *path, struct strbuf *errors)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		sb_appendf(errors, "%s: %s\n", path, _("cannot be read"));
		return;
	}
	char line[512];
	for (int no = 1; fgets(line, sizeof(line), f); no++) {
		char *s = line;
		if (no == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		s[strcspn(s, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		char *err = NULL;
		if (workday_add_line(c, s, &err) != 0) {
			sb_appendf(errors, "%s:%d: %s\n", path, no, err);
			free(err);
		}
	}
	fclose(f);
}

/* Loads the year files of one folder's holidays/ in name order. */
static void load_dir(struct workday_cal *c, const char *dir, struct strbuf *errors)
{
	if (!dir)
		return;
	char *hdir = xasprintf("%s/holidays", dir);
	struct dirent **names = NULL;
	int n = scandir(hdir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (year_file(names[i]->d_name)) {
			char *path = xasprintf("%s/%s", hdir, names[i]->d_name);
			load_file(c, path, errors);
			cal_mark_year(c, atoi(names[i]->d_name));
			free(path);
		}
		free(names[i]);
	}
	free(names);
	free(hdir);
}

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
	load_dir(c, dir, &sb);
	load_dir(c, override_dir, &sb);
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
