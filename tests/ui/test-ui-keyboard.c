/* test-ui-keyboard.c: the window by keyboard alone, with real key presses.
 *
 * The other window tests call the window's actions. This one presses keys through the X
 * server (XTest), as a keyboard or a USB QR scanner in keyboard mode does, so GTK's own
 * dispatch decides where each key goes: application accelerators first (GTK 4.8 runs
 * them in the capture phase, before any widget), then the focus widget's bindings and
 * controllers. A key the shortcuts window, a tooltip or the README promises, and that
 * lands somewhere else, fails here.
 *
 * Letters the test keyboard lacks (ễ, ạ, ố…) are given spare keycodes for the length of
 * one typing, all at once before the first key, and GTK is let to read the new map
 * before anything is typed: remapping one keycode per letter, as xdotool does, loses
 * letters that the application has not read yet.
 */

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>

#include "motcua-application.h"
#include "motcua-dashboard-window.h"
#include "motcua-dossier-editor.h"
#include "motcua-dossier-list.h"
#include "motcua-pdf-view.h"
#include "motcua-preferences-window.h"
#include "motcua-queue-pane.h"
#include "motcua-receive-dialog.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

#define NOW "2026-11-23T09:00:00+07:00"
/* A chip ID card's QR code, as the scanner types it; every field of it invented. */
#define SCANNED_QR "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" \
                   "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội|15082021"

typedef struct {
  char           *dir;
  char           *db;
  MotcuaStore    *store;
  GtkApplication *app;
  MotcuaWindow   *window;
} Fixture;

/* ---- the keyboard ---------------------------------------------------------------- */

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (GDK_X11_DISPLAY (gdk_display_get_default ()));
}

/* Sends one key's press and release, with Shift when its symbol is on the second level. */
static void
tap_keycode (KeyCode keycode, gboolean shift)
{
  Display *x = x_display ();
  KeyCode shift_code = XKeysymToKeycode (x, XK_Shift_L);

  if (shift)
    XTestFakeKeyEvent (x, shift_code, True, CurrentTime);
  XTestFakeKeyEvent (x, keycode, True, CurrentTime);
  XTestFakeKeyEvent (x, keycode, False, CurrentTime);
  if (shift)
    XTestFakeKeyEvent (x, shift_code, False, CurrentTime);
  XSync (x, False);
}

/* The keycode that types @keysym on the current map, and whether it needs Shift; 0 when
 * no key has it. */
static KeyCode
find_key (KeySym keysym, gboolean *shift)
{
  Display *x = x_display ();
  KeyCode keycode = XKeysymToKeycode (x, keysym);

  *shift = FALSE;
  if (keycode == 0)
    return 0;
  if (XkbKeycodeToKeysym (x, keycode, 0, 0) == keysym)
    return keycode;
  if (XkbKeycodeToKeysym (x, keycode, 0, 1) == keysym)
    {
      *shift = TRUE;
      return keycode;
    }
  return 0;
}

/* Presses @accelerator ("<Control>f", "Down", "<Alt>4") once, and lets the window react. */
static void
press (const char *accelerator)
{
  Display *x = x_display ();
  static const struct { GdkModifierType mask; KeySym keysym; } modifiers[] = {
    { GDK_CONTROL_MASK, XK_Control_L }, { GDK_ALT_MASK, XK_Alt_L }, { GDK_SHIFT_MASK, XK_Shift_L },
  };
  GdkModifierType mods;
  guint keyval;
  KeyCode keycode;
  gboolean shift;

  g_assert_true (gtk_accelerator_parse (accelerator, &keyval, &mods));
  keycode = find_key (keyval, &shift);
  g_assert_cmpuint (keycode, !=, 0);
  if (shift)
    mods |= GDK_SHIFT_MASK;
  for (guint i = 0; i < G_N_ELEMENTS (modifiers); i++)
    if (mods & modifiers[i].mask)
      XTestFakeKeyEvent (x, XKeysymToKeycode (x, modifiers[i].keysym), True, CurrentTime);
  XTestFakeKeyEvent (x, keycode, True, CurrentTime);
  XTestFakeKeyEvent (x, keycode, False, CurrentTime);
  for (guint i = G_N_ELEMENTS (modifiers); i-- > 0;)
    if (mods & modifiers[i].mask)
      XTestFakeKeyEvent (x, XKeysymToKeycode (x, modifiers[i].keysym), False, CurrentTime);
  XSync (x, False);
  ui_test_iterate (60);
}

