// timeline.js - the windows of the database (/api/v1/windows?by=proto)
// as bars of traffic over time stacked by protocol, capture loss marked
// in vermilion with a dashed band; brushing sets from/to for every view.  The strip sits above
// every view; #view=timeline also lists the windows.
import { select } from "d3-selection";
import { scaleUtc, scaleLinear } from "d3-scale";
import { axisBottom, axisLeft } from "d3-axis";
import { brushX } from "d3-brush";
import { max as d3max } from "d3-array";
import { getJSON, getText, ApiError } from "../api.js";
import { stackedBars } from "./host.js";
import { iso, parseTime, num, bytes, human, PALETTE, csvRows } from "../format.js";

function loss(w) {
	return (w.kernel_drops || 0) + (w.interface_drops || 0) + (w.overflow || 0);
}

// The windows shown: the whole span the database holds, raw windows
// unless there are too many of them (then hourly roll-ups).
export async function loadWindows(info, sensor, signal) {
	const raw = (info.spans || []).filter((s) => s.tier === "raw" && (!sensor || s.sensor === sensor));
	const n = raw.reduce((a, s) => a + s.windows, 0);
	// by=proto: each window's traffic by protocol, for the stacked bars
	const q = { tier: n > 5000 ? "hour" : "raw", by: "proto" };
	if (sensor) q.sensor = sensor;
	const { data } = await getJSON("api/v1/windows", q, { signal });
	return data.windows || [];
}

// The strip: returns a destroy function.
export function drawStrip(el, windows, state, setState) {
	el.innerHTML = "";
	el.dataset.items = windows.length;
	const metric = state.metric === "bytes" ? "bytes" : "frames";
	const W = Math.max(300, el.clientWidth || 900), H = 110;
	const m = { l: 56, r: 12, t: 8, b: 22 };
	const svg = select(el).append("svg").attr("width", W).attr("height", H)
		.attr("role", "img")
		.attr("aria-label", `traffic per window, ${windows.length} windows; drag to choose the time range`);
	if (!windows.length) {
		svg.append("text").attr("x", 10).attr("y", 40).text("no windows stored");
		return () => {};
	}
	const t0 = d3min(windows.map((w) => w.start_s));
	const t1 = d3max(windows, (w) => w.start_s + w.seconds);
	const pad = Math.max(60, (t1 - t0) * 0.01);
	const x = scaleUtc().domain([new Date((t0 - pad) * 1000), new Date((t1 + pad) * 1000)]).range([m.l, W - m.r]);
	const y = scaleLinear().domain([0, d3max(windows, (w) => w[metric]) || 1]).nice().range([H - m.b, m.t]);
	svg.append("g").attr("transform", `translate(0,${H - m.b})`).call(axisBottom(x).ticks(Math.floor(W / 110)));
	svg.append("g").attr("transform", `translate(${m.l},0)`).call(axisLeft(y).ticks(3).tickFormat((v) => num(v)));
	// each window's bar stacked by protocol (its stored edges), the five
	// heaviest of the strip in the palette's order as the Windows view
	// draws them, the rest and what no edge holds (frames not decoded)
	// as grey "other"; a window that lost packets outlined in vermilion
	const part = metric === "bytes" ? "bytes" : "packets";
	const tot = new Map();
	for (const w of windows) for (const [p, v] of Object.entries(w.protos || {})) tot.set(p, (tot.get(p) || 0) + v[part]);
	const ranked = [...tot].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
	const top = [...new Set(ranked.slice(0, 5))].sort();
	const colour = (p) => (top.includes(p) ? PALETTE[top.indexOf(p)] : PALETTE[6]);
	const xw = (w) => x(new Date(w.start_s * 1000));
	const ww = (w) => Math.max(2, x(new Date((w.start_s + w.seconds) * 1000)) - xw(w));
	const segs = (w) => {
		const out = [];
		let at = 0, other = 0;
		for (const p of top) {
			const v = (w.protos || {})[p];
			if (v && v[part]) { out.push({ p, a: at, b: at + v[part] }); at += v[part]; }
		}
		for (const [p, v] of Object.entries(w.protos || {})) if (!top.includes(p)) other += v[part];
		other = Math.max(other, w[metric] - at);
		if (other > 0) out.push({ p: "other", a: at, b: at + other });
		return out;
	};
	const bars = svg.append("g").selectAll("g").data(windows).join("g")
		.attr("class", (w) => loss(w) ? "win loss" : "win");
	bars.selectAll("rect").data((w) => segs(w).map((s) => ({ w, ...s }))).join("rect")
		.attr("x", (s) => xw(s.w)).attr("width", (s) => ww(s.w))
		.attr("y", (s) => y(s.b)).attr("height", (s) => Math.max(0, y(s.a) - y(s.b)))
		.attr("fill", (s) => colour(s.p));
	bars.filter((w) => loss(w)).append("rect").attr("class", "loss-mark")
		.attr("x", (w) => xw(w)).attr("width", (w) => ww(w)).attr("y", m.t).attr("height", H - m.b - m.t)
		.attr("fill", PALETTE[5]).attr("fill-opacity", 0.15).attr("stroke", PALETTE[5]).attr("stroke-dasharray", "3 2");
	bars.append("title").text((w) => `${human(w.start_s)} (${w.seconds} s, ${w.sensor}): ` +
		`${num(w.frames)} frames, ${bytes(w.bytes)}, ${num(w.edges)} edges` +
		(Object.keys(w.protos || {}).length ? "; " + Object.entries(w.protos).map(([p, v]) => `${p} ${part === "bytes" ? bytes(v.bytes) : num(v.packets) + " packets"}`).join(", ") : "") +
		(loss(w) ? `; lost: ${num(w.kernel_drops)} kernel, ${num(w.interface_drops)} interface, ${num(w.overflow)} overflow` : ""));
	el.dataset.protos = top.join(",");
	// the legend, small, in the top right corner
	const keys = [...top, ...(ranked.length > top.length || windows.some((w) => segs(w).some((s) => s.p === "other")) ? ["other"] : []),
		...(windows.some(loss) ? ["capture loss"] : [])];
	const lg = svg.append("g").attr("class", "strip-legend").attr("font-size", 10);
	let right = W - m.r;	// each key right to left: its text, then its square
	for (const k of keys.reverse()) {
		const t = lg.append("text").attr("x", right).attr("y", m.t + 8).attr("text-anchor", "end").text(k);
		right -= (t.node().getComputedTextLength() || k.length * 6) + 13;
		lg.append("rect").attr("x", right).attr("y", m.t).attr("width", 9).attr("height", 9)
			.attr("fill", k === "capture loss" ? PALETTE[5] : k === "other" ? PALETTE[6] : colour(k))
			.attr("fill-opacity", k === "capture loss" ? 0.3 : 1);
		right -= 12;
	}
	const brush = brushX().extent([[m.l, m.t], [W - m.r, H - m.b]])
		.on("end", (ev) => {
			if (!ev.sourceEvent || !ev.selection) return;
			const [a, b] = ev.selection.map((px) => Math.round(x.invert(px).getTime() / 1000));
			setState({ from: iso(a), to: iso(b) });
		});
	const gb = svg.append("g").attr("class", "brush").call(brush);
	const f = parseTime(state.from), t = parseTime(state.to);
	const clamp = (px) => Math.min(W - m.r, Math.max(m.l, px));
	if (f != null && t != null) {
		const a = clamp(x(new Date(f * 1000))), b = clamp(x(new Date(t * 1000)));
		if (b > a) gb.call(brush.move, [a, b]);
	}
	return () => { el.innerHTML = ""; };
}

