/* motcua-pdf-view.c: the document pane beside the dossier.
 *
 * Three parts, in the order Papers spreads them over its libview:
 *
 *  1. The worker: one thread owns the PopplerDocument (poppler objects may not be shared
 *     between threads) and runs jobs from a priority queue: open, page sizes, render a page
 *     or a thumbnail, find text on a page. Each job is a GTask, so its result comes back to
 *     the main loop through the task's callback and a job that is no longer wanted is
 *     simply cancelled.
 *  2. The canvas: a scrollable widget that lays out every page from its size alone and
 *     draws only the ones in view, so a 300-page PDF costs no more to open than its first
 *     page. Pages without a rendering yet are white placeholders of the right size.
 *  3. The view: toolbar, thumbnails, find bar and the empty/error states, driving the other
 *     two.
 *
 * They share this file because src/ui/meson.build lists one source per widget; each part
 * only talks to the others through the functions at the top of its section.
 */

#include <glib/gi18n.h>
#include <adwaita.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "motcua-error.h"
#include "motcua-focus.h"
#include "motcua-fold.h"
#include "motcua-pdf-view.h"

/* PDF sizes are in points; 100 % zoom shows them at 96 pixels per inch, as Papers does. */
#define POINTS_TO_PIXELS  (96.0 / 72.0)
#define PAGE_MARGIN       12.0
#define PAGE_SPACING      12.0
#define MIN_ZOOM          0.1
#define MAX_ZOOM          4.0
#define THUMBNAIL_WIDTH   112
/* Beyond this a single page would need hundreds of megabytes; it is rendered a little
 * softer instead. */
#define MAX_RENDER_PIXELS (24 * 1024 * 1024)
/* Pages kept rendered on each side of the view, so scrolling a little shows no blank. */
#define NEARBY_PAGES      1
#define KEPT_PAGES        3
#define KEPT_THUMBNAILS   200
/* Only a slow open shows the spinner; a fast one would just flicker. */
#define LOADING_DELAY_MS  300

typedef enum {
  ZOOM_FIT_WIDTH,
  ZOOM_FIT_PAGE,
  ZOOM_FREE,
} ZoomMode;

typedef struct {
  double width;
  double height;
} PageSize;

static const double zoom_steps[] = { 0.1, 0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0 };

static void
rotated_size (PageSize size, int rotation, double *width, double *height)
{
  gboolean sideways = rotation == 90 || rotation == 270;

  *width = sideways ? size.height : size.width;
  *height = sideways ? size.width : size.height;
}

/* Logical pixels per point. The worker computes the scale of the first page with this
 * same function before the canvas has laid anything out, so both agree to the bit and the
 * pre-rendered first page is used as it is. */
static double
layout_scale (ZoomMode mode, double zoom, int rotation, PageSize page,
              int viewport_width, int viewport_height)
{
  double width, height, scale;

  rotated_size (page, rotation, &width, &height);
  if (width <= 0 || height <= 0)
    return zoom * POINTS_TO_PIXELS;

  switch (mode)
    {
    case ZOOM_FIT_WIDTH:
      scale = (viewport_width - 2 * PAGE_MARGIN) / width;
      break;
    case ZOOM_FIT_PAGE:
      scale = MIN ((viewport_width - 2 * PAGE_MARGIN) / width,
                   (viewport_height - 2 * PAGE_MARGIN) / height);
      break;
    case ZOOM_FREE:
    default:
      scale = zoom * POINTS_TO_PIXELS;
      break;
    }

  return CLAMP (scale, MIN_ZOOM * POINTS_TO_PIXELS, MAX_ZOOM * POINTS_TO_PIXELS);
}

/* The size in pixels of a page drawn at @device_scale: the worker renders exactly this,
 * and the canvas lays the page out at exactly this, so textures are never resampled. */
static void
page_pixel_size (PageSize size, int rotation, double device_scale, int *width, int *height)
{
  double w, h;

  rotated_size (size, rotation, &w, &h);
  *width = MAX (1, (int) ceil (w * device_scale));
  *height = MAX (1, (int) ceil (h * device_scale));
}

/* ==== 1. The worker ================================================================= */

typedef enum {
  JOB_CLOSE,
  JOB_LOAD,
  JOB_SIZES,
  JOB_RENDER,
  JOB_FIND,
  JOB_QUIT,
} JobKind;

/* Lower runs first. */
typedef enum {
  JOB_PRIORITY_QUIT,
  JOB_PRIORITY_CLOSE,      /* always before the open that follows it */
  JOB_PRIORITY_URGENT,     /* opening a file, pages in view */
  JOB_PRIORITY_NEARBY,     /* pages just outside the view */
  JOB_PRIORITY_THUMBNAIL,
  JOB_PRIORITY_BACKGROUND, /* page sizes, search */
} JobPriority;

/* What the view knows about its layout when it asks for a file, so the worker can render
 * the first page straight after opening without a round trip through the main loop. */
typedef struct {
  ZoomMode mode;
  double   zoom;
  int      rotation;
  int      viewport_width;
  int      viewport_height;
  int      scale_factor;
} LayoutHint;

/* How a job finds its view again: weakly, so queued work never keeps a closed view (and
 * with it the worker thread) alive. */
typedef struct {
  GWeakRef view;
} ViewHandle;

static ViewHandle *
view_handle_new (gpointer view)
{
  ViewHandle *handle = g_atomic_rc_box_new0 (ViewHandle);

  g_weak_ref_init (&handle->view, view);
  return handle;
}

static void
view_handle_clear (gpointer data)
{
  g_weak_ref_clear (&((ViewHandle *) data)->view);
}

static void
view_handle_release (ViewHandle *handle)
{
  g_atomic_rc_box_release_full (handle, view_handle_clear);
}

typedef struct {
  JobKind      kind;
  JobPriority  priority;
  guint64      seq;
  guint        generation;
  GTask       *task;        /* NULL for JOB_QUIT */
  ViewHandle  *handle;      /* NULL for JOB_QUIT */

  /* JOB_LOAD */
  char        *path;
  char        *mime_type;
  LayoutHint   hint;

  /* JOB_RENDER, JOB_FIND */
  int          page;
  double       scale;       /* device pixels per point */
  int          rotation;
  gboolean     thumbnail;
  char        *text;
} Job;

typedef struct {
  int              n_pages;
  PageSize         first_size;
  gboolean         is_image;
  cairo_surface_t *first_page;        /* pre-rendered from the hint, or NULL */
  double           first_page_scale;  /* device pixels per point */
  int              first_page_rotation;
} LoadResult;

typedef struct {
  int              page;
  double           scale;             /* as requested: the canvas compares with it */
  int              rotation;
  gboolean         thumbnail;
  cairo_surface_t *surface;
} RenderResult;

typedef struct {
  GThread         *thread;
  GAsyncQueue     *jobs;               /* Job*, sorted by job_compare */
  guint64          next_seq;           /* main thread only */
  int              generation;         /* atomic: jobs of older generations are dropped */
  int              n_rendered;         /* atomic debug counters, reset on each open */
  int              n_thumbnails;

  /* Worker thread only */
  PopplerDocument *document;
  cairo_surface_t *image;
  PageSize         image_size;
} PdfWorker;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->handle, view_handle_release);
  g_free (job->path);
  g_free (job->mime_type);
  g_free (job->text);
  g_free (job);
}

static void
load_result_free (gpointer data)
{
  LoadResult *result = data;

  g_clear_pointer (&result->first_page, cairo_surface_destroy);
  g_free (result);
}

static void
render_result_free (gpointer data)
{
  RenderResult *result = data;

  g_clear_pointer (&result->surface, cairo_surface_destroy);
  g_free (result);
}

/* Urgent work first; among pages in view the newest request first, because it is where
 * the clerk has just scrolled to; everything else in the order it was asked for (search
 * goes from the current page onwards). */
static int
job_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Job *job_a = a;
  const Job *job_b = b;

  if (job_a->priority != job_b->priority)
    return job_a->priority < job_b->priority ? -1 : 1;
  if (job_a->seq == job_b->seq)
    return 0;
  if (job_a->priority == JOB_PRIORITY_URGENT)
    return job_a->seq > job_b->seq ? -1 : 1;
  return job_a->seq < job_b->seq ? -1 : 1;
}

/* ---- opening ---------------------------------------------------------------------- */

/* The first kilobyte of a file tells what it is; the last one, read only when poppler has
 * refused the file, whether it is whole. Plain reads: this sits on the way to the first
 * page of every file. */
typedef struct {
  char  head[1024];
  gsize head_len;
  char  tail[1024];
  gsize tail_len;
} FileProbe;

static gboolean
read_at (int fd, goffset offset, char *buffer, gsize size, gsize *length)
{
  gssize got;

  do
    got = pread (fd, buffer, size, offset);
  while (got < 0 && errno == EINTR);
  *length = got > 0 ? (gsize) got : 0;
  return got >= 0;
}

static gboolean
probe_file (const char *path, FileProbe *probe, gboolean with_tail)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  memset (probe, 0, sizeof *probe);
  if (fd < 0)
    return FALSE;
  ok = read_at (fd, 0, probe->head, sizeof probe->head, &probe->head_len);
  if (ok && with_tail)
    {
      goffset end = lseek (fd, 0, SEEK_END);

      ok = read_at (fd, MAX (0, end - (goffset) sizeof probe->tail), probe->tail, sizeof probe->tail,
                    &probe->tail_len);
    }
  g_close (fd, NULL);
  return ok;
}

/* Binary files hold NUL bytes, which stop the string functions. */
static gboolean
bytes_contain (const char *bytes, gsize len, const char *needle)
{
  gsize needle_len = strlen (needle);

  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (bytes + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_pdf_header (const FileProbe *probe)
{
  /* The specification allows junk before the header within the first kilobyte. */
  return bytes_contain (probe->head, probe->head_len, "%PDF-");
}

static gboolean
has_image_signature (const FileProbe *probe)
{
  const char *head = probe->head;

  static const guchar png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guchar jpeg[] = { 0xff, 0xd8, 0xff };

  if (probe->head_len < 12)
    return FALSE;
  return memcmp (head, png, sizeof png) == 0 ||
         memcmp (head, jpeg, sizeof jpeg) == 0 ||
         memcmp (head, "GIF8", 4) == 0 ||
         memcmp (head, "II*\0", 4) == 0 ||
         memcmp (head, "MM\0*", 4) == 0 ||
         (memcmp (head, "RIFF", 4) == 0 && memcmp (head + 8, "WEBP", 4) == 0);
}

/* Missing and empty files are told apart before poppler sees them: poppler reports both
 * as "damaged", which would send the clerk looking for the wrong problem. */
static gboolean
check_file (const char *path, GError **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                             _("The file could not be found: it may have been moved or deleted"));
      else
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                     _("The file could not be read: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("This is not a document file"));
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("The file is empty: nothing was saved in it"));
      return FALSE;
    }
  return TRUE;
}

static GError *
pdf_open_error (const char *path, const GError *poppler_error)
{
  FileProbe whole;
  const FileProbe *probe = &whole;

  probe_file (path, &whole, TRUE);
  if (g_error_matches (poppler_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
    return g_error_new_literal (MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                                _("This PDF is protected by a password and cannot be shown"));
  if (!has_pdf_header (probe))
    return g_error_new_literal (MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                                _("This file is not a PDF document or an image, or it is damaged"));
  /* Every complete PDF ends with %%EOF; a file cut short while copying or scanning does not. */
  if (!bytes_contain (probe->tail, probe->tail_len, "%%EOF"))
    return g_error_new_literal (MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                                _("This PDF is incomplete: the file was cut short, perhaps while it was being copied or scanned"));
  return g_error_new_literal (MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                              _("This PDF is damaged and cannot be shown"));
}

static PopplerDocument *
open_pdf (const char *path, GError **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autoptr(GError) poppler_error = NULL;
  PopplerDocument *document = NULL;

  /* No g_autoptr for poppler types: poppler-glib 22 does not define them. */
  if (uri != NULL)
    document = poppler_document_new_from_file (uri, NULL, &poppler_error);
  if (document == NULL)
    {
      g_debug ("poppler could not open %s: %s", path,
               poppler_error != NULL ? poppler_error->message : "bad file name");
      g_propagate_error (error, pdf_open_error (path, poppler_error));
      return NULL;
    }
  if (poppler_document_get_n_pages (document) < 1)
    {
      g_object_unref (document);
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("This PDF has no pages"));
      return NULL;
    }
  return document;
}

/* Cairo wants premultiplied native-endian ARGB; gdk-pixbuf gives straight RGB(A) bytes.
 * Converted once on opening so every zoom level renders from the same surface. */
static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *src = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  guchar *dest;
  int dest_stride;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  dest = cairo_image_surface_get_data (surface);
  dest_stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    {
      const guchar *s = src + (gsize) y * src_stride;
      guint32 *d = (guint32 *) (gpointer) (dest + (gsize) y * dest_stride);

      for (int x = 0; x < width; x++, s += channels)
        {
          guint a = channels == 4 ? s[3] : 0xff;
          guint r = (s[0] * a + 127) / 255;
          guint g = (s[1] * a + 127) / 255;
          guint b = (s[2] * a + 127) / 255;

          d[x] = (a << 24) | (r << 16) | (g << 8) | b;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static gboolean
open_image (PdfWorker *worker, const char *path, GError **error)
{
  g_autoptr(GError) pixbuf_error = NULL;
  g_autoptr(GdkPixbuf) loaded = gdk_pixbuf_new_from_file (path, &pixbuf_error);
  g_autoptr(GdkPixbuf) upright = NULL;
  cairo_surface_t *surface;

  if (loaded == NULL)
    {
      g_debug ("gdk-pixbuf could not open %s: %s", path, pixbuf_error->message);
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("This image is damaged or in a format that cannot be shown"));
      return FALSE;
    }
  /* Phones and some scanners store the picture sideways and say so in EXIF. */
  upright = gdk_pixbuf_apply_embedded_orientation (loaded);
  surface = surface_from_pixbuf (upright);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("This image is too large to be shown"));
      return FALSE;
    }
  worker->image = surface;
  /* One image pixel is one screen pixel at 100 %. */
  worker->image_size.width = gdk_pixbuf_get_width (upright) / POINTS_TO_PIXELS;
  worker->image_size.height = gdk_pixbuf_get_height (upright) / POINTS_TO_PIXELS;
  return TRUE;
}

