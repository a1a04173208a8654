// dashboard-bench.mjs - measures the map (dashboard-bench.sh):
//   node dashboard-bench.mjs NPM_DIR URL OUT_DIR SIZE...
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [npm, U, OUT, ...sizes] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(npm), "package.json"));
const { chromium } = require("playwright-core");
const b = await chromium.launch({ executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] });
const p = await (await b.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const errors = [];
p.on("pageerror", (e) => errors.push(e.message));
const fps = (ms) => p.evaluate((ms) => new Promise((res) => {
	let n = 0; const s = performance.now();
	const f = () => { n++; if (performance.now() - s < ms) requestAnimationFrame(f); else res(n * 1000 / (performance.now() - s)); };
	requestAnimationFrame(f);
}), ms);
const info = await (await fetch(U + "/api/v1/info")).json();
const www = path.join(path.dirname(path.resolve(npm)), "www");
const bundle = fs.statSync(path.join(www, "app.js")).size;
const lazy = fs.statSync(path.join(www, "graph3d.js")).size;	// the 3D view's, loaded with it
console.log(`Dashboard map, ${info.hosts} hosts / ${info.edges} edges stored; app.js ${bundle} bytes, graph3d.js ${lazy} bytes\n`);
console.log("| max_nodes | nodes | links | first render ms | fps (layout) | fps (settled) |");
console.log("|---|---|---|---|---|---|");
for (const n of sizes) {
	const t0 = Date.now();
	await p.goto("about:blank");
	await p.goto(`${U}/#view=map&from=${info.first}&to=${info.last}&max_nodes=${n}`);
	await p.waitForFunction(() => document.querySelector('#view[data-view="map"]')?.dataset.drawn, null, { timeout: 300000 });
	const t1 = Date.now();
	const during = await fps(2000);
	await p.waitForTimeout(5000);	// the layout stops after at most 4 s
	const after = await fps(2000);
	const d = await p.evaluate(() => ({ ...document.getElementById("view").dataset }));
	console.log(`| ${n} | ${d.nodes} | ${d.links} | ${t1 - t0} | ${during.toFixed(1)} | ${after.toFixed(1)} |`);
	await p.screenshot({ path: path.join(OUT, `map-${n}.png`) });
}
if (errors.length) console.log("\npage errors: " + errors.join(" | "));
await b.close();
