// sankey.js - where traffic goes, as a Sankey diagram (d3-sankey): source
// network → destination network → service, from the stored rows of
// /api/v1/edges.csv.  Networks are /24s (/48s for IPv6); services are the
// protocol and the lower port of a row.  Past MAX_PER_COLUMN nodes a
// column folds its lightest into "other", and the status line says so.
import { select } from "d3-selection";
import { sankey as d3sankey, sankeyLinkHorizontal } from "d3-sankey";
import { getText } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num, csvRows, serviceOf, network } from "../format.js";

export const MAX_PER_COLUMN = 15;

// The names of a column's nodes, keeping the heaviest max - 1 when there
// are more than max (the rest become "other").
function keep(weights, max) {
	const sorted = [...weights].sort((a, b) => b[1] - a[1]);
	if (sorted.length <= max) return new Set(sorted.map((e) => e[0]));
	return new Set(sorted.slice(0, max - 1).map((e) => e[0]));
}

export default {
	name: "sankey",
	title: "Sankey",
	async draw(el, { state, signal }) {
		const metric = state.metric === "bytes" ? "bytes" : "packets";
		const q = filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "tier"]);
		const { data, note } = await getText("api/v1/edges.csv", q, { signal });
		const rows = csvRows(data).map((r) => {
			const s = serviceOf(r);
			return { src: network(r.src), dst: network(r.dst), svc: s.key + (s.name ? " " + s.name : ""), w: +r[metric] };
		});
		const sum = (key) => {
			const m = new Map();
			for (const r of rows) m.set(r[key], (m.get(r[key]) || 0) + r.w);
			return m;
		};
		const cols = { src: sum("src"), dst: sum("dst"), svc: sum("svc") };
		const kept = Object.fromEntries(Object.entries(cols).map(([k, m]) => [k, keep(m, MAX_PER_COLUMN)]));
		const folded = Object.entries(cols).filter(([k, m]) => m.size > kept[k].size).map(([k, m]) => `${m.size - kept[k].size} ${{ src: "source networks", dst: "destination networks", svc: "services" }[k]} into "other"`);
		const name = (k, v) => (kept[k].has(v) ? v : "other");
		const nodes = new Map(), links = new Map();
		const node = (k, v) => {
			const id = k + ":" + name(k, v);
			if (!nodes.has(id)) nodes.set(id, { id, name: name(k, v), column: k });
			return id;
		};
		const link = (a, b, w) => {
			const k = a + "\u0000" + b;
			const l = links.get(k);
			if (l) l.value += w; else links.set(k, { source: a, target: b, value: w });
		};
		for (const r of rows) {
			if (!r.w) continue;
			const a = node("src", r.src), b = node("dst", r.dst), c = node("svc", r.svc);
			link(a, b, r.w);
			link(b, c, r.w);
		}
		el.innerHTML = "";
		el.dataset.nodes = nodes.size;
		el.dataset.links = links.size;
		if (!links.size) return { note, empty: true, destroy() {} };
		const W = Math.max(600, Math.min(1200, (el.clientWidth || 1000) - 20));
		// room for a label per node, however thin the node: 18 px apart
		const H = Math.max(320, 30 * Math.max(...Object.values(kept).map((s) => s.size)) + 60);
		const m = { l: 10, r: 10, t: 30, b: 10 };
		const layout = d3sankey().nodeId((d) => d.id).nodeWidth(14).nodePadding(18)
			.extent([[m.l, m.t], [W - m.r, H - m.b]]);
		const g = layout({ nodes: [...nodes.values()].map((d) => ({ ...d })), links: [...links.values()].map((d) => ({ ...d })) });
		const colour = (d) => PALETTE[{ src: 0, dst: 2, svc: 1 }[d.column]];
		const svg = select(el).append("svg").attr("width", W).attr("height", H).attr("class", "sankey")
			.attr("role", "img").attr("aria-label", `Sankey: ${kept.src.size} source networks to ${kept.dst.size} destination networks to ${kept.svc.size} services, by ${metric}`);
		[["source network", m.l, "start"], ["destination network", W / 2, "middle"], ["service", W - m.r, "end"]].forEach(([t, x, a]) =>
			svg.append("text").attr("x", x).attr("y", 16).attr("text-anchor", a).attr("class", "axis-name").text(t));
		svg.append("g").attr("fill", "none").selectAll("path").data(g.links).join("path")
			.attr("class", "sankey-link")
			.attr("d", sankeyLinkHorizontal()).attr("stroke", (l) => colour(l.source)).attr("stroke-opacity", 0.35)
			.attr("stroke-width", (l) => Math.max(1, l.width))
			.append("title").text((l) => `${l.source.name} → ${l.target.name}: ${num(l.value)} ${metric}`);
		svg.append("g").selectAll("rect").data(g.nodes).join("rect")
			.attr("class", "sankey-node")
			.attr("x", (d) => d.x0).attr("y", (d) => d.y0).attr("width", (d) => d.x1 - d.x0).attr("height", (d) => Math.max(1, d.y1 - d.y0))
			.attr("fill", colour)
			.append("title").text((d) => `${d.name}: ${num(d.value)} ${metric}`);
		svg.append("g").selectAll("text").data(g.nodes).join("text")
			.attr("x", (d) => (d.x0 < W / 2 ? d.x1 + 6 : d.x0 - 6)).attr("y", (d) => (d.y0 + d.y1) / 2)
			.attr("dy", "0.35em").attr("text-anchor", (d) => (d.x0 < W / 2 ? "start" : "end"))
			.attr("class", "sankey-label").text((d) => d.name);
		return { note: [note, folded.length ? "folded " + folded.join(", ") : null].filter(Boolean).join("; ") || null, destroy() {} };
	},
};
