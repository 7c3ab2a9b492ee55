/* motcua-focus.h: Tab that always moves, long lists as one stop, and the names of
 * what takes the focus.
 *
 * Two things in GTK 4.8 keep the keyboard where it is, and this puts them right for
 * the desk's windows (a third, below, leaves a screen reader without words):
 *
 * - List views and flow boxes move the focus from item to item on Tab, so a queue of
 *   200,000 dossiers, or a 300-page document's thumbnails, would keep it for good
 *   (GTK 4.12 added GtkListView:tab-behavior for this). Such lists are marked with
 *   motcua_focus_tab_leaves(): Tab and Shift+Tab leave them, arrows move within.
 * - A GtkScrolledWindow whose content does not take the focus answers that it did,
 *   and GtkStack offers its hidden pages to Tab; between them, Tab and Shift+Tab
 *   stopped dead at pane borders (Shift+Tab from the editor never reached the queue).
 *   motcua_focus_install() checks that each Tab moved the focus, and when GTK's own
 *   step did not, finds the next widget itself. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Handles Tab and Shift+Tab in @window as described above. */
void     motcua_focus_install         (GtkWindow        *window);

/* Makes @widget one stop for Tab: Tab and Shift+Tab inside it leave it. */
void     motcua_focus_tab_leaves      (GtkWidget        *widget);

/* Focuses the first widget inside @widget that takes the focus, in Tab order, and
 * checks that it did; FALSE when none does. */
gboolean motcua_focus_first_in        (GtkWidget        *widget);

/* Gives the text inside each AdwEntryRow in @widget (or @widget itself) the row's
 * title as its accessible name: the text is what takes the focus, and libadwaita 1.2
 * does not pass the title on, so a screen reader said only "text". */
void     motcua_focus_name_entry_rows (GtkWidget        *widget);

G_END_DECLS
