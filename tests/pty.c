/* pty: a real program in a pseudo-terminal, its screen read back through libvterm.
 * See pty.h for the model; this file keeps the child, the encodings and the screen. */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <iconv.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#define PTY_QUIET_MS 120
/* How often a settling screen looks whether the program waits for a key again. */
#define PTY_LOOK_MS 3
#define PTY_SETTLE_LIMIT_MS 3000
#define PTY_MAX_CHILDREN 16
#define PTY_MAX_STANDINS 256
#define PTY_STANDIN_BASE 0x2F800u  /* CJK Compatibility Ideographs Supplement: wide */

struct pty {
	pid_t pid;
	int master;
	int rows, cols;
	bool exited;
	int status;
	VTerm *vt;
	VTermScreen *screen;
	iconv_t to_term;       /* UTF-8 -> terminal encoding, or (iconv_t)-1 for UTF-8 */
	iconv_t from_term;     /* terminal encoding -> UTF-8 */
	char pending[8];       /* an incomplete multibyte character from the last read */
	size_t npending;
	/* A GBK terminal shows every two-byte character in two cells, as the locale's
	 * wcwidth() counts it (· ★ ① are two columns in zh_CN.GBK). libvterm gives such
	 * East Asian Ambiguous characters one cell, so each is stood in for by a wide
	 * stand-in (PTY_STANDIN_BASE + index) and mapped back when the screen is read. */
	VTerm *probe;          /* a scratch terminal that measures libvterm's widths */
	uint32_t standin[PTY_MAX_STANDINS];
	size_t nstandin;
	char *watch;           /* text looked for in the output stream (pty_watch) */
	char *watch_tail;      /* the stream's last bytes, for a text split between reads */
	size_t nwatch_tail;
	bool watched;
	/* The child's voluntary context switches when input was last sent to it, or -1
	 * when nothing was sent since the screen last settled (pty_settle). */
	long blocks_at_send;
	bool sent_lone_esc;    /* the last input was Esc alone, which the program waits after */
};

/* A clerk's program starts with default signals and none blocked, whatever the
 * harness inherited (nohup ignores SIGHUP, which the hang-up tests send). */
static void reset_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Every child still running, so that an early exit of the test kills them too. */
static pid_t live_children[PTY_MAX_CHILDREN];

static void track_child(pid_t pid)
{
	for (size_t i = 0; i < PTY_MAX_CHILDREN; i++)
		if (live_children[i] == 0) {
			live_children[i] = pid;
			return;
		}
}

static void untrack_child(pid_t pid)
{
	for (size_t i = 0; i < PTY_MAX_CHILDREN; i++)
		if (live_children[i] == pid)
			live_children[i] = 0;
}

