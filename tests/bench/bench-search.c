/* bench-search: what a clerk waits for at each keystroke of the resident search, on a
 * register of 1,000,000 residents, beside what the sqlite3 shell takes for the
 * LIKE scan a clerk would otherwise run. Prints figures; it is not a test.
 *
 *   bench-search [DB] [queries per kind] [sqlite3 runs per kind]
 *
 * The database (default $SHANZHI_BENCH_DB or /tmp/shanzhi-bench-1m.db) is created
 * with the demo village when missing. For each kind of search, queries are taken from
 * residents picked at random and typed one keystroke at a time; every prefix is
 * searched with search_residents(limit 20), as the list screen does. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "pinyin.h"
#include "search.h"
#include "store.h"
#include "util.h"

extern char **environ;

#define DEFAULT_DB "/tmp/shanzhi-bench-1m.db"
#define RESIDENTS 1000000
#define PAGE 20

enum kind {
	K_NAME1, K_NAME2, K_PINYIN2, K_PINYIN3, K_ID4, K_ID6, K_PHONE4, K_HOUSEHOLD, K_COUNT
};

static const char *const kind_names[K_COUNT] = {
	"name, 1 character", "name, 2 characters", "pinyin initials, 2", "pinyin initials, 3",
	"ID tail, 4", "ID tail, 6", "phone tail, 4", "household no. prefix",
};

struct sample {
	double *ms;
	size_t n, cap;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sample_add(struct sample *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->ms = xrealloc(s->ms, s->cap * sizeof *s->ms);
	}
	s->ms[s->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of the sample, nearest rank. */
static double percentile(struct sample *s, double p)
{
	if (s->n == 0)
		return 0;
	qsort(s->ms, s->n, sizeof *s->ms, cmp_double);
	size_t rank = (size_t)(p / 100.0 * (double)s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->ms[rank - 1];
}

/* Creates the demo database when it is missing; prints how long that took. */
static int ensure_database(const char *path)
{
	if (access(path, F_OK) == 0)
		return 0;
	printf("creating %s with %d demo residents...\n", path, RESIDENTS);
	fflush(stdout);
	char *err = NULL;
	double t0 = now_ms();
	struct store *st = store_open(path, &err);
	int rc = -1;
	if (st && store_set_operator(st, "demo", &err) == 0)
		rc = demo_create(st, RESIDENTS, 20261126, 0, &err);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "bench-search: %s: %s\n", path, err ? err : "?");
		free(err);
		unlink(path);
		return -1;
	}
	printf("demo_create(%d): %.1f s\n\n", RESIDENTS, (now_ms() - t0) / 1e3);
	return 0;
}

/* Splits a UTF-8 string into its characters' byte offsets; returns the count. */
static size_t utf8_offsets(const char *s, size_t *off, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; s[i] && n < max; i++)
		if ((UCH(s[i]) & 0xc0) != 0x80)
			off[n++] = i;
	return n;
}

/* The text a clerk types in full for kind, taken from one resident's row. */
static char *final_query(enum kind k, const char *name, const char *id, const char *phone,
			 const char *hh_no)
{
	size_t off[64];
	size_t n = utf8_offsets(name, off, 64);
	char *keys[4];
	size_t nkeys;
	switch (k) {
	case K_NAME1:
		/* one character of the given name */
		return n >= 2 ? xstrndup(name + off[n - 1], strlen(name) - off[n - 1]) : NULL;
	case K_NAME2:
		return n >= 3 ? xstrdup(name + off[n - 2]) : n == 2 ? xstrdup(name) : NULL;
	case K_PINYIN2:
	case K_PINYIN3:
		nkeys = pinyin_name_keys(name, keys, 4);
		if (nkeys == 0)
			return NULL;
		char *q = NULL;
		size_t want = k == K_PINYIN2 ? 2 : 3;
		if (strlen(keys[0]) >= want)
			q = xstrndup(keys[0], want);
		for (size_t i = 0; i < nkeys; i++)
			free(keys[i]);
		return q;
	case K_ID4:
		return id && strlen(id) == 18 ? xstrdup(id + 14) : NULL;
	case K_ID6:
		return id && strlen(id) == 18 ? xstrdup(id + 12) : NULL;
	case K_PHONE4:
		return phone && strlen(phone) >= 4 ? xstrdup(phone + strlen(phone) - 4) : NULL;
	case K_HOUSEHOLD:
		return hh_no ? xstrdup(hh_no) : NULL;
	case K_COUNT:
		break;
	}
	return NULL;
}

/* Times search_residents for every prefix of q, one keystroke (character) at a time;
 * the last keystroke (the whole query) also goes to whole. */
