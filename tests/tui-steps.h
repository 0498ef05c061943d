/* tui-steps: the steps the pseudo-terminal tests of the screens share: a key or some
 * text sent with the screen let settle, each step dumped to stderr when TUI_TRACE is
 * set, and leaving the program cleanly. Linked into the pty library (tests/pty.h). */
#ifndef SZ_TUI_STEPS_H
#define SZ_TUI_STEPS_H

#include <stdbool.h>

#include "pty.h"

/* With TUI_TRACE set, the screen after the step goes to stderr, named by step. */
void step_trace(const struct pty *t, const char *step);
/* Sends a named key (pty_key's names) and lets the screen settle. */
void step_key(struct pty *t, const char *name);
/* Types text and lets the screen settle. */
void step_type(struct pty *t, const char *utf8);
/* The program on register db in a rows x cols terminal of locale, signed in as the
 * demo's administrator (admin / demo) at the main menu; NULL when it did not start,
 * with the screen dumped to stderr when it did not sign in. */
struct pty *step_start_admin(const char *shanzhi, const char *db, const char *locale, int rows, int cols);
/* Leaves the program from wherever it is: F10 (at most max_back times) until the main
 * menu asks about leaving, then yes, answering yes to "leave and lose the changes?"
 * on the way; waits up to wait_ms for the exit and closes the terminal. True when the
 * program exited with status 0; otherwise the screen is dumped to stderr. */
bool step_quit(struct pty *t, int max_back, int wait_ms);

/* The screen row of the form field labelled label, the text after the label on that
 * row in *value (caller frees; value may be NULL), or -1. */
int step_field_row(const struct pty *t, const char *label, char **value);
/* Pumps until text is no longer on the screen (up to 5 s: after Esc the program waits
 * a moment for a digit); false if it stays. */
bool step_wait_gone(struct pty *t, const char *utf8);
/* Pumps until the cursor has left (row, col): the program answered the last key. */
void step_wait_cursor_moves(struct pty *t, int row, int col);
/* Tab (Shift-Tab when it is above) until the cursor is on the row of the field
 * labelled label; false if never (the screen is dumped to stderr). */
bool step_goto_field(struct pty *t, const char *label);

/* Types the key shown just before label on its row ("K  label" or "K label": menus,
 * choices);
 * false (the screen dumped to stderr) when it is not on the screen within 5 s. */
bool step_menu_open(struct pty *t, const char *label);
/* Whether some screen row holds both a and b. */
bool step_row_with(const struct pty *t, const char *a, const char *b);

/* The start of the main() of a pty test on a demo village, its command line TEST
 * SHANZHI LOCALE: false (the usage said on stderr) when it is not that; otherwise the
 * program and the locale, a fresh temporary folder in *dir and the demo register of
 * residents residents in it in *db, or *db NULL (said on stderr, the folder removed
 * and *dir NULL) when the demo failed. */
bool step_village_begin(int argc, char **argv, int residents, const char **shanzhi, const char **locale,
			char **dir, char **db);
/* The end of that main(): removes the folder, frees dir and db. */
void step_village_end(char *dir, char *db);

#endif
