/* metrics.c - the daemon's counters over HTTP: /stats, /metrics, /healthz,
 * and the server's own count of answers by route and status. */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "export.h"
#include "metrics.h"
#include "query.h"
#include "rdns.h"
#include "render.h"
#include "stats.h"
#include "timefmt.h"

/* Status codes counted; the last slot takes the rest. */
static const unsigned metrics_codes[] = {
	200, 204, 304, 400, 401, 403, 404, 405, 413, 414, 422, 431, 500, 501,
	503, 0
};
#define METRICS_NCODES	(sizeof(metrics_codes) / sizeof(metrics_codes[0]))
/* One row per route of api.c's table (api.c checks that they fit). */
#define METRICS_MAX_ROUTES	API_MAX_ROUTES

struct metrics {
	const struct daemon_hooks *hooks;
	struct rdns		*rdns;
	char			*db;
	int64_t			 started_us;
	uint64_t		 hits[METRICS_MAX_ROUTES][METRICS_NCODES];
	uint64_t		 conn_open;
	uint64_t		 conn_rejected;
	uint64_t		 conn_timeouts;
	uint64_t		 queries;	/* running or waiting */
	uint64_t		 queries_busy;
};

struct metrics *
metrics_new(const struct daemon_hooks *hooks, const char *db)
{
	struct metrics *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((m->db = strdup(db)) == NULL) {
		free(m);
		return NULL;
	}
	m->hooks = hooks;
	m->started_us = timefmt_now();
	return m;
}

void
metrics_set_rdns(struct metrics *m, struct rdns *r)
{
	m->rdns = r;
}

static void metrics_help(struct buf *, const char *, const char *,
    const char *);

/* Counters of one struct, all uint64_t: a row per field. */
struct metrics_field {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 off;
};

static void
metrics_fields(struct buf *b, const void *st, const struct metrics_field *f,
    size_t n)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&v, (const char *)st + f[i].off, sizeof(v));
		metrics_help(b, f[i].name, f[i].type, f[i].help);
		buf_printf(b, "%s %llu\n", f[i].name, (unsigned long long)v);
	}
}

/* The reverse DNS cache's counters (rdns.h). */
static void
metrics_rdns(struct rdns *r, struct buf *b)
{
	static const struct metrics_field rm[] = {
		{ "ipgraph_rdns_cache_entries", "gauge", "Reverse DNS answers "
		    "(and lookups under way) cached.",
		    offsetof(struct rdns_stats, entries) },
		{ "ipgraph_rdns_cache_max_entries", "gauge", "The cache's cap "
		    "(reverse_dns_cache).",
		    offsetof(struct rdns_stats, max_entries) },
		{ "ipgraph_rdns_cache_bytes", "gauge", "Memory the cached "
		    "entries hold.", offsetof(struct rdns_stats, bytes) },
		{ "ipgraph_rdns_cache_max_bytes", "gauge", "The cache's "
		    "memory cap.", offsetof(struct rdns_stats, max_bytes) },
		{ "ipgraph_rdns_hits_total", "counter", "Addresses answered "
		    "from the cache (names and known failures).",
		    offsetof(struct rdns_stats, hits) },
		{ "ipgraph_rdns_misses_total", "counter", "Addresses asked "
		    "of the name server.", offsetof(struct rdns_stats, misses) },
		{ "ipgraph_rdns_timeouts_total", "counter", "Addresses a "
		    "request stopped waiting for (reverse_dns_timeout); drawn "
		    "as addresses.", offsetof(struct rdns_stats, timeouts) },
		{ "ipgraph_rdns_names_total", "counter", "Answers with a "
		    "name.", offsetof(struct rdns_stats, names) },
		{ "ipgraph_rdns_failures_total", "counter", "Answers without "
		    "a name (no record, errors, no answer).",
		    offsetof(struct rdns_stats, failures) },
		{ "ipgraph_rdns_evicted_total", "counter", "Entries pushed "
		    "out, least recently used first, past the cache's caps.",
		    offsetof(struct rdns_stats, evicted) },
		{ "ipgraph_rdns_busy_total", "counter", "Addresses not asked: "
		    "too many lookups under way.",
		    offsetof(struct rdns_stats, busy) },
	};
	struct rdns_stats s;

	rdns_get_stats(r, &s);
	metrics_fields(b, &s, rm, sizeof(rm) / sizeof(rm[0]));
}