static PageSize
worker_page_size (PdfWorker *worker, int page_index)
{
  PageSize size = { 0, 0 };

  if (worker->image != NULL)
    return worker->image_size;
  if (worker->document != NULL)
    {
      PopplerPage *page = poppler_document_get_page (worker->document, page_index);

      if (page != NULL)
        {
          poppler_page_get_size (page, &size.width, &size.height);
          g_object_unref (page);
        }
    }
  return size;
}

/* ---- pixel buffers ---------------------------------------------------------------- */

/* Renderings of one document mostly have one size, and a page scrolled away frees its
 * buffer just as the next page needs one. Reusing buffers spares faulting in megabytes of
 * fresh memory for every page, which is slow on the virtual machines at many counters. */
#define POOL_MAX_BUFFERS 8
#define POOL_MAX_BYTES   (96 * 1024 * 1024)

typedef struct {
  gsize  size;
  guchar *data;
} PixelBuffer;

G_LOCK_DEFINE_STATIC (pool);
static GQueue pool_buffers = G_QUEUE_INIT;   /* most recently returned first */
static gsize pool_bytes;
static cairo_user_data_key_t pool_key;

static void
pixel_buffer_free (PixelBuffer *buffer)
{
  g_aligned_free (buffer->data);
  g_free (buffer);
}

static PixelBuffer *
pool_take (gsize size)
{
  PixelBuffer *found = NULL;

  G_LOCK (pool);
  for (GList *l = pool_buffers.head; l != NULL; l = l->next)
    {
      PixelBuffer *buffer = l->data;

      if (buffer->size == size)
        {
          g_queue_delete_link (&pool_buffers, l);
          pool_bytes -= size;
          found = buffer;
          break;
        }
    }
  G_UNLOCK (pool);

  if (found == NULL)
    {
      found = g_new0 (PixelBuffer, 1);
      found->size = size;
      found->data = g_aligned_alloc (size, 1, 64);
    }
  return found;
}

/* Called by cairo when the last reference to a rendering goes, in whichever thread. */
static void
pool_give_back (gpointer data)
{
  PixelBuffer *buffer = data;
  GQueue evicted = G_QUEUE_INIT;

  G_LOCK (pool);
  g_queue_push_head (&pool_buffers, buffer);
  pool_bytes += buffer->size;
  while (pool_buffers.length > POOL_MAX_BUFFERS || pool_bytes > POOL_MAX_BYTES)
    {
      PixelBuffer *oldest = g_queue_pop_tail (&pool_buffers);

      pool_bytes -= oldest->size;
      g_queue_push_tail (&evicted, oldest);
    }
  G_UNLOCK (pool);

  g_queue_clear_full (&evicted, (GDestroyNotify) pixel_buffer_free);
}

static cairo_surface_t *
pooled_surface_new (int width, int height)
{
  int stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, width);
  PixelBuffer *buffer = pool_take ((gsize) stride * height);
  cairo_surface_t *surface = cairo_image_surface_create_for_data (buffer->data, CAIRO_FORMAT_ARGB32,
                                                                  width, height, stride);

  if (cairo_surface_set_user_data (surface, &pool_key, buffer, pool_give_back) != CAIRO_STATUS_SUCCESS)
    pool_give_back (buffer);
  return surface;
}

/* ---- rendering -------------------------------------------------------------------- */

static void
apply_rotation (cairo_t *cr, int rotation, PageSize size, double scale)
{
  switch (rotation)
    {
    case 90:
      cairo_translate (cr, size.height * scale, 0);
      break;
    case 180:
      cairo_translate (cr, size.width * scale, size.height * scale);
      break;
    case 270:
      cairo_translate (cr, 0, size.width * scale);
      break;
    default:
      break;
    }
  cairo_rotate (cr, rotation * G_PI / 180.0);
  cairo_scale (cr, scale, scale);
}

static cairo_surface_t *
worker_render (PdfWorker *worker, int page_index, double scale, int rotation)
{
  PageSize size = worker_page_size (worker, page_index);
  PopplerPage *page = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  page_pixel_size (size, rotation, scale, &width, &height);
  if ((double) width * height > MAX_RENDER_PIXELS)
    {
      scale *= sqrt (MAX_RENDER_PIXELS / ((double) width * height));
      page_pixel_size (size, rotation, scale, &width, &height);
    }

  surface = pooled_surface_new (width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;

  cr = cairo_create (surface);
  /* Poppler draws on a transparent page; paper is white. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  apply_rotation (cr, rotation, size, scale);
  if (worker->image != NULL)
    {
      cairo_scale (cr, 1 / POINTS_TO_PIXELS, 1 / POINTS_TO_PIXELS);
      cairo_set_source_surface (cr, worker->image, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
    }
  else if ((page = poppler_document_get_page (worker->document, page_index)) != NULL)
    {
      poppler_page_render (page, cr);
      g_object_unref (page);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* ---- the jobs --------------------------------------------------------------------- */

static void
worker_close (PdfWorker *worker)
{
  g_clear_object (&worker->document);
  g_clear_pointer (&worker->image, cairo_surface_destroy);
}

static void
worker_run_load (PdfWorker *worker, Job *job)
{
  g_autoptr(GError) error = NULL;
  LoadResult *result;
  FileProbe probe;

  worker_close (worker);
  g_atomic_int_set (&worker->n_rendered, 0);
  g_atomic_int_set (&worker->n_thumbnails, 0);

  if (!check_file (job->path, &error))
    {
      g_task_return_error (job->task, g_steal_pointer (&error));
      return;
    }
  if (!probe_file (job->path, &probe, FALSE))
    {
      g_task_return_new_error (job->task, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                               _("The file could not be read"));
      return;
    }

  result = g_new0 (LoadResult, 1);
  /* The bytes decide, not the name or the recorded type: scanners mislabel files. */
  result->is_image = has_image_signature (&probe) ||
                     (!has_pdf_header (&probe) &&
                      job->mime_type != NULL && g_str_has_prefix (job->mime_type, "image/"));
  if (result->is_image ? !open_image (worker, job->path, &error)
                       : (worker->document = open_pdf (job->path, &error)) == NULL)
    {
      load_result_free (result);
      g_task_return_error (job->task, g_steal_pointer (&error));
      return;
    }

  result->n_pages = worker->image != NULL ? 1 : poppler_document_get_n_pages (worker->document);
  result->first_size = worker_page_size (worker, 0);

  if (job->hint.viewport_width > 0 && job->hint.viewport_height > 0)
    {
      const LayoutHint *hint = &job->hint;

      result->first_page_rotation = hint->rotation;
      result->first_page_scale = layout_scale (hint->mode, hint->zoom, hint->rotation,
                                               result->first_size, hint->viewport_width,
                                               hint->viewport_height) * hint->scale_factor;
      result->first_page = worker_render (worker, 0, result->first_page_scale, hint->rotation);
      g_atomic_int_inc (&worker->n_rendered);
    }

  g_task_return_pointer (job->task, result, load_result_free);
}

static void
worker_run_sizes (PdfWorker *worker, Job *job)
{
  int n_pages = worker->document != NULL ? poppler_document_get_n_pages (worker->document) : 1;
  GArray *sizes = g_array_sized_new (FALSE, FALSE, sizeof (PageSize), n_pages);

  for (int i = 0; i < n_pages; i++)
    {
      PageSize size;

      /* A newer file makes the rest of this list pointless. */
      if (job->generation != (guint) g_atomic_int_get (&worker->generation))
        {
          g_array_unref (sizes);
          g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "superseded");
          return;
        }
      size = worker_page_size (worker, i);
      g_array_append_val (sizes, size);
    }
  g_task_return_pointer (job->task, sizes, (GDestroyNotify) g_array_unref);
}

static void
worker_run_render (PdfWorker *worker, Job *job)
{
  RenderResult *result = g_new0 (RenderResult, 1);

  result->page = job->page;
  result->scale = job->scale;
  result->rotation = job->rotation;
  result->thumbnail = job->thumbnail;
  result->surface = worker_render (worker, job->page, job->scale, job->rotation);
  g_atomic_int_inc (job->thumbnail ? &worker->n_thumbnails : &worker->n_rendered);
  g_task_return_pointer (job->task, result, render_result_free);
}

/* The page text folded as the clerk's query is (lowercase, no tone or vowel marks, đ → d),
 * with, for each folded character, the index of the page character it came from.
 * poppler's own "ignore diacritics" leaves precomposed Vietnamese letters alone. */
static char *
fold_page_text (const char *text, GArray *origin)
{
  GString *folded = g_string_sized_new (strlen (text));
  int index = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p), index++)
    {
      char one[8] = { 0 };
      g_autofree char *part = NULL;

      if ((guchar) *p < 0x80)
        {
          g_string_append_c (folded, g_ascii_tolower (*p));
          g_array_append_val (origin, index);
          continue;
        }
      g_unichar_to_utf8 (g_utf8_get_char (p), one);
      part = motcua_fold_text (one);
      for (const char *q = part; *q != '\0'; q = g_utf8_next_char (q))
        {
          g_string_append_unichar (folded, g_utf8_get_char (q));
          g_array_append_val (origin, index);
        }
    }
  return g_string_free (folded, FALSE);
}

/* One rectangle per line the match covers, from the boxes of its characters. */
static void
append_match_rects (GArray *rects, const char *text, const PopplerRectangle *boxes, guint n_boxes,
                    int first, int last)
{
  const char *p = g_utf8_offset_to_pointer (text, first);
  graphene_rect_t line = GRAPHENE_RECT_INIT (0, 0, 0, 0);
  gboolean open = FALSE;

  for (int i = first; i <= last && i < (int) n_boxes; i++, p = g_utf8_next_char (p))
    {
      const PopplerRectangle *box = &boxes[i];
      graphene_rect_t r = GRAPHENE_RECT_INIT (MIN (box->x1, box->x2), MIN (box->y1, box->y2),
                                              fabs (box->x2 - box->x1), fabs (box->y2 - box->y1));

      if (*p == '\n' || r.size.height <= 0)
        continue;
      if (open && fabs (r.origin.y - line.origin.y) < line.size.height / 2 && r.origin.x >= line.origin.x)
        graphene_rect_union (&line, &r, &line);
      else
        {
          if (open)
            g_array_append_val (rects, line);
          line = r;
          open = TRUE;
        }
    }
  if (open)
    g_array_append_val (rects, line);
}

/* Matches in points, origin at the top left of the unrotated page. */
static void
worker_run_find (PdfWorker *worker, Job *job)
{
  GArray *rects = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  PopplerPage *page = worker->document != NULL ? poppler_document_get_page (worker->document, job->page) : NULL;
  gsize query_length = strlen (job->text);
  g_autoptr(GArray) origin = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;
  g_autofree PopplerRectangle *boxes = NULL;
  guint n_boxes = 0;

  if (page != NULL && query_length > 0 &&
      (text = poppler_page_get_text (page)) != NULL &&
      poppler_page_get_text_layout (page, &boxes, &n_boxes))
    {
      folded = fold_page_text (text, origin);
      for (const char *hit = strstr (folded, job->text); hit != NULL; hit = strstr (hit + query_length, job->text))
        {
          long start = g_utf8_pointer_to_offset (folded, hit);
          long end = start + g_utf8_strlen (job->text, -1) - 1;

          append_match_rects (rects, text, boxes, n_boxes,
                              g_array_index (origin, int, start), g_array_index (origin, int, end));
        }
    }
  g_clear_object (&page);
  g_task_return_pointer (job->task, rects, (GDestroyNotify) g_array_unref);
}

