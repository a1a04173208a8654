// scatter.js - source × destination: a point per edge of
// /api/v1/edges.json at (source, destination), hosts in the server's order
// (IPv4, IPv6, by address), area by weight.  A click on a point opens the
// sequence diagram of that pair.
import { select } from "d3-selection";
import { scalePoint, scaleSqrt } from "d3-scale";
import { axisBottom, axisLeft } from "d3-axis";
import { getJSON } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num } from "../format.js";

export default {
	name: "scatter",
	title: "Scatter",
	async draw(el, { state, setState, signal }) {
		const q = filterParams(state);
		if (!q.max_nodes && !q.top) q.max_nodes = 100;
		const { data, note } = await getJSON("api/v1/edges.json", q, { signal });
		el.innerHTML = "";
		el.dataset.nodes = data.nodes.length;
		el.dataset.links = data.links.length;
		if (!data.links.length) return { note, empty: true, destroy() {} };
		const names = data.nodes.map((n) => n.name);
		const side = Math.max(520, Math.min(1000, 24 * names.length + 350));
		const m = { l: 180, r: 20, t: 20, b: 170 };
		const x = scalePoint().domain(names).range([m.l, side - m.r]).padding(0.5);
		const y = scalePoint().domain(names).range([m.t, side - m.b]).padding(0.5);
		const r = scaleSqrt().domain([0, Math.max(...data.links.map((l) => l.value))]).range([2, Math.max(3, Math.min(12, (side - 350) / names.length / 2))]);
		const svg = select(el).append("svg").attr("width", side).attr("height", side)
			.attr("role", "img").attr("aria-label", `source by destination: ${data.links.length} edges between ${names.length} hosts`);
		svg.append("g").attr("transform", `translate(0,${side - m.b})`).call(axisBottom(x))
			.selectAll("text").attr("transform", "rotate(-60)").attr("text-anchor", "end").attr("dx", "-0.6em").attr("dy", "0.2em");
		svg.append("g").attr("transform", `translate(${m.l},0)`).call(axisLeft(y));
		svg.append("text").attr("x", side / 2).attr("y", side - 6).attr("text-anchor", "middle").text("source");
		svg.append("text").attr("transform", `translate(12,${(side - m.b) / 2}) rotate(-90)`).attr("text-anchor", "middle").text("destination");
		svg.append("g").selectAll("circle").data(data.links).join("circle")
			.attr("class", "edge-point")
			.attr("data-pair", (l) => `${data.nodes[l.source].address},${data.nodes[l.target].address}`)
			.attr("cx", (l) => x(names[l.source])).attr("cy", (l) => y(names[l.target]))
			.attr("r", (l) => r(l.value)).attr("fill", PALETTE[0]).attr("fill-opacity", 0.75)
			.style("cursor", "pointer")
			.on("click", (ev, l) => setState({ view: "seq", pair: `${data.nodes[l.source].address},${data.nodes[l.target].address}` }))
			.append("title").text((l) => `${names[l.source]} → ${names[l.target]}: ${num(l.packets)} packets, ${num(l.bytes)} bytes; click for the sequence diagram`);
		return { note, destroy() {} };
	},
};
