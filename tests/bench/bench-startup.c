/* bench-startup: how long a clerk waits for the first screen of shanzhi on a register
 * of 1,000,000 residents, and how much memory it takes at its peak; also how long
 * `shanzhi demo --residents 1000000` and a `shanzhi search` take. Prints figures; it
 * is not a test.
 *
 *   bench-startup SHANZHI [DB] [runs] [--no-demo]
 *
 * The TUI runs in a pseudo-terminal of 80x24 (TERM=xterm, zh_CN.UTF-8 when the locale
 * exists). The first screen is complete when the program has written its last byte
 * before falling quiet for QUIET_MS: the time of that byte since exec is the start-up
 * time. Then "0" and "y" quit (the main menu's key and its confirmation) and the
 * peak resident set size comes from wait4(). */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DB "/tmp/shanzhi-bench-1m.db"
#define QUIET_MS 400
#define RESIDENTS "1000000"

struct run {
	double first_screen_ms;  /* exec to the last byte of the first screen */
	double list_ms;          /* "1" to the last byte of the resident list */
	double total_ms;         /* exec to exit */
	long peak_kib;           /* ru_maxrss */
	size_t bytes, list_bytes;
	int status;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A locale the TUI would run in on a clerk's PC: Chinese UTF-8 when installed. */
static const char *tui_locale(void)
{
	return setlocale(LC_ALL, "zh_CN.UTF-8") ? "zh_CN.UTF-8" : "C.UTF-8";
}

/* Reads what the child writes until it is quiet for quiet_ms (or gone); returns the
 * time of the last byte read. */
static double read_until_quiet(int fd, double start, int quiet_ms, size_t *bytes)
{
	double last = start;
	char buf[65536];
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, quiet_ms);
		if (r <= 0)
			return last;
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return last;
		*bytes += (size_t)n;
		last = now_ms();
	}
}

/* Waits for pid with a deadline, killing it when late; fills status and peak RSS. */
static void reap(pid_t pid, int fd, double deadline_ms, struct run *r)
{
	struct rusage ru;
	char buf[4096];
	for (;;) {
		pid_t w = wait4(pid, &r->status, WNOHANG, &ru);
		if (w == pid)
			break;
		if (now_ms() > deadline_ms) {
			kill(pid, SIGTERM);
			wait4(pid, &r->status, 0, &ru);
			break;
		}
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 10) > 0 && read(fd, buf, sizeof buf) <= 0)
			usleep(1000);
	}
	r->peak_kib = ru.ru_maxrss;
}

/* A child process on a new 80x24 pseudo-terminal (what forkpty does; tests/pty.h
 * shadows <pty.h> here); the master side in *master. */
static pid_t fork_on_pty(int *master)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0)
		return -1;
	const char *slave_name = ptsname(fd);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		int slave = open(slave_name, O_RDWR);
		if (slave < 0)
			_exit(127);
		ioctl(slave, TIOCSCTTY, 0);
		ioctl(slave, TIOCSWINSZ, &ws);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		close(fd);
		return 0;
	}
	if (pid < 0) {
		close(fd);
		return -1;
	}
	*master = fd;
	return pid;
}

/* One start of the TUI in a pseudo-terminal: time to the first screen, then quit. */
static int run_tui(const char *shanzhi, const char *db, const char *locale, struct run *r)
{
	int fd = -1;
	memset(r, 0, sizeof *r);
	double start = now_ms();
	pid_t pid = fork_on_pty(&fd);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("TERM", "xterm", 1);
		setenv("LANG", locale, 1);
		setenv("LC_ALL", locale, 1);
		execl(shanzhi, shanzhi, "--db", db, (char *)NULL);
		_exit(127);
	}
	double last = read_until_quiet(fd, start, QUIET_MS, &r->bytes);
	r->first_screen_ms = last - start;
	/* sign in as the demo's administrator (a day's first start also makes the daily
	 * backup here, which is why the wait is long) */
	size_t more = 0;
	if (write(fd, "admin\tdemo\r", 11) == 11)
		read_until_quiet(fd, now_ms(), 1500, &more);
	/* "1": the resident list, everyone by name; Esc 0 (F10) back to the menu */
	double typed = now_ms();
	if (write(fd, "1", 1) == 1)
		r->list_ms = read_until_quiet(fd, typed, QUIET_MS, &r->list_bytes) - typed;
	if (write(fd, "\0330", 2) == 2)
		read_until_quiet(fd, now_ms(), 150, &more);
	/* "0" asks to leave, "y" confirms */
	if (write(fd, "0", 1) != 1)
		kill(pid, SIGTERM);
	read_until_quiet(fd, now_ms(), 150, &more);
	if (write(fd, "y", 1) != 1 && errno != EIO)
		kill(pid, SIGTERM);
	reap(pid, fd, now_ms() + 3000, r);
	r->total_ms = now_ms() - start;
	close(fd);
	return 0;
}