/* Keycodes with no symbol on the current map, for letters the layout lacks. */
static GArray *
spare_keycodes (void)
{
  Display *x = x_display ();
  GArray *spare = g_array_new (FALSE, FALSE, sizeof (KeyCode));
  int min, max, per;
  KeySym *map;

  XDisplayKeycodes (x, &min, &max);
  map = XGetKeyboardMapping (x, (KeyCode) min, max - min + 1, &per);
  for (int code = max; code >= min; code--)
    {
      gboolean empty = TRUE;

      for (int level = 0; level < per; level++)
        empty = empty && map[(code - min) * per + level] == NoSymbol;
      if (empty)
        {
          KeyCode keycode = (KeyCode) code;
          g_array_append_val (spare, keycode);
        }
    }
  XFree (map);
  return spare;
}

static void
map_keycode (KeyCode keycode, KeySym keysym)
{
  KeySym both[2] = { keysym, keysym };

  XChangeKeyboardMapping (x_display (), keycode, 2, both, 1);
}

/* Types @text key by key, as fast as a scanner, letting the window read them after. */
static void
type_text (const char *text)
{
  g_autoptr(GArray) spare = spare_keycodes ();
  g_autoptr(GHashTable) given = g_hash_table_new (NULL, NULL);   /* keysym → keycode */
  guint used = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      KeySym keysym = gdk_unicode_to_keyval (g_utf8_get_char (p));
      gboolean shift;

      if (find_key (keysym, &shift) != 0 || g_hash_table_contains (given, GUINT_TO_POINTER (keysym)))
        continue;
      g_assert_cmpuint (used, <, spare->len);
      map_keycode (g_array_index (spare, KeyCode, used), keysym);
      g_hash_table_insert (given, GUINT_TO_POINTER (keysym), GUINT_TO_POINTER (g_array_index (spare, KeyCode, used)));
      used++;
    }
  XSync (x_display (), False);
  ui_test_iterate (150);   /* GTK reads the new map before the first key needs it */

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      KeySym keysym = gdk_unicode_to_keyval (g_utf8_get_char (p));
      gboolean shift = FALSE;
      KeyCode keycode = GPOINTER_TO_UINT (g_hash_table_lookup (given, GUINT_TO_POINTER (keysym)));

      if (keycode == 0)
        keycode = find_key (keysym, &shift);
      tap_keycode (keycode, shift);
      g_main_context_iteration (NULL, FALSE);
    }
  ui_test_iterate (100);

  for (guint i = 0; i < used; i++)
    map_keycode (g_array_index (spare, KeyCode, i), NoSymbol);
  XSync (x_display (), False);
  ui_test_iterate (50);
}

/* ---- the window ------------------------------------------------------------------ */

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* Without a window manager nobody gives the new window the keyboard: the test does. */
static void
give_keyboard_to (GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  XSetInputFocus (x_display (), gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (x_display (), False);
  g_assert_true (ui_test_wait_until (window_is_active, window, 5000));
}

static gboolean
queue_has_rows (gpointer data)
{
  Fixture *f = data;
  MotcuaQueuePane *queue = MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (f->window));

  return motcua_queue_pane_is_populated (queue) && g_list_model_get_n_items (G_LIST_MODEL (motcua_queue_pane_get_model (queue))) > 0;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->store = ui_test_demo_office ("motcua-ui-keyboard-XXXXXX", "400", &f->dir, &f->db);

  /* The desk's own application: its accelerators are part of what is tested. */
  f->app = GTK_APPLICATION (motcua_application_new ());
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);
  f->window = motcua_window_new (f->app, f->store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_iterate (200);
  give_keyboard_to (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait_until (queue_has_rows, f, 10000));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate (50);
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static GtkWidget *
focus_of (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

static gboolean
focus_is_within (GtkWidget *focus, GtkWidget *ancestor)
{
  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static MotcuaQueuePane *
queue_of (Fixture *f)
{
  return MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (f->window));
}

static MotcuaDossierEditor *
editor_of (Fixture *f)
{
  return MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window));
}

/* ---- the queue --------------------------------------------------------------------- */

typedef struct {
  MotcuaQueuePane *queue;
  guint            before;
} Narrowed;

static gboolean
search_narrowed (gpointer data)
{
  Narrowed *n = data;
  guint now = g_list_model_get_n_items (G_LIST_MODEL (motcua_queue_pane_get_model (n->queue)));

  return now > 0 && now < n->before;
}

static gboolean
editor_shows_selected (gpointer data)
{
  Fixture *f = data;
  const char *selected = motcua_queue_pane_get_selected_code (queue_of (f));

  return selected != NULL && g_strcmp0 (motcua_dossier_editor_get_code (editor_of (f)), selected) == 0;
}

static gboolean
rows_match_count (gpointer data)
{
  MotcuaQueuePane *queue = data;
  gint64 count = motcua_queue_pane_get_filter_count (queue, motcua_queue_pane_get_filter (queue));

  return count >= 0 && g_list_model_get_n_items (G_LIST_MODEL (motcua_queue_pane_get_model (queue))) == (guint64) count
         && g_str_equal (gtk_editable_get_text (GTK_EDITABLE (ui_test_require_by_id (GTK_WIDGET (queue), "search_entry"))), "");
}

