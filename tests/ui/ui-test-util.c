/* ui-test-util.c: shared helpers of the window tests. */

#include <adwaita.h>

#include "ui-test-util.h"

void
ui_test_iterate (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  do
    g_main_context_iteration (NULL, FALSE);
  while (g_get_monotonic_time () < until);
}

gboolean
ui_test_wait_until (gboolean (*ready) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!ready (data) && g_get_monotonic_time () < until)
    ui_test_iterate (10);
  return ready (data);
}

static GtkWidget *
find (GtkWidget *root, gboolean (*matches) (GtkWidget *, const char *), const char *key)
{
  if (matches (root, key))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, matches, key);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_id (GtkWidget *widget, const char *id)
{
  return GTK_IS_BUILDABLE (widget) && g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

static gboolean
has_name (GtkWidget *widget, const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
ui_test_find_by_id (GtkWidget *root, const char *id)
{
  return find (root, has_id, id);
}

GtkWidget *
ui_test_find_by_name (GtkWidget *root, const char *name)
{
  return find (root, has_name, name);
}

GtkWindow *
ui_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

void
ui_test_answer_message_dialog (const char *response)
{
  GtkWindow *dialog = ui_test_find_message_dialog ();

  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  ui_test_iterate (50);
}
