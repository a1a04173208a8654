// graph3d.js - the 3D map's library, bundled apart from app.js (three.js
// alone is larger than the rest of the dashboard) and loaded by
// views/map3d.js only when the 3D view is opened: it hands 3d-force-graph
// and three-spritetext (the hosts' labels) over on window, the one
// channel between two IIFE bundles.
import ForceGraph3D from "3d-force-graph";
import SpriteText from "three-spritetext";

window.ipgraphGraph3D = { ForceGraph3D, SpriteText };