/* Control+F, a name typed without accents, Down into the matches, Enter to open; then
 * the next dossier and another view, all from the keyboard. */
static void
test_queue_by_keyboard (Fixture *f, gconstpointer data)
{
  MotcuaQueuePane *queue = queue_of (f);
  GtkWidget *search = ui_test_require_by_id (GTK_WIDGET (queue), "search_entry");
  GtkWidget *list = ui_test_require_by_id (GTK_WIDGET (queue), "list_view");
  Narrowed narrowed = { queue, g_list_model_get_n_items (G_LIST_MODEL (motcua_queue_pane_get_model (queue))) };
  g_autofree char *first = NULL;

  gtk_widget_grab_focus (list);
  press ("<Control>f");
  g_assert_true (focus_is_within (focus_of (f), search));

  type_text ("nguyen");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "nguyen");
  g_assert_true (ui_test_wait_until (search_narrowed, &narrowed, 5000));

  /* Down leaves the search for the first match; Enter opens it in the editor. */
  press ("Down");
  g_assert_true (focus_is_within (focus_of (f), list));
  g_assert_nonnull (motcua_queue_pane_get_selected_code (queue));
  press ("Down");
  first = g_strdup (motcua_queue_pane_get_selected_code (queue));
  press ("Return");
  g_assert_true (ui_test_wait_until (editor_shows_selected, f, 5000));
  g_assert_cmpstr (motcua_dossier_editor_get_code (editor_of (f)), ==, first);

  /* Control+Page Down: the next dossier, wherever the focus is. */
  press ("<Control>Page_Down");
  g_assert_true (ui_test_wait_until (editor_shows_selected, f, 5000));
  g_assert_cmpstr (motcua_dossier_editor_get_code (editor_of (f)), !=, first);
  press ("<Control>Page_Up");
  g_assert_true (ui_test_wait_until (editor_shows_selected, f, 5000));
  g_assert_cmpstr (motcua_dossier_editor_get_code (editor_of (f)), ==, first);

  /* Alt+4, the fourth view, overdue, pressed in the editor; Alt+1, all: each with the
   * rows its count promises, once the search is cleared. */
  press ("<Control>f");
  press ("<Control>a");
  press ("BackSpace");
  gtk_widget_grab_focus (ui_test_require_by_id (GTK_WIDGET (editor_of (f)), "copy_code_button"));
  press ("<Alt>4");   /* from the editor: the views answer anywhere in the window */
  g_assert_cmpint (motcua_queue_pane_get_filter (queue), ==, MOTCUA_QUEUE_FILTER_OVERDUE);
  g_assert_true (ui_test_wait_until (rows_match_count, queue, 5000));
  press ("<Alt>1");
  g_assert_cmpint (motcua_queue_pane_get_filter (queue), ==, MOTCUA_QUEUE_FILTER_ALL);
  g_assert_true (ui_test_wait_until (rows_match_count, queue, 5000));
  g_assert_cmpint (motcua_queue_pane_get_filter_count (queue, MOTCUA_QUEUE_FILTER_ALL), ==, 400);
}

/* ---- receiving at the counter -------------------------------------------------------- */

static MotcuaReceiveDialog *
find_receive_dialog (void)
{
  return (MotcuaReceiveDialog *) ui_test_find_toplevel (MOTCUA_TYPE_RECEIVE_DIALOG);
}

static gboolean
no_receive_dialog (gpointer data)
{
  return find_receive_dialog () == NULL;
}

typedef struct {
  MotcuaReceiveDialog *dialog;
  const char          *step;
} AtStep;

static gboolean
dialog_at_step (gpointer data)
{
  AtStep *at = data;
  return g_strcmp0 (motcua_receive_dialog_get_step (at->dialog), at->step) == 0;
}

static void
expect_step (MotcuaReceiveDialog *dialog, const char *step)
{
  AtStep at = { dialog, step };

  if (!ui_test_wait_until (dialog_at_step, &at, 5000))
    g_error ("the receive dialog is at “%s”, not “%s”", motcua_receive_dialog_get_step (dialog), step);
}

static const char *
text_in (MotcuaReceiveDialog *dialog, const char *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (ui_test_require_by_id (GTK_WIDGET (dialog), id)));
}

/* A whole reception with keys only: Control+N, the procedure typed and taken with Enter,
 * Control+A ticks the checklist, the ID card's QR code typed in by the scanner
 * (Vietnamese letters and all), the phone number, Control+Enter through the steps. */
