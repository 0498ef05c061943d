/* cli-operators: the operators' commands (rows of cli_commands[] in cli.c). */
#ifndef SZ_CLI_OPERATORS_H
#define SZ_CLI_OPERATORS_H

struct cli_opts;

/* `user add|passwd|disable|enable|role|list ...` */
int cli_operators_user(const struct cli_opts *o, int argc, char **argv);
/* `backup FILE | backup --daily` */
int cli_operators_backup(const struct cli_opts *o, int argc, char **argv);
/* `restore FILE`: administrators, or anyone when the register cannot be opened. */
int cli_operators_restore(const struct cli_opts *o, int argc, char **argv);

#endif
