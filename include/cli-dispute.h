/* cli-dispute: the mediation cases' commands (rows of cli.c's print and report kinds). */
#ifndef SZ_CLI_DISPUTE_H
#define SZ_CLI_DISPUTE_H

struct cli_opts;

/* `print agreement CASE [--encoding E] [--output FILE]`: the 人民调解协议书. */
int cli_dispute_agreement(const struct cli_opts *o, int argc, char **argv);
/* `print record CASE [--encoding E] [--output FILE]`: the 调解笔录 of every session. */
int cli_dispute_record(const struct cli_opts *o, int argc, char **argv);
/* `report disputes [--year YYYY]`: the statistics table. */
int cli_dispute_report(const struct cli_opts *o, int argc, char **argv);

#endif