static void
test_receive_by_keyboard (Fixture *f, gconstpointer data)
{
  MotcuaReceiveDialog *dialog;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autofree char *code = NULL;

  press ("<Control>n");
  dialog = find_receive_dialog ();
  g_assert_nonnull (dialog);
  give_keyboard_to (GTK_WINDOW (dialog));
  expect_step (dialog, "procedure");

  type_text ("dang ky khai sinh");
  press ("Return");
  expect_step (dialog, "documents");
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (dialog), >, 0);
  press ("<Control>a");
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (dialog), ==, 0);
  press ("<Control>Return");
  expect_step (dialog, "applicant");

  /* The scanner: the focus is where the code goes, and Enter ends it. */
  type_text (SCANNED_QR);
  press ("Return");
  g_assert_cmpstr (text_in (dialog, "name_row"), ==, "Nguyễn Văn An");
  g_assert_cmpstr (text_in (dialog, "id_number_row"), ==, "001092012345");
  g_assert_cmpstr (text_in (dialog, "address_row"), ==, "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội");
  g_assert_true (focus_is_within (gtk_root_get_focus (GTK_ROOT (dialog)),
                                  ui_test_require_by_id (GTK_WIDGET (dialog), "phone_row")));
  type_text ("0912345678");
  press ("<Control>Return");
  expect_step (dialog, "confirm");
  press ("<Control>Return");
  expect_step (dialog, "done");
  code = g_strdup (motcua_receive_dialog_get_issued_code (dialog));
  g_assert_nonnull (code);

  /* Escape closes the finished dialog; the dossier is stored as typed. */
  press ("Escape");
  g_assert_true (ui_test_wait_until (no_receive_dialog, NULL, 5000));
  dossier = motcua_store_get_dossier (f->store, code, NULL);
  g_assert_nonnull (dossier);
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RECEIVED);
  g_assert_cmpstr (motcua_dossier_get_applicant_name (dossier), ==, "Nguyễn Văn An");
  g_assert_cmpstr (motcua_dossier_get_applicant_phone (dossier), ==, "0912345678");
}

/* Control+N, a procedure typed and taken with Enter, the checklist (all ticked with
 * Control+A when @tick_all), Control+Enter: the dialog at the applicant's step. */
static MotcuaReceiveDialog *
receive_up_to_applicant (gboolean tick_all)
{
  MotcuaReceiveDialog *dialog;

  press ("<Control>n");
  dialog = find_receive_dialog ();
  g_assert_nonnull (dialog);
  give_keyboard_to (GTK_WINDOW (dialog));
  type_text ("khai sinh");
  press ("Return");
  expect_step (dialog, "documents");
  if (tick_all)
    press ("<Control>a");
  press ("<Control>Return");
  expect_step (dialog, "applicant");
  return dialog;
}

/* Escape at the counter keeps what was typed: one question first, and Escape again
 * (the question's "keep") goes back to the form with the name still there. */
static void
test_escape_keeps_the_applicant (Fixture *f, gconstpointer data)
{
  MotcuaReceiveDialog *dialog;
  GtkWindow *question;

  dialog = receive_up_to_applicant (FALSE);
  gtk_widget_grab_focus (ui_test_require_by_id (GTK_WIDGET (dialog), "name_row"));
  type_text ("Lò Thị Hoa");

  press ("Escape");
  question = ui_test_find_message_dialog ();
  g_assert_nonnull (question);
  give_keyboard_to (question);
  press ("Escape");
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (find_receive_dialog () == dialog);
  g_assert_cmpstr (text_in (dialog, "name_row"), ==, "Lò Thị Hoa");

  /* Escape, then Enter: the question's default is to discard, as Escape meant. */
  give_keyboard_to (GTK_WINDOW (dialog));
  press ("Escape");
  question = ui_test_find_message_dialog ();
  g_assert_nonnull (question);
  give_keyboard_to (question);
  press ("Return");
  g_assert_true (ui_test_wait_until (no_receive_dialog, NULL, 5000));
}

static gboolean
tab_to (GtkWindow *window, GtkWidget *target, guint most)
{
  for (guint i = 0; i < most; i++)
    {
      GtkWidget *focus = gtk_window_get_focus (window);

      if (focus != NULL && (focus == target || gtk_widget_is_ancestor (focus, target)))
        return TRUE;
      press ("Tab");
    }
  return FALSE;
}

static gboolean
name_filled (gpointer data)
{
  return g_strcmp0 (text_in (data, "name_row"), "Nguyễn Văn An") == 0;
}

/* The checklist incomplete, and a scanner that sends no Enter: the law's way out, by
 * keyboard. Tab reaches the reason, then "Request supplement"; Enter issues the code
 * of a dossier waiting for the applicant's documents (status 5), and its slip is
 * Form 02. */
