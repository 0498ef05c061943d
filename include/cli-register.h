/* cli-register: the register's own commands (rows of cli_commands[] in cli.c). */
#ifndef SZ_CLI_REGISTER_H
#define SZ_CLI_REGISTER_H

struct cli_opts;

/* `demo [--residents N] [--seed N] [--force]`: a demo village register. */
int cli_register_demo(const struct cli_opts *o, int argc, char **argv);
/* `search QUERY [--limit N]`: residents found, one line each, numbers masked. */
int cli_register_search(const struct cli_opts *o, int argc, char **argv);
/* `check [--anchor ENTRY:HASH | FILE]`: integrity, the register's rules, forms and rubrics. */
int cli_register_check(const struct cli_opts *o, int argc, char **argv);

#endif
