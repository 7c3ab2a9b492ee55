/* motcua-slip-document.c: laying a slip out on pages and drawing them. */

#include <glib/gi18n-lib.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "motcua-error.h"
#include "motcua-slip-document.h"

#define MM (72.0 / 25.4)
#define A4_SHORT (210.0 * MM)
#define A4_LONG (297.0 * MM)
#define DEFAULT_FONT "Liberation Serif"
#define CELL_PADDING 3.0
#define RULE_WIDTH 0.6

typedef enum {
  OP_TEXT,
  OP_LINE,
  OP_RECT,
  OP_QR,
} OpKind;

typedef struct {
  OpKind       kind;
  double       x, y, w, h;      /* a line goes from x,y to w,h */
  PangoLayout *layout;
  GBytes      *modules;         /* QR: one byte per module, nonzero when dark */
  int          qr_width;        /* QR: modules per side */
} Op;

struct _MotcuaSlipDocument
{
  GObject       parent_instance;

  gboolean      landscape;
  GPtrArray    *pages;          /* GPtrArray of Op */
  char         *title;
};

G_DEFINE_FINAL_TYPE (MotcuaSlipDocument, motcua_slip_document, G_TYPE_OBJECT)

/* Where the layout is: the page being filled and the next free line on it. */
typedef struct {
  MotcuaSlipDocument *doc;
  MotcuaSlipSet      *set;
  MotcuaSlipData     *data;
  PangoContext       *context;
  const char         *font;
  double              size;
  double              width, height;
  double              left, right, top, bottom;
  double              y;
  GPtrArray          *page;
} Layout;

/* A lookup of a table's row that falls back on the slip's fields. */
typedef struct {
  MotcuaSlipData *data;
  GHashTable     *row;
} RowScope;

static void
op_free (Op *op)
{
  g_clear_object (&op->layout);
  g_clear_pointer (&op->modules, g_bytes_unref);
  g_free (op);
}

static void
motcua_slip_document_finalize (GObject *object)
{
  MotcuaSlipDocument *self = MOTCUA_SLIP_DOCUMENT (object);

  g_ptr_array_unref (self->pages);
  g_free (self->title);
  G_OBJECT_CLASS (motcua_slip_document_parent_class)->finalize (object);
}

static void
motcua_slip_document_class_init (MotcuaSlipDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_slip_document_finalize;
}

static void
motcua_slip_document_init (MotcuaSlipDocument *self)
{
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

/* ---- lookups ------------------------------------------------------------------------- */

static const char *
slip_lookup (const char *name, gpointer user_data)
{
  return motcua_slip_data_get (user_data, name);
}

static const char *
row_lookup (const char *name, gpointer user_data)
{
  RowScope *scope = user_data;
  const char *value = g_hash_table_lookup (scope->row, name);

  return value ? value : motcua_slip_data_get (scope->data, name);
}

/* Templates were checked when loaded, so expansion only fails on a broken invariant. */
static char *
expand (const char *markup, MotcuaSlipLookup lookup, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  char *text = motcua_slip_expand (markup ? markup : "", lookup, user_data, &error);

  if (text == NULL)
    {
      g_critical ("%s", error->message);
      return g_strdup ("");
    }
  return text;
}

/* The visible text of @markup: blank lines of a heading (an unset governing body) are left out. */
static gboolean
markup_is_blank (const char *markup)
{
  g_autofree char *text = NULL;

  if (!pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL))
    return FALSE;
  return *g_strstrip (text) == '\0';
}

/* ---- pages --------------------------------------------------------------------------- */

static void
new_page (Layout *layout)
{
  layout->page = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  g_ptr_array_add (layout->doc->pages, layout->page);
  layout->y = layout->top;
}

/* Moves to a new page unless @height fits below the current line (or the page is still empty). */
static gboolean
ensure_room (Layout *layout, double height)
{
  if (layout->y + height <= layout->bottom || layout->y <= layout->top)
    return FALSE;
  new_page (layout);
  return TRUE;
}

