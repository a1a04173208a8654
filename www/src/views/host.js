// host.js - one host's page (#view=host&host=ADDR): its names (the
// server's node of it in edges.json, and over time from /api/v1/names),
// its peers (edges.json filtered on
// the host: what it sent to and received from each), its services (the
// stored rows of edges.csv filtered on the host, summed by protocol and
// service port) and its traffic per window (the same rows by window,
// stacked by protocol).  Reached from the details button of the talkers
// table, the map's legend once a host is chosen, or a peer here.
import { select } from "d3-selection";
import { scaleBand, scaleLinear } from "d3-scale";
import { axisBottom, axisLeft } from "d3-axis";
import { stack } from "d3-shape";
import { getJSON, getText } from "../api.js";
import { filterParams } from "../state.js";
import { PALETTE, num, bytes, esc, csvRows, serviceOf, human, plural } from "../format.js";
import { table } from "./tables.js";

// Traffic per window stacked by protocol, from edges.csv rows, into el.
// wins (optional): every window start (seconds) to draw, rows or not;
// lost (optional): start -> packets lost, marked on the window.
export function stackedBars(el, rows, metric, label, { wins = null, lost = new Map() } = {}) {
	const start = (r) => Date.parse(r.window_start) / 1000;
	const keys = [...new Set([...(wins || []), ...rows.map(start)])].sort((a, b) => a - b);
	// the five heaviest protocols, the rest as "other": the palette has
	// five colours besides vermilion (loss) and grey (other) that read
	// apart under colour-vision deficiencies
	const tot = new Map();
	for (const r of rows) tot.set(r.proto, (tot.get(r.proto) || 0) + +r[metric]);
	const ranked = [...tot].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
	const top = new Set(ranked.slice(0, 5));
	const protos = [...top].sort();
	if (top.size < ranked.length) protos.push("other");
	const by = new Map(keys.map((w) => [w, Object.fromEntries(protos.map((p) => [p, 0]))]));
	for (const r of rows) by.get(start(r))[top.has(r.proto) ? r.proto : "other"] += +r[metric];
	const data = keys.map((w) => ({ w, ...by.get(w) }));
	const series = stack().keys(protos)(data);
	const W = Math.max(420, Math.min(1100, (el.clientWidth || 900) - 20)), H = 220;
	const m = { l: 70, r: 140, t: 16, b: 40 };
	// at most 130 px a window (a time label's width): one window is a
	// bar, not a wall
	const x = scaleBand().domain(keys).range([m.l, Math.min(W - m.r, m.l + 130 * keys.length)]).padding(keys.length > 200 ? 0 : 0.3);
	const ymax = Math.max(1, ...data.map((d) => protos.reduce((a, p) => a + d[p], 0)));
	const y = scaleLinear().domain([0, ymax]).nice().range([H - m.b, m.t]);
	const colour = (i) => (protos[i] === "other" ? PALETTE[6] : PALETTE[i]);	// vermilion (5) is the loss's
	const svg = select(el).append("svg").attr("width", W).attr("height", H).attr("class", "stacked")
		.attr("role", "img").attr("aria-label", `${label}: ${metric} in ${keys.length} windows, by protocol (${protos.join(", ")}${top.size < ranked.length ? ": " + (ranked.length - top.size) + " more as other" : ""})` +
			(lost.size ? `; ${[...lost.keys()].filter((k) => by.has(k)).length} windows lost packets` : ""));
	// a label per window would overlap past a few: every nth
	const every = Math.ceil(keys.length / Math.max(1, Math.floor((x.range()[1] - m.l) / 130)));
	svg.append("g").attr("transform", `translate(0,${H - m.b})`)
		.call(axisBottom(x).tickValues(keys.filter((w, i) => i % every === 0)).tickFormat((w) => human(w).slice(0, 16)));
	svg.append("g").attr("transform", `translate(${m.l},0)`).call(axisLeft(y).ticks(4).tickFormat((v) => num(v)));
	svg.append("g").selectAll("g").data(series).join("g").attr("fill", (s, i) => colour(i))
		.selectAll("rect").data((s) => s.map((d) => ({ d, key: s.key }))).join("rect")
		.attr("x", (e) => x(e.d.data.w)).attr("width", Math.max(1, x.bandwidth()))
		.attr("y", (e) => y(e.d[1])).attr("height", (e) => y(e.d[0]) - y(e.d[1]))
		.append("title").text((e) => `${human(e.d.data.w)}, ${e.key}: ${num(e.d.data[e.key])} ${metric}`);
	// loss: a vermilion band over the whole height and a mark above it
	const lossG = svg.append("g").attr("class", "loss-marks");
	for (const [w, n] of lost) {
		if (!by.has(w)) continue;
		const g = lossG.append("g").attr("class", "loss-mark");
		g.append("rect").attr("x", x(w)).attr("width", Math.max(2, x.bandwidth())).attr("y", m.t).attr("height", H - m.b - m.t)
			.attr("fill", PALETTE[5]).attr("fill-opacity", 0.15).attr("stroke", PALETTE[5]).attr("stroke-dasharray", "3 2");
		g.append("path").attr("d", `M${x(w) + x.bandwidth() / 2 - 5},${m.t - 10}h10l-5,8z`).attr("fill", PALETTE[5]);
		g.append("title").text(`${human(w)}: ${num(n)} packets lost (kernel, interface or overflow)`);
	}
	// the legend beside the last bar, the picture no wider than it needs
	const right = x.range()[1];
	svg.attr("width", right + m.r);
	const lg = svg.append("g").attr("transform", `translate(${right + 12},${m.t})`);
	protos.forEach((p, i) => {
		lg.append("rect").attr("y", i * 18).attr("width", 12).attr("height", 12).attr("fill", colour(i));
		lg.append("text").attr("x", 18).attr("y", i * 18 + 10).text(p);
	});
	if (lost.size) {
		const i = protos.length;
		lg.append("rect").attr("y", i * 18).attr("width", 12).attr("height", 12).attr("fill", PALETTE[5]).attr("fill-opacity", 0.3)
			.attr("stroke", PALETTE[5]).attr("stroke-dasharray", "3 2");
		lg.append("text").attr("x", 18).attr("y", i * 18 + 10).text("capture loss");
	}
	return { windows: keys.length, protos: protos.length, lost: lossG.selectAll("g.loss-mark").size(), other: top.size < ranked.length ? ranked.length - top.size : 0 };
}

