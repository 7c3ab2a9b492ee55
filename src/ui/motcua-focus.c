/* motcua-focus.c: Tab that always moves, long lists as one stop, and the names of what
 * takes the focus (see motcua-focus.h for the GTK 4.8 behaviour each one puts right). */

#include "motcua-focus.h"

static GtkWidget *
sibling_in (GtkWidget *widget, gboolean forward)
{
  return forward ? gtk_widget_get_next_sibling (widget) : gtk_widget_get_prev_sibling (widget);
}

static gboolean
focus_is_within (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* gtk_widget_child_focus(), checked: GTK 4.8 sometimes answers TRUE without moving the
 * focus (a GtkScrolledWindow whose content refused it "grabs" it for itself, which a
 * GtkPaned's or a viewport's child may not allow), and Tab from a key handler then went
 * nowhere. Then the children are tried one by one, in Tab order. */
static gboolean
focus_into (GtkWidget *widget, GtkDirectionType direction)
{
  gboolean forward = direction == GTK_DIR_TAB_FORWARD;

  /* Pages a stack does not show and closed popovers are not mapped. */
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget) || !gtk_widget_get_can_focus (widget))
    return FALSE;
  if (gtk_widget_child_focus (widget, direction) && focus_is_within (widget))
    return TRUE;
  for (GtkWidget *child = forward ? gtk_widget_get_first_child (widget) : gtk_widget_get_last_child (widget);
       child != NULL; child = sibling_in (child, forward))
    if (focus_into (child, direction))
      return TRUE;
  return FALSE;
}

gboolean
motcua_focus_first_in (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (focus_into (child, GTK_DIR_TAB_FORWARD))
      return TRUE;
  return FALSE;
}

/* Moves the focus to the first widget that takes it after @widget (GTK_DIR_TAB_FORWARD)
 * or before it (GTK_DIR_TAB_BACKWARD) in Tab order, skipping @widget's own children,
 * and around to the other end of the window as Tab does. */
static gboolean
focus_leave (GtkWidget *widget, GtkDirectionType direction)
{
  gboolean forward = direction == GTK_DIR_TAB_FORWARD;
  GtkRoot *root = gtk_widget_get_root (widget);

  g_return_val_if_fail (direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD, FALSE);

  /* GTK orders Tab by the children's order. */
  for (GtkWidget *w = widget; w != NULL && w != GTK_WIDGET (root); w = gtk_widget_get_parent (w))
    for (GtkWidget *s = sibling_in (w, forward); s != NULL; s = sibling_in (s, forward))
      if (focus_into (s, direction))
        return TRUE;

  /* Past the end: around to the other end of the window, as Tab does. */
  if (root == NULL)
    return FALSE;
  gtk_root_set_focus (root, NULL);
  return gtk_widget_child_focus (GTK_WIDGET (root), direction);
}

#define TAB_LEAVES "motcua-focus-tab-leaves"

/* The outermost marked list around @focus, or NULL. */
static GtkWidget *
one_stop_around (GtkWidget *focus)
{
  GtkWidget *unit = NULL;

  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    if (g_object_get_data (G_OBJECT (w), TAB_LEAVES) != NULL)
      unit = w;
  return unit;
}

static gboolean
move_focus (GtkWindow *window, GtkDirectionType direction)
{
  GtkWidget *before = gtk_window_get_focus (window);
  GtkWidget *unit = before ? one_stop_around (before) : NULL;
  GtkWidget *after;

  if (unit != NULL)
    return focus_leave (unit, direction);

  /* GTK's own step first: it knows each widget's inner order (a flow box's selected
   * child, a list's focused row). */
  if (!gtk_widget_child_focus (GTK_WIDGET (window), direction))
    {
      gtk_window_set_focus (window, NULL);
      gtk_widget_child_focus (GTK_WIDGET (window), direction);
    }
  after = gtk_window_get_focus (window);
  if (after != NULL && after != before && gtk_widget_get_mapped (after))
    return TRUE;
  if (before == NULL)
    return gtk_widget_child_focus (GTK_WIDGET (window), direction);
  return focus_leave (before, direction);
}

static gboolean
on_window_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                       GdkModifierType state, GtkWindow *window)
{
  GtkWidget *focus = gtk_window_get_focus (window);
  gboolean tab = keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab || keyval == GDK_KEY_ISO_Left_Tab;

  /* Only plain Tab and Shift+Tab; a text view that takes Tab as text keeps it. */
  if (!tab || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
      || (GTK_IS_TEXT_VIEW (focus) && gtk_text_view_get_accepts_tab (GTK_TEXT_VIEW (focus))
          && gtk_text_view_get_editable (GTK_TEXT_VIEW (focus))))
    return FALSE;
  return move_focus (window, keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK)
                               ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
}

void
motcua_focus_install (GtkWindow *window)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  /* Before any widget's own Tab. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_window_key_pressed), window);
  gtk_widget_add_controller (GTK_WIDGET (window), keys);
}

void
motcua_focus_tab_leaves (GtkWidget *widget)
{
  g_object_set_data (G_OBJECT (widget), TAB_LEAVES, GINT_TO_POINTER (TRUE));
}

void
motcua_focus_name_entry_rows (GtkWidget *widget)
{
  if (ADW_IS_ENTRY_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
      GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (widget));

      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      if (text != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    motcua_focus_name_entry_rows (child);
}