static void
add_op (Layout *layout, OpKind kind, double x, double y, double w, double h, PangoLayout *text)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->x = x;
  op->y = y;
  op->w = w;
  op->h = h;
  op->layout = text ? g_object_ref (text) : NULL;
  g_ptr_array_add (layout->page, op);
}

static double
content_width (Layout *layout)
{
  return layout->width - layout->left - layout->right;
}

static PangoAlignment
parse_align (const char *align)
{
  if (g_strcmp0 (align, "center") == 0)
    return PANGO_ALIGN_CENTER;
  if (g_strcmp0 (align, "right") == 0)
    return PANGO_ALIGN_RIGHT;
  return PANGO_ALIGN_LEFT;
}

static PangoLayout *
make_text (Layout *layout, const char *markup, double width, double size, const char *align)
{
  PangoLayout *text = pango_layout_new (layout->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (layout->font);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_layout_set_font_description (text, font);
  pango_layout_set_width (text, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (text, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (text, parse_align (align));
  pango_layout_set_justify (text, g_strcmp0 (align, "justify") == 0);
  pango_layout_set_markup (text, markup, -1);
  return text;
}

static double
text_height (PangoLayout *text)
{
  int height;

  pango_layout_get_size (text, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* The width of the last line, for rules drawn under a heading's text. */
static double
last_line_width (PangoLayout *text)
{
  PangoLayoutLine *line = pango_layout_get_line_readonly (text, pango_layout_get_line_count (text) - 1);
  PangoRectangle logical;

  pango_layout_line_get_extents (line, NULL, &logical);
  return (double) logical.width / PANGO_SCALE;
}

static double
block_number (JsonObject *block, const char *member, double fallback)
{
  return json_object_has_member (block, member) ? json_object_get_double_member (block, member) : fallback;
}

/* ---- blocks -------------------------------------------------------------------------- */

static void
lay_text (Layout *layout, JsonObject *block)
{
  double indent = block_number (block, "indent", 0) * MM;
  double size = block_number (block, "size", layout->size);
  g_autofree char *markup = expand (json_object_get_string_member (block, "markup"), slip_lookup, layout->data);
  g_autoptr(PangoLayout) text = NULL;
  double height;

  if (markup_is_blank (markup))
    return;
  layout->y += block_number (block, "space_before", 4);
  text = make_text (layout, markup, content_width (layout) - indent, size,
                    json_object_get_string_member_with_default (block, "align", "justify"));
  height = text_height (text);
  ensure_room (layout, height);
  add_op (layout, OP_TEXT, layout->left + indent, layout->y, 0, 0, text);
  layout->y += height;
}

/* One column of the heading: centred lines, a rule under the last one. Returns the
 * y below it. */
static double
lay_heading_column (Layout *layout, JsonArray *lines, double x, double width, double y, double size,
                    double rule_share)
{
  PangoLayout *last = NULL;
  double last_y = y;

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      g_autofree char *markup = expand (json_array_get_string_element (lines, i), slip_lookup, layout->data);
      g_autoptr(PangoLayout) text = NULL;

      if (markup_is_blank (markup))
        continue;
      text = make_text (layout, markup, width, size, "center");
      add_op (layout, OP_TEXT, x, y, 0, 0, text);
      last = text;
      last_y = y;
      y += text_height (text);
    }
  if (last != NULL && rule_share > 0)
    {
      double rule = last_line_width (last) * rule_share;
      double centre = x + width / 2;

      /* Just under the baseline of the last line, as on a typed document. */
      y = last_y + text_height (last) + 3.5;
      add_op (layout, OP_LINE, centre - rule / 2, y, centre + rule / 2, y, NULL);
      y += 2;
    }
  return y;
}

static JsonArray *
lines_member (JsonObject *block, const char *member)
{
  return json_object_has_member (block, member) ? json_object_get_array_member (block, member) : NULL;
}

/* Decree 30/2020 layout: the agency on the left, the national name and motto on the
 * right with a rule as long as the motto, then "Số: …" and the place and date. */
static void
lay_heading (Layout *layout, JsonObject *block)
{
  double size = block_number (block, "size", layout->size - 1);
  double width = content_width (layout);
  double left_width = width * 0.42;
  double right_x = layout->left + left_width;
  double right_width = width - left_width;
  double left_y, right_y, y;

  layout->y += block_number (block, "space_before", 0);
  left_y = lay_heading_column (layout, lines_member (block, "left"), layout->left - 6, left_width + 12,
                               layout->y, size, 0.4);
  right_y = lay_heading_column (layout, lines_member (block, "right"), right_x, right_width, layout->y, size, 1.0);
  y = MAX (left_y, right_y) + 4;
  left_y = lay_heading_column (layout, lines_member (block, "left_after"), layout->left - 6, left_width + 12,
                               y, size, 0);
  right_y = lay_heading_column (layout, lines_member (block, "right_after"), right_x, right_width, y, size, 0);
  layout->y = MAX (left_y, right_y);
}

typedef struct {
  double       x;
  double       width;
  const char  *markup;
  const char  *title;
  const char  *align;
} Column;

static GArray *
table_columns (Layout *layout, JsonArray *array)
{
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (Column));
  double total = 0, x = layout->left;

  for (guint i = 0; i < json_array_get_length (array); i++)
    total += json_object_get_double_member (json_array_get_object_element (array, i), "width");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      Column column;

      column.x = x;
      column.width = content_width (layout) * json_object_get_double_member (object, "width") / total;
      column.markup = json_object_get_string_member (object, "markup");
      column.title = json_object_get_string_member (object, "title");
      column.align = json_object_get_string_member_with_default (object, "align", "left");
      x += column.width;
      g_array_append_val (columns, column);
    }
  return columns;
}

/* One row of cells; @header rows show the titles, centred. */
static void
lay_row (Layout *layout, GArray *columns, double size, RowScope *scope, gboolean header)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_object_unref);
  double height = 0;

  for (guint i = 0; i < columns->len; i++)
    {
      Column *column = &g_array_index (columns, Column, i);
      g_autofree char *markup = NULL;
      PangoLayout *cell;

      if (header)
        markup = expand (column->title, slip_lookup, scope->data);
      else
        markup = scope->row ? expand (column->markup, row_lookup, scope) : g_strdup (" ");
      cell = make_text (layout, markup, column->width - 2 * CELL_PADDING, size, header ? "center" : column->align);
      height = MAX (height, text_height (cell));
      g_ptr_array_add (cells, cell);
    }
  height += 2 * CELL_PADDING;
  for (guint i = 0; i < columns->len; i++)
    {
      Column *column = &g_array_index (columns, Column, i);

      add_op (layout, OP_RECT, column->x, layout->y, column->width, height, NULL);
      add_op (layout, OP_TEXT, column->x + CELL_PADDING, layout->y + CELL_PADDING, 0, 0, g_ptr_array_index (cells, i));
    }
  layout->y += height;
}