/* The picture cache's counters (render.h). */
static void
metrics_pictures(struct buf *b)
{
	static const struct metrics_field pm[] = {
		{ "ipgraph_picture_cache_bytes", "gauge", "Bytes held by the "
		    "cache of drawn pictures (keys included).",
		    offsetof(struct render_cache_stats, bytes) },
		{ "ipgraph_picture_cache_max_bytes", "gauge", "The picture "
		    "cache's bound, [http] picture_cache.",
		    offsetof(struct render_cache_stats, max) },
		{ "ipgraph_picture_cache_entries", "gauge", "Drawn pictures "
		    "held.", offsetof(struct render_cache_stats, entries) },
		{ "ipgraph_picture_cache_hits_total", "counter", "Pictures "
		    "answered from the cache, not laid out again.",
		    offsetof(struct render_cache_stats, hits) },
		{ "ipgraph_picture_cache_misses_total", "counter", "Pictures "
		    "laid out and drawn.",
		    offsetof(struct render_cache_stats, misses) },
		{ "ipgraph_picture_cache_evictions_total", "counter",
		    "Pictures pushed out of the cache by newer ones.",
		    offsetof(struct render_cache_stats, evictions) },
	};
	struct render_cache_stats s;

	render_cache_stats(&s);
	metrics_fields(b, &s, pm, sizeof(pm) / sizeof(pm[0]));
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->db);
	free(m);
}

void
metrics_count(struct metrics *m, size_t route, unsigned status)
{
	size_t i;

	if (route >= METRICS_MAX_ROUTES)
		return;
	for (i = 0; i < METRICS_NCODES - 1; i++)
		if (metrics_codes[i] == status)
			break;
	__atomic_fetch_add(&m->hits[route][i], 1, __ATOMIC_RELAXED);
}

void
metrics_conn(struct metrics *m, enum metrics_conn what)
{
	switch (what) {
	case METRICS_CONN_OPENED:
		__atomic_fetch_add(&m->conn_open, 1, __ATOMIC_RELAXED);
		break;
	case METRICS_CONN_CLOSED:
		__atomic_fetch_sub(&m->conn_open, 1, __ATOMIC_RELAXED);
		break;
	case METRICS_CONN_REJECTED:
		__atomic_fetch_add(&m->conn_rejected, 1, __ATOMIC_RELAXED);
		break;
	case METRICS_CONN_TIMEOUT:
		__atomic_fetch_add(&m->conn_timeouts, 1, __ATOMIC_RELAXED);
		break;
	}
}

void
metrics_query(struct metrics *m, enum metrics_query what)
{
	switch (what) {
	case METRICS_QUERY_IN:
		__atomic_fetch_add(&m->queries, 1, __ATOMIC_RELAXED);
		break;
	case METRICS_QUERY_OUT:
		__atomic_fetch_sub(&m->queries, 1, __ATOMIC_RELAXED);
		break;
	case METRICS_QUERY_BUSY:
		__atomic_fetch_add(&m->queries_busy, 1, __ATOMIC_RELAXED);
		break;
	}
}

