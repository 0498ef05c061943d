/* cli-ledger: the declared registers' commands (ledger.h): `ledger`, `ledger NAME
 * list|add|show|step|print`, their reports under `report`, and `check-forms`. */
#ifndef SZ_CLI_LEDGER_H
#define SZ_CLI_LEDGER_H

#include <stdbool.h>
#include <stdio.h>

struct cli_opts;

/* `shanzhi ledger [NAME ACTION ...]`: argv[0] is "ledger". */
int cli_ledger(const struct cli_opts *o, int argc, char **argv);
/* Prints a usage line for each report of each declared register (under `report`). */
void cli_ledger_report_list(FILE *out);
/* Whether name is a report of a declared register. */
bool cli_ledger_has_report(const char *name);
/* `shanzhi report NAME [--month YYYY-MM | --year YYYY] [--csv]`: argv[0] is NAME. */
int cli_ledger_report(const struct cli_opts *o, int argc, char **argv);
/* `shanzhi check-forms [DIR]`: forms, code lists and every declaration. */
int cli_check_forms(const struct cli_opts *o, int argc, char **argv);

#endif
