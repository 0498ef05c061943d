/* cli-exchange: rosters in and out (rows of cli_commands[] in cli.c). */
#ifndef SZ_CLI_EXCHANGE_H
#define SZ_CLI_EXCHANGE_H

struct cli_opts;

/* `shanzhi import residents FILE [--encoding E] [--dry-run] [--map COL=FIELD,...]
 * [--rejects FILE] [--new-groups]`: exit 0 all imported, 3 some rows refused, 1 failed, 2 usage. */
int cli_exchange_import(const struct cli_opts *o, int argc, char **argv);
/* `shanzhi export residents FILE [--template NAME] [--encoding E] [--unmasked --reason TEXT]
 * [--replace CHAR]`: exit 0 written, 1 failed, 2 usage. */
int cli_exchange_export(const struct cli_opts *o, int argc, char **argv);

#endif
