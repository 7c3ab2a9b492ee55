/* motcua-cli.h: the `motcua` command line.
 *
 * The contract that tests and administrators use: every command prints text for
 * people or, with --json, JSON for programs; exit status 0 on success, 1 when the
 * command was refused or failed (with a clear message on stderr), 2 for bad usage.
 */
#pragma once

int motcua_cli_run (int argc, char **argv);