/* atexit: no child outlives the test, and none is left a zombie. */
static void kill_live_children(void)
{
	for (size_t i = 0; i < PTY_MAX_CHILDREN; i++)
		if (live_children[i] > 0) {
			kill(live_children[i], SIGKILL);
			waitpid(live_children[i], NULL, 0);
			live_children[i] = 0;
		}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The charset part of a locale name when it is not UTF-8 ("zh_CN.GBK" -> "GBK"). */
static const char *locale_charset(const char *locale)
{
	const char *dot = locale ? strchr(locale, '.') : NULL;
	if (!dot || strcasecmp(dot + 1, "UTF-8") == 0 || strcasecmp(dot + 1, "utf8") == 0)
		return NULL;
	return dot + 1;
}

/* Variables the test set (pty_setenv) for the children it starts from now on. */
static struct {
	char *name, *value;
} extra_env[8];
static size_t n_extra_env;

/* In the child: the fixed environment every run gets (term NULL: TERM unset). */
static void set_child_env(const char *locale, const char *term)
{
	static const char *const cleared[] = {
		"LANGUAGE", "LC_CTYPE", "LC_MESSAGES", "LC_COLLATE", "LC_NUMERIC",
		"LC_TIME", "LC_MONETARY", "COLUMNS", "LINES", "SHANZHI_DB",
	};
	for (size_t i = 0; i < sizeof cleared / sizeof cleared[0]; i++)
		unsetenv(cleared[i]);
	if (term)
		setenv("TERM", term, 1);
	else
		unsetenv("TERM");
	if (locale) {
		setenv("LANG", locale, 1);
		setenv("LC_ALL", locale, 1);
	}
	setenv("SHANZHI_TODAY", PTY_TODAY, 1);
	for (size_t i = 0; i < n_extra_env; i++)
		if (extra_env[i].value)
			setenv(extra_env[i].name, extra_env[i].value, 1);
		else
			unsetenv(extra_env[i].name);
}

void pty_setenv(const char *name, const char *value)
{
	size_t i = 0;
	while (i < n_extra_env && strcmp(extra_env[i].name, name) != 0)
		i++;
	if (i == n_extra_env) {
		if (n_extra_env == sizeof extra_env / sizeof extra_env[0]) {
			fprintf(stderr, "pty_setenv: too many variables\n");
			abort();
		}
		extra_env[n_extra_env++].name = strdup(name);
	}
	free(extra_env[i].value);
	extra_env[i].value = value ? strdup(value) : NULL;
}

/* Converts with iconv, replacing what cannot be converted by repl; an incomplete
 * sequence at the end is left in *in / *inlen for the caller. Appends to out. */
static size_t convert(iconv_t cd, const char **in, size_t *inlen, char *out, size_t outcap,
		      const char *repl)
{
	char *op = out;
	size_t left = outcap;
	while (*inlen > 0 && left > 8) {
		char *ip = (char *)*in;
		size_t r = iconv(cd, &ip, inlen, &op, &left);
		*in = ip;
		if (r != (size_t)-1)
			break;
		if (errno == EINVAL)
			break;                      /* incomplete: keep it for later */
		if (errno == EILSEQ) {
			size_t n = strlen(repl);
			memcpy(op, repl, n);
			op += n;
			left -= n;
			(*in)++;
			(*inlen)--;
		} else if (errno == E2BIG) {
			break;
		}
	}
	return (size_t)(op - out);
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;                     /* the child has gone: nothing to deliver */
		}
		s += w;
		n -= (size_t)w;
	}
}

/* How often the child has blocked (its voluntary context switches), or -1 when
 * /proc does not tell: a child that blocks again has taken what was sent. */
static long child_blocks(pid_t pid)
{
	char path[64], line[128];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long n = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* Every write to the program goes here, noting how often it had blocked before. */
static void send_input(struct pty *t, const char *bytes, size_t n)
{
	if (n == 0)
		return;
	t->blocks_at_send = child_blocks(t->pid);
	t->sent_lone_esc = bytes[n - 1] == '\033';
	write_all(t->master, bytes, n);
}

/* Hands the terminal's replies (cursor position reports, device attributes) back to
 * the program, as a real terminal would. */
static void answer_queries(struct pty *t)
{
	char buf[256];
	size_t n;
	/* replies are ASCII, the same bytes in GBK */
	while ((n = vterm_output_read(t->vt, buf, sizeof buf)) > 0)
		send_input(t, buf, n);
}

/* Appends code point c as UTF-8; returns the bytes written. */
static size_t put_utf8(char *out, uint32_t c);

/* Width libvterm gives code point c (1 or 2), measured on the scratch terminal. */
static int vterm_width(struct pty *t, uint32_t c)
{
	char buf[8] = "\033[H";
	size_t n = 3 + put_utf8(buf + 3, c);
	VTermScreenCell cell;
	VTermPos pos = {0, 0};
	vterm_input_write(t->probe, buf, n);
	if (!vterm_screen_get_cell(vterm_obtain_screen(t->probe), pos, &cell))
		return 1;
	return cell.width;
}

/* The wide stand-in for c, a non-ASCII character libvterm would draw narrow. */
static uint32_t standin_for(struct pty *t, uint32_t c)
{
	for (size_t i = 0; i < t->nstandin; i++)
		if (t->standin[i] == c)
			return PTY_STANDIN_BASE + (uint32_t)i;
	if (vterm_width(t, c) == 2 || t->nstandin == PTY_MAX_STANDINS)
		return c;
	t->standin[t->nstandin] = c;
	return PTY_STANDIN_BASE + (uint32_t)t->nstandin++;
}

/* The character a stand-in stands for (c itself when it is none). */
static uint32_t standin_original(const struct pty *t, uint32_t c)
{
	if (c >= PTY_STANDIN_BASE && c < PTY_STANDIN_BASE + t->nstandin)
		return t->standin[c - PTY_STANDIN_BASE];
	return c;
}

/* Rewrites decoded GBK text so that every non-ASCII character takes two cells:
 * characters libvterm would draw narrow become their wide stand-ins. */
static size_t widen_non_ascii(struct pty *t, const char *in, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char b = (unsigned char)in[i];
		int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
		if (b < 0x80 || i + (size_t)len > n) {
			out[o++] = in[i++];
			continue;
		}
		uint32_t c = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
		for (int k = 1; k < len; k++)
			c = (c << 6) | ((unsigned char)in[i + (size_t)k] & 0x3F);
		uint32_t shown = c == 0xFFFD ? c : standin_for(t, c);
		if (shown == c) {
			memcpy(out + o, in + i, (size_t)len);
			o += (size_t)len;
		} else {
			o += put_utf8(out + o, shown);
		}
		i += (size_t)len;
	}
	return o;
}

