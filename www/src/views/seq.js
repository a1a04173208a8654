// seq.js - the sequence diagram (/api/v1/seq.svg) of the filter, or of a
// selected pair (pair=A:B in the URL; a host filter narrows it too).
import { request } from "../api.js";
import { filterParams } from "../state.js";

export default {
	name: "seq",
	title: "Sequence",
	async draw(el, { state, signal }) {
		const q = filterParams(state, ["from", "to", "host", "port", "proto", "sensor", "tier"]);
		if (state.pair) q.pair = state.pair;
		const r = await request("api/v1/seq.svg", q, { signal });
		const note = r.headers.get("X-Ipgraph-Note");
		const blob = await r.blob();
		const m = (note || "").match(/(\d+) arrows/);
		el.dataset.items = m ? m[1] : 0;
		const url = URL.createObjectURL(blob);
		el.innerHTML = `<div class="scroll"><img alt="${(note || "sequence diagram").replace(/"/g, "&quot;")}"></div>`;
		el.querySelector("img").src = url;
		return { note, empty: !m || m[1] === "0", destroy() { URL.revokeObjectURL(url); } };
	},
};
