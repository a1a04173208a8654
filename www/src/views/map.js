// map.js - the network map: /api/v1/edges.json drawn in WebGL by sigma.js
// over a graphology graph, laid out by ForceAtlas2 in a web worker.  Node
// size follows traffic, edge width the weight; hover shows the counts, a
// click filters on the host.  Positions are kept between renders (by
// address) so a new span or live data moves the map as little as it can.
// In live mode the SSE stream's changed edges are merged into the graph
// in place.
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeLineProgram } from "sigma/rendering";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { startLayout } from "../layout.js";
import { getJSON, stream } from "../api.js";
import { filterParams } from "../state.js";
import { role, roleColour, roleName, num, bytes, esc } from "../format.js";

const positions = new Map();	// address -> {x, y}, kept across renders

function place(g, key) {
	const p = positions.get(key);
	if (p) return { ...p };
	// beside a neighbour already placed, else on a circle
	for (const n of g.neighbors(key)) {
		const q = g.getNodeAttributes(n);
		if (q.x != null) return { x: q.x + Math.random() - 0.5, y: q.y + Math.random() - 0.5 };
	}
	const a = Math.random() * 2 * Math.PI;
	return { x: 10 * Math.cos(a), y: 10 * Math.sin(a) };
}

// edges from which the map is "big" (thin lines, nothing but the hosts
// drawn while the camera moves) and "huge" (no edges while the layout
// runs either): see the Sigma settings and the layout below
const BIG = 5000, HUGE = 20000;

// 3 to 20 px, less on crowded maps so the heaviest hosts do not cover
// their neighbours (from 5,000 hosts 1.5 to 6.5 px: 3 px discs covered
// most of the map)
let sizeRange = 17, sizeBase = 3;
function nodeSize(traffic, max) {
	return sizeBase + sizeRange * Math.sqrt(traffic / (max || 1));
}

