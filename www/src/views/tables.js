// tables.js - top talkers (hosts of /api/v1/edges.json) and top ports
// (stored rows of /api/v1/edges.csv summed by protocol and service port),
// sortable by any column; a click on a host filters on it.
import { getJSON, getText } from "../api.js";
import { filterParams } from "../state.js";
import { num, bytes, esc } from "../format.js";

const MAX_ROWS = 1000;

// A table whose headers sort it (click or Enter; aria-sort says how).
export function table(el, caption, cols, rows, onRow) {
	let key = cols.findIndex((c) => c.sort), dir = -1;
	el.innerHTML = "";
	const t = document.createElement("table");
	t.className = "sortable";
	t.innerHTML = `<caption>${esc(caption)}</caption><thead><tr>${cols.map((c) =>
		`<th scope="col" tabindex="0" aria-sort="none">${esc(c.name)}</th>`).join("")}</tr></thead><tbody></tbody>`;
	el.append(t);
	const ths = [...t.querySelectorAll("th")];
	const fill = () => {
		const c = cols[key];
		rows.sort((a, b) => {
			const x = c.value(a), y = c.value(b);
			return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
		});
		ths.forEach((th, i) => th.setAttribute("aria-sort", i === key ? (dir < 0 ? "descending" : "ascending") : "none"));
		t.tBodies[0].innerHTML = rows.slice(0, MAX_ROWS).map((r) =>
			`<tr>${cols.map((c) => `<td>${c.html ? c.html(r) : esc(c.text ? c.text(r) : c.value(r))}</td>`).join("")}</tr>`).join("");
	};
	ths.forEach((th, i) => {
		const go = () => { if (key === i) dir = -dir; else { key = i; dir = -1; } fill(); };
		th.addEventListener("click", go);
		th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
	});
	if (onRow) t.tBodies[0].addEventListener("click", (e) => {
		const b = e.target.closest("button[data-host]");
		if (b) onRow(b.dataset.host, b.dataset.page === "1");
	});
	fill();
	el.dataset.items = Math.min(rows.length, MAX_ROWS);
}

export const talkers = {
	name: "talkers",
	title: "Top talkers",
	async draw(el, { state, setState, signal }) {
		const { data, note } = await getJSON("api/v1/edges.json", filterParams(state), { signal });
		const m = state.metric || "packets";
		const rows = data.nodes.map((n) => ({ ...n, total: n["in_" + m] + n["out_" + m] }));
		table(el, `${rows.length} hosts, by ${m} sent and received`, [
			{ name: "host", value: (r) => r.name, html: (r) => `<button class="link" data-host="${esc(r.address)}" title="filter on ${esc(r.address)}">${esc(r.name)}</button>${r.name !== r.address ? " <small>" + esc(r.address) + "</small>" : ""}` },
			{ name: m + " total", value: (r) => r.total, text: (r) => num(r.total), sort: true },
			{ name: "packets out", value: (r) => r.out_packets, text: (r) => num(r.out_packets) },
			{ name: "packets in", value: (r) => r.in_packets, text: (r) => num(r.in_packets) },
			{ name: "bytes out", value: (r) => r.out_bytes, text: (r) => bytes(r.out_bytes) },
			{ name: "bytes in", value: (r) => r.in_bytes, text: (r) => bytes(r.in_bytes) },
			{ name: "page", value: (r) => r.address, html: (r) => r.address.includes("/") || r.address === "other" ? "" :
				`<button class="link" data-host="${esc(r.address)}" data-page="1" aria-label="the page of ${esc(r.address)}">details</button>` },
		], rows, (host, page) => setState(page ? { view: "host", host } : { host }));
		return { note, empty: !rows.length, destroy() {} };
	},
};

// The service side of a stored row: the lower port (ephemeral ports are
// the higher ones), or the ICMP type.
function service(r) {
	return Math.min(r.sport, r.dport);
}

export const ports = {
	name: "ports",
	title: "Top ports",
	async draw(el, { state, signal }) {
		// edges.csv reads stored rows: top, group and metric do not apply.
		const q = filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "tier"]);
		const { data, note } = await getText("api/v1/edges.csv", q, { signal });
		const lines = data.trim().split("\n");
		const head = lines.shift().split(",");
		const ix = Object.fromEntries(head.map((h, i) => [h, i]));
		const acc = new Map();
		for (const line of lines) {
			const f = line.split(",");
			const r = { proto: f[ix.proto], sport: +f[ix.sport], dport: +f[ix.dport],
				packets: +f[ix.packets], bytes: +f[ix.bytes], src: f[ix.src], dst: f[ix.dst] };
			const k = r.proto + "/" + service(r);
			let a = acc.get(k);
			if (!a) acc.set(k, a = { proto: r.proto, port: service(r), packets: 0, bytes: 0, hosts: new Set(), rows: 0 });
			a.packets += r.packets; a.bytes += r.bytes; a.rows++;
			a.hosts.add(r.src); a.hosts.add(r.dst);
		}
		const rows = [...acc.values()].map((a) => ({ ...a, hosts: a.hosts.size }));
		table(el, `${rows.length} services (protocol and the lower port of each stored row) in ${lines.length} rows`, [
			{ name: "protocol", value: (r) => r.proto },
			{ name: "port", value: (r) => r.port, text: (r) => String(r.port) },
			{ name: "packets", value: (r) => r.packets, text: (r) => num(r.packets), sort: state.metric !== "bytes" },
			{ name: "bytes", value: (r) => r.bytes, text: (r) => bytes(r.bytes), sort: state.metric === "bytes" },
			{ name: "hosts", value: (r) => r.hosts, text: (r) => num(r.hosts) },
			{ name: "rows", value: (r) => r.rows, text: (r) => num(r.rows) },
		], rows);
		el.dataset.rows = lines.length;
		return { note, empty: !rows.length, destroy() {} };
	},
};
