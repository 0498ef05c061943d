/* civil: proleptic Gregorian dates as day numbers (days since 1970-01-01), by Howard
 * Hinnant's algorithms, so date arithmetic is integer arithmetic everywhere. */
#ifndef SZ_CIVIL_H
#define SZ_CIVIL_H

#include <stdbool.h>

/* The day number of y-m-d (m 1..12, d 1..31; not checked). */
long civil_to_days(int y, int m, int d);
/* The date of a day number. */
void civil_from_days(long days, int *y, int *m, int *d);

/* Reads exactly "YYYY-MM-DD" (ten characters, digits and two dashes) into its
 * numbers, without checking that the day exists; false for any other text. */
bool civil_date_digits(const char *s, int *y, int *m, int *d);
/* True when y-m-d is a day of the Gregorian calendar (any year 0-9999). */
bool civil_is_date(int y, int m, int d);
/* civil_date_digits and civil_is_date: a YYYY-MM-DD date that exists. */
bool civil_parse_date(const char *s, int *y, int *m, int *d);

/* Today's date by the local clock. The time zone is consulted at most once a second
 * per thread: an import asks for today a few times per row. */
void civil_today(int *y, int *m, int *d);
/* The tests' fixed day: true, with the date, when SHANZHI_TODAY holds a real
 * YYYY-MM-DD. Every "today" of the program (civil_today_text, idcard, SQL's clock)
 * asks here first. The variable is read once per thread: a test that changes it
 * in its own process calls civil_set_fixed_today. */
bool civil_fixed_today(int *y, int *m, int *d);
/* Today as YYYY-MM-DD: the tests' fixed day, else the local clock's. */
void civil_today_text(char out[11]);
/* Sets SHANZHI_TODAY (unsets it for NULL) and makes every thread read it again. */
void civil_set_fixed_today(const char *day);

/* Room for civil_clock_text's answer. */
#define CIVIL_CLOCK_TEXT 32
/* A stored time (2026-12-04T16:16:33+08:00, or SQLite's 2026-12-04 16:16:33) as every
 * screen and report shows it: 2026-12-04 16:16, no T, seconds or offset (the offset
 * is the clerk's own). Text that is no such time is copied as it is (cut to fit). */
void civil_clock_text(const char *stamp, char out[CIVIL_CLOCK_TEXT]);

#endif
