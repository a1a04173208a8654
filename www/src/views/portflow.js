// portflow.js - port to port: the stored rows of /api/v1/edges.csv summed
// by (protocol, source port, destination port), each pair a Bézier curve
// from its source port (left axis) to its destination port (right axis),
// width by weight, colour by protocol.  Scans and ephemeral ports show as
// fans: one port on one side, many on the other.  The heaviest MAX_PAIRS
// are drawn; the status line says how many were left out.
import { select } from "d3-selection";
import { scalePoint, scaleSqrt } from "d3-scale";
import { axisLeft, axisRight } from "d3-axis";
import { getText } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num, csvRows, esc } from "../format.js";

export const MAX_PAIRS = 80;

export default {
	name: "portflow",
	title: "Port flows",
	async draw(el, { state, signal }) {
		const metric = state.metric === "bytes" ? "bytes" : "packets";
		const q = filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "tier"]);
		const { data, note } = await getText("api/v1/edges.csv", q, { signal });
		const acc = new Map();
		for (const r of csvRows(data)) {
			const k = `${r.proto}/${r.sport}/${r.dport}`;
			let a = acc.get(k);
			if (!a) acc.set(k, a = { proto: r.proto, sport: +r.sport, dport: +r.dport, value: 0,
				sname: r.sport_service, dname: r.dport_service });
			a.value += +r[metric];
		}
		const all = [...acc.values()].sort((a, b) => b.value - a.value);
		const pairs = all.slice(0, MAX_PAIRS);
		const left = [...new Set(pairs.map((p) => p.sport))].sort((a, b) => a - b);
		const right = [...new Set(pairs.map((p) => p.dport))].sort((a, b) => a - b);
		el.innerHTML = "";
		el.dataset.links = pairs.length;
		el.dataset.nodes = left.length + right.length;
		el.dataset.items = all.length;
		const hid = all.length > pairs.length ? `showing the ${pairs.length} heaviest of ${all.length} port pairs` : null;
		if (!pairs.length) return { note, empty: true, destroy() {} };
		const protos = [...new Set(pairs.map((p) => p.proto))].sort();
		const colour = (p) => PALETTE[protos.indexOf(p) % (PALETTE.length - 1)];
		const W = Math.max(480, Math.min(900, (el.clientWidth || 900) - 20));
		const H = 60 + 16 * Math.max(left.length, right.length, 8);
		const m = { l: 110, r: 110, t: 24, b: 16 };
		const yl = scalePoint().domain(left).range([m.t, H - m.b]).padding(0.5);
		const yr = scalePoint().domain(right).range([m.t, H - m.b]).padding(0.5);
		const w = scaleSqrt().domain([0, all[0].value]).range([1, 10]);
		const svg = select(el).append("svg").attr("width", W).attr("height", H).attr("class", "portflow")
			.attr("role", "img").attr("aria-label", `${pairs.length} source port to destination port flows, ${left.length} source and ${right.length} destination ports`);
		// a port with the service name the server gave it (80 http)
		const names = { sport: new Map(), dport: new Map() };
		for (const p of pairs) {
			if (p.sname) names.sport.set(p.sport, p.sname);
			if (p.dname) names.dport.set(p.dport, p.dname);
		}
		const named = (key) => (p) => (names[key].has(p) ? `${p} ${names[key].get(p)}` : String(p));
		svg.append("g").attr("transform", `translate(${m.l},0)`).call(axisLeft(yl).tickFormat(named("sport")));
		svg.append("g").attr("transform", `translate(${W - m.r},0)`).call(axisRight(yr).tickFormat(named("dport")));
		svg.append("text").attr("x", m.l).attr("y", 12).attr("text-anchor", "middle").text("source port");
		svg.append("text").attr("x", W - m.r).attr("y", 12).attr("text-anchor", "middle").text("destination port");
		const xm = (m.l + W - m.r) / 2;
		svg.append("g").attr("fill", "none").selectAll("path").data(pairs).join("path")
			.attr("class", "port-pair")
			.attr("d", (p) => `M${m.l},${yl(p.sport)}C${xm},${yl(p.sport)} ${xm},${yr(p.dport)} ${W - m.r},${yr(p.dport)}`)
			.attr("stroke", (p) => colour(p.proto)).attr("stroke-opacity", 0.6).attr("stroke-width", (p) => w(p.value))
			.append("title").text((p) => `${p.proto} ${p.sport} → ${p.dport}: ${num(p.value)} ${metric}`);
		const lg = document.createElement("div");
		lg.className = "legend";
		lg.innerHTML = protos.map((p) => `<span><i style="background:${colour(p)}"></i>${esc(p)}</span>`).join("") + ` · width: ${metric}`;
		el.append(lg);
		return { note: [note, hid].filter(Boolean).join("; ") || null, destroy() {} };
	},
};
