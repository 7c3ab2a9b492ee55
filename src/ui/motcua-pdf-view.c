/* STUB: being written by a helper; replaced wholesale. */
#include "motcua-pdf-view.h"
struct _MotcuaPdfView { GtkWidget parent_instance; GtkWidget *label; };
G_DEFINE_FINAL_TYPE (MotcuaPdfView, motcua_pdf_view, GTK_TYPE_WIDGET)
static void motcua_pdf_view_dispose (GObject *o) { MotcuaPdfView *self = (MotcuaPdfView *) o; g_clear_pointer (&self->label, gtk_widget_unparent); G_OBJECT_CLASS (motcua_pdf_view_parent_class)->dispose (o); }
static void motcua_pdf_view_class_init (MotcuaPdfViewClass *klass) { G_OBJECT_CLASS (klass)->dispose = motcua_pdf_view_dispose; gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void motcua_pdf_view_init (MotcuaPdfView *self) { self->label = gtk_label_new ("pdf"); gtk_widget_set_parent (self->label, GTK_WIDGET (self)); }
GtkWidget *motcua_pdf_view_new (void) { return g_object_new (MOTCUA_TYPE_PDF_VIEW, NULL); }
void motcua_pdf_view_load_file (MotcuaPdfView *self, const char *path, const char *mime_type) {}
void motcua_pdf_view_clear (MotcuaPdfView *self) {}
int motcua_pdf_view_get_n_pages (MotcuaPdfView *self) { return 0; }
const char *motcua_pdf_view_get_error_message (MotcuaPdfView *self) { return NULL; }