static void
test_supplement_by_keyboard (Fixture *f, gconstpointer data)
{
  MotcuaReceiveDialog *dialog = receive_up_to_applicant (FALSE);
  GtkWidget *reason = ui_test_require_by_id (GTK_WIDGET (dialog), "reason_row");
  GtkWidget *supplement = ui_test_require_by_id (GTK_WIDGET (dialog), "supplement_button");
  g_autoptr(MotcuaDossier) dossier = NULL;

  /* A scanner that does not end the code with Enter: the fields fill once the keys
   * stop coming. */
  type_text (SCANNED_QR);
  g_assert_true (ui_test_wait_until (name_filled, dialog, 3000));
  press ("<Control>Return");
  expect_step (dialog, "confirm");
  press ("<Control>Return");   /* no "receive" for an incomplete dossier */
  expect_step (dialog, "confirm");

  g_assert_true (tab_to (GTK_WINDOW (dialog), reason, 20));
  type_text ("Thiếu bản chính Giấy chứng sinh");
  g_assert_true (tab_to (GTK_WINDOW (dialog), supplement, 20));
  press ("Return");
  expect_step (dialog, "done");
  g_assert_cmpstr (motcua_receive_dialog_get_slip_form (dialog), ==, "02");
  dossier = motcua_store_get_dossier (f->store, motcua_receive_dialog_get_issued_code (dialog), NULL);
  g_assert_nonnull (dossier);
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_SUPPLEMENT);
  g_assert_cmpstr (motcua_dossier_get_applicant_name (dossier), ==, "Nguyễn Văn An");
  press ("Escape");
  g_assert_true (ui_test_wait_until (no_receive_dialog, NULL, 5000));
}

/* ---- the viewer -------------------------------------------------------------------- */

static gboolean
viewer_loaded (gpointer data)
{
  return motcua_pdf_view_get_loaded (data);
}

static gboolean
six_matches (gpointer data)
{
  return motcua_pdf_view_get_n_matches (data) == 6;
}

/* The next dossier, with a @pages-page PDF attached and shown in the viewer. */
static void
open_next_with_document (Fixture *f, int pages)
{
  MotcuaPdfView *view = MOTCUA_PDF_VIEW (motcua_window_get_pdf_view (f->window));
  g_autofree char *pdf = g_build_filename (f->dir, "to-khai.pdf", NULL);
  const char *paths[] = { pdf, NULL };

  press ("<Control>Page_Down");
  g_assert_true (ui_test_wait_until (editor_shows_selected, f, 5000));
  ui_test_write_pdf (pdf, pages);
  motcua_dossier_editor_attach_files (editor_of (f), paths);
  g_assert_true (ui_test_wait_until (viewer_loaded, view, 10000));
  g_assert_cmpint (motcua_pdf_view_get_n_pages (view), ==, pages);
}

/* The viewer's own keys, with the focus in the document: pages, rotation (Control+R
 * stays the window's "sync now"), zoom, the thumbnails, and Control+F searching the
 * document rather than the queue. */
