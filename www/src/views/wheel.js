// wheel.js - the MooWheel: the hosts of /api/v1/moowheel.json on a circle,
// grouped by network (/24, or /48 for IPv6), each connection a curve
// bundled through the groups (d3's hierarchical edge bundling), so the
// traffic between networks reads as thick strands instead of a hairball.
// Hover a host: what it sends in one colour, what it receives in another;
// click it (or Enter on its label) to filter on it.
import { select } from "d3-selection";
import { hierarchy, cluster } from "d3-hierarchy";
import { lineRadial, curveBundle } from "d3-shape";
import { getJSON } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num, network } from "../format.js";

export default {
	name: "wheel",
	title: "Wheel",
	async draw(el, { state, setState, signal }) {
		const q = filterParams(state);
		if (!q.max_nodes && !q.top) q.max_nodes = 60;
		const { data, note } = await getJSON("api/v1/moowheel.json", q, { signal });
		el.innerHTML = "";
		const ids = new Set(data.map((h) => h.id));
		const links = [];
		for (const h of data)
			for (const [peer, w] of h.connections || [])
				if (ids.has(peer)) links.push({ source: h.id, target: peer, value: w });
		el.dataset.nodes = data.length;
		el.dataset.links = links.length;
		if (!data.length) return { note, empty: true, destroy() {} };

		const groups = new Map();
		for (const h of data) {
			const n = network(h.id);
			if (!groups.has(n)) groups.set(n, []);
			groups.get(n).push({ name: h.id, label: h.text });
		}
		const root = hierarchy({ name: "", children: [...groups].sort().map(([name, children]) =>
			({ name, children: children.sort((a, b) => a.name.localeCompare(b.name)) })) });
		// labels of up to 22 characters outside the circle: 170 px of room
		const size = Math.min(900, Math.max(520, (el.clientWidth || 900) - 20));
		const radius = size / 2 - 170;
		cluster().size([2 * Math.PI, radius])(root);
		const leaf = new Map(root.leaves().map((d) => [d.data.name, d]));
		const wmax = Math.max(...links.map((l) => l.value), 1);
		const line = lineRadial().curve(curveBundle.beta(0.85)).radius((d) => d.y).angle((d) => d.x);

		const svg = select(el).append("svg").attr("width", size).attr("height", size)
			.attr("viewBox", [-size / 2, -size / 2, size, size]).attr("class", "wheel")
			.attr("role", "img").attr("aria-label", `wheel of ${data.length} hosts in ${groups.size} networks, ${links.length} connections`);
		const paths = svg.append("g").attr("fill", "none").selectAll("path").data(links).join("path")
			.attr("class", "wheel-link")
			.attr("stroke", PALETTE[6]).attr("stroke-opacity", 0.6)
			.attr("stroke-width", (l) => 0.8 + 3 * Math.sqrt(l.value / wmax))
			.attr("d", (l) => line(leaf.get(l.source).path(leaf.get(l.target))));
		paths.append("title").text((l) => `${l.source} → ${l.target}: ${num(l.value)} ${state.metric || "packets"}`);
		// the networks' arcs, inside the labels
		const arcs = svg.append("g");
		for (const gnode of root.children) {
			const a0 = Math.min(...gnode.leaves().map((d) => d.x)) - 0.02, a1 = Math.max(...gnode.leaves().map((d) => d.x)) + 0.02;
			const r = radius + 4;
			const p = (a) => [r * Math.sin(a), -r * Math.cos(a)];
			arcs.append("path").attr("fill", "none").attr("stroke", PALETTE[0]).attr("stroke-width", 3)
				.attr("d", `M${p(a0)}A${r},${r} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${p(a1)}`)
				.append("title").text(`${gnode.data.name}: ${gnode.leaves().length} hosts`);
		}
		const mark = (name, on) => {
			paths.attr("stroke", (l) => (!on ? PALETTE[6] : l.source === name ? PALETTE[5] : l.target === name ? PALETTE[0] : PALETTE[6]))
				.attr("stroke-opacity", (l) => (!on || l.source === name || l.target === name ? 0.75 : 0.12));
		};
		svg.append("g").selectAll("text").data(root.leaves()).join("text")
			.attr("class", "wheel-host").attr("tabindex", 0)
			.attr("transform", (d) => `rotate(${(d.x * 180) / Math.PI - 90}) translate(${d.y + 10},0)${d.x >= Math.PI ? " rotate(180)" : ""}`)
			.attr("dy", "0.31em").attr("text-anchor", (d) => (d.x < Math.PI ? "start" : "end"))
			.style("cursor", "pointer")
			.text((d) => (d.data.label.length > 22 ? d.data.label.slice(0, 21) + "…" : d.data.label))
			.on("mouseenter focus", (ev, d) => mark(d.data.name, true))
			.on("mouseleave blur", () => mark(null, false))
			.on("click", (ev, d) => setState({ host: d.data.name }))
			.on("keydown", (ev, d) => { if (ev.key === "Enter") setState({ host: d.data.name }); })
			.append("title").text((d) => `${d.data.label}${d.data.label !== d.data.name ? " (" + d.data.name + ")" : ""}; click to filter on it`);
		const lg = document.createElement("div");
		lg.className = "legend";
		lg.innerHTML = `<span><i style="background:${PALETTE[5]}"></i>sent by the host under the pointer</span><span><i style="background:${PALETTE[0]}"></i>received by it</span> · arcs: networks (/24, /48) · width: ${state.metric || "packets"}`;
		el.append(lg);
		return { note, destroy() {} };
	},
};
