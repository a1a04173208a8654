// build.mjs - bundles the dashboard (src/main.js and what it imports, npm
// packages included) into app.js with esbuild, the 3D map's library
// (src/lazy/graph3d.js) into graph3d.js, and writes LICENSES.txt: the
// licence of every npm package that ended up in either, read from the
// package's own folder.  Run by Makefile.am after `npm ci`:
//
//   node build.mjs NODE_MODULES_PARENT SRC_DIR OUT_DIR
//
// The modules are resolved from NODE_MODULES_PARENT/node_modules (the
// build tree's scratch folder), so nothing third-party is kept in the
// source tree.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [npmdir, srcdir, outdir] = process.argv.slice(2).map((p) => path.resolve(p));
if (!outdir) {
	console.error("usage: node build.mjs NPM_DIR SRC_DIR OUT_DIR");
	process.exit(2);
}
const require = createRequire(path.join(npmdir, "package.json"));
const esbuild = require("esbuild");

// Two bundles: app.js (every view) and graph3d.js, the 3D map's WebGL
// library (three.js and 3d-force-graph, several times the size of the
// rest), which the 3D view loads only when it is opened.
const bundles = [["main.js", "app.js"], ["lazy/graph3d.js", "graph3d.js"]];
const results = [];
for (const [entry, out] of bundles)
	results.push(await esbuild.build({
		entryPoints: [path.join(srcdir, entry)],
		bundle: true,
		format: "iife",
		target: ["es2020"],
		minify: true,
		sourcemap: false,
		legalComments: "none",
		outfile: path.join(outdir, out),
		nodePaths: [path.join(npmdir, "node_modules")],
		metafile: true,
		logLevel: "warning",
	}));

// Every package (node_modules/NAME or node_modules/@SCOPE/NAME) an input
// of the bundle came from.
const pkgs = new Map();
for (const input of results.flatMap((r) => Object.keys(r.metafile.inputs))) {
	// the innermost node_modules/NAME: a nested copy (another version)
	// has its own licence entry
	const all = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
	if (!all.length) continue;
	const m = all[all.length - 1];
	const dir = input.slice(0, m.index) + "node_modules/" + m[1];
	const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
	pkgs.set(m[1] + " " + meta.version, path.resolve(dir));
}
let text = "Third-party code bundled into app.js and graph3d.js (from npm, pinned in\n" +
	"package-lock.json), with the licence each package ships.\n";
for (const key of [...pkgs.keys()].sort()) {
	const dir = pkgs.get(key), name = key.split(" ")[0];
	const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
	const lic = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
	if (!lic) {
		console.error(`build.mjs: ${name} has no licence file`);
		process.exit(1);
	}
	text += `\n===== ${name} ${meta.version} (${meta.license}) =====\n\n`;
	text += fs.readFileSync(path.join(dir, lic), "utf8").trim() + "\n";
}
fs.writeFileSync(path.join(outdir, "LICENSES.txt"), text);
console.log(bundles.map(([, out]) => `${out}: ${fs.statSync(path.join(outdir, out)).size} bytes`).join(", ") + `, ${pkgs.size} packages`);