static void
test_viewer_by_keyboard (Fixture *f, gconstpointer data)
{
  MotcuaPdfView *view = MOTCUA_PDF_VIEW (motcua_window_get_pdf_view (f->window));
  GtkWidget *canvas = ui_test_require_by_id (GTK_WIDGET (view), "canvas");
  GtkWidget *search_bar = ui_test_require_by_id (GTK_WIDGET (view), "search_bar");
  GtkWidget *thumbnail_list = ui_test_require_by_id (GTK_WIDGET (view), "thumbnails_list");
  gboolean thumbnails;
  double zoom;

  open_next_with_document (f, 6);
  g_assert_cmpint (motcua_pdf_view_get_n_pages (view), ==, 6);
  gtk_widget_grab_focus (canvas);
  ui_test_iterate (100);

  press ("n");
  g_assert_cmpint (motcua_pdf_view_get_current_page (view), ==, 1);
  press ("p");
  g_assert_cmpint (motcua_pdf_view_get_current_page (view), ==, 0);

  press ("<Control>Right");
  g_assert_cmpint (motcua_pdf_view_get_rotation (view), ==, 90);
  press ("<Control>r");
  g_assert_cmpint (motcua_pdf_view_get_rotation (view), ==, 90);
  press ("<Control>Left");
  g_assert_cmpint (motcua_pdf_view_get_rotation (view), ==, 0);

  /* In and out by the zoom's steps; Control+0 back to the width of the pane. */
  zoom = motcua_pdf_view_get_zoom (view);
  press ("<Control>plus");
  g_assert_cmpfloat (motcua_pdf_view_get_zoom (view), >, zoom);
  press ("<Control>minus");
  press ("<Control>minus");
  g_assert_cmpfloat (motcua_pdf_view_get_zoom (view), <, zoom);
  press ("<Control>0");
  g_assert_cmpfloat_with_epsilon (motcua_pdf_view_get_zoom (view), zoom, 1e-6);

  thumbnails = motcua_pdf_view_get_show_thumbnails (view);
  press ("F9");
  g_assert_true (motcua_pdf_view_get_show_thumbnails (view) != thumbnails);
  press ("F9");
  g_assert_true (motcua_pdf_view_get_show_thumbnails (view) == thumbnails);

  /* The thumbnails by keyboard: beside the page, before it, so Shift+Tab from the
   * page reaches them (one stop); Down and Enter go to the third page, and Tab is
   * back on the page in one press. */
  if (!motcua_pdf_view_get_show_thumbnails (view))
    press ("F9");
  g_assert_true (motcua_pdf_view_get_show_thumbnails (view));
  ui_test_iterate (300);
  gtk_widget_grab_focus (canvas);
  for (guint i = 0; i < 10 && !focus_is_within (focus_of (f), thumbnail_list); i++)
    press ("<Shift>Tab");
  g_assert_true (focus_is_within (focus_of (f), thumbnail_list));
  press ("Down");
  press ("Down");
  press ("Return");
  g_assert_cmpint (motcua_pdf_view_get_current_page (view), ==, 2);
  press ("Tab");
  g_assert_false (focus_is_within (focus_of (f), thumbnail_list));
  g_assert_true (focus_is_within (focus_of (f), canvas));
  press ("F9");
  g_assert_false (motcua_pdf_view_get_show_thumbnails (view));

  gtk_widget_grab_focus (canvas);
  press ("<Control>f");
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (search_bar)));
  g_assert_true (focus_is_within (focus_of (f), search_bar));
  type_text ("to khai");
  g_assert_true (ui_test_wait_until (six_matches, view, 5000));
  press ("Return");
  g_assert_cmpint (motcua_pdf_view_get_match_page (view), >=, 0);
  press ("Escape");
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (search_bar)));
}

/* ---- an action in the editor ---------------------------------------------------------- */

static gboolean
focus_in_field (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  return focus != NULL && (focus == data || gtk_widget_is_ancestor (focus, data));
}

static gboolean
editor_shows_a_dossier (gpointer data)
{
  return motcua_dossier_editor_get_code (data) != NULL;
}

static gboolean
focus_on_button_labelled (Fixture *f, const char *label)
{
  GtkWidget *focus = focus_of (f);

  return GTK_IS_BUTTON (focus) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (focus)), label) == 0;
}

/* Returning a result without the mouse: the view of results ready, the first of
 * them, Tab to "Return the result", Enter opens its form with the focus in its first
 * field, Tab to the recipient's name (filled in from the applicant), Enter returns. */
static void
test_action_by_keyboard (Fixture *f, gconstpointer data)
{
  MotcuaQueuePane *queue = queue_of (f);
  MotcuaDossierEditor *editor = editor_of (f);
  g_autoptr(MotcuaDossier) returned = NULL;
  g_autofree char *code = NULL;
  MotcuaAction open_action;
  GtkWidget *method, *recipient;

  press ("<Alt>7");
  g_assert_cmpint (motcua_queue_pane_get_filter (queue), ==, MOTCUA_QUEUE_FILTER_READY);
  g_assert_true (ui_test_wait_until (rows_match_count, queue, 5000));
  g_assert_cmpint (motcua_queue_pane_get_filter_count (queue, MOTCUA_QUEUE_FILTER_READY), >, 0);
  press ("<Control>f");
  press ("Tab");
  press ("Tab");
  press ("Tab");
  press ("Return");
  g_assert_true (ui_test_wait_until (editor_shows_a_dossier, editor, 5000));
  code = g_strdup (motcua_dossier_editor_get_code (editor));

  for (guint i = 0; i < 10 && !focus_on_button_labelled (f, "Return the result"); i++)
    press ("Tab");
  g_assert_true (focus_on_button_labelled (f, "Return the result"));
  press ("Return");
  g_assert_true (motcua_dossier_editor_get_open_action (editor, &open_action));
  g_assert_cmpint (open_action, ==, MOTCUA_ACTION_RETURN);
  method = motcua_dossier_editor_get_field (editor, "method");
  recipient = motcua_dossier_editor_get_field (editor, "recipient_name");
  g_assert_nonnull (method);
  g_assert_nonnull (recipient);
  g_assert_true (ui_test_wait_until (focus_in_field, method, 2000));

  press ("Tab");
  g_assert_true (focus_is_within (focus_of (f), recipient));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (recipient)), !=, "");
  press ("Return");
  ui_test_iterate (200);
  returned = motcua_store_get_dossier (f->store, code, NULL);
  g_assert_cmpint (motcua_dossier_get_status (returned), ==, MOTCUA_STATUS_RETURNED);
}

