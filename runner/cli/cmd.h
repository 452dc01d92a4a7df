/*
 * The kmsconf subcommands. Each lives in its own cmd_<name>.c, parses its own
 * arguments (argv[0] is the subcommand's name) and returns the process exit
 * code (docs/exit-codes.md).
 */
#ifndef KC_CMD_H
#define KC_CMD_H

int kc_cmd_run(int argc, char **argv);
int kc_cmd_lint(int argc, char **argv);
int kc_cmd_list(int argc, char **argv);
int kc_cmd_coverage(int argc, char **argv);
int kc_cmd_sweep(int argc, char **argv);
int kc_cmd_diff(int argc, char **argv);
int kc_cmd_merge(int argc, char **argv);
int kc_cmd_matrix(int argc, char **argv);
int kc_cmd_expect(int argc, char **argv);

#endif
