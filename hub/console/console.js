// The clerk console of the remote virtual window. Plain JavaScript, no build step: the hub serves this file
// as it is. Signalling runs over /clerk/ws (messages in kiosk-api's `call` module); media goes straight
// between this browser and the terminal over WebRTC. `window.kiosk` is what the end-to-end tests read.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { me: null, ws: null, pc: null, call: null, stream: null, pending: [], fields: {}, materials: [], printed: [], errors: [], ended: null, chain: Promise.resolve() };
window.kiosk = state;

const OUTCOMES = { "done": "已办结", "referred": "已转办", "not-possible": "无法远程办理", "resident-left": "居民已挂断", "call-back": "居民申请回电", "dropped": "连接中断" };

function text(tag, t) { const e = document.createElement(tag); e.textContent = t; return e; }
function send(m) { if (state.ws && state.ws.readyState === 1) state.ws.send(JSON.stringify(m)); }
function status(t) { $("call-status").textContent = t; }

async function start() {
  const r = await fetch("/clerk/me");
  if (!r.ok) { location.href = "/clerk/login"; return; }
  state.me = await r.json();
  $("who").textContent = "坐席：" + state.me.name;
  connect();
}

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/clerk/ws");
  state.ws = ws;
  ws.onopen = () => { $("link").textContent = "已连接"; };
  ws.onclose = () => { $("link").textContent = "连接中断，正在重连…"; setTimeout(connect, 2000); };
  // One message at a time, in order: the offer must wait for the camera that taking the call opens.
  ws.onmessage = (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch { return; }
    state.chain = state.chain.then(() => handle(m)).catch((err) => state.errors.push(String(err)));
  };
}

async function handle(m) {
  switch (m.type) {
    case "queue": return showQueue(m.calls);
    case "taken": return taken(m);
    case "offer": return offer(m.sdp);
    case "candidate":
      if (state.pc && state.pc.remoteDescription) await state.pc.addIceCandidate(m.candidate);
      else state.pending.push(m.candidate);
      return;
    case "field": return field(m);
    case "captured": return captured(m);
    case "printed":
      state.printed.push(m);
      $("print-status").textContent = m.ok ? "终端已打印：" + m.message : "打印失败：" + m.message;
      return;
    case "reconnecting": status("居民终端连接中断，等待重连（最长 60 秒）…"); return;
    case "resumed": status("终端已重连，正在恢复视频…"); closePeer(); return;
    case "ended": return ended(m.outcome);
    case "error": state.errors.push(m.code); alert(m.message); return;
  }
}

function showQueue(calls) {
  const ul = $("queue");
  ul.replaceChildren();
  const waiting = calls.filter((c) => !c.clerk);
  $("queue-empty").hidden = waiting.length > 0;
  for (const c of waiting) {
    const li = document.createElement("li");
    const who = c.resident ? c.resident.name + "（" + c.resident.id_masked + "）" : "未核验身份";
    li.append(text("span", `${c.terminal} · ${who}${c.elder ? " · 长辈" : ""}${c.item_code ? " · " + c.item_code : ""} · 已等 ${c.waiting_secs} 秒`));
    const b = text("button", "接听");
    b.dataset.call = c.call;
    b.onclick = () => send({ type: "take", call: c.call });
    li.append(b);
    ul.append(li);
  }
}

async function taken(m) {
  state.call = m.call;
  state.ended = null;
  state.fields = {};
  state.materials = [];
  $("call-panel").hidden = false;
  $("fields").tBodies[0].replaceChildren();
  $("materials").replaceChildren();
  const dl = $("resident");
  dl.replaceChildren();
  const r = m.resident;
  dl.append(text("dt", "终端"), text("dd", m.terminal));
  dl.append(text("dt", "姓名"), text("dd", r ? r.name : "未核验"));
  dl.append(text("dt", "证件号码"), text("dd", r ? r.id_masked : "—"));
  const photo = document.createElement("dd");
  if (r && r.photo_jpeg_base64) {
    const img = document.createElement("img");
    img.alt = "证件照片";
    img.src = "data:image/jpeg;base64," + r.photo_jpeg_base64;
    photo.append(img);
  } else photo.textContent = "平台无证件照片";
  dl.append(text("dt", "照片"), photo);
  status("已接听，正在建立视频…");
  if (!state.stream) {
    try { state.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true }); }
    catch (e) { state.errors.push("camera: " + e); }
    if (state.stream) $("local").srcObject = state.stream;
  }
  state.iceServers = m.ice_servers || [];
}

