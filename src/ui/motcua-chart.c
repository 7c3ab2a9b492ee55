/* motcua-chart.c: stacked bars, a trend line and horizontal bars on cairo. */

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "motcua-chart.h"

#define FONT        "Sans 9"
#define MAX_OVERDUE 10

/* Okabe–Ito colours: told apart by colour-blind readers and, by their lightness, in
 * grey print too (dark blue, light orange, middle green). */
static const double channel_colours[3][3] = {
  { 0.00, 0.45, 0.70 },   /* in person */
  { 0.90, 0.62, 0.00 },   /* online */
  { 0.00, 0.62, 0.45 },   /* by post */
};
static const double line_colour[3] = { 0.00, 0.45, 0.70 };
static const double overdue_colour[3] = { 0.84, 0.37, 0.00 };

typedef struct {
  double left, top, right, bottom;   /* the plot area */
} Plot;

const char *
motcua_chart_title (MotcuaChartKind kind)
{
  switch (kind)
    {
    case MOTCUA_CHART_RECEIVED: return _("Dossiers received, by channel");
    case MOTCUA_CHART_ON_TIME:  return _("On-time rate of finished dossiers");
    case MOTCUA_CHART_OVERDUE:  return _("Overdue now, by procedure");
    default:                    g_return_val_if_reached ("");
    }
}

/* ---- text --------------------------------------------------------------------------- */

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } Align;

/* Draws @text with its reference point at x (by @align) and its vertical middle at y;
 * @max_width > 0 ellipsizes. Returns the width drawn. */
static double
draw_text (cairo_t *cr, const char *text, double x, double y, Align align, double max_width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT);
  int w, h;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, align == ALIGN_LEFT ? x : align == ALIGN_CENTER ? x - w / 2.0 : x - w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
  return w;
}

static void
set_rgb (cairo_t *cr, const double rgb[3])
{
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

static void
draw_message (cairo_t *cr, double width, double height, const char *message)
{
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  draw_text (cr, message, width / 2, height / 2, ALIGN_CENTER, width - 20);
}

/* ---- axes ---------------------------------------------------------------------------- */

/* A round step (1, 2 or 5 × 10ⁿ) giving about @n_lines gridlines up to @max. */
static double
nice_step (double max, int n_lines)
{
  double raw = MAX (max, 1.0) / n_lines;
  double magnitude = pow (10, floor (log10 (raw)));
  double fraction = raw / magnitude;

  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
}

static char *
axis_count (double value)
{
  return motcua_stats_format_count ((gint64) llround (value));
}

static char *
axis_percent (double value)
{
  return g_strdup_printf ("%.0f%%", value * 100);
}

/* Horizontal gridlines and the value axis's labels from @low to @high. */
static void
draw_value_grid (cairo_t *cr, const Plot *p, double low, double high, double step,
                 char *(*label) (double))
{
  cairo_set_line_width (cr, 1);
  for (double v = low; v <= high + step / 1000; v += step)
    {
      double y = round (p->bottom - (v - low) / (high - low) * (p->bottom - p->top)) + 0.5;
      g_autofree char *text = label (v);

      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_move_to (cr, p->left, y);
      cairo_line_to (cr, p->right, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      draw_text (cr, text, p->left - 6, y, ALIGN_RIGHT, 0);
    }
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_move_to (cr, p->left + 0.5, p->top);
  cairo_line_to (cr, p->left + 0.5, p->bottom + 0.5);
  cairo_line_to (cr, p->right, p->bottom + 0.5);
  cairo_stroke (cr);
}

/* Day or week labels under the bars, as many as fit. */
static void
draw_bucket_labels (cairo_t *cr, const Plot *p, const MotcuaStats *stats)
{
  guint n = stats->buckets->len;
  double slot = (p->right - p->left) / n;
  guint every = MAX (1, (guint) ceil (48.0 / slot));

  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  for (guint i = 0; i < n; i += every)
    {
      const GDate *d = &g_array_index (stats->buckets, MotcuaStatsBucket, i).start;
      g_autofree char *text = g_strdup_printf ("%02d/%02d", g_date_get_day (d), g_date_get_month (d));

      draw_text (cr, text, p->left + slot * (i + 0.5), p->bottom + 12, ALIGN_CENTER, 0);
    }
}

static void
draw_legend (cairo_t *cr, double x, double y, const char * const *labels, const double (*colours)[3], guint n)
{
  for (guint i = 0; i < n; i++)
    {
      set_rgb (cr, colours[i]);
      cairo_rectangle (cr, x, y - 5, 10, 10);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      x += 14 + draw_text (cr, labels[i], x + 14, y, ALIGN_LEFT, 0) + 16;
    }
}

/* ---- the three charts ---------------------------------------------------------------- */

static void
draw_received (cairo_t *cr, const MotcuaStats *s, double width, double height)
{
  Plot p = { 64, 34, width - 12, height - 26 };
  const char *labels[3] = { motcua_stats_channel_label (0), motcua_stats_channel_label (1),
                            motcua_stats_channel_label (2) };
  double max = 0, step, slot, gap;

  for (guint i = 0; i < s->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);
      max = MAX (max, (double) (b->received[0] + b->received[1] + b->received[2]));
    }
  draw_legend (cr, p.left, 12, labels, channel_colours, 3);
  if (max == 0)
    {
      draw_message (cr, width, height, _("No dossiers were received in this period."));
      return;
    }
  step = MAX (nice_step (max, 5), 1);   /* whole dossiers */
  draw_value_grid (cr, &p, 0, ceil (max / step) * step, step, axis_count);
  max = ceil (max / step) * step;

  slot = (p.right - p.left) / s->buckets->len;
  gap = slot > 6 ? slot * 0.2 : 0;
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);
      double y = p.bottom;

      for (guint c = 0; c < 3; c++)
        {
          double h = b->received[c] / max * (p.bottom - p.top);

          set_rgb (cr, channel_colours[c]);
          cairo_rectangle (cr, p.left + slot * i + gap / 2, y - h, slot - gap, h);
          cairo_fill (cr);
          y -= h;
        }
    }
  draw_bucket_labels (cr, &p, s);
}

