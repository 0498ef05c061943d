/* sandbox: a parser run in a child process under limits, its records read back over
 * a pipe. See sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

/* ASan's shadow memory is terabytes of address space: a limit on it stops the child
 * before it starts. The CPU and idle limits still hold in such builds. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif
#ifndef SANDBOX_SANITIZED
#define SANDBOX_SANITIZED 0
#endif

/* No record of ours comes near this: a longer one means the child wrote garbage. */
#define RECORD_MAX (16u << 20)
/* The child sends its records in blocks of about this much. */
#define OUT_BLOCK 65536
#define HEADER_LEN 5

struct sandbox_out {
	int fd;
	char *buf;
	size_t len, cap, start;   /* start: where the record being built begins */
	bool broken;
};

struct sandbox {
	pid_t pid;
	int fd;
	FILE *errors;             /* the child's stderr, read for "out of memory" */
	char *buf;
	size_t len, cap, pos;
	unsigned idle_seconds;
	enum sandbox_end end;
};

/* ---- the child's side ---- */

/* Writes all of buf; false when the parent has gone. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Makes room for n more bytes. */
static void out_reserve(struct sandbox_out *out, size_t n)
{
	if (out->len + n <= out->cap)
		return;
	size_t cap = out->cap ? out->cap : OUT_BLOCK;
	while (cap < out->len + n)
		cap *= 2;
	out->buf = xrealloc(out->buf, cap);
	out->cap = cap;
}

bool sandbox_flush(struct sandbox_out *out)
{
	if (!out->broken && out->len && !write_all(out->fd, out->buf, out->len))
		out->broken = true;
	out->len = 0;
	return !out->broken;
}

void sandbox_begin(struct sandbox_out *out, char tag)
{
	out_reserve(out, HEADER_LEN);
	out->start = out->len;
	out->buf[out->len++] = tag;
	out->len += HEADER_LEN - 1;   /* the length, filled in by sandbox_end_record */
}

void sandbox_add(struct sandbox_out *out, const void *bytes, size_t len)
{
	out_reserve(out, len);
	memcpy(out->buf + out->len, bytes, len);
	out->len += len;
}

void sandbox_add_u32(struct sandbox_out *out, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	sandbox_add(out, b, sizeof b);
}

bool sandbox_end_record(struct sandbox_out *out)
{
	uint32_t n = (uint32_t)(out->len - out->start - HEADER_LEN);
	unsigned char *p = (unsigned char *)out->buf + out->start + 1;
	p[0] = (unsigned char)n;
	p[1] = (unsigned char)(n >> 8);
	p[2] = (unsigned char)(n >> 16);
	p[3] = (unsigned char)(n >> 24);
	return out->len < OUT_BLOCK || sandbox_flush(out);
}

bool sandbox_put(struct sandbox_out *out, char tag, const void *payload, size_t len)
{
	sandbox_begin(out, tag);
	sandbox_add(out, payload, len);
	return sandbox_end_record(out);
}

/* Address space in use now, from /proc; 0 when it cannot be told. */
static size_t address_space_now(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* Sets the child's limits: CPU time (SIGXCPU, then SIGKILL a little later) and, but
 * in sanitizer builds, address space beyond what the fork inherited. */
static void apply_limits(const struct sandbox_limits *lim)
{
	struct rlimit cpu = {.rlim_cur = lim->cpu_seconds, .rlim_max = lim->cpu_seconds + 5};
	setrlimit(RLIMIT_CPU, &cpu);
	size_t now = address_space_now();
	if (!SANDBOX_SANITIZED && now && lim->memory_bytes) {
		struct rlimit as = {.rlim_cur = now + lim->memory_bytes, .rlim_max = now + lim->memory_bytes};
		setrlimit(RLIMIT_AS, &as);
	}
}

/* The child: limits, its stderr to the parent's file, fn, and out without atexit
 * handlers (they belong to the parent: its stdio buffers, its database). */
static void child_main(int fd, int errfd, sandbox_main_fn fn, void *arg, const struct sandbox_limits *lim)
{
	signal(SIGPIPE, SIG_DFL);   /* a parent that stopped reading ends the child */
	if (errfd >= 0)
		dup2(errfd, STDERR_FILENO);
	apply_limits(lim);
	struct sandbox_out out = {.fd = fd};
	int rc = fn(&out, arg);
	sandbox_flush(&out);
	_exit(rc);
}

/* ---- the parent's side ---- */

struct sandbox *sandbox_start(sandbox_main_fn fn, void *arg, const struct sandbox_limits *lim, char **err)
{
	int fds[2];
	if (pipe(fds) != 0) {
		*err = xasprintf(_("the reader could not be started: %s"), strerror(errno));
		return NULL;
	}
	FILE *errors = tmpfile();
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_main(fds[1], errors ? fileno(errors) : -1, fn, arg, lim);
	}
	close(fds[1]);
	if (pid < 0) {
		*err = xasprintf(_("the reader could not be started: %s"), strerror(errno));
		close(fds[0]);
		if (errors)
			fclose(errors);
		return NULL;
	}
	struct sandbox *sb = xcalloc(1, sizeof *sb);
	sb->pid = pid;
	sb->fd = fds[0];
	sb->errors = errors;
	sb->idle_seconds = lim->idle_seconds ? lim->idle_seconds : 1;
	return sb;
}