static void
worker_run (PdfWorker *worker, Job *job)
{
  if (job->generation != (guint) g_atomic_int_get (&worker->generation))
    {
      g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "superseded");
      return;
    }
  if (g_task_return_error_if_cancelled (job->task))
    return;
  if (job->kind == JOB_CLOSE)
    {
      worker_close (worker);
      g_task_return_boolean (job->task, TRUE);
      return;
    }
  if (job->kind != JOB_LOAD && worker->document == NULL && worker->image == NULL)
    {
      g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "no document");
      return;
    }

  switch (job->kind)
    {
    case JOB_LOAD:
      worker_run_load (worker, job);
      break;
    case JOB_SIZES:
      worker_run_sizes (worker, job);
      break;
    case JOB_RENDER:
      worker_run_render (worker, job);
      break;
    case JOB_FIND:
      worker_run_find (worker, job);
      break;
    case JOB_CLOSE:
    case JOB_QUIT:
    default:
      g_assert_not_reached ();
    }
}

static gpointer
worker_thread_main (gpointer data)
{
  PdfWorker *worker = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (worker->jobs);
      gboolean quit = job->kind == JOB_QUIT;

      if (!quit)
        worker_run (worker, job);
      /* The task owns the job; dropping our reference may free both. */
      if (job->task != NULL)
        g_object_unref (job->task);
      else
        job_free (job);
      if (quit)
        break;
    }

  worker_close (worker);
  return NULL;
}

static PdfWorker *
pdf_worker_new (void)
{
  PdfWorker *worker = g_new0 (PdfWorker, 1);

  worker->jobs = g_async_queue_new ();
  worker->thread = g_thread_new ("motcua-pdf", worker_thread_main, worker);
  return worker;
}

/* Takes the task; the job is the task's data. */
static void
pdf_worker_push (PdfWorker *worker, GTask *task)
{
  g_async_queue_push_sorted (worker->jobs, g_task_get_task_data (task), job_compare, NULL);
}

/* Jobs of the previous file are failed here rather than left for the worker, so a newly
 * opened file does not wait behind them. */
static void
pdf_worker_drop_pending (PdfWorker *worker)
{
  GQueue dropped = G_QUEUE_INIT;
  Job *job;

  g_async_queue_lock (worker->jobs);
  while ((job = g_async_queue_try_pop_unlocked (worker->jobs)) != NULL)
    g_queue_push_tail (&dropped, job);
  g_async_queue_unlock (worker->jobs);

  while ((job = g_queue_pop_head (&dropped)) != NULL)
    {
      GTask *task = job->task;

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "superseded");
      g_object_unref (task);
    }
}

static void
pdf_worker_free (PdfWorker *worker)
{
  Job *quit = g_new0 (Job, 1);

  quit->kind = JOB_QUIT;
  quit->priority = JOB_PRIORITY_QUIT;
  g_atomic_int_inc (&worker->generation);
  pdf_worker_drop_pending (worker);
  g_async_queue_push_sorted (worker->jobs, quit, job_compare, NULL);
  g_thread_join (worker->thread);
  pdf_worker_drop_pending (worker);
  g_async_queue_unref (worker->jobs);
  g_free (worker);
}

/* Turns a finished rendering into something GTK can upload once and draw many times,
 * without copying the pixels: the bytes keep the cairo surface alive. */
static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  g_autoptr(GBytes) bytes = NULL;
  int height;
  int stride;

  if (surface == NULL || cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return NULL;
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) height * stride,
                                      (GDestroyNotify) cairo_surface_destroy,
                                      cairo_surface_reference (surface));
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), height,
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}

/* ==== 2. The canvas ================================================================= */

#define MOTCUA_TYPE_PDF_CANVAS (motcua_pdf_canvas_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaPdfCanvas, motcua_pdf_canvas, MOTCUA, PDF_CANVAS, GtkWidget)

typedef struct {
  GdkTexture      *texture;  /* shares its pixels with surface */
  cairo_surface_t *surface;
  double           scale;    /* device pixels per point it was asked for */
  int              rotation;
} PageImage;

struct _MotcuaPdfCanvas
{
  GtkWidget      parent_instance;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;

  GArray        *sizes;          /* PageSize per page, points */
  PageSize       max_size;
  GArray        *rects;          /* graphene_rect_t per page, document pixels */
  double         doc_width;
  double         doc_height;
  gboolean       layout_dirty;
  GPtrArray     *images;         /* PageImage or NULL per page */
  GPtrArray     *matches;        /* GArray of graphene_rect_t per page, or NULL */
  int            selected_page;
  int            selected_match;

  ZoomMode       mode;
  double         zoom;
  int            rotation;
  double         scale;          /* logical pixels per point, from the last layout */

  /* Where the view stays across a relayout: this page, this far down it. */
  gboolean       anchor_pending;
  int            anchor_page;
  double         anchor_fraction;
  double         anchor_offset;
  double         anchor_hfraction;

  /* A page the clerk navigated to stays the current page while the view has not moved,
   * even when it cannot scroll to the top (the last pages of a document). */
  int            nav_page;
  double         nav_value;

  gboolean       painted;
  gulong         after_paint_id;
};

enum {
  CANVAS_PROP_0,
  CANVAS_PROP_HADJUSTMENT,
  CANVAS_PROP_VADJUSTMENT,
  CANVAS_PROP_HSCROLL_POLICY,
  CANVAS_PROP_VSCROLL_POLICY,
};

enum {
  CANVAS_LAYOUT_CHANGED,
  CANVAS_FIRST_PAINT,
  CANVAS_N_SIGNALS
};

static guint canvas_signals[CANVAS_N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (MotcuaPdfCanvas, motcua_pdf_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* NULL-safe: GPtrArray calls it for the empty slots too. */
static void
page_image_free (gpointer data)
{
  PageImage *image = data;

  if (image == NULL)
    return;
  g_clear_object (&image->texture);
  g_clear_pointer (&image->surface, cairo_surface_destroy);
  g_free (image);
}

static void
match_rects_free (gpointer data)
{
  if (data != NULL)
    g_array_unref (data);
}

static int
canvas_n_pages (MotcuaPdfCanvas *self)
{
  return self->sizes != NULL ? (int) self->sizes->len : 0;
}

static const graphene_rect_t *
canvas_page_rect (MotcuaPdfCanvas *self, int page)
{
  return &g_array_index (self->rects, graphene_rect_t, page);
}

static int
canvas_scale_factor (MotcuaPdfCanvas *self)
{
  return gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

/* First page whose bottom is below @y, by bisection: pages are in order. */
static int
canvas_page_at_y (MotcuaPdfCanvas *self, double y)
{
  int low = 0;
  int high = canvas_n_pages (self) - 1;

  while (low < high)
    {
      int mid = (low + high) / 2;
      const graphene_rect_t *rect = canvas_page_rect (self, mid);

      if (rect->origin.y + rect->size.height + PAGE_SPACING / 2 <= y)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static gboolean
canvas_nav_active (MotcuaPdfCanvas *self)
{
  return self->nav_page >= 0 &&
         fabs (gtk_adjustment_get_value (self->vadjustment) - self->nav_value) < 1;
}

static void
canvas_capture_anchor (MotcuaPdfCanvas *self)
{
  double value = gtk_adjustment_get_value (self->vadjustment);
  double hvalue = gtk_adjustment_get_value (self->hadjustment);
  double hpage = gtk_adjustment_get_page_size (self->hadjustment);
  const graphene_rect_t *rect;

  if (self->anchor_pending || canvas_n_pages (self) == 0 || self->rects->len == 0)
    return;

  self->anchor_pending = TRUE;
  self->anchor_hfraction = self->doc_width > 0 ? (hvalue + hpage / 2) / self->doc_width : 0.5;
  if (canvas_nav_active (self))
    {
      self->anchor_page = self->nav_page;
      self->anchor_fraction = 0;
      self->anchor_offset = -PAGE_MARGIN;
      return;
    }
  self->anchor_page = canvas_page_at_y (self, value);
  rect = canvas_page_rect (self, self->anchor_page);
  self->anchor_fraction = (value - rect->origin.y) / rect->size.height;
  self->anchor_offset = 0;
}

static void
canvas_invalidate (MotcuaPdfCanvas *self)
{
  canvas_capture_anchor (self);
  self->layout_dirty = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
canvas_relayout (MotcuaPdfCanvas *self, int width, int height)
{
  int n_pages = canvas_n_pages (self);
  int scale_factor = canvas_scale_factor (self);
  double y = PAGE_MARGIN;
  double widest = 0;

  self->scale = layout_scale (self->mode, self->zoom, self->rotation, self->max_size, width, height);
  g_array_set_size (self->rects, n_pages);

  for (int i = 0; i < n_pages; i++)
    {
      graphene_rect_t *rect = &g_array_index (self->rects, graphene_rect_t, i);
      int w, h;

      page_pixel_size (g_array_index (self->sizes, PageSize, i), self->rotation,
                       self->scale * scale_factor, &w, &h);
      graphene_rect_init (rect, 0, y, (double) w / scale_factor, (double) h / scale_factor);
      widest = MAX (widest, rect->size.width);
      y += rect->size.height + PAGE_SPACING;
    }

  self->doc_width = widest + 2 * PAGE_MARGIN;
  self->doc_height = n_pages > 0 ? y - PAGE_SPACING + PAGE_MARGIN : 0;
  /* Centre each page in the column; whole pixels keep the textures sharp. */
  for (int i = 0; i < n_pages; i++)
    {
      graphene_rect_t *rect = &g_array_index (self->rects, graphene_rect_t, i);

      rect->origin.x = floor ((MAX (self->doc_width, width) - rect->size.width) / 2);
    }
  self->layout_dirty = FALSE;
}

static double
canvas_anchor_value (MotcuaPdfCanvas *self)
{
  const graphene_rect_t *rect;

  if (self->anchor_page < 0 || self->anchor_page >= canvas_n_pages (self))
    return 0;
  rect = canvas_page_rect (self, self->anchor_page);
  return rect->origin.y + self->anchor_fraction * rect->size.height + self->anchor_offset;
}

static void
canvas_configure_adjustments (MotcuaPdfCanvas *self, int width, int height)
{
  double value = gtk_adjustment_get_value (self->vadjustment);
  double hvalue = gtk_adjustment_get_value (self->hadjustment);
  double upper = MAX (self->doc_height, height);
  double hupper = MAX (self->doc_width, width);

  if (self->anchor_pending)
    {
      gboolean keep_nav = self->nav_page >= 0 && self->nav_page == self->anchor_page;

      value = canvas_anchor_value (self);
      hvalue = self->anchor_hfraction * self->doc_width - width / 2.0;
      self->anchor_pending = FALSE;
      value = CLAMP (value, 0, upper - height);
      if (keep_nav)
        self->nav_value = value;
      else
        self->nav_page = -1;
    }

  gtk_adjustment_configure (self->hadjustment, CLAMP (hvalue, 0, hupper - width), 0, hupper,
                            width * 0.1, width * 0.9, width);
  gtk_adjustment_configure (self->vadjustment, CLAMP (value, 0, upper - height), 0, upper,
                            height * 0.1, height * 0.9, height);
}

static void
motcua_pdf_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (widget);

  /* A wider pane changes the fit-width scale: keep the same text in view. */
  if (self->mode != ZOOM_FREE)
    canvas_capture_anchor (self);
  canvas_relayout (self, width, height);
  canvas_configure_adjustments (self, width, height);
  g_signal_emit (self, canvas_signals[CANVAS_LAYOUT_CHANGED], 0);
}

/* The size of the laid-out document for a view @width wide, without laying it out. */
static void
canvas_document_size (MotcuaPdfCanvas *self, int width, int height, double *doc_width, double *doc_height)
{
  int scale_factor = canvas_scale_factor (self);
  double scale = layout_scale (self->mode, self->zoom, self->rotation, self->max_size, width, height);
  double widest = 0, total = 0;

  for (guint i = 0; i < self->sizes->len; i++)
    {
      int w, h;

      page_pixel_size (g_array_index (self->sizes, PageSize, i), self->rotation, scale * scale_factor, &w, &h);
      widest = MAX (widest, (double) w / scale_factor);
      total += (double) h / scale_factor + PAGE_SPACING;
    }
  *doc_width = self->sizes->len > 0 ? widest + 2 * PAGE_MARGIN : 0;
  *doc_height = self->sizes->len > 0 ? total - PAGE_SPACING + 2 * PAGE_MARGIN : 0;
}

/* The scrolled window decides from this whether to show its scrollbars before it
 * allocates the canvas. Were it wrong, the adjustments set during the allocation would
 * flip a scrollbar and queue a second layout in the middle of the first. */
static void
motcua_pdf_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (widget);
  int width = for_size >= 0 && orientation == GTK_ORIENTATION_VERTICAL ? for_size : gtk_widget_get_width (widget);
  double doc_width, doc_height;

  canvas_document_size (self, width, gtk_widget_get_height (widget), &doc_width, &doc_height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    /* Fit modes fit whatever width they are given. */
    *minimum = *natural = self->mode == ZOOM_FREE ? (int) ceil (doc_width) : 0;
  else
    *minimum = *natural = (int) ceil (doc_height);
}

static GtkSizeRequestMode
motcua_pdf_canvas_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static GdkRGBA
canvas_lookup_color (MotcuaPdfCanvas *self, const char *name, const char *fallback)
{
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)), name, &color))
    gdk_rgba_parse (&color, fallback);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

/* A rectangle in page points (top left origin, unrotated) in document pixels. */
static graphene_rect_t
canvas_page_to_document (MotcuaPdfCanvas *self, int page, const graphene_rect_t *r)
{
  PageSize size = g_array_index (self->sizes, PageSize, page);
  const graphene_rect_t *page_rect = canvas_page_rect (self, page);
  double sx = page_rect->size.width / (self->rotation % 180 ? size.height : size.width);
  double sy = page_rect->size.height / (self->rotation % 180 ? size.width : size.height);
  double x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;
  graphene_rect_t out;

  switch (self->rotation)
    {
    case 90:
      graphene_rect_init (&out, size.height - y - h, x, h, w);
      break;
    case 180:
      graphene_rect_init (&out, size.width - x - w, size.height - y - h, w, h);
      break;
    case 270:
      graphene_rect_init (&out, y, size.width - x - w, h, w);
      break;
    default:
      graphene_rect_init (&out, x, y, w, h);
      break;
    }
  graphene_rect_init (&out, page_rect->origin.x + out.origin.x * sx,
                      page_rect->origin.y + out.origin.y * sy,
                      out.size.width * sx, out.size.height * sy);
  return out;
}

static void
canvas_snapshot_matches (MotcuaPdfCanvas *self, GtkSnapshot *snapshot, int page)
{
  GArray *rects = self->matches != NULL && page < (int) self->matches->len
                  ? g_ptr_array_index (self->matches, page) : NULL;
  GdkRGBA accent = canvas_lookup_color (self, "accent_bg_color", "#3584e4");

  if (rects == NULL)
    return;

  for (guint i = 0; i < rects->len; i++)
    {
      graphene_rect_t r = canvas_page_to_document (self, page, &g_array_index (rects, graphene_rect_t, i));
      gboolean selected = page == self->selected_page && (int) i == self->selected_match;
      GdkRGBA fill = accent;

      graphene_rect_inset (&r, -1, -1);
      fill.alpha = selected ? 0.55 : 0.25;
      gtk_snapshot_append_color (snapshot, &fill, &r);
      if (selected)
        {
          GskRoundedRect outline;
          const float widths[4] = { 2, 2, 2, 2 };
          const GdkRGBA colors[4] = { accent, accent, accent, accent };

          gsk_rounded_rect_init_from_rect (&outline, &r, 2);
          gtk_snapshot_append_border (snapshot, &outline, widths, colors);
        }
    }
}

static void
on_after_paint (GdkFrameClock *clock, MotcuaPdfCanvas *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  g_signal_emit (self, canvas_signals[CANVAS_FIRST_PAINT], 0);
}

/* "loaded" means the clerk can see the page, so it waits for the frame that drew it. */
static void
canvas_note_painted (MotcuaPdfCanvas *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->painted || clock == NULL)
    return;
  self->painted = TRUE;
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

/* The GL renderer uploads a texture once and keeps it; GTK 4.8's cairo renderer (software
 * rendering: virtual machines, Xvfb) instead copies a texture into a new surface on every
 * frame. There the rendering is painted from its own cairo surface, without a copy. */
static gboolean
canvas_renders_with_cairo (MotcuaPdfCanvas *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

static void
canvas_snapshot_image (MotcuaPdfCanvas *self, GtkSnapshot *snapshot, PageImage *image,
                       const graphene_rect_t *rect)
{
  cairo_t *cr;

  if (!canvas_renders_with_cairo (self))
    {
      gtk_snapshot_append_texture (snapshot, image->texture, rect);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, rect);
  cairo_translate (cr, rect->origin.x, rect->origin.y);
  cairo_scale (cr, rect->size.width / cairo_image_surface_get_width (image->surface),
               rect->size.height / cairo_image_surface_get_height (image->surface));
  cairo_set_source_surface (cr, image->surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
canvas_snapshot_page (MotcuaPdfCanvas *self, GtkSnapshot *snapshot, int page)
{
  const graphene_rect_t *rect = canvas_page_rect (self, page);
  PageImage *image = g_ptr_array_index (self->images, page);
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA edge = { 0, 0, 0, 0.18 };
  static const GdkRGBA drop = { 0, 0, 0, 0.08 };
  graphene_rect_t shadow;

  /* A hard-edged shadow: a blurred one costs a software renderer (Xvfb, virtual machines
   * at the counter) more than the page itself. */
  graphene_rect_offset_r (rect, 0, 2, &shadow);
  gtk_snapshot_append_color (snapshot, &drop, &shadow);
  graphene_rect_inset_r (rect, -1, -1, &shadow);
  gtk_snapshot_append_color (snapshot, &edge, &shadow);
  gtk_snapshot_append_color (snapshot, &white, rect);
  /* A rendering at another zoom is stretched until the new one arrives, as in Papers;
   * one at another rotation would be wrong, so the page stays blank instead. */
  if (image != NULL && image->rotation == self->rotation)
    {
      canvas_snapshot_image (self, snapshot, image, rect);
      canvas_note_painted (self);
    }
  canvas_snapshot_matches (self, snapshot, page);
}

static void
canvas_visible_range (MotcuaPdfCanvas *self, int *first, int *last)
{
  double value = gtk_adjustment_get_value (self->vadjustment);
  double page_size = gtk_adjustment_get_page_size (self->vadjustment);

  if (canvas_n_pages (self) == 0 || self->layout_dirty || self->rects->len == 0)
    {
      *first = *last = -1;
      return;
    }
  *first = canvas_page_at_y (self, value);
  *last = canvas_page_at_y (self, value + page_size);
}

static void
motcua_pdf_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA background = canvas_lookup_color (self, "window_bg_color", "#fafafa");
  static const GdkRGBA shade = { 0, 0, 0, 0.07 };
  int first, last;

  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (0, 0, width, height));

  canvas_visible_range (self, &first, &last);
  if (first >= 0)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-gtk_adjustment_get_value (self->hadjustment),
                                                              -gtk_adjustment_get_value (self->vadjustment)));
      for (int page = first; page <= last; page++)
        canvas_snapshot_page (self, snapshot, page);
      gtk_snapshot_restore (snapshot);
    }

  if (gtk_widget_has_visible_focus (widget))
    {
      GdkRGBA focus = canvas_lookup_color (self, "accent_color", "#1c71d8");
      const float widths[4] = { 2, 2, 2, 2 };
      GskRoundedRect outline;

      focus.alpha = 0.5;
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 0);
      gtk_snapshot_append_border (snapshot, &outline, widths, (GdkRGBA[4]) { focus, focus, focus, focus });
    }
}