export default {
	name: "map",
	title: "Map",
	async draw(el, { state, setState, signal, live, onLive }) {
		const metric = state.metric || "packets";
		const params = filterParams(state);
		if (!params.max_nodes && !params.top) params.max_nodes = 300;
		// where the time goes, kept on the element for the benchmark
		const timing = {};
		let t = performance.now();
		const { data, note } = await getJSON("api/v1/edges.json", params, { signal });
		timing.fetchMs = performance.now() - t;
		t = performance.now();
		const g = new Graph({ type: "directed", multi: false });
		sizeRange = data.nodes.length > 5000 ? 5 : data.nodes.length > 1000 ? 7 : data.nodes.length > 300 ? 11 : 17;
		sizeBase = data.nodes.length > 5000 ? 1.5 : 3;
		let max = 0;
		for (const n of data.nodes) {
			const t = n["in_" + metric] + n["out_" + metric];
			max = Math.max(max, t);
		}
		for (const n of data.nodes) {
			const t = n["in_" + metric] + n["out_" + metric];
			g.addNode(n.address, {
				label: n.name, address: n.address, node: n,
				size: nodeSize(t, max), color: roleColour(role(n)),
			});
		}
		let wmax = 0;
		for (const l of data.links) wmax = Math.max(wmax, l.value);
		for (const l of data.links) {
			const s = data.nodes[l.source].address, d = data.nodes[l.target].address;
			g.mergeEdge(s, d, { link: l, size: 0.5 + 5 * Math.sqrt(l.value / (wmax || 1)), color: "#999" });
		}
		g.forEachNode((k) => g.mergeNodeAttributes(k, place(g, k)));
		timing.buildMs = performance.now() - t;

		const big = g.size >= BIG, huge = g.size >= HUGE;
		// Huge maps: the edges wait for the layout.  Sigma processes every
		// edge again whenever a host moves (200 ms a write at 50,000 edges
		// here) and SwiftShader drew them for seconds a frame, which froze
		// the page; hidden, a write costs the hosts alone.
		const known = g.filterNodes((k) => positions.has(k)).length;
		let edgesHidden = huge && known < g.order && typeof Worker !== "undefined", dead = false;
		el.innerHTML = `<div class="map-canvas" role="img" aria-label="network map: ${data.nodes.length} hosts, ${data.links.length} edges"></div>
<div class="legend">${[1, 3, 2].map((k) => `<span><i style="background:${roleColour(k)}"></i>${roleName(k)}</span>`).join("")}
 · size: ${metric}${edgesHidden ? ` · ${g.size} edges: drawn once the layout stops` : ""} · click a host to filter on it${state.group ? ", double-click a block to expand it" : ""}${state.host && !state.host.includes("/") ? ` · <button type="button" class="link host-page">the page of ${esc(state.host)}</button>` : ""}</div>
<div class="tooltip" hidden></div>`;
		const hp = el.querySelector(".host-page");
		if (hp) hp.addEventListener("click", () => setState({ view: "host" }));
		const canvas = el.querySelector(".map-canvas");
		const tip = el.querySelector(".tooltip");
		el.dataset.nodes = g.order;
		el.dataset.links = data.links.length;
		if (g.order === 0 && !live) {
			el.innerHTML = "";
			el.dataset.layout = "done";	// nothing to lay out
			return { note, empty: true, destroy() {} };
		}

		const dark = matchMedia("(prefers-color-scheme: dark)").matches;
		// Labels: sigma's grid offers a few of the biggest nodes per cell
		// (labelDensity per labelGridCellSize square), but two neighbouring
		// cells' labels still overlap at their common edge, and a Top=300
		// map showed it.  So the drawer puts a label left of its host when
		// the right side meets one drawn earlier in the same frame, and
		// skips it when both sides do; the grid's order puts the
		// bigger nodes of a cell first.  Labels drawn are kept on the
		// element (labelBoxes) for the test.
		let boxes = [];
		const labelColour = dark ? "#ddd" : "#222";
		const drawLabel = (ctx, d, st) => {
			if (!d.label) return;
			ctx.font = `${st.labelWeight} ${st.labelSize}px ${st.labelFont}`;
			const w = ctx.measureText(d.label).width;
			const meets = (b) => boxes.some((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h);
			// right of the disc, else left of it, else not at all
			const y0 = d.y - st.labelSize * 0.8, h = st.labelSize * 1.2;
			let b = { x: d.x + d.size + 1, y: y0, w: w + 4, h, node: d.key };
			if (meets(b)) b = { x: d.x - d.size - w - 5, y: y0, w: w + 4, h, node: d.key };
			if (meets(b)) return;
			boxes.push(b);
			const tx = b.x + 2;
			// a halo of the background: a label over another host's disc
			// stays readable
			ctx.lineWidth = 3;
			ctx.lineJoin = "round";
			ctx.strokeStyle = dark ? "rgba(22,24,27,0.85)" : "rgba(255,255,255,0.85)";
			ctx.strokeText(d.label, tx, d.y + st.labelSize / 3);
			ctx.fillStyle = labelColour;
			ctx.fillText(d.label, tx, d.y + st.labelSize / 3);
		};
		// Big maps (BIG edges and more) draw their edges as thin lines
		// rather than arrows (a quarter of the vertices, no heads to
		// place), and drop edges and labels while the camera moves: at
		// 10,000 edges arrows and labels took most of a panning frame.
		t = performance.now();
		const renderer = new Sigma(g, canvas, {
			defaultEdgeType: big ? "thin" : "arrow",
			edgeProgramClasses: { thin: EdgeLineProgram },
			defaultDrawNodeLabel: drawLabel,
			labelRenderedSizeThreshold: g.order <= 150 ? 0 : 6,
			labelGridCellSize: 120,
			labelDensity: 1.5,
			hideEdgesOnMove: big,
			hideLabelsOnMove: big,
			edgeReducer: (k, a) => (edgesHidden ? { ...a, hidden: true } : a),
			// nothing sets zIndex, so sorting by it is wasted work
			zIndex: false,
		});
		timing.sigmaMs = performance.now() - t;
		timing.frames = 0;
		timing.renderMs = 0;
		timing.longestRenderMs = 0;
		let r0 = 0;
		renderer.on("beforeRender", () => { boxes = []; r0 = performance.now(); });
		renderer.on("afterRender", () => {
			const r = performance.now() - r0;
			timing.frames++;
			timing.renderMs += r;
			timing.longestRenderMs = Math.max(timing.longestRenderMs, r);
			el.labelBoxes = boxes;
			el.dataset.labels = boxes.length;
		});
		el.timing = timing;
		// hover: the counts; click: filter on the host
		renderer.on("enterNode", ({ node, event }) => {
			const n = g.getNodeAttribute(node, "node");
			tip.hidden = false;
			tip.textContent = `${n.name}${n.name !== n.address ? " (" + n.address + ")" : ""}: ` +
				`out ${num(n.out_packets)} packets / ${bytes(n.out_bytes)}, ` +
				`in ${num(n.in_packets)} packets / ${bytes(n.in_bytes)}`;
			tip.dataset.node = n.address;
			canvas.style.cursor = "pointer";
		});
		renderer.on("leaveNode", () => { tip.hidden = true; canvas.style.cursor = ""; });
		// a click filters on the host (or block); a double click on a
		// block (group=/24...) expands it: its hosts, filtered to it.  The
		// click waits for a second one on blocks only.
		let pending = null;
		renderer.on("clickNode", ({ node }) => {
			const a = g.getNodeAttribute(node, "address");
			if (!a.includes("/")) return setState({ host: a });
			clearTimeout(pending);
			pending = setTimeout(() => setState({ host: a }), 300);
		});
		renderer.on("doubleClickNode", ({ node, event }) => {
			const a = g.getNodeAttribute(node, "address");
			event.preventSigmaDefault();
			if (!a.includes("/")) return;
			clearTimeout(pending);
			setState({ host: a, group: "" });
		});
		// where a host is drawn, in the container's pixels (for tests and
		// for people who script the page)
		el.position = (address) => (g.hasNode(address) ? { x: g.getNodeAttribute(address, "x"), y: g.getNodeAttribute(address, "y") } : null);
		el.locate = (address) => (g.hasNode(address) ? renderer.graphToViewport(g.getNodeAttributes(address)) : null);

		// Layout in a worker; a graph whose every node is already placed
		// does not move.  It stops once it has converged, or after
		// 0.8 s + 3 ms a host (at most 4 s; 8 s on big maps and 15 s on
		// huge ones, whose iterations are slower and no longer hold the
		// page).  Positions come into the graph every frame on small
		// maps, 4 times a second on big ones, once a second on huge ones.
		// data-layout says "running", then "done".
		let layout = null;
		const settings = forceAtlas2.inferSettings(g);
		const runLayout = (maxMs) => {
			if (layout) layout.stop();
			el.dataset.layout = "running";
			layout = startLayout(g, settings, { maxMs, every: huge ? 1000 : big ? 250 : 0, onStop: () => {
				el.dataset.layout = "done";
				if (edgesHidden && !dead) {
					edgesHidden = false;
					renderer.refresh();
				}
			} });
			timing.layout = layout.stats;
		};
		if (known === g.order) {
			el.dataset.layout = "done";	// every host already has its place
		} else if (typeof Worker !== "undefined") {
			runLayout(Math.min(huge ? 15000 : big ? 8000 : 4000, 800 + 3 * g.order));
		} else {
			forceAtlas2.assign(g, { iterations: 100, settings });
			el.dataset.layout = "done";
		}
		const save = () => g.forEachNode((k, a) => positions.set(k, { x: a.x, y: a.y }));

		// live: merge the stream's changed edges into this graph
		let stop = null, fade = null, liveWindow, catchTimer = null;
		// a host seen on the map: placed near a peer it has (or where it was)
		const addHost = (a, b, n) => {
			if (g.hasNode(a)) return;
			// placed before it is added: sigma draws it at once
			const near = b && g.hasNode(b) ? g.getNodeAttributes(b) : null;
			const a0 = Math.random() * 2 * Math.PI;
			const p = positions.get(a) || (near ? { x: near.x + Math.cos(a0), y: near.y + Math.sin(a0) }
				: { x: 10 * Math.cos(a0), y: 10 * Math.sin(a0) });
			g.addNode(a, { label: n ? n.name : a, address: a, size: 4, color: "#D55E00", ...p,
				node: n ? { ...n } : { name: a, address: a, in_packets: 0, out_packets: 0, in_bytes: 0, out_bytes: 0 } });
		};
		// The stream brings what changed between two of its documents: the
		// last changes of a window, or a document a slow page skipped, may
		// never come.  Once a window is stored the server has all of it, so
		// the graph is read again then and what the map lacks is added.
		const catchUp = async () => {
			let fresh;
			try { fresh = (await getJSON("api/v1/edges.json", params, { signal })).data; } catch { return; }
			for (const n of fresh.nodes) addHost(n.address, null, n);
			for (const l of fresh.links) {
				const a = fresh.nodes[l.source].address, b = fresh.nodes[l.target].address;
				if (!g.hasEdge(a, b)) g.mergeEdge(a, b, { link: l, size: 1, color: "#999" });
			}
			el.dataset.nodes = g.order;
			el.dataset.links = g.size;
		};
		if (live) {
			fade = setInterval(() => g.forEachEdge((k, a) => {
				if (a.flashed && Date.now() - a.flashed > 3000) g.mergeEdgeAttributes(k, { color: "#999", flashed: 0 });
			}), 1000);
			stop = stream("api/v1/live", (ev, text) => {
				if (ev !== "window") return;
				let doc;
				try { doc = JSON.parse(text); } catch { return; }
				if (liveWindow !== undefined && doc.window_start !== liveWindow) {
					// a window closed: read the graph now and once more
					// when the writer has surely stored it
					catchUp();
					clearTimeout(catchTimer);
					catchTimer = setTimeout(catchUp, 3000);
				}
				liveWindow = doc.window_start;
				for (const e of doc.edges_changed || []) {
					for (const [a, b] of [[e.src, e.dst], [e.dst, e.src]]) addHost(a, b, null);
					// a changed edge flashes, then fades back (EtherApe's habit)
					g.mergeEdge(e.src, e.dst, { color: "#D55E00", flashed: Date.now() });
					if (!g.getEdgeAttribute(e.src, e.dst, "size")) g.setEdgeAttribute(e.src, e.dst, "size", 1);
					const s = g.getNodeAttribute(e.src, "node"), d = g.getNodeAttribute(e.dst, "node");
					s.out_packets += e.packets; s.out_bytes += e.bytes;
					d.in_packets += e.packets; d.in_bytes += e.bytes;
				}
				el.dataset.nodes = g.order;
				el.dataset.links = g.size;
				let top = 0;
				g.forEachNode((k, a) => { top = Math.max(top, a.node["in_" + metric] + a.node["out_" + metric]); });
				g.forEachNode((k, a) => g.mergeNodeAttributes(k, {
					size: nodeSize(a.node["in_" + metric] + a.node["out_" + metric], top),
					color: roleColour(role(a.node)),
				}));
				if (onLive) onLive(doc, g.order, g.size);
				el.dataset.liveEvents = (+el.dataset.liveEvents || 0) + 1;
				// the graph may have new hosts: a short layout of its own
				// (startLayout reads the graph's nodes when it starts)
				if (typeof Worker !== "undefined" && !(layout && layout.running())) runLayout(600);
			}, (st, err) => { el.dataset.live = st + (err ? ": " + err.message : ""); });
		}
		return {
			note,
			empty: g.order === 0,
			destroy() {
				if (stop) stop();
				clearInterval(fade);
				clearTimeout(catchTimer);
				dead = true;
				save();
				if (layout) layout.stop();
				renderer.kill();
			},
		};
	},
};
