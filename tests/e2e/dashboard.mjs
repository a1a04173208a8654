// dashboard.mjs - drives the dashboard in headless Chromium (Debian's
// /usr/bin/chromium, through playwright-core from the build's npm folder)
// and holds every view to the API:
//
//   node dashboard.mjs NPM_DIR URL TOKEN_URL TOKEN SHOTS_DIR DOWNLOAD_DIR BUSY_URL [PROXY_URL]
//
// URL serves without a token, TOKEN_URL asks for TOKEN; BUSY_URL serves
// URL's database with one query thread and a window of many more hosts,
// whose queue this script fills; PROXY_URL is URL again behind a reverse
// proxy, under a sub-path (http://HOST:PORT/ipgraph).  Exit 0 when every
// check passed; each failure is printed.
import { createRequire } from "node:module";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const [npm, U, UT, TOKEN, SHOTS, DL, BUSY, PROXY] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(npm), "package.json"));
const { chromium } = require("playwright-core");

let fails = 0, checks = 0;
function check(what, ok, detail = "") {
	checks++;
	if (!ok) { fails++; console.log("FAIL: " + what + (detail ? " (" + detail + ")" : "")); }
	else console.log("ok: " + what);
}

// The API, asked the way curl asks it (with the token when given).
function curl(url, token) {
	const a = ["-s", "-f", url];
	if (token) a.unshift("-H", "Authorization: Bearer " + token);
	return execFileSync("curl", a, { maxBuffer: 64 << 20 });
}
const api = (route, q, token, base = U) =>
	JSON.parse(curl(base + "/" + route + "?" + new URLSearchParams(q), token).toString());
const apiText = (route, q, base = U) => curl(base + "/" + route + "?" + new URLSearchParams(q)).toString();

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
		"--ignore-gpu-blocklist", "--disable-background-networking", "--no-first-run"],
});
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
const page = await ctx.newPage();
const consoleErrors = [];
let allowed = null;	// a pattern of console errors a step expects
page.on("console", (m) => {
	if (m.type() === "error" && !(allowed && allowed.test(m.text())))
		consoleErrors.push(m.text());
});
page.on("pageerror", (e) => consoleErrors.push("pageerror: " + e.message));
const requests = [];
const downloads = [];
page.on("download", (d) => downloads.push(d.suggestedFilename()));
const fetched = [];	// every URL the page asked for
page.on("request", (r) => { fetched.push(r.url()); if (r.url().includes("/api/v1/")) requests.push(r.url()); });
const refused = [];	// answers of 400 and up
page.on("response", (r) => { if (r.status() >= 400) refused.push(r.status() + " " + r.url()); });