static void
draw_on_time (cairo_t *cr, const MotcuaStats *s, double width, double height)
{
  Plot p = { 64, 34, width - 12, height - 26 };
  const char *labels[1] = { _("On-time rate") };
  double low = 1.0, step, slot;
  gboolean any = FALSE, pen_down = FALSE;

  for (guint i = 0; i < s->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);
      if (b->finished > 0)
        {
          low = MIN (low, (double) b->finished_on_time / b->finished);
          any = TRUE;
        }
    }
  draw_legend (cr, p.left, 12, labels, &line_colour, 1);
  if (!any)
    {
      draw_message (cr, width, height, _("No dossiers were finished in this period."));
      return;
    }
  /* Rates sit near 100 %: the axis starts at the highest of these floors below the
   * lowest rate, so that a dip shows, with round gridlines. */
  {
    static const double floors[][2] = { { 0.9, 0.02 }, { 0.8, 0.05 }, { 0.5, 0.1 }, { 0.0, 0.2 } };
    guint f = 0;

    while (f + 1 < G_N_ELEMENTS (floors) && low < floors[f][0] + 0.01)
      f++;
    low = floors[f][0];
    step = floors[f][1];
  }
  draw_value_grid (cr, &p, low, 1.0, step, axis_percent);

  slot = (p.right - p.left) / s->buckets->len;
  set_rgb (cr, line_colour);
  cairo_set_line_width (cr, 2);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);
      double x = p.left + slot * (i + 0.5), y;

      if (b->finished == 0)
        {
          pen_down = FALSE;   /* a gap where nothing was finished */
          continue;
        }
      y = p.bottom - ((double) b->finished_on_time / b->finished - low) / (1.0 - low) * (p.bottom - p.top);
      if (pen_down)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen_down = TRUE;
    }
  cairo_stroke (cr);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);

      if (b->finished == 0)
        continue;
      cairo_arc (cr, p.left + slot * (i + 0.5),
                 p.bottom - ((double) b->finished_on_time / b->finished - low) / (1.0 - low) * (p.bottom - p.top),
                 slot > 8 ? 3 : 1.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  draw_bucket_labels (cr, &p, s);
}

