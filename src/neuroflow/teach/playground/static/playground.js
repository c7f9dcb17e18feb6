// neuroflow playground: the page. Training runs in neuroflow on the server; this file draws
// the snapshots it streams over the websocket and sends the settings back. Plain JS + canvas.
"use strict";

const ORANGE = [245, 147, 34], BLUE = [8, 119, 189];
const FEATURE_FN = {
  "x1": (a, b) => a, "x2": (a, b) => b, "x1^2": (a, b) => a * a, "x2^2": (a, b) => b * b,
  "x1*x2": (a, b) => a * b, "sin(x1)": (a, b) => Math.sin(a), "sin(x2)": (a, b) => Math.sin(b),
};
const CHOICES = {
  learning_rate: [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  regularization_rate: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
};
const DATASET_NAMES = { xor4: "XOR (4 points)", xor: "XOR cloud", circle: "Circle",
  gaussians: "Two Gaussians", spirals: "Two spirals", fashion2: "Fashion-MNIST 2",
  fashion10: "Fashion-MNIST 10" };

const pg = { info: null, cfg: null, desc: null, last: null, history: [], playing: false,
             ws: null, errors: [], featureTiles: {} };
window.playground = pg;

const $ = (id) => document.getElementById(id);

function colour(u) {   // u in [-1, 1]: orange (negative) - white - blue (positive)
  const c = u < 0 ? ORANGE : BLUE, t = Math.min(1, Math.abs(u));
  return [255 + (c[0] - 255) * t, 255 + (c[1] - 255) * t, 255 + (c[2] - 255) * t];
}

function tileCanvas(codes, n) {   // uint8 codes (0..255 = -1..1) -> an n x n canvas
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  const ctx = canvas.getContext("2d"), image = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const rgb = colour(codes[i] / 127.5 - 1);
    image.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function decode(b64) {
  const raw = atob(b64), codes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) codes[i] = raw.charCodeAt(i);
  return codes;
}

function featureTile(name) {   // computed here, for used and unused features alike
  const n = pg.desc.grid, [low, high] = pg.desc.extent, values = new Float64Array(n * n);
  let top = 1e-9;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const x1 = low + (high - low) * c / (n - 1), x2 = high - (high - low) * r / (n - 1);
    const v = FEATURE_FN[name](x1, x2);
    values[r * n + c] = v; top = Math.max(top, Math.abs(v));
  }
  const codes = new Uint8Array(n * n);
  for (let i = 0; i < n * n; i++) codes[i] = Math.round((values[i] / top + 1) * 127.5);
  return tileCanvas(codes, n);
}

// ---- the network picture -------------------------------------------------------------------
function columns() {   // [{x, nodes: [{y, name}]}] for inputs, hidden layers and the output
  const d = pg.desc, canvas = $("net"), plane = d.plane;
  const inputs = plane ? pg.info.features : d.inputs;
  const sizes = [inputs.length, ...d.layers];
  const W = canvas.width, left = 78, right = W - 60, step = (right - left) / (sizes.length - 1);
  return sizes.map((n, l) => ({
    x: left + l * step,
    nodes: Array.from({ length: n }, (_, i) => ({ y: 46 + i * (plane ? 58 : 40),
      name: l === 0 ? inputs[i] : null })),
  }));
}

