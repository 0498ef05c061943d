/* cli: the command line: options, subcommands, and the TUI when none is given. */
#ifndef SZ_CLI_H
#define SZ_CLI_H

int cli_main(int argc, char **argv);

#endif
