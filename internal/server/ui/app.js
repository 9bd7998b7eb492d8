// Bulwark fleet dashboard. Plain JavaScript, no dependencies: it reads the
// server's /api/v1 with the token kept in sessionStorage and draws tables
// and SVG charts. Routes live in the URL fragment:
//   #/                  fleet overview
//   #/findings          every finding of every image's newest scan
//   #/image/NAME        one image: newest vulnerabilities, misconfigurations
//                       and secrets, scan history, trend
//   #/host/NAME         one host: bench score history, images seen there
//   #/diff/FROM/TO      findings added and fixed between two scans
//   #/runtime[/KIND/V]  bulwark defend: alerts per host, image and container,
//                       the latest alerts and the behaviour models; KIND is
//                       host, image or container to narrow it
"use strict";

const SEVS = ["critical", "high", "medium", "low", "unknown"];
const TOKEN_KEY = "bulwark-token";
const app = document.getElementById("app");

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path) {
  const resp = await fetch("/api/v1" + path, { headers: { "Authorization": "Bearer " + token() } });
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new APIError(resp.status, body.error || resp.statusText);
  return body;
}

// el builds an element: el("td", {class: "num"}, "text", child, ...).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "onclick" || k === "onchange") e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const SVGNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function when(t) {
  if (!t) return "";
  const d = new Date(t);
  return isNaN(d) ? "" : d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

function sevBadge(sev, n) {
  return el("span", { class: "sev " + (n ? sev : "zero"), title: sev }, n);
}

// notChecked: a scan that did not check every package for vulnerabilities
// (coverage partial or none, or unknown for scans stored before coverage
// was recorded). Its counts must never read as clean.
function notChecked(cov) { return !cov || cov.assessed !== "full"; }

function coverageBadge(cov) {
  if (!notChecked(cov)) return null;
  const a = (cov && cov.assessed) || "";
  const label = a === "none" ? "not checked" : a === "partial" ? "partly checked" : "coverage unknown";
  const title = (cov && cov.summary) || (a ? "vulnerabilities " + label : "scanned before coverage was recorded");
  return el("span", { class: "cov " + (a || "unknown"), title, "data-assessed": a || "unknown" }, label);
}

function coverageBanner(cov) {
  if (!notChecked(cov)) return null;
  const text = cov && cov.summary ? "Vulnerabilities " + cov.summary : "This scan does not say which packages were checked for vulnerabilities.";
  return el("p", { class: "banner " + ((cov && cov.assessed) || "unknown"), id: "coverage", role: "alert" }, text);
}

function countCells(c, cov) {
  // Nothing checked: zeros would claim a clean image.
  if (cov && cov.assessed === "none") return SEVS.map(() => el("td", { class: "num muted", title: cov.summary || "not checked" }, "—"));
  return SEVS.map(s => el("td", { class: "num" }, sevBadge(s, (c && c[s]) || 0)));
}

function imageLink(name) { return el("a", { href: "#/image/" + encodeURIComponent(name) }, name); }
function hostLink(name) { return name ? el("a", { href: "#/host/" + encodeURIComponent(name) }, name) : el("span", { class: "muted" }, "—"); }

function legend() {
  return el("div", { class: "legend" }, SEVS.map(s => el("span", {}, el("i", { class: s }), s)));
}

const COLORS = { critical: "#7a1020", high: "#d1343f", medium: "#e8912d", low: "#d9c341", unknown: "#98a2b3" };

// anchor keeps the first and last axis labels inside the chart.
function anchor(i, n) { return n > 1 && i === 0 ? "start" : n > 1 && i === n - 1 ? "end" : "middle"; }

const RANK = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };
function bySeverity(fs) {
  return [...fs].sort((a, b) => (RANK[b.severity] || 0) - (RANK[a.severity] || 0) || a.id.localeCompare(b.id) || a.package.localeCompare(b.package));
}

