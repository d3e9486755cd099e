/* Widget „qlearning-grid“: Q-Learning in der Gitterwelt des Buchs (Kapitel 3.1).
 *
 * Die Leserin stellt Erkundungsrate ε, Diskontfaktor γ und Lernrate α ein und lässt den
 * Agenten laufen – Episode für Episode per Klick oder als Film mit wählbarem Tempo. Gezeigt
 * werden je Feld max_a Q(s, a) als Farbe und Zahl, die beste Aktion als Pfeil, der Weg der
 * aktuellen Episode und die Summe der Belohnungen je Episode als Kurve.
 * Rechnungen: lib/qlearning.js (window.KibuchQLearning), dieselben wie
 * kibuch.scratch.qlearning; die Welt ist GridWorld() aus dem Buch.
 */
(function () {
  "use strict";

  var NAME = "qlearning-grid";
  var MAX_STEPS = 100;  // wie QLearningConfig.max_steps
  var SEED = 0;
  var AVG = 20;  // gleitendes Mittel über so viele Episoden
  var SPEEDS = [
    { label: "langsam", perSec: 3 },
    { label: "mittel", perSec: 10 },
    { label: "schnell", perSec: 40 },
    { label: "sehr schnell", perSec: 250 },
    { label: "Zeitraffer", perSec: 5000 }
  ];
  var BLUE = [0, 114, 178], RED = [213, 94, 0];  // Okabe–Ito Blau und Zinnober

  function de(x, digits) {
    var s = Math.abs(x).toFixed(digits);
    if (Number(s) === 0) x = 0;  // kein „−0,00“
    var parts = s.split(".");
    var int = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (x < 0 ? "−" : "") + int + (parts[1] ? "," + parts[1] : "");
  }

  function signed(x, digits) { return (x > 0 ? "+" : "") + de(x, digits); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function parseColor(c) {
    var m = /^#([0-9a-f]{6})$/i.exec(c.trim());
    if (m) {
      var n = parseInt(m[1], 16);
      return [n >> 16, (n >> 8) & 255, n & 255];
    }
    m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [255, 255, 255];
  }

  function mix(a, b, t) {
    return "rgb(" + [0, 1, 2].map(function (i) {
      return Math.round(a[i] + (b[i] - a[i]) * t);
    }).join(",") + ")";
  }

  function theme(root) {
    var cs = getComputedStyle(root);
    function v(name, fallback) { return cs.getPropertyValue(name).trim() || fallback; }
    var dark = document.documentElement.dataset.theme === "dark";
    return {
      dark: dark,
      text: v("--pst-color-text-base", dark ? "#ced6dd" : "#222832"),
      muted: v("--pst-color-text-muted", dark ? "#9ca4af" : "#646a73"),
      bg: v("--pst-color-background", dark ? "#121212" : "#ffffff"),
      border: v("--pst-color-border", dark ? "#48566b" : "#d1d5da"),
      primary: v("--pst-color-primary", "#0072B2"),
      font: cs.fontFamily || "sans-serif"
    };
  }

  var uid = 0;

  function init(root) {
    var QL = window.KibuchQLearning;
    if (!QL) {
      root.textContent = "Das Widget braucht lib/qlearning.js.";
      return;
    }
    uid += 1;
    var id = "kibuch-ql-" + uid;
    var env = new QL.GridWorld();  // die Welt des Buchs: GridWorld() in Python

    // ---- Bedienelemente ------------------------------------------------------------------
    var grid = el("canvas", { className: "kibuch-ql-grid", "data-role": "grid", role: "img",
      "aria-label": "Gitterwelt: je Feld der größte Q-Wert als Farbe und Zahl, die beste " +
        "Aktion als Pfeil und der Weg des Agenten" });
    var legend = el("p", { className: "kibuch-ql-legend", text: "Farbe und Zahl: größter " +
      "Q-Wert des Felds (blau positiv, rot negativ). Pfeil: beste Aktion. Linie: Weg der " +
      "aktuellen Episode, Kreis: der Agent. S: Start." });
    var curve = el("canvas", { className: "kibuch-ql-curve", "data-role": "returns",
      role: "img", "aria-label": "Summe der Belohnungen je Episode" });

    function slider(key, label, min, max, step, value, hintText) {
      var input = el("input", { id: id + "-" + key, type: "range", min: String(min),
        max: String(max), step: String(step), value: String(value), "data-role": key });
      var out = el("output", { "for": id + "-" + key, className: "kibuch-ql-val" });
      var wrap = el("div", { className: "kibuch-ql-field" }, [
        el("label", { "for": id + "-" + key, text: label }), input, out]);
      if (hintText) wrap.appendChild(el("span", { className: "kibuch-ql-hint", text: hintText }));
      return { input: input, out: out, wrap: wrap };
    }

    var eps = slider("epsilon", "Erkundungsrate ε", 0, 1, 0.05, 0.1,
      "Anteil zufälliger Schritte");
    var gam = slider("gamma", "Diskontfaktor γ", 0, 1, 0.01, 0.9,
      "Gewicht künftiger Belohnungen");
    var alp = slider("alpha", "Lernrate α", 0.05, 1, 0.05, 0.5,
      "Wie stark ein Schritt Q verschiebt");
    var spd = slider("speed", "Tempo", 1, SPEEDS.length, 1, 2);

    var batch = el("select", { id: id + "-batch", "data-role": "batch" });
    [1, 10, 100, 500].forEach(function (n) {
      batch.appendChild(el("option", { value: String(n), text: String(n) }));
    });
    batch.value = "10";
    var btnBatch = el("button", { type: "button", "data-role": "run-batch",
      text: "Episoden ausführen", className: "kibuch-ql-primary" });
    var btnPlay = el("button", { type: "button", "data-role": "play", text: "▶ Abspielen",
      "aria-pressed": "false" });
    var btnReset = el("button", { type: "button", "data-role": "reset", text: "Zurücksetzen" });

    var summary = el("output", { className: "kibuch-ql-out", "data-role": "summary" });
    var qstart = el("output", { className: "kibuch-ql-out", "data-role": "qstart" });
    var greedy = el("output", { className: "kibuch-ql-out", "data-role": "greedy",
      "aria-live": "polite" });
    var vigap = el("output", { className: "kibuch-ql-out", "data-role": "vigap" });
    var table = el("table", { className: "kibuch-ql-table", "data-role": "qtable" });
    var details = el("details", { className: "kibuch-ql-details" }, [
      el("summary", { text: "Q-Tabelle als Zahlen" }), table]);

    var side = el("div", { className: "kibuch-ql-side" }, [
      el("div", { className: "kibuch-ql-group" }, [eps.wrap, gam.wrap, alp.wrap]),
      el("div", { className: "kibuch-ql-group" }, [
        el("div", { className: "kibuch-ql-field" }, [
          el("label", { "for": id + "-batch", text: "Episoden pro Klick" }), batch, btnBatch]),
        el("div", { className: "kibuch-ql-row" }, [btnPlay, btnReset]),
        spd.wrap
      ]),
      el("div", { className: "kibuch-ql-group kibuch-ql-outs", "aria-live": "polite" },
        [summary, qstart, greedy, vigap]),
      details
    ]);
    root.textContent = "";  // <noscript> und Platzhalter weg
    root.appendChild(el("div", { className: "kibuch-ql" }, [
      el("div", { className: "kibuch-ql-main" }, [grid, legend, curve]), side]));

    // ---- Zustand ---------------------------------------------------------------------------
    var st = { q: null, rand: null, ep: null, returns: [], playing: false, raf: 0, last: 0,
      acc: 0, star: {}, tableAt: 0 };

    function cfg() {
      return { alpha: Number(alp.input.value), gamma: Number(gam.input.value),
        epsilon: Number(eps.input.value), maxSteps: MAX_STEPS };
    }

    function reset() {
      pause();
      st.q = QL.zeros(env);
      st.rand = QL.makeRng(SEED);
      st.ep = null;
      st.returns = [];
      render(true);
    }

    /** Ein Schritt des Agenten; beginnt nach einem Ende eine neue Episode. */
    function stepAgent() {
      if (!st.ep || st.ep.done) st.ep = QL.startEpisode(env);
      var c = cfg();
      QL.episodeStep(env, st.q, st.ep, c, function (s, row) {
        return QL.epsilonGreedy(row, c.epsilon, st.rand);
      });
      if (st.ep.done) st.returns.push(st.ep.total);
    }

    function runEpisodes(n) {
      for (var i = 0; i < n; i++) {
        if (!st.ep || st.ep.done) st.ep = QL.startEpisode(env);
        while (!st.ep.done) stepAgent();
      }
    }

    function pause() {
      st.playing = false;
      if (st.raf) cancelAnimationFrame(st.raf);
      st.raf = 0;
      btnPlay.textContent = "▶ Abspielen";
      btnPlay.setAttribute("aria-pressed", "false");
    }

    function play() {
      st.playing = true;
      st.last = 0;
      st.acc = 1;  // der erste Schritt sofort
      btnPlay.textContent = "❚❚ Pause";
      btnPlay.setAttribute("aria-pressed", "true");
      st.raf = requestAnimationFrame(tick);
    }

    function tick(now) {
      if (!st.playing) return;
      var dt = st.last ? Math.min(now - st.last, 100) : 0;
      st.last = now;
      st.acc += dt / 1000 * SPEEDS[Number(spd.input.value) - 1].perSec;
      var n = Math.min(Math.floor(st.acc), 20000);
      st.acc -= n;
      for (var i = 0; i < n; i++) stepAgent();
      if (n) render(false);
      st.raf = requestAnimationFrame(tick);
    }

    // ---- Auswertung ------------------------------------------------------------------------
    function optimal(gamma) {
      var key = String(gamma);
      if (!st.star[key]) st.star[key] = QL.valueIteration(env, gamma);
      return st.star[key];
    }

    function goalName(cell) {
      var s = cell[0] * env.width + cell[1];
      if (!env.isTerminal(s)) return null;
      var r = env.reward[s], best = Math.max.apply(null, env.terminals.map(function (t) {
        return t[2];
      }));
      var text = signed(r, r === Math.round(r) ? 0 : 1);
      if (r < 0) return "in die Falle (" + text + ")";
      return (r === best ? "zum großen Schatz (" : "zum kleinen Schatz (") + text + ")";
    }

    function fillTable() {
      table.textContent = "";
      var head = el("tr", {}, [el("th", { scope: "col", text: "Feld (Zeile, Spalte)" })]
        .concat(QL.ACTION_ARROWS.map(function (a, i) {
          return el("th", { scope: "col", text: a, title: QL.ACTION_NAMES[i] });
        })));
      table.appendChild(el("thead", {}, [head]));
      var body = el("tbody");
      for (var s = 0; s < env.nStates; s++) {
        if (env.isTerminal(s) || env.isWall(s)) continue;
        var cell = env.cell(s), row = st.q[s], best = QL.bestActions(row);
        var tr = el("tr", {}, [el("th", { scope: "row", text: "(" + cell[0] + ", " + cell[1] +
          ")" + (s === env.startState ? " Start" : "") })]);
        for (var a = 0; a < env.nActions; a++) {
          tr.appendChild(el("td", { text: de(row[a], 3),
            className: best.length < env.nActions && best.indexOf(a) >= 0 ? "kibuch-ql-best" :
              "" }));
        }
        body.appendChild(tr);
      }
      table.appendChild(body);
    }

    // ---- Zeichnen --------------------------------------------------------------------------
    function fitCanvas(canvas, cssW, cssH) {
      var dpr = window.devicePixelRatio || 1;
      var w = Math.round(cssW * dpr), h = Math.round(cssH * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      canvas.style.height = cssH + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      return ctx;
    }

    function arrow(ctx, x, y, a, len, th) {
      var d = QL.ACTIONS[a], dx = d[1], dy = d[0];  // Spalte → x, Zeile → y
      var x1 = x + dx * len, y1 = y + dy * len, hw = len * 0.42;
      ctx.beginPath();
      ctx.moveTo(x + dx * len * 0.15, y + dy * len * 0.15);
      ctx.lineTo(x1 - dx * hw * 0.8, y1 - dy * hw * 0.8);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - dx * hw - dy * hw * 0.7, y1 - dy * hw - dx * hw * 0.7);
      ctx.lineTo(x1 - dx * hw + dy * hw * 0.7, y1 - dy * hw + dx * hw * 0.7);
      ctx.closePath();
      ctx.fill();
    }

    function drawGrid(th) {
      var W = grid.clientWidth || 450;
      var cs = Math.floor((W - 1) / env.width), H = cs * env.height + 1;  // +1: letzte Linie
      var ctx = fitCanvas(grid, W, H);
      var ox = Math.floor((W - cs * env.width) / 2);
      ctx.clearRect(0, 0, W, H);
      var bg = parseColor(th.bg), textRGB = parseColor(th.text);
      var big = Math.max(11, Math.round(cs * 0.2)), small = Math.max(10, Math.round(cs * 0.15));
      var ep = st.ep, s;
      function origin(state) {
        var rc = env.cell(state);
        return [ox + rc[1] * cs, rc[0] * cs];
      }
      function center(state) {
        var o = origin(state);
        // im Endfeld unten, damit die Belohnung lesbar bleibt
        return [o[0] + cs / 2, o[1] + cs * (env.isTerminal(state) ? 0.8 : 0.5)];
      }
      // 1. Flächen: Wände grau, Endfelder in ihrer Farbe, sonst max Q als Farbton
      var fgs = [];
      for (s = 0; s < env.nStates; s++) {
        var o = origin(s), fg = th.text;
        if (env.isWall(s)) {
          ctx.fillStyle = mix(bg, textRGB, 0.55);
        } else if (env.isTerminal(s)) {
          var r = env.reward[s];
          ctx.fillStyle = r < 0 ? "#D55E00" : r >= 1 ? "#009E73" : "#9FD8C5";
          fg = r >= 0 && r < 1 ? "#1d2b27" : "#ffffff";
        } else {
          var v = QL.rowMax(st.q[s]), tint = 0.12 + 0.78 * Math.min(1, Math.abs(v));
          ctx.fillStyle = v === 0 ? th.bg : mix(bg, v > 0 ? BLUE : RED, tint);
          if (v !== 0 && tint > 0.5) fg = "#ffffff";
        }
        ctx.fillRect(o[0], o[1], cs, cs);
        fgs.push(fg);
      }
      // 2. Gitterlinien
      ctx.strokeStyle = th.border;
      ctx.lineWidth = 1;
      for (var r2 = 0; r2 <= env.height; r2++) {
        ctx.beginPath();
        ctx.moveTo(ox, r2 * cs + 0.5);
        ctx.lineTo(ox + cs * env.width, r2 * cs + 0.5);
        ctx.stroke();
      }
      for (var c2 = 0; c2 <= env.width; c2++) {
        ctx.beginPath();
        ctx.moveTo(ox + c2 * cs + 0.5, 0);
        ctx.lineTo(ox + c2 * cs + 0.5, H);
        ctx.stroke();
      }
      // 3. Weg der aktuellen (oder zuletzt beendeten) Episode, unter den Beschriftungen
      if (ep) {
        var path = ep.path.slice(-300);  // lange Irrwege: nur die letzten Schritte
        ctx.strokeStyle = "#E69F00";
        ctx.globalAlpha = 0.8;
        ctx.lineWidth = Math.max(2.5, cs * 0.045);
        ctx.lineJoin = "round";
        ctx.beginPath();
        path.forEach(function (state, i) {
          var p = center(state);
          // kleiner Versatz je Schritt, damit Hin- und Rückwege getrennt sichtbar bleiben
          var j = ((i * 7) % 11 - 5) * cs * 0.012;
          if (i) ctx.lineTo(p[0] + j, p[1] + j); else ctx.moveTo(p[0] + j, p[1] + j);
        });
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
      // 4. Beschriftungen: Belohnung der Endfelder, beste Aktion(en), max Q, Start
      for (s = 0; s < env.nStates; s++) {
        if (env.isWall(s)) continue;
        var o2 = origin(s), cx = o2[0] + cs / 2, cy = o2[1] + cs / 2;
        ctx.fillStyle = fgs[s];
        ctx.strokeStyle = fgs[s];
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        if (env.isTerminal(s)) {
          var rw = env.reward[s];
          ctx.font = "bold " + Math.round(cs * 0.26) + "px " + th.font;
          ctx.fillText(signed(rw, rw === Math.round(rw) ? 0 : 1), cx, cy - cs * 0.05);
          continue;
        }
        var row = st.q[s], best = QL.bestActions(row);
        ctx.lineWidth = Math.max(2, cs * 0.035);
        if (best.length < env.nActions) {
          best.forEach(function (a) { arrow(ctx, cx, cy - cs * 0.06, a, cs * 0.28, th); });
        }
        ctx.font = small + "px " + th.font;
        ctx.fillText(de(QL.rowMax(row), 2), cx, o2[1] + cs - small * 0.85);
        if (s === env.startState) {
          ctx.font = "bold " + big + "px " + th.font;
          ctx.textAlign = "left";
          ctx.textBaseline = "top";
          ctx.fillText("S", o2[0] + 5, o2[1] + 4);
        }
      }
      // 5. Der Agent
      if (!ep) return;
      var p = center(ep.state);
      ctx.beginPath();
      ctx.arc(p[0], p[1], cs * 0.12, 0, 2 * Math.PI);
      ctx.fillStyle = "#E69F00";
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = th.dark ? "#000000" : "#222832";
      ctx.stroke();
    }

    function drawCurve(th) {
      var W = curve.clientWidth || 450, H = 140;
      var ctx = fitCanvas(curve, W, H);
      ctx.clearRect(0, 0, W, H);
      ctx.font = "11px " + th.font;
      var left = 30, right = 8, top = 18, bottom = 22, w = W - left - right, h = H - top - bottom;
      var R = st.returns, n = Math.max(R.length, 50);
      var lo = -1.1, hi = 1.1;
      function X(i) { return left + (i + 0.5) / n * w; }
      function Y(v) { return top + (hi - Math.max(lo, Math.min(hi, v))) / (hi - lo) * h; }
      ctx.fillStyle = th.muted;
      ctx.textAlign = "left";
      ctx.textBaseline = "alphabetic";
      ctx.fillText("Summe der Belohnungen je Episode", left, 12);
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.strokeStyle = th.border;
      ctx.lineWidth = 1;
      [-1, 0, 1].forEach(function (v) {
        ctx.beginPath();
        ctx.moveTo(left, Y(v) + 0.5);
        ctx.lineTo(left + w, Y(v) + 0.5);
        ctx.stroke();
        ctx.fillText(signed(v, 0), left - 4, Y(v));
      });
      ctx.textAlign = "left";
      ctx.textBaseline = "alphabetic";
      ctx.fillText(R.length ? "Episode 1 … " + R.length.toLocaleString("de-DE") +
        "   ·   Linie: Mittel über " + AVG : "noch keine Episode", left, H - 5);
      if (!R.length) return;
      ctx.fillStyle = th.muted;
      ctx.globalAlpha = R.length > 400 ? 0.35 : 0.6;
      var rdot = R.length > 400 ? 1.3 : 2.2, i;
      if (R.length <= 2 * w) {
        for (i = 0; i < R.length; i++) {
          ctx.beginPath();
          ctx.arc(X(i), Y(R[i]), rdot, 0, 2 * Math.PI);
          ctx.fill();
        }
      } else {  // viele Episoden: je Pixelspalte jeden vorkommenden Wert nur einmal
        var seen = {};
        for (i = 0; i < R.length; i++) {
          var key = Math.round(X(i)) + ":" + Math.round(Y(R[i]));
          if (seen[key]) continue;
          seen[key] = true;
          ctx.fillRect(Math.round(X(i)) - 1, Math.round(Y(R[i])) - 1, 2, 2);
        }
      }
      ctx.globalAlpha = 1;
      ctx.strokeStyle = th.primary;
      ctx.lineWidth = 2;
      ctx.beginPath();
      var sum = 0;
      for (i = 0; i < R.length; i++) {
        sum += R[i];
        if (i >= AVG) sum -= R[i - AVG];
        var m = sum / Math.min(i + 1, AVG);
        if (i) ctx.lineTo(X(i), Y(m)); else ctx.moveTo(X(i), Y(m));
      }
      ctx.stroke();
    }

    function render(full) {
      var th = theme(root), c = cfg();
      eps.out.textContent = de(c.epsilon, 2);
      gam.out.textContent = de(c.gamma, 2);
      alp.out.textContent = de(c.alpha, 2);
      spd.out.textContent = SPEEDS[Number(spd.input.value) - 1].label;
      var R = st.returns, n = R.length;
      var lastN = R.slice(-AVG), mean = lastN.reduce(function (a, b) { return a + b; }, 0) /
        (lastN.length || 1);
      summary.textContent = "Episoden: " + n.toLocaleString("de-DE") +
        (n ? " · letzte: " + signed(R[n - 1], 2) + " · Mittel der letzten " + lastN.length +
          ": " + signed(mean, 2) : "");
      var s0 = env.startState;
      qstart.textContent = "Wert des Starts, max_a Q(S, a): " + de(QL.rowMax(st.q[s0]), 3);
      var path = QL.greedyPath(env, st.q), goal = goalName(path[path.length - 1]);
      greedy.textContent = "Gieriger Weg vom Start: " + (goal ? goal + ", " + (path.length - 1) +
        " Schritte" : "erreicht kein Endfeld");
      var star = optimal(c.gamma), gap = 0;
      for (var s = 0; s < env.nStates; s++) {
        for (var a = 0; a < env.nActions; a++) {
          gap = Math.max(gap, Math.abs(st.q[s][a] - star[s][a]));
        }
      }
      vigap.textContent = "Größte Abweichung von den optimalen Q-Werten (Value Iteration, " +
        "γ = " + de(c.gamma, 2) + "): " + de(gap, 3);
      root.dataset.episodes = String(n);
      drawGrid(th);
      drawCurve(th);
      var now = Date.now();
      if (full || !st.playing || now - st.tableAt > 500) {
        if (details.open || full) fillTable();
        st.tableAt = now;
      }
    }

    // ---- Ereignisse ------------------------------------------------------------------------
    [eps, gam, alp, spd].forEach(function (sl) {
      sl.input.addEventListener("input", function () { render(false); });
    });
    btnBatch.addEventListener("click", function () {
      runEpisodes(Number(batch.value));
      render(true);
    });
    btnPlay.addEventListener("click", function () {
      if (st.playing) { pause(); render(true); } else play();
    });
    btnReset.addEventListener("click", reset);
    details.addEventListener("toggle", function () { if (details.open) fillTable(); });

    var lastWidth = 0;
    function onResize() {
      if (grid.clientWidth !== lastWidth) {
        lastWidth = grid.clientWidth;
        render(false);
      }
    }
    if (window.ResizeObserver) new ResizeObserver(onResize).observe(root);
    else window.addEventListener("resize", onResize);
    new MutationObserver(function () { render(false); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && st.playing) { pause(); render(true); }
    });

    reset();
    root.dataset.ready = "1";
  }

  document.querySelectorAll('[data-kibuch-widget="' + NAME + '"]').forEach(init);
})();