/* Looks for the watched text in the output (UTF-8), also across reads. */
static void watch_output(struct pty *t, const char *utf8, size_t n)
{
	if (!t->watch || t->watched)
		return;
	size_t keep = strlen(t->watch) - 1;
	char *joined = malloc(t->nwatch_tail + n + 1);
	memcpy(joined, t->watch_tail, t->nwatch_tail);
	memcpy(joined + t->nwatch_tail, utf8, n);
	size_t len = t->nwatch_tail + n;
	joined[len] = '\0';
	t->watched = memmem(joined, len, t->watch, strlen(t->watch)) != NULL;
	t->nwatch_tail = len < keep ? len : keep;
	memcpy(t->watch_tail, joined + len - t->nwatch_tail, t->nwatch_tail);
	free(joined);
}

void pty_watch(struct pty *t, const char *utf8)
{
	free(t->watch);
	free(t->watch_tail);
	t->watch = strdup(utf8);
	t->watch_tail = malloc(strlen(utf8) + 1);
	t->nwatch_tail = 0;
	t->watched = false;
}

bool pty_watched(const struct pty *t)
{
	return t->watched;
}

/* Feeds bytes from the program into the screen, decoding GBK first when needed. */
static void feed(struct pty *t, const char *bytes, size_t n)
{
	if (t->from_term == (iconv_t)-1) {
		watch_output(t, bytes, n);
		vterm_input_write(t->vt, bytes, n);
	} else {
		char *joined = malloc(t->npending + n);
		memcpy(joined, t->pending, t->npending);
		memcpy(joined + t->npending, bytes, n);
		const char *in = joined;
		size_t inlen = t->npending + n;
		/* 3 bytes out per byte in covers a replacement for every bad byte; a
		 * stand-in (4 bytes) replaces a 2-byte GBK character */
		size_t cap = inlen * 3 + 64;
		char *out = malloc(cap), *wide = malloc(cap * 2);
		size_t got = convert(t->from_term, &in, &inlen, out, cap, "\xEF\xBF\xBD");
		watch_output(t, out, got);
		vterm_input_write(t->vt, wide, widen_non_ascii(t, out, got, wide));
		t->npending = inlen < sizeof t->pending ? inlen : 0;
		memcpy(t->pending, in, t->npending);
		free(wide);
		free(out);
		free(joined);
	}
	answer_queries(t);
}

bool pty_exited(struct pty *t, int *status)
{
	if (!t->exited) {
		int st;
		pid_t r = waitpid(t->pid, &st, WNOHANG);
		if (r == t->pid) {
			t->exited = true;
			t->status = st;
			untrack_child(t->pid);
		}
	}
	if (t->exited && status)
		*status = t->status;
	return t->exited;
}

