/* cli-sync: `shanzhi sync ...`, the village ↔ township packages (sync.h). */
#ifndef SZ_CLI_SYNC_H
#define SZ_CLI_SYNC_H

struct cli_opts;

int cli_sync(const struct cli_opts *o, int argc, char **argv);

#endif
