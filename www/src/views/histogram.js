// histogram.js - one host's peers by traffic (/api/v1/histogram.csv with
// src= the filter's host), drawn as horizontal bars.
import { select } from "d3-selection";
import { scaleLinear, scaleBand } from "d3-scale";
import { axisBottom } from "d3-axis";
import { getText } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num } from "../format.js";

export default {
	name: "histogram",
	title: "Peers",
	async draw(el, { state, setState, signal }) {
		el.innerHTML = "";
		if (!state.host) {
			el.dataset.items = 0;
			return { empty: true, note: "choose a host: click one on the map or in a table, or type it in Host", destroy() {} };
		}
		const q = filterParams(state, ["from", "to", "port", "proto", "sensor", "metric", "tier"]);
		q.src = state.host;
		q.peers = 30;
		const { data, note } = await getText("api/v1/histogram.csv", q, { signal });
		const lines = data.trim().split("\n");
		const head = lines.shift().split(",");
		const ix = Object.fromEntries(head.map((h, i) => [h, i]));
		const rows = lines.filter((l) => l).map((l) => l.split(",")).map((f) => ({ peer: f[ix.peer], address: f[ix.address], weight: +f[ix.weight] }));
		el.dataset.items = rows.length;
		if (!rows.length) return { note, empty: true, destroy() {} };
		const W = Math.max(400, Math.min(900, el.clientWidth - 20)), bh = 20;
		const m = { l: 220, r: 60, t: 10, b: 30 };
		const H = m.t + m.b + rows.length * bh;
		const x = scaleLinear().domain([0, Math.max(...rows.map((r) => r.weight))]).nice().range([m.l, W - m.r]);
		const y = scaleBand().domain(rows.map((r) => r.peer)).range([m.t, H - m.b]).padding(0.15);
		const h3 = document.createElement("h3");
		h3.textContent = `${state.host}: its ${rows.length} heaviest peers by ${state.metric || "packets"}`;
		el.append(h3);
		const svg = select(el).append("svg").attr("width", W).attr("height", H)
			.attr("role", "img").attr("aria-label", `${state.host}'s ${rows.length} heaviest peers by ${state.metric || "packets"}`);
		svg.append("g").attr("transform", `translate(0,${H - m.b})`).call(axisBottom(x).ticks(5));
		const g = svg.append("g").selectAll("g").data(rows).join("g");
		g.append("rect").attr("x", m.l).attr("y", (r) => y(r.peer)).attr("height", y.bandwidth())
			.attr("width", (r) => x(r.weight) - m.l).attr("fill", PALETTE[0]);
		g.append("text").attr("x", m.l - 6).attr("y", (r) => y(r.peer) + y.bandwidth() / 2).attr("dy", "0.35em")
			.attr("text-anchor", "end").attr("class", "peer").style("cursor", "pointer")
			.on("click", (ev, r) => setState({ host: r.address })).text((r) => r.peer);
		g.append("text").attr("x", (r) => x(r.weight) + 4).attr("y", (r) => y(r.peer) + y.bandwidth() / 2)
			.attr("dy", "0.35em").text((r) => num(r.weight));
		return { note, destroy() {} };
	},
};
