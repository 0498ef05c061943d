/* workday: working-day arithmetic with the public-holiday calendar kept as data in
 * forms/holidays/YYYY.txt (see the README there): Monday to Friday are working days
 * except the days marked "off"; a Saturday or Sunday marked "work" (调休上班) is one.
 * Dates are "YYYY-MM-DD" text. */
#ifndef SZ_WORKDAY_H
#define SZ_WORKDAY_H

#include <stdbool.h>
#include <stdint.h>

struct workday_cal;

/* Loads every YYYY.txt under dir/holidays and override_dir/holidays (either may be
 * NULL or missing; a local year file replaces the shipped one of its year) under
 * datafiles_load's policy: a local file with a mistake is not used, the shipped one
 * is. Problems are set in *errors as "file:line: what is wrong" (errors may be NULL). */
struct workday_cal *workday_load(const char *dir, const char *override_dir, char **errors);
/* The calendar of the shipped and local forms folders, loaded once per process. Borrowed. */
const struct workday_cal *workday_default(void);
void workday_free(struct workday_cal *c);
/* Adds one line of the file format ("2026-10-01..2026-10-07<TAB>off<TAB>国庆节");
 * 0, or -1 with a translated, caller-freed message in *err. */
int workday_add_line(struct workday_cal *c, const char *line, char **err);

/* Days since 1970-01-01 for a date, or INT64_MIN when it is not a valid date. */
int64_t workday_day_number(const char *date);
/* The date of a day number into out. */
void workday_date(int64_t day, char out[11]);

bool workday_is_working(const struct workday_cal *c, int64_t day);
/* The date n working days after date (the day itself does not count; n = 0 gives the
 * date itself). 0, or -1 when date is not a date. */
int workday_add(const struct workday_cal *c, const char *date, int n, char out[11]);
/* Working days after from up to and including to (0 when to <= from). */
int workday_between(const struct workday_cal *c, const char *from, const char *to);
/* Whether the calendar has a file for year (so its holidays are known). */
bool workday_year_known(const struct workday_cal *c, int year);

struct sqlite3;
/* Registers sz_workdays(from, to) on db: workday_between on the default calendar
 * (NULL for a NULL or bad date), for report queries measuring a promise kept in
 * working days (a 宅基地 approval's 24). SQLITE_OK or an SQLite error code. */
int workday_sql_register(struct sqlite3 *db);

#endif