const hashOf = () => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));
async function drawn(view) {
	await page.waitForFunction((v) => {
		const el = document.querySelector(`#view[data-view="${v}"]`);
		const st = document.getElementById("status").dataset.state;
		return el && !el.dataset.old && (el.dataset.drawn || el.dataset.error) && st !== "loading" && st !== "busy";
	}, view, { timeout: 30000 });
	if (view === "map") {
		// the layout stopped (data-layout), and sigma drew the frame of
		// its last positions: the labels and places read below are final
		await page.waitForFunction(() => {
			const el = document.getElementById("view");
			return !el.dataset.drawn || el.dataset.layout === "done";
		}, null, { timeout: 60000 }).catch(() => null);
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
	} else
		await page.waitForTimeout(300);
	return page.evaluate(() => {
		const el = document.getElementById("view");
		return { ...el.dataset, status: document.getElementById("status").textContent,
			state: document.getElementById("status").dataset.state };
	});
}
// The view on the page is marked old before a step that changes the hash:
// the hashchange comes a moment later, and drawn() must not take the view
// it replaces for the new one.
const markOld = () => page.evaluate(() => { const el = document.getElementById("view"); if (el) el.dataset.old = "1"; });
async function go(hash) {
	await page.evaluate((h) => {
		if (location.hash.replace(/^#/, "") !== h.replace(/^#/, "")) {
			const el = document.getElementById("view");
			if (el) el.dataset.old = "1";
		}
		location.hash = h;
	}, hash);
}
const shot = (name) => page.screenshot({ path: path.join(SHOTS, name + ".png"), fullPage: true });

// 1. Open: the range is the last day of what the database holds.
const info = api("api/v1/info", {});
await page.goto(U + "/");
let d = await drawn("map");
let h = await hashOf();
const lastRaw = Math.max(...info.spans.filter((s) => s.tier === "raw").map((s) => s.last_s));
check("opens on the map", h.view === "map", JSON.stringify(h));
check("opens on the database's latest data, not the wall clock", Date.parse(h.to) / 1000 === lastRaw &&
	Date.parse(h.from) / 1000 === lastRaw - 86400 + 60, `${h.from} to ${h.to}, last raw ${lastRaw}`);
const strip = await page.evaluate(() => document.querySelector("#timeline-strip").dataset.items);
const wins = api("api/v1/windows", { tier: "raw" });
check("the timeline draws every stored window", +strip === wins.count, `${strip} vs ${wins.count}`);
// the strip's bars stacked by protocol: a segment per protocol of each
// window (/api/v1/windows?by=proto), the frames no edge holds as "other"
const wp = api("api/v1/windows", { tier: "raw", by: "proto" });
const stripSegs = await page.evaluate(() => [...document.querySelectorAll("#timeline-strip g.win")].map((g) =>
	g.querySelectorAll("rect:not(.loss-mark)").length));
const wantSegs = wp.windows.map((w) => {
	const ps = Object.values(w.protos);
	return ps.filter((v) => v.packets > 0).length + (w.frames > ps.reduce((a, v) => a + v.packets, 0) ? 1 : 0);
});
check("the timeline stacks each window by protocol (windows?by=proto)", JSON.stringify(stripSegs) === JSON.stringify(wantSegs) &&
	wp.windows.some((w) => Object.keys(w.protos).length > 0), `${stripSegs} vs ${wantSegs}`);
check("the timeline marks the windows that lost packets", await page.locator("#timeline-strip rect.loss-mark").count() ===
	wp.windows.filter((w) => w.kernel_drops + w.interface_drops + w.overflow > 0).length);

// 2. Every view, over the whole database, against the API.
const range = { from: info.first, to: info.last };
const F = new URLSearchParams(range).toString();
const views = {};
for (const v of ["map", "talkers", "ports", "chord", "timeline", "downloads", "seq"]) {
	await go(`view=${v}&${F}`);
	views[v] = await drawn(v);
	if (v === "map") {
		views[v].webgl = await page.evaluate(() => {
			const c = document.querySelector("#view .map-canvas canvas.sigma-nodes");
			return !!c && !!(c.getContext("webgl2") || c.getContext("webgl"));
		});
		// the labels of the last frame: some drawn, no two overlapping
		views[v].overlaps = await page.evaluate(() => {
			const b = document.getElementById("view").labelBoxes || [];
			let n = 0;
			for (let i = 0; i < b.length; i++)
				for (let j = i + 1; j < b.length; j++)
					if (b[i].x < b[j].x + b[j].w && b[j].x < b[i].x + b[i].w && b[i].y < b[j].y + b[j].h && b[j].y < b[i].y + b[i].h) n++;
			return n;
		});
	}
	await shot(v);
}
let g = api("api/v1/edges.json", { ...range, max_nodes: 300 });
check("map: the nodes of edges.json", +views.map.nodes === g.nodes.length, `${views.map.nodes} vs ${g.nodes.length}`);
check("map: the links of edges.json", +views.map.links === g.links.length, `${views.map.links} vs ${g.links.length}`);
check("map: drawn in WebGL", views.map.nodes > 0 && views.map.webgl, JSON.stringify(views.map));
check("map: host labels drawn, none over another", +views.map.labels > 0 && views.map.overlaps === 0,
	`${views.map.labels} labels, ${views.map.overlaps} overlapping`);
const gall = api("api/v1/edges.json", range);
check("talkers: a row per host", +views.talkers.items === gall.nodes.length, `${views.talkers.items} vs ${gall.nodes.length}`);
const csv = apiText("api/v1/edges.csv", range).trim().split("\n").length - 1;
check("ports: every stored row counted", +views.ports.rows === csv, `${views.ports.rows} vs ${csv}`);
const svc = new Set(apiText("api/v1/edges.csv", range).trim().split("\n").slice(1).map((l) => {
	const f = l.split(","); return f[2] + "/" + Math.min(+f[4], +f[6]);
}));
check("ports: a row per service", +views.ports.items === svc.size, `${views.ports.items} vs ${svc.size}`);
const circ = apiText("api/v1/circos", { ...range, max_nodes: 40 }).trim().split("\n");
check("chord: a group per host of the circos matrix", +views.chord.nodes === circ[0].split("\t").length - 1);
const flows = circ.slice(1).reduce((a, l) => a + l.split("\t").slice(1).filter((v) => v !== "-" && +v > 0).length, 0);
check("chord: a ribbon end per flow", +views.chord.links === flows, `${views.chord.links} vs ${flows}`);
const wr = api("api/v1/windows", range);
check("timeline view: the windows of the range", +views.timeline.items === wr.count);
const lossy = new Set(wr.windows.filter((w) => w.kernel_drops + w.interface_drops + w.overflow > 0).map((w) => w.start_s));
const protos = new Set(apiText("api/v1/edges.csv", range).trim().split("\n").slice(1).map((l) => l.split(",")[2]));
check("timeline view: a stacked bar per window, a colour per protocol", +views.timeline.stacked === new Set(wr.windows.map((w) => w.start_s)).size &&
	+views.timeline.protos === Math.min(5, protos.size) + (protos.size > 5 ? 1 : 0) && protos.size > 1, `${views.timeline.stacked}/${views.timeline.protos} vs ${protos.size}`);
check("timeline view: the windows that lost packets are marked", +views.timeline.lost === lossy.size && lossy.size > 0,
	`${views.timeline.lost} vs ${lossy.size}`);
const fm = api("api/v1/formats", {});
check("downloads: a button per route", +views.downloads.items === new Set(fm.formats.map((f) => f.route)).size);
const seqNote = execFileSync("curl", ["-s", "-D", "-", "-o", "/dev/null", U + "/api/v1/seq.svg?" + F]).toString()
	.match(/X-Ipgraph-Note: .*?(\d+) arrows/i);
check("seq: the arrows the server drew", seqNote && +views.seq.items === +seqNote[1], `${views.seq.items}`);

// 2b. Positions are kept: the same hosts again (another metric) do not move.
await go(`view=map&${F}`);
await drawn("map");	// and its layout stopped
const pos = () => page.evaluate((ns) => Object.fromEntries(ns.map((a) => [a, document.getElementById("view").position(a)])), g.nodes.map((n) => n.address));
const p1 = await pos();
await go(`view=map&${F}&metric=bytes`);
await drawn("map");
const p2 = await pos();
const moved = Object.keys(p1).filter((a) => !p2[a] || p1[a].x !== p2[a].x || p1[a].y !== p2[a].y);
check("map: the same hosts keep their places when the data changes", moved.length === 0 && Object.keys(p1).length === g.nodes.length,
	`${moved.length} moved: ${moved.slice(0, 3).join(",")}`);

// 2c. Scatter: a point per edge; a click opens the pair's sequence diagram.
await go(`view=scatter&${F}`);
d = await drawn("scatter");
await shot("scatter");
const gs = api("api/v1/edges.json", { ...range, max_nodes: 100 });
check("scatter: a point per edge of edges.json", +d.links === gs.links.length &&
	await page.locator("#view circle.edge-point").count() === gs.links.length, `${d.links} vs ${gs.links.length}`);
const pair = await page.getAttribute("#view circle.edge-point", "data-pair");
await page.click("#view circle.edge-point");
d = await drawn("seq");
h = await hashOf();
const pn = execFileSync("curl", ["-s", "-D", "-", "-o", "/dev/null", U + "/api/v1/seq.svg?" + new URLSearchParams({ ...range, pair })]).toString()
	.match(/X-Ipgraph-Note: .*?(\d+) arrows/i);
check("scatter: a click opens the pair's sequence diagram", h.view === "seq" && h.pair === pair && pn && +d.items === +pn[1],
	`${JSON.stringify(h)} ${d.items}`);
await shot("seq-pair");

// 2d. Wheel, port flows, parallel coordinates, Sankey, 3D map: each drew
// what the API answers for the same filter.
const rowsOf = (text) => {
	const [head, ...ls] = text.trim().split("\n");
	const h = head.split(",");
	return ls.filter((l) => l).map((l) => Object.fromEntries(l.split(",").map((v, i) => [h[i], v])));
};
const rows = rowsOf(apiText("api/v1/edges.csv", range));
check("the test's data has rows to draw", rows.length > 5, rows.length);
check("3D: its library is not loaded before the view opens", !fetched.some((u) => u.endsWith("/graph3d.js")));
for (const v of ["wheel", "portflow", "parallel", "sankey", "map3d"]) {
	await go(`view=${v}&${F}`);
	views[v] = await drawn(v);
	// what is on the page, beside what the view says it drew
	views[v].dom = await page.evaluate(() => Object.fromEntries(["path.wheel-link", "path.port-pair", "path.pc-line",
		"rect.sankey-node", "path.sankey-link"].map((k) => [k, document.querySelectorAll("#view " + k).length])));
	if (v === "map3d") {
		// data-settled: the layout stopped (after 5 s of it), the camera
		// fitted the map and the names were counted where they ended up.
		// A loaded machine (distcheck, -j2, software WebGL) takes far
		// longer than an idle one: a minute is allowed.
		await page.waitForFunction(() => document.getElementById("view").dataset.settled, null, { timeout: 60000 }).catch(() => null);
		views[v].settled = await page.evaluate(() => document.getElementById("view").dataset.settled || "no");
		views[v].labels = await page.evaluate(() => document.getElementById("view").dataset.labels);
		views[v].webgl = await page.evaluate(() => {
			const c = document.querySelector("#view .map3d-canvas canvas");
			return !!c && !!(c.getContext("webgl2") || c.getContext("webgl"));
		});
	}
	await shot(v);
}
const g3 = api("api/v1/edges.json", { ...range, max_nodes: 300 });
const mw = api("api/v1/moowheel.json", { ...range, max_nodes: 60 });
const mwIds = new Set(mw.map((x) => x.id));
const mwLinks = mw.reduce((a, x) => a + x.connections.filter(([p]) => mwIds.has(p)).length, 0);
check("wheel: a host per moowheel.json entry", +views.wheel.nodes === mw.length && mw.length > 0, `${views.wheel.nodes} vs ${mw.length}`);
check("wheel: a curve per connection", +views.wheel.links === mwLinks &&
	views.wheel.dom["path.wheel-link"] === mwLinks, `${views.wheel.links} vs ${mwLinks}`);
const pairs = new Set(rows.map((r) => `${r.proto}/${r.sport}/${r.dport}`));
const ends = new Set();
for (const p of pairs) { const [, a, b] = p.split("/"); ends.add("s" + a); ends.add("d" + b); }
check("port flows: a curve per port pair of edges.csv", +views.portflow.links === Math.min(80, pairs.size) &&
	views.portflow.dom["path.port-pair"] === +views.portflow.links &&
	+views.portflow.items === pairs.size, `${views.portflow.links}/${views.portflow.items} vs ${pairs.size}`);
check("port flows: an axis tick per port", pairs.size > 80 || +views.portflow.nodes === ends.size, `${views.portflow.nodes} vs ${ends.size}`);
check("parallel: a line per stored row", +views.parallel.items === Math.min(2000, rows.length) &&
	views.parallel.dom["path.pc-line"] === +views.parallel.items && +views.parallel.rows === rows.length,
	`${views.parallel.items} vs ${rows.length}`);
// the Sankey's columns, worked out here from the rows: /24 or /48 networks,
// protocol and the lower port
const net = (a) => (a.includes(":") ? a.split("::")[0].split(":").filter(Boolean).slice(0, 3).join(":") + "::/48" : a.replace(/\.\d+$/, ".0/24"));
const sk = { n: new Set(), l: new Set() };
for (const r of rows) {
	if (!+r.packets) continue;
	const lo = Math.min(+r.sport, +r.dport);
	const s = "s" + net(r.src), d = "d" + net(r.dst), c = "c" + r.proto + lo;
	sk.n.add(s); sk.n.add(d); sk.n.add(c);
	sk.l.add(s + ">" + d); sk.l.add(d + ">" + c);
}
check("sankey: a node per network and service, a band per pair", +views.sankey.nodes === sk.n.size && +views.sankey.links === sk.l.size &&
	views.sankey.dom["rect.sankey-node"] === sk.n.size && views.sankey.dom["path.sankey-link"] === sk.l.size,
	`${views.sankey.nodes}/${views.sankey.links} vs ${sk.n.size}/${sk.l.size}`);
check("3D map: the nodes and links of edges.json, in WebGL", +views.map3d.nodes === g3.nodes.length && +views.map3d.links === g3.links.length && views.map3d.webgl,
	JSON.stringify(views.map3d));
check("3D map: names drawn on its hosts", +views.map3d.labels > 0,
	`data-labels=${views.map3d.labels}, data-settled=${views.map3d.settled}`);
check("3D: its library is loaded once the view opens", fetched.some((u) => u === U + "/graph3d.js"));

// 2e. The 3D library missing (blocked here): the 3D view says so in place
// of a map, and the page goes on.
{
	const p3 = await ctx.newPage();
	await p3.route("**/graph3d.js", (r) => r.abort());
	await p3.goto(`${U}/#view=map3d&${F}`);
	await p3.waitForFunction(() => document.getElementById("view").dataset.error, null, { timeout: 30000 }).catch(() => null);
	const st = await p3.evaluate(() => ({ error: document.getElementById("view").dataset.error,
		state: document.getElementById("status").dataset.state, text: document.getElementById("status").textContent,
		canvases: document.querySelectorAll("#view canvas").length }));
	check("3D without its library: an error naming graph3d.js, no map", st.error && st.state === "error" &&
		/graph3d\.js/.test(st.text) && st.canvases === 0, JSON.stringify(st));
	await p3.screenshot({ path: path.join(SHOTS, "map3d-nolib.png"), fullPage: true });
	await p3.close();
}

// 3. The server's note is shown when the reduction hid something.
await go(`view=map&${F}&top=3`);
d = await drawn("map");
g = api("api/v1/edges.json", { ...range, top: 3 });
check("map with top=3: the API's counts", +d.nodes === g.nodes.length && +d.links === g.links.length);
check("the hidden counts are shown", d.state === "hidden" && /showing \d+ of \d+ hosts/.test(d.status), d.status);

// 3b. The tier control reaches the API: hourly roll-ups.
await go(`view=talkers&${F}&tier=hour`);
d = await drawn("talkers");
const gt = api("api/v1/edges.json", { ...range, tier: "hour" });
check("tier=hour: the hosts of the hourly roll-ups", +d.items === gt.nodes.length &&
	(await page.inputValue('select[name="tier"]')) === "hour", `${d.items} vs ${gt.nodes.length}`);

// 4. Clicking a host filters on it (talkers table), and the map follows.
await go(`view=talkers&${F}`);
await drawn("talkers");
const host = await page.evaluate(() => document.querySelector("#view button[data-host]").dataset.host);
requests.length = 0;
await markOld();
await page.click(`#view button[data-host="${host}"]`);
await page.waitForFunction((hst) => location.hash.includes("host=" + encodeURIComponent(hst)), host);
d = await drawn("talkers");
const gh = api("api/v1/edges.json", { ...range, host });
check("click on a host: the URL holds it", (await hashOf()).host === host);
check("click on a host: the API is asked with host=", requests.some((r) => new URL(r).searchParams.get("host") === host));
check("click on a host: its hosts only", +d.items === gh.nodes.length, `${d.items} vs ${gh.nodes.length}; error ${d.error}, status ${d.state}: ${d.status}`);
await go(`view=histogram&${F}&host=${encodeURIComponent(host)}`);
d = await drawn("histogram");
const hist = apiText("api/v1/histogram.csv", { ...range, src: host, peers: 30 }).trim().split("\n").length - 1;
check("histogram: the host's peers", +d.items === hist && hist > 0, `${d.items} vs ${hist}`);
await shot("histogram");

// 4a. The host page, from the talkers table's details button: its peers,
// services and windows are those of the API for the host.
await go(`view=talkers&${F}`);
await drawn("talkers");
await markOld();
await page.click(`#view button[data-page="1"][data-host="${host}"]`);
await page.waitForFunction(() => location.hash.includes("view=host"), null, { timeout: 15000 }).catch(() => null);
d = await drawn("host");
h = await hashOf();
check("talkers: details opens the host's page", h.view === "host" && h.host === host, JSON.stringify(h));
let namesSeen = 0;	// names the host pages showed, in all
async function hostPage(a, d, base = U) {
	const gp = api("api/v1/edges.json", { ...range, host: a }, null, base);
	const hr = rowsOf(apiText("api/v1/edges.csv", { ...range, host: a }, base));
	const svcs = new Set(hr.map((r) => r.proto + "/" + Math.min(+r.sport, +r.dport)));
	const peerRows = await page.locator("#view .host-peers tbody tr").count();
	check(`host page of ${a}: a peer per other host of edges.json`, +d.items === gp.nodes.filter((n) => n.address !== a).length &&
		peerRows === +d.items && +d.items > 0, `${d.items} (${peerRows} rows) vs ${gp.nodes.length - 1}`);
	check(`host page of ${a}: a service per protocol and lower port of edges.csv`, +d.ports === svcs.size &&
		await page.locator("#view .host-ports tbody tr").count() === svcs.size, `${d.ports} vs ${svcs.size}`);
	check(`host page of ${a}: its windows stacked by protocol`, +d.windows === new Set(hr.map((r) => r.window_start)).size &&
		await page.locator("#view svg.stacked rect").count() >= +d.windows, `${d.windows}`);
	const told = api("api/v1/names", { ...range, host: a }, null, base).names.filter((n) => n.address === a);
	const tn = new Set(told.map((n) => n.source + " " + n.name));
	check(`host page of ${a}: a row per name told for it (/api/v1/names)`, +d.names === tn.size &&
		await page.locator("#view .host-names tbody tr").count() === tn.size, `${d.names} vs ${tn.size}`);
	namesSeen += tn.size;
	const self = gp.nodes.find((n) => n.address === a);
	const head = await page.textContent("#view .host-head");
	check(`host page of ${a}: its name and counts`, self && head.includes(self.name === a ? "no name known" : self.name) &&
		head.includes(`sent ${self.out_packets.toLocaleString("en")} packets`), head);
}
await hostPage(host, d);
await shot("host");
// a peer's name on the page opens that peer's page
const peer = await page.getAttribute("#view .host-peers tbody button[data-host]", "data-host");
await markOld();
await page.click(`#view .host-peers tbody button[data-host="${peer}"]`);
d = await drawn("host");
check("host page: a peer opens its page", (await hashOf()).host === peer, JSON.stringify(await hashOf()));
await hostPage(peer, d);
await shot("host-peer");

// 4b. On the map itself: hover shows the host's counts, a click filters.
await go(`view=map&${F}`);
await drawn("map");
const mhost = gall.nodes.reduce((a, n) => (n.out_packets + n.in_packets > a.out_packets + a.in_packets ? n : a));
const at = await page.evaluate((a) => {
	const el = document.getElementById("view"), p = el.locate(a);
	const r = el.querySelector(".map-canvas").getBoundingClientRect();
	return p && { x: r.left + p.x, y: r.top + p.y };
}, mhost.address);
check("map: the host is drawn inside the map", at && at.x > 0 && at.y > 0, JSON.stringify(at));
await page.mouse.move(at.x, at.y);
await page.waitForSelector("#view .tooltip:not([hidden])", { timeout: 15000 }).catch(() => null);
const tip = await page.evaluate(() => { const t = document.querySelector("#view .tooltip"); return t.hidden ? "" : t.textContent; });
check("map: hover shows the host's counts", tip.includes(mhost.address) &&
	tip.includes(`out ${mhost.out_packets.toLocaleString("en")} packets`) &&
	tip.includes(`in ${mhost.in_packets.toLocaleString("en")} packets`), tip);
await markOld();
await page.mouse.click(at.x, at.y);
await page.waitForFunction((a) => location.hash.includes("host=" + encodeURIComponent(a)), mhost.address, { timeout: 15000 }).catch(() => null);
d = await drawn("map");
g = api("api/v1/edges.json", { ...range, host: mhost.address, max_nodes: 300 });
check("map: a click filters on the host", (await hashOf()).host === mhost.address, JSON.stringify(await hashOf()));
check("map filtered on the host: the API's counts", +d.nodes === g.nodes.length && +d.links === g.links.length,
	`${d.nodes}/${d.links} vs ${g.nodes.length}/${g.links.length}`);
await shot("map-host");
// the map's legend leads to the chosen host's page
await markOld();
await page.click("#view .legend button.host-page");
d = await drawn("host");
h = await hashOf();
check("map: the legend opens the chosen host's page", h.view === "host" && h.host === mhost.address, JSON.stringify(h));
await hostPage(mhost.address, d);
check("host pages: names over time shown where the traffic told some", namesSeen > 0, namesSeen);
// a double click on a block (group=/24) expands it
await go(`view=map&${F}&group=/24`);
d = await drawn("map");
const blocks = api("api/v1/edges.json", { ...range, group: "/24", max_nodes: 300 });
check("map group=/24: the API's blocks", +d.nodes === blocks.nodes.length, `${d.nodes} vs ${blocks.nodes.length}`);
const blk = blocks.nodes.find((n) => n.address.startsWith("172.16.133.")) || blocks.nodes[0];
const bat = await page.evaluate((a) => {
	const el = document.getElementById("view"), p = el.locate(a);
	const r = el.querySelector(".map-canvas").getBoundingClientRect();
	return p && { x: r.left + p.x, y: r.top + p.y };
}, blk.address);
await markOld();
await page.mouse.dblclick(bat.x, bat.y);
await page.waitForFunction(() => !location.hash.includes("group="), null, { timeout: 15000 }).catch(() => null);
d = await drawn("map");
h = await hashOf();
const ex = api("api/v1/edges.json", { ...range, host: blk.address, max_nodes: 300 });
check("map: a double click on a block expands it", h.host === blk.address && !h.group, JSON.stringify(h));
check("expanded block: the API's hosts", +d.nodes === ex.nodes.length, `${d.nodes} vs ${ex.nodes.length}`);
await shot("expanded");
check("live is off under ipgraph serve (no stream to follow)", await page.isDisabled("#live"));

// 5. Brushing the timeline sets the range and the API's query.
await go(`view=map&${F}`);
await drawn("map");
const box = await page.locator("#timeline-strip svg .brush .overlay").boundingBox();
requests.length = 0;
await markOld();
// from the left edge to a third of the way: the first windows only
await page.mouse.move(box.x + 2, box.y + box.height / 2);
await page.mouse.down();
await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2, { steps: 5 });
await page.mouse.up();
await page.waitForFunction((f) => !location.hash.includes(f), encodeURIComponent(info.first));
d = await drawn("map");
h = await hashOf();
const asked = requests.map((r) => new URL(r)).filter((u) => u.pathname.endsWith("edges.json")).pop();
check("brushing changes from/to in the URL", h.from !== info.first || h.to !== info.last, JSON.stringify(h));
check("brushing changes the API's query", asked && asked.searchParams.get("from") === h.from &&
	asked.searchParams.get("to") === h.to, asked && asked.search);
