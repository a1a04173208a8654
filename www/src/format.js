// format.js - numbers, times and the colour-blind-safe palette every view shares.

// Okabe-Ito: distinguishable under the common colour-vision deficiencies.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7",
	"#56B4E9", "#D55E00", "#F0E442", "#999999"];
// The server's node groups (export json): 1 sends and receives, 2 only
// receives, 3 only sends, anything else "other".
export function groupColour(g) {
	return { 1: "#0072B2", 2: "#E69F00", 3: "#009E73" }[g] || "#999999";
}
export function groupName(g) {
	return { 1: "sends and receives", 2: "only receives", 3: "only sends" }[g] || "other";
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
