// map3d.js - the map in three dimensions: the hosts and edges of
// /api/v1/edges.json drawn by 3d-force-graph (three.js, WebGL) with a 3D
// force layout.  The library is a bundle of its own (graph3d.js), loaded
// the first time this view opens, so the other views do not carry it.
// Drag to turn, wheel to zoom, hover a host for its counts, click it to
// filter on it; the host list beside it flies the camera to a host and
// is the keyboard's way in.
import { getJSON } from "../api.js";
import { filterParams } from "../state.js";
import { role, roleColour, roleName, num, bytes, esc } from "../format.js";

let loading = null;
// An error main.js shows as it is (not as the server's silence).
const shown = (msg) => Object.assign(new Error(msg), { shown: true });
// Resolves to {ForceGraph3D, SpriteText}, loading graph3d.js beside the
// page (relative, so a reverse proxy's sub-path is kept) once.
function library() {
	if (window.ipgraphGraph3D) return Promise.resolve(window.ipgraphGraph3D);
	if (!loading) loading = new Promise((resolve, reject) => {
		const s = document.createElement("script");
		s.src = new URL("graph3d.js", document.baseURI).toString();
		s.onload = () => resolve(window.ipgraphGraph3D);
		s.onerror = () => { loading = null; reject(shown("graph3d.js, the 3D map's library, did not load (make install puts it beside app.js in the www root); the other views do not need it")); };
		document.head.append(s);
	});
	return loading;
}

