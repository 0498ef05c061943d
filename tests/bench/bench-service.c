/* bench-service: what a clerk waits for when the service work list and the monthly
 * statistics open, over 1,000,000 service requests. Prints figures; it is not a test.
 *
 *   bench-service [DB] [runs]
 *
 * The database (default $SHANZHI_BENCH_SERVICE_DB or /tmp/shanzhi-bench-services-1m.db)
 * is created when missing: a demo village of 2,000 residents, then 1,000,000 requests
 * from the services demo (about 360 a working day, as Huaxi's 131,600 a year, so the
 * million spans some eight years). Each query is the one the screen runs: the first
 * page of the work list (all handlers, one handler, a later page) and the figures of
 * a month (service_stats_month, which reads the tally the triggers keep), for the last
 * twelve months. Target (issue 4): at most 50 ms for each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "demo.h"
#include "service.h"
#include "store.h"
#include "util.h"

#define DEFAULT_DB "/tmp/shanzhi-bench-services-1m.db"
#define REQUESTS 1000000
#define PAGE 20

/* Milliseconds of the monotonic clock. */
static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Orders doubles for the median. */
static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Prints the median and the maximum of n timings, and whether the target holds. */
static void report(const char *what, double *ms, size_t n, const char *extra)
{
	qsort(ms, n, sizeof(*ms), dbl_cmp);
	printf("  %-44s p50 %7.2f ms  max %7.2f ms  %s  %s\n", what, ms[n / 2], ms[n - 1],
	       ms[n - 1] <= 50 ? "ok (<= 50 ms)" : "OVER 50 ms", extra ? extra : "");
}

/* Builds the database: the demo village, then a million requests in place of its own. */
static int build(const char *path)
{
	char *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st || store_set_operator(st, "demo", &err) != 0) {
		fprintf(stderr, "bench-service: %s\n", err ? err : "?");
		return -1;
	}
	double t0 = now_ms();
	int rc = demo_create(st, 2000, 20261126, 0, &err);
	/* the village's own year of requests goes: the million is written in its place */
	if (rc == 0)
		rc = sqlite3_exec(store_db(st), "DELETE FROM service_request", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	double t1 = now_ms();
	if (rc == 0)
		rc = service_demo(st, 20261126, REQUESTS, &err);
	double t2 = now_ms();
	if (rc != 0)
		fprintf(stderr, "bench-service: %s\n", err ? err : sqlite3_errmsg(store_db(st)));
	else
		printf("built %s: village %.1f s, %d requests %.1f s (bulk path)\n", path, (t1 - t0) / 1e3,
		       REQUESTS, (t2 - t1) / 1e3);
	free(err);
	store_close(st);
	return rc;
}

/* Times the work list's first page for a handler prefix at an offset; rows in *rows. */
static double time_worklist(sqlite3 *db, const char *handler, int offset, int *rows)
{
	double t0 = now_ms();
	sqlite3_stmt *s;
	*rows = 0;
	if (sqlite3_prepare_v2(db, service_worklist_sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, handler, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, PAGE);
	sqlite3_bind_int(s, 3, offset);
	while (sqlite3_step(s) == SQLITE_ROW)
		(*rows)++;
	sqlite3_finalize(s);
	return now_ms() - t0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : getenv("SHANZHI_BENCH_SERVICE_DB");
	if (!path)
		path = DEFAULT_DB;
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	if (runs < 1)
		runs = 1;
	struct stat sb;
	if (stat(path, &sb) != 0 && build(path) != 0)
		return 1;
	char *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st) {
		fprintf(stderr, "bench-service: %s\n", err ? err : "?");
		return 1;
	}
	sqlite3 *db = store_db(st);
	sqlite3_stmt *s;
	long long total = 0, open = 0, followups = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*), sum(status IN ('accepted', 'in_progress', 'transferred')),"
			       " sum(followup_due IS NOT NULL AND followup_done_on IS NULL) FROM service_request",
			       -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		total = sqlite3_column_int64(s, 0);
		open = sqlite3_column_int64(s, 1);
		followups = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	printf("%s: %lld requests, %lld open, %lld follow-ups open; %d runs each\n", path, total, open, followups, runs);

	double *ms = xcalloc((size_t)runs, sizeof(*ms));
	int rows = 0;
	static const struct {
		const char *what, *handler;
		int offset;
	} lists[] = {
		{ "work list, first page, all handlers", "", 0 },
		{ "work list, first page, handler 王芳", "王芳", 0 },
		{ "work list, 6th page, all handlers", "", 5 * PAGE },
	};
	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		for (int i = 0; i < runs; i++)
			ms[i] = time_worklist(db, lists[k].handler, lists[k].offset, &rows);
		char extra[32];
		snprintf(extra, sizeof extra, "(%d rows)", rows);
		report(lists[k].what, ms, (size_t)runs, extra);
	}

	char today[11];
	store_today(today);
	int year = atoi(today), mon = atoi(today + 5);
	double worst = 0;
	for (int back = 0; back < 12; back++) {
		char month[16];
		int m = mon - back, y = year;
		while (m < 1) {
			m += 12;
			y--;
		}
		snprintf(month, sizeof month, "%04d-%02d", y % 10000, m % 100);
		struct service_stats stats;
		for (int i = 0; i < runs; i++) {
			double t0 = now_ms();
			if (service_stats_month(st, month, &stats, &err) != 0) {
				fprintf(stderr, "bench-service: %s\n", err);
				return 1;
			}
			char *text = service_report_text(&stats);
			ms[i] = now_ms() - t0;
			free(text);
			if (i + 1 < runs)
				service_stats_free(&stats);
		}
		char what[64], extra[48];
		snprintf(what, sizeof what, "monthly statistics %s (table text too)", month);
		snprintf(extra, sizeof extra, "(%ld requests)", stats.total.requests);
		service_stats_free(&stats);
		report(what, ms, (size_t)runs, extra);
		worst = ms[runs - 1] > worst ? ms[runs - 1] : worst;
	}
	printf("worst monthly statistics: %.2f ms\n", worst);
	free(ms);
	store_close(st);
	return 0;
}