size_t pty_pump(struct pty *t, int quiet_ms, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms, last = now_ms();
	size_t total = 0;
	char buf[4096];
	for (;;) {
		long long now = now_ms();
		if (now >= deadline || now - last >= quiet_ms)
			break;
		long long wait = quiet_ms - (now - last);
		if (deadline - now < wait)
			wait = deadline - now;
		struct pollfd p = {.fd = t->master, .events = POLLIN};
		int r = poll(&p, 1, (int)wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(t->master, buf, sizeof buf);
		if (n > 0) {
			feed(t, buf, (size_t)n);
			total += (size_t)n;
			last = now_ms();
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			/* EIO: the child closed its side; wait for it so it is no zombie */
			pty_exited(t, NULL);
			break;
		}
	}
	return total;
}

/* true when the child sits in read() on standard input or in poll() on one file (a
 * key with a time limit, e.g. the form's draft or the idle lock): what
 * /proc/PID/syscall shows of a program waiting for a key. */
static bool child_in_key_wait(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	FILE *f = fopen(path, "r");
	bool waits = false;
	long nr;
	unsigned long a0, a1, a2;
	if (f && fgets(line, sizeof line, f) && sscanf(line, "%ld %lx %lx %lx", &nr, &a0, &a1, &a2) == 4) {
#if defined(__x86_64__)
		waits = (nr == 0 && a0 == 0) ||                 /* read(0, ...) */
			(nr == 7 && a1 == 1);                      /* poll(fds, 1, ms) */
#elif defined(__aarch64__)
		waits = (nr == 63 && a0 == 0) || (nr == 73 && a1 == 1);
#endif
	}
	if (f)
		fclose(f);
	return waits;
}

/* Bytes sent to the child that it has not read yet, or -1. */
static int child_unread_input(const struct pty *t)
{
	const char *name = ptsname(t->master);
	int slave = name ? open(name, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -1;
	int n = -1;
	if (slave >= 0) {
		if (ioctl(slave, FIONREAD, &n) != 0)
			n = -1;
		close(slave);
	}
	return n;
}

/* true when the program has answered everything sent to it: it blocked again after
 * the last input, has read all of it, waits for a key, and its output has all been
 * read (poll on the master pushes what the kernel still holds in flight). */
static bool child_answered(struct pty *t)
{
	if (t->sent_lone_esc)
		return false;   /* it waits for what may follow (tui-core.c), not for a key */
	if (t->blocks_at_send >= 0 && child_blocks(t->pid) <= t->blocks_at_send)
		return false;
	if (!child_in_key_wait(t->pid) || child_unread_input(t) != 0)
		return false;
	struct pollfd p = {.fd = t->master, .events = POLLIN};
	return poll(&p, 1, 0) == 0;
}

/* Pumps until the program waits for a key with all its output read, which is
 * usually a few milliseconds; where /proc cannot tell (or the program waits for
 * something else, e.g. the rest of an Esc sequence), until PTY_QUIET_MS of quiet. */
void pty_settle(struct pty *t)
{
	long long start = now_ms(), quiet_since = start;
	while (!t->exited) {
		long long now = now_ms();
		if (now - start >= PTY_SETTLE_LIMIT_MS || now - quiet_since >= PTY_QUIET_MS)
			break;
		if (pty_pump(t, PTY_LOOK_MS, PTY_QUIET_MS) > 0)
			quiet_since = now_ms();
		else if (child_answered(t))
			break;
	}
	t->blocks_at_send = -1;
	t->sent_lone_esc = false;
}

/* A pseudo-terminal master of the given size (POSIX calls: <pty.h> is not ours to
 * include, tests/pty.h shadows it). -1 on failure. */
static int open_master(const struct winsize *ws)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
		perror("posix_openpt");
		if (m >= 0)
			close(m);
		return -1;
	}
	ioctl(m, TIOCSWINSZ, ws);
	return m;
}

/* In the child: a new session whose controlling terminal is the slave side, on
 * standard input, output and error. */
static void become_terminal_session(int master)
{
	const char *name = ptsname(master);
	setsid();
	int slave = name ? open(name, O_RDWR) : -1;
	if (slave < 0)
		_exit(126);
	ioctl(slave, TIOCSCTTY, 0);
	close(master);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	if (slave > 2)
		close(slave);
}

struct pty *pty_spawn(const char *const argv[], const char *locale, int rows, int cols)
{
	return pty_spawn_term(argv, locale, rows, cols, "xterm");
}

