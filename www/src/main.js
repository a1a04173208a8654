// main.js - the dashboard: the filter bar, the timeline strip, the view
// tabs and the status line (loading, waiting out a busy server, empty with
// the server's reason, error in place of the stale view, what the
// server's reduction hid).  Every
// view is a module with draw(element, context) -> {destroy, note, empty};
// the state they draw is the URL's fragment alone (state.js).
import { getState, setState } from "./state.js";
import { getJSON, ApiError, onBusy, busyCountdown } from "./api.js";
import { iso, human } from "./format.js";
import map from "./views/map.js";
import timeline, { loadWindows, drawStrip } from "./views/timeline.js";
import { talkers, ports } from "./views/tables.js";
import chord from "./views/chord.js";
import histogram from "./views/histogram.js";
import seq from "./views/seq.js";
import scatter from "./views/scatter.js";
import downloads from "./views/downloads.js";
import host from "./views/host.js";
import wheel from "./views/wheel.js";
import portflow from "./views/portflow.js";
import parallel from "./views/parallel.js";
import sankey from "./views/sankey.js";
import map3d from "./views/map3d.js";

const VIEWS = [map, map3d, talkers, host, ports, chord, wheel, scatter, portflow, parallel, sankey, histogram, seq, timeline, downloads];
const byName = Object.fromEntries(VIEWS.map((v) => [v.name, v]));

const $ = (id) => document.getElementById(id);
let info = null, windows = null, current = null, ctl = null, stripFor = "";

// The range on open: the last day of what the database holds (not the
// wall clock's last hour: an import may be years old).
function defaultRange() {
	const raw = (info.spans || []).filter((s) => s.tier === "raw");
	const spans = raw.length ? raw : info.spans || [];
	if (!spans.length) return {};
	const last = Math.max(...spans.map((s) => s.last_s));
	const first = Math.min(...spans.map((s) => s.first_s));
	return { from: iso(Math.max(first, last - 86400 + 60)), to: iso(last) };
}

function fillForm(s) {
	const f = $("filters");
	for (const el of f.elements)
		if (el.name) el.value = s[el.name] || (el.name === "metric" ? "packets" : "");
	$("live").checked = s.live === "1";
}

let loadingText = "loading…", stopBusy = () => {};
function status(kind, text) {
	const st = $("status");
	st.className = "status " + kind;
	st.textContent = text;
	st.dataset.state = kind;
	if (kind === "loading") loadingText = text;
	if (kind !== "busy") stopBusy();
}

// A request waiting out a busy server (api.js) says so while the page or
// a view loads, counting down to its next try; once drawn, the status
// line is the view's and a background request (live) waits unseen.  (A
// download says so on its view's own line: downloads.js.)
onBusy((wait) => {
	const now = $("status").dataset.state;
	if (now && now !== "loading" && now !== "busy") return;
	stopBusy();
	stopBusy = busyCountdown(wait, loadingText,
		(text) => (text ? status("busy", text) : status("loading", loadingText)));
});