static void
on_adjustment_value_changed (GtkAdjustment *adjustment, MotcuaPdfCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!self->layout_dirty)
    g_signal_emit (self, canvas_signals[CANVAS_LAYOUT_CHANGED], 0);
}

static void
canvas_set_adjustment (MotcuaPdfCanvas *self, GtkAdjustment **slot, GtkAdjustment *adjustment)
{
  if (adjustment != NULL && *slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_adjustment_value_changed, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_adjustment_value_changed), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
motcua_pdf_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (object);

  switch (prop_id)
    {
    case CANVAS_PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case CANVAS_PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case CANVAS_PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case CANVAS_PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_pdf_canvas_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (object);

  switch (prop_id)
    {
    case CANVAS_PROP_HADJUSTMENT:
      canvas_set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case CANVAS_PROP_VADJUSTMENT:
      canvas_set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case CANVAS_PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case CANVAS_PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_pdf_canvas_dispose (GObject *object)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (object);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, clock);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_pointer (&self->sizes, g_array_unref);
  g_clear_pointer (&self->rects, g_array_unref);
  g_clear_pointer (&self->images, g_ptr_array_unref);
  g_clear_pointer (&self->matches, g_ptr_array_unref);

  G_OBJECT_CLASS (motcua_pdf_canvas_parent_class)->dispose (object);
}

static void
motcua_pdf_canvas_unrealize (GtkWidget *widget)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  /* The frame clock goes with the surface; a pending "first paint" never comes. */
  if (clock != NULL && self->after_paint_id != 0)
    {
      g_clear_signal_handler (&self->after_paint_id, clock);
      self->painted = FALSE;
    }
  GTK_WIDGET_CLASS (motcua_pdf_canvas_parent_class)->unrealize (widget);
}

/* Arrow keys, Home/End and space scroll like in any document viewer; the scrolled window
 * already handles Page Up/Down and the Control combinations. */
static gboolean
canvas_scroll_binding (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  MotcuaPdfCanvas *self = MOTCUA_PDF_CANVAS (widget);
  double dx, dy;
  GtkAdjustment *h = self->hadjustment, *v = self->vadjustment;

  g_variant_get (args, "(dd)", &dx, &dy);
  if (dy == G_MAXDOUBLE || dy == -G_MAXDOUBLE)
    {
      gtk_adjustment_set_value (v, dy > 0 ? gtk_adjustment_get_upper (v) : 0);
      return TRUE;
    }
  gtk_adjustment_set_value (h, gtk_adjustment_get_value (h) + dx * gtk_adjustment_get_step_increment (h));
  if (fabs (dy) >= 10)
    dy = (dy > 0 ? 1 : -1) * gtk_adjustment_get_page_increment (v);
  else
    dy *= gtk_adjustment_get_step_increment (v);
  gtk_adjustment_set_value (v, gtk_adjustment_get_value (v) + dy);
  return TRUE;
}

static gboolean
on_canvas_scroll (GtkEventControllerScroll *controller, double dx, double dy, MotcuaPdfCanvas *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  /* Control and the wheel zooms, as everywhere in GNOME; plain scrolling is left to the
   * scrolled window. */
  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), dy < 0 ? "pdf.zoom-in" : "pdf.zoom-out", NULL);
  return TRUE;
}