function closePeer() {
  if (state.pc) { state.pc.close(); state.pc = null; }
  state.pending = [];
}

async function offer(sdp) {
  closePeer();
  const pc = new RTCPeerConnection({ iceServers: state.iceServers || [] });
  state.pc = pc;
  pc.onicecandidate = (e) => { if (e.candidate) send({ type: "candidate", candidate: e.candidate.toJSON() }); };
  pc.ontrack = (e) => {
    if (e.track.kind === "video") { $("remote").srcObject = e.streams[0] || new MediaStream([e.track]); }
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === "connected") status("通话中");
    if (pc.connectionState === "failed") status("视频连接失败");
  };
  await pc.setRemoteDescription({ type: "offer", sdp });
  if (state.stream) for (const t of state.stream.getTracks()) pc.addTrack(t, state.stream);
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  send({ type: "answer", sdp: pc.localDescription.sdp });
  for (const c of state.pending.splice(0)) await pc.addIceCandidate(c);
}

function field(m) {
  const key = m.item_code + "/" + m.field;
  state.fields[key] = m.value;
  let row = document.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
  if (!row) {
    row = document.createElement("tr");
    row.dataset.key = key;
    row.append(text("td", m.item_code), text("td", m.label), text("td", ""));
    $("fields").tBodies[0].append(row);
  }
  row.cells[2].textContent = m.value;
}

function captured(m) {
  state.materials.push(m);
  const li = document.createElement("li");
  li.append(text("span", `${m.name}（${Math.round(m.bytes / 1024)} KB）`));
  const img = document.createElement("img");
  img.alt = m.name;
  img.src = "/clerk/materials/" + encodeURIComponent(m.sha256);
  li.append(img);
  $("materials").append(li);
}

function ended(outcome) {
  state.ended = outcome;
  closePeer();
  state.call = null;
  $("remote").srcObject = null;
  status("通话已结束：" + (OUTCOMES[outcome] || outcome));
}

// What the tests read: the received video's decoded frames, and the sent video.
window.callStats = async () => {
  if (!state.pc) return null;
  const out = { framesDecoded: 0, frameWidth: 0, frameHeight: 0, framesPerSecond: 0, bytesSent: 0, audioSamples: 0 };
  (await state.pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") {
      out.framesDecoded = s.framesDecoded || 0; out.frameWidth = s.frameWidth || 0; out.frameHeight = s.frameHeight || 0;
      out.framesPerSecond = s.framesPerSecond || 0;
    }
    if (s.type === "inbound-rtp" && s.kind === "audio") out.audioSamples = s.totalSamplesReceived || 0;
    if (s.type === "outbound-rtp" && s.kind === "video") out.bytesSent = s.bytesSent || 0;
  });
  return out;
};

$("push").onsubmit = (e) => { e.preventDefault(); send({ type: "push-form", item_code: $("item").value.trim() }); };
$("capture").onsubmit = (e) => { e.preventDefault(); send({ type: "capture", what: $("what").value.trim() }); };
$("end").onsubmit = (e) => { e.preventDefault(); send({ type: "end", outcome: $("outcome").value }); };
$("print").onsubmit = async (e) => {
  e.preventDefault();
  const f = $("pdf").files[0];
  if (!f) return;
  await printPdf(await f.arrayBuffer(), f.name.replace(/\.pdf$/i, ""));
};
async function printPdf(bytes, title) {
  const r = await fetch("/clerk/print?title=" + encodeURIComponent(title), {
    method: "POST", headers: { "content-type": "application/pdf", "x-csrf-token": state.me.csrf }, body: bytes,
  });
  const body = await r.json().catch(() => ({}));
  $("print-status").textContent = r.ok ? "已发送到终端，等待打印…" : "发送失败：" + (body.message || r.status);
  return r.status;
}
window.printPdf = printPdf;
$("logout").onsubmit = async (e) => {
  e.preventDefault();
  await fetch("/clerk/logout", { method: "POST", headers: { "x-csrf-token": state.me.csrf } });
  location.href = "/clerk/login";
};

start();