function d3min(a) {
	return a.reduce((p, v) => (v < p ? v : p), Infinity);
}

// #view=timeline: the traffic of the range per window stacked by protocol
// (the stored rows of edges.csv), windows that lost packets marked, then
// the windows as a table.
export default {
	name: "timeline",
	title: "Windows",
	async draw(el, { state, signal }) {
		const q = {};
		for (const k of ["from", "to", "sensor", "tier"]) if (state[k]) q[k] = state[k];
		const metric = state.metric === "bytes" ? "bytes" : "packets";
		const [{ data }, csv] = await Promise.all([
			getJSON("api/v1/windows", q, { signal }),
			// a range too large for edges.csv still lists its windows
			getText("api/v1/edges.csv", q, { signal }).catch((e) => {
				if (e instanceof ApiError && e.status === 422) return { error: e.message };
				throw e;
			}),
		]);
		const ws = data.windows || [];
		el.dataset.items = ws.length;
		el.innerHTML = `<h3>Traffic per window (${metric}, by protocol)</h3><div class="stack-chart"></div><table class="sortable"><caption>${ws.length} windows in the range</caption>
<thead><tr><th>start (UTC)</th><th>seconds</th><th>sensor</th><th>frames</th><th>bytes</th><th>edges</th><th>lost</th></tr></thead><tbody>${
	ws.map((w) => `<tr class="${loss(w) ? "loss" : ""}"><td>${human(w.start_s)}</td><td>${w.seconds}</td><td>${w.sensor}</td><td>${num(w.frames)}</td><td>${num(w.bytes)}</td><td>${num(w.edges)}</td><td>${num(loss(w))}</td></tr>`).join("")
}</tbody></table>`;
		const chart = el.querySelector(".stack-chart");
		if (csv.error) {
			chart.innerHTML = `<p class="error"></p>`;
			chart.firstChild.textContent = "no chart by protocol: " + csv.error;
		} else if (ws.length) {
			const lost = new Map();
			for (const w of ws) if (loss(w)) lost.set(w.start_s, (lost.get(w.start_s) || 0) + loss(w));
			const r = stackedBars(chart, csvRows(csv.data), metric, "traffic of the range", { wins: ws.map((w) => w.start_s), lost });
			el.dataset.stacked = r.windows;
			el.dataset.protos = r.protos;
			el.dataset.otherProtos = r.other;
			el.dataset.lost = r.lost;
		}
		return { empty: !ws.length, note: ws.length ? null : "no window lies in this range", destroy() {} };
	},
};