struct pty *pty_spawn_term(const char *const argv[], const char *locale, int rows, int cols,
			   const char *term)
{
	static bool registered;
	if (!registered) {
		atexit(kill_live_children);
		registered = true;
	}
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	int master = open_master(&ws);
	if (master < 0)
		return NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		close(master);
		return NULL;
	}
	if (pid == 0) {
		reset_signals();
		become_terminal_session(master);
		set_child_env(locale, term);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	track_child(pid);
	struct pty *t = calloc(1, sizeof *t);
	t->pid = pid;
	t->master = master;
	t->rows = rows;
	t->cols = cols;
	t->to_term = t->from_term = (iconv_t)-1;
	t->blocks_at_send = -1;
	const char *cs = locale_charset(locale);
	if (cs) {
		t->to_term = iconv_open(cs, "UTF-8");
		t->from_term = iconv_open("UTF-8", cs);
		t->probe = vterm_new(1, 4);
		vterm_set_utf8(t->probe, 1);
		vterm_screen_reset(vterm_obtain_screen(t->probe), 1);
		if (t->to_term == (iconv_t)-1 || t->from_term == (iconv_t)-1) {
			fprintf(stderr, "iconv: cannot convert between UTF-8 and %s\n", cs);
			pty_close(t);
			return NULL;
		}
	}
	fcntl(master, F_SETFD, FD_CLOEXEC);
	t->vt = vterm_new(rows, cols);
	vterm_set_utf8(t->vt, 1);
	t->screen = vterm_obtain_screen(t->vt);
	vterm_screen_reset(t->screen, 1);
	pty_settle(t);
	return t;
}

pid_t pty_pid(const struct pty *t)
{
	return t->pid;
}

int pty_close(struct pty *t)
{
	if (!t)
		return -1;
	int status = -1;
	if (!pty_exited(t, &status)) {
		kill(t->pid, SIGTERM);
		for (int i = 0; i < 100 && !pty_exited(t, &status); i++) {
			pty_pump(t, 10, 20);
			usleep(10000);
		}
		if (!pty_exited(t, &status)) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &status, 0);
			untrack_child(t->pid);
		}
	}
	close(t->master);
	if (t->to_term != (iconv_t)-1)
		iconv_close(t->to_term);
	if (t->from_term != (iconv_t)-1)
		iconv_close(t->from_term);
	if (t->vt)
		vterm_free(t->vt);
	if (t->probe)
		vterm_free(t->probe);
	free(t->watch);
	free(t->watch_tail);
	free(t);
	return status;
}

void pty_send_raw(struct pty *t, const char *bytes, size_t n)
{
	send_input(t, bytes, n);
}

void pty_type(struct pty *t, const char *utf8)
{
	size_t n = strlen(utf8);
	if (t->to_term == (iconv_t)-1) {
		send_input(t, utf8, n);
		return;
	}
	const char *in = utf8;
	size_t inlen = n, cap = n * 2 + 16;
	char *out = malloc(cap);
	iconv(t->to_term, NULL, NULL, NULL, NULL);
	size_t got = convert(t->to_term, &in, &inlen, out, cap, "?");
	send_input(t, out, got);
	free(out);
}

/* xterm's sequences, as TERM=xterm's terminfo names them in keypad mode. */
static const struct {
	const char *name;
	const char *seq;
} key_table[] = {
	{"F1", "\033OP"}, {"F2", "\033OQ"}, {"F3", "\033OR"}, {"F4", "\033OS"},
	{"F5", "\033[15~"}, {"F6", "\033[17~"}, {"F7", "\033[18~"}, {"F8", "\033[19~"},
	{"F9", "\033[20~"}, {"F10", "\033[21~"}, {"F11", "\033[23~"}, {"F12", "\033[24~"},
	{"Esc", "\033"}, {"Tab", "\t"}, {"BTab", "\033[Z"}, {"Enter", "\r"},
	{"Up", "\033OA"}, {"Down", "\033OB"}, {"Right", "\033OC"}, {"Left", "\033OD"},
	{"Home", "\033OH"}, {"End", "\033OF"}, {"PgUp", "\033[5~"}, {"PgDn", "\033[6~"},
	{"Ins", "\033[2~"}, {"Del", "\033[3~"}, {"Backspace", "\177"},
};

bool pty_key(struct pty *t, const char *name)
{
	for (size_t i = 0; i < sizeof key_table / sizeof key_table[0]; i++)
		if (strcmp(key_table[i].name, name) == 0) {
			send_input(t, key_table[i].seq, strlen(key_table[i].seq));
			return true;
		}
	fprintf(stderr, "pty_key: no key named %s\n", name);
	return false;
}

void pty_resize(struct pty *t, int rows, int cols)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	vterm_set_size(t->vt, rows, cols);
	t->rows = rows;
	t->cols = cols;
	struct winsize was;
	if (ioctl(t->master, TIOCGWINSZ, &was) == 0 && (was.ws_row != ws.ws_row || was.ws_col != ws.ws_col))
		t->blocks_at_send = child_blocks(t->pid);   /* SIGWINCH wakes it like a key */
	ioctl(t->master, TIOCSWINSZ, &ws);
	pty_settle(t);
}