async function render() {
	const s = getState();
	if (!s.view || !byName[s.view]) return setState({ view: "map", ...(s.from || s.to ? {} : defaultRange()) }, { replace: true });
	if (!s.from && !s.to && !s.none) {
		const r = defaultRange();
		if (r.from) return setState(r, { replace: true });
	}
	fillForm(s);
	for (const b of document.querySelectorAll("#tabs button"))
		b.setAttribute("aria-selected", b.dataset.view === s.view ? "true" : "false");
	$("span-text").textContent = s.from || s.to ? `${s.from ? human(Date.parse(s.from) / 1000) : "start"} to ${s.to ? human(Date.parse(s.to) / 1000) : "now"}` : "everything";

	// the strip: redrawn when the sensor or metric change, the brush follows from/to
	const key = [s.sensor, s.metric, s.from, s.to].join("|");
	if (stripFor !== key) {
		stripFor = key;
		try {
			if (!windows || windows.sensor !== (s.sensor || "")) {
				windows = await loadWindows(info, s.sensor);
				windows.sensor = s.sensor || "";
			}
			drawStrip($("timeline-strip"), windows, s, setState);
		} catch (e) {
			$("timeline-strip").textContent = "windows: " + e.message;
		}
	}

	if (ctl) ctl.abort();
	ctl = new AbortController();
	const my = ctl;
	if (current) { try { current.destroy(); } catch { /* gone */ } current = null; }
	const old = $("view");
	const el = document.createElement("section");
	el.id = "view";
	el.className = "view";
	el.dataset.view = s.view;
	el.setAttribute("aria-busy", "true");
	el.setAttribute("aria-label", byName[s.view].title);
	old.replaceWith(el);
	status("loading", "loading " + byName[s.view].title.toLowerCase() + "…");
	try {
		const r = await byName[s.view].draw(el, { state: s, setState, signal: my.signal, live: s.live === "1", onLive });
		if (my !== ctl) { r.destroy(); return; }
		current = r;
		el.removeAttribute("aria-busy");
		el.dataset.drawn = "1";
		if (r.empty) status("empty", "nothing to show: " + (r.note || "no data for this filter") + coverage(r.note));
		else status(r.note ? "hidden" : "ok", r.note || "showing everything that matches");
	} catch (e) {
		if (e.name === "AbortError" || my !== ctl) return;
		el.innerHTML = "";
		el.removeAttribute("aria-busy");
		el.dataset.error = e.status || "network";
		let msg = e instanceof ApiError || e.shown ? e.message : "the server did not answer (" + e.message + ")";
		if (e.status === 422) msg += " — narrow it: brush a shorter range on the timeline, set Host or Port, or choose a coarser Tier (hours, days)";
		if (e.parameter) msg += ` [${e.parameter}]`;
		status("error", "error: " + msg);
		const p = document.createElement("p");
		p.className = "error";
		p.textContent = msg;
		el.append(p);
	}
}

// Live: the status line says what the stream brought; the timeline is
// read again when the daemon opens a new window.
let liveWindow = null;
async function onLive(doc, nodes, links) {
	status("live", `live: ${nodes} hosts, ${links} edges on the map; open window ${doc.window_start > 0 ? human(doc.window_start) : "none"}: ` +
		`${doc.frames} frames, ${doc.edges} edges, ${doc.changed} changed`);
	if (doc.window_start !== liveWindow) {
		liveWindow = doc.window_start;
		try {
			info = (await getJSON("api/v1/info")).data;
			windows = await loadWindows(info, getState().sensor);
			windows.sensor = getState().sensor || "";
			drawStrip($("timeline-strip"), windows, getState(), setState);
			summary();
		} catch { /* the next window tries again */ }
	}
}

function summary() {
	$("db-summary").textContent = `${info.hosts} hosts, ${info.edges} edges in ${info.windows} windows` +
		(info.first ? `, ${info.first} to ${info.last}` : "") + `; sensors: ${(info.sensors || []).join(", ") || "none"}`;
}

function coverage(note) {
	if (!info || !info.first || (note || "").includes("covers")) return "";
	return `; this database covers ${info.first} to ${info.last}`;
}

function wire() {
	const tabs = $("tabs");
	for (const v of VIEWS) {
		const b = document.createElement("button");
		b.type = "button";
		b.role = "tab";
		b.dataset.view = v.name;
		b.textContent = v.title;
		b.addEventListener("click", () => setState({ view: v.name }));
		tabs.append(b);
	}
	$("filters").addEventListener("submit", (e) => {
		e.preventDefault();
		const patch = {};
		for (const el of e.target.elements) if (el.name) patch[el.name] = el.value.trim();
		patch.live = $("live").checked ? "1" : "";
		setState(patch);
	});
	$("live").addEventListener("change", () => setState({ live: $("live").checked ? "1" : "" }));
	$("clear-host").addEventListener("click", () => setState({ host: "", pair: "" }));
	$("latest").addEventListener("click", () => setState(defaultRange()));
	$("everything").addEventListener("click", () => {
		if (info.first) setState({ from: info.first, to: info.last });
	});
	window.addEventListener("hashchange", render);
}

async function main() {
	wire();
	try {
		info = (await getJSON("api/v1/info")).data;
		summary();
		// live needs a capturing server (ipgraphd); ipgraph serve has no stream
		const stats = (await getJSON("api/v1/stats")).data;
		if (!stats.capture) {
			$("live").disabled = true;
			$("live").parentElement.title = "live needs ipgraphd: this server does not capture";
		}
	} catch (e) {
		info = info || { spans: [] };
		status("error", "error: " + e.message);
	}
	render();
}
main();
