// dashboard-live.mjs - the live map against ipgraphd (dashboard-live.sh):
//
//   node dashboard-live.mjs NPM_DIR URL SHOTS_DIR READY_FILE
//
// Opens #view=map&live=1, touches READY_FILE, then waits (while the shell
// replays captures, and touches READY_FILE.replayed... see below) for the
// map to grow from the stream; exit 0 when every check passed.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [npm, U, SHOTS, READY] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(npm), "package.json"));
const { chromium } = require("playwright-core");
let fails = 0, checks = 0;
function check(what, ok, detail = "") {
	checks++;
	if (!ok) { fails++; console.log("FAIL: " + what + (detail ? " (" + detail + ")" : "")); }
	else console.log("ok: " + what);
}
const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const errors = [];
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push("pageerror: " + e.message));
let loads = 0;
page.on("load", () => loads++);

await page.goto(U + "/#view=map&live=1");
await page.waitForFunction(() => {
	const el = document.querySelector('#view[data-view="map"]');
	return el && el.dataset.drawn && el.dataset.live === "open";
}, null, { timeout: 30000 });
const before = await page.evaluate(() => +document.getElementById("view").dataset.nodes);
check("live: the stream is open", true);
check("live: the checkbox is on and enabled", await page.isChecked("#live") && !(await page.isDisabled("#live")));
fs.writeFileSync(READY, "");
// the shell replays, then touches READY's folder's "replayed"
const replayed = path.join(path.dirname(READY), "replayed");
for (let i = 0; i < 600 && !fs.existsSync(replayed); i++) await page.waitForTimeout(100);
// the stream's events come a moment after the replay, later on a loaded
// machine: wait for the map to have grown (up to 30 s), then for the last
// events
await page.waitForFunction((n) => {
	const el = document.getElementById("view");
	return +el.dataset.nodes > n && +el.dataset.liveEvents > 0;
}, before, { timeout: 30000 }).catch(() => null);
await page.waitForTimeout(2500);
const after = await page.evaluate(() => ({ ...document.getElementById("view").dataset }));
check("live: the map grew from the stream", +after.nodes > before && +after.liveEvents > 0,
	`${before} -> ${after.nodes} nodes, ${after.liveEvents} events`);
const st = await page.evaluate(() => document.getElementById("status").textContent);
check("live: the status line says what the stream brought", st.startsWith(`live: ${after.nodes} hosts`), st);
const strip = await page.evaluate(() => +document.getElementById("timeline-strip").dataset.items);
check("live: the timeline was read again as windows closed", strip > 0, strip);
check("live: without a reload", loads === 1, `${loads} loads`);
// the API, now that the windows are stored: every host it holds is on the map
// the stream may lag the store by a window under a slow (sanitized) build: poll
let api = { nodes: [] }, missing = [], onMap = false;
for (let i = 0; i < 60; i++) {
	api = await (await fetch(U + "/api/v1/edges.json")).json();
	onMap = await page.evaluate(() => document.getElementById("view").locate && true);
	missing = [];
	for (const n of api.nodes) {
		const at = await page.evaluate((a) => document.getElementById("view").locate(a), n.address);
		if (!at) missing.push(n.address);
	}
	if (onMap && api.nodes.length > 0 && missing.length === 0) break;
	await page.waitForTimeout(500);
}
check("live: every host the API holds is on the map", onMap && api.nodes.length > 0 && missing.length === 0,
	`${api.nodes.length} hosts, missing ${missing.join(",")}`);
check("live: no more hosts than the API holds", +after.nodes <= api.nodes.length, `${after.nodes} vs ${api.nodes.length}`);
await page.screenshot({ path: path.join(SHOTS, "live.png"), fullPage: true });
check("no console errors", errors.length === 0, errors.join(" | "));
await browser.close();
console.log(`${checks} checks, ${fails} failed`);
process.exit(fails ? 1 : 0);
