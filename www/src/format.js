// format.js - numbers, times and the colour-blind-safe palette every view shares.

// Okabe-Ito: distinguishable under the common colour-vision deficiencies.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7",
	"#56B4E9", "#D55E00", "#999999", "#000000"];
// A host's role, from its totals: sends and receives, only sends, only
// receives, or the folded "other" node.
export function role(n) {
	if (n.address === "other") return 0;
	const o = n.out_packets > 0, i = n.in_packets > 0;
	return o && i ? 1 : o ? 3 : 2;
}
export function roleColour(r) {
	return { 1: "#0072B2", 2: "#E69F00", 3: "#009E73" }[r] || "#999999";
}
export function roleName(r) {
	return { 1: "sends and receives", 2: "only receives", 3: "only sends" }[r] || "other";
}

const nf = new Intl.NumberFormat("en");
export function num(n) {
	return n == null ? "" : nf.format(n);
}
export function bytes(n) {
	if (n == null) return "";
	const u = ["B", "KiB", "MiB", "GiB", "TiB"];
	let i = 0;
	while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
	return (i ? n.toFixed(1) : n) + " " + u[i];
}
// Seconds since 1970 to "2015-08-12T19:36:00Z" (what the URL and the API take).
export function iso(s) {
	return new Date(s * 1000).toISOString().replace(/\.000Z$/, "Z");
}
export function parseTime(t) {
	const ms = Date.parse(t);
	return Number.isNaN(ms) ? null : ms / 1000;
}
export function human(s) {
	return iso(s).replace("T", " ").replace("Z", " UTC");
}
export function esc(s) {
	return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// A CSV of the API (a header line, then rows of plain fields: the API
// writes no quoted commas in edges.csv) as objects keyed by the header.
export function csvRows(text) {
	const lines = text.trim() ? text.trim().split("\n") : [];
	const head = lines.length ? lines.shift().split(",") : [];
	return lines.filter((l) => l).map((l) => {
		const f = l.split(","), r = {};
		head.forEach((h, i) => { r[h] = f[i]; });
		return r;
	});
}

// An edges.csv row's service: protocol and the lower port (ephemeral ports
// are the higher ones; for ICMP the type), with the name the server gave it.
export function serviceOf(r) {
	const sp = +r.sport, dp = +r.dport;
	const port = Math.min(sp, dp);
	const name = (sp <= dp ? r.sport_service : r.dport_service) || "";
	return { key: r.proto + "/" + port, proto: r.proto, port, name };
}

// The network an address is drawn in: its /24, or its /48 for IPv6; a
// name or a block stays as it is.
export function network(a) {
	if (/^\d+\.\d+\.\d+\.\d+$/.test(a)) return a.replace(/\.\d+$/, ".0/24");
	if (a.includes(":") && !a.includes("/")) {
		const head = a.split("::")[0].split(":").filter(Boolean);
		return head.slice(0, 3).join(":") + "::/48";
	}
	return a;
}

// "1 peer", "3 peers".
export function plural(n, word) {
	return `${num(n)} ${word}${n === 1 ? "" : "s"}`;
}
