// chord.js - the chord diagram, the browser form of the Circos matrix
// (/api/v1/circos: a TSV whose row is the source, column the destination).
import { select } from "d3-selection";
import { chord as d3chord, ribbon } from "d3-chord";
import { arc } from "d3-shape";
import { getText } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num, esc } from "../format.js";

export default {
	name: "chord",
	title: "Chord",
	async draw(el, { state, setState, signal }) {
		const q = filterParams(state);
		if (!q.max_nodes && !q.top) q.max_nodes = 40;
		const { data, note } = await getText("api/v1/circos", q, { signal });
		const lines = data.trim() ? data.trim().split("\n").map((l) => l.split("\t")) : [];
		const names = lines.length ? lines[0].slice(1) : [];
		const matrix = lines.slice(1).map((r) => r.slice(1).map((v) => (v === "-" ? 0 : +v)));
		let links = 0;
		matrix.forEach((r) => r.forEach((v) => { if (v > 0) links++; }));
		el.innerHTML = "";
		el.dataset.nodes = names.length;
		el.dataset.links = links;
		if (!names.length) return { note, empty: true, destroy() {} };
		const size = Math.min(720, Math.max(360, el.clientWidth - 20));
		const r = size / 2 - 150;
		const svg = select(el).append("svg").attr("width", size).attr("height", size)
			.attr("viewBox", [-size / 2, -size / 2, size, size])
			.attr("role", "img").attr("aria-label", `chord diagram of ${names.length} hosts, ${links} flows`);
		const ch = d3chord().padAngle(0.02).sortSubgroups((a, b) => b - a)(matrix);
		const colour = (i) => PALETTE[i % PALETTE.length];
		svg.append("g").selectAll("path").data(ch.groups).join("path")
			.attr("d", arc().innerRadius(r).outerRadius(r + 12)).attr("fill", (d) => colour(d.index))
			.attr("class", "chord-group").style("cursor", "pointer")
			.on("click", (ev, d) => setState({ host: names[d.index] }))
			.append("title").text((d) => `${names[d.index]}: ${num(d.value)} ${state.metric || "packets"} sent`);
		svg.append("g").selectAll("text").data(ch.groups).join("text")
			.attr("transform", (d) => {
				const a = (d.startAngle + d.endAngle) / 2;
				return `rotate(${(a * 180) / Math.PI - 90}) translate(${r + 16}) ${a > Math.PI ? "rotate(180)" : ""}`;
			})
			.attr("text-anchor", (d) => ((d.startAngle + d.endAngle) / 2 > Math.PI ? "end" : null))
			.attr("dy", "0.35em").attr("class", "chord-label").text((d) => names[d.index]);
		svg.append("g").attr("fill-opacity", 0.7).selectAll("path").data(ch).join("path")
			.attr("d", ribbon().radius(r)).attr("fill", (d) => colour(d.source.index))
			.append("title").text((d) => `${esc(names[d.source.index])} → ${names[d.target.index]}: ${num(d.source.value)}`);
		return { note, destroy() {} };
	},
};