static void type_query(struct store *st, const char *q, struct sample *s, struct sample *whole,
		       long *empty)
{
	size_t off[64];
	size_t n = utf8_offsets(q, off, 64);
	for (size_t i = 1; i <= n; i++) {
		char *prefix = xstrndup(q, i < n ? off[i] : strlen(q));
		struct search_result res = {0};
		char *err = NULL;
		double t0 = now_ms();
		int rc = search_residents(st, prefix, 0, PAGE, &res, &err);
		double t1 = now_ms();
		if (rc != 0) {
			fprintf(stderr, "bench-search: %s: %s\n", prefix, err ? err : "?");
			free(err);
		}
		if (i == n && res.n == 0)
			(*empty)++;
		if (i == n)
			sample_add(whole, t1 - t0);
		sample_add(s, t1 - t0);
		search_result_free(&res);
		free(prefix);
	}
}

/* The lists as they open, an empty query: the residents' first screenful and a page 50
 * screens down (PgDn fifty times), the households' first screenful, runs times each. */
static void time_everyone(struct store *st, int runs)
{
	static const size_t offsets[] = {0, 50 * PAGE};
	for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++) {
		struct sample s = {0};
		for (int i = 0; i < runs; i++) {
			struct search_result res = {0};
			char *err = NULL;
			double t0 = now_ms();
			if (search_residents(st, "", offsets[o], PAGE, &res, &err) != 0)
				fprintf(stderr, "bench-search: everyone: %s\n", err ? err : "?");
			sample_add(&s, now_ms() - t0);
			search_result_free(&res);
			free(err);
		}
		printf("everyone, rows %zu-%zu   %7d %6zu %8.3f %8.3f %8.3f\n", offsets[o] + 1,
		       offsets[o] + PAGE, runs, s.n, percentile(&s, 50), percentile(&s, 99),
		       percentile(&s, 100));
		free(s.ms);
	}
	struct sample s = {0};
	for (int i = 0; i < runs; i++) {
		struct household_result res = {0};
		char *err = NULL;
		double t0 = now_ms();
		if (search_households(st, "", 0, PAGE, &res, &err) != 0)
			fprintf(stderr, "bench-search: households: %s\n", err ? err : "?");
		sample_add(&s, now_ms() - t0);
		household_result_free(&res);
		free(err);
	}
	printf("households, rows 1-%d     %7d %6zu %8.3f %8.3f %8.3f\n", PAGE, runs, s.n,
	       percentile(&s, 50), percentile(&s, 99), percentile(&s, 100));
	free(s.ms);
}

/* SQL text with q inside single quotes (quotes doubled): for the shell only. */
static char *quoted_like(const char *fmt_before, const char *q, const char *fmt_after)
{
	struct strbuf sb = {0};
	sb_append(&sb, fmt_before);
	for (const char *p = q; *p; p++) {
		if (*p == '\'')
			sb_append(&sb, "'");
		sb_append_n(&sb, p, 1);
	}
	sb_append(&sb, fmt_after);
	return sb_take(&sb);
}

/* What a clerk would run in the sqlite3 shell for kind, or NULL (pinyin: nothing). */
static char *shell_sql(enum kind k, const char *q)
{
	switch (k) {
	case K_NAME1:
	case K_NAME2:
		return quoted_like("SELECT id, name, id_number FROM resident WHERE name LIKE '%", q, "%' LIMIT 20;");
	case K_ID4:
	case K_ID6:
		return quoted_like("SELECT id, name, id_number FROM resident WHERE id_number LIKE '%", q, "' LIMIT 20;");
	case K_PHONE4:
		return quoted_like("SELECT id, name, phone FROM resident WHERE phone LIKE '%", q, "' LIMIT 20;");
	case K_HOUSEHOLD:
		return quoted_like("SELECT r.id, r.name FROM household h JOIN resident r ON r.household_id = h.id"
				   " WHERE h.hh_no LIKE '", q, "%' LIMIT 20;");
	default:
		return NULL;
	}
}

/* One run of the real sqlite3 shell with .timer on: *wall_ms from exec to exit, and
 * *scan_ms the query's own time as the shell reports it ("Run Time: real S").
 * Returns -1 when the shell fails. */
static int time_shell(const char *db, const char *sql, double *wall_ms, double *scan_ms)
{
	int in[2], out[2];
	if (pipe(in) != 0)
		return -1;
	if (pipe(out) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	/* the shell times what it reads, not a command-line argument */
	char *argv[] = {(char *)"sqlite3", (char *)"-readonly", (char *)db, NULL};
	pid_t pid;
	double t0 = now_ms();
	int rc = posix_spawnp(&pid, "sqlite3", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc == 0) {
		char *script = xasprintf(".timer on\n%s\n", sql);
		if (write(in[1], script, strlen(script)) < 0)
			rc = -1;
		free(script);
	}
	close(in[1]);
	if (rc != 0) {
		close(out[0]);
		return -1;
	}
	struct strbuf text = {0};
	char buf[4096];
	ssize_t n;
	while ((n = read(out[0], buf, sizeof buf)) > 0)
		sb_append_n(&text, buf, (size_t)n);
	close(out[0]);
	int status;
	waitpid(pid, &status, 0);
	*wall_ms = now_ms() - t0;
	const char *timer = text.s ? strstr(text.s, "Run Time: real ") : NULL;
	*scan_ms = timer ? atof(timer + strlen("Run Time: real ")) * 1e3 : -1;
	sb_free(&text);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && *scan_ms >= 0 ? 0 : -1;
}

/* Residents picked at random (a fixed sequence) with what the queries need. */
static sqlite3_stmt *pick_statement(struct store *st)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3_prepare_v2(store_db(st),
			   "SELECT r.name, r.id_number, r.phone, h.hh_no FROM resident r"
			   " LEFT JOIN household h ON h.id = r.household_id WHERE r.id = ?1",
			   -1, &stmt, NULL);
	return stmt;
}

