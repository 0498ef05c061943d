/* cli-transfer: a resident's move between villages as commands: `resident move-out`,
 * `resident move-in`, `resident transfers`, `resident transfer-history`, and the
 * township's `sync transfers` and `sync down-export`; everything they do is
 * transfer.c's and sync-down.c's. */
#ifndef SZ_CLI_TRANSFER_H
#define SZ_CLI_TRANSFER_H

struct cli_opts;
struct store;

/* `resident move-out ID --to CODE [DATE] [--reason TEXT] [--household]` */
int cli_transfer_move_out(const struct cli_opts *o, int argc, char **argv);
/* `resident move-in ID --household HHNO | --new-household HHNO [--address TEXT] [--relation CODE] [DATE]` */
int cli_transfer_move_in(const struct cli_opts *o, int argc, char **argv);
/* `resident transfers [--all]`: the moves this register knows, waiting ones first */
int cli_transfer_list(const struct cli_opts *o, int argc, char **argv);
/* `resident transfer-history ID`: what a move brought along (ID: the resident's) */
int cli_transfer_history(const struct cli_opts *o, int argc, char **argv);
/* `sync down-export --village CODE FILE [--seq N]` on an open store: 0, 1 or 2. */
int cli_transfer_down_export(struct store *st, int argc, char **argv, char **err);

#endif