g = api("api/v1/edges.json", { from: h.from, to: h.to, max_nodes: 300 });
check("brushed map: the API's counts", +d.nodes === g.nodes.length && +d.links === g.links.length,
	`${d.nodes}/${d.links} vs ${g.nodes.length}/${g.links.length}`);
check("brushed map differs from the whole", g.nodes.length !== views.map.nodes * 1 || g.links.length !== +views.map.links);
await shot("brushed");

// 6. Empty: a range with no window says why and where the data is.
await go("view=map&from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z");
d = await drawn("map");
check("empty: says why and where the data is", d.state === "empty" && /no windows/.test(d.status) &&
	d.status.includes(info.first), d.status);
await shot("empty");

// 7. Error: a bad host replaces the stale view with the server's message.
await go(`view=map&${F}`);
await drawn("map");
allowed = /status of 400/;
await go(`view=map&${F}&host=300.1.2.3`);
d = await drawn("map");
allowed = null;
const stale = await page.evaluate(() => document.querySelectorAll("#view canvas").length);
check("error: the message is shown", d.state === "error" && /300\.1\.2\.3/.test(d.status), d.status);
check("error: the stale map is gone", stale === 0 && d.nodes === undefined);
await shot("error");

// 8. Downloads: each is the bytes curl gets for the same filter.
fs.mkdirSync(DL, { recursive: true });
async function downloadAll(base, token, label) {
	const routes = await page.evaluate(() => [...document.querySelectorAll("#view button[data-route]:not([disabled])")].map((b) => b.dataset.route));
	check(`${label}: downloads listed`, routes.length >= 20, routes.length);
	const state = await hashOf();
	for (const r of routes) {
		const f = fm.formats.find((x) => x.route === r);
		let dl;
		await page.waitForTimeout(1200);	// as a person clicks: Chromium drops downloads that come in bursts
		try {
			[dl] = await Promise.all([
				page.waitForEvent("download", { timeout: 30000 }),
				page.click(`#view button[data-route="${r}"]`),
			]);
		} catch (e) {
			check(`${label}: ${r} downloads`, false, await page.textContent("#view .dl-status") + " seen: " + downloads.slice(-4).join(","));
			continue;
		}
		const file = path.join(DL, label + "-" + dl.suggestedFilename());
		await dl.saveAs(file);
		const q = {};
		for (const k of f.filters) if (state[k] && !(k === "host" && r.includes("histogram"))) q[k] = state[k];
		if (r.includes("histogram")) q.src = state.host;
		let want = curl(base + r + "?" + new URLSearchParams(q), token);
		let got = fs.readFileSync(file);
		if (r.endsWith(".tar.gz")) {
			// the members' bytes: tar headers carry the time they were written
			const members = (f) => execFileSync("tar", ["-xzOf", f]);
			fs.writeFileSync(file + ".curl", want);
			want = members(file + ".curl");
			got = members(file);
		}
		check(`${label}: ${r} is the bytes curl gets (${got.length})`, Buffer.compare(got, want) === 0, `${got.length} vs ${want.length}`);
	}
}
await go(`view=downloads&${F}&host=${encodeURIComponent(host)}`);
await drawn("downloads");
await downloadAll(U, null, "open");