int main(int argc, char **argv)
{
	const char *env = getenv("SHANZHI_BENCH_DB");
	const char *db = argc > 1 ? argv[1] : env && *env ? env : DEFAULT_DB;
	long per_kind = argc > 2 ? atol(argv[2]) : 300;
	long shell_runs = argc > 3 ? atol(argv[3]) : 15;
	if (ensure_database(db) != 0)
		return 1;
	char *err = NULL;
	struct store *st = store_open(db, &err);
	if (!st || store_set_operator(st, "bench", &err) != 0) {
		fprintf(stderr, "bench-search: %s: %s\n", db, err ? err : "?");
		return 1;
	}
	int64_t max_id = 0;
	sqlite3_stmt *mx = NULL;
	sqlite3_prepare_v2(store_db(st), "SELECT max(id) FROM resident", -1, &mx, NULL);
	if (sqlite3_step(mx) == SQLITE_ROW)
		max_id = sqlite3_column_int64(mx, 0);
	sqlite3_finalize(mx);
	sqlite3_stmt *pick = pick_statement(st);
	printf("resident search on %s (%lld residents), first page of %d per keystroke\n",
	       db, (long long)max_id, PAGE);
	printf("%-22s %7s %6s %8s %8s %8s %6s | %-16s %8s %8s %8s %8s\n", "kind", "queries", "keys",
	       "p50 ms", "p99 ms", "max ms", "empty", "sqlite3 LIKE", "p50 ms", "max ms", "shell ms",
	       "p50 x");
	uint64_t lcg = 12345;
	int over_budget = 0;
	for (int k = 0; k < K_COUNT; k++) {
		struct sample ours = {0}, whole = {0}, shell = {0}, scan = {0};
		long queries = 0, empty = 0;
		char **finals = xcalloc((size_t)per_kind, sizeof *finals);
		while (queries < per_kind) {
			lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
			int64_t id = 1 + (int64_t)((lcg >> 33) % (uint64_t)(max_id ? max_id : 1));
			sqlite3_bind_int64(pick, 1, id);
			char *q = NULL;
			if (sqlite3_step(pick) == SQLITE_ROW)
				q = final_query((enum kind)k, (const char *)sqlite3_column_text(pick, 0),
						(const char *)sqlite3_column_text(pick, 1),
						(const char *)sqlite3_column_text(pick, 2),
						(const char *)sqlite3_column_text(pick, 3));
			sqlite3_reset(pick);
			if (!q)
				continue;
			type_query(st, q, &ours, &whole, &empty);
			finals[queries++] = q;
		}
		for (long i = 0; i < shell_runs && i < queries; i++) {
			char *sql = shell_sql((enum kind)k, finals[i]);
			if (!sql)
				break;
			double wall, scan_ms;
			if (time_shell(db, sql, &wall, &scan_ms) == 0) {
				sample_add(&shell, wall);
				sample_add(&scan, scan_ms);
			}
			free(sql);
		}
		double p50 = percentile(&ours, 50), p99 = percentile(&ours, 99);
		double mx_ms = percentile(&ours, 100), w50 = percentile(&whole, 50);
		over_budget += p99 > 5.0;
		printf("%-22s %7ld %6zu %8.3f %8.3f %8.3f %6ld | ", kind_names[k], queries, ours.n,
		       p50, p99, mx_ms, empty);
		if (scan.n) {
			double s50 = percentile(&scan, 50);
			printf("%-16s %8.1f %8.1f %8.1f %7.0fx\n", k == K_HOUSEHOLD ? "hh_no LIKE 'q%'" :
			       k <= K_NAME2 ? "name LIKE '%q%'" : "LIKE '%tail'", s50,
			       percentile(&scan, 100), percentile(&shell, 50), w50 > 0 ? s50 / w50 : 0);
		} else {
			printf("%-16s %8s %8s %8s %8s\n", "(no LIKE form)", "-", "-", "-", "-");
		}
		fflush(stdout);
		for (long i = 0; i < queries; i++)
			free(finals[i]);
		free(finals);
		free(ours.ms);
		free(shell.ms);
		free(scan.ms);
		free(whole.ms);
	}
	time_everyone(st, per_kind);
	printf("\ntarget: p99 <= 5 ms per keystroke for every kind: %s\n",
	       over_budget ? "NOT MET" : "met");
	printf("(sqlite3: p50/max of the query as the shell's .timer reports it; \"shell ms\" the\n"
	       " median whole run of the shell, start-up included; p50 x = its query p50 over\n"
	       " our p50 for the same whole queries, the last keystroke)\n");
	sqlite3_finalize(pick);
	store_close(st);
	return 0;
}