/* True when the child's stderr says an allocation failed. */
static bool said_out_of_memory(FILE *errors)
{
	char text[4096];
	if (!errors || fseek(errors, 0, SEEK_SET) != 0)
		return false;
	size_t n = fread(text, 1, sizeof text - 1, errors);
	text[n] = '\0';
	return strstr(text, "out of memory") || strstr(text, "allocation-size-too-big") ||
	       strstr(text, "out-of-memory");
}

/* Waits for the child and tells how it ended. */
static void reap(struct sandbox *sb, bool killed_for_time)
{
	int status = 0;
	while (waitpid(sb->pid, &status, 0) < 0 && errno == EINTR)
		;
	sb->pid = 0;
	if (killed_for_time ||
	    (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)))
		sb->end = SANDBOX_TIMED_OUT;
	else if (said_out_of_memory(sb->errors))
		sb->end = SANDBOX_OUT_OF_MEMORY;
	else
		sb->end = SANDBOX_CRASHED;   /* no final record: whatever the status, it did not finish */
}

/* Stops a child that is still there. */
static void kill_child(struct sandbox *sb, bool for_time)
{
	if (sb->pid > 0) {
		kill(sb->pid, SIGKILL);
		reap(sb, for_time);
	}
}

/* A whole record at sb->pos: 1 with it, 0 when more bytes are needed, -1 when garbage. */
static int buffered_record(struct sandbox *sb, char *tag, const char **payload, size_t *len)
{
	size_t have = sb->len - sb->pos;
	if (have < HEADER_LEN)
		return 0;
	const unsigned char *h = (const unsigned char *)sb->buf + sb->pos;
	uint32_t n = (uint32_t)h[1] | (uint32_t)h[2] << 8 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 24;
	if (n > RECORD_MAX)
		return -1;
	if (have < HEADER_LEN + (size_t)n)
		return 0;
	*tag = (char)h[0];
	*payload = sb->buf + sb->pos + HEADER_LEN;
	*len = n;
	sb->pos += HEADER_LEN + n;
	return 1;
}

/* Reads what the child has sent, waiting at most the idle time: 1 with more bytes,
 * 0 at the end of the pipe, -1 when the child kept silent too long. */
static int fill(struct sandbox *sb, unsigned idle_seconds)
{
	if (sb->pos > 0) {
		memmove(sb->buf, sb->buf + sb->pos, sb->len - sb->pos);
		sb->len -= sb->pos;
		sb->pos = 0;
	}
	if (sb->cap - sb->len < OUT_BLOCK) {
		sb->cap = sb->cap ? sb->cap * 2 : 2 * OUT_BLOCK;
		sb->buf = xrealloc(sb->buf, sb->cap);
	}
	for (;;) {
		struct pollfd p = {.fd = sb->fd, .events = POLLIN};
		int ready = poll(&p, 1, (int)idle_seconds * 1000);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0)
			return -1;
		ssize_t n = read(sb->fd, sb->buf + sb->len, sb->cap - sb->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		sb->len += (size_t)n;
		return 1;
	}
}

int sandbox_next(struct sandbox *sb, char *tag, const char **payload, size_t *len)
{
	if (sb->end != SANDBOX_RUNNING)
		return -1;
	for (;;) {
		int rc = buffered_record(sb, tag, payload, len);
		if (rc == 1)
			return 1;
		if (rc < 0) {
			kill_child(sb, false);
			sb->end = SANDBOX_CRASHED;
			return -1;
		}
		rc = fill(sb, sb->idle_seconds);
		if (rc == 1)
			continue;
		if (rc < 0)
			kill_child(sb, true);
		else
			reap(sb, false);
		return -1;
	}
}

enum sandbox_end sandbox_end(const struct sandbox *sb)
{
	return sb->end;
}

void sandbox_stop(struct sandbox *sb)
{
	if (!sb)
		return;
	kill_child(sb, false);
	close(sb->fd);
	if (sb->errors)
		fclose(sb->errors);
	free(sb->buf);
	free(sb);
}

bool sandbox_take_u32(const char **p, const char *end, uint32_t *v)
{
	if (end - *p < 4)
		return false;
	const unsigned char *b = (const unsigned char *)*p;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	*p += 4;
	return true;
}
