// The operations page: fleet, figures, bad ratings and case decisions. Plain DOM; every text goes in through
// textContent, never as HTML.
"use strict";

let csrf = "";
const $ = (id) => document.getElementById(id);

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function status(text) { $("status").textContent = text; }

async function api(path, options) {
  const r = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (r.status === 401) { location.href = "/clerk/login"; throw new Error("请先登录"); }
  if (!r.ok) {
    let msg = r.statusText;
    try { msg = (await r.json()).message; } catch (_) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.status === 204 ? null : r.json();
}

function post(path, body, type) {
  return api(path, {
    method: "POST",
    headers: { "content-type": type || "application/json", "x-csrf-token": csrf },
    body: type ? body : JSON.stringify(body),
  });
}

const pct = (v) => (v == null ? "—" : (v * 100).toFixed(1) + " %");
const secs = (v) => (v == null ? "—" : v >= 120 ? (v / 60).toFixed(1) + " 分" : v.toFixed(0) + " 秒");
const ago = (ms) => (ms == null ? "从未" : secs((Date.now() - ms) / 1000) + "前");
const bytes = (b) => (b == null ? "—" : (b / 1e9).toFixed(1) + " GB");

async function loadFleet() {
  const rows = await api("/clerk/api/fleet");
  const body = $("fleet").querySelector("tbody");
  body.replaceChildren();
  let silent = 0;
  for (const t of rows) {
    const h = t.heartbeat;
    const tr = document.createElement("tr");
    if (t.silent) { tr.className = "silent"; silent++; }
    cell(tr, t.terminal_id);
    cell(tr, t.street ? t.street + " / " + t.community : "未登记");
    cell(tr, t.silent ? "失联（2分钟无心跳）" : "在线", t.silent ? "bad" : "");
    cell(tr, ago(t.last_seen_ms));
    cell(tr, h ? h.version + (h.update ? " · " + h.update : "") : "");
    cell(tr, h ? secs(h.uptime_s) : "");
    const down = h ? h.devices.filter((d) => d.state !== "ok" && d.state !== "simulated") : [];
    cell(tr, h ? (down.length ? down.map((d) => d.device + "：" + d.state).join("；") : "全部正常") : "", down.length ? "bad" : "");
    cell(tr, h ? h.outbox_depth + (h.outbox_oldest_s ? "（最早 " + secs(h.outbox_oldest_s) + "）" : "") : "");
    cell(tr, h ? bytes(h.free_disk_bytes) : "");
    cell(tr, h && h.temperature_c != null ? h.temperature_c.toFixed(0) + " °C" : "—");
    cell(tr, t.config ? t.config[1] + (t.config[2] ? "：" + t.config[2] : "") : "", t.config && t.config[1] === "refused" ? "bad" : "");
    const actions = cell(tr, "");
    const push = document.createElement("button");
    push.textContent = "推送配置";
    push.onclick = () => { $("push").hidden = false; $("push-terminal").textContent = t.terminal_id; $("push-toml").focus(); };
    const log = document.createElement("button");
    log.textContent = "维护记录";
    log.className = "secondary";
    log.onclick = () => loadAudit(t.terminal_id);
    actions.append(push, " ", log);
    body.appendChild(tr);
  }
  $("fleet-summary").textContent = rows.length + " 台，" + silent + " 台失联";
}

async function loadAudit(terminal) {
  const rows = await api("/clerk/api/audit?terminal=" + encodeURIComponent(terminal));
  $("audit").hidden = false;
  $("audit-terminal").textContent = terminal;
  const body = $("audit").querySelector("tbody");
  body.replaceChildren();
  for (const a of rows.slice().reverse()) {
    const tr = document.createElement("tr");
    cell(tr, a.at); cell(tr, a.technician); cell(tr, a.action);
    body.appendChild(tr);
  }
}

let lastFigures = null;

function period() {
  const q = new URLSearchParams();
  if ($("from").value) q.set("from", $("from").value);
  if ($("to").value) q.set("to", $("to").value);
  return q.toString();
}

async function loadFigures() {
  const q = period();
  lastFigures = await api("/clerk/api/figures?" + q);
  $("from").value = lastFigures.from;
  $("to").value = lastFigures.to;
  $("csv").href = "/clerk/figures.csv?" + q;
  const charts = $("charts");
  charts.replaceChildren();
  // Each chart is parsed as an SVG document and put in the page (not an <img>), so that its text is set in
  // the page's font; the hub escapes every text in it.
  for (const name of ["sessions-by-day", "prefill-by-street", "first-time-by-street", "help-within-minute-by-day"]) {
    const r = await fetch("/clerk/charts/" + name + ".svg?" + q, { credentials: "same-origin" });
    if (!r.ok) continue;
    const doc = new DOMParser().parseFromString(await r.text(), "image/svg+xml");
    const svg = document.importNode(doc.documentElement, true);
    if (svg.nodeName !== "svg") continue;
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", name);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    const figure = document.createElement("figure");
    figure.appendChild(svg);
    charts.appendChild(figure);
  }
  showFigures();
}

function showFigures() {
  if (!lastFigures) return;
  const grouping = $("grouping").value;
  const body = $("figures").querySelector("tbody");
  body.replaceChildren();
  for (const r of lastFigures.rows.filter((r) => r.grouping === grouping || r.grouping === "total")) {
    const f = r.figures;
    const tr = document.createElement("tr");
    cell(tr, r.grouping === "total" ? "合计" : r.key);
    cell(tr, f.sessions); cell(tr, f.submitted);
    cell(tr, pct(f.prefill_rate), f.prefill_rate != null && f.prefill_rate < 0.7 ? "bad" : "");
    cell(tr, f.cases);
    cell(tr, pct(f.first_time_success), f.first_time_success != null && f.first_time_success < 0.9 ? "bad" : "");
    cell(tr, secs(f.avg_application_s), f.avg_application_s != null && f.avg_application_s > 1200 ? "bad" : "");
    cell(tr, f.help_requests); cell(tr, secs(f.avg_help_response_s));
    cell(tr, pct(f.help_within_minute), f.help_within_minute != null && f.help_within_minute < 1 ? "bad" : "");
    cell(tr, f.ratings); cell(tr, f.avg_rating == null ? "—" : f.avg_rating.toFixed(2)); cell(tr, f.bad_ratings, f.bad_ratings ? "bad" : "");
    body.appendChild(tr);
  }
}

async function loadBad() {
  const rows = await api("/clerk/api/bad-ratings");
  const list = $("bad");
  list.replaceChildren();
  const open = rows.filter((b) => !b.follow_up).length;
  $("bad-summary").textContent = open + " 条待回访，共 " + rows.length + " 条";
  for (const b of rows) {
    const li = document.createElement("li");
    const head = document.createElement("div");
    head.textContent = "办件 " + b.case_number + " · " + b.item_code + " · 终端 " + b.terminal_id + " · " +
      b.level + " 星" + (b.reasons.length ? " · " + b.reasons.join("、") : "") + (b.comment ? " · " + b.comment : "");
    li.appendChild(head);
    if (b.follow_up) {
      const done = document.createElement("div");
      done.textContent = "已回访（" + b.follow_up[0] + "）：" + b.follow_up[1];
      li.appendChild(done);
    } else {
      const form = document.createElement("form");
      const input = document.createElement("input");
      input.required = true; input.maxLength = 2000; input.placeholder = "回访情况";
      input.setAttribute("aria-label", "回访情况");
      const btn = document.createElement("button");
      btn.textContent = "记录回访";
      form.append(input, btn);
      form.onsubmit = async (e) => {
        e.preventDefault();
        try { await post("/clerk/api/bad-ratings/" + encodeURIComponent(b.key) + "/follow-up", { note: input.value }); status("已记录回访"); loadBad(); }
        catch (err) { status("未记录：" + err.message); }
      };
      li.appendChild(form);
    }
    list.appendChild(li);
  }
}

// 以评促改: stale answers and those residents marked unhelpful first.
async function loadKnowledge() {
  const s = await api("/clerk/api/knowledge");
  const rows = s.answers.slice().sort((a, b) => (b.stale - a.stale) || (b.unhelpful - a.unhelpful));
  const stale = rows.filter((a) => a.stale).length;
  const marked = rows.filter((a) => a.unhelpful > 0).length;
  $("knowledge-summary").textContent = "第 " + s.version + " 版 · " + stale + " 条待复核 · " + marked + " 条有无帮助反馈";
  const body = $("knowledge").querySelector("tbody");
  body.replaceChildren();
  for (const a of rows) {
    const tr = document.createElement("tr");
    cell(tr, a.title + "（" + a.id + "）");
    cell(tr, a.version);
    cell(tr, a.review_by);
    cell(tr, a.stale ? "已过复核期" : "有效", a.stale ? "bad" : "");
    cell(tr, a.unhelpful, a.unhelpful ? "bad" : "");
    cell(tr, a.questions.join("；"));
    body.appendChild(tr);
  }
}

async function start() {
  try {
    const me = await api("/clerk/me");
    csrf = me.csrf;
    $("who").textContent = me.name;
  } catch (e) { return; }
  $("period").onsubmit = (e) => { e.preventDefault(); loadFigures().catch((err) => status(err.message)); };
  $("grouping").onchange = showFigures;
  $("push-cancel").onclick = () => { $("push").hidden = true; };
  $("push").onsubmit = async (e) => {
    e.preventDefault();
    const t = $("push-terminal").textContent;
    try {
      const r = await post("/clerk/api/fleet/" + encodeURIComponent(t) + "/config", $("push-toml").value, "text/plain; charset=utf-8");
      status("已排队：" + r.id + "，随下次心跳下发");
      $("push").hidden = true;
      loadFleet();
    } catch (err) { status("未推送：" + err.message); }
  };
  $("decide").onsubmit = async (e) => {
    e.preventDefault();
    // One reason a line, "what: why" (a full-width colon as well); what names a field or a material of the case.
    const reasons = $("reasons").value.split("\n").map((l) => l.trim()).filter((l) => l).map((l) => {
      const at = l.search(/[:：]/);
      return at < 0 ? { target: "", note: l } : { target: l.slice(0, at).trim(), note: l.slice(at + 1).trim() };
    });
    try { await post("/clerk/api/cases/" + encodeURIComponent($("case").value.trim()) + "/decision", { decision: $("decision").value, reasons }); status("已记录"); loadFigures(); }
    catch (err) { status("未记录：" + err.message); }
  };
  await Promise.all([loadFleet(), loadFigures(), loadBad(), loadKnowledge()]).catch((err) => status(err.message));
  setInterval(() => loadFleet().catch((err) => status(err.message)), 15000);
}

start();