// 9. With a token: asked once, kept for the session, downloads work.
allowed = /status of 401/;
const page2 = page;	// same checks, another server
await page2.goto(UT + "/#view=downloads&" + F + "&host=" + encodeURIComponent(host));
await page.waitForSelector("#token-dialog[open]", { timeout: 10000 });
await page.fill("#token-dialog input", TOKEN);
await page.click("#token-dialog button[value=ok]");
d = await drawn("downloads");
allowed = null;
check("token: the view draws once the token is given", +d.items > 0, JSON.stringify(d));
check("token: kept in sessionStorage", await page.evaluate(() => sessionStorage.getItem("ipgraph-token")) !== null);
await go(`view=map&${F}`);
d = await drawn("map");
check("token: asked once (no dialog on the next view)", !(await page.isVisible("#token-dialog[open]")) && +d.nodes > 0);
await shot("token");
// the new views with the token: the same counts as without
for (const v of ["host", "wheel", "portflow", "parallel", "sankey", "map3d"]) {
	await go(`view=${v}&${F}` + (v === "host" ? `&host=${encodeURIComponent(host)}` : ""));
	d = await drawn(v);
	const want = views[v] || {};
	check(`token: ${v} draws with the token`, d.drawn === "1" && !d.error && (v === "host" ? +d.items > 0 :
		d.nodes === want.nodes && d.links === want.links && d.items === want.items), `${JSON.stringify(d)} vs ${JSON.stringify(want)}`);
}
// the host page with no host says how to choose one
await go(`view=host&${F}`);
d = await drawn("host");
check("host page without a host: empty, saying how to choose one", d.state === "empty" && /choose a host/.test(d.status), d.status);
await go(`view=downloads&${F}&host=${encodeURIComponent(host)}`);
await drawn("downloads");
await downloadAll(UT, TOKEN, "token");