// stackedChart draws stacked severity areas over points [{label, counts}].
function stackedChart(points, title) {
  const W = 640, H = 220, L = 40, R = 10, T = 14, B = 28;
  const totals = points.map(p => SEVS.reduce((a, s) => a + (p.counts[s] || 0), 0));
  const max = Math.max(1, ...totals);
  const x = i => L + (points.length < 2 ? (W - L - R) / 2 : i * (W - L - R) / (points.length - 1));
  const y = v => T + (H - T - B) * (1 - v / max);
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  root.append(svg("title", {}, title));
  for (const f of [0, 0.5, 1]) {
    const v = Math.round(max * f);
    root.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e3e6ec" }));
    root.append(svg("text", { x: L - 6, y: y(v) + 3, "text-anchor": "end" }, v));
  }
  const base = points.map(() => 0);
  // Least severe at the bottom, so the critical band sits on top.
  for (const s of [...SEVS].reverse()) {
    const top = points.map((p, i) => base[i] + (p.counts[s] || 0));
    if (points.length === 1 && top[0] !== base[0]) {
      // One point has no area: draw it as a point per band, not a line.
      root.append(svg("circle", { cx: x(0), cy: y(top[0]), r: 5, fill: COLORS[s] }, svg("title", {}, s + ": " + (top[0] - base[0]))));
    } else if (top.some((v, i) => v !== base[i])) {
      let d = "";
      top.forEach((v, i) => { d += (i ? "L" : "M") + x(i).toFixed(1) + "," + y(v).toFixed(1); });
      for (let i = points.length - 1; i >= 0; i--) d += "L" + x(i).toFixed(1) + "," + y(base[i]).toFixed(1);
      root.append(svg("path", { d: d + "Z", fill: COLORS[s], "fill-opacity": 0.85, stroke: COLORS[s], "stroke-width": 1 }, svg("title", {}, s)));
    }
    top.forEach((v, i) => { base[i] = v; });
  }
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    const last = i === points.length - 1;
    // A step label too close to the last one would overlap it.
    if ((i % step === 0 && points.length - 1 - i >= step / 2) || last) root.append(svg("text", { x: x(i), y: H - 8, "text-anchor": anchor(i, points.length) }, p.label));
  });
  return root;
}

// lineChart draws one series of numbers (bench scores).
function lineChart(values, labels, title) {
  const W = 640, H = 180, L = 40, R = 10, T = 14, B = 28;
  const lo = Math.min(0, ...values), hi = Math.max(1, ...values);
  const x = i => L + (values.length < 2 ? (W - L - R) / 2 : i * (W - L - R) / (values.length - 1));
  const y = v => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  root.append(svg("title", {}, title));
  for (const v of [lo, 0, hi]) {
    root.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: v === 0 ? "#98a2b3" : "#e3e6ec" }));
    root.append(svg("text", { x: L - 6, y: y(v) + 3, "text-anchor": "end" }, v));
  }
  let d = "";
  values.forEach((v, i) => { d += (i ? "L" : "M") + x(i).toFixed(1) + "," + y(v).toFixed(1); });
  root.append(svg("path", { d, fill: "none", stroke: "#2b5797", "stroke-width": 2 }));
  values.forEach((v, i) => root.append(svg("circle", { cx: x(i), cy: y(v), r: 3, fill: "#2b5797" }, svg("title", {}, labels[i] + ": " + v))));
  const step = Math.max(1, Math.ceil(values.length / 6));
  labels.forEach((l, i) => {
    if ((i % step === 0 && labels.length - 1 - i >= step / 2) || i === labels.length - 1) root.append(svg("text", { x: x(i), y: H - 8, "text-anchor": anchor(i, labels.length) }, l));
  });
  return root;
}

function table(head, rows, empty) {
  if (!rows.length) return el("p", { class: "muted" }, empty || "Nothing yet.");
  return el("table", {},
    el("thead", {}, el("tr", {}, head.map(h => el("th", { class: h.num ? "num" : null }, h.label || h)))),
    el("tbody", {}, rows));
}

const sevHead = SEVS.map(s => ({ label: s, num: true }));