static void
draw_overdue (cairo_t *cr, const MotcuaStats *s, double width, double height)
{
  guint n = MIN (s->overdue_by_procedure->len, MAX_OVERDUE);
  double label_width = MIN (width * 0.42, 360);
  Plot p = { label_width + 12, 12, width - 48, height - 26 };
  double max = 0, step, row;

  if (n == 0)
    {
      draw_message (cr, width, height, _("No dossier is overdue."));
      return;
    }
  for (guint i = 0; i < n; i++)
    max = MAX (max, (double) ((MotcuaStatsOverdue *) g_ptr_array_index (s->overdue_by_procedure, i))->overdue);
  step = MAX (nice_step (max, 5), 1);
  max = ceil (max / step) * step;

  /* Vertical gridlines with the counts under them. */
  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= max + step / 1000; v += step)
    {
      double x = round (p.left + v / max * (p.right - p.left)) + 0.5;
      g_autofree char *text = axis_count (v);

      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_move_to (cr, x, p.top);
      cairo_line_to (cr, x, p.bottom);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      draw_text (cr, text, x, p.bottom + 12, ALIGN_CENTER, 0);
    }

  row = (p.bottom - p.top) / MAX (n, 4);
  for (guint i = 0; i < n; i++)
    {
      const MotcuaStatsOverdue *o = g_ptr_array_index (s->overdue_by_procedure, i);
      double y = p.top + row * i;
      double w = o->overdue / max * (p.right - p.left);
      g_autofree char *count = motcua_stats_format_count (o->overdue);

      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      draw_text (cr, o->procedure_name, 4, y + row / 2, ALIGN_LEFT, label_width - 8);
      set_rgb (cr, overdue_colour);
      cairo_rectangle (cr, p.left, y + row * 0.18, MAX (w, 1), row * 0.64);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      draw_text (cr, count, p.left + w + 4, y + row / 2, ALIGN_LEFT, 0);
    }
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_move_to (cr, p.left + 0.5, p.top);
  cairo_line_to (cr, p.left + 0.5, p.bottom);
  cairo_stroke (cr);
}

void
motcua_chart_draw (cairo_t *cr, MotcuaChartKind kind, const MotcuaStats *stats, double width, double height)
{
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  if (stats == NULL)
    draw_message (cr, width, height, _("Counting…"));
  else if (kind == MOTCUA_CHART_RECEIVED)
    draw_received (cr, stats, width, height);
  else if (kind == MOTCUA_CHART_ON_TIME)
    draw_on_time (cr, stats, width, height);
  else
    draw_overdue (cr, stats, width, height);
  cairo_restore (cr);
}

/* ---- the widget ---------------------------------------------------------------------- */

struct _MotcuaChart
{
  GtkWidget          parent_instance;
  MotcuaChartKind    kind;
  const MotcuaStats *stats;
};

G_DEFINE_FINAL_TYPE (MotcuaChart, motcua_chart, GTK_TYPE_WIDGET)

static void
motcua_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MotcuaChart *self = MOTCUA_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  motcua_chart_draw (cr, self->kind, self->stats, width, height);
  cairo_destroy (cr);
}

static void
motcua_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 220;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 260;
}

static void
motcua_chart_class_init (MotcuaChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = motcua_chart_snapshot;
  widget_class->measure = motcua_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
motcua_chart_init (MotcuaChart *self)
{
}

GtkWidget *
motcua_chart_new (MotcuaChartKind kind)
{
  MotcuaChart *self = g_object_new (MOTCUA_TYPE_CHART, NULL);

  self->kind = kind;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  motcua_chart_title (kind), -1);
  return GTK_WIDGET (self);
}

void
motcua_chart_set_stats (MotcuaChart *self, const MotcuaStats *stats)
{
  g_return_if_fail (MOTCUA_IS_CHART (self));

  self->stats = stats;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