export default {
	name: "host",
	title: "Host",
	async draw(el, { state, setState, signal }) {
		el.innerHTML = "";
		const host = state.host;
		if (!host) {
			el.dataset.items = 0;
			return { empty: true, note: "choose a host: its details button in Top talkers, the map's legend once a host is chosen, or type it in Host", destroy() {} };
		}
		const metric = state.metric === "bytes" ? "bytes" : "packets";
		// every peer: no top or max_nodes, no grouping (the page is of a host)
		const q = filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "metric", "tier"]);
		const [{ data: g, note }, { data: csv }, told] = await Promise.all([
			getJSON("api/v1/edges.json", q, { signal }),
			getText("api/v1/edges.csv", filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "tier"]), { signal }),
			// the names clients were told for it in the range (a
			// server too old for the route, or too many: said below)
			getJSON("api/v1/names", filterParams(state, ["from", "to", "host", "sensor"]), { signal })
				.then((r) => r.data.names.filter((n) => n.address === host))
				.catch((e) => { if (e.name === "AbortError") throw e; return { error: e.message }; }),
		]);
		const rows = csvRows(csv);
		const self = g.nodes.find((n) => n.address === host);
		const peers = new Map();
		for (const n of g.nodes) if (n !== self) peers.set(n.id, { ...n, sent: 0, received: 0 });
		for (const l of g.links) {
			const s = g.nodes[l.source], d = g.nodes[l.target];
			if (s === self && peers.has(d.id)) peers.get(d.id).sent += l[metric];
			if (d === self && peers.has(s.id)) peers.get(s.id).received += l[metric];
		}
		const svc = new Map();
		for (const r of rows) {
			const s = serviceOf(r);
			let a = svc.get(s.key);
			if (!a) svc.set(s.key, a = { ...s, packets: 0, bytes: 0, peers: new Set(), serves: false, uses: false });
			a.packets += +r.packets; a.bytes += +r.bytes;
			const mine = r.src === host ? +r.sport : +r.dport;
			if (mine === s.port) a.serves = true; else a.uses = true;
			a.peers.add(r.src === host ? r.dst : r.src);
		}
		el.dataset.items = peers.size;
		el.dataset.ports = svc.size;
		el.dataset.windows = new Set(rows.map((r) => r.window_start)).size;
		if (!self && !rows.length) return { note, empty: true, destroy() {} };

		const head = document.createElement("div");
		head.className = "host-head";
		const names = self ? [self.name !== self.address ? `name ${self.name}` + (self.name_source ? ` (from ${self.name_source})` : "") : "no name known",
			self.asn ? `AS${self.asn} ${self.as_name || ""}` : "", self.country ? `country ${self.country}` : ""].filter(Boolean) : [];
		head.innerHTML = `<h2>${esc(host)}</h2><p class="names">${esc(names.join(" · "))}</p>` +
			(self ? `<p>sent ${num(self.out_packets)} packets / ${bytes(self.out_bytes)}, received ${num(self.in_packets)} packets / ${bytes(self.in_bytes)}; ${plural(peers.size, "peer")}, ${plural(svc.size, "service")}, ${plural(+el.dataset.windows, "window")}</p>` : "");
		el.append(head);

		const h3 = (t) => { const h = document.createElement("h3"); h.textContent = t; el.append(h); };
		// names over time: each name and where it came from, when it
		// was first and last told, how often and to how many clients
		h3("Names over time");
		const nt = document.createElement("div");
		nt.className = "host-names";
		el.append(nt);
		if (told.error) {
			nt.innerHTML = `<p class="error"></p>`;
			nt.firstChild.textContent = "names: " + told.error;
		} else {
			const byName = new Map();
			for (const n of told) {
				const k = n.source + " " + n.name;
				let a = byName.get(k);
				if (!a) byName.set(k, a = { name: n.name, source: n.source, first: n.time, last: n.time, told: 0, clients: new Set() });
				if (n.time < a.first) a.first = n.time;
				if (n.time > a.last) a.last = n.time;
				a.told++;
				a.clients.add(n.client);
			}
			el.dataset.names = byName.size;
			if (!byName.size) nt.innerHTML = `<p class="note">no name was told for ${esc(host)} in the range (passive DNS, TLS SNI, HTTP Host)</p>`;
			else table(nt, `${plural(byName.size, "name")} told for ${host} in the range (passive DNS, TLS SNI, HTTP Host)`, [
				{ name: "name", value: (r) => r.name },
				{ name: "from", value: (r) => r.source },
				{ name: "first told", value: (r) => r.first, sort: true },
				{ name: "last told", value: (r) => r.last },
				{ name: "times", value: (r) => r.told, text: (r) => num(r.told) },
				{ name: "clients", value: (r) => r.clients.size, text: (r) => num(r.clients.size) },
			], [...byName.values()]);
		}
		h3(`Traffic per window (${metric}, by protocol)`);
		const chart = document.createElement("div");
		el.append(chart);
		if (rows.length) stackedBars(chart, rows, metric, `${host}'s traffic`);

		h3("Peers");
		const pt = document.createElement("div");
		pt.className = "host-peers";
		el.append(pt);
		table(pt, `${plural(peers.size, "peer")} of ${host}, by ${metric}`, [
			{ name: "peer", value: (r) => r.name, html: (r) => r.address === "other" ? esc(r.name) :
				`<button class="link" data-host="${esc(r.address)}" title="the page of ${esc(r.address)}">${esc(r.name)}</button>${r.name !== r.address ? " <small>" + esc(r.address) + "</small>" : ""}` },
			{ name: `${metric} sent to it`, value: (r) => r.sent, text: (r) => num(r.sent) },
			{ name: `${metric} received from it`, value: (r) => r.received, text: (r) => num(r.received) },
			{ name: "total", value: (r) => r.sent + r.received, text: (r) => num(r.sent + r.received), sort: true },
		], [...peers.values()], (a) => setState({ host: a }));

		h3("Services");
		const st = document.createElement("div");
		st.className = "host-ports";
		el.append(st);
		table(st, `${plural(svc.size, "service")} (protocol and the lower port of each stored row)`, [
			{ name: "protocol", value: (r) => r.proto },
			{ name: "port", value: (r) => r.port, text: (r) => String(r.port) },
			{ name: "name", value: (r) => r.name },
			{ name: "the host", value: (r) => (r.serves && r.uses ? "serves and uses" : r.serves ? "serves" : "uses") },
			{ name: "packets", value: (r) => r.packets, text: (r) => num(r.packets), sort: metric === "packets" },
			{ name: "bytes", value: (r) => r.bytes, text: (r) => bytes(r.bytes), sort: metric === "bytes" },
			{ name: "peers", value: (r) => r.peers.size, text: (r) => num(r.peers.size) },
		], [...svc.values()]);
		return { note, destroy() {} };
	},
};
