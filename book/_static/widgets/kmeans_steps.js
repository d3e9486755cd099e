/* Widget „kmeans-steps“: k-Means Schritt für Schritt (Kapitel 3.1, Kundensegmentierung).
 *
 * Die Leserin setzt Punkte (Klick/Tippen, Umschalt-Klick entfernt) oder wählt ein Beispiel,
 * wählt k und das Startverfahren und geht den Lloyd-Algorithmus in halben Schritten durch:
 * Zuordnen, Zentren verschieben. Gezeigt werden die Cluster, die Voronoi-Zellen der
 * Zentren, die Wege der Zentren und die Inertia nach jedem Schritt.
 * Rechnungen: lib/kmeans.js (window.KibuchKMeans), dieselben wie kibuch.scratch.kmeans.
 */
(function () {
  "use strict";

  var NAME = "kmeans-steps";
  var VIEW = [-6, 6, -6, 6];  // xmin, xmax, ymin, ymax
  var N_POINTS = 150;
  var MAX_POINTS = 1000;
  var STEP_MS = 450;  // Pause zwischen halben Schritten bei „Bis zur Konvergenz“
  // Okabe–Ito wie kibuch.viz.plotting.PALETTE; Schwarz ersetzt die Textfarbe (dunkler Modus)
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
    null];

  function de(x, digits) {
    var s = Math.abs(x).toFixed(digits);
    if (Number(s) === 0) x = 0;  // kein „−0,00“
    var parts = s.split(".");
    var int = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (x < 0 ? "−" : "") + int + (parts[1] ? "," + parts[1] : "");
  }

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
      font: cs.fontFamily || "sans-serif"
    };
  }

  function color(j, th) { return PALETTE[j] || th.text; }

  var uid = 0;

  function init(root) {
    var KM = window.KibuchKMeans;
    if (!KM) {
      root.textContent = "Das Widget braucht lib/kmeans.js.";
      return;
    }
    uid += 1;
    var id = "kibuch-km-" + uid;
    var reduceMotion = window.matchMedia &&
      window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    // ---- Bedienelemente ------------------------------------------------------------------
    var plot = el("canvas", { className: "kibuch-km-plot", "data-role": "plot", role: "img",
      "aria-label": "Streudiagramm der Punkte, gefärbt nach Cluster, mit Zentren und " +
        "Voronoi-Zellen" });
    var hint = el("p", { className: "kibuch-km-hint",
      text: "Klicken oder tippen Sie in die Fläche, um einen Punkt zu setzen; " +
        "Umschalt-Klick entfernt den nächstgelegenen." });

    var dataset = el("select", { id: id + "-data", "data-role": "dataset" });
    KM.DATASETS.forEach(function (d) {
      dataset.appendChild(el("option", { value: d.id, text: d.label }));
    });
    var btnRandom = el("button", { type: "button", "data-role": "random-points",
      text: "Zufällige Punkte" });
    var btnClear = el("button", { type: "button", "data-role": "clear",
      text: "Punkte löschen" });

    var kInput = el("input", { id: id + "-k", type: "range", min: "1", max: String(KM.MAX_K),
      step: "1", value: "3", "data-role": "k" });
    var kShow = el("output", { "for": id + "-k", className: "kibuch-km-kval", text: "3" });
    var initSel = el("select", { id: id + "-init", "data-role": "init" });
    initSel.appendChild(el("option", { value: "random", text: "Zufällige Datenpunkte" }));
    initSel.appendChild(el("option", { value: "k-means++", text: "k-means++" }));

    var btnAssign = el("button", { type: "button", "data-role": "assign", text: "Zuordnen" });
    var btnUpdate = el("button", { type: "button", "data-role": "update",
      text: "Zentren verschieben" });
    var btnStep = el("button", { type: "button", "data-role": "step", text: "Schritt",
      className: "kibuch-km-primary" });
    var btnRun = el("button", { type: "button", "data-role": "run",
      text: "Bis zur Konvergenz" });
    var btnRestart = el("button", { type: "button", "data-role": "restart",
      text: "Neu starten" });

    var inertiaOut = el("output", { className: "kibuch-km-inertia", "data-role": "inertia",
      "aria-live": "polite" });
    var curve = el("canvas", { className: "kibuch-km-curve", "data-role": "curve", role: "img",
      "aria-label": "Verlauf der Inertia über die Schritte" });
    var status = el("p", { className: "kibuch-km-status", "data-role": "status",
      "aria-live": "polite" });

    function field(labelText, forId, control, extra) {
      return el("div", { className: "kibuch-km-field" }, [
        el("label", { "for": forId, text: labelText })].concat([control], extra || []));
    }

    var side = el("div", { className: "kibuch-km-side" }, [
      el("div", { className: "kibuch-km-group" }, [
        field("Beispieldaten", id + "-data", dataset),
        el("div", { className: "kibuch-km-row" }, [btnRandom, btnClear])
      ]),
      el("div", { className: "kibuch-km-group" }, [
        field("Zahl der Cluster k", id + "-k", kInput, [kShow]),
        field("Startzentren", id + "-init", initSel)
      ]),
      el("div", { className: "kibuch-km-group kibuch-km-row kibuch-km-steps",
        role: "group", "aria-label": "Algorithmus steuern" },
      [btnAssign, btnUpdate, btnStep, btnRun, btnRestart]),
      el("div", { className: "kibuch-km-group" }, [inertiaOut, curve,
        el("p", { className: "kibuch-km-hint", text: "Inertia: Summe der quadrierten " +
          "Abstände aller Punkte zu ihrem Zentrum. Sie fällt bei jedem Schritt oder bleibt " +
          "gleich." }), status])
    ]);
    root.textContent = "";  // <noscript> und Platzhalter weg
    root.appendChild(el("div", { className: "kibuch-km" }, [
      el("div", { className: "kibuch-km-main" }, [plot, hint]), side]));

    // ---- Zustand ---------------------------------------------------------------------------
    var st = { X: [], dataSeed: 1, seed: 1, run: null, timer: null, message: "" };

    function k() { return Number(kInput.value); }

    function restart(newSeed) {
      stopRun();
      if (newSeed) st.seed += 1;
      st.run = null;
      if (st.X.length >= k()) {
        var centers = KM.initCenters(st.X, k(), initSel.value, KM.makeRng(st.seed));
        st.run = new KM.Run(st.X, centers, 100);
        st.message = "Startzentren: " + (initSel.value === "random" ?
          k() + " zufällig gewählte Datenpunkte." : "k-means++ (weit gestreut).") +
          " Nächster Schritt: Zuordnen.";
      } else {
        st.message = st.X.length ? "Für k = " + k() + " braucht es mindestens " + k() +
          " Punkte – setzen Sie weitere oder wählen Sie Beispieldaten." :
          "Keine Punkte: Klicken Sie in die Fläche oder wählen Sie „Zufällige Punkte“.";
      }
      render();
    }

    /** Punkte geändert: mit den bisherigen Zentren von vorn zuordnen. */
    function pointsChanged() {
      stopRun();
      if (st.run && st.X.length >= k()) {
        st.run = new KM.Run(st.X, st.run.centers, 100);
        st.message = "Punkte geändert: Die Zuordnung beginnt mit den aktuellen Zentren neu.";
        render();
      } else {
        restart(false);
      }
    }

    function newData() {
      st.dataSeed += 1;
      st.X = KM.makeDataset(dataset.value, N_POINTS, KM.makeRng(st.dataSeed));
      restart(false);
    }

    function describe(step) {
      var run = st.run;
      if (!step) return;
      if (step.kind === "assign") {
        if (run.converged) {
          st.message = "Konvergiert nach " + run.rounds + (run.rounds === 1 ? " Runde" :
            " Runden") + ": Die Zuordnung ändert sich nicht mehr.";
        } else if (run.steps.length === 1) {
          st.message = "Zuordnen: Jeder Punkt gehört jetzt zum nächstgelegenen Zentrum.";
        } else {
          st.message = "Zuordnen: " + step.changed + (step.changed === 1 ? " Punkt hat" :
            " Punkte haben") + " das Cluster gewechselt (umrandet).";
          if (run.finished()) st.message += " Abbruch nach " + run.rounds + " Runden.";
        }
      } else {
        st.message = "Verschieben: Jedes Zentrum liegt jetzt im Mittelwert seiner Punkte; " +
          "es ist um höchstens " + de(step.moved, 2) + " gewandert.";
      }
    }

    function doStep(kind) {
      if (!st.run) return null;
      var step = kind === "assign" ? st.run.assign() : kind === "update" ? st.run.update() :
        st.run.step();
      describe(step);
      render();
      return step;
    }

    function stopRun() {
      if (st.timer) {
        clearInterval(st.timer);
        st.timer = null;
      }
      btnRun.textContent = "Bis zur Konvergenz";
      btnRun.setAttribute("aria-pressed", "false");
    }

    function runToEnd() {
      if (st.timer) { stopRun(); render(); return; }
      if (!st.run || st.run.finished()) return;
      if (reduceMotion) {
        var last = null, s;
        while ((s = st.run.step())) last = s;
        describe(last);
        render();
        return;
      }
      btnRun.textContent = "Anhalten";
      btnRun.setAttribute("aria-pressed", "true");
      doStep("step");
      st.timer = setInterval(function () {
        if (!doStep("step") || st.run.finished()) { stopRun(); render(); }
      }, STEP_MS);
      render();
    }

    // ---- Zeichnen --------------------------------------------------------------------------
    function fitCanvas(canvas, cssW, cssH, setHeight) {
      var dpr = window.devicePixelRatio || 1;
      var w = Math.round(cssW * dpr), h = Math.round(cssH * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      if (setHeight) canvas.style.height = cssH + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      return ctx;
    }

    function drawPlot(th) {
      // quadratisch über aspect-ratio im CSS; Höhe nicht setzen, sonst zählt der Rand doppelt
      var W = plot.clientWidth || 460, H = plot.clientHeight || W;
      var ctx = fitCanvas(plot, W, H, false);
      var sx = W / (VIEW[1] - VIEW[0]), sy = H / (VIEW[3] - VIEW[2]);
      function px(p) { return [(p[0] - VIEW[0]) * sx, (VIEW[3] - p[1]) * sy]; }
      ctx.clearRect(0, 0, W, H);
      var run = st.run, labels = run && run.labels;

      if (run) {  // Voronoi-Zellen der aktuellen Zentren, leicht getönt
        var cells = KM.voronoiCells(run.centers, VIEW);
        cells.forEach(function (poly, j) {
          if (poly.length < 3) return;
          ctx.beginPath();
          poly.forEach(function (p, i) {
            var q = px(p);
            if (i) ctx.lineTo(q[0], q[1]); else ctx.moveTo(q[0], q[1]);
          });
          ctx.closePath();
          ctx.globalAlpha = th.dark ? 0.2 : 0.13;
          ctx.fillStyle = color(j, th);
          ctx.fill();
          ctx.globalAlpha = th.dark ? 0.45 : 0.35;
          ctx.strokeStyle = th.muted;
          ctx.lineWidth = 1;
          ctx.stroke();
        });
        ctx.globalAlpha = 1;
      }

      // Punkte; wer beim letzten Zuordnen das Cluster gewechselt hat, bekommt einen Ring
      var last = run && run.steps.length ? run.steps[run.steps.length - 1] : null;
      var prevLabels = null;
      if (last && last.kind === "assign" && run.steps.length > 2) {
        prevLabels = run.steps[run.steps.length - 2].labels;
      }
      var r = W < 360 ? 3 : 3.6;
      st.X.forEach(function (p, i) {
        var q = px(p);
        ctx.beginPath();
        ctx.arc(q[0], q[1], r, 0, 2 * Math.PI);
        ctx.fillStyle = labels ? color(labels[i], th) : th.muted;
        ctx.fill();
        ctx.lineWidth = 0.8;
        ctx.strokeStyle = th.bg;
        ctx.stroke();
        if (prevLabels && prevLabels[i] !== labels[i]) {
          ctx.beginPath();
          ctx.arc(q[0], q[1], r + 3, 0, 2 * Math.PI);
          ctx.lineWidth = 1.5;
          ctx.strokeStyle = th.text;
          ctx.stroke();
        }
      });

      if (!run) return;
      // Wege der Zentren: frühere Lagen als kleine Kreise, Pfeil zur aktuellen Lage
      run.trail.forEach(function (trail, j) {
        if (trail.length < 2) return;
        var pts = trail.map(px);
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = th.text;
        ctx.globalAlpha = 0.75;
        ctx.beginPath();
        pts.forEach(function (q, i) { if (i) ctx.lineTo(q[0], q[1]); else ctx.moveTo(q[0], q[1]); });
        ctx.stroke();
        ctx.setLineDash([]);
        pts.slice(0, -1).forEach(function (q) {  // frühere Lagen: kleine hohle Rauten
          ctx.beginPath();
          ctx.moveTo(q[0], q[1] - 5);
          ctx.lineTo(q[0] + 5, q[1]);
          ctx.lineTo(q[0], q[1] + 5);
          ctx.lineTo(q[0] - 5, q[1]);
          ctx.closePath();
          ctx.fillStyle = th.bg;
          ctx.fill();
          ctx.strokeStyle = color(j, th);
          ctx.lineWidth = 2;
          ctx.stroke();
        });
        var a = pts[pts.length - 2], b = pts[pts.length - 1];
        var len = Math.hypot(b[0] - a[0], b[1] - a[1]);
        if (len > 12) {  // Pfeilspitze kurz vor dem Zentrum
          var ux = (b[0] - a[0]) / len, uy = (b[1] - a[1]) / len;
          var tx = b[0] - ux * 10, ty = b[1] - uy * 10;
          ctx.beginPath();
          ctx.moveTo(tx, ty);
          ctx.lineTo(tx - ux * 8 - uy * 4.5, ty - uy * 8 + ux * 4.5);
          ctx.lineTo(tx - ux * 8 + uy * 4.5, ty - uy * 8 - ux * 4.5);
          ctx.closePath();
          ctx.fillStyle = th.text;
          ctx.fill();
        }
        ctx.globalAlpha = 1;
      });
      // Zentren: Raute in Clusterfarbe mit kräftigem Rand
      run.centers.forEach(function (c, j) {
        var q = px(c), s = W < 360 ? 7 : 8.5;
        ctx.beginPath();
        ctx.moveTo(q[0], q[1] - s);
        ctx.lineTo(q[0] + s, q[1]);
        ctx.lineTo(q[0], q[1] + s);
        ctx.lineTo(q[0] - s, q[1]);
        ctx.closePath();
        ctx.fillStyle = color(j, th);
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = th.text;
        ctx.stroke();
      });
    }

    function drawCurve(th) {
      var W = curve.clientWidth || 280, H = 120;
      var ctx = fitCanvas(curve, W, H, true);
      ctx.clearRect(0, 0, W, H);
      ctx.font = "11px " + th.font;
      var steps = st.run ? st.run.steps : [];
      var left = 44, right = 8, top = 16, bottom = 20;
      var w = W - left - right, h = H - top - bottom;
      var ymax = 0;
      steps.forEach(function (s) { ymax = Math.max(ymax, s.inertia); });
      ctx.fillStyle = th.muted;
      ctx.textBaseline = "alphabetic";
      ctx.textAlign = "left";
      ctx.fillText("Inertia nach jedem Schritt", left, 11);
      ctx.strokeStyle = th.border;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(left, top);
      ctx.lineTo(left, top + h);
      ctx.lineTo(left + w, top + h);
      ctx.stroke();
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText("0", left - 4, top + h);
      if (!steps.length) {
        ctx.textAlign = "center";
        ctx.fillText("noch kein Schritt", left + w / 2, top + h / 2);
        return;
      }
      ctx.fillText(de(ymax, ymax >= 100 ? 0 : 1), left - 4, top);
      var n = Math.max(steps.length, 6);
      function X(i) { return left + (i + 0.5) * w / n; }
      function Y(v) { return top + h - (ymax > 0 ? v / ymax : 0) * h; }
      ctx.strokeStyle = th.muted;
      ctx.beginPath();
      steps.forEach(function (s, i) {
        if (i) ctx.lineTo(X(i), Y(s.inertia)); else ctx.moveTo(X(i), Y(s.inertia));
      });
      ctx.stroke();
      steps.forEach(function (s, i) {
        ctx.beginPath();
        ctx.arc(X(i), Y(s.inertia), 3.2, 0, 2 * Math.PI);
        ctx.fillStyle = s.kind === "assign" ? th.text : th.bg;
        ctx.fill();
        ctx.strokeStyle = th.text;
        ctx.lineWidth = 1.4;
        ctx.stroke();
      });
      ctx.textAlign = "left";
      ctx.textBaseline = "alphabetic";
      ctx.fillStyle = th.muted;
      ctx.fillText("● Zuordnen   ○ Verschieben", left, H - 4);
    }

    function render() {
      var run = st.run, th = theme(root);
      kShow.textContent = kInput.value;
      var busy = !!st.timer;
      btnAssign.disabled = busy || !run || !run.canAssign();
      btnUpdate.disabled = busy || !run || !run.canUpdate();
      btnStep.disabled = busy || !run || run.finished();
      btnRun.disabled = !busy && (!run || run.finished());
      btnRestart.disabled = st.X.length < k();
      btnClear.disabled = !st.X.length;
      var last = run && run.steps.length ? run.steps[run.steps.length - 1] : null;
      if (!run) {
        inertiaOut.textContent = "Inertia: –";
      } else if (!last) {
        inertiaOut.textContent = "Inertia: – (noch nicht zugeordnet)";
      } else {
        inertiaOut.textContent = "Inertia: " + de(last.inertia, 2) + " (Runde " + last.round +
          ", nach dem " + (last.kind === "assign" ? "Zuordnen" : "Verschieben") + ")";
      }
      status.textContent = st.message;
      root.dataset.converged = run && run.converged ? "1" : "0";
      root.dataset.points = String(st.X.length);
      drawPlot(th);
      drawCurve(th);
    }

    // ---- Ereignisse ------------------------------------------------------------------------
    plot.addEventListener("click", function (ev) {
      var rect = plot.getBoundingClientRect();
      if (!rect.width) return;
      var x = VIEW[0] + (ev.clientX - rect.left) / rect.width * (VIEW[1] - VIEW[0]);
      var y = VIEW[3] - (ev.clientY - rect.top) / rect.height * (VIEW[3] - VIEW[2]);
      if (ev.shiftKey) {
        var best = -1, bd = Infinity;
        st.X.forEach(function (p, i) {
          var d = (p[0] - x) * (p[0] - x) + (p[1] - y) * (p[1] - y);
          if (d < bd) { bd = d; best = i; }
        });
        if (best < 0 || bd > 0.25) return;  // nur wenn nah genug (0,5 Einheiten)
        st.X = st.X.slice(0, best).concat(st.X.slice(best + 1));
      } else {
        if (st.X.length >= MAX_POINTS) return;
        st.X = st.X.concat([[x, y]]);
      }
      pointsChanged();
    });
    dataset.addEventListener("change", newData);
    btnRandom.addEventListener("click", newData);
    btnClear.addEventListener("click", function () { st.X = []; restart(false); });
    kInput.addEventListener("input", function () { restart(false); });
    initSel.addEventListener("change", function () { restart(false); });
    btnAssign.addEventListener("click", function () { doStep("assign"); });
    btnUpdate.addEventListener("click", function () { doStep("update"); });
    btnStep.addEventListener("click", function () { doStep("step"); });
    btnRun.addEventListener("click", runToEnd);
    btnRestart.addEventListener("click", function () { restart(true); });

    var lastWidth = 0;
    function onResize() {
      if (plot.clientWidth !== lastWidth) {
        lastWidth = plot.clientWidth;
        render();
      }
    }
    if (window.ResizeObserver) new ResizeObserver(onResize).observe(root);
    else window.addEventListener("resize", onResize);
    // Hell/dunkel umgeschaltet: neu zeichnen
    new MutationObserver(function () { render(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

    st.X = KM.makeDataset(dataset.value, N_POINTS, KM.makeRng(st.dataSeed));
    restart(false);
    root.dataset.ready = "1";
  }

  document.querySelectorAll('[data-kibuch-widget="' + NAME + '"]').forEach(init);
})();
