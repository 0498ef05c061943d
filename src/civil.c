/* civil: day numbers and dates. */
#include "civil.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long civil_to_days(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(long days, int *y, int *m, int *d)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void civil_today(int *y, int *m, int *d)
{
	static _Thread_local time_t checked_at = (time_t)-1;
	static _Thread_local struct tm tm;
	time_t now = time(NULL);
	if (now != checked_at) {
		localtime_r(&now, &tm);
		checked_at = now;
	}
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

bool civil_date_digits(const char *s, int *y, int *m, int *d)
{
	if (!s)
		return false;
	/* without sscanf: an import reads a few dates per row */
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	if (s[10])
		return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return true;
}

bool civil_is_date(int y, int m, int d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

bool civil_parse_date(const char *s, int *y, int *m, int *d)
{
	return civil_date_digits(s, y, m, d) && civil_is_date(*y, *m, *d);
}

/* Bumped by civil_set_fixed_today: the threads read SHANZHI_TODAY again. */
static atomic_uint fixed_generation = 1;

bool civil_fixed_today(int *y, int *m, int *d)
{
	/* asked several times per row of an import: getenv scans the whole environment,
	 * so each thread reads it once, and again only after civil_set_fixed_today */
	static _Thread_local unsigned seen_generation;
	static _Thread_local bool fixed;
	static _Thread_local int fy, fm, fd;
	unsigned generation = atomic_load_explicit(&fixed_generation, memory_order_acquire);
	if (generation != seen_generation) {
		fixed = civil_parse_date(getenv("SHANZHI_TODAY"), &fy, &fm, &fd);
		seen_generation = generation;
	}
	if (!fixed)
		return false;
	*y = fy;
	*m = fm;
	*d = fd;
	return true;
}

void civil_set_fixed_today(const char *day)
{
	if (day)
		setenv("SHANZHI_TODAY", day, 1);
	else
		unsetenv("SHANZHI_TODAY");
	atomic_fetch_add_explicit(&fixed_generation, 1, memory_order_release);
}

/* True when s starts with YYYY-MM-DD, then T or a space, then HH:MM. */
static bool starts_with_clock(const char *s)
{
	static const char shape[] = "dddd-dd-dd?dd:dd";
	for (size_t i = 0; i < sizeof shape - 1; i++) {
		unsigned char c = (unsigned char)s[i];
		if (shape[i] == 'd' ? !isdigit(c) : shape[i] == '?' ? c != 'T' && c != ' ' : c != (unsigned char)shape[i])
			return false;
	}
	return true;
}

void civil_clock_text(const char *stamp, char out[CIVIL_CLOCK_TEXT])
{
	snprintf(out, CIVIL_CLOCK_TEXT, "%s", stamp ? stamp : "");
	if (!starts_with_clock(out))
		return;
	out[10] = ' ';
	out[16] = '\0';
}

void civil_today_text(char out[11])
{
	/* sz_age asks once per row of an import: the day is formatted when it changes */
	static _Thread_local int fy, fm, fd;
	static _Thread_local char formatted[11];
	int y, m, d;
	if (!civil_fixed_today(&y, &m, &d))
		civil_today(&y, &m, &d);
	if (y != fy || m != fm || d != fd || !formatted[0]) {
		snprintf(formatted, sizeof formatted, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
			 (unsigned)d % 100u);
		fy = y;
		fm = m;
		fd = d;
	}
	memcpy(out, formatted, sizeof formatted);
}