/* The height a row would take, to break the page before it rather than through it. */
static double
measure_row (Layout *layout, GArray *columns, double size, RowScope *scope)
{
  double height = 0;

  for (guint i = 0; i < columns->len; i++)
    {
      Column *column = &g_array_index (columns, Column, i);
      g_autofree char *markup = expand (column->markup, row_lookup, scope);
      g_autoptr(PangoLayout) cell = make_text (layout, markup, column->width - 2 * CELL_PADDING, size, column->align);

      height = MAX (height, text_height (cell));
    }
  return height + 2 * CELL_PADDING;
}

static void
lay_table (Layout *layout, JsonObject *block)
{
  g_autoptr(GArray) columns = table_columns (layout, json_object_get_array_member (block, "columns"));
  GPtrArray *rows = motcua_slip_data_get_rows (layout->data, json_object_get_string_member (block, "rows"));
  double size = block_number (block, "size", layout->size - 1);
  RowScope scope = { layout->data, NULL };

  layout->y += block_number (block, "space_before", 4);
  ensure_room (layout, 3 * size * 1.2 + 4 * CELL_PADDING);
  lay_row (layout, columns, size, &scope, TRUE);
  /* An empty table keeps one blank row to write in. */
  if (rows->len == 0)
    lay_row (layout, columns, size, &scope, FALSE);
  for (guint i = 0; i < rows->len; i++)
    {
      scope.row = g_ptr_array_index (rows, i);
      if (ensure_room (layout, measure_row (layout, columns, size, &scope)))
        {
          RowScope header = { layout->data, NULL };
          lay_row (layout, columns, size, &header, TRUE);
        }
      lay_row (layout, columns, size, &scope, FALSE);
    }
}