static void
on_canvas_pressed (GtkGestureClick *gesture, int n_press, double x, double y, MotcuaPdfCanvas *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
motcua_pdf_canvas_class_init (MotcuaPdfCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_pdf_canvas_dispose;
  object_class->get_property = motcua_pdf_canvas_get_property;
  object_class->set_property = motcua_pdf_canvas_set_property;
  widget_class->size_allocate = motcua_pdf_canvas_size_allocate;
  widget_class->measure = motcua_pdf_canvas_measure;
  widget_class->get_request_mode = motcua_pdf_canvas_get_request_mode;
  widget_class->snapshot = motcua_pdf_canvas_snapshot;
  widget_class->unrealize = motcua_pdf_canvas_unrealize;

  g_object_class_override_property (object_class, CANVAS_PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, CANVAS_PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, CANVAS_PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, CANVAS_PROP_VSCROLL_POLICY, "vscroll-policy");

  canvas_signals[CANVAS_LAYOUT_CHANGED] =
    g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  canvas_signals[CANVAS_FIRST_PAINT] =
    g_signal_new ("first-paint", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, canvas_scroll_binding, "(dd)", 0.0, -1.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, canvas_scroll_binding, "(dd)", 0.0, 1.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, canvas_scroll_binding, "(dd)", -1.0, 0.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, canvas_scroll_binding, "(dd)", 1.0, 0.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, 0, canvas_scroll_binding, "(dd)", 0.0, 10.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, GDK_SHIFT_MASK, canvas_scroll_binding, "(dd)", 0.0, -10.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Home, 0, canvas_scroll_binding, "(dd)", 0.0, -G_MAXDOUBLE);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_End, 0, canvas_scroll_binding, "(dd)", 0.0, G_MAXDOUBLE);
  /* As in Papers: n and p turn pages while the pages have focus. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "pdf.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "pdf.previous-page", NULL);

  gtk_widget_class_set_css_name (widget_class, "pdfcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_DOCUMENT);
}

static void
motcua_pdf_canvas_init (MotcuaPdfCanvas *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  GtkGesture *click = gtk_gesture_click_new ();

  self->sizes = g_array_new (FALSE, FALSE, sizeof (PageSize));
  self->rects = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  self->images = g_ptr_array_new_with_free_func (page_image_free);
  self->matches = g_ptr_array_new_with_free_func (match_rects_free);
  self->mode = ZOOM_FIT_WIDTH;
  self->zoom = 1.0;
  self->scale = POINTS_TO_PIXELS;
  self->nav_page = -1;
  self->selected_page = -1;
  canvas_set_adjustment (self, &self->hadjustment, NULL);
  canvas_set_adjustment (self, &self->vadjustment, NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_canvas_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (click, "pressed", G_CALLBACK (on_canvas_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* ---- what the view uses ------------------------------------------------------------ */

static void
canvas_set_document (MotcuaPdfCanvas *self, int n_pages, PageSize first_size)
{
  g_array_set_size (self->sizes, 0);
  for (int i = 0; i < n_pages; i++)
    g_array_append_val (self->sizes, first_size);
  self->max_size = first_size;
  g_array_set_size (self->rects, 0);
  g_ptr_array_set_size (self->images, 0);
  g_ptr_array_set_size (self->images, n_pages);
  g_ptr_array_set_size (self->matches, 0);
  g_ptr_array_set_size (self->matches, n_pages);
  self->selected_page = -1;
  self->painted = FALSE;
  self->nav_page = -1;
  self->anchor_pending = TRUE;
  self->anchor_page = 0;
  self->anchor_fraction = 0;
  self->anchor_offset = -PAGE_MARGIN;
  self->anchor_hfraction = 0.5;
  self->layout_dirty = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Until then every page is assumed to be as large as the first: true of nearly every
 * scanned dossier, and it lets the first page show without asking poppler about all. */
static void
canvas_set_page_sizes (MotcuaPdfCanvas *self, GArray *sizes)
{
  if (sizes->len != self->sizes->len)
    return;
  canvas_capture_anchor (self);
  memcpy (self->sizes->data, sizes->data, sizes->len * sizeof (PageSize));
  self->max_size = (PageSize) { 0, 0 };
  for (guint i = 0; i < sizes->len; i++)
    {
      PageSize size = g_array_index (sizes, PageSize, i);

      self->max_size.width = MAX (self->max_size.width, size.width);
      self->max_size.height = MAX (self->max_size.height, size.height);
    }
  canvas_invalidate (self);
}

static void
canvas_set_zoom (MotcuaPdfCanvas *self, ZoomMode mode, double zoom)
{
  canvas_capture_anchor (self);
  self->mode = mode;
  self->zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  canvas_invalidate (self);
}

static void
canvas_set_rotation (MotcuaPdfCanvas *self, int rotation)
{
  canvas_capture_anchor (self);
  self->rotation = ((rotation % 360) + 360) % 360;
  canvas_invalidate (self);
}

static double
canvas_device_scale (MotcuaPdfCanvas *self)
{
  return self->scale * canvas_scale_factor (self);
}

static gboolean
canvas_page_needs_image (MotcuaPdfCanvas *self, int page)
{
  PageImage *image = g_ptr_array_index (self->images, page);

  return image == NULL || image->rotation != self->rotation ||
         image->scale != canvas_device_scale (self);
}

static void
canvas_set_page_image (MotcuaPdfCanvas *self, int page, cairo_surface_t *surface, double scale, int rotation)
{
  GdkTexture *texture = texture_from_surface (surface);
  PageImage *image;

  if (page < 0 || page >= (int) self->images->len || texture == NULL)
    {
      g_clear_object (&texture);
      return;
    }
  image = g_new0 (PageImage, 1);
  image->texture = texture;
  image->surface = cairo_surface_reference (surface);
  image->scale = scale;
  image->rotation = rotation;
  if (self->images->pdata[page] != NULL)
    page_image_free (self->images->pdata[page]);
  self->images->pdata[page] = image;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Bounded memory however long the document: only renderings near the view are kept. */
static void
canvas_drop_images_outside (MotcuaPdfCanvas *self, int first, int last)
{
  for (int i = 0; i < (int) self->images->len; i++)
    if ((i < first || i > last) && self->images->pdata[i] != NULL)
      g_clear_pointer (&self->images->pdata[i], page_image_free);
}

static void
canvas_scroll_to_page (MotcuaPdfCanvas *self, int page)
{
  if (page < 0 || page >= canvas_n_pages (self))
    return;
  self->nav_page = page;
  if (self->layout_dirty || self->rects->len == 0)
    {
      self->anchor_pending = TRUE;
      self->anchor_page = page;
      self->anchor_fraction = 0;
      self->anchor_offset = -PAGE_MARGIN;
      gtk_widget_queue_allocate (GTK_WIDGET (self));
      return;
    }
  /* Set first: the value-changed handler asks which page is current. */
  self->nav_value = canvas_page_rect (self, page)->origin.y - PAGE_MARGIN;
  self->nav_value = CLAMP (self->nav_value, 0, gtk_adjustment_get_upper (self->vadjustment) -
                                               gtk_adjustment_get_page_size (self->vadjustment));
  gtk_adjustment_set_value (self->vadjustment, self->nav_value);
}

/* The page the clerk is reading: the one navigated to, or else the one filling most of
 * the view. */
static int
canvas_current_page (MotcuaPdfCanvas *self)
{
  double top = gtk_adjustment_get_value (self->vadjustment);
  double bottom = top + gtk_adjustment_get_page_size (self->vadjustment);
  int first, last, best = -1;
  double best_visible = -1;

  if (canvas_nav_active (self))
    return self->nav_page;
  canvas_visible_range (self, &first, &last);
  for (int i = first; i >= 0 && i <= last; i++)
    {
      const graphene_rect_t *r = canvas_page_rect (self, i);
      double visible = MIN (bottom, r->origin.y + r->size.height) - MAX (top, r->origin.y);

      if (visible > best_visible + 1)
        {
          best = i;
          best_visible = visible;
        }
    }
  return best;
}

static void
canvas_set_matches (MotcuaPdfCanvas *self, int page, GArray *rects)
{
  if (page < 0 || page >= (int) self->matches->len)
    return;
  if (self->matches->pdata[page] != NULL)
    g_array_unref (self->matches->pdata[page]);
  self->matches->pdata[page] = rects != NULL && rects->len > 0 ? g_array_ref (rects) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
canvas_n_matches (MotcuaPdfCanvas *self, int page)
{
  GArray *rects = page >= 0 && page < (int) self->matches->len ? self->matches->pdata[page] : NULL;

  return rects != NULL ? (int) rects->len : 0;
}

static void
canvas_clear_matches (MotcuaPdfCanvas *self)
{
  guint n = self->matches->len;

  g_ptr_array_set_size (self->matches, 0);
  g_ptr_array_set_size (self->matches, n);
  self->selected_page = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Brings the match into view only if it is not already: the page does not jump while the
 * clerk steps through matches on the same screen. */
static void
canvas_select_match (MotcuaPdfCanvas *self, int page, int index)
{
  GArray *rects = self->matches->pdata[page];
  graphene_rect_t r;
  double value, page_size, hvalue, hpage;

  self->selected_page = page;
  self->selected_match = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (rects == NULL || self->layout_dirty || self->rects->len == 0)
    {
      canvas_scroll_to_page (self, page);
      return;
    }

  r = canvas_page_to_document (self, page, &g_array_index (rects, graphene_rect_t, index));
  value = gtk_adjustment_get_value (self->vadjustment);
  page_size = gtk_adjustment_get_page_size (self->vadjustment);
  if (r.origin.y < value || r.origin.y + r.size.height > value + page_size)
    {
      self->nav_page = -1;
      gtk_adjustment_set_value (self->vadjustment, r.origin.y + r.size.height / 2 - page_size / 2);
    }
  hvalue = gtk_adjustment_get_value (self->hadjustment);
  hpage = gtk_adjustment_get_page_size (self->hadjustment);
  if (r.origin.x < hvalue || r.origin.x + r.size.width > hvalue + hpage)
    gtk_adjustment_set_value (self->hadjustment, r.origin.x + r.size.width / 2 - hpage / 2);
}

static void
canvas_clear (MotcuaPdfCanvas *self)
{
  canvas_set_document (self, 0, (PageSize) { 0, 0 });
  self->anchor_pending = FALSE;
}

/* ==== 3. The view =================================================================== */

struct _MotcuaPdfView
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkRevealer        *toolbar_revealer;
  GtkWidget          *toolbar;
  GtkToggleButton    *thumbnails_button;
  GtkEntry           *page_entry;
  GtkLabel           *n_pages_label;
  GtkLabel           *zoom_label;
  GtkLabel           *zoom_widest;
  GtkLabel           *n_pages_widest;
  GtkToggleButton    *find_button;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkLabel           *matches_label;
  GtkStack           *stack;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *error_page;
  GtkSpinner         *spinner;
  GtkRevealer        *thumbnails_revealer;
  GtkScrolledWindow  *thumbnails_scroller;
  GtkListView        *thumbnails_list;
  GtkScrolledWindow  *scroller;
  MotcuaPdfCanvas    *canvas;

  /* Owned */
  PdfWorker          *worker;
  ViewHandle         *handle;
  GtkSingleSelection *thumbnail_selection;
  GHashTable         *thumbnails;          /* page → GdkTexture */
  GHashTable         *bound_thumbnails;    /* page → GtkListItem (borrowed) */
  GHashTable         *pending_renders;     /* page → PendingRender */
  GHashTable         *pending_thumbnails;  /* page → GCancellable */
  GCancellable       *find_cancellable;
  char               *find_text;           /* the search running or done, folded */
  GdkTexture         *blank_thumbnail;
  char               *error_message;
  guint               loading_timeout_id;
  guint               sync_idle_id;
  guint               thumbnails_idle_id;

  /* State of the open file; generation tells its results from a previous file's. */
  guint               generation;
  int                 n_pages;
  int                 current_page;
  int                 rotation;
  gboolean            loaded;
  gboolean            is_image;
  gboolean            show_thumbnails;
  PageSize            first_size;
  GArray             *sizes;               /* NULL until the worker has read them all */
  int                 n_matches;
  int                 finds_pending;
  double              last_zoom;           /* as last notified */
};

typedef struct {
  GCancellable *cancellable;
  double        scale;
  int           rotation;
} PendingRender;

G_DEFINE_FINAL_TYPE (MotcuaPdfView, motcua_pdf_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_PAGES,
  PROP_CURRENT_PAGE,
  PROP_ERROR_MESSAGE,
  PROP_LOADED,
  PROP_ZOOM,
  PROP_ROTATION,
  PROP_SHOW_THUMBNAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void view_update_actions (MotcuaPdfView *self);
static void view_request_renders (MotcuaPdfView *self);
static void view_queue_thumbnail_update (MotcuaPdfView *self);
static void sizes_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
pending_render_free (gpointer data)
{
  PendingRender *pending = data;

  g_cancellable_cancel (pending->cancellable);
  g_object_unref (pending->cancellable);
  g_free (pending);
}

static void
cancel_and_unref (gpointer data)
{
  g_cancellable_cancel (data);
  g_object_unref (data);
}

static gboolean
has_document (MotcuaPdfView *self)
{
  return self->n_pages > 0;
}

static PageSize
view_page_size (MotcuaPdfView *self, int page)
{
  if (self->sizes != NULL && page >= 0 && page < (int) self->sizes->len)
    return g_array_index (self->sizes, PageSize, page);
  return self->first_size;
}

static GTask *
view_job_new (MotcuaPdfView *self, JobKind kind, JobPriority priority,
              GCancellable *cancellable, GAsyncReadyCallback callback)
{
  Job *job = g_new0 (Job, 1);
  GTask *task = g_task_new (NULL, cancellable, callback, NULL);

  job->handle = g_atomic_rc_box_acquire (self->handle);
  job->kind = kind;
  job->priority = priority;
  job->seq = ++self->worker->next_seq;
  job->generation = self->generation;
  job->task = task;
  g_task_set_task_data (task, job, job_free);
  g_task_set_source_tag (task, view_job_new);
  /* Results of background work must not delay painting. */
  g_task_set_priority (task, priority >= JOB_PRIORITY_THUMBNAIL ? G_PRIORITY_LOW : G_PRIORITY_DEFAULT);
  return task;
}

/* The view a finished job was for (a new reference), or NULL once it has gone. */
static MotcuaPdfView *
job_view (GAsyncResult *result)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  return g_weak_ref_get (&job->handle->view);
}

static gboolean
job_is_current (MotcuaPdfView *self, GAsyncResult *result)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  return self != NULL && job->generation == self->generation;
}

/* ---- keeping the toolbar in step --------------------------------------------------- */

static void
set_n_pages_text (GtkLabel *label, int n_pages)
{
  /* TRANSLATORS: after the page entry: "3 / 300" */
  g_autofree char *text = g_strdup_printf (_("/ %d"), n_pages);

  gtk_label_set_text (label, text);
}

static void
set_zoom_text (GtkLabel *label, double zoom)
{
  g_autofree char *text = g_strdup_printf ("%d%%", (int) round (zoom * 100));

  gtk_label_set_text (label, text);
}

/* The toolbar asks, from the start, for the width of its widest numbers, which never
 * changes: a document opening or a zoom does not take room from the other panes. */
static void
view_reserve_toolbar_width (MotcuaPdfView *self)
{
  set_n_pages_text (self->n_pages_widest, 999);
  set_zoom_text (self->zoom_widest, MAX_ZOOM);
}

static void
view_update_page_entry (MotcuaPdfView *self)
{
  g_autofree char *page = NULL;

  if (!has_document (self))
    return;
  page = g_strdup_printf ("%d", self->current_page + 1);
  gtk_editable_set_text (GTK_EDITABLE (self->page_entry), page);
  set_n_pages_text (self->n_pages_label, self->n_pages);
}

static double
view_effective_zoom (MotcuaPdfView *self)
{
  return self->canvas->scale / POINTS_TO_PIXELS;
}

static void
view_update_zoom_label (MotcuaPdfView *self)
{
  set_zoom_text (self->zoom_label, view_effective_zoom (self));
}

static void
view_set_current_page_internal (MotcuaPdfView *self, int page)
{
  if (page < 0 || page == self->current_page)
    return;
  self->current_page = page;
  view_update_page_entry (self);
  if (self->thumbnail_selection != NULL &&
      gtk_single_selection_get_selected (self->thumbnail_selection) != (guint) page)
    {
      gtk_single_selection_set_selected (self->thumbnail_selection, page);
      if (gtk_widget_get_mapped (GTK_WIDGET (self->thumbnails_list)))
        gtk_widget_activate_action (GTK_WIDGET (self->thumbnails_list), "list.scroll-to-item", "u", page);
    }
  view_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PAGE]);
}

/* Page number and zoom follow the canvas after the frame's layout, never during it:
 * changing an entry's text inside size_allocate would queue another layout. */
static gboolean
view_sync_idle (gpointer data)
{
  MotcuaPdfView *self = data;

  self->sync_idle_id = 0;
  if (!has_document (self))
    return G_SOURCE_REMOVE;
  view_set_current_page_internal (self, canvas_current_page (self->canvas));
  view_update_zoom_label (self);
  if (view_effective_zoom (self) != self->last_zoom)
    {
      self->last_zoom = view_effective_zoom (self);
      view_update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  return G_SOURCE_REMOVE;
}

static void
on_canvas_layout_changed (MotcuaPdfCanvas *canvas, MotcuaPdfView *self)
{
  view_request_renders (self);
  if (self->sync_idle_id == 0)
    self->sync_idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, view_sync_idle, self, NULL);
}

static void
on_canvas_first_paint (MotcuaPdfCanvas *canvas, MotcuaPdfView *self)
{
  if (self->loaded || !has_document (self))
    return;
  self->loaded = TRUE;
  /* Work the first page did not need waits until it is on screen: reading every page's
   * size takes as long as rendering one, and would compete with that first frame. */
  if (self->n_pages > 1)
    pdf_worker_push (self->worker, view_job_new (self, JOB_SIZES, JOB_PRIORITY_BACKGROUND, NULL, sizes_done));
  view_request_renders (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
view_update_actions (MotcuaPdfView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean doc = has_document (self);
  double zoom = view_effective_zoom (self);

  gtk_widget_action_set_enabled (widget, "pdf.zoom-in", doc && zoom < MAX_ZOOM - 0.001);
  gtk_widget_action_set_enabled (widget, "pdf.zoom-out", doc && zoom > MIN_ZOOM + 0.001);
  gtk_widget_action_set_enabled (widget, "pdf.set-zoom", doc);
  gtk_widget_action_set_enabled (widget, "pdf.fit-width", doc);
  gtk_widget_action_set_enabled (widget, "pdf.fit-page", doc);
  gtk_widget_action_set_enabled (widget, "pdf.rotate", doc);
  gtk_widget_action_set_enabled (widget, "pdf.rotate-left", doc);
  gtk_widget_action_set_enabled (widget, "pdf.previous-page", doc && self->current_page > 0);
  gtk_widget_action_set_enabled (widget, "pdf.next-page", doc && self->current_page < self->n_pages - 1);
  gtk_widget_action_set_enabled (widget, "pdf.find", doc && !self->is_image);
  gtk_widget_action_set_enabled (widget, "pdf.find-next", self->n_matches > 0);
  gtk_widget_action_set_enabled (widget, "pdf.find-previous", self->n_matches > 0);
  gtk_widget_action_set_enabled (widget, "pdf.show-thumbnails", doc && self->n_pages > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->find_button), doc && !self->is_image);
}

/* ---- rendering pages --------------------------------------------------------------- */

static void
render_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaPdfView) self = job_view (result);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  RenderResult *render = g_task_propagate_pointer (G_TASK (result), &error);
  GHashTable *pending;
  gpointer entry;
  GCancellable *entry_cancellable;

  if (!job_is_current (self, result))
    {
      g_clear_pointer (&render, render_result_free);
      return;
    }

  /* Only forget the request if it is this one; a newer one for the page may be waiting. */
  pending = job->thumbnail ? self->pending_thumbnails : self->pending_renders;
  entry = g_hash_table_lookup (pending, GINT_TO_POINTER (job->page));
  entry_cancellable = entry == NULL ? NULL : job->thumbnail ? entry : ((PendingRender *) entry)->cancellable;
  if (entry_cancellable != NULL && entry_cancellable == g_task_get_cancellable (G_TASK (result)))
    g_hash_table_remove (pending, GINT_TO_POINTER (job->page));

  if (render == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Rendering page %d failed: %s", job->page + 1, error->message);
      return;
    }

  if (render->thumbnail && (texture = texture_from_surface (render->surface)) != NULL)
    {
      GtkListItem *item = g_hash_table_lookup (self->bound_thumbnails, GINT_TO_POINTER (render->page));

      g_hash_table_insert (self->thumbnails, GINT_TO_POINTER (render->page), g_object_ref (texture));
      if (item != NULL)
        gtk_picture_set_paintable (GTK_PICTURE (g_object_get_data (G_OBJECT (item), "picture")),
                                   GDK_PAINTABLE (texture));
    }
  else if (!render->thumbnail)
    canvas_set_page_image (self->canvas, render->page, render->surface, render->scale, render->rotation);
  render_result_free (render);
}

