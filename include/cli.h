/* cli: the command line: options, subcommands, and the TUI when none is given.
 * A subcommand is one row of cli_commands[] in cli.c; its code lives in a cli-*.c
 * file (cli-register.c, cli-exchange.c ...), with this signature. argv[0] is the subcommand's name. Exit status:
 * 0 done, 1 failed (message printed), 2 wrong usage, 3 input refused (an import's rows, a
 * change the form refused: the reason printed). Output goes through console.h. */
#ifndef SZ_CLI_H
#define SZ_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct store;
struct form_registry;

struct cli_opts {
	const char *db;
	const char *lang;
	const char *operator_login;
	bool password_stdin;  /* --operator's password is the first line of standard input */
	const char *command;  /* "search", "report services": its row of the read rule (access.c) */
};

struct cli_command {
	const char *name;
	const char *usage;   /* "search QUERY [--limit N]" */
	const char *help;    /* English message id */
	int (*run)(const struct cli_opts *o, int argc, char **argv);
};

int cli_main(int argc, char **argv);
/* Opens the database named by the options, sets the operator (auth_cli_operator)
 * and checks the command against the read rule; prints why and returns NULL on
 * failure. *path_out (caller frees) is the database path, when path_out is not NULL. */
struct store *cli_open_store(const struct cli_opts *o, char **path_out);
/* The shipped and local form definitions; NULL after printing their errors, since
 * a half-loaded definition must not be used. Free with form_registry_free. */
struct form_registry *cli_load_forms(void);
/* A non-negative decimal count, or -1 after printing what is wrong. */
long cli_parse_count(const char *s, const char *what);

/* One option of a subcommand: "--year" taking the next word into *value, or a flag
 * (value NULL) setting *flag. A table of them ends with a row whose name is NULL. */
struct cli_option {
	const char *name;
	const char **value;
	bool *flag;
};
/* The one option parser of the subcommands: reads argv[first..argc) into the options
 * of opts and the other words (not starting with "--") into words[0..nwords), in
 * order. 0, or 2 after printing "shanzhi: WHAT: ..." (what is "export", "print
 * record" ...). */
int cli_parse_options(const char *what, int argc, char **argv, int first,
		      const struct cli_option *opts, const char **words, size_t nwords);

/* `report ... --by village [--village CODE] [--csv]`: the per-village table of a
 * kind (township.h) for a period, with its total. by is the --by word (only "village"
 * is known). 0, 1 after printing why, 2 for a bad --by. */
int cli_township_report(const struct cli_opts *o, int kind, const char *period, const char *by,
			const char *village, bool csv);

#endif
