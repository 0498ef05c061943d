/* tui: the full-screen interface (ncursesw). */
#ifndef SZ_TUI_H
#define SZ_TUI_H

struct app;

/* Runs the screens until the clerk leaves; returns the process exit status. */
int tui_run(struct app *app);

#endif
