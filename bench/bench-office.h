/* bench-office.h: the demo office the window benchmarks measure.
 *
 * Made with the command line ($MOTCUA_CLI init --demo, demo-data) on a pinned clock, so
 * every run sees the same office; a database that already holds the wanted number of
 * dossiers (MOTCUA_BENCH_DB keeps one between runs) is reused.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* This process's environment with MOTCUA_NOW pinned to @now and no MOTCUA_DB. */
char **bench_office_environment     (const char *now);
/* Runs `$MOTCUA_CLI --db @db ARGS…`; a failure ends the benchmark. */
void   bench_office_run_cli         (const char *now,
                                     const char *db,
                                     const char *first,
                                     ...) G_GNUC_NULL_TERMINATED;
void   bench_office_make            (const char *now,
                                     const char *db,
                                     guint       n_dossiers);
/* What every window benchmark does first: checks $MOTCUA_CLI is set, pins the clock
 * to @now, and makes the office ($MOTCUA_BENCH_DB, else "office.db" in a new folder
 * named after @name, returned in @dir for bench_office_remove_tree()). NULL, with the
 * reason printed, when $MOTCUA_CLI is missing. */
char  *bench_office_prepare         (const char *now,
                                     const char *name,
                                     guint       n_dossiers,
                                     char      **dir);
/* The database file and its -wal, -shm and -journal companions. */
void   bench_office_remove_database (const char *db);
void   bench_office_remove_tree     (const char *path);

G_END_DECLS