async function overview() {
  const [hosts, images, trend] = await Promise.all([api("/hosts"), api("/images"), api("/trends?days=30")]);
  const totals = {};
  for (const s of SEVS) totals[s] = images.reduce((a, i) => a + i.counts[s], 0);
  const scored = hosts.filter(h => h.bench);
  const avg = scored.length ? Math.round(scored.reduce((a, h) => a + h.bench.score, 0) / scored.length) : "—";
  const stats = el("div", { class: "stats" },
    el("div", { class: "stat" }, el("b", { id: "stat-hosts" }, hosts.length), el("span", {}, "hosts")),
    el("div", { class: "stat" }, el("b", { id: "stat-images" }, images.length), el("span", {}, "images")),
    el("div", { class: "stat" }, el("b", {}, totals.critical), el("span", {}, "critical findings")),
    el("div", { class: "stat" }, el("b", {}, totals.high), el("span", {}, "high findings")),
    el("div", { class: "stat" }, el("b", { id: "stat-notchecked" }, images.filter(i => notChecked(i.coverage)).length), el("span", {}, "images not fully checked")),
    el("div", { class: "stat" }, el("b", {}, avg), el("span", {}, "mean bench score")));
  const hostRows = hosts.map(h => el("tr", {},
    el("td", {}, hostLink(h.name)),
    el("td", { class: "num" }, h.bench ? el("span", { class: "score " + (h.bench.score >= 0 ? "good" : "bad") }, h.bench.score) : "—"),
    el("td", { class: "num" }, h.bench ? h.bench.pass : ""),
    el("td", { class: "num" }, h.bench ? h.bench.warn : ""),
    el("td", {}, when(h.last_seen))));
  const imageRows = images.map(i => el("tr", {},
    el("td", {}, imageLink(i.image), " ", coverageBadge(i.coverage)), ...countCells(i.counts, i.coverage),
    el("td", {}, hostLink(i.host)), el("td", {}, when(i.created_at))));
  const trendPoints = trend.map(p => ({ label: p.day.slice(5), counts: p.counts }));
  app.replaceChildren(
    el("h1", {}, "Fleet overview"), stats,
    el("section", { class: "card", id: "trend" }, el("h2", {}, "Findings over the last 30 days"),
      stackedChart(trendPoints, "Findings by severity per day"), legend()),
    el("div", { class: "grid" },
      el("section", { class: "card", id: "hosts" }, el("h2", {}, "Hosts"),
        table(["host", { label: "bench score", num: true }, { label: "pass", num: true }, { label: "warn", num: true }, "last seen"], hostRows, "No host has reported yet.")),
      el("section", { class: "card", id: "images" }, el("h2", {}, "Images"),
        table(["image", ...sevHead, "host", "scanned"], imageRows, "No image has been scanned yet."))));
}

// findingID is the id with the CVE ids a distribution's advisory stands
// for ("DSA-5218-1 (CVE-2022-37434)") and a mark for CISA KEV listings.
function findingID(f) {
  const cves = f.cves || [];
  let id = f.id;
  if (cves.length) id += " (" + (cves.length > 2 ? cves.slice(0, 2).join(", ") + ", +" + (cves.length - 2) : cves.join(", ")) + ")";
  return f.known_exploited ? [id, " ", el("span", { class: "kev", title: "CISA known exploited vulnerability" }, "KEV")] : [id];
}

function findingRows(fs, cls) {
  return bySeverity(fs || []).map(f => el("tr", { class: cls }, el("td", {}, sevBadge(f.severity, f.severity)), el("td", {}, ...findingID(f)),
    el("td", {}, f.package), el("td", {}, f.version), el("td", {}, f.fixed_version || el("span", { class: "muted" }, "no fix")),
    el("td", {}, f.type)));
}
const findingHead = ["severity", "id", "package", "version", "fixed in", "type"];

// configRows lists misconfigurations or secrets: rule, title, place.
function configRows(fs) {
  return bySeverity((fs || []).map(f => ({ ...f, package: f.where }))).map(f => el("tr", {},
    el("td", {}, sevBadge(f.severity, f.severity)), el("td", {}, f.id), el("td", {}, f.title),
    el("td", {}, el("code", {}, f.where)), el("td", { class: "muted" }, f.remediation)));
}
const configHead = ["severity", "rule", "title", "where", "fix"];

async function findingsPage() {
  const fs = await api("/findings?limit=2000");
  const rows = fs.map(f => el("tr", {}, el("td", {}, sevBadge(f.severity, f.severity)), el("td", {}, ...findingID(f)),
    el("td", {}, imageLink(f.image)), el("td", {}, f.package), el("td", {}, f.version), el("td", {}, f.fixed_version || "—")));
  app.replaceChildren(el("h1", {}, "Findings in the fleet"),
    el("section", { class: "card" }, table(["severity", "id", "image", "package", "version", "fixed in"], rows, "No findings.")));
}

