// layout.js - ForceAtlas2 in a web worker, applied to the graph at a
// bounded rate and stopped once the map no longer moves.
//
// graphology-layout-forceatlas2/worker's own supervisor writes every
// iteration's positions into the graph as soon as the worker sends them,
// and only then asks for the next one.  Each write makes sigma process
// the whole graph and redraw it on the next frame, so every frame of the
// layout drew every edge again: on software WebGL a 2,000 host map got 1
// frame a second, and at 10,000 hosts the processing alone (200 ms a
// write) froze the page.  Here the worker is never kept waiting (its
// matrix goes straight back with the next request) and the main thread
// takes the latest positions on an animation frame, at most once per
// `every` ms, more rarely on big maps.  The worker's code and matrix
// format are the library's own (webworker.js, helpers.js).
import workerFunction from "graphology-layout-forceatlas2/webworker.js";
import { graphToByteArrays, createWorker } from "graphology-layout-forceatlas2/helpers.js";
import DEFAULTS from "graphology-layout-forceatlas2/defaults.js";

const PPN = 10;	// floats per node in the matrix (helpers.js)

// startLayout(graph, settings, opts) -> {stop(), running(), stats}
// opts.maxMs: stop after that long at most; opts.every: ms between two
// writes into the graph; opts.onStop(): called once when the layout stops
// (converged, timed out or stopped).  Nodes are read in graph order, so
// the graph must not gain or lose nodes while this runs (live mode stops
// it and starts another).  Throws when the browser has no Worker.
export function startLayout(g, partial, { maxMs = 4000, every = 0, onStop = null } = {}) {
	// the worker reads every setting: unset ones are the library's defaults
	const settings = { ...DEFAULTS, ...partial };
	const m = graphToByteArrays(g, () => 1);
	const worker = createWorker(workerFunction);
	const t0 = performance.now();
	const stats = { iterations: 0, applies: 0, applyMs: 0, ms: 0, move: 0, converged: false };
	let latest = null, frame = 0, last = 0, on = true, ref = null, refT = t0;
	// a worker slower than maxMs for one iteration still stops in time
	const deadline = setTimeout(() => stop(), maxMs);

	const ask = (nodes, edges) => {
		const msg = { settings, nodes: nodes.buffer };
		const xfer = [nodes.buffer];
		if (edges) { msg.edges = edges.buffer; xfer.push(edges.buffer); }
		worker.postMessage(msg, xfer);
	};
	const stop = () => {
		if (!on) return;
		on = false;
		clearTimeout(deadline);
		cancelAnimationFrame(frame);
		worker.terminate();
		stats.ms = performance.now() - t0;
		if (latest) apply();
		if (onStop) onStop(stats);
	};
	// The latest positions into the graph: one graphology event, one
	// sigma refresh.  Convergence: the mean move of a node since the last
	// half second, against the map's extent, below 1% (a frame's move
// says little: small maps are written every frame).
	const apply = () => {
		const a = performance.now();
		const cur = latest;
		latest = null;
		const check = ref && a - refT >= 500;
		let i = 0, moved = 0, lo = Infinity, hi = -Infinity;
		g.updateEachNodeAttributes((k, at) => {
			if (i >= cur.length) return at;	// added since the start
			const x = cur[i], y = cur[i + 1];
			if (check) {
				moved += Math.abs(x - ref[i]) + Math.abs(y - ref[i + 1]);
				lo = Math.min(lo, x, y); hi = Math.max(hi, x, y);
			}
			at.x = x; at.y = y;
			i += PPN;
			return at;
		}, { attributes: ["x", "y"] });
		stats.applies++;
		stats.applyMs += performance.now() - a;
		if (!ref || check) { ref = cur; refT = a; }
		if (check && g.order) {
			stats.move = moved / g.order / (hi - lo || 1);
			if (stats.move < 1e-2) { stats.converged = true; stop(); }
		}
	};
	const tick = () => {
		frame = 0;
		if (!on) return;
		if (performance.now() - t0 > maxMs) return stop();
		if (performance.now() - last < every) { frame = requestAnimationFrame(tick); return; }
		last = performance.now();
		apply();
	};
	worker.addEventListener("message", (ev) => {
		if (!on) return;
		stats.iterations++;
		latest = new Float32Array(ev.data.nodes);
		// the worker goes on from a copy while this frame draws the latest
		ask(latest.slice());
		if (!frame) frame = requestAnimationFrame(tick);
	});
	ask(m.nodes, m.edges);
	return { stop, running: () => on, stats };
}
