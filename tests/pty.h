/* pty: drives a real program in a pseudo-terminal and reads its screen back through
 * libvterm, as a clerk would see it.
 *
 * The child runs with a fixed size, TERM=xterm (unless told otherwise), a fixed locale (LANG/LC_ALL) and
 * SHANZHI_TODAY=2026-11-26. Everything the tests pass and read is UTF-8: for a GBK
 * locale the keys are converted to GBK on the way in and the output back to UTF-8
 * (keeping an incomplete character for the next read) before libvterm sees it.
 * Output is pumped until the program waits for the next key again (seen in /proc:
 * it blocked after the last input, reads the terminal, and all its output is read),
 * or, where that cannot be seen, until it has been quiet for a moment, so a check
 * reads a settled screen. The terminal's answers to queries (cursor position, device attributes) are
 * written back to the program. Children still running at exit are killed and reaped. */
#ifndef SZ_TEST_PTY_H
#define SZ_TEST_PTY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define PTY_TODAY "2026-11-26"

struct pty;

/* Starts argv[0] (a path) in a rows x cols terminal under locale (e.g.
 * "zh_CN.UTF-8", "zh_CN.GBK"), then pumps its first screen. NULL on failure. */
struct pty *pty_spawn(const char *const argv[], const char *locale, int rows, int cols);
/* The same with TERM=term instead of xterm (NULL: TERM unset), as a clerk's PuTTY or
 * an odd terminal sets it; the keys sent (pty_key) stay xterm's. */
struct pty *pty_spawn_term(const char *const argv[], const char *locale, int rows, int cols,
			   const char *term);
/* Sets (value NULL: removes) a variable in the environment of every child started
 * from now on, pty_spawn's and pty_run's, e.g. a PATH without lpr. */
void pty_setenv(const char *name, const char *value);
/* Ends the child (SIGTERM, then SIGKILL), reaps it, frees everything; returns the
 * child's wait status, or -1. Accepts NULL. */
int pty_close(struct pty *t);

/* The child's process id (to signal it as a dropped link or a crash would). */
pid_t pty_pid(const struct pty *t);

/* Types UTF-8 text (converted to the terminal's encoding). */
void pty_type(struct pty *t, const char *utf8);
/* Sends a named key: F1..F12, Esc, Tab, BTab (Shift-Tab), Enter, Up, Down, Left,
 * Right, Home, End, PgUp, PgDn, Ins, Del, Backspace. Returns false for an unknown name. */
bool pty_key(struct pty *t, const char *name);
/* Sends bytes exactly as given (e.g. PuTTY's ESC[11~). */
void pty_send_raw(struct pty *t, const char *bytes, size_t n);
/* Changes the terminal size (TIOCSWINSZ, which signals SIGWINCH) and pumps. */
void pty_resize(struct pty *t, int rows, int cols);

/* Reads output until it has been quiet for quiet_ms or timeout_ms has passed;
 * returns the number of bytes read. */
size_t pty_pump(struct pty *t, int quiet_ms, int timeout_ms);
/* Pumps until the program has answered the input sent since the last settle and
 * waits for a key (usually a few milliseconds), else until 120 ms of quiet (after a
 * lone Esc, or while it waits for something else); 3 s at most. */
void pty_settle(struct pty *t);
/* Pumps until text shows anywhere on the screen; false (and a screen dump on
 * stderr naming what was awaited) when timeout_ms passes first. */
bool pty_wait_for(struct pty *t, const char *utf8, int timeout_ms);

/* Watches the output from now on for text (UTF-8, at least one byte) that a screen
 * may show only for a moment before drawing over it; pty_watched tells whether it
 * went by. */
void pty_watch(struct pty *t, const char *utf8);
bool pty_watched(const struct pty *t);

/* The text of row r (0-based) as UTF-8, trailing spaces removed; a wide character
 * appears once. Caller frees. */
char *pty_row(const struct pty *t, int r);
/* The whole screen, rows joined with newlines. Caller frees. */
char *pty_screen(const struct pty *t);
/* true if text appears within one row of the screen. */
bool pty_contains(const struct pty *t, const char *utf8);
/* Row of the first line containing text, or -1. */
int pty_find(const struct pty *t, const char *utf8, int *col);
/* The code point shown at a cell (0 for the right half of a wide character,
 * which sets *right_half), and the cell's width (1 or 2). */
unsigned pty_cell(const struct pty *t, int row, int col, int *width, bool *right_half);
/* Attributes of a cell, as PTY_ATTR_* bits. */
#define PTY_ATTR_BOLD 1
#define PTY_ATTR_UNDERLINE 2
#define PTY_ATTR_REVERSE 4
int pty_cell_attr(const struct pty *t, int row, int col);
/* The first run of cells at or after column from on row r with all the attribute
 * bits attr (e.g. an underlined input box): its first column in *start and its width,
 * or 0 when there is none. */
int pty_attr_run(const struct pty *t, int r, int from, int attr, int *start);
void pty_cursor(const struct pty *t, int *row, int *col);
void pty_size(const struct pty *t, int *rows, int *cols);
/* Writes the screen, framed, with the cursor position, to f. */
void pty_dump(const struct pty *t, FILE *f, const char *why);

/* true (with the wait status) once the child has exited. */
bool pty_exited(struct pty *t, int *status);
/* Pumps until the child exits or timeout_ms passes; true if it exited. */
bool pty_wait_exit(struct pty *t, int timeout_ms, int *status);

/* Runs argv without a terminal in the same environment (locale, today) and returns
 * its standard output converted to UTF-8 (caller frees); *status gets the wait status. */
char *pty_run(const char *const argv[], const char *locale, int *status);

/* A fresh temporary folder (caller frees, and removes with pty_rmdir). */
char *pty_tempdir(void);
void pty_rmdir(const char *dir);

/* Signs in as login/password when the program shows its sign-in screen (its title
 * says 登录 or "Sign in"); true once the main menu (主菜单 / "Main menu") shows. */
bool pty_sign_in(struct pty *t, const char *login, const char *password);

#endif