function drawNetwork() {
  const d = pg.desc, s = pg.last, canvas = $("net"), ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const cols = columns(), size = d.plane ? 40 : 20, used = new Set(d.config.features);
  const inputIndex = d.plane ? pg.info.features.filter((f) => used.has(f)) : d.inputs;
  if (s) {   // weights as lines: width = |w|, colour = sign
    for (let l = 0; l + 1 < cols.length; l++) {
      const kernel = s.weights[l][0];
      cols[l + 1].nodes.forEach((to, j) => {
        cols[l].nodes.forEach((from, i) => {
          if (l === 0 && !d.plane) return;   // 784 pixel weights: too many lines to draw
          const row = l === 0 ? inputIndex.indexOf(from.name) : i;
          if (row < 0 || !kernel[row]) return;
          const w = kernel[row][j], rgb = colour(Math.sign(w));
          ctx.strokeStyle = `rgba(${rgb[0]},${rgb[1]},${rgb[2]},0.8)`;
          ctx.lineWidth = Math.min(8, 0.4 + 2 * Math.abs(w));
          ctx.beginPath(); ctx.moveTo(cols[l].x, from.y);
          ctx.bezierCurveTo(cols[l].x + 40, from.y, cols[l + 1].x - 40, to.y, cols[l + 1].x, to.y);
          ctx.stroke();
        });
      });
    }
  }
  cols.forEach((col, l) => col.nodes.forEach((node, i) => {
    const x = col.x - size / 2, y = node.y - size / 2;
    let tile = null;
    if (d.plane && l === 0) tile = pg.featureTiles[node.name];
    else if (d.plane && s && s.neurons) tile = tileCanvas(decode(s.neurons[l][i]), d.grid);
    ctx.globalAlpha = l === 0 && d.plane && !used.has(node.name) ? 0.25 : 1;
    if (tile) { ctx.imageSmoothingEnabled = false; ctx.drawImage(tile, x, y, size, size); }
    else { ctx.fillStyle = "#ddd"; ctx.fillRect(x, y, size, size); }
    ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.strokeRect(x, y, size, size);
    ctx.globalAlpha = 1;
    if (l === 0) {
      ctx.fillStyle = "#333"; ctx.font = "12px sans-serif"; ctx.textAlign = "right";
      ctx.fillText(node.name, x - 4, node.y + 4);
    }
    if (s && l > 0) {   // the bias under each neuron
      const bias = s.weights[l - 1][1][i];
      ctx.fillStyle = "#888"; ctx.font = "9px sans-serif"; ctx.textAlign = "center";
      ctx.fillText("b " + bias.toFixed(2), col.x, node.y + size / 2 + 10);
    }
  }));
  ctx.fillStyle = "#666"; ctx.font = "11px sans-serif"; ctx.textAlign = "center";
  cols.forEach((col, l) => ctx.fillText(l === 0 ? "features" : l === cols.length - 1 ? "output"
    : `${d.layers[l - 1]} neurons`, col.x, 14));
  placeUnitButtons(cols);
}

function placeUnitButtons(cols) {
  const box = $("unit-buttons");
  box.innerHTML = "";
  pg.cfg.hidden.forEach((units, l) => {
    [["+", 1], ["\u2212", -1]].forEach(([text, delta], k) => {
      const b = document.createElement("button");
      b.textContent = text;
      b.style.left = `${cols[l + 1].x - 20 + 22 * k}px`; b.style.top = "18px";
      b.onclick = () => {
        const next = units + delta;
        if (next >= 1 && next <= pg.info.limits.max_units) { pg.cfg.hidden[l] = next; configure(); }
      };
      box.appendChild(b);
    });
  });
}

function clickFeature(event) {
  if (!pg.desc || !pg.desc.plane) return;
  const rect = $("net").getBoundingClientRect(), x = event.clientX - rect.left,
        y = event.clientY - rect.top, col = columns()[0];
  col.nodes.forEach((node) => {
    if (Math.abs(x - col.x) < 22 && Math.abs(y - node.y) < 22) {
      const f = new Set(pg.cfg.features);
      if (f.has(node.name)) f.delete(node.name); else f.add(node.name);
      if (f.size) { pg.cfg.features = pg.info.features.filter((n) => f.has(n)); configure(); }
    }
  });
}

// ---- the output: heat map with points, loss curves, gradient norms, dataflow graph ----------
function drawHeatmap() {
  const d = pg.desc, s = pg.last, canvas = $("heatmap"), ctx = canvas.getContext("2d");
  const W = canvas.width;
  ctx.clearRect(0, 0, W, W);
  if (!d.plane) {
    ctx.fillStyle = "#666"; ctx.font = "13px sans-serif"; ctx.textAlign = "center";
    ctx.fillText("image data: no plane to draw;", W / 2, W / 2 - 10);
    ctx.fillText("watch the losses, weights and gradients", W / 2, W / 2 + 10);
    return;
  }
  if (s && s.neurons) {
    const out = s.neurons[s.neurons.length - 1][0];
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = 0.6;   // lighter than the points, so they stand out on their own colour
    ctx.drawImage(tileCanvas(decode(out), d.grid), 0, 0, W, W);
    ctx.globalAlpha = 1;
  }
  const [low, high] = d.extent, px = (v) => (v - low) / (high - low) * W;
  const dot = (p, label, edge) => {
    const rgb = label ? BLUE : ORANGE;
    ctx.fillStyle = `rgb(${rgb})`; ctx.strokeStyle = edge; ctx.lineWidth = 0.8;
    ctx.beginPath(); ctx.arc(px(p[0]), W - px(p[1]), d.train_points.length < 10 ? 8 : 3.6, 0,
      2 * Math.PI); ctx.fill(); ctx.stroke();
  };
  d.train_points.forEach((p, i) => dot(p, d.train_labels[i], "white"));
  d.test_points.forEach((p, i) => dot(p, d.test_labels[i], "black"));
  ctx.strokeStyle = "#999"; ctx.strokeRect(0, 0, W, W);
}

