/* tui-db: what the pseudo-terminal tests of several registers (sync, transfers) do
 * beside the screen: read one value of a register, run a shanzhi command line. */
#ifndef SZ_TUI_DB_H
#define SZ_TUI_DB_H

#include <stdbool.h>

/* The first column of the first row sql gives on register db (read only), or "(none)".
 * Caller frees. */
char *db_value(const char *db, const char *sql);
/* Runs shanzhi with words (the command line after the binary, quoted as the shell
 * wants), its output discarded; true when it succeeded. */
bool run_shanzhi(const char *shanzhi, const char *words);

#endif
