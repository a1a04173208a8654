// api.js - every request of the dashboard: the token (asked once, kept in
// sessionStorage, sent as "Authorization: Bearer"), a busy server (503)
// asked again after its Retry-After, the server's note (X-Ipgraph-Note),
// JSON errors, and downloads saved from a blob so they work with a token
// too.

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

// A busy server answers 503 with Retry-After: every query thread holds
// the queries it takes ([http] threads, 4 each), or the picture queue is
// full.  Such a burst (another user's views, a big picture) passes in
// seconds, so a request waits what Retry-After says (seconds, or an HTTP
// date; 1 s when it is absent or unreadable, at most BUSY_WAIT_MAX s) and
// asks again, BUSY_RETRIES times: six tries over 5 s at the server's
// usual Retry-After: 1, at most 50 s whatever it says.  Retrying for ever
// would hide a server too small for its users; the last 503's message
// (which names [http] threads) is then the error.
const BUSY_RETRIES = 5;
const BUSY_WAIT_MAX = 10;

// Who is told of each wait, called with {route, seconds, attempt, tries,
// signal} as a wait starts: the request's own onBusy when it has one (a
// download tells its view's line), else one listener for the rest
// (main.js's status line).
let busyListener = null;
export function onBusy(fn) {
	busyListener = fn;
}

// What every wait says, wherever it is shown: say(text) at once and as
// each second passes, text being "<what> the server is busy: retrying in
// N s (try K of T)"; say(null) once the wait is over or its request
// aborted.  wait is what a busy listener is given.  Returns a function
// that stops the count without a last say.
export function busyCountdown({ seconds, attempt, tries, signal }, what, say) {
	const until = Date.now() + seconds * 1000;
	let t = null;
	const stop = () => {
		clearTimeout(t);
		if (signal) signal.removeEventListener("abort", end);
	};
	function end() {
		stop();
		say(null);
	}
	const tick = () => {
		const left = Math.ceil((until - Date.now()) / 1000);
		if (left <= 0) return end();
		say(`${what} the server is busy: retrying in ${left} s (try ${attempt} of ${tries})`);
		t = setTimeout(tick, until - Date.now() - (left - 1) * 1000);
	};
	if (signal) signal.addEventListener("abort", end, { once: true });
	tick();
	return stop;
}

// Seconds a 503 asks to wait: Retry-After's delay or date, within
// [0, BUSY_WAIT_MAX]; 1 when there is none or it cannot be read.
function retryAfter(r) {
	const v = (r.headers.get("Retry-After") || "").trim();
	let s = NaN;
	if (/^\d+$/.test(v)) s = parseInt(v, 10);
	else if (v) s = Math.ceil((Date.parse(v) - Date.now()) / 1000);
	if (!Number.isFinite(s)) s = 1;
	return Math.min(Math.max(s, 0), BUSY_WAIT_MAX);
}

const aborted = () => new DOMException("the request was aborted", "AbortError");

// Resolves after ms, or rejects with an AbortError as soon as signal
// fires: a view that is no longer wanted stops waiting at once.
function pause(ms, signal) {
	return new Promise((resolve, reject) => {
		if (signal && signal.aborted) return reject(aborted());
		const stop = () => { clearTimeout(t); reject(aborted()); };
		const t = setTimeout(() => {
			if (signal) signal.removeEventListener("abort", stop);
			resolve();
		}, ms);
		if (signal) signal.addEventListener("abort", stop, { once: true });
	});
}

// The server's JSON error of a refused answer: {msg, param}.
async function refusal(r) {
	let msg = r.status + " " + r.statusText, param = null;
	try {
		const j = await r.json();
		if (j.error) msg = j.error;
		param = j.parameter;
	} catch { /* not JSON */ }
	return { msg, param };
}

// fetch with the token; a 401 asks for the token once and tries again; a
// 503 waits and tries again (above), telling onBusy, or the page's
// listener when there is none.  Resolves to the Response (ok), or throws
// ApiError with the server's message, or an AbortError when signal
// fires, waits included.
export async function request(route, params = {}, { signal, onBusy: told } = {}) {
	let auth = 0, busy = 0, waited = 0;
	for (;;) {
		const r = await fetch(apiUrl(route, params), { headers: headers(), signal });
		if (r.status === 401 && auth++ < 2) {
			forgetToken();
			await askToken();
			continue;
		}
		if (r.status === 503 && busy < BUSY_RETRIES) {
			const seconds = retryAfter(r);
			await r.body?.cancel().catch(() => {});
			busy++;
			const tell = told || busyListener;
			if (tell)
				tell({ route, seconds, attempt: busy + 1, tries: BUSY_RETRIES + 1, signal });
			await pause(seconds * 1000, signal);
			waited += seconds;
			continue;
		}
		if (!r.ok) {
			let { msg, param } = await refusal(r);
			if (r.status === 503 && busy)
				msg += ` (still busy after ${busy + 1} tries in ${waited} s)`;
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

// Save what a route answers for these parameters: fetched with the token
// (opts as request's: onBusy hears of a busy server's waits), then handed
// to the browser as a blob link.
export async function download(route, params, opts = {}) {
	const r = await request(route, params, opts);
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