export default {
	name: "map3d",
	title: "3D map",
	async draw(el, { state, setState, signal }) {
		const metric = state.metric || "packets";
		const q = filterParams(state);
		if (!q.max_nodes && !q.top) q.max_nodes = 300;
		const [{ data, note }, { ForceGraph3D, SpriteText }] = await Promise.all([getJSON("api/v1/edges.json", q, { signal }), library()]);
		el.innerHTML = "";
		el.dataset.nodes = data.nodes.length;
		el.dataset.links = data.links.length;
		if (!data.nodes.length) return { note, empty: true, destroy() {} };
		let max = 1;
		for (const n of data.nodes) max = Math.max(max, n["in_" + metric] + n["out_" + metric]);
		const nodes = data.nodes.map((n) => ({ id: n.address, n, val: 1 + 20 * (n["in_" + metric] + n["out_" + metric]) / max }));
		// a label on the heaviest LABELS hosts: more would hide the map
		const LABELS = 15;
		const sprites = [];
		const labelled = new Set([...nodes].sort((a, b) => b.val - a.val).slice(0, LABELS).map((d) => d.id));
		const links = data.links.map((l) => ({ source: data.nodes[l.source].address, target: data.nodes[l.target].address, l }));
		el.innerHTML = `<div class="map3d-side"><label>Host <select class="map3d-host"><option value="">(turn to…)</option>${
			[...data.nodes].sort((a, b) => a.name.localeCompare(b.name)).map((n) => `<option value="${esc(n.address)}">${esc(n.name)}</option>`).join("")
		}</select></label> <button type="button" class="map3d-filter" disabled>filter on it</button></div>
<div class="map3d-canvas" role="img" aria-label="3D network map: ${data.nodes.length} hosts, ${data.links.length} edges"></div>
<div class="legend">${[1, 3, 2].map((k) => `<span><i style="background:${roleColour(k)}"></i>${roleName(k)}</span>`).join("")}
 · size: ${metric} · names on the ${Math.min(LABELS, data.nodes.length)} heaviest hosts (one that would cover a heavier one's waits until the map is turned) · drag to turn, wheel to zoom, click a host to filter on it</div>`;
		const box = el.querySelector(".map3d-canvas");
		const dark = matchMedia("(prefers-color-scheme: dark)").matches;
		// labels in proportion to the map's extent, so they read the same
		// once it is fitted to the view, however far it spread
		let fitted = 0;
		function fit() {
			fitted = Date.now();
			let r = 1;
			for (const d of nodes) r = Math.max(r, Math.hypot(d.x || 0, d.y || 0, d.z || 0));
			for (const [t, d] of sprites) {
				t.textHeight = Math.max(2, r / 20);
				t.position.y = 5 * Math.cbrt(d.val) + t.textHeight;
			}
			fg.zoomToFit(300, 40);
		}
		// Once the layout stops: fitted, and when the camera's 300 ms
		// flight is over (two frames after, however loaded the machine),
		// the labels counted where they finally are; then data-settled.
		// Tests and scripts wait for that mark, not for a clock.
		let settleTimer = null;
		function settle() {
			fit();
			clearTimeout(settleTimer);
			settleTimer = setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => {
				declutter();
				el.dataset.settled = "1";
			})), 350);
		}
		let fg;
		try {
			fg = ForceGraph3D({ controlType: "orbit" })(box);
		} catch (e) {
			throw shown(`this browser gave the 3D map no WebGL context (${e.message}); the 2D map needs WebGL too, the other views do not`);
		}
		fg
			.width(box.clientWidth).height(box.clientHeight)
			.backgroundColor(dark ? "#16181b" : "#ffffff")
			.showNavInfo(false)
			.nodeRelSize(5)
			.nodeOpacity(0.95)
			.nodeColor((d) => roleColour(role(d.n)))
			.nodeLabel((d) => esc(`${d.n.name}${d.n.name !== d.n.address ? " (" + d.n.address + ")" : ""}: out ${num(d.n.out_packets)} packets / ${bytes(d.n.out_bytes)}, in ${num(d.n.in_packets)} packets / ${bytes(d.n.in_bytes)}`))
			.linkColor(() => (dark ? "#888888" : "#777777"))
			.linkOpacity(0.6)
			.linkDirectionalArrowLength(3)
			.linkDirectionalArrowRelPos(1)
			.linkLabel((d) => esc(`${d.source.n.name} → ${d.target.n.name}: ${num(d.l.packets)} packets, ${bytes(d.l.bytes)}`))
			.onNodeClick((d) => setState({ host: d.id }))
			.nodeThreeObjectExtend(true)
			.nodeThreeObject((d) => {
				if (!labelled.has(d.id)) return null;
				const t = new SpriteText(d.n.name.length > 28 ? d.n.name.slice(0, 27) + "…" : d.n.name);
				t.textHeight = 4;	// until fit() knows the layout's size
				sprites.push([t, d]);
				t.color = dark ? "#e6e6e6" : "#1b1b1b";
				t.backgroundColor = dark ? "rgba(22,24,27,0.85)" : "rgba(255,255,255,0.85)";
				t.padding = 1;
				t.position.y = 5 * Math.cbrt(d.val) + 6;
				return t;
			})
			.cooldownTime(5000)
			// fitted while the layout spreads (every 700 ms) and once it stops
			.onEngineTick(() => { if (Date.now() - fitted > 700) fit(); })
			.onEngineStop(settle)
			.graphData({ nodes, links });
		const sel = el.querySelector(".map3d-host"), btn = el.querySelector(".map3d-filter");
		sel.addEventListener("change", () => {
			btn.disabled = !sel.value;
			const d = nodes.find((x) => x.id === sel.value);
			if (!d || d.x == null) return;
			const r = Math.hypot(d.x, d.y, d.z) || 1, k = 1 + 80 / r;
			fg.cameraPosition({ x: d.x * k, y: d.y * k, z: d.z * k }, d, 800);
		});
		btn.addEventListener("click", () => { if (sel.value) setState({ host: sel.value }); });
		// Labels that would cover a heavier host's label on the screen are
		// hidden until the camera moves them apart: checked four times a
		// second and once the map has settled, heaviest first (sprites is in the order they were made,
		// so it is sorted here).
		sprites.sort((a, b) => b[1].val - a[1].val);
		const declutter = () => {
			const kept = [];
			let shown = 0;
			for (const [t, d] of sprites) {
				if (d.x == null) continue;
				const c = fg.graph2ScreenCoords(d.x, d.y + t.position.y, d.z);
				const top = fg.graph2ScreenCoords(d.x, d.y + t.position.y + t.textHeight / 2, d.z);
				const h = Math.max(4, 2 * Math.abs(c.y - top.y)), w = 0.6 * h * t.text.length;
				const b = { x: c.x - w / 2, y: c.y - h / 2, w, h };
				const meets = kept.some((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h);
				t.visible = !meets;
				if (!meets) { kept.push(b); shown++; }
			}
			el.dataset.labels = shown;
		};
		// set from the start: 0 until the layout has placed a host
		el.dataset.labels = 0;
		const declutterTimer = setInterval(declutter, 250);
		const resize = () => fg.width(box.clientWidth).height(box.clientHeight);
		window.addEventListener("resize", resize);
		return {
			note,
			destroy() {
				window.removeEventListener("resize", resize);
				clearInterval(declutterTimer);
				clearTimeout(settleTimer);
				fg.pauseAnimation();
				fg._destructor();
			},
		};
	},
};
