/* ui-test-util.h: what the window tests do the way a person would: let the main loop
 * run, and find widgets by the id they have in their .ui template or by widget name. */
#pragma once

#include <gtk/gtk.h>

#include "motcua-store.h"

G_BEGIN_DECLS

/* Runs the main loop for at least one iteration and @ms milliseconds. */
void       ui_test_iterate      (guint       ms);
/* Iterates until @ready (@data) holds or @timeout_ms pass; returns @ready's last answer. */
gboolean   ui_test_wait_until   (gboolean  (*ready) (gpointer data),
                                 gpointer    data,
                                 guint       timeout_ms);
/* Template children keep their ids from the .ui file. */
GtkWidget *ui_test_find_by_id   (GtkWidget  *root,
                                 const char *id);
/* The same, failing the test when there is none. */
GtkWidget *ui_test_require_by_id (GtkWidget  *root,
                                  const char *id);
/* Rows made at run time are found by widget name ("document-0"). */
GtkWidget *ui_test_find_by_name (GtkWidget  *root,
                                 const char *name);
/* The visible toplevel window of @type (the first, if several), or NULL. */
GtkWindow *ui_test_find_toplevel (GType type);
/* The AdwMessageDialog on screen (the first, if several), or NULL. */
GtkWindow *ui_test_find_message_dialog (void);
/* Gives the message dialog on screen @response, as its button would, and closes it. */
void       ui_test_answer_message_dialog (const char *response);

/* GTK and libadwaita set up for a test in Vietnamese, as a clerk sees the window (the
 * expected words go through the same catalog), with the clock pinned to Monday
 * 23 November 2026 09:00 in Vietnam and the window's resources registered. */
void       ui_test_init_vietnamese (int        *argc,
                                    char     ***argv);
/* A demo office made by the command line (init --demo, demo-data --dossiers
 * @dossiers) in a new temporary directory named after @dir_template: the directory in
 * @dir, the database in @db, and the store open on it. */
MotcuaStore *ui_test_demo_office (const char  *dir_template,
                                  const char  *dossiers,
                                  char       **dir,
                                  char       **db);
/* Writes a @pages-page A4 PDF, "Trang N - Tờ khai" on page N, as a scan would be. */
void       ui_test_write_pdf    (const char *path,
                                 int         pages);

/* A registered application @app_id and a presented 1366×768 window on @store. */
GtkWidget *ui_test_open_window  (MotcuaStore     *store,
                                 const char      *app_id,
                                 GtkApplication **app);

G_END_DECLS