/* Appends code point c as UTF-8. */
static size_t put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

unsigned pty_cell(const struct pty *t, int row, int col, int *width, bool *right_half)
{
	VTermScreenCell cell;
	VTermPos pos = {.row = row, .col = col};
	if (width)
		*width = 1;
	if (right_half)
		*right_half = false;
	if (row < 0 || row >= t->rows || col < 0 || col >= t->cols ||
	    !vterm_screen_get_cell(t->screen, pos, &cell))
		return 0;
	/* libvterm marks the right half of a wide character with (uint32_t)-1 */
	if (cell.chars[0] == (uint32_t)-1) {
		if (right_half)
			*right_half = true;
		return 0;
	}
	if (width)
		*width = cell.width;
	return standin_original(t, cell.chars[0]);
}

int pty_cell_attr(const struct pty *t, int row, int col)
{
	VTermScreenCell cell;
	VTermPos pos = {.row = row, .col = col};
	if (row < 0 || row >= t->rows || col < 0 || col >= t->cols ||
	    !vterm_screen_get_cell(t->screen, pos, &cell))
		return 0;
	/* the right half of a wide character has the attributes of its left half */
	if (cell.chars[0] == (uint32_t)-1 && col > 0)
		return pty_cell_attr(t, row, col - 1);
	/* an erased cell, never written: xterm erases with the background colour only,
	 * where libvterm 0.1.4 would keep the pen's underline and reverse */
	if (cell.chars[0] == 0)
		return 0;
	return (cell.attrs.bold ? PTY_ATTR_BOLD : 0) |
	       (cell.attrs.underline ? PTY_ATTR_UNDERLINE : 0) |
	       (cell.attrs.reverse ? PTY_ATTR_REVERSE : 0);
}

int pty_attr_run(const struct pty *t, int r, int from, int attr, int *start)
{
	int c = from;
	while (c < t->cols && (pty_cell_attr(t, r, c) & attr) != attr)
		c++;
	if (c >= t->cols)
		return 0;
	*start = c;
	while (c < t->cols && (pty_cell_attr(t, r, c) & attr) == attr)
		c++;
	return c - *start;
}

/* Row r as UTF-8; cols_of[i] (if given) is the column where byte i's character starts. */
static char *row_text(const struct pty *t, int r, int **cols_of)
{
	size_t cap = (size_t)t->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1, len = 0, keep = 0;
	char *s = malloc(cap);
	int *map = cols_of ? malloc(cap * sizeof *map) : NULL;
	for (int c = 0; c < t->cols; c++) {
		VTermScreenCell cell;
		VTermPos pos = {.row = r, .col = c};
		if (!vterm_screen_get_cell(t->screen, pos, &cell))
			break;
		if (cell.chars[0] == (uint32_t)-1)
			continue;                   /* right half of a wide character */
		size_t start = len;
		if (cell.chars[0] == 0)
			s[len++] = ' ';
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
			len += put_utf8(s + len, standin_original(t, cell.chars[i]));
		if (map)
			for (size_t i = start; i < len; i++)
				map[i] = c;
		if (cell.chars[0] != 0 && cell.chars[0] != ' ')
			keep = len;                 /* trailing blanks are dropped */
	}
	s[keep] = '\0';
	if (cols_of)
		*cols_of = map;
	return s;
}

char *pty_row(const struct pty *t, int r)
{
	return row_text(t, r, NULL);
}

char *pty_screen(const struct pty *t)
{
	size_t cap = 1, len = 0;
	char *all = malloc(cap);
	all[0] = '\0';
	for (int r = 0; r < t->rows; r++) {
		char *row = pty_row(t, r);
		size_t n = strlen(row);
		all = realloc(all, cap + n + 1);
		cap += n + 1;
		memcpy(all + len, row, n);
		len += n;
		all[len++] = '\n';
		all[len] = '\0';
		free(row);
	}
	return all;
}

int pty_find(const struct pty *t, const char *utf8, int *col)
{
	for (int r = 0; r < t->rows; r++) {
		int *map;
		char *row = row_text(t, r, &map);
		const char *hit = strstr(row, utf8);
		if (hit && col)
			*col = map[hit - row];
		free(row);
		free(map);
		if (hit)
			return r;
	}
	return -1;
}