function drawCurves() {
  const canvas = $("curves"), ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const h = pg.history;
  if (h.length < 2) return;
  const top = Math.max(...h.map((p) => Math.max(p.train, p.test)), 1e-6), last = h[h.length - 1].step;
  [["train", "#999"], ["test", "#222"]].forEach(([key, stroke]) => {
    ctx.strokeStyle = stroke; ctx.lineWidth = 1.5; ctx.beginPath();
    h.forEach((p, i) => {
      const x = p.step / Math.max(1, last) * (W - 4) + 2, y = H - 12 - p[key] / top * (H - 16);
      if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    });
    ctx.stroke();
  });
  ctx.fillStyle = "#666"; ctx.font = "10px sans-serif"; ctx.textAlign = "left";
  ctx.fillText("loss: test (black), training (grey); steps \u2192", 2, H - 1);
}

function drawGradients() {
  const canvas = $("gradients"), ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  if (!pg.last) return;
  const norms = pg.last.grad_norms, n = norms.length, lo = -6, hi = 1;
  const bar = (W - 10) / n;
  norms.forEach((g, l) => {
    const v = Math.max(lo, Math.min(hi, Math.log10(Math.max(g, 1e-12))));
    const h = (v - lo) / (hi - lo) * (H - 26);
    ctx.fillStyle = l === n - 1 ? "#f59322" : "#0877bd";
    ctx.fillRect(5 + l * bar + 3, H - 14 - h, bar - 6, h);
    ctx.fillStyle = "#555"; ctx.font = "9px sans-serif"; ctx.textAlign = "center";
    ctx.fillText(l === n - 1 ? "out" : `h${l + 1}`, 5 + l * bar + bar / 2, H - 3);
    ctx.fillText(g.toExponential(0), 5 + l * bar + bar / 2, H - 16 - h);
  });
}

function drawGraph() {
  const g = pg.desc.graph, canvas = $("graph"), ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const xs = g.nodes.map((n) => n.x), ys = g.nodes.map((n) => n.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const X = (x) => 18 + (x - x0) / Math.max(1, x1 - x0) * (W - 36);
  const Y = (y) => 20 + (y - y0) / Math.max(1, y1 - y0) * (H - 40);
  ctx.strokeStyle = "#888"; ctx.lineWidth = 1;
  g.edges.forEach(([a, b]) => {
    ctx.beginPath(); ctx.moveTo(X(g.nodes[a].x), Y(g.nodes[a].y));
    ctx.lineTo(X(g.nodes[b].x), Y(g.nodes[b].y)); ctx.stroke();
  });
  const fill = { ellipse: "#d5e8d4", box: "#dae8fc", circle: "#fff2cc", plaintext: "#fff" };
  g.nodes.forEach((n) => {
    const x = X(n.x), y = Y(n.y);
    ctx.fillStyle = fill[n.kind] || "#eee"; ctx.strokeStyle = "#555";
    ctx.beginPath();
    if (n.kind === "box") ctx.rect(x - 13, y - 7, 26, 14); else ctx.arc(x, y, 8, 0, 2 * Math.PI);
    ctx.fill(); ctx.stroke();
    ctx.fillStyle = "#222"; ctx.font = "8px sans-serif"; ctx.textAlign = "center";
    ctx.fillText(n.label.slice(0, 7), x, y + 3);
  });
}

function drawAll() {
  if (!pg.desc) return;
  drawNetwork(); drawHeatmap(); drawCurves(); drawGradients();
}

// ---- messages ---------------------------------------------------------------------------------
function onReady(desc) {
  pg.desc = desc; pg.cfg = JSON.parse(JSON.stringify(desc.config)); pg.history = [];
  pg.last = null; pg.featureTiles = {};
  if (desc.plane) pg.info.features.forEach((f) => { pg.featureTiles[f] = featureTile(f); });
  syncControls(); drawGraph(); drawAll();
}

function onSnapshot(s) {
  pg.last = s;
  const h = pg.history;
  if (!h.length || h[h.length - 1].step !== s.step) h.push({ step: s.step, train: s.train_loss, test: s.test_loss });
  if (h.length > 2000) pg.history = h.filter((_, i) => i % 2 === 0);
  $("epoch").textContent = s.epoch.toFixed(1);
  $("stepcount").textContent = s.step;
  $("test_loss").textContent = s.test_loss.toFixed(3);
  $("train_loss").textContent = s.train_loss.toFixed(3);
  $("test_accuracy").textContent = (100 * s.test_accuracy).toFixed(1) + "%";
  drawAll();
}

function send(message) { if (pg.ws && pg.ws.readyState === 1) pg.ws.send(JSON.stringify(message)); }
pg.send = send;

function configure() { setPlaying(false); send({ type: "config", config: pg.cfg }); }

function setPlaying(on) {
  pg.playing = on;
  $("play").innerHTML = on ? "&#x275a;&#x275a;" : "&#x25b6;";
}

function status(text) { $("status").textContent = text; }

function connect() {
  const ws = new WebSocket(`ws://${location.host}/ws`);
  pg.ws = ws;
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === "ready") { status(""); onReady(m); }
    else if (m.type === "snapshot") onSnapshot(m);
    else if (m.type === "code") showCode(m.code);
    else if (m.type === "error") { pg.errors.push(m.message); status(m.message); setPlaying(false); }
  };
  ws.onclose = () => status("disconnected from the server: reload the page");
}

