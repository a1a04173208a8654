// downloads.js - every format /api/v1/formats lists, for the current
// filter (each format gets the filters it takes), saved through fetch so
// a token works.
import { getJSON, download, busyCountdown } from "../api.js";
import { getState, filterParams } from "../state.js";
import { esc } from "../format.js";

export default {
	name: "downloads",
	title: "Downloads",
	async draw(el, { state, signal }) {
		const { data } = await getJSON("api/v1/formats", {}, { signal });
		const seen = new Set();
		const fs = data.formats.filter((f) => !seen.has(f.route) && seen.add(f.route));
		el.innerHTML = `<p>Each file is what the route answers for the current filter.</p><ul class="downloads"></ul><p class="dl-status" role="status"></p>`;
		const ul = el.querySelector("ul"), st = el.querySelector(".dl-status");
		for (const f of fs) {
			const li = document.createElement("li");
			const needsHost = f.options.some((o) => o.name === "peers");
			li.innerHTML = `<button type="button" data-route="${esc(f.route)}" ${!f.available || (needsHost && !state.host) ? "disabled" : ""}>${esc(f.route.split("/").pop())}</button> ${esc(f.format)}: ${esc(f.description)}${needsHost && !state.host ? " (choose a host first)" : ""}${f.available ? "" : " (not available on this server)"}`;
			li.querySelector("button").addEventListener("click", async () => {
				const s = getState();
				const q = filterParams(s, f.filters.filter((k) => k !== "host" || !needsHost));
				if (needsHost) q.src = s.host;
				// a busy server's waits are counted down on this line:
				// the page's status line is the view's once it is drawn
				const what = "downloading " + f.route + "…";
				const say = (kind, text) => {
					st.className = "dl-status status " + kind;
					st.dataset.state = kind;
					st.textContent = text;
				};
				let stopBusy = () => {};
				const onBusy = (wait) => {
					stopBusy();
					stopBusy = busyCountdown(wait, what, (text) => (text ? say("busy", text) : say("loading", what)));
				};
				say("loading", what);
				try {
					const r = await download(f.route.replace(/^\//, ""), q, { onBusy });
					say("ok", `saved ${r.name} (${r.size} bytes)${r.note ? "; " + r.note : ""}`);
					st.dataset.last = r.name;
				} catch (e) {
					say("error", `${f.route}: ${e.message}`);
				} finally {
					stopBusy();
				}
			});
			ul.append(li);
		}
		el.dataset.items = fs.length;
		return { destroy() {} };
	},
};
