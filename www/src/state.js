// state.js - the dashboard's whole state lives in the URL's fragment
// (#view=map&from=...&to=...&host=...), so a view can be shared and
// reloaded.  Nothing else holds state between renders.

export const FILTER_KEYS = ["from", "to", "host", "port", "proto", "sensor",
	"group", "top", "max_nodes", "metric", "tier"];
const ALL_KEYS = ["view", ...FILTER_KEYS, "live", "pair"];

export function getState() {
	const p = new URLSearchParams(location.hash.replace(/^#/, ""));
	const s = {};
	for (const k of ALL_KEYS)
		if (p.get(k)) s[k] = p.get(k);
	return s;
}

// Merge patch into the state (null or "" removes a key) and write the URL;
// the hashchange listener redraws.
export function setState(patch, { replace = false } = {}) {
	const s = { ...getState(), ...patch };
	const p = new URLSearchParams();
	for (const k of ALL_KEYS)
		if (s[k] != null && s[k] !== "") p.set(k, s[k]);
	const hash = "#" + p.toString();
	if (hash === location.hash) return;
	if (replace) {
		history.replaceState(null, "", hash);
		window.dispatchEvent(new HashChangeEvent("hashchange"));
	} else {
		location.hash = hash;
	}
}

// The API parameters of the state's filters.
export function filterParams(s, keys = FILTER_KEYS) {
	const q = {};
	for (const k of keys)
		if (s[k] != null && s[k] !== "") q[k] = s[k];
	return q;
}