static void
lay_list (Layout *layout, JsonObject *block)
{
  GPtrArray *rows = motcua_slip_data_get_rows (layout->data, json_object_get_string_member (block, "rows"));
  double indent = block_number (block, "indent", 0) * MM;
  double size = block_number (block, "size", layout->size);

  layout->y += block_number (block, "space_before", 2);
  for (guint i = 0; i < rows->len; i++)
    {
      RowScope scope = { layout->data, g_ptr_array_index (rows, i) };
      g_autofree char *markup = expand (json_object_get_string_member (block, "markup"), row_lookup, &scope);
      g_autoptr(PangoLayout) text = make_text (layout, markup, content_width (layout) - indent, size, "justify");
      double height = text_height (text);

      ensure_room (layout, height);
      add_op (layout, OP_TEXT, layout->left + indent, layout->y, 0, 0, text);
      layout->y += height;
    }
}

/* The QR code's text: the expanded template without markup (a URL's & stays &). */
static char *
qr_text (Layout *layout, JsonObject *block)
{
  g_autofree char *markup = expand (json_object_get_string_member (block, "data"), slip_lookup, layout->data);
  char *text = NULL;

  if (!pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static void
lay_qr (Layout *layout, JsonObject *block)
{
  g_autofree char *data = qr_text (layout, block);
  double side = block_number (block, "width", 24) * MM;
  double gap = 14;
  QRcode *code = QRcode_encodeString (data, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_autoptr(PangoLayout) caption = NULL;
  double height = side;
  guint8 *modules;
  Op *op;

  if (code == NULL)
    {
      g_warning ("The QR code of “%s” could not be made", data);
      return;
    }
  if (json_object_has_member (block, "caption"))
    {
      g_autofree char *markup = expand (json_object_get_string_member (block, "caption"), slip_lookup, layout->data);
      caption = make_text (layout, markup, content_width (layout) - side - gap, block_number (block, "size", layout->size - 2),
                           "left");
      height = MAX (height, text_height (caption));
    }
  layout->y += block_number (block, "space_before", 4);
  ensure_room (layout, height);
  if (caption != NULL)
    add_op (layout, OP_TEXT, layout->left, layout->y + (height - text_height (caption)) / 2, 0, 0, caption);

  modules = g_malloc (code->width * code->width);
  for (int i = 0; i < code->width * code->width; i++)
    modules[i] = code->data[i] & 1;
  add_op (layout, OP_QR, layout->width - layout->right - side, layout->y, side, side, NULL);
  op = g_ptr_array_index (layout->page, layout->page->len - 1);
  op->modules = g_bytes_new_take (modules, code->width * code->width);
  op->qr_width = code->width;
  QRcode_free (code);
  layout->y += height;
}

/* A signature column's parts may be absent (NULL). */
static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
lay_signatures (Layout *layout, JsonObject *block)
{
  JsonArray *array = json_object_get_array_member (block, "columns");
  guint n = json_array_get_length (array);
  double width = content_width (layout) / n;
  double gap = block_number (block, "gap", 22) * MM;
  double size = block_number (block, "size", layout->size);
  g_autoptr(GPtrArray) stacks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  double height = 0;

  /* Lay every column out first: a signature block is never split across pages. */
  for (guint i = 0; i < n; i++)
    {
      JsonObject *column = json_array_get_object_element (array, i);
      static const char * const parts[] = { "title", "note", "name" };
      GPtrArray *stack = g_ptr_array_new_with_free_func (unref_if_set);
      double column_height = gap;

      for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
        {
          g_autofree char *markup = NULL;
          PangoLayout *text;

          if (!json_object_has_member (column, parts[p]))
            {
              g_ptr_array_add (stack, NULL);
              continue;
            }
          markup = expand (json_object_get_string_member (column, parts[p]), slip_lookup, layout->data);
          text = make_text (layout, markup, width - 8, size,
                            json_object_get_string_member_with_default (column, "align", "center"));
          column_height += text_height (text);
          g_ptr_array_add (stack, text);
        }
      height = MAX (height, column_height);
      g_ptr_array_add (stacks, stack);
    }
  layout->y += block_number (block, "space_before", 10);
  ensure_room (layout, height);
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *stack = g_ptr_array_index (stacks, i);
      double y = layout->y;

      for (guint p = 0; p < stack->len; p++)
        {
          PangoLayout *text = g_ptr_array_index (stack, p);

          if (p == 2)
            y = layout->y + height - (text ? text_height (text) : 0);
          if (text == NULL)
            continue;
          add_op (layout, OP_TEXT, layout->left + i * width + 4, y, 0, 0, text);
          y += text_height (text);
        }
    }
  layout->y += height;
}

static void
lay_block (Layout *layout, JsonObject *block)
{
  const char *type = json_object_get_string_member (block, "type");

  if (g_str_equal (type, "text"))
    lay_text (layout, block);
  else if (g_str_equal (type, "heading"))
    lay_heading (layout, block);
  else if (g_str_equal (type, "table"))
    lay_table (layout, block);
  else if (g_str_equal (type, "list"))
    lay_list (layout, block);
  else if (g_str_equal (type, "qr"))
    lay_qr (layout, block);
  else if (g_str_equal (type, "signatures"))
    lay_signatures (layout, block);
  else if (g_str_equal (type, "spacer"))
    layout->y += block_number (block, "height", 5) * MM;
}

/* "Trang 2/3" (the set's label "format"/"page") at the foot of every page of a document
 * longer than one page. */
static void
number_pages (Layout *layout)
{
  const char *pattern = motcua_slip_set_get_label (layout->set, "format", "page");
  guint n = layout->doc->pages->len;

  if (n < 2)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) number = g_string_new (pattern ? pattern : "{n}/{total}");
      g_autofree char *page = g_strdup_printf ("%u", i + 1);
      g_autofree char *total = g_strdup_printf ("%u", n);
      g_autofree char *markup = NULL;
      g_autoptr(PangoLayout) text = NULL;

      g_string_replace (number, "{n}", page, 0);
      g_string_replace (number, "{total}", total, 0);
      markup = g_markup_escape_text (number->str, -1);
      text = make_text (layout, markup, content_width (layout), 9, "center");

      layout->page = g_ptr_array_index (layout->doc->pages, i);
      add_op (layout, OP_TEXT, layout->left, layout->bottom + 6, 0, 0, text);
    }
}

