/* tui-steps: the pty tests' shared steps (see tui-steps.h). */
#include "tui-steps.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Dumps the screen when TUI_TRACE asks for every step. */
void step_trace(const struct pty *t, const char *step)
{
	if (getenv("TUI_TRACE"))
		pty_dump(t, stderr, step);
}

/* One key press, as a clerk makes it, then the screen it leads to. */
void step_key(struct pty *t, const char *name)
{
	pty_key(t, name);
	pty_settle(t);
	step_trace(t, name);
}

struct pty *step_start_admin(const char *shanzhi, const char *db, const char *locale, int rows, int cols)
{
	const char *argv[] = {shanzhi, "--db", db, NULL};
	struct pty *t = pty_spawn(argv, locale, rows, cols);
	if (!t) {
		fprintf(stderr, "%s could not be started in a pseudo-terminal\n", shanzhi);
		return NULL;
	}
	if (!pty_sign_in(t, "admin", "demo"))
		pty_dump(t, stderr, "admin could not sign in");
	return t;
}

/* Typed text, then the screen it leads to. */
void step_type(struct pty *t, const char *utf8)
{
	pty_type(t, utf8);
	pty_settle(t);
	step_trace(t, utf8);
}

/* Backs out to the main menu and confirms leaving; see tui-steps.h. */
bool step_quit(struct pty *t, int max_back, int wait_ms)
{
	for (int i = 0; i < max_back && !pty_exited(t, NULL); i++) {
		if (pty_contains(t, "离开善治") || pty_contains(t, "Leave shanzhi")) {
			step_type(t, "y");
			break;
		}
		if (pty_contains(t, "y = ")) {
			step_type(t, "y");          /* "leave and lose the changes?" */
			continue;
		}
		step_key(t, "F10");
	}
	int status = -1;
	bool exited = pty_wait_exit(t, wait_ms, &status);
	if (!exited)
		pty_dump(t, stderr, "the program did not exit");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		pty_dump(t, stderr, "the program failed (a sanitizer's report shows here)");
	pty_close(t);
	return exited && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The screen row of the form field labelled label, the value typed after it in
 * *value (caller frees), or -1. */
int step_field_row(const struct pty *t, const char *label, char **value)
{
	int col;
	int r = pty_find(t, label, &col);
	if (r >= 0 && value) {
		char *row = pty_row(t, r);
		const char *at = strstr(row, label) + strlen(label);
		*value = strdup(at);
		free(row);
	}
	return r;
}

/* Looks again every 20 ms of quiet, or 100 ms, up to 50 times. */
bool step_wait_gone(struct pty *t, const char *utf8)
{
	for (int i = 0; i < 50 && pty_contains(t, utf8); i++)
		pty_pump(t, 20, 100);
	return !pty_contains(t, utf8);
}

/* Pumps until the cursor has left (row, col), so a slow program (a sanitizer build,
 * a loaded machine) has answered the last key before the next one is judged. */
void step_wait_cursor_moves(struct pty *t, int row, int col)
{
	for (int i = 0; i < 50; i++) {
		int r, c;
		pty_cursor(t, &r, &c);
		if (r != row || c != col)
			return;
		pty_pump(t, 20, 100);
	}
}

/* Tab (Shift-Tab when the field is above) until the cursor is on the row of the
 * field labelled label; false if never. */
bool step_goto_field(struct pty *t, const char *label)
{
	for (int i = 0; i < 24; i++) {
		int r = step_field_row(t, label, NULL), cr, cc;
		pty_cursor(t, &cr, &cc);
		if (r >= 0 && r == cr)
			return true;
		step_key(t, r >= 0 && r < cr ? "BTab" : "Tab");
		step_wait_cursor_moves(t, cr, cc);
	}
	pty_dump(t, stderr, label);
	return false;
}

/* A demo village of residents residents made in dir by `shanzhi demo`: the path of
 * its register (caller frees), or NULL (said on stderr) when the demo failed. */
static char *step_demo_village(const char *shanzhi, const char *locale, const char *dir, int residents)
{
	size_t n = strlen(dir) + 16;
	char *db = malloc(n), count[16];
	snprintf(db, n, "%s/village.db", dir);
	snprintf(count, sizeof count, "%d", residents);
	const char *demo[] = {shanzhi, "--db", db, "demo", "--residents", count, NULL};
	int status = -1;
	free(pty_run(demo, locale, &status));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return db;
	fprintf(stderr, "the demo village could not be made in %s\n", dir);
	free(db);
	return NULL;
}

/* What every pty test's main() did before its tests; see tui-steps.h. */
bool step_village_begin(int argc, char **argv, int residents, const char **shanzhi, const char **locale,
			char **dir, char **db)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SHANZHI LOCALE\n", argv[0]);
		return false;
	}
	*shanzhi = argv[1];
	*locale = argv[2];
	*dir = pty_tempdir();
	*db = step_demo_village(*shanzhi, *locale, *dir, residents);
	if (!*db) {
		step_village_end(*dir, NULL);
		*dir = NULL;
	}
	return true;
}

/* And what it did after them. */
void step_village_end(char *dir, char *db)
{
	if (dir)
		pty_rmdir(dir);
	free(dir);
	free(db);
}

bool step_menu_open(struct pty *t, const char *label)
{
	if (!pty_wait_for(t, label, 5000))
		return false;
	int col, r = pty_find(t, label, &col);
	char *row = pty_row(t, r);
	char *at = row ? strstr(row, label) : NULL;
	char *k = at;
	while (k && k > row && k[-1] == ' ')
		k--;
	bool ok = k && k < at && k > row && isalnum((unsigned char)k[-1]) && (k - 1 == row || k[-2] == ' ');
	if (ok) {
		char key[2] = { k[-1], 0 };
		step_type(t, key);
	} else {
		pty_dump(t, stderr, label);
	}
	free(row);
	return ok;
}

bool step_row_with(const struct pty *t, const char *a, const char *b)
{
	int rows, cols;
	pty_size(t, &rows, &cols);
	for (int r = 0; r < rows; r++) {
		char *row = pty_row(t, r);
		bool both = row && strstr(row, a) && strstr(row, b);
		free(row);
		if (both)
			return true;
	}
	return false;
}