static void
view_request_render (MotcuaPdfView *self, int page, JobPriority priority)
{
  double scale = canvas_device_scale (self->canvas);
  PendingRender *pending = g_hash_table_lookup (self->pending_renders, GINT_TO_POINTER (page));
  GTask *task;
  Job *job;

  if (!canvas_page_needs_image (self->canvas, page))
    return;
  if (pending != NULL && pending->scale == scale && pending->rotation == self->rotation)
    return;

  pending = g_new0 (PendingRender, 1);
  pending->cancellable = g_cancellable_new ();
  pending->scale = scale;
  pending->rotation = self->rotation;
  g_hash_table_insert (self->pending_renders, GINT_TO_POINTER (page), pending);

  task = view_job_new (self, JOB_RENDER, priority, pending->cancellable, render_done);
  job = g_task_get_task_data (task);
  job->page = page;
  job->scale = scale;
  job->rotation = self->rotation;
  pdf_worker_push (self->worker, task);
}

/* Pages in view first, then one either side; anything that scrolled away is cancelled so
 * a fast scroll through 300 pages does not leave 300 renderings queued. */
static void
view_request_renders (MotcuaPdfView *self)
{
  GHashTableIter iter;
  gpointer key;
  int first, last, near_first, near_last;

  canvas_visible_range (self->canvas, &first, &last);
  if (first < 0)
    return;
  near_first = MAX (0, first - NEARBY_PAGES);
  near_last = MIN (self->n_pages - 1, last + NEARBY_PAGES);

  g_hash_table_iter_init (&iter, self->pending_renders);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_INT (key) < near_first || GPOINTER_TO_INT (key) > near_last)
      g_hash_table_iter_remove (&iter);
  canvas_drop_images_outside (self->canvas, near_first - KEPT_PAGES, near_last + KEPT_PAGES);

  /* Neighbours wait for the first paint: on a two-core counter PC they would compete with
   * drawing the page the clerk is waiting for. */
  for (int page = near_last; self->loaded && page >= near_first; page--)
    if (page < first || page > last)
      view_request_render (self, page, JOB_PRIORITY_NEARBY);
  /* Pushed last to first so the topmost page is the newest, and runs first. */
  for (int page = last; page >= first; page--)
    view_request_render (self, page, JOB_PRIORITY_URGENT);
}

/* ---- thumbnails ------------------------------------------------------------------- */

static void
view_request_thumbnail (MotcuaPdfView *self, int page)
{
  PageSize size = view_page_size (self, page);
  GCancellable *cancellable;
  GTask *task;
  Job *job;

  if (g_hash_table_contains (self->pending_thumbnails, GINT_TO_POINTER (page)) || size.width <= 0)
    return;
  cancellable = g_cancellable_new ();
  g_hash_table_insert (self->pending_thumbnails, GINT_TO_POINTER (page), cancellable);
  task = view_job_new (self, JOB_RENDER, JOB_PRIORITY_THUMBNAIL, cancellable, render_done);
  job = g_task_get_task_data (task);
  job->page = page;
  job->thumbnail = TRUE;
  job->scale = THUMBNAIL_WIDTH * gtk_widget_get_scale_factor (GTK_WIDGET (self)) / size.width;
  pdf_worker_push (self->worker, task);
}

/* Thumbnails far from the current page go first when there are too many. */
static void
view_trim_thumbnails (MotcuaPdfView *self)
{
  GHashTableIter iter;
  gpointer key;
  int distance = self->n_pages;

  while (g_hash_table_size (self->thumbnails) > KEPT_THUMBNAILS && distance > KEPT_THUMBNAILS / 2)
    {
      g_hash_table_iter_init (&iter, self->thumbnails);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (abs (GPOINTER_TO_INT (key) - self->current_page) >= distance &&
            !g_hash_table_contains (self->bound_thumbnails, key))
          g_hash_table_iter_remove (&iter);
      distance -= 10;
    }
}

/* GtkListView keeps a couple of hundred rows bound whether they show or not, so binding
 * cannot be what asks for a thumbnail: only rows inside the strip's viewport (and a row or
 * two beyond) do, and requests for rows scrolled away are cancelled. */
static gboolean
view_update_thumbnails_idle (gpointer data)
{
  MotcuaPdfView *self = data;
  GtkWidget *viewport = GTK_WIDGET (self->thumbnails_scroller);
  double margin = THUMBNAIL_WIDTH * 2;
  double height = gtk_widget_get_height (viewport);
  g_autoptr(GHashTable) wanted = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  self->thumbnails_idle_id = 0;
  if (!has_document (self) || !gtk_revealer_get_reveal_child (self->thumbnails_revealer) ||
      !gtk_widget_get_mapped (viewport))
    return G_SOURCE_REMOVE;

  g_hash_table_iter_init (&iter, self->bound_thumbnails);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkWidget *row = gtk_list_item_get_child (value);
      graphene_rect_t bounds;

      if (row != NULL && gtk_widget_get_mapped (row) &&
          gtk_widget_compute_bounds (row, viewport, &bounds) &&
          bounds.origin.y + bounds.size.height >= -margin && bounds.origin.y <= height + margin)
        g_hash_table_add (wanted, key);
    }

  g_hash_table_iter_init (&iter, self->pending_thumbnails);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (wanted, key))
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->thumbnails, key))
      view_request_thumbnail (self, GPOINTER_TO_INT (key));
  return G_SOURCE_REMOVE;
}

/* After the frame's layout, when rows know where they are. */
static void
view_queue_thumbnail_update (MotcuaPdfView *self)
{
  if (self->thumbnails_idle_id == 0)
    self->thumbnails_idle_id = g_idle_add (view_update_thumbnails_idle, self);
}

static void
on_thumbnails_scrolled (GtkAdjustment *adjustment, MotcuaPdfView *self)
{
  view_queue_thumbnail_update (self);
}

static void
thumbnail_setup (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaPdfView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_FILL);
  gtk_frame_set_child (GTK_FRAME (frame), picture);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_item_set_child (item, box);
  g_object_set_data (G_OBJECT (item), "picture", picture);
  g_object_set_data (G_OBJECT (item), "label", label);
}

static void
thumbnail_bind (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaPdfView *self)
{
  int page = gtk_list_item_get_position (item);
  GtkWidget *picture = g_object_get_data (G_OBJECT (item), "picture");
  GtkLabel *label = g_object_get_data (G_OBJECT (item), "label");
  PageSize size = view_page_size (self, page);
  GdkTexture *texture = g_hash_table_lookup (self->thumbnails, GINT_TO_POINTER (page));
  g_autofree char *number = g_strdup_printf ("%d", page + 1);
  g_autofree char *description = g_strdup_printf (_("Page %d"), page + 1);
  int height = size.width > 0 ? (int) round (THUMBNAIL_WIDTH * size.height / size.width) : THUMBNAIL_WIDTH;

  gtk_label_set_text (label, number);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), description);
  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH, MIN (height, 4 * THUMBNAIL_WIDTH));
  gtk_picture_set_paintable (GTK_PICTURE (picture),
                             GDK_PAINTABLE (texture != NULL ? texture : self->blank_thumbnail));
  g_hash_table_insert (self->bound_thumbnails, GINT_TO_POINTER (page), item);
  if (texture == NULL)
    view_queue_thumbnail_update (self);
}

static void
thumbnail_unbind (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaPdfView *self)
{
  int page = gtk_list_item_get_position (item);

  if (g_hash_table_lookup (self->bound_thumbnails, GINT_TO_POINTER (page)) == item)
    g_hash_table_remove (self->bound_thumbnails, GINT_TO_POINTER (page));
  g_hash_table_remove (self->pending_thumbnails, GINT_TO_POINTER (page));
  view_trim_thumbnails (self);
}

