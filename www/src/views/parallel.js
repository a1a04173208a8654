// parallel.js - parallel coordinates over (time, source, destination,
// destination port): a line per stored row of /api/v1/edges.csv (the
// heaviest MAX_ROWS), time at its first packet, addresses and ports in
// their sorted order.  A scan reads as a fan, a service as lines meeting
// on one port.  Colour by protocol; hover a line for its row.
import { select } from "d3-selection";
import { scaleUtc, scalePoint, scaleSqrt } from "d3-scale";
import { axisLeft } from "d3-axis";
import { getText } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num, csvRows, human, esc } from "../format.js";

export const MAX_ROWS = 2000;

// Addresses in the server's order: IPv4 by number, then IPv6 as text.
function addrOrder(a, b) {
	const v4 = (s) => /^\d+\.\d+\.\d+\.\d+$/.test(s);
	if (v4(a) !== v4(b)) return v4(a) ? -1 : 1;
	if (v4(a)) {
		const n = (s) => s.split(".").reduce((x, o) => x * 256 + +o, 0);
		return n(a) - n(b);
	}
	return a.localeCompare(b);
}

// A point axis whose labels are thinned to about one per 14 px.
function thin(scale, n, px) {
	const d = scale.domain(), every = Math.max(1, Math.ceil(d.length * 14 / px));
	return axisLeft(scale).tickValues(d.filter((v, i) => i % every === 0)).tickFormat((v) => String(v).slice(0, n));
}

export default {
	name: "parallel",
	title: "Parallel",
	async draw(el, { state, signal }) {
		const metric = state.metric === "bytes" ? "bytes" : "packets";
		const q = filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "tier"]);
		const { data, note } = await getText("api/v1/edges.csv", q, { signal });
		const all = csvRows(data);
		const rows = all.length > MAX_ROWS ? [...all].sort((a, b) => b[metric] - a[metric]).slice(0, MAX_ROWS) : all;
		el.innerHTML = "";
		el.dataset.items = rows.length;
		el.dataset.rows = all.length;
		if (!rows.length) return { note, empty: true, destroy() {} };
		const W = Math.max(600, Math.min(1200, (el.clientWidth || 1000) - 20)), H = 520;
		const m = { l: 150, r: 60, t: 30, b: 20 };
		const t = rows.map((r) => Date.parse(r.first_seen));
		const t0 = Math.min(...t), t1 = Math.max(...t);
		const axes = [
			{ name: "time", scale: scaleUtc().domain([new Date(t0), new Date(Math.max(t1, t0 + 1000))]).range([H - m.b, m.t]), at: (r) => new Date(Date.parse(r.first_seen)) },
			{ name: "source", scale: scalePoint().domain([...new Set(rows.map((r) => r.src))].sort(addrOrder)).range([H - m.b, m.t]).padding(0.5), at: (r) => r.src },
			{ name: "destination", scale: scalePoint().domain([...new Set(rows.map((r) => r.dst))].sort(addrOrder)).range([H - m.b, m.t]).padding(0.5), at: (r) => r.dst },
			{ name: "destination port", scale: scalePoint().domain([...new Set(rows.map((r) => +r.dport))].sort((a, b) => a - b)).range([H - m.b, m.t]).padding(0.5), at: (r) => +r.dport },
		];
		const x = scalePoint().domain(axes.map((a) => a.name)).range([m.l, W - m.r]);
		const protos = [...new Set(rows.map((r) => r.proto))].sort();
		const colour = (p) => PALETTE[protos.indexOf(p) % (PALETTE.length - 1)];
		const w = scaleSqrt().domain([0, Math.max(...rows.map((r) => +r[metric]))]).range([0.6, 4]);
		const svg = select(el).append("svg").attr("width", W).attr("height", H).attr("class", "parallel")
			.attr("role", "img").attr("aria-label", `parallel coordinates of ${rows.length} stored rows: time, source, destination, destination port`);
		const lines = svg.append("g").attr("fill", "none").selectAll("path").data(rows).join("path")
			.attr("class", "pc-line")
			.attr("d", (r) => "M" + axes.map((a) => `${x(a.name)},${a.scale(a.at(r))}`).join("L"))
			.attr("stroke", (r) => colour(r.proto)).attr("stroke-opacity", 0.5).attr("stroke-width", (r) => w(+r[metric]))
			.on("mouseenter", function () { select(this).attr("stroke-opacity", 1).raise(); })
			.on("mouseleave", function () { select(this).attr("stroke-opacity", 0.5); });
		lines.append("title").text((r) => `${human(Date.parse(r.first_seen) / 1000)} ${r.proto} ${r.src}:${r.sport} → ${r.dst}:${r.dport}: ${num(+r.packets)} packets, ${num(+r.bytes)} bytes`);
		for (const a of axes) {
			const g = svg.append("g").attr("transform", `translate(${x(a.name)},0)`);
			if (a.name === "time") g.call(axisLeft(a.scale).ticks(6));
			else g.call(thin(a.scale, 22, H - m.t - m.b));
			g.append("text").attr("y", m.t - 12).attr("text-anchor", "middle").attr("class", "axis-name").text(a.name);
		}
		const lg = document.createElement("div");
		lg.className = "legend";
		lg.innerHTML = protos.map((p) => `<span><i style="background:${colour(p)}"></i>${esc(p)}</span>`).join("") + ` · width: ${metric}`;
		el.append(lg);
		const hid = all.length > rows.length ? `showing the ${rows.length} heaviest of ${all.length} stored rows` : null;
		return { note: [note, hid].filter(Boolean).join("; ") || null, destroy() {} };
	},
};
