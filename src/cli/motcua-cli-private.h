/* motcua-cli-private.h: what the `motcua` commands share.
 *
 * Each group of commands may live in its own file (motcua-cli-*.c); they all print
 * and fail the same way through these helpers, so the contract of motcua-cli.h holds
 * for every one of them.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "motcua-signer.h"
#include "motcua-store.h"

G_BEGIN_DECLS

#define EXIT_USAGE 2

typedef struct {
  char     *db_path;
  gboolean  json;
  char    **args;    /* the command and its own arguments */
  int       n_args;
} Cli;

typedef int (*CommandFunc) (Cli *cli, int argc, char **argv);

/* Pretty-printed JSON on stdout. */
void         motcua_cli_print_json        (JsonNode     *node);
/* {"name": text} or, when @text is NULL, {"name": number}. */
void         motcua_cli_print_json_member (const char   *name,
                                           const char   *text,
                                           gint64        number);
/* Prints @error (as JSON with --json) on stderr; returns EXIT_FAILURE. */
int          motcua_cli_report_error      (Cli          *cli,
                                           const GError *error);
/* Prints @message and a hint on stderr; returns EXIT_USAGE. */
int          motcua_cli_usage_error       (const char   *message);
/* Parses one command's options; on FALSE, *status is the exit status to return. */
gboolean     motcua_cli_parse_options     (const char   *command,
                                           const char   *parameters,
                                           const char   *summary,
                                           GOptionEntry *entries,
                                           int          *argc,
                                           char       ***argv,
                                           int          *status);
/* --db FILE, else the default profile. */
MotcuaStore *motcua_cli_open_store        (Cli          *cli,
                                           GError      **error);
/* "HH:MM dd/mm/yyyy" in local time, or "—". */
char        *motcua_cli_format_local      (const char   *iso);
/* Pads by characters, not bytes, so Vietnamese columns line up. */
void         motcua_cli_print_padded      (const char   *text,
                                           glong         width);

/* Commands that live in their own files. */
int          motcua_cli_command_stats     (Cli          *cli,
                                           int           argc,
                                           char        **argv);
/* motcua-cli-verify.c */
int          motcua_cli_command_verify    (Cli          *cli,
                                           int           argc,
                                           char        **argv);
int          motcua_cli_command_trust     (Cli          *cli,
                                           int           argc,
                                           char        **argv);
int          motcua_cli_command_token     (Cli          *cli,
                                           int           argc,
                                           char        **argv);
/* --signer URI|FILE with --pin-file F (else $MOTCUA_PIN) and --pkcs11-module F (else
 * $MOTCUA_PKCS11_MODULE, else p11-kit's modules). */
MotcuaSigner *motcua_cli_open_signer      (const char   *signer,
                                           const char   *pin_file,
                                           const char   *module,
                                           GError      **error);
/* Where the device token is (motcua-cli-secret.c): "token" and "token_notice" members
 * of @object with --json, else a line on stdout. */
void         motcua_cli_describe_token    (Cli          *cli,
                                           MotcuaStore  *store,
                                           JsonObject   *object);
/* motcua-cli-slip.c */
int          motcua_cli_command_slip          (Cli *cli, int argc, char **argv);
int          motcua_cli_command_register_book (Cli *cli, int argc, char **argv);
/* Command groups in their own files. */
int          motcua_cli_command_user      (Cli          *cli,
                                           int           argc,
                                           char        **argv);
int          motcua_cli_command_delegate  (Cli          *cli,
                                           int           argc,
                                           char        **argv);

G_END_DECLS