static void
on_thumbnail_activated (GtkListView *list, guint position, MotcuaPdfView *self)
{
  motcua_pdf_view_set_current_page (self, position);
}

/* The strip gets its rows only while it shows: given a model, even a hidden GtkListView
 * builds a couple of hundred rows, which would hold up the first page of every file. */
static void
view_setup_thumbnails (MotcuaPdfView *self)
{
  g_autoptr(GtkStringList) pages = NULL;

  if (!self->show_thumbnails || !has_document (self))
    {
      if (gtk_single_selection_get_model (self->thumbnail_selection) != NULL)
        gtk_single_selection_set_model (self->thumbnail_selection, NULL);
      return;
    }
  if (gtk_single_selection_get_model (self->thumbnail_selection) != NULL)
    return;

  /* One row per page; what a row shows comes from the page number alone. */
  pages = gtk_string_list_new (NULL);
  for (int i = 0; i < self->n_pages; i++)
    gtk_string_list_take (pages, g_strdup_printf ("%d", i + 1));
  gtk_single_selection_set_model (self->thumbnail_selection, G_LIST_MODEL (pages));
  gtk_single_selection_set_selected (self->thumbnail_selection, self->current_page);
}

/* ---- find ------------------------------------------------------------------------- */

static void
view_update_matches_label (MotcuaPdfView *self)
{
  g_autofree char *text = NULL;
  int index = 0;

  if (self->canvas->selected_page >= 0)
    {
      for (int page = 0; page < self->canvas->selected_page; page++)
        index += canvas_n_matches (self->canvas, page);
      index += self->canvas->selected_match + 1;
    }

  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] == '\0')
    text = g_strdup ("");
  else if (self->n_matches > 0)
    /* TRANSLATORS: the match shown and how many there are: "2 of 14" */
    text = g_strdup_printf (_("%d of %d"), index, self->n_matches);
  else if (self->finds_pending > 0)
    text = g_strdup (_("Searching…"));
  else
    text = g_strdup (_("No matches"));
  gtk_label_set_text (self->matches_label, text);

  if (self->n_matches == 0 && self->finds_pending == 0 && text[0] != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
}

static void
view_select_match (MotcuaPdfView *self, int page, int index)
{
  canvas_select_match (self->canvas, page, index);
  if (page != self->current_page)
    view_set_current_page_internal (self, page);
  view_update_matches_label (self);
}

static void
find_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaPdfView) self = job_view (result);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rects = g_task_propagate_pointer (G_TASK (result), &error);

  if (rects == NULL || !job_is_current (self, result) ||
      g_task_get_cancellable (G_TASK (result)) != self->find_cancellable)
    return;

  self->finds_pending--;
  canvas_set_matches (self->canvas, job->page, rects);
  self->n_matches += rects->len;
  /* Pages are searched from the current one onwards, so the first page with a match is
   * the nearest one ahead of the clerk. */
  if (rects->len > 0 && self->canvas->selected_page < 0)
    view_select_match (self, job->page, 0);
  view_update_matches_label (self);
  view_update_actions (self);
}

static void
view_start_find (MotcuaPdfView *self, const char *text)
{
  g_free (self->find_text);
  self->find_text = text != NULL ? motcua_fold_text (text) : NULL;
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  canvas_clear_matches (self->canvas);
  self->n_matches = 0;
  self->finds_pending = 0;

  if (text != NULL && text[0] != '\0' && has_document (self) && !self->is_image)
    {
      self->find_cancellable = g_cancellable_new ();
      for (int i = 0; i < self->n_pages; i++)
        {
          GTask *task = view_job_new (self, JOB_FIND, JOB_PRIORITY_BACKGROUND, self->find_cancellable, find_done);
          Job *job = g_task_get_task_data (task);

          job->page = (self->current_page + i) % self->n_pages;
          job->text = g_strdup (self->find_text);
          pdf_worker_push (self->worker, task);
          self->finds_pending++;
        }
    }
  view_update_matches_label (self);
  view_update_actions (self);
}

static void
on_search_changed (GtkSearchEntry *entry, MotcuaPdfView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *folded = motcua_fold_text (text);

  /* motcua_pdf_view_find() has already started this one. */
  if (self->find_text != NULL && g_str_equal (folded, self->find_text))
    return;
  view_start_find (self, text);
}

static void
view_step_match (MotcuaPdfView *self, int direction)
{
  int page = self->canvas->selected_page;
  int index = self->canvas->selected_match + direction;

  if (self->n_matches == 0)
    return;
  if (page < 0)
    {
      page = self->current_page;
      index = direction > 0 ? 0 : canvas_n_matches (self->canvas, page) - 1;
    }
  /* Across pages, wrapping at either end like every GNOME search. */
  for (int steps = 0; steps <= self->n_pages; steps++)
    {
      if (index >= 0 && index < canvas_n_matches (self->canvas, page))
        {
          view_select_match (self, page, index);
          return;
        }
      page = (page + direction + self->n_pages) % self->n_pages;
      index = direction > 0 ? 0 : canvas_n_matches (self->canvas, page) - 1;
    }
}

static void
on_search_activate (GtkSearchEntry *entry, MotcuaPdfView *self)
{
  view_step_match (self, 1);
}

static void
on_search_previous (GtkSearchEntry *entry, MotcuaPdfView *self)
{
  view_step_match (self, -1);
}

static void
on_search_next (GtkSearchEntry *entry, MotcuaPdfView *self)
{
  view_step_match (self, 1);
}

static void
on_search_stop (GtkSearchEntry *entry, MotcuaPdfView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
on_search_mode_changed (GtkSearchBar *bar, GParamSpec *pspec, MotcuaPdfView *self)
{
  if (gtk_search_bar_get_search_mode (bar))
    return;
  /* Highlights belong to an open search; closing the bar puts the page back as it was. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  view_start_find (self, NULL);
}

/* ---- opening and closing ----------------------------------------------------------- */

static void
view_show (MotcuaPdfView *self, const char *name)
{
  gboolean document = g_str_equal (name, "document");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_revealer_set_reveal_child (self->toolbar_revealer, document);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  if (!document && gtk_widget_has_focus (GTK_WIDGET (self->canvas)))
    gtk_widget_grab_focus (GTK_WIDGET (self->stack));
}

/* Forgets the open file: every outstanding job is for it and becomes stale at once. */
static void
view_reset (MotcuaPdfView *self)
{
  gboolean had_pages = self->n_pages > 0;
  gboolean had_error = self->error_message != NULL;
  gboolean was_loaded = self->loaded;

  self->generation++;
  g_atomic_int_set (&self->worker->generation, self->generation);
  pdf_worker_drop_pending (self->worker);
  /* The worker lets go of the old file now, while the clerk picks the next one, rather
   * than on the way to the next first page. */
  pdf_worker_push (self->worker, view_job_new (self, JOB_CLOSE, JOB_PRIORITY_CLOSE, NULL, NULL));
  g_hash_table_remove_all (self->pending_renders);
  g_hash_table_remove_all (self->pending_thumbnails);
  g_hash_table_remove_all (self->thumbnails);
  g_hash_table_remove_all (self->bound_thumbnails);
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  g_clear_pointer (&self->find_text, g_free);
  g_clear_handle_id (&self->loading_timeout_id, g_source_remove);
  g_clear_pointer (&self->sizes, g_array_unref);
  g_clear_pointer (&self->error_message, g_free);
  self->n_pages = 0;
  view_setup_thumbnails (self);
  /* Nothing to repaint when nothing was shown: a frame now would hold back the one that
   * shows the new file by a whole refresh interval. */
  if (had_pages)
    canvas_clear (self->canvas);
  self->current_page = 0;
  self->loaded = FALSE;
  self->is_image = FALSE;
  self->n_matches = 0;
  self->finds_pending = 0;
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);

  if (had_pages)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
  if (had_error)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  if (was_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  view_update_actions (self);
}

static void
view_show_error (MotcuaPdfView *self, const char *message)
{
  self->error_message = g_strdup (message);
  adw_status_page_set_description (self->error_page, message);
  view_show (self, "error");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
sizes_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaPdfView) self = job_view (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sizes = g_task_propagate_pointer (G_TASK (result), &error);

  if (sizes == NULL || !job_is_current (self, result))
    return;
  self->sizes = g_array_ref (sizes);
  canvas_set_page_sizes (self->canvas, sizes);
}

static void
view_document_opened (MotcuaPdfView *self, LoadResult *load)
{
  self->n_pages = load->n_pages;
  self->is_image = load->is_image;
  self->first_size = load->first_size;
  canvas_set_document (self->canvas, load->n_pages, load->first_size);
  if (load->first_page != NULL)
    canvas_set_page_image (self->canvas, 0, load->first_page, load->first_page_scale, load->first_page_rotation);
  view_setup_thumbnails (self);
  view_update_page_entry (self);
  view_show (self, "document");
  view_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaPdfView) self = job_view (result);
  g_autoptr(GError) error = NULL;
  LoadResult *load = g_task_propagate_pointer (G_TASK (result), &error);

  if (!job_is_current (self, result) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&load, load_result_free);
      return;
    }
  g_clear_handle_id (&self->loading_timeout_id, g_source_remove);
  if (load == NULL)
    view_show_error (self, error->message);
  else
    view_document_opened (self, load);
  g_clear_pointer (&load, load_result_free);
}

static gboolean
loading_timeout (gpointer data)
{
  MotcuaPdfView *self = data;

  self->loading_timeout_id = 0;
  view_show (self, "loading");
  return G_SOURCE_REMOVE;
}

/* The canvas is not allocated while another page of the stack shows, so its size is
 * worked out from the stack, which always is. */
static void
view_layout_hint (MotcuaPdfView *self, LayoutHint *hint)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->canvas));
  int height = gtk_widget_get_height (GTK_WIDGET (self->canvas));

  if (!gtk_widget_get_mapped (GTK_WIDGET (self->canvas)) || width <= 0)
    {
      width = gtk_widget_get_width (GTK_WIDGET (self->stack));
      height = gtk_widget_get_height (GTK_WIDGET (self->stack));
      if (gtk_revealer_get_reveal_child (self->thumbnails_revealer))
        width -= gtk_widget_get_width (GTK_WIDGET (self->thumbnails_revealer));
    }
  hint->mode = self->canvas->mode;
  hint->zoom = self->canvas->zoom;
  hint->rotation = self->rotation;
  hint->viewport_width = width;
  hint->viewport_height = height;
  hint->scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

/* ---- actions ---------------------------------------------------------------------- */

static void
view_zoom_step (MotcuaPdfView *self, int direction)
{
  double zoom = view_effective_zoom (self);
  double target = direction > 0 ? MAX_ZOOM : MIN_ZOOM;

  for (guint i = 0; i < G_N_ELEMENTS (zoom_steps); i++)
    {
      double step = zoom_steps[direction > 0 ? i : G_N_ELEMENTS (zoom_steps) - 1 - i];

      /* A step must be visibly different from where fit-width happened to land. */
      if ((direction > 0 && step > zoom * 1.01) || (direction < 0 && step < zoom * 0.99))
        {
          target = step;
          break;
        }
    }
  motcua_pdf_view_set_zoom (self, target);
}

static void
zoom_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (widget);

  if (!has_document (self))
    return;
  if (g_str_equal (name, "pdf.zoom-in"))
    view_zoom_step (self, 1);
  else if (g_str_equal (name, "pdf.zoom-out"))
    view_zoom_step (self, -1);
  else if (g_str_equal (name, "pdf.set-zoom"))
    motcua_pdf_view_set_zoom (self, g_variant_get_double (parameter));
  else
    {
      canvas_set_zoom (self->canvas, g_str_equal (name, "pdf.fit-page") ? ZOOM_FIT_PAGE : ZOOM_FIT_WIDTH,
                       self->canvas->zoom);
    }
}

static void
rotate_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (widget);

  if (!has_document (self))
    return;
  self->rotation = (self->rotation + (g_str_equal (name, "pdf.rotate") ? 90 : 270)) % 360;
  canvas_set_rotation (self->canvas, self->rotation);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
}

static void
page_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (widget);

  motcua_pdf_view_set_current_page (self, self->current_page + (g_str_equal (name, "pdf.next-page") ? 1 : -1));
}

static void
find_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (widget);

  if (g_str_equal (name, "pdf.find"))
    motcua_pdf_view_begin_find (self);
  else
    view_step_match (self, g_str_equal (name, "pdf.find-next") ? 1 : -1);
}