// 10. The keyboard reaches the views; dark follows the system.
await go(`view=map&${F}`);
await drawn("map");
await page.focus('#tabs button[data-view="talkers"]');
await page.keyboard.press("Enter");
d = await drawn("talkers");
check("keyboard: Enter on a tab opens its view", (await hashOf()).view === "talkers" && +d.items > 0);
await page.focus("#view th:nth-child(2)");
await page.keyboard.press("Enter");
check("keyboard: Enter on a column header sorts", await page.getAttribute("#view th:nth-child(2)", "aria-sort") === "ascending");
await page.emulateMedia({ colorScheme: "dark" });
await go(`view=map&${F}&metric=bytes`);
d = await drawn("map");
const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
check("dark: the page follows the system", bg === "rgb(22, 24, 27)", bg);
await shot("dark");

// 11. Behind a reverse proxy under a sub-path: every view draws what it
// drew straight from the server, and every request the page makes, API
// and the lazy 3D library alike, goes through the sub-path.
if (PROXY) {
	await page.emulateMedia({ colorScheme: "light" });
	const names = await page.evaluate(() => [...document.querySelectorAll("#tabs button")].map((b) => b.dataset.view));
	check("proxy: every view is tried", names.length >= 15 && names.every((v) => v), names.join(","));
	fetched.length = 0;
	refused.length = 0;
	const counts = (x) => JSON.stringify([x.nodes, x.links, x.items]);
	for (const v of names) {
		const hv = `view=${v}&${F}` + (v === "host" || v === "histogram" ? `&host=${encodeURIComponent(host)}` : "");
		await page.goto(`${PROXY}/#${hv}`);
		d = await drawn(v);
		const ok = d.drawn === "1" && !d.error && (v === "downloads" || +d.nodes > 0 || +d.items > 0);
		check(`proxy: ${v} draws under the sub-path`, ok && (!views[v] || counts(d) === counts(views[v])),
			`${counts(d)} vs ${views[v] ? counts(views[v]) : "-"}; ${d.state}: ${d.status}`);
		if (v === "map3d")
			await page.waitForFunction(() => document.getElementById("view").dataset.settled, null, { timeout: 20000 }).catch(() => null);
		if (v === "map3d" || v === "sankey") await shot("proxy-" + v);
	}
	const outside = fetched.filter((u) => /^https?:/.test(u) && !u.startsWith(PROXY + "/"));
	check("proxy: every request goes through the sub-path", outside.length === 0 && fetched.some((u) => u.startsWith(PROXY + "/api/v1/")),
		outside.slice(0, 3).join(" "));
	check("proxy: the 3D library comes through the sub-path", fetched.includes(PROXY + "/graph3d.js"));
	check("proxy: no request refused", refused.length === 0, refused.slice(0, 3).join(" "));
}

