/* fault-proxy.h: a TCP proxy on loopback that makes a link slow, cuts it, or answers
 * HTTP requests with faults, for the sync fault tests and benchmarks.
 *
 * `tc netem` is not available on these machines, so a slow or broken link is made in
 * userspace: a client registered against motcua_fault_proxy_get_url() talks to the
 * server through the proxy. The proxy runs its own main loop in a thread of its own, so
 * the test's main thread may block in client code (a sync round, g_spawn_sync) while
 * the proxy keeps forwarding. Every setter may be called from any thread.
 *
 * Each client connection gets a new upstream connection, so a server killed and
 * restarted behind the proxy is reached again by the client's next connection.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MOTCUA_FAULT_NONE,
  MOTCUA_FAULT_500,                  /* 500, {"error": "internal", …} */
  MOTCUA_FAULT_503,                  /* 503 with Retry-After: 1, {"error": "unavailable", …} */
  MOTCUA_FAULT_MALFORMED_JSON,       /* 200 application/json whose body is not JSON */
  MOTCUA_FAULT_TRUNCATED,            /* 200 whose Content-Length promises more than is sent; then close */
  MOTCUA_FAULT_WRONG_CONTENT_TYPE,   /* 200 with a valid JSON body as text/html */
  MOTCUA_FAULT_CLOSE,                /* no answer: the connection is closed */
} MotcuaFault;

typedef struct _MotcuaFaultProxy MotcuaFaultProxy;

/* Listens on 127.0.0.1 on an ephemeral port and forwards to @target_url
 * ("http://127.0.0.1:PORT/"; only its host and port are used). */
MotcuaFaultProxy *motcua_fault_proxy_new             (const char        *target_url,
                                                      GError           **error);
void              motcua_fault_proxy_free            (MotcuaFaultProxy  *proxy);

/* "http://127.0.0.1:PORT" followed by the target's path ("/" for the usual target). */
const char       *motcua_fault_proxy_get_url         (MotcuaFaultProxy  *proxy);
/* For a server restarted on another port: later connections go there. */
void              motcua_fault_proxy_set_target      (MotcuaFaultProxy  *proxy,
                                                      const char        *target_url);

/* Bandwidth in bytes per second for each direction (0: unlimited) and a one-way delay
 * added to every byte in both directions: 256 kbit/s with a 300 ms round trip is
 * (32000, 150). Applies at once, to open connections too. */
void              motcua_fault_proxy_set_throttle    (MotcuaFaultProxy  *proxy,
                                                      guint64            bytes_per_second,
                                                      guint              latency_ms);
/* After @bytes more bytes from client to server are forwarded, the connection that
 * carried them is closed on both sides. Once; call again to arm again. A client may
 * get around such a cut by itself (libsoup re-sends an idempotent request whose
 * kept-alive connection dies); _then_down also takes the link down at that moment,
 * as motcua_fault_proxy_set_down (TRUE) would, so that nothing gets through until
 * the test brings it back up. */
void              motcua_fault_proxy_cut_after       (MotcuaFaultProxy  *proxy,
                                                      guint64            bytes);
void              motcua_fault_proxy_cut_after_then_down (MotcuaFaultProxy *proxy,
                                                          guint64           bytes);
/* A link that is down closes every open connection, and every new one as soon as it
 * is accepted, until it is brought up again. */
void              motcua_fault_proxy_set_down        (MotcuaFaultProxy  *proxy,
                                                      gboolean           down);
gboolean          motcua_fault_proxy_is_down         (MotcuaFaultProxy  *proxy);
/* The next request whose method is @method (NULL: any) and whose target starts with
 * @path_prefix is not forwarded: the proxy reads it whole and answers @fault itself.
 * Faults queue up; each fires once. */
void              motcua_fault_proxy_fail_next       (MotcuaFaultProxy  *proxy,
                                                      const char        *method,
                                                      const char        *path_prefix,
                                                      MotcuaFault        fault);
/* Faults armed with fail_next that have not fired yet are dropped. */
void              motcua_fault_proxy_clear_faults    (MotcuaFaultProxy  *proxy);

/* Bytes forwarded client → server (up) and server → client (down), including what
 * the proxy answered itself; connections accepted; faults fired (by fail_next or
 * cut_after). */
guint64           motcua_fault_proxy_get_bytes_up    (MotcuaFaultProxy  *proxy);
guint64           motcua_fault_proxy_get_bytes_down  (MotcuaFaultProxy  *proxy);
guint             motcua_fault_proxy_get_connections (MotcuaFaultProxy  *proxy);
guint             motcua_fault_proxy_get_faults_fired (MotcuaFaultProxy *proxy);
/* How many requests seen so far (forwarded or answered) match @method (NULL: any) and
 * start with @path_prefix: lets a test wait for "the second push" before acting. */
guint             motcua_fault_proxy_count_requests  (MotcuaFaultProxy  *proxy,
                                                      const char        *method,
                                                      const char        *path_prefix);

/* Bytes forwarded upstream (request heads and bodies) for those requests: the share
 * of the upload that went to pushes, say, rather than to blobs. */
guint64           motcua_fault_proxy_get_request_bytes (MotcuaFaultProxy *proxy,
                                                        const char       *method,
                                                        const char       *path_prefix);
/* When the first such request arrived (g_get_monotonic_time()), -1 if none did: where
 * the phases of a round begin. */
gint64            motcua_fault_proxy_get_first_request_time (MotcuaFaultProxy *proxy,
                                                             const char       *method,
                                                             const char       *path_prefix);
/* Seconds from each such request's arrival to the first byte of the server's answer
 * (what a client waits, less the link), in order; requests the proxy answered itself,
 * or that got no answer, are left out. Free with g_array_unref(). */
GArray           *motcua_fault_proxy_get_latencies   (MotcuaFaultProxy  *proxy,
                                                      const char        *method,
                                                      const char        *path_prefix);

const char       *motcua_fault_name                  (MotcuaFault        fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaFaultProxy, motcua_fault_proxy_free)

G_END_DECLS