static void
on_page_entry_activate (GtkEntry *entry, MotcuaPdfView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  char *end = NULL;
  gint64 page = g_ascii_strtoll (text, &end, 10);

  if (end != text && page >= 1 && page <= self->n_pages)
    {
      motcua_pdf_view_set_current_page (self, (int) page - 1);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else
    {
      gtk_widget_error_bell (GTK_WIDGET (entry));
      view_update_page_entry (self);
    }
}

static void
on_thumbnails_revealed (GtkRevealer *revealer, GParamSpec *pspec, MotcuaPdfView *self)
{
  /* Rows go once the strip has slid away, not during the animation. */
  if (!gtk_revealer_get_child_revealed (revealer))
    view_setup_thumbnails (self);
  if (gtk_revealer_get_child_revealed (revealer) && has_document (self))
    gtk_widget_activate_action (GTK_WIDGET (self->thumbnails_list), "list.scroll-to-item", "u",
                                self->current_page);
  view_queue_thumbnail_update (self);
}

static void
on_thumbnail_selected (GtkSingleSelection *selection, GParamSpec *pspec, MotcuaPdfView *self)
{
  guint selected = gtk_single_selection_get_selected (selection);

  if (selected != GTK_INVALID_LIST_POSITION && (int) selected != self->current_page)
    motcua_pdf_view_set_current_page (self, selected);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
view_set_empty_words (MotcuaPdfView *self, const char *title, const char *description)
{
  adw_status_page_set_title (self->empty_page, title ? title : _("No Document Selected"));
  adw_status_page_set_description (self->empty_page,
                                   description ? description : _("Open an attachment of the dossier to see it here"));
}

static void
motcua_pdf_view_dispose (GObject *object)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (object);
  GtkWidget *child;

  /* The worker goes first: it may be rendering into a job whose view is going away. */
  g_clear_pointer (&self->worker, pdf_worker_free);
  g_clear_handle_id (&self->loading_timeout_id, g_source_remove);
  g_clear_handle_id (&self->sync_idle_id, g_source_remove);
  g_clear_handle_id (&self->thumbnails_idle_id, g_source_remove);
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  g_clear_pointer (&self->find_text, g_free);
  g_clear_pointer (&self->pending_renders, g_hash_table_unref);
  g_clear_pointer (&self->pending_thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->bound_thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->sizes, g_array_unref);
  g_clear_pointer (&self->error_message, g_free);
  if (self->thumbnails_list != NULL)
    gtk_list_view_set_model (self->thumbnails_list, NULL);
  g_clear_object (&self->thumbnail_selection);
  g_clear_object (&self->blank_thumbnail);
  g_clear_pointer (&self->handle, view_handle_release);

  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_PDF_VIEW);
  /* The template's root box is not a bound child, so it is not unparented above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (motcua_pdf_view_parent_class)->dispose (object);
}

static void
motcua_pdf_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (object);

  switch (prop_id)
    {
    case PROP_N_PAGES:
      g_value_set_int (value, self->n_pages);
      break;
    case PROP_CURRENT_PAGE:
      g_value_set_int (value, self->current_page);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, motcua_pdf_view_get_zoom (self));
      break;
    case PROP_ROTATION:
      g_value_set_int (value, self->rotation);
      break;
    case PROP_SHOW_THUMBNAILS:
      g_value_set_boolean (value, self->show_thumbnails);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_pdf_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MotcuaPdfView *self = MOTCUA_PDF_VIEW (object);

  switch (prop_id)
    {
    case PROP_CURRENT_PAGE:
      motcua_pdf_view_set_current_page (self, g_value_get_int (value));
      break;
    case PROP_ZOOM:
      motcua_pdf_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SHOW_THUMBNAILS:
      motcua_pdf_view_set_show_thumbnails (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_pdf_view_class_init (MotcuaPdfViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_pdf_view_dispose;
  object_class->get_property = motcua_pdf_view_get_property;
  object_class->set_property = motcua_pdf_view_set_property;

  properties[PROP_N_PAGES] =
    g_param_spec_int ("n-pages", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_PAGE] =
    g_param_spec_int ("current-page", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROTATION] =
    g_param_spec_int ("rotation", NULL, NULL, 0, 270, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_THUMBNAILS] =
    g_param_spec_boolean ("show-thumbnails", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MOTCUA_TYPE_PDF_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-pdf-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, toolbar_revealer);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, thumbnails_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, page_entry);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, n_pages_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, zoom_widest);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, n_pages_widest);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, find_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, matches_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, error_page);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, spinner);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, thumbnails_revealer);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, thumbnails_scroller);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, thumbnails_list);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, scroller);
  gtk_widget_class_bind_template_child (widget_class, MotcuaPdfView, canvas);

  gtk_widget_class_install_action (widget_class, "pdf.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "pdf.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "pdf.fit-width", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "pdf.fit-page", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "pdf.set-zoom", "d", zoom_action);
  gtk_widget_class_install_action (widget_class, "pdf.rotate", NULL, rotate_action);
  gtk_widget_class_install_action (widget_class, "pdf.rotate-left", NULL, rotate_action);
  gtk_widget_class_install_action (widget_class, "pdf.next-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "pdf.previous-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "pdf.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "pdf.find-next", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "pdf.find-previous", NULL, find_action);
  gtk_widget_class_install_property_action (widget_class, "pdf.show-thumbnails", "show-thumbnails");

  /* Only while focus is in the viewer, and only keys the application has no accelerator
   * for: GTK gives those to the window first. In the desk's window its own Control+F
   * finds in the document while the viewer has focus; Control+F here serves the
   * viewer's window of its own. Rotation (Control+arrows, as in Papers, since Control+R
   * syncs) is caught before the scrolled window: see add_rotation_keys(). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "pdf.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "pdf.find-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "pdf.find-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "pdf.show-thumbnails", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pdfview");
}

static GdkTexture *
blank_page_texture (void)
{
  static const guchar white[4] = { 0xff, 0xff, 0xff, 0xff };
  g_autoptr(GBytes) bytes = g_bytes_new_static (white, sizeof white);

  return gdk_memory_texture_new (1, 1, GDK_MEMORY_DEFAULT, bytes, 4);
}

/* Control+Left and Control+Right rotate the page; but GtkScrolledWindow binds them to
 * scrolling sideways and sits between the page and the viewer, so from the capture
 * phase, before it, unless the focus is in text (the search entry), where they move
 * by words. */
static gboolean
rotate_unless_editing (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_EDITABLE (gtk_widget_get_parent (focus))))
    return FALSE;
  return gtk_widget_activate_action (widget, user_data, NULL);
}

static void
add_rotation_keys (MotcuaPdfView *self)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Right, GDK_CONTROL_MASK),
                      gtk_callback_action_new (rotate_unless_editing, (gpointer) "pdf.rotate", NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Left, GDK_CONTROL_MASK),
                      gtk_callback_action_new (rotate_unless_editing, (gpointer) "pdf.rotate-left", NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

static void
motcua_pdf_view_init (MotcuaPdfView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  view_reserve_toolbar_width (self);
  add_rotation_keys (self);

  self->worker = pdf_worker_new ();
  self->handle = view_handle_new (self);
  self->pending_renders = g_hash_table_new_full (NULL, NULL, NULL, pending_render_free);
  self->pending_thumbnails = g_hash_table_new_full (NULL, NULL, NULL, cancel_and_unref);
  self->thumbnails = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->bound_thumbnails = g_hash_table_new (NULL, NULL);
  self->blank_thumbnail = blank_page_texture ();

  self->thumbnail_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->thumbnail_selection, FALSE);
  g_signal_connect (self->thumbnail_selection, "notify::selected", G_CALLBACK (on_thumbnail_selected), self);
  g_signal_connect (factory, "setup", G_CALLBACK (thumbnail_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (thumbnail_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (thumbnail_unbind), self);
  gtk_list_view_set_factory (self->thumbnails_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->thumbnails_list, GTK_SELECTION_MODEL (self->thumbnail_selection));
  motcua_focus_tab_leaves (GTK_WIDGET (self->thumbnails_list));   /* up to 300 pages */
  g_signal_connect (self->thumbnails_list, "activate", G_CALLBACK (on_thumbnail_activated), self);
  g_signal_connect (self->thumbnails_revealer, "notify::child-revealed", G_CALLBACK (on_thumbnails_revealed), self);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->thumbnails_scroller), "value-changed",
                           G_CALLBACK (on_thumbnails_scrolled), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->thumbnails_scroller), "changed",
                           G_CALLBACK (on_thumbnails_scrolled), self, 0);

  g_signal_connect (self->canvas, "layout-changed", G_CALLBACK (on_canvas_layout_changed), self);
  g_signal_connect (self->canvas, "first-paint", G_CALLBACK (on_canvas_first_paint), self);
  g_signal_connect (self->page_entry, "activate", G_CALLBACK (on_page_entry_activate), self);

  g_object_bind_property (self->find_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (on_search_mode_changed), self);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->search_entry, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect (self->search_entry, "next-match", G_CALLBACK (on_search_next), self);
  g_signal_connect (self->search_entry, "previous-match", G_CALLBACK (on_search_previous), self);
  g_signal_connect (self->search_entry, "stop-search", G_CALLBACK (on_search_stop), self);

  view_set_empty_words (self, NULL, NULL);
  view_show (self, "empty");
  view_update_actions (self);
}

/* ==== Public API ==================================================================== */

GtkWidget *
motcua_pdf_view_new (void)
{
  return g_object_new (MOTCUA_TYPE_PDF_VIEW, NULL);
}

void
motcua_pdf_view_load_file (MotcuaPdfView *self, const char *path, const char *mime_type)
{
  GTask *task;
  Job *job;

  g_return_if_fail (MOTCUA_IS_PDF_VIEW (self));
  g_return_if_fail (path != NULL);

  view_reset (self);
  /* Each file opens upright; a rotation was for the pages of the previous one. */
  if (self->rotation != 0)
    {
      self->rotation = 0;
      canvas_set_rotation (self->canvas, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
    }

  task = view_job_new (self, JOB_LOAD, JOB_PRIORITY_URGENT, NULL, load_done);
  job = g_task_get_task_data (task);
  job->path = g_strdup (path);
  job->mime_type = g_strdup (mime_type);
  view_layout_hint (self, &job->hint);
  pdf_worker_push (self->worker, task);

  self->loading_timeout_id = g_timeout_add (LOADING_DELAY_MS, loading_timeout, self);
}

void
motcua_pdf_view_clear (MotcuaPdfView *self)
{
  motcua_pdf_view_show_empty (self, NULL, NULL);
}

void
motcua_pdf_view_show_empty (MotcuaPdfView *self, const char *title, const char *description)
{
  g_return_if_fail (MOTCUA_IS_PDF_VIEW (self));

  view_reset (self);
  view_set_empty_words (self, title, description);
  view_show (self, "empty");
}

int
motcua_pdf_view_get_n_pages (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 0);

  return self->n_pages;
}

const char *
motcua_pdf_view_get_error_message (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), NULL);

  return self->error_message;
}

gboolean
motcua_pdf_view_get_loaded (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), FALSE);

  return self->loaded;
}

int
motcua_pdf_view_get_current_page (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 0);

  return self->current_page;
}

void
motcua_pdf_view_set_current_page (MotcuaPdfView *self, int page)
{
  g_return_if_fail (MOTCUA_IS_PDF_VIEW (self));

  if (!has_document (self))
    return;
  page = CLAMP (page, 0, self->n_pages - 1);
  canvas_scroll_to_page (self->canvas, page);
  view_set_current_page_internal (self, page);
}

double
motcua_pdf_view_get_zoom (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 1.0);

  return CLAMP (view_effective_zoom (self), MIN_ZOOM, MAX_ZOOM);
}

void
motcua_pdf_view_set_zoom (MotcuaPdfView *self, double zoom)
{
  g_return_if_fail (MOTCUA_IS_PDF_VIEW (self));

  canvas_set_zoom (self->canvas, ZOOM_FREE, zoom);
}

int
motcua_pdf_view_get_rotation (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 0);

  return self->rotation;
}

gboolean
motcua_pdf_view_get_show_thumbnails (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), FALSE);

  return self->show_thumbnails;
}

void
motcua_pdf_view_set_show_thumbnails (MotcuaPdfView *self, gboolean show)
{
  g_return_if_fail (MOTCUA_IS_PDF_VIEW (self));

  show = !!show;
  if (self->show_thumbnails == show)
    return;
  self->show_thumbnails = show;
  if (show)
    view_setup_thumbnails (self);
  gtk_revealer_set_reveal_child (self->thumbnails_revealer, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_THUMBNAILS]);
}

gboolean
motcua_pdf_view_begin_find (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), FALSE);

  if (!has_document (self) || self->is_image)
    return FALSE;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

void
motcua_pdf_view_find (MotcuaPdfView *self, const char *text)
{
  g_return_if_fail (MOTCUA_IS_PDF_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  /* Setting the text starts the search right away, without the entry's typing delay. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  view_start_find (self, text);
}

int
motcua_pdf_view_get_n_matches (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 0);

  return self->n_matches;
}

int
motcua_pdf_view_get_match_page (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), -1);

  return self->canvas->selected_page;
}

int
motcua_pdf_view_get_n_rendered (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 0);

  return g_atomic_int_get (&self->worker->n_rendered);
}

int
motcua_pdf_view_get_n_thumbnails_rendered (MotcuaPdfView *self)
{
  g_return_val_if_fail (MOTCUA_IS_PDF_VIEW (self), 0);

  return g_atomic_int_get (&self->worker->n_thumbnails);
}