void
metrics_stats(const struct metrics *h, struct buf *b)
{
	struct daemon_stats ds;
	char iso[64];
	size_t i;

	if (h->hooks == NULL) {
		buf_printf(b, "{\"capture\": false, \"database\": ");
		export_json_string(b, h->db);
		buf_printf(b, ", \"started\": \"%s\"}\n",
		    timefmt_iso(h->started_us, iso));
		return;
	}
	memset(&ds, 0, sizeof(ds));
	h->hooks->get_stats(h->hooks->arg, &ds);
	buf_puts(b, "{\"capture\": true, \"sensor\": ");
	export_json_string(b, ds.sensor);
	buf_printf(b, ", \"now\": \"%s\"", timefmt_iso(ds.now_us, iso));
	buf_printf(b, ", \"started\": \"%s\"",
	    timefmt_iso(ds.started_us, iso));
	buf_printf(b, ", \"packets\": %llu, \"bytes\": %llu, "
	    "\"undecoded\": %llu, \"pps\": %.1f, \"bps\": %.1f, "
	    "\"open_window\": %lld, \"window_seconds\": %u, "
	    "\"open_edges\": %zu, \"windows_written\": %llu, "
	    "\"edges_written\": %llu, \"windows_dropped\": %llu, "
	    "\"write_errors\": %llu, \"queue_depth\": %llu, "
	    "\"queue_max\": %llu, \"write_latency_us\": %llu, "
	    "\"write_latency_max_us\": %llu, \"capture_alive\": %s, "
	    "\"writer_alive\": %s, \"writer_error\": ",
	    (unsigned long long)ds.packets, (unsigned long long)ds.bytes,
	    (unsigned long long)ds.undecoded, ds.pps, ds.bps,
	    (long long)ds.open_window, ds.window_seconds, ds.open_edges,
	    (unsigned long long)ds.windows_written,
	    (unsigned long long)ds.edges_written,
	    (unsigned long long)ds.windows_dropped,
	    (unsigned long long)ds.write_errors,
	    (unsigned long long)ds.queue_depth,
	    (unsigned long long)ds.queue_max,
	    (unsigned long long)ds.write_latency_us,
	    (unsigned long long)ds.write_latency_max_us,
	    ds.capture_alive ? "true" : "false",
	    ds.writer_alive ? "true" : "false");
	export_json_string(b, ds.writer_error);
	buf_printf(b, ", \"frames_dropped\": %llu, \"queue_bytes\": "
	    "%llu, \"queue_bytes_max\": %llu, \"database_reopened\": %llu, "
	    "\"events_written\": %llu, \"events_dropped\": %llu, "
	    "\"last_loss\": ", (unsigned long long)ds.frames_dropped,
	    (unsigned long long)ds.queue_bytes,
	    (unsigned long long)ds.queue_bytes_max,
	    (unsigned long long)ds.db_reopened,
	    (unsigned long long)ds.events_written,
	    (unsigned long long)ds.events_dropped);
	export_json_string(b, ds.last_loss);
	buf_puts(b, ", \"interfaces\": [");
	for (i = 0; i < ds.nifaces && i < STATS_MAX_IFACES; i++) {
		buf_puts(b, i > 0 ? ", {\"name\": " : "{\"name\": ");
		export_json_string(b, ds.ifaces[i].name);
		buf_printf(b, ", \"up\": %s, \"packets\": %llu, "
		    "\"bytes\": %llu, \"kernel_drops\": %llu, "
		    "\"interface_drops\": %llu}",
		    ds.ifaces[i].up ? "true" : "false",
		    (unsigned long long)ds.ifaces[i].packets,
		    (unsigned long long)ds.ifaces[i].bytes,
		    (unsigned long long)ds.ifaces[i].kernel_drop,
		    (unsigned long long)ds.ifaces[i].if_drop);
	}
	buf_puts(b, "]}\n");
}

/* A Prometheus label value (backslash, quote and newline escaped). */
static void
metrics_label(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(b, '\\');
		if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *s);
	}
}