/* ---- reaching every pane ------------------------------------------------------------ */

static gboolean
queue_shows_empty (gpointer data)
{
  return motcua_queue_pane_shows_empty_state (data);
}

/* Tab from the queue's search: the views, the sort, the list, each one stop (the
 * views unchanged, though GTK's flow box would select each on the way), then the
 * editor and the viewer; Shift+Tab from the editor's first control is back in the
 * list. No pane is for the mouse only, and no list keeps the keyboard. */
static void
test_tab_reaches_every_pane (Fixture *f, gconstpointer data)
{
  MotcuaQueuePane *queue = queue_of (f);
  GtkWidget *editor = GTK_WIDGET (editor_of (f));
  GtkWidget *viewer = motcua_window_get_pdf_view (f->window);
  GtkWidget *list = ui_test_require_by_id (GTK_WIDGET (queue), "list_view");
  gboolean reached_viewer = FALSE, back_in_queue = FALSE;

  open_next_with_document (f, 2);

  /* A search that matched nothing leaves the queue's empty page in its stack, hidden
   * behind the list: GTK 4.8 offered it to Tab, and its scroller kept the focus. */
  press ("<Control>f");
  type_text ("zzqqxx");
  g_assert_true (ui_test_wait_until (queue_shows_empty, queue, 5000));
  press ("<Control>a");
  press ("BackSpace");
  g_assert_true (ui_test_wait_until (rows_match_count, queue, 5000));

  press ("Tab");
  g_assert_true (focus_is_within (focus_of (f), ui_test_require_by_id (GTK_WIDGET (queue), "filter_box")));
  press ("Tab");
  g_assert_true (focus_is_within (focus_of (f), ui_test_require_by_id (GTK_WIDGET (queue), "sort_button")));
  g_assert_cmpint (motcua_queue_pane_get_filter (queue), ==, MOTCUA_QUEUE_FILTER_ALL);
  press ("Tab");
  g_assert_true (focus_is_within (focus_of (f), list));
  press ("Tab");
  g_assert_true (focus_is_within (focus_of (f), editor));

  for (guint i = 0; i < 60 && !reached_viewer; i++)
    {
      g_assert_true (focus_is_within (focus_of (f), editor));
      press ("Tab");
      reached_viewer = focus_is_within (focus_of (f), viewer);
    }
  g_assert_true (reached_viewer);

  for (guint i = 0; i < 60 && !back_in_queue; i++)
    {
      press ("<Shift>Tab");
      back_in_queue = focus_is_within (focus_of (f), GTK_WIDGET (queue));
    }
  g_assert_true (back_in_queue);
  g_assert_true (focus_is_within (focus_of (f), list));
}

/* ---- names for a screen reader ----------------------------------------------------------- */

static gboolean
has_text_label_inside (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (has_text_label_inside (child))
      return TRUE;
  return FALSE;
}