async function imagePage(name) {
  const d = await api("/images/" + name.split("/").map(encodeURIComponent).join("/"));
  const scans = d.scans;
  const points = [...scans].reverse().map(s => ({ label: when(s.created_at).slice(5, 10), counts: s.counts }));
  const form = el("form", { id: "diffform" });
  const scanRows = scans.map((s, i) => el("tr", {},
    el("td", {}, el("input", { type: "radio", name: "from", value: s.id, checked: i === 1 || (scans.length === 1 && i === 0), "aria-label": "from scan " + s.id })),
    el("td", {}, el("input", { type: "radio", name: "to", value: s.id, checked: i === 0, "aria-label": "to scan " + s.id })),
    el("td", { class: "num" }, s.id), el("td", {}, when(s.created_at)), el("td", {}, s.source), el("td", {}, hostLink(s.host)),
    el("td", {}, coverageBadge(s.coverage) || "full"), ...countCells(s.counts, s.coverage)));
  form.append(table(["from", "to", { label: "scan", num: true }, "when", "source", "host", "coverage", ...sevHead], scanRows),
    el("p", {}, el("button", { type: "submit" }, "Compare the two scans")));
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const f = form.querySelector("input[name=from]:checked"), t = form.querySelector("input[name=to]:checked");
    if (f && t) location.hash = "#/diff/" + f.value + "/" + t.value;
  });
  const l = d.latest;
  const vulns = l.findings || [], misconf = l.misconfigurations || [], secrets = l.secrets || [];
  const none = l.coverage && l.coverage.assessed === "none";
  app.replaceChildren(el("h1", {}, "Image ", el("code", {}, d.image), " ", coverageBadge(l.coverage)),
    coverageBanner(l.coverage),
    el("div", { class: "stats" }, ...SEVS.map(s => el("div", { class: "stat" }, el("b", {}, none ? "—" : l.counts[s]), el("span", {}, s))),
      el("div", { class: "stat" }, el("b", { id: "stat-misconfigurations" }, misconf.length), el("span", {}, "misconfigurations")),
      el("div", { class: "stat" }, el("b", { id: "stat-secrets" }, secrets.length), el("span", {}, "secrets")),
      el("div", { class: "stat" }, el("b", {}, l.packages), el("span", {}, "packages")),
      el("div", { class: "stat" }, el("b", {}, l.os || "—"), el("span", {}, "os"))),
    el("section", { class: "card", id: "trend" }, el("h2", {}, "Vulnerabilities per scan"), stackedChart(points, "Vulnerabilities by severity per scan"), legend()),
    el("section", { class: "card", id: "findings" }, el("h2", {}, "Vulnerabilities of the newest scan (" + when(l.created_at) + ")"),
      table(findingHead, findingRows(vulns), none ? "Not checked: see above." : notChecked(l.coverage) ? "No known vulnerability in the packages that were checked." : "No known vulnerability.")),
    el("section", { class: "card", id: "misconfigurations" }, el("h2", {}, misconf.length + " misconfiguration" + (misconf.length === 1 ? "" : "s")),
      table(configHead, configRows(misconf), "No misconfiguration.")),
    el("section", { class: "card", id: "secrets" }, el("h2", {}, secrets.length + " secret" + (secrets.length === 1 ? "" : "s")),
      table(configHead, configRows(secrets), "No secret found.")),
    el("section", { class: "card", id: "scans" }, el("h2", {}, "Scans"), form));
}

async function hostPage(name) {
  const d = await api("/hosts/" + encodeURIComponent(name));
  const runs = [...d.bench_runs].reverse();
  const runRows = d.bench_runs.map(r => el("tr", {}, el("td", { class: "num" }, r.id), el("td", {}, when(r.created_at)),
    el("td", { class: "num" }, el("span", { class: "score " + (r.score >= 0 ? "good" : "bad") }, r.score)),
    el("td", { class: "num" }, r.pass), el("td", { class: "num" }, r.warn), el("td", { class: "num" }, r.total)));
  const imgRows = d.images.map(i => el("tr", {}, el("td", {}, imageLink(i.image), " ", coverageBadge(i.coverage)), ...countCells(i.counts, i.coverage), el("td", {}, when(i.created_at))));
  app.replaceChildren(el("h1", {}, "Host ", el("code", {}, d.host.name)),
    el("p", { class: "muted" }, "Last seen " + when(d.host.last_seen)),
    el("section", { class: "card", id: "bench" }, el("h2", {}, "CIS Docker Benchmark score"),
      runs.length ? lineChart(runs.map(r => r.score), runs.map(r => when(r.created_at).slice(5, 10)), "Bench score per run") : el("p", { class: "muted" }, "No audit yet."),
      table([{ label: "run", num: true }, "when", { label: "score", num: true }, { label: "pass", num: true }, { label: "warn", num: true }, { label: "checks", num: true }], runRows, "")),
    el("section", { class: "card", id: "images" }, el("h2", {}, "Images scanned on this host"),
      table(["image", ...sevHead, "scanned"], imgRows, "No image scanned on this host.")));
}