bool pty_contains(const struct pty *t, const char *utf8)
{
	return pty_find(t, utf8, NULL) >= 0;
}

bool pty_wait_for(struct pty *t, const char *utf8, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		if (pty_contains(t, utf8))
			return true;
		long long left = deadline - now_ms();
		if (left <= 0 || pty_exited(t, NULL))
			break;
		pty_pump(t, 40, (int)left);
	}
	if (pty_contains(t, utf8))
		return true;
	char why[512];
	snprintf(why, sizeof why, "waited %d ms for \"%s\"", timeout_ms, utf8);
	pty_dump(t, stderr, why);
	return false;
}

void pty_cursor(const struct pty *t, int *row, int *col)
{
	VTermPos pos;
	vterm_state_get_cursorpos(vterm_obtain_state(t->vt), &pos);
	*row = pos.row;
	*col = pos.col;
}

void pty_size(const struct pty *t, int *rows, int *cols)
{
	*rows = t->rows;
	*cols = t->cols;
}

void pty_dump(const struct pty *t, FILE *f, const char *why)
{
	int cr, cc;
	pty_cursor(t, &cr, &cc);
	fprintf(f, "---- screen %dx%d, cursor %d,%d: %s\n", t->cols, t->rows, cr, cc,
		why ? why : "");
	fprintf(f, "   |");
	for (int c = 0; c < t->cols; c++)
		fputc(c % 10 == 0 ? '0' + (c / 10) % 10 : ' ', f);
	fprintf(f, "|\n");
	for (int r = 0; r < t->rows; r++) {
		char *row = pty_row(t, r);
		fprintf(f, "%2d |%s\n", r, row);
		free(row);
	}
	fprintf(f, "----\n");
}

bool pty_wait_exit(struct pty *t, int timeout_ms, int *status)
{
	long long deadline = now_ms() + timeout_ms;
	while (!pty_exited(t, status)) {
		if (now_ms() >= deadline)
			return false;
		pty_pump(t, 20, 50);
	}
	return true;
}

char *pty_run(const char *const argv[], const char *locale, int *status)
{
	int fds[2];
	if (pipe(fds) != 0)
		return NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		reset_signals();
		set_child_env(locale, "xterm");
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	ssize_t n;
	for (;;) {
		if (cap - len < 4096)
			out = realloc(out, cap *= 2);
		n = read(fds[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	int st = -1;
	waitpid(pid, &st, 0);
	if (status)
		*status = st;
	out[len] = '\0';
	const char *cs = locale_charset(locale);
	if (!cs)
		return out;
	iconv_t cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return out;
	const char *in = out;
	size_t inlen = len, ocap = len * 3 + 16;
	char *utf8 = malloc(ocap);
	size_t got = convert(cd, &in, &inlen, utf8, ocap, "\xEF\xBF\xBD");
	utf8[got] = '\0';
	iconv_close(cd);
	free(out);
	return utf8;
}

char *pty_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	size_t n = strlen(base && *base ? base : "/tmp") + 32;
	char *dir = malloc(n);
	snprintf(dir, n, "%s/shanzhi-pty-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		free(dir);
		return NULL;
	}
	return dir;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void pty_rmdir(const char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

bool pty_sign_in(struct pty *t, const char *login, const char *password)
{
	for (int i = 0; i < 50; i++) {
		pty_settle(t);
		if (pty_contains(t, "\xe4\xb8\xbb\xe8\x8f\x9c\xe5\x8d\x95") || pty_contains(t, "Main menu"))
			return true;  /* 主菜单 */
		/* a form an earlier run left unsaved (未保存的表单) is declined */
		if (pty_contains(t, "\xe6\x9c\xaa\xe4\xbf\x9d\xe5\xad\x98\xe7\x9a\x84\xe8\xa1\xa8\xe5\x8d\x95") ||
		    pty_contains(t, "Unsaved form")) {
			pty_type(t, "n");
			continue;
		}
		if (pty_contains(t, "\xe7\x99\xbb\xe5\xbd\x95") || pty_contains(t, "Sign in")) {
			pty_type(t, login);  /* 登录 */
			pty_key(t, "Tab");
			pty_type(t, password);
			pty_key(t, "Enter");
		}
	}
	return pty_contains(t, "\xe4\xb8\xbb\xe8\x8f\x9c\xe5\x8d\x95") || pty_contains(t, "Main menu");
}
