// api.js - every request of the dashboard: the token (asked once, kept in
// sessionStorage, sent as "Authorization: Bearer"), the server's note
// (X-Ipgraph-Note), JSON errors, and downloads saved from a blob so they
// work with a token too.

const TOKEN_KEY = "ipgraph-token";
// The API sits beside the page, so the dashboard works under a reverse
// proxy's sub-path: "api/v1/..." is relative to the page's folder.
export function apiUrl(route, params = {}) {
	const u = new URL(route.replace(/^\//, ""), document.baseURI);
	for (const [k, v] of Object.entries(params))
		if (v != null && v !== "") u.searchParams.set(k, v);
	return u.toString();
}

export class ApiError extends Error {
	constructor(status, message, parameter) {
		super(message);
		this.status = status;
		this.parameter = parameter;
	}
}

function headers() {
	const t = sessionStorage.getItem(TOKEN_KEY);
	return t ? { Authorization: "Bearer " + t } : {};
}

// The token dialog: one at a time; resolves when a token was entered.
let asking = null;
function askToken() {
	if (asking) return asking;
	const dlg = document.getElementById("token-dialog");
	const input = dlg.querySelector("input");
	asking = new Promise((resolve, reject) => {
		dlg.onclose = () => {
			asking = null;
			const v = input.value.trim();
			input.value = "";
			if (dlg.returnValue === "ok" && v) {
				sessionStorage.setItem(TOKEN_KEY, v);
				resolve();
			} else {
				reject(new ApiError(401, "this server asks for a token"));
			}
		};
		dlg.showModal();
		input.focus();
	});
	return asking;
}
export function forgetToken() {
	sessionStorage.removeItem(TOKEN_KEY);
}

// fetch with the token; a 401 asks for the token once and tries again.
// Resolves to the Response (ok), or throws ApiError with the server's
// message.
export async function request(route, params = {}, { signal } = {}) {
	for (let attempt = 0; ; attempt++) {
		const r = await fetch(apiUrl(route, params), { headers: headers(), signal });
		if (r.status === 401 && attempt < 2) {
			forgetToken();
			await askToken();
			continue;
		}
		if (!r.ok) {
			let msg = r.status + " " + r.statusText, param = null;
			try {
				const j = await r.json();
				if (j.error) msg = j.error;
				param = j.parameter;
			} catch { /* not JSON */ }
			throw new ApiError(r.status, msg, param);
		}
		return r;
	}
}

export async function getJSON(route, params, opts) {
	const r = await request(route, params, opts);
	return { data: await r.json(), note: r.headers.get("X-Ipgraph-Note") };
}
export async function getText(route, params, opts) {
	const r = await request(route, params, opts);
	return { data: await r.text(), note: r.headers.get("X-Ipgraph-Note") };
}

// The file name of a Content-Disposition header, else the route's last part.
function fileName(r, route) {
	const cd = r.headers.get("Content-Disposition") || "";
	const m = cd.match(/filename="([^"]+)"/);
	return m ? m[1] : route.split("/").pop();
}

// Save what a route answers for these parameters: fetched with the token,
// then handed to the browser as a blob link.
export async function download(route, params) {
	const r = await request(route, params);
	// a plain byte stream: the browser saves it as it is, whatever the
	// type (it would open some types instead, or sniff them)
	const blob = new Blob([await r.arrayBuffer()], { type: "application/octet-stream" });
	const a = document.createElement("a");
	a.href = URL.createObjectURL(blob);
	a.download = fileName(r, route);
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 60000);
	return { name: a.download, size: blob.size, note: r.headers.get("X-Ipgraph-Note") };
}

// Server-sent events read with fetch (EventSource cannot send the token).
// onEvent(name, data) for each event; returns a function that stops it.
export function stream(route, onEvent, onState) {
	const ctl = new AbortController();
	(async () => {
		try {
			const r = await request(route, {}, { signal: ctl.signal });
			onState("open");
			const rd = r.body.getReader();
			const dec = new TextDecoder();
			let buf = "";
			for (;;) {
				const { value, done } = await rd.read();
				if (done) break;
				buf += dec.decode(value, { stream: true });
				let i;
				while ((i = buf.indexOf("\n\n")) >= 0) {
					const block = buf.slice(0, i);
					buf = buf.slice(i + 2);
					let ev = "message", data = [];
					for (const line of block.split("\n")) {
						if (line.startsWith("event:")) ev = line.slice(6).trim();
						else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
					}
					if (data.length) onEvent(ev, data.join("\n"));
				}
			}
			onState("closed");
		} catch (e) {
			if (e.name !== "AbortError") onState("error", e);
		}
	})();
	return () => ctl.abort();
}
