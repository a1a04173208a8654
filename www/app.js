// app.js - the dashboard: the graph of a span (edges.json through d3),
// the daemon's stats, and the live stream, all from /api/v1.
/* global d3 */
"use strict";

const API = "api/v1/";
const $ = (id) => document.getElementById(id);

function token() {
  return $("token").value || localStorage.getItem("ipgraph-token") || "";
}

function headers() {
  const t = token();
  return t ? { Authorization: "Bearer " + t } : {};
}

// The query string of the form: the same parameters as the CLI.
function params(extra) {
  const p = new URLSearchParams();
  const span = $("span").value;
  if (span) p.set("from", span);
  if ($("host").value.trim()) p.set("host", $("host").value.trim());
  p.set("metric", $("metric").value);
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

async function getJSON(path) {
  const r = await fetch(path, { headers: headers() });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const msg = body && body.error ? body.error : r.status + " " + r.statusText;
    const err = new Error(msg);
    err.status = r.status;
    throw err;
  }
  return body;
}

function showError(msg) {
  const e = $("error");
  e.textContent = msg || "";
  e.hidden = !msg;
}

function fmt(n) {
  return d3.format(",")(n);
}

// Draw nodes and links: a force layout run to rest before drawing, so
// the page is complete as soon as the data is in (and testable).
function drawGraph(g) {
  const svg = d3.select("#graph");
  svg.selectAll("*").remove();
  const width = +svg.attr("width"), height = +svg.attr("height");
  const nodes = g.nodes.map((n) => Object.assign({}, n));
  const links = g.links.map((l) => Object.assign({}, l));
  const weight = (l) => (g.metric === "bytes" ? l.bytes : l.packets);
  const maxw = d3.max(links, weight) || 1;
  const sim = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((d) => d.id).distance(60))
    .force("charge", d3.forceManyBody().strength(-120))
    .force("center", d3.forceCenter(width / 2, height / 2))
    .force("collide", d3.forceCollide(12))
    // pull every component towards the middle: pairs of hosts talking
    // only to each other would otherwise drift to the border
    .force("x", d3.forceX(width / 2).strength(0.07))
    .force("y", d3.forceY(height / 2).strength(0.1))
    .stop();
  for (let i = 0; i < 300; i++) sim.tick();
  const clampX = (x) => Math.max(10, Math.min(width - 10, x));
  const clampY = (y) => Math.max(10, Math.min(height - 10, y));
  svg.append("defs").append("marker")
    .attr("id", "arrow").attr("viewBox", "0 -4 8 8").attr("refX", 14)
    .attr("markerWidth", 6).attr("markerHeight", 6).attr("orient", "auto")
    .append("path").attr("d", "M0,-4L8,0L0,4").attr("fill", "#888");
  svg.append("g").selectAll("line").data(links).join("line")
    .attr("class", "link")
    .attr("x1", (d) => clampX(d.source.x)).attr("y1", (d) => clampY(d.source.y))
    .attr("x2", (d) => clampX(d.target.x)).attr("y2", (d) => clampY(d.target.y))
    .attr("stroke-width", (d) => 1 + 5 * Math.sqrt(weight(d) / maxw))
    .attr("marker-end", "url(#arrow)")
    .append("title").text((d) => d.source.name + " → " + d.target.name +
      ": " + fmt(d.packets) + " packets, " + fmt(d.bytes) + " bytes");
  const node = svg.append("g").selectAll("g").data(nodes).join("g")
    .attr("class", "node")
    .attr("data-address", (d) => d.address)
    .attr("transform", (d) => "translate(" + clampX(d.x) + "," + clampY(d.y) + ")");
  node.append("circle").attr("r", 6);
  node.append("text").attr("x", 8).attr("dy", "0.35em").text((d) => d.name);
  node.append("title").text((d) => d.address + ": sent " + fmt(d.out_packets) +
    ", received " + fmt(d.in_packets) + " packets");

  $("graph-summary").textContent = "(" + nodes.length + " hosts, " +
    links.length + " edges, " + fmt(g.packets) + " packets)";
  const rows = g.links.slice().sort((a, b) => weight(b) - weight(a)).slice(0, 20);
  d3.select("#edges tbody").selectAll("tr").data(rows).join("tr")
    .attr("class", "edge")
    .html(null)
    .each(function (l) {
      const tr = d3.select(this);
      tr.append("td").text(g.nodes[l.source].name);
      tr.append("td").text(g.nodes[l.target].name);
      tr.append("td").attr("class", "num").text(fmt(l.packets));
      tr.append("td").attr("class", "num").text(fmt(l.bytes));
    });
}