static void
metrics_help(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
metrics_prometheus(const struct metrics *h, struct buf *b)
{
	static const struct {
		const char	*name;
		const char	*help;
		size_t		 off;
	} ifm[] = {
		{ "ipgraph_packets_total", "Packets seen per interface.",
		    offsetof(struct iface_stats, packets) },
		{ "ipgraph_bytes_total", "Bytes (on the wire) per interface.",
		    offsetof(struct iface_stats, bytes) },
		{ "ipgraph_kernel_drops_total", "Packets the kernel dropped "
		    "(pcap ps_drop).", offsetof(struct iface_stats,
		    kernel_drop) },
		{ "ipgraph_interface_drops_total", "Packets the interface "
		    "dropped (pcap ps_ifdrop).", offsetof(struct iface_stats,
		    if_drop) },
	};
	struct daemon_stats ds;
	const struct api_route *rt;
	uint64_t v;
	size_t i, k, c, nr;

	if (h->hooks != NULL) {
		memset(&ds, 0, sizeof(ds));
		h->hooks->get_stats(h->hooks->arg, &ds);
		for (k = 0; k < sizeof(ifm) / sizeof(ifm[0]); k++) {
			metrics_help(b, ifm[k].name, "counter", ifm[k].help);
			for (i = 0; i < ds.nifaces && i < STATS_MAX_IFACES;
			    i++) {
				memcpy(&v, (const char *)&ds.ifaces[i] +
				    ifm[k].off, sizeof(v));
				buf_printf(b, "%s{interface=\"", ifm[k].name);
				metrics_label(b, ds.ifaces[i].name);
				buf_printf(b, "\"} %llu\n",
				    (unsigned long long)v);
			}
		}
		metrics_help(b, "ipgraph_interface_up", "gauge",
		    "1 while the interface is capturing.");
		for (i = 0; i < ds.nifaces && i < STATS_MAX_IFACES; i++) {
			buf_puts(b, "ipgraph_interface_up{interface=\"");
			metrics_label(b, ds.ifaces[i].name);
			buf_printf(b, "\"} %d\n", ds.ifaces[i].up ? 1 : 0);
		}
#define M(name, type, help, fmt, val) do {				\
		metrics_help(b, name, type, help);			\
		buf_printf(b, "%s " fmt "\n", name, val);		\
	} while (0)
		M("ipgraph_undecoded_total", "counter", "Frames that made no "
		    "edge.", "%llu", (unsigned long long)ds.undecoded);
		M("ipgraph_open_window_edges", "gauge", "Edges in the open "
		    "window.", "%zu", ds.open_edges);
		M("ipgraph_windows_written_total", "counter", "Windows "
		    "committed to the database.", "%llu",
		    (unsigned long long)ds.windows_written);
		M("ipgraph_edges_written_total", "counter", "Edges committed "
		    "to the database.", "%llu",
		    (unsigned long long)ds.edges_written);
		metrics_help(b, "ipgraph_new_edges_total", "counter", "Edges "
		    "(sensor, proto, src, dst, dport) seen for the first time.");
		buf_puts(b, "ipgraph_new_edges_total{sensor=\"");
		metrics_label(b, ds.sensor);
		buf_printf(b, "\"} %llu\n", (unsigned long long)ds.new_edges);
		M("ipgraph_first_seen_dropped_total", "counter", "First-seen "
		    "edges dropped, oldest first, past first_seen_max.", "%llu",
		    (unsigned long long)ds.first_seen_dropped);
		M("ipgraph_dns_names", "gauge", "(client, address) names "
		    "from DNS answers held (at most names_max).", "%llu",
		    (unsigned long long)ds.names.entries);
		M("ipgraph_dns_answers_total", "counter", "Addresses read "
		    "from DNS answers.", "%llu",
		    (unsigned long long)ds.names.answers);
		M("ipgraph_server_names_total", "counter", "Server names "
		    "read from TLS SNI and HTTP Host.", "%llu",
		    (unsigned long long)ds.names.server_names);
		M("ipgraph_dns_names_overflow_total", "counter", "Names "
		    "pushed out, least recently used first, past names_max.",
		    "%llu", (unsigned long long)ds.names.overflow);
		M("ipgraph_dns_rows_dropped_total", "counter", "Names not "
		    "stored: more than names_max waited for one window.",
		    "%llu", (unsigned long long)ds.names.rows_dropped);
		M("ipgraph_dns_names_memory_bytes", "gauge", "Memory the "
		    "names from DNS answers hold.", "%llu",
		    (unsigned long long)ds.names.memory);
		M("ipgraph_budget_windows_deleted_total", "counter",
		    "Windows deleted, oldest and finest first, to keep the "
		    "database under max_size and each tier under its "
		    "max_size_TIER.", "%llu",
		    (unsigned long long)ds.budget_windows_deleted);
		metrics_help(b, "ipgraph_budget_tier_windows_deleted_total",
		    "counter", "Windows of a tier deleted, oldest first, to "
		    "keep it under its max_size_TIER.");
		for (i = 0; i < 3; i++)
			buf_printf(b, "ipgraph_budget_tier_windows_deleted_total"
			    "{tier=\"%s\"} %llu\n", query_tier_name(i),
			    (unsigned long long)ds.budget_tier_windows_deleted[i]);
		M("ipgraph_database_bytes", "gauge", "The database file "
		    "after the last max_size check (0 without max_size).",
		    "%llu", (unsigned long long)ds.db_bytes);
		M("ipgraph_alert_edges_sent_total", "counter", "New edges "
		    "delivered to the [alerts] webhook or command.", "%llu",
		    (unsigned long long)ds.alerts.edges_sent);
		M("ipgraph_alert_failures_total", "counter", "Failed alert "
		    "deliveries (retried with back-off).", "%llu",
		    (unsigned long long)ds.alerts.failures);
		M("ipgraph_alert_edges_dropped_total", "counter", "New edges "
		    "past [alerts] max_pending, never delivered (still in the "
		    "database).", "%llu",
		    (unsigned long long)ds.alerts.dropped);
		M("ipgraph_alert_edges_pending", "gauge", "New edges waiting "
		    "for delivery.", "%llu",
		    (unsigned long long)ds.alerts.pending);
		M("ipgraph_windows_dropped_total", "counter", "Windows "
		    "dropped because the writer queue was full.", "%llu",
		    (unsigned long long)ds.windows_dropped);
		M("ipgraph_write_errors_total", "counter", "Failed window "
		    "writes (retried).", "%llu",
		    (unsigned long long)ds.write_errors);
		M("ipgraph_writer_queue_depth", "gauge", "Closed windows "
		    "waiting for the writer.", "%llu",
		    (unsigned long long)ds.queue_depth);
		M("ipgraph_writer_queue_max", "gauge", "The writer queue's "
		    "size.", "%llu", (unsigned long long)ds.queue_max);
		M("ipgraph_writer_latency_seconds", "gauge", "Window close to "
		    "commit, the last window.", "%.6f",
		    (double)ds.write_latency_us / 1e6);
		M("ipgraph_writer_latency_max_seconds", "gauge", "Window close "
		    "to commit, the slowest so far.", "%.6f",
		    (double)ds.write_latency_max_us / 1e6);
		M("ipgraph_frames_dropped_total", "counter", "Frames in "
		    "windows that could not be stored (see the losses "
		    "table).", "%llu", (unsigned long long)ds.frames_dropped);
		M("ipgraph_writer_queue_bytes", "gauge", "Memory held by the "
		    "writer queue.", "%llu", (unsigned long long)ds.queue_bytes);
		M("ipgraph_writer_queue_bytes_max", "gauge", "The writer "
		    "queue's bound in bytes.", "%llu",
		    (unsigned long long)ds.queue_bytes_max);
		M("ipgraph_database_reopened_total", "counter", "Database "
		    "files found deleted or replaced, and made anew.", "%llu",
		    (unsigned long long)ds.db_reopened);
		M("ipgraph_events_written_total", "counter", "Packet events "
		    "committed.", "%llu", (unsigned long long)ds.events_written);
		M("ipgraph_events_dropped_total", "counter", "Packet events "
		    "past a cap or a full queue.", "%llu",
		    (unsigned long long)ds.events_dropped);
		M("ipgraph_capture_filter_swaps_total", "counter", "Capture "
		    "filters changed on an interface by a reload (a new handle "
		    "opened before the old one closed).", "%llu",
		    (unsigned long long)ds.filter_swaps);
		M("ipgraph_ipfix_messages_total", "counter", "IPFIX messages "
		    "built for [ipfix] export.", "%llu",
		    (unsigned long long)ds.ipfix_messages);
		M("ipgraph_ipfix_records_total", "counter", "IPFIX data "
		    "records in them.", "%llu",
		    (unsigned long long)ds.ipfix_records);
		M("ipgraph_ipfix_send_failed_total", "counter", "IPFIX "
		    "messages the socket refused (lost).", "%llu",
		    (unsigned long long)ds.ipfix_failed);
		if (ds.collecting) {
		M("ipgraph_collector_datagrams_total", "counter", "NetFlow "
		    "and IPFIX datagrams received.", "%llu",
		    (unsigned long long)ds.coll.packets);
		M("ipgraph_collector_records_total", "counter", "Flow records "
		    "taken into windows.", "%llu",
		    (unsigned long long)ds.coll.records);
		M("ipgraph_collector_malformed_total", "counter", "Datagrams "
		    "cut short or inconsistent (what came before was kept).",
		    "%llu", (unsigned long long)ds.coll.malformed);
		M("ipgraph_collector_bad_version_total", "counter", "Datagrams "
		    "neither NetFlow v5, v9 nor IPFIX.", "%llu",
		    (unsigned long long)ds.coll.bad_version);
		M("ipgraph_collector_unknown_template_total", "counter", "Data "
		    "sets of a template not (yet) received.", "%llu",
		    (unsigned long long)ds.coll.unknown_template);
		M("ipgraph_collector_templates_total", "counter", "Template "
		    "records taken.", "%llu",
		    (unsigned long long)ds.coll.templates);
		M("ipgraph_collector_withdrawn_total", "counter", "IPFIX "
		    "template withdrawals.", "%llu",
		    (unsigned long long)ds.coll.withdrawn);
		M("ipgraph_collector_rate_limited_total", "counter", "Datagrams "
		    "over an exporter's rate, dropped.", "%llu",
		    (unsigned long long)ds.coll.rate_limited);
		M("ipgraph_collector_refused_total", "counter", "Datagrams or "
		    "templates past the exporter or template caps.", "%llu",
		    (unsigned long long)ds.coll.refused);
		M("ipgraph_collector_exporters", "gauge", "Exporters and "
		    "observation domains known.", "%llu",
		    (unsigned long long)ds.coll.sources);
		}
		M("ipgraph_capture_alive", "gauge", "1 while at least one "
		    "interface captures.", "%d", ds.capture_alive ? 1 : 0);
		M("ipgraph_writer_alive", "gauge", "1 while the writer "
		    "succeeds.", "%d", ds.writer_alive ? 1 : 0);
#undef M
	}
	metrics_help(b, "ipgraph_http_connections", "gauge",
	    "HTTP connections open now.");
	buf_printf(b, "ipgraph_http_connections %llu\n", (unsigned long long)
	    __atomic_load_n(&h->conn_open, __ATOMIC_RELAXED));
	metrics_help(b, "ipgraph_http_rejected_total", "counter",
	    "HTTP connections closed at once: their address already held "
	    "per_ip_connections.");
	buf_printf(b, "ipgraph_http_rejected_total %llu\n", (unsigned long long)
	    __atomic_load_n(&h->conn_rejected, __ATOMIC_RELAXED));
	metrics_help(b, "ipgraph_http_header_timeouts_total", "counter",
	    "HTTP connections shut down: a request's headers were not whole "
	    "by header_timeout.");
	buf_printf(b, "ipgraph_http_header_timeouts_total %llu\n",
	    (unsigned long long)__atomic_load_n(&h->conn_timeouts,
	    __ATOMIC_RELAXED));
	metrics_help(b, "ipgraph_http_queries", "gauge",
	    "Data route queries running or waiting for a query thread.");
	buf_printf(b, "ipgraph_http_queries %llu\n", (unsigned long long)
	    __atomic_load_n(&h->queries, __ATOMIC_RELAXED));
	metrics_help(b, "ipgraph_http_queries_busy_total", "counter",
	    "Data route requests answered 503 at once: as many queries as "
	    "the query threads take were running or waiting.");
	buf_printf(b, "ipgraph_http_queries_busy_total %llu\n",
	    (unsigned long long)__atomic_load_n(&h->queries_busy,
	    __ATOMIC_RELAXED));
	metrics_pictures(b);
	metrics_help(b, "ipgraph_http_requests_total", "counter",
	    "HTTP requests by route and status.");
	rt = api_routes(&nr);
	for (i = 0; i < nr && i < METRICS_MAX_ROUTES; i++)
		for (c = 0; c < METRICS_NCODES; c++) {
			v = __atomic_load_n(&h->hits[i][c], __ATOMIC_RELAXED);
			if (v == 0)
				continue;
			buf_printf(b, "ipgraph_http_requests_total{route=\"%s%s"
			    "\",code=\"", rt[i].path[0] == '/' ||
			    rt[i].kind == API_STATIC || rt[i].kind == API_OTHER ?
			    "" : "/api/v1/", rt[i].path);
			if (metrics_codes[c] != 0)
				buf_printf(b, "%u", metrics_codes[c]);
			else
				buf_puts(b, "other");
			buf_printf(b, "\"} %llu\n", (unsigned long long)v);
		}
	if (h->rdns != NULL)
		metrics_rdns(h->rdns, b);
}

