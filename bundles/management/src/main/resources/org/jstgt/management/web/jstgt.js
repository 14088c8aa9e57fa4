// jstgt web page: polls api/overview every second, fills the tables and draws, per LUN, the
// throughput and p99 latency of the last two minutes (the server keeps the history).
"use strict";

const READ = "#1f6fd1";
const WRITE = "#d1741f";

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}
function rate(n) { return bytes(n) + "/s"; }
function count(n) { return n >= 100 ? Math.round(n).toLocaleString("en") : n.toFixed(1); }
function ms(seconds) { return (seconds * 1000).toFixed(seconds < 0.001 ? 3 : 2) + " ms"; }
function p99(latency) { return latency.count > 0 ? ms(latency.p99) : "-"; }
function stateClass(s) { return s === "ACTIVE" ? "state-ok" : "state-bad"; }

function cell(tr, text, attrs) {
  const td = document.createElement("td");
  td.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") td.className = v; else td.setAttribute(k, v);
  }
  tr.appendChild(td);
  return td;
}

function fill(id, rows, render) {
  const body = document.querySelector("#" + id + " tbody");
  body.textContent = "";
  for (const r of rows) {
    const tr = document.createElement("tr");
    render(tr, r);
    body.appendChild(tr);
  }
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    cell(tr, "none", { colspan: "20" });
    body.appendChild(tr);
  }
}

function lunRow(tr, l) {
  const s = l.stats, lun = { "data-lun": l.name };
  const num = (field, text) => cell(tr, text, Object.assign({ class: "num", "data-field": field }, lun));
  cell(tr, l.name);
  cell(tr, l.device);
  cell(tr, l.store);
  cell(tr, bytes(l.size));
  cell(tr, l.state, { class: stateClass(l.state) });
  cell(tr, l.mappings.join(", "));
  num("readIops", count(s.readIops));
  num("writeIops", count(s.writeIops));
  num("readBps", rate(s.readBps));
  num("writeBps", rate(s.writeBps));
  num("readP99", p99(s.readLatency));
  num("writeP99", p99(s.writeLatency));
  num("inFlight", String(s.inFlight));
  num("commands", String(s.reads + s.writes + s.others));
  num("errors", String(s.errors));
}

function targetRow(tr, t) {
  const s = t.stats;
  cell(tr, t.name);
  cell(tr, t.iqn);
  cell(tr, t.state, { class: stateClass(t.state) });
  cell(tr, t.portals.join(", "));
  cell(tr, t.luns.join(", "));
  cell(tr, count(s.readIops + s.writeIops), { class: "num" });
  cell(tr, rate(s.readBps), { class: "num" });
  cell(tr, rate(s.writeBps), { class: "num" });
  cell(tr, String(s.errors), { class: "num" });
}

function sessionRow(tr, x) {
  const s = x.stats;
  cell(tr, String(x.tsih));
  cell(tr, x.initiator);
  cell(tr, x.isid);
  cell(tr, x.target);
  cell(tr, x.connections.join(", "));
  cell(tr, count(s.readIops + s.writeIops), { class: "num" });
  cell(tr, rate(s.readBps), { class: "num" });
  cell(tr, rate(s.writeBps), { class: "num" });
  cell(tr, String(s.inFlight), { class: "num" });
}

// One line chart on a canvas: two series (read, write) over the time the history covers (at
// least 30 s, at most the two minutes the server keeps).
function draw(canvas, points, readIdx, writeIdx, label) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, left = 74, right = 8, bottom = 18, top = 6;
  ctx.clearRect(0, 0, w, h);
  ctx.font = "11px sans-serif";
  let max = 0;
  for (const p of points) max = Math.max(max, p[readIdx], p[writeIdx]);
  if (max === 0) max = 1;
  ctx.strokeStyle = "#e3e7ee";
  ctx.fillStyle = "#667";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = top + (h - top - bottom) * (1 - i / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
    ctx.fillText(label(max * i / 4), 2, y + 4);
  }
  const now = points.length ? points[points.length - 1][0] : 0;
  const first = points.length ? points[0][0] : 0;
  const span = Math.min(120000, Math.max(30000, now - first));
  ctx.fillText("-" + Math.round(span / 1000) + " s", left, h - 4);
  ctx.fillText("now", w - right - 22, h - 4);
  for (const [idx, color] of [[readIdx, READ], [writeIdx, WRITE]]) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((p, i) => {
      const x = left + (w - left - right) * (1 - (now - p[0]) / span);
      const y = top + (h - top - bottom) * (1 - p[idx] / max);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

function charts(luns, history) {
  const box = document.getElementById("charts");
  for (const l of luns) {
    let card = document.getElementById("chart-" + l.name);
    if (!card) {
      card = document.createElement("div");
      card.className = "chart";
      card.id = "chart-" + l.name;
      const h3 = document.createElement("h3");
      h3.textContent = "LUN " + l.name;
      card.appendChild(h3);
      const row = document.createElement("div");
      row.className = "plots";
      for (const kind of ["throughput", "p99 latency"]) {
        const plot = document.createElement("div");
        const legend = document.createElement("div");
        legend.className = "legend";
        legend.innerHTML = kind + ': <span class="r">read</span> / <span class="w">write</span>';
        const c = document.createElement("canvas");
        c.width = 580; c.height = 150;
        c.dataset.kind = kind;
        plot.appendChild(legend);
        plot.appendChild(c);
        row.appendChild(plot);
      }
      card.appendChild(row);
      box.appendChild(card);
    }
    const points = history[l.name] || [];
    const [tp, lat] = card.querySelectorAll("canvas");
    draw(tp, points, 3, 4, rate);
    draw(lat, points, 5, 6, ms);
  }
  for (const card of Array.from(box.children)) {
    if (!luns.some(l => "chart-" + l.name === card.id)) card.remove();
  }
}

function show(o) {
  fill("luns", o.luns, lunRow);
  fill("targets", o.targets, targetRow);
  fill("sessions", o.sessions, sessionRow);
  charts(o.luns, o.history);
  let iops = 0, rd = 0, wr = 0;
  for (const l of o.luns) {
    iops += l.stats.readIops + l.stats.writeIops;
    rd += l.stats.readBps;
    wr += l.stats.writeBps;
  }
  document.getElementById("total-iops").textContent = count(iops);
  document.getElementById("total-read").textContent = rate(rd);
  document.getElementById("total-write").textContent = rate(wr);
  document.getElementById("total-sessions").textContent = String(o.sessions.length);
  const status = document.getElementById("status");
  status.className = "status";
  status.textContent = "updated " + new Date(o.time).toLocaleTimeString("en-GB")
      + (o.interval > 0 ? ", rates over " + o.interval.toFixed(1) + " s" : "");
}

async function poll() {
  try {
    const r = await fetch("api/overview", { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    show(await r.json());
  } catch (e) {
    const status = document.getElementById("status");
    status.className = "status error";
    status.textContent = "cannot reach jstgt: " + e.message;
  } finally {
    setTimeout(poll, 1000);
  }
}

poll();