function setDownloads() {
  const p = params({ top: $("top").value || "50" });
  $("dl-svg").href = API + "graph.svg?" + p;
  $("dl-png").href = API + "graph.png?" + p;
  $("dl-dot").href = API + "graph.dot?" + p;
  $("dl-circos").href = API + "circos.tar.gz?" + p;
  const c = params();
  c.delete("metric");
  $("dl-csv").href = API + "edges.csv?" + c;
}

async function loadGraph() {
  setDownloads();
  try {
    const g = await getJSON(API + "edges.json?" + params({ top: $("top").value || "50" }));
    showError("");
    drawGraph(g);
  } catch (e) {
    showError(e.message + (e.status === 401 ? " (enter the token)" : ""));
  }
}

async function loadStats() {
  const dl = d3.select("#stats");
  try {
    const s = await getJSON(API + "stats");
    const items = s.capture ? [
      ["sensor", s.sensor], ["packets", fmt(s.packets)],
      ["packets/s", fmt(Math.round(s.pps))], ["bits/s", fmt(Math.round(s.bps))],
      ["open window edges", fmt(s.open_edges)],
      ["windows written", fmt(s.windows_written)],
      ["writer queue", s.queue_depth + " / " + s.queue_max],
      ["windows dropped", fmt(s.windows_dropped)],
      ["kernel drops", fmt(d3.sum(s.interfaces, (i) => i.kernel_drops))],
      ["interfaces", s.interfaces.map((i) => i.name + (i.up ? "" : " (down)")).join(", ")],
    ] : [["capture", "none: serving " + s.database], ["since", s.started]];
    dl.selectAll("*").remove();
    for (const [k, v] of items) {
      dl.append("dt").text(k);
      dl.append("dd").attr("class", "stat").attr("data-key", k).text(v);
    }
  } catch (e) {
    dl.selectAll("*").remove();
    dl.append("dt").text("error");
    dl.append("dd").text(e.message);
  }
}

// The live stream: server-sent events read with fetch (EventSource cannot
// send the Authorization header).  Reconnects after a second when cut.
async function live() {
  const status = $("live-status");
  try {
    const r = await fetch(API + "live", { headers: headers() });
    if (!r.ok) {
      let msg = r.status + "";
      try { msg = (await r.json()).error; } catch (e) { /* keep status */ }
      status.textContent = "no live stream: " + msg;
      return;
    }
    status.textContent = "connected";
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let at;
      while ((at = buf.indexOf("\n\n")) >= 0) {
        const ev = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const data = ev.split("\n").filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6)).join("\n");
        if (data) showLive(JSON.parse(data));
      }
    }
    status.textContent = "reconnecting…";
  } catch (e) {
    status.textContent = "reconnecting… (" + e.message + ")";
  }
  setTimeout(live, 1000);
}

function showLive(w) {
  const ul = d3.select("#live");
  const t = new Date(w.time * 1000).toISOString().slice(11, 19);
  const li = ul.insert("li", ":first-child").attr("class", "live-window");
  li.text(t + " window " + w.window_start + ": " + fmt(w.frames) + " frames, " +
    w.edges + " edges, " + w.changed + " changed");
  const top = (w.edges_changed || []).slice(0, 3);
  if (top.length) {
    li.append("ul").selectAll("li").data(top).join("li")
      .text((e) => e.src + ":" + e.sport + " → " + e.dst + ":" + e.dport +
        " " + e.proto + " " + fmt(e.packets));
  }
  ul.selectAll(":scope > li").filter((d, i) => i >= 30).remove();
}

$("controls").addEventListener("submit", (ev) => {
  ev.preventDefault();
  if ($("token").value) localStorage.setItem("ipgraph-token", $("token").value);
  loadGraph();
  loadStats();
});

// A span in the page's address (#from=...) wins over the default.
(function init() {
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.has("span")) {
    const sel = $("span");
    if (![...sel.options].some((o) => o.value === h.get("span"))) {
      sel.add(new Option(h.get("span"), h.get("span")));
    }
    sel.value = h.get("span");
  }
  if (h.has("top")) $("top").value = h.get("top");
  loadGraph();
  loadStats();
  setInterval(loadStats, 5000);
  live();
})();