/* /healthz says "degraded" for this long after data was lost (s). */
#define METRICS_LOSS_RECENT	600

unsigned
metrics_healthz(const struct metrics *h, struct buf *b)
{
	struct daemon_stats ds;
	const char *why = NULL;

	if (h->hooks == NULL) {
		buf_puts(b, "{\"status\": \"ok\", \"capture\": false}\n");
		return 200;
	}
	memset(&ds, 0, sizeof(ds));
	h->hooks->get_stats(h->hooks->arg, &ds);
	if (!ds.capture_alive)
		why = "no interface is capturing";
	else if (!ds.writer_alive)
		why = ds.writer_error[0] != '\0' ? ds.writer_error :
		    "the writer is failing";
	if (why == NULL && ds.last_loss_us != 0 &&
	    ds.now_us - ds.last_loss_us < METRICS_LOSS_RECENT * 1000000LL) {
		/* working, but data was lost lately: say so, still 200 */
		buf_puts(b, "{\"status\": \"degraded\", \"capture\": true, "
		    "\"reason\": ");
		export_json_string(b, ds.last_loss);
		buf_puts(b, "}\n");
		return 200;
	}
	if (why == NULL) {
		buf_puts(b, "{\"status\": \"ok\", \"capture\": true}\n");
		return 200;
	}
	buf_puts(b, "{\"status\": \"unhealthy\", \"reason\": ");
	export_json_string(b, why);
	buf_puts(b, "}\n");
	return 503;
}