/* One run of a subcommand with its output discarded: wall time and peak RSS. */
static int run_command(char *const argv[], struct run *r)
{
	memset(r, 0, sizeof *r);
	double start = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	struct rusage ru;
	wait4(pid, &r->status, 0, &ru);
	r->total_ms = now_ms() - start;
	r->peak_kib = ru.ru_maxrss;
	return 0;
}

static void remove_database(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%.4000s%s", path, suffixes[i]);
		unlink(p);
	}
}

/* Times `shanzhi demo --residents 1000000` into a new file; keeps it as the
 * benchmark database when there is none yet. */
static void bench_demo(const char *shanzhi, const char *db)
{
	char tmp[2048];
	snprintf(tmp, sizeof tmp, "%.2000s.demo-%d", db, (int)getpid());
	remove_database(tmp);
	char *argv[] = {(char *)shanzhi, (char *)"--db", tmp, (char *)"demo",
			(char *)"--residents", (char *)RESIDENTS, NULL};
	struct run r;
	if (run_command(argv, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		printf("shanzhi demo --residents %s: failed\n", RESIDENTS);
		remove_database(tmp);
		return;
	}
	printf("shanzhi demo --residents %s: %.1f s, peak RSS %.1f MiB\n", RESIDENTS,
	       r.total_ms / 1e3, r.peak_kib / 1024.0);
	/* the program checkpoints and removes its WAL when it closes the database */
	if (access(db, F_OK) != 0 && rename(tmp, db) == 0)
		printf("  kept as %s for the benchmarks\n", db);
	remove_database(tmp);
}

static void report(const char *what, double *ms, size_t n, long peak_kib, double target_ms,
		   double target_mib)
{
	qsort(ms, n, sizeof *ms, cmp_double);
	printf("%-34s runs %2zu  median %7.1f ms  max %7.1f ms  peak RSS %5.1f MiB", what, n,
	       ms[n / 2], ms[n - 1], peak_kib / 1024.0);
	if (target_ms > 0)
		printf("  (targets %.0f ms, %.0f MiB: %s)", target_ms, target_mib,
		       ms[n / 2] <= target_ms && peak_kib / 1024.0 <= target_mib ? "met" : "NOT MET");
	printf("\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-startup SHANZHI [DB] [runs] [--no-demo]\n");
		return 2;
	}
	const char *shanzhi = argv[1];
	const char *env = getenv("SHANZHI_BENCH_DB");
	const char *db = argc > 2 ? argv[2] : env && *env ? env : DEFAULT_DB;
	int runs = argc > 3 ? atoi(argv[3]) : 10;
	if (runs < 1)
		runs = 1;
	if (argc <= 4 || strcmp(argv[4], "--no-demo") != 0 || access(db, F_OK) != 0)
		bench_demo(shanzhi, db);
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "bench-startup: no database %s\n", db);
		return 1;
	}
	const char *locale = tui_locale();
	double *ms = calloc((size_t)runs, sizeof *ms);
	double *list_ms = calloc((size_t)runs, sizeof *list_ms);
	long peak = 0;
	size_t bytes = 0, list_bytes = 0;
	int failed = 0;
	for (int i = 0; i < runs; i++) {
		struct run r;
		if (run_tui(shanzhi, db, locale, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
			failed++;
			fprintf(stderr, "run %d: status %#x after %.0f ms\n", i, r.status, r.total_ms);
		}
		ms[i] = r.first_screen_ms;
		list_ms[i] = r.list_ms;
		peak = r.peak_kib > peak ? r.peak_kib : peak;
		bytes = r.bytes;
		list_bytes = r.list_bytes;
	}
	char what[128];
	snprintf(what, sizeof what, "TUI to first screen (%s)", locale);
	report(what, ms, (size_t)runs, peak, 50, 16);
	report("TUI menu \"1\" to resident list", list_ms, (size_t)runs, peak, 0, 0);
	printf("%34s first screen %zu bytes, list %zu bytes; %d run(s) did not quit cleanly"
	       " on \"0\" \"y\"\n", "", bytes, list_bytes, failed);

	static const char *const queries[] = {"lfl", "王", "0012", "1012010001"};
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
		peak = 0;
		for (int i = 0; i < runs; i++) {
			char *args[] = {(char *)shanzhi, (char *)"--db", (char *)db, (char *)"search",
					(char *)queries[q], (char *)"--limit", (char *)"20", NULL};
			struct run r;
			run_command(args, &r);
			ms[i] = r.total_ms;
			peak = r.peak_kib > peak ? r.peak_kib : peak;
		}
		snprintf(what, sizeof what, "shanzhi search %s (exec to exit)", queries[q]);
		report(what, ms, (size_t)runs, peak, 0, 0);
	}
	free(ms);
	free(list_ms);
	return 0;
}