static gboolean
labelled (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* What a screen reader would say for the control with the focus: its own label, or
 * the words it shows. Being "labelled by" a child is not enough: a button is labelled
 * by its icon, which says nothing. The text inside an entry is named by the entry (up
 * to three levels up); a menu button's inner button by the menu button, which GTK 4.8
 * makes it labelled by. */
static gboolean
has_accessible_name (GtkWidget *focus)
{
  GtkWidget *parent = gtk_widget_get_parent (focus);
  GtkWidget *up = focus;

  if (labelled (focus) || has_text_label_inside (focus))
    return TRUE;
  if (GTK_IS_MENU_BUTTON (parent) && gtk_test_accessible_has_relation (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return labelled (parent);
  for (guint i = 0; i < 3 && (up = gtk_widget_get_parent (up)) != NULL; i++)
    if (GTK_IS_EDITABLE (focus) && labelled (up))
      return TRUE;
  return FALSE;
}

static gboolean
inside_a_toast (GtkWidget *widget)
{
  GType toast = g_type_from_name ("AdwToastWidget");

  return toast != 0 && gtk_widget_get_ancestor (widget, toast) != NULL;
}

static char *
describe (GtkWidget *widget)
{
  GString *path = g_string_new (G_OBJECT_TYPE_NAME (widget));
  guint depth = 0;

  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL && depth < 6; up = gtk_widget_get_parent (up), depth++)
    g_string_append_printf (path, " < %s", G_OBJECT_TYPE_NAME (up));
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append_printf (path, " (tooltip “%s”)", gtk_widget_get_tooltip_text (widget));
  return g_string_free (path, FALSE);
}

/* Presses Tab round @window until a stop comes again, failing for each stop a
 * screen reader could not name; returns how many stops there were. */
static guint
walk_tab_stops (GtkWindow *window)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  for (guint i = 0; i < 150; i++)
    {
      GtkWidget *focus = gtk_window_get_focus (window);

      g_assert_nonnull (focus);
      if (g_ptr_array_find (seen, focus, NULL))
        return seen->len;
      g_ptr_array_add (seen, focus);
      /* libadwaita 1.2's own toast has an unnamed close button: upstream's. */
      if (!has_accessible_name (focus) && !inside_a_toast (focus))
        {
          g_autofree char *what = describe (focus);
          g_test_fail_printf ("Tab stop %u has no accessible name: %s", i, what);
        }
      press ("Tab");
    }
  g_test_fail_printf ("Tab found no end in 150 presses");
  return seen->len;
}

/* Every stop of Tab, round the whole window with a dossier and a document open, has
 * a name a screen reader can say; and Tab comes back to where it started. */
static void
test_every_stop_named (Fixture *f, gconstpointer data)
{
  MotcuaReceiveDialog *dialog;
  GtkWidget *first;

  open_next_with_document (f, 2);
  press ("<Control>f");
  first = focus_of (f);
  g_assert_cmpuint (walk_tab_stops (GTK_WINDOW (f->window)), >, 20);
  g_assert_true (focus_of (f) == first);   /* round the whole window, and back */

  /* The receive dialog at its longest step, the applicant's. */
  dialog = receive_up_to_applicant (TRUE);
  g_assert_cmpuint (walk_tab_stops (GTK_WINDOW (dialog)), >, 5);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
window_has_focus (gpointer data)
{
  return gtk_window_get_focus (data) != NULL;
}

/* Presents @window, gives it the keyboard, and walks its Tab stops. */
static guint
walk_window (GtkWindow *window)
{
  guint stops;

  gtk_window_present (window);
  ui_test_iterate (300);
  give_keyboard_to (window);
  if (gtk_window_get_focus (window) == NULL)
    press ("Tab");
  g_assert_true (ui_test_wait_until (window_has_focus, window, 2000));
  stops = walk_tab_stops (window);
  gtk_window_destroy (window);
  ui_test_iterate (50);
  return stops;
}

/* The dashboard and the preferences, by Tab alone, every stop named. */
static void
test_other_windows_named (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (walk_window (GTK_WINDOW (motcua_dashboard_window_new (GTK_WINDOW (f->window), f->store))), >, 3);
  g_assert_cmpuint (walk_window (GTK_WINDOW (motcua_preferences_window_new (GTK_WINDOW (f->window), f->store))), >, 3);
}

/* Control+? opens the shortcuts window that lists all of the above. */
static void
test_shortcuts_window_by_keyboard (Fixture *f, gconstpointer data)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window));

  g_assert_nonnull (overlay);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  press ("<Control>question");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  give_keyboard_to (GTK_WINDOW (overlay));
  press ("Escape");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  /* GTK's test accessibility backend keeps the names given to widgets, for
   * /keyboard/every-stop-named (the suites' "none" keeps nothing). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();
  /* The test command runs this suite under Xvfb (GDK_BACKEND=x11). */
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    g_error ("real key presses need an X server with XTest");

  g_test_add ("/keyboard/queue", Fixture, NULL, fixture_set_up, test_queue_by_keyboard, fixture_tear_down);
  g_test_add ("/keyboard/receive", Fixture, NULL, fixture_set_up, test_receive_by_keyboard, fixture_tear_down);
  g_test_add ("/keyboard/escape-keeps-the-applicant", Fixture, NULL, fixture_set_up,
              test_escape_keeps_the_applicant, fixture_tear_down);
  g_test_add ("/keyboard/supplement", Fixture, NULL, fixture_set_up, test_supplement_by_keyboard, fixture_tear_down);
  g_test_add ("/keyboard/action", Fixture, NULL, fixture_set_up, test_action_by_keyboard, fixture_tear_down);
  g_test_add ("/keyboard/viewer", Fixture, NULL, fixture_set_up, test_viewer_by_keyboard, fixture_tear_down);
  g_test_add ("/keyboard/tab-reaches-every-pane", Fixture, NULL, fixture_set_up, test_tab_reaches_every_pane,
              fixture_tear_down);
  g_test_add ("/keyboard/every-stop-named", Fixture, NULL, fixture_set_up, test_every_stop_named, fixture_tear_down);
  g_test_add ("/keyboard/other-windows-named", Fixture, NULL, fixture_set_up, test_other_windows_named, fixture_tear_down);
  g_test_add ("/keyboard/shortcuts-window", Fixture, NULL, fixture_set_up, test_shortcuts_window_by_keyboard,
              fixture_tear_down);
  return g_test_run ();
}