async function diffPage(from, to) {
  const d = await api("/diff?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to));
  app.replaceChildren(el("h1", {}, "Scan ", d.from.id, " → scan ", d.to.id, " of ", imageLink(d.to.image)),
    el("p", { class: "muted" }, when(d.from.created_at) + " → " + when(d.to.created_at)),
    coverageBanner(d.to.coverage),
    el("section", { class: "card", id: "new" }, el("h2", {}, d.new.length + " new"), table(findingHead, findingRows(d.new, "added"), "No new finding.")),
    el("section", { class: "card", id: "fixed" }, el("h2", {}, d.fixed.length + " fixed"), table(findingHead, findingRows(d.fixed, "fixed"), "Nothing fixed.")),
    d.no_longer_checked.length ? el("section", { class: "card", id: "unchecked" }, el("h2", {}, d.no_longer_checked.length + " no longer checked"),
      el("p", { class: "muted" }, "The newer scan did not check these packages, so it cannot say whether these findings were fixed."),
      table(findingHead, findingRows(d.no_longer_checked, "unchecked"), "")) : null);
}

// Runtime priorities (Falco's order) drawn with the severity colours.
const PRIOS = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"];
const PRIO_CLASS = { emergency: "critical", alert: "critical", critical: "critical", error: "high", warning: "medium", notice: "low", informational: "unknown", debug: "unknown" };
function prioBadge(p) { return el("span", { class: "sev " + (PRIO_CLASS[p] || "unknown"), title: p }, p); }
function graver(a, b) { return PRIOS.indexOf(a) <= PRIOS.indexOf(b) ? a : b; }
function runtimeLink(kind, value, label) {
  return value ? el("a", { href: "#/runtime/" + kind + "/" + encodeURIComponent(value) }, label || value) : el("span", { class: "muted" }, "—");
}

// groupAlerts counts alerts by key, with the gravest priority and the newest time.
function groupAlerts(alerts, key) {
  const m = new Map();
  for (const a of alerts) {
    const k = key(a);
    if (!k) continue;
    const g = m.get(k) || { key: k, first: a, n: 0, prio: a.priority, last: a.at };
    g.n++;
    g.prio = graver(g.prio, a.priority);
    if (a.at > g.last) g.last = a.at;
    m.set(k, g);
  }
  return [...m.values()].sort((x, y) => PRIOS.indexOf(x.prio) - PRIOS.indexOf(y.prio) || y.n - x.n || x.key.localeCompare(y.key));
}

async function runtimePage(kind, value) {
  const q = kind && value ? "&" + encodeURIComponent(kind) + "=" + encodeURIComponent(value) : "";
  const hostQ = kind === "host" && value ? "?host=" + encodeURIComponent(value) : "";
  const [alerts, models] = await Promise.all([api("/runtime/alerts?limit=500" + q), api("/runtime/models" + hostQ)]);
  const shown = kind === "image" ? models.filter(m => m.image === value || (m.names || []).includes(value)) : models;
  const byState = st => shown.filter(m => m.state === st).length;
  const hostRows = groupAlerts(alerts, a => a.host).map(g => el("tr", {}, el("td", {}, runtimeLink("host", g.key)),
    el("td", { class: "num" }, g.n), el("td", {}, prioBadge(g.prio)), el("td", {}, when(g.last))));
  const imageRows = groupAlerts(alerts, a => a.image || a.image_id).map(g => el("tr", {}, el("td", {}, runtimeLink("image", g.key)),
    el("td", { class: "num" }, g.n), el("td", {}, prioBadge(g.prio)), el("td", {}, when(g.last))));
  const containerRows = groupAlerts(alerts, a => a.container_id && a.host + " " + a.container_id).map(g => el("tr", {},
    el("td", {}, runtimeLink("container", g.first.container_id, g.first.container_name || g.first.container_id.slice(0, 12))),
    el("td", {}, g.first.image || g.first.image_id), el("td", {}, g.first.host),
    el("td", { class: "num" }, g.n), el("td", {}, prioBadge(g.prio)), el("td", {}, when(g.last))));
  const alertRows = alerts.slice(0, 200).map(a => el("tr", {}, el("td", {}, when(a.at)), el("td", {}, prioBadge(a.priority)),
    el("td", {}, el("code", {}, a.rule)), el("td", {}, a.host), el("td", {}, a.container_name || (a.container_id || "").slice(0, 12)),
    el("td", {}, a.process), el("td", {}, a.response), el("td", { class: "output" }, a.output)));
  const count = (m, k) => (m.model && Array.isArray(m.model[k])) ? m.model[k].length : 0;
  const modelRows = shown.map(m => el("tr", {}, el("td", {}, runtimeLink("host", m.host)),
    el("td", {}, runtimeLink("image", (m.names && m.names[0]) || m.image)), el("td", {}, el("code", {}, m.image.replace("sha256:", "").slice(0, 12))),
    el("td", {}, el("span", { class: "state " + m.state }, m.state)),
    el("td", { class: "num" }, count(m, "processes")), el("td", { class: "num" }, count(m, "writes")),
    el("td", { class: "num" }, count(m, "listens")), el("td", { class: "num" }, count(m, "outbound")),
    el("td", { class: "num" }, m.deviations), el("td", {}, when(m.updated))));
  const title = kind && value ? ["Runtime: ", kind, " ", el("code", {}, value), " ", el("a", { href: "#/runtime", class: "muted" }, "(all)")] : ["Runtime defense"];
  app.replaceChildren(el("h1", {}, ...title),
    el("div", { class: "stats" },
      el("div", { class: "stat" }, el("b", { id: "stat-alerts" }, alerts.length), el("span", {}, alerts.length === 500 ? "latest alerts" : "alerts")),
      el("div", { class: "stat" }, el("b", {}, alerts.filter(a => PRIOS.indexOf(a.priority) <= 2).length), el("span", {}, "critical or graver")),
      el("div", { class: "stat" }, el("b", {}, alerts.filter(a => a.response !== "alert").length), el("span", {}, "acted on")),
      el("div", { class: "stat" }, el("b", { id: "stat-models" }, shown.length), el("span", {}, "models")),
      el("div", { class: "stat" }, el("b", {}, byState("active")), el("span", {}, "active")),
      el("div", { class: "stat" }, el("b", {}, byState("learning")), el("span", {}, "learning"))),
    el("div", { class: "grid" },
      el("section", { class: "card", id: "runtime-hosts" }, el("h2", {}, "By host"),
        table(["host", { label: "alerts", num: true }, "gravest", "latest"], hostRows, "No runtime alert.")),
      el("section", { class: "card", id: "runtime-images" }, el("h2", {}, "By image"),
        table(["image", { label: "alerts", num: true }, "gravest", "latest"], imageRows, "No runtime alert."))),
    el("section", { class: "card", id: "runtime-containers" }, el("h2", {}, "By container"),
      table(["container", "image", "host", { label: "alerts", num: true }, "gravest", "latest"], containerRows, "No runtime alert.")),
    el("section", { class: "card", id: "runtime-alerts" }, el("h2", {}, "Latest alerts"),
      table(["when", "priority", "rule", "host", "container", "process", "response", "output"], alertRows, "No runtime alert.")),
    el("section", { class: "card", id: "runtime-models" }, el("h2", {}, "Behaviour models"),
      table(["host", "image", "id", "state", { label: "processes", num: true }, { label: "dirs written", num: true },
        { label: "listens", num: true }, { label: "outbound", num: true }, { label: "deviations", num: true }, "updated"], modelRows,
        "No behaviour model: none of the hosts runs bulwark defend, or no container has run yet.")));
}

function login(message) {
  app.replaceChildren(document.getElementById("login").content.cloneNode(true));
  document.getElementById("loginerr").textContent = message || "";
  document.getElementById("loginform").addEventListener("submit", ev => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value.trim());
    route();
  });
}

async function route() {
  const logout = document.getElementById("logout");
  if (!token()) { logout.hidden = true; login(); return; }
  logout.hidden = false;
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  const rest = parts.slice(1).map(decodeURIComponent);
  try {
    switch (parts[0]) {
      case "": await overview(); break;
      case "findings": await findingsPage(); break;
      case "image": await imagePage(rest.join("/")); break;
      case "host": await hostPage(rest[0] || ""); break;
      case "diff": await diffPage(rest[0], rest[1]); break;
      case "runtime": await runtimePage(rest[0], rest.slice(1).join("/")); break;
      default: app.replaceChildren(el("p", { class: "err" }, "No such page."));
    }
    document.body.dataset.ready = location.hash || "#/";
  } catch (e) {
    if (e instanceof APIError && e.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      login("That token was refused: " + e.message);
      return;
    }
    app.replaceChildren(el("p", { class: "err", id: "error" }, e instanceof APIError ? e.status + ": " + e.message : String(e)));
  }
}

document.getElementById("logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); route(); });
window.addEventListener("hashchange", route);
route();
