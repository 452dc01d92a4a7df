/*
 * The kmsconf subcommands. Each lives in its own cmd_<name>.c, parses its own
 * arguments (argv[0] is the subcommand's name) and returns the process exit
 * code (docs/exit-codes.md).
 */
#ifndef KC_CMD_H
#define KC_CMD_H

#include "kc/err.h"
#include "kc/exit.h"

/* An error line of the report and profile readers, with room for a file
 * path and a JSON path (the commands print it as one line). */
#define KC_CMD_ERR_MAX (2 * KC_ERR_MAX)

enum kc_exit kc_cmd_run(int argc, char **argv);
enum kc_exit kc_cmd_lint(int argc, char **argv);
enum kc_exit kc_cmd_list(int argc, char **argv);
enum kc_exit kc_cmd_coverage(int argc, char **argv);
enum kc_exit kc_cmd_sweep(int argc, char **argv);
enum kc_exit kc_cmd_diff(int argc, char **argv);
enum kc_exit kc_cmd_merge(int argc, char **argv);
enum kc_exit kc_cmd_matrix(int argc, char **argv);
enum kc_exit kc_cmd_report(int argc, char **argv);
enum kc_exit kc_cmd_expect(int argc, char **argv);
enum kc_exit kc_cmd_doctor(int argc, char **argv);
enum kc_exit kc_cmd_verify(int argc, char **argv);
enum kc_exit kc_cmd_site(int argc, char **argv);

#endif
