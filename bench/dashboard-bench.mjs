// dashboard-bench.mjs - measures the map (dashboard-bench.sh):
//   node dashboard-bench.mjs NPM_DIR URL OUT_DIR LABEL SIZE...
// LABEL names the screenshots (map-SIZE.png for "corpus",
// map-LABEL.png otherwise).  The machine's 1-minute load average is read
// from /proc/loadavg before each size and after its last measure.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [npm, U, OUT, label, ...sizes] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(npm), "package.json"));
const { chromium } = require("playwright-core");
const b = await chromium.launch({ executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] });
const p = await (await b.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const errors = [];
p.on("pageerror", (e) => errors.push(e.message));
// frames per second over ms, and the longest time between two frames (a
// page that freezes shows there, whatever the mean)
const fps = (ms) => p.evaluate((ms) => new Promise((res) => {
	let n = 0, gap = 0, last = performance.now(); const s = last;
	const f = () => {
		const t = performance.now();
		n++; gap = Math.max(gap, t - last); last = t;
		if (t - s < ms) requestAnimationFrame(f); else res({ fps: n * 1000 / (t - s), gap });
	};
	requestAnimationFrame(f);
}), ms);
const load = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0];
const info = await (await fetch(U + "/api/v1/info")).json();
const www = path.join(path.dirname(path.resolve(npm)), "www");
const bundle = fs.statSync(path.join(www, "app.js")).size;
const lazy = fs.statSync(path.join(www, "graph3d.js")).size;	// the 3D view's, loaded with it
console.log(`Dashboard map (${label}), ${info.hosts} hosts / ${info.edges} edges stored; app.js ${bundle} bytes, graph3d.js ${lazy} bytes\n`);
console.log("| max_nodes | nodes | links | first render ms | fps (layout) | longest frame ms (layout) | fps (settled) | fps (panning) | longest frame ms (panning) | load before, after |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
const where = [];
for (const n of sizes) {
	const l0 = load();
	const t0 = Date.now();
	await p.goto("about:blank");
	await p.goto(`${U}/#view=map&from=${info.first}&to=${info.last}&max_nodes=${n}`);
	await p.waitForFunction(() => document.querySelector('#view[data-view="map"]')?.dataset.drawn, null, { timeout: 300000 });
	const t1 = Date.now();
	const during = await fps(2000);
	// the layout says when it stopped (data-layout); a page without
	// that mark stopped after at most 4 s
	const t2 = Date.now();
	await p.waitForFunction(() => document.getElementById("view").dataset.layout === "done", null, { timeout: 30000 })
		.catch(() => p.waitForTimeout(Math.max(0, 5000 - (Date.now() - t2))));
	await p.waitForTimeout(500);
	const after = await fps(2000);
	const d = await p.evaluate(() => ({ ...document.getElementById("view").dataset }));
	const tm = await p.evaluate(() => document.getElementById("view").timing || null);
	await p.screenshot({ path: path.join(OUT, label === "corpus" ? `map-${n}.png` : `map-${label}.png`) });
	// Settled, sigma draws nothing until something changes, so the
	// settled rate is the idle page's.  A drag across the map's visible
	// part makes it draw every frame: the rate a user panning gets.
	const box = await p.locator("#view .map-canvas").boundingBox();
	const cx = box.x + box.width / 2, cy = (box.y + Math.min(box.y + box.height, 900)) / 2;
	const panning = fps(2000);
	await p.mouse.move(cx, cy);
	await p.mouse.down();
	for (let i = 0; i < 50; i++) {
		await p.mouse.move(cx + 150 * Math.sin(i / 5), cy + 80 * Math.cos(i / 5));
		await p.waitForTimeout(40);
	}
	await p.mouse.up();
	const pan = await panning;
	if (tm) where.push(`| ${n} | ${tm.fetchMs.toFixed(0)} | ${tm.buildMs.toFixed(0)} | ${tm.sigmaMs.toFixed(0)} | ` +
		(tm.layout ? `${tm.layout.ms.toFixed(0)} | ${tm.layout.iterations} | ${tm.layout.applies} | ${tm.layout.applyMs.toFixed(0)} | ${tm.layout.converged ? "yes" : "no"} | ` : "- | - | - | - | - | ") +
		`${tm.frames} | ${(tm.renderMs / (tm.frames || 1)).toFixed(1)} | ${tm.longestRenderMs.toFixed(0)} |`);
	console.log(`| ${n} | ${d.nodes} | ${d.links} | ${t1 - t0} | ${during.fps.toFixed(1)} | ${during.gap.toFixed(0)} | ${after.fps.toFixed(1)} | ${pan.fps.toFixed(1)} | ${pan.gap.toFixed(0)} | ${l0}, ${load()} |`);
}
// Where the time went, as the page measured it (el.timing, map.js):
// edges.json fetched and parsed, the graph built, sigma set up, the
// layout (its length, the worker's iterations, the writes of positions
// into the graph and their cost, whether it converged before its time
// was up), and sigma's frames up to the panning (count, mean, longest).
if (where.length) {
	console.log("\n| max_nodes | fetch+parse ms | graph ms | sigma setup ms | layout ms | iterations | position writes | writes ms | converged | frames | ms/frame | longest frame ms |");
	console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
	for (const l of where) console.log(l);
}
if (errors.length) console.log("\npage errors: " + errors.join(" | "));
await b.close();