// 12. A busy server: its one query thread takes 4 queries, running and
// waiting; the test fills them from outside (a picture of 700 hosts,
// most of a second to draw, and three quick queries behind it) just before
// a view asks for its three routes.  Those get 503 with Retry-After: 1;
// the status line says the dashboard waits and tries again, and the view
// ends drawing what the API answers.  A view left while it waits stops
// waiting: it asks no more.  A download waits too, counting down on the
// Downloads view's own line, and is saved in the end.
{
	const metric = (name) => {
		const m = curl(BUSY + "/metrics").toString().match(new RegExp("^" + name + " (\\d+)$", "m"));
		return m ? +m[1] : NaN;
	};
	// curl in the background: resolves to the status it got
	const ask = (route) => new Promise((resolve) => {
		const c = spawn("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", BUSY + "/api/v1/" + route]);
		let out = "";
		c.stdout.on("data", (b) => { out += b; });
		c.on("close", () => resolve(out));
	});
	const until = async (what, ms = 10000) => {
		for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20)))
			if (what()) return true;
		return false;
	};
	// the queue full: the picture running, three queries waiting behind it
	let fills = 0;
	const answers = [];
	async function fill() {
		answers.push(ask(`graph.png?top=700&max_nodes=700`));
		const running = await until(() => metric("ipgraph_http_queries") >= 1);
		for (const k of [1, 2, 3]) answers.push(ask(`graph.dot?top=${10 * fills + k}`));
		fills++;
		return running && await until(() => metric("ipgraph_http_queries") >= 4);
	}
	const seen = () => page.evaluate(() => window.statusSeen);
	const isBusy = () => page.waitForFunction(() => document.getElementById("status").dataset.state === "busy",
		null, { timeout: 10000 }).then(() => true, () => false);

	const start = Date.now();
	await page.emulateMedia({ colorScheme: "light" });
	allowed = /status of 503/;
	await page.goto(`${BUSY}/#view=host&${F}&host=${encodeURIComponent(peer)}`);
	await drawn("host");
	// every state the status line goes through
	await page.evaluate(() => {
		const st = document.getElementById("status");
		window.statusSeen = [];
		new MutationObserver(() => window.statusSeen.push(st.dataset.state + ": " + st.textContent))
			.observe(st, { childList: true, characterData: true, subtree: true });
	});
	refused.length = 0;
	const t0 = Date.now();
	check("busy: the test filled the server's queue", await fill(), `ipgraph_http_queries ${metric("ipgraph_http_queries")}`);
	await go(`view=host&${F}&host=${encodeURIComponent(host)}`);
	if (await isBusy()) await shot("busy");
	d = await drawn("host");
	console.log(`busy: the host page drawn ${Date.now() - t0} ms after the queue was filled; refused: ${refused.length}`);
	const said = (await seen()).filter((x) => /^busy: .*the server is busy: retrying in \d+ s \(try \d+ of 6\)/.test(x));
	check("busy: the status line said the server is busy and when the next try is", said.length > 0, (await seen()).slice(0, 4).join(" | "));
	check("busy: the host page's requests were refused with 503", refused.some((r) => r.startsWith("503 ") &&
		new URL(r.slice(4)).searchParams.get("host") === host), refused.slice(0, 3).join(" "));
	check("busy: the host page drawn in the end", d.drawn === "1" && !d.error && d.state !== "error", `${d.state}: ${d.status}`);
	if (d.drawn === "1") await hostPage(host, d, BUSY);

	// left while it waits: the aborted view asks no more
	check("busy: the test filled the server's queue again", await fill(), `ipgraph_http_queries ${metric("ipgraph_http_queries")}`);
	requests.length = 0;
	await go(`view=host&${F}&host=${encodeURIComponent(peer)}`);
	const waiting = await isBusy();
	const left = Date.now();
	const asked = () => requests.filter((u) => new URL(u).pathname.endsWith("/names") &&
		new URL(u).searchParams.get("host") === peer).length;
	const before = asked();
	await go(`view=talkers&${F}`);
	d = await drawn("talkers");
	// past the Retry-After the left view would have waited
	await page.waitForTimeout(Math.max(0, left + 1500 - Date.now()));
	check("busy: a view left while it waits asks no more", waiting && before === 1 && asked() === 1, `busy ${waiting}, asked ${before} then ${asked()}`);
	const gb = api("api/v1/edges.json", range, null, BUSY);
	check("busy: the next view draws the API's hosts", +d.items === gb.nodes.length, `${d.items} vs ${gb.nodes.length}; ${d.state}: ${d.status}`);

	// a download waits out the busy server too, and its line (the page's
	// status line is the drawn view's) counts down as the views' does
	await go(`view=downloads&${F}`);
	d = await drawn("downloads");
	await page.evaluate(() => {
		window.dlSeen = [];
		const el = document.querySelector("#view .dl-status");
		new MutationObserver(() => window.dlSeen.push((el.dataset.state || "") + " " + el.className + ": " + el.textContent))
			.observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
	});
	await until(() => metric("ipgraph_http_queries") === 0);
	check("busy: the test filled the server's queue for a download", await fill(), `ipgraph_http_queries ${metric("ipgraph_http_queries")}`);
	refused.length = 0;
	const dlRoute = "/api/v1/graph.dot";
	const [dl] = await Promise.all([
		page.waitForEvent("download", { timeout: 30000 }).catch(() => null),
		page.click(`#view button[data-route="${dlRoute}"]`),
		page.waitForFunction(() => document.querySelector("#view .dl-status").dataset.state === "busy",
			null, { timeout: 10000 }).then(() => shot("downloads-busy"), () => null),
	]);
	const dlSeen = await page.evaluate(() => window.dlSeen);
	const dlSaid = dlSeen.filter((x) => /^busy dl-status status busy: downloading \/api\/v1\/graph\.dot… the server is busy: retrying in \d+ s \(try \d+ of 6\)$/.test(x));
	check("busy: the Downloads view said the server is busy and when the next try is", dlSaid.length > 0, dlSeen.slice(0, 4).join(" | "));
	check("busy: the download was refused with 503 first", refused.some((r) => r.startsWith("503 ") && new URL(r.slice(4)).pathname.endsWith(dlRoute)),
		refused.slice(0, 3).join(" "));
	const dlEnd = await page.evaluate(() => { const el = document.querySelector("#view .dl-status"); return el.dataset.state + ": " + el.textContent; });
	check("busy: the download saved in the end", dl && dl.suggestedFilename() === "graph.dot" && /^ok: saved graph\.dot /.test(dlEnd), dlEnd);
	allowed = null;
	const codes = await Promise.all(answers);
	check("busy: the queries that filled the queue were answered", codes.every((c) => c === "200"), codes.join(","));
	const refusedTotal = metric("ipgraph_http_queries_busy_total");
	console.log(`busy: the server refused ${refusedTotal} queries (ipgraph_http_queries_busy_total)`);
	check("busy: the server answered 503s (ipgraph_http_queries_busy_total)", refusedTotal > 0, refusedTotal);
	console.log(`busy: ${Date.now() - start} ms in all`);
}

check("no console errors", consoleErrors.length === 0, consoleErrors.join(" | "));
await browser.close();
console.log(`${checks} checks, ${fails} failed`);
process.exit(fails ? 1 : 0);