PangoContext *
motcua_print_pango_context_new (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted metrics in points: the same line breaks on paper, in PDF and on screen. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_destroy (options);
  return context;
}

MotcuaSlipDocument *
motcua_slip_document_new (MotcuaSlipSet *set, const char *form, MotcuaSlipData *data, GError **error)
{
  JsonObject *template = motcua_slip_set_get_form (set, form);
  g_autoptr(MotcuaSlipDocument) self = NULL;
  PangoContext *context;
  JsonArray *blocks;
  Layout layout = { 0 };

  if (template == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("The form set “%s” has no form %s."), motcua_slip_set_get_id (set), form);
      return NULL;
    }
  self = g_object_new (MOTCUA_TYPE_SLIP_DOCUMENT, NULL);
  self->title = g_strdup (json_object_get_string_member (template, "name"));
  self->landscape = g_strcmp0 (json_object_get_string_member_with_default (template, "orientation", "portrait"),
                               "landscape") == 0;
  context = motcua_print_pango_context_new ();
  layout.doc = self;
  layout.set = set;
  layout.data = data;
  layout.context = context;
  layout.font = json_object_get_string_member_with_default (template, "font", DEFAULT_FONT);
  layout.size = json_object_has_member (template, "size") ? json_object_get_double_member (template, "size") : 13;
  motcua_slip_document_get_page_size (self, &layout.width, &layout.height);
  /* Decree 30/2020 margins: 30 mm binding side, 15 mm right, 20 mm top and bottom. */
  layout.left = (self->landscape ? 20 : 30) * MM;
  layout.right = 15 * MM;
  layout.top = (self->landscape ? 15 : 20) * MM;
  layout.bottom = layout.height - (self->landscape ? 15 : 20) * MM;
  new_page (&layout);

  blocks = json_object_get_array_member (template, "blocks");
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    lay_block (&layout, json_array_get_object_element (blocks, i));
  number_pages (&layout);
  g_object_unref (context);
  return g_steal_pointer (&self);
}