// ---- controls ----------------------------------------------------------------------------------
function fillSelect(id, values, label) {
  $(id).innerHTML = values.map((v) => `<option value="${v}">${label ? label(v) : v}</option>`).join("");
  $(id).onchange = () => {
    const v = $(id).value;
    pg.cfg[id] = typeof pg.info.defaults[id] === "number" ? Number(v) : v;
    configure();
  };
}

function slider(id, toCfg, fromCfg, show) {
  $(id).oninput = () => { $(id + "_v").textContent = show($(id).value); };
  $(id).onchange = () => { pg.cfg[id] = toCfg(Number($(id).value)); configure(); };
  $(id)._from = fromCfg; $(id)._show = show;
}

function syncControls() {
  const c = pg.cfg;
  ["optimizer", "learning_rate", "activation", "regularization", "regularization_rate"]
    .forEach((id) => { $(id).value = String(c[id]); });
  ["train_fraction", "noise", "batch_size", "samples"].forEach((id) => {
    $(id).value = $(id)._from(c[id]); $(id + "_v").textContent = $(id)._show($(id).value);
  });
  document.querySelectorAll("#datasets button").forEach((b) => {
    b.classList.toggle("selected", b.dataset.name === c.dataset);
  });
  $("layer-count").textContent = c.hidden.length;
}

function showCode(code) { $("code").textContent = code; $("code-modal").hidden = false; }

async function init() {
  pg.info = await (await fetch("/api/info")).json();
  pg.cfg = JSON.parse(JSON.stringify(pg.info.defaults));
  fillSelect("optimizer", pg.info.optimizers);
  fillSelect("activation", pg.info.activations, (v) => (v === "relu" ? "ReLU" : v[0].toUpperCase() + v.slice(1)));
  fillSelect("regularization", pg.info.regularizers, (v) => (v === "none" ? "None" : v));
  fillSelect("learning_rate", CHOICES.learning_rate);
  fillSelect("regularization_rate", CHOICES.regularization_rate);
  slider("train_fraction", (v) => v / 100, (f) => Math.round(f * 100), (v) => v);
  slider("noise", (v) => v / 100, (f) => Math.round(f * 100), (v) => v);
  slider("batch_size", (v) => v, (v) => v, (v) => v);
  slider("samples", (v) => v, (v) => v, (v) => v);
  $("datasets").innerHTML = pg.info.datasets.map((n) =>
    `<button data-name="${n}">${DATASET_NAMES[n] || n}</button>`).join("");
  document.querySelectorAll("#datasets button").forEach((b) => {
    b.onclick = () => { pg.cfg.dataset = b.dataset.name; configure(); };
  });
  $("play").onclick = () => { setPlaying(!pg.playing); send({ type: pg.playing ? "play" : "pause" }); };
  $("step").onclick = () => { setPlaying(false); send({ type: "step", n: 1 }); };
  $("reset").onclick = () => { setPlaying(false); send({ type: "reset" }); };
  $("regenerate").onclick = () => { pg.cfg.seed = (pg.cfg.seed + 1) % 1000; configure(); };
  $("add-layer").onclick = () => {
    if (pg.cfg.hidden.length < pg.info.limits.max_layers) { pg.cfg.hidden.push(2); configure(); }
  };
  $("remove-layer").onclick = () => {
    if (pg.cfg.hidden.length > 1) { pg.cfg.hidden.pop(); configure(); }
  };
  $("net").onclick = clickFeature;
  $("show-code").onclick = () => send({ type: "code" });
  $("close-code").onclick = () => { $("code-modal").hidden = true; };
  $("copy-code").onclick = () => navigator.clipboard.writeText($("code").textContent);
  connect();
}

init();
