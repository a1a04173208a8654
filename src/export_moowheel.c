/* export_moowheel.c - MooWheel wheel data (JSON), and a page drawing it. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"

/*
 * [{"id":..,"text":..,"connections":[[dst,weight],..]},..]: one entry per
 * node (senders and receivers alike: MooWheel resolves every connection
 * by id, so receivers need an entry even with no connections).  Ids are
 * addresses, texts the labels; MooWheel's [id, count] pairs carry the
 * weights it colours lines by.
 */
int
export_moowheel(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	size_t i, e = 0;
	int first;

	(void)o;
	(void)err;
	(void)errlen;
	buf_putc(out, '[');
	for (i = 0; i < g->nnodes; i++) {
		buf_puts(out, i == 0 ? "\n{\"id\":" : ",\n{\"id\":");
		export_json_string(out, g->nodes[i].addr_text);
		buf_puts(out, ",\"text\":");
		export_json_string(out, g->nodes[i].label);
		buf_puts(out, ",\"connections\":[");
		first = 1;
		for (; e < g->nedges && g->edges[e].src == i; e++) {
			buf_puts(out, first ? "[" : ",[");
			export_json_string(out,
			    g->nodes[g->edges[e].dst].addr_text);
			buf_printf(out, ",%" PRIu64 "]", graph_weight(g,
			    g->edges[e].packets, g->edges[e].bytes));
			first = 0;
		}
		buf_puts(out, "]}");
	}
	buf_puts(out, "\n]\n");
	return 0;
}

/*
 * The page draws the wheel itself on a canvas (hosts round a circle,
 * each connection a curve through the middle, heavier ones wider and
 * warmer), so it opens in any browser with no script from elsewhere:
 * MooWheel and MooTools are not packaged anywhere we could take them from.
 */
static const char moowheel_page_head[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<title>ipgraph - wheel</title>\n"
"<style>\n"
"body { background: #000; color: #fff; font: 12px Verdana, sans-serif; "
"margin: 0; }\n"
"#canvas { border: 1px solid #fff; display: block; margin: 10px auto; }\n"
"#info { text-align: center; min-height: 1.5em; }\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<canvas id=\"canvas\" width=\"900\" height=\"900\"></canvas>\n"
"<div id=\"info\"></div>\n"
"<script id=\"wheel-data\" type=\"application/json\">\n";

static const char moowheel_page_tail[] =
"</script>\n"
"<script>\n"
"'use strict';\n"
"(function () {\n"
"  var data = JSON.parse(document.getElementById('wheel-data').textContent);\n"
"  var cv = document.getElementById('canvas'), cx = cv.getContext('2d');\n"
"  var W = cv.width, R = W / 2 - 150, C = W / 2, pos = {}, max = 1;\n"
"  var hot = -1;\n"
"  data.forEach(function (n, i) {\n"
"    var a = 2 * Math.PI * i / Math.max(data.length, 1);\n"
"    pos[n.id] = { a: a, x: C + R * Math.cos(a), y: C + R * Math.sin(a), i: i };\n"
"    n.connections.forEach(function (c) { if (c[1] > max) max = c[1]; });\n"
"  });\n"
"  function colour(w, alpha) {\n"
"    var t = Math.log(1 + w) / Math.log(1 + max);\n"
"    return 'hsla(' + Math.round(220 - 220 * t) + ',90%,55%,' + alpha + ')';\n"
"  }\n"
"  function draw() {\n"
"    cx.clearRect(0, 0, W, W);\n"
"    data.forEach(function (n, i) {\n"
"      var p = pos[n.id];\n"
"      n.connections.forEach(function (c) {\n"
"        var q = pos[c[0]];\n"
"        if (!q) return;\n"
"        var on = hot < 0 || hot === i || hot === q.i;\n"
"        cx.strokeStyle = colour(c[1], on ? 0.85 : 0.08);\n"
"        cx.lineWidth = 1 + 5 * Math.log(1 + c[1]) / Math.log(1 + max);\n"
"        cx.beginPath(); cx.moveTo(p.x, p.y);\n"
"        cx.quadraticCurveTo(C, C, q.x, q.y); cx.stroke();\n"
"      });\n"
"    });\n"
"    data.forEach(function (n, i) {\n"
"      var p = pos[n.id];\n"
"      cx.fillStyle = hot === i ? '#ff0' : '#fff';\n"
"      cx.beginPath(); cx.arc(p.x, p.y, 3, 0, 2 * Math.PI); cx.fill();\n"
"      cx.save(); cx.translate(p.x, p.y);\n"
"      var flip = Math.cos(p.a) < 0;\n"
"      cx.rotate(flip ? p.a + Math.PI : p.a);\n"
"      cx.textAlign = flip ? 'right' : 'left'; cx.textBaseline = 'middle';\n"
"      cx.fillText(n.text, flip ? -8 : 8, 0); cx.restore();\n"
"    });\n"
"  }\n"
"  cv.addEventListener('mousemove', function (ev) {\n"
"    var r = cv.getBoundingClientRect(), x = ev.clientX - r.left,\n"
"        y = ev.clientY - r.top, best = -1, bd = 100;\n"
"    data.forEach(function (n, i) {\n"
"      var p = pos[n.id], d = (p.x - x) * (p.x - x) + (p.y - y) * (p.y - y);\n"
"      if (d < bd) { bd = d; best = i; }\n"
"    });\n"
"    if (best !== hot) {\n"
"      hot = best;\n"
"      document.getElementById('info').textContent = best < 0 ? '' :\n"
"        data[best].text + ' (' + data[best].id + '): ' +\n"
"        data[best].connections.length + ' peers';\n"
"      draw();\n"
"    }\n"
"  });\n"
"  draw();\n"
"})();\n"
"</script>\n"
"</body>\n"
"</html>\n";

int
export_moowheel_html(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	buf_puts(out, moowheel_page_head);
	/* '<' is escaped in JSON strings, so no "</script>" can appear. */
	if (export_moowheel(g, o, out, err, errlen) < 0)
		return -1;
	buf_puts(out, moowheel_page_tail);
	return 0;
}