guint
motcua_slip_document_get_n_pages (MotcuaSlipDocument *self)
{
  return self->pages->len;
}

void
motcua_slip_document_get_page_size (MotcuaSlipDocument *self, double *width, double *height)
{
  *width = self->landscape ? A4_LONG : A4_SHORT;
  *height = self->landscape ? A4_SHORT : A4_LONG;
}

gboolean
motcua_slip_document_is_landscape (MotcuaSlipDocument *self)
{
  return self->landscape;
}

static void
draw_qr (cairo_t *cr, Op *op)
{
  const guint8 *modules = g_bytes_get_data (op->modules, NULL);
  double module = op->w / op->qr_width;

  for (int row = 0; row < op->qr_width; row++)
    for (int col = 0; col < op->qr_width; col++)
      if (modules[row * op->qr_width + col])
        cairo_rectangle (cr, op->x + col * module, op->y + row * module, module, module);
  cairo_fill (cr);
}

void
motcua_slip_document_draw_page (MotcuaSlipDocument *self, cairo_t *cr, guint page)
{
  GPtrArray *ops;

  g_return_if_fail (page < self->pages->len);

  ops = g_ptr_array_index (self->pages, page);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, RULE_WIDTH);
  for (guint i = 0; i < ops->len; i++)
    {
      Op *op = g_ptr_array_index (ops, i);

      switch (op->kind)
        {
        case OP_TEXT:
          cairo_move_to (cr, op->x, op->y);
          pango_cairo_show_layout (cr, op->layout);
          break;
        case OP_LINE:
          cairo_move_to (cr, op->x, op->y);
          cairo_line_to (cr, op->w, op->h);
          cairo_stroke (cr);
          break;
        case OP_RECT:
          cairo_rectangle (cr, op->x, op->y, op->w, op->h);
          cairo_stroke (cr);
          break;
        case OP_QR:
          draw_qr (cr, op);
          break;
        default:
          break;
        }
    }
  cairo_restore (cr);
}

gboolean
motcua_slip_document_write_pdf (MotcuaSlipDocument *self, const char *path, GError **error)
{
  double width, height;
  cairo_surface_t *surface;
  cairo_t *cr;

  motcua_slip_document_get_page_size (self, &width, &height);
  surface = cairo_pdf_surface_create (path, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Motcua Desk");
  cr = cairo_create (surface);
  for (guint i = 0; i < self->pages->len; i++)
    {
      motcua_slip_document_draw_page (self, cr, i);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  return motcua_print_close_pdf (surface, path, error);
}

gboolean
motcua_print_close_pdf (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t status;

  /* A PDF surface writes the file as it finishes: a full disk shows only now. */
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("Could not write %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
