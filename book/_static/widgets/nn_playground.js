/* NN-Playground (Kapitel 3.2): ein kleines MLP lernt live im Browser, zweidimensionale
 * Punkte in zwei Klassen zu trennen – wie der TensorFlow Playground, aber mit der
 * Mathematik des Buchs (KibuchMLP = kibuch.scratch.mlp_numpy.NumpyMLP, Daten wie
 * kibuch.data.synthetic.toy2d, Versuchsaufbau wie kibuch.chapters.ch03_2_playground).
 * Braucht lib/mlp.js; ohne Netz, auch von file://. */
(function () {
  "use strict";

  var NAME = "nn-playground";
  var N_POINTS = 500; // Trainings- plus Testpunkte
  var RES = 50; // Gitterpunkte je Achse für die Entscheidungsfläche
  var LIMIT = 6; // Gitter über [−6, 6]², wie run_playground
  var MAX_LAYERS = 4, MAX_NEURONS = 8;
  var HIST_CAP = 1500; // so viele Kurvenpunkte, dann wird ausgedünnt
  var FRAME_BUDGET_MS = 14; // Rechenzeit je Bild, damit die Seite flüssig bleibt
  var BLUE = [0, 114, 178], ORANGE = [230, 159, 0]; // Klasse 1 / Klasse 0 (wie im Buch)
  var TRAIN_COLOR = "#009E73", TEST_COLOR = "#CC79A7";

  var DATASETS = [["kreise", "Kreise"], ["xor", "XOR"], ["gauss", "Gauß"], ["spirale", "Spirale"]];
  var FEATURES = [["x1", "x₁"], ["x2", "x₂"], ["x1^2", "x₁²"], ["x2^2", "x₂²"],
                  ["x1*x2", "x₁·x₂"], ["sin(x1)", "sin x₁"], ["sin(x2)", "sin x₂"]];
  var ACTIVATIONS = [["relu", "ReLU"], ["tanh", "tanh"], ["sigmoid", "Sigmoid"], ["identity", "linear"]];
  var LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  var SPEEDS = [[1, "langsam"], [3, "mittel"], [10, "schnell"]];
  var uid = 0;

  function de(x, digits) {
    if (!Number.isFinite(x)) return "–";
    return x.toFixed(digits).replace(".", ",");
  }

  function deLoss(x) { // Verlust: drei Nachkommastellen, sehr kleine Werte mit zwei gültigen Ziffern
    if (Number.isFinite(x) && x > 0 && x < 0.01) return x.toPrecision(2).replace(".", ",");
    return de(x, 3);
  }

  function deNum(x) { return String(x).replace(".", ","); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "className") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  /* Beschriftetes Steuerelement: <div><label for=…>Text</label> control [Wert]</div> */
  function field(labelText, control, valueEl) {
    var id = control.id || (control.id = "nnpg-" + (++uid));
    return el("div", { className: "nnpg-field" },
      [el("label", { "for": id, text: labelText }), control, valueEl]);
  }

  function select(role, options, value) {
    var s = el("select", { "data-role": role });
    options.forEach(function (o) {
      var opt = el("option", { value: String(o[0]), text: o[1] });
      if (String(o[0]) === String(value)) opt.selected = true;
      s.appendChild(opt);
    });
    return s;
  }

  /* kleine Symbole als SVG (nicht jede Schrift hat ⏸ und ⏭) */
  var ICONS = {
    play: "M4 2.5v11l9-5.5z",
    pause: "M4 2.5h3v11H4zM9 2.5h3v11H9z",
    step: "M3 2.5v11l7-5.5zM11 2.5h2.5v11H11z",
    reset: "S M13 8.5a5 5 0 1 1-1.6-3.9 M12.2 1.8v3.2H9", // S: gezogene Linie statt Fläche
  };

  function button(role, text, tip, path, primary) { // Name = sichtbarer Text, dazu ein Hinweis
    var b = el("button", { type: "button", "data-role": role, title: tip,
                           className: "nnpg-btn" + (primary ? " nnpg-primary" : "") });
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "nnpg-icon");
    var p = document.createElementNS("http://www.w3.org/2000/svg", "path");
    if (path.slice(0, 2) === "S ") {
      path = path.slice(2);
      p.setAttribute("fill", "none");
      p.setAttribute("stroke", "currentColor");
      p.setAttribute("stroke-width", "1.8");
      p.setAttribute("stroke-linecap", "round");
      p.setAttribute("stroke-linejoin", "round");
    }
    p.setAttribute("d", path);
    svg.appendChild(p);
    b.appendChild(svg);
    b.appendChild(document.createTextNode(text));
    return b;
  }

  function niceStep(range, target, integer) {
    var raw = range / Math.max(1, target), mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = integer && mag >= 1 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
    if (integer && raw <= 1) return 1;
    for (var i = 0; i < steps.length; i++) if (steps[i] * mag >= raw) return steps[i] * mag;
    return 10 * mag;
  }

  function init(root) {
    var M = window.KibuchMLP;
    if (!M) {
      root.textContent = "Das Skript lib/mlp.js fehlt – der Playground kann nicht starten.";
      return;
    }
    root.classList.add("nnpg");
    root.textContent = "";

    /* ---------- Zustand ---------- */
    var st = {
      dataset: "kreise", noise: 0, trainFrac: 0.5, features: ["x1", "x2"],
      nLayers: 2, neurons: [4, 2, 4, 4], activation: "tanh", lr: 0.03, batch: 10,
      speed: 3, showTest: false, seed: 0,
    };
    var run = {
      running: false, epoch: 0, model: null, rng: null, diverged: false, raf: 0,
      data: null, grid: null, surface: new Float64Array(RES * RES),
      hist: null, last: null,
    };

    /* ---------- Oberfläche ---------- */
    var btnPlay = button("play", "Start", "Training starten", ICONS.play, true);
    var btnPause = button("pause", "Pause", "Training anhalten", ICONS.pause);
    var btnStep = button("step", "1 Epoche", "Eine Epoche trainieren", ICONS.step);
    var btnReset = button("reset", "Zurücksetzen", "Neue Anfangsgewichte, Epoche 0", ICONS.reset);
    var outEpoch = el("span", { "data-role": "epoch" });
    var outTrain = el("span", { "data-role": "train-loss" });
    var outTest = el("span", { "data-role": "test-loss" });
    var outAcc = el("span", { "data-role": "test-acc" });
    var outMsg = el("span", { "data-role": "message", className: "nnpg-msg" });
    var status = el("output", { "data-role": "status", className: "nnpg-status", "aria-live": "off" },
      [el("span", { className: "nnpg-stat" }, [el("span", { text: "Epoche " }), outEpoch]),
       el("span", { className: "nnpg-stat" }, [el("span", { text: "Trainingsverlust " }), outTrain]),
       el("span", { className: "nnpg-stat" }, [el("span", { text: "Testverlust " }), outTest]),
       el("span", { className: "nnpg-stat" }, [el("span", { text: "Testgenauigkeit " }), outAcc]),
       outMsg]);
    var bar = el("div", { className: "nnpg-bar" },
      [el("div", { className: "nnpg-buttons", role: "group", "aria-label": "Training" },
        [btnPlay, btnPause, btnStep, btnReset]), status]);

    // Daten
    var selData = select("dataset", DATASETS, st.dataset);
    var rngNoise = el("input", { type: "range", min: "0", max: "1", step: "0.05", value: "0", "data-role": "noise" });
    var valNoise = el("span", { className: "nnpg-val", "aria-hidden": "true" });
    var rngSplit = el("input", { type: "range", min: "10", max: "90", step: "10", value: "50", "data-role": "split" });
    var valSplit = el("span", { className: "nnpg-val", "aria-hidden": "true" });
    var chkTest = el("input", { type: "checkbox", "data-role": "show-test" });
    chkTest.checked = st.showTest;
    var testId = chkTest.id = "nnpg-" + (++uid);
    var fsData = el("fieldset", { className: "nnpg-group" }, [
      el("legend", { text: "Daten" }),
      field("Datensatz", selData),
      field("Rauschen", rngNoise, valNoise),
      field("Trainingsanteil", rngSplit, valSplit),
      el("div", { className: "nnpg-field nnpg-check" }, [chkTest, el("label", { "for": testId, text: "Testpunkte zeigen" })]),
    ]);

    // Merkmale
    var featBoxes = FEATURES.map(function (f) {
      var box = el("input", { type: "checkbox", "data-role": "feature", "data-feature": f[0] });
      box.checked = st.features.indexOf(f[0]) >= 0;
      box.id = "nnpg-" + (++uid);
      return box;
    });
    var fsFeat = el("fieldset", { className: "nnpg-group" }, [el("legend", { text: "Merkmale" }),
      el("div", { className: "nnpg-chips" }, featBoxes.map(function (box, i) {
        return el("span", { className: "nnpg-chip" }, [box, el("label", { "for": box.id, text: FEATURES[i][1] })]);
      }))]);

    // Netz
    var numLayers = el("input", { type: "number", min: "0", max: String(MAX_LAYERS), step: "1",
                                  value: String(st.nLayers), "data-role": "layers", inputmode: "numeric" });
    var neuronInputs = [], neuronFields = [];
    for (var l = 0; l < MAX_LAYERS; l++) {
      var inp = el("input", { type: "number", min: "1", max: String(MAX_NEURONS), step: "1",
                              value: String(st.neurons[l]), "data-role": "neurons", "data-layer": String(l + 1),
                              inputmode: "numeric", "aria-label": "Neuronen in verdeckter Schicht " + (l + 1) });
      inp.id = "nnpg-" + (++uid);
      neuronInputs.push(inp);
      neuronFields.push(el("span", { className: "nnpg-neuron" }, [el("label", { "for": inp.id, text: String(l + 1) + ":", "aria-hidden": "true" }), inp]));
    }
    var neuronRow = el("div", { className: "nnpg-field nnpg-neurons" },
      [el("span", { className: "nnpg-lab", text: "Neuronen je Schicht" }),
       el("span", { className: "nnpg-neuron-list" }, neuronFields)]);
    var selAct = select("activation", ACTIVATIONS, st.activation);
    var fsNet = el("fieldset", { className: "nnpg-group" }, [el("legend", { text: "Netz" }),
      field("Verdeckte Schichten", numLayers), neuronRow, field("Aktivierung", selAct)]);

    // Training
    var selLr = select("lr", LRS.map(function (v) { return [v, deNum(v)]; }), st.lr);
    var rngBatch = el("input", { type: "range", min: "1", max: "50", step: "1", value: String(st.batch), "data-role": "batch" });
    var valBatch = el("span", { className: "nnpg-val", "aria-hidden": "true" });
    var selSpeed = select("speed", SPEEDS.map(function (s) { return [s[0], s[0] + " – " + s[1]]; }), st.speed);
    var fsTrain = el("fieldset", { className: "nnpg-group" }, [el("legend", { text: "Training" }),
      field("Lernrate η", selLr), field("Batchgröße", rngBatch, valBatch), field("Epochen je Bild", selSpeed)]);

    var controls = el("div", { className: "nnpg-controls" }, [fsData, fsFeat, fsNet, fsTrain]);

    // Abbildungen
    var cvSurface = el("canvas", { "data-role": "surface", role: "img", className: "nnpg-canvas nnpg-square",
      "aria-label": "Entscheidungsfläche: Wahrscheinlichkeit für Blau an jedem Ort der Ebene, dazu die Datenpunkte" });
    var cvCurves = el("canvas", { "data-role": "curves", role: "img", className: "nnpg-canvas nnpg-curves",
      "aria-label": "Trainings- und Testverlust je Epoche" });
    function swatch(cls) { return el("span", { className: "nnpg-swatch " + cls, "aria-hidden": "true" }); }
    var legendSurface = el("figcaption", { className: "nnpg-legend" }, [
      el("span", {}, [swatch("nnpg-sw-blue"), document.createTextNode("Klasse 1 (blau)")]),
      el("span", {}, [swatch("nnpg-sw-orange"), document.createTextNode("Klasse 0 (orange)")]),
      el("span", {}, [swatch("nnpg-sw-test"), document.createTextNode("Testpunkt")]),
      el("span", { className: "nnpg-legend-note", text: "Fläche: P(blau), weiß = 50 : 50" }),
    ]);
    var legendCurves = el("figcaption", { className: "nnpg-legend" }, [
      el("span", {}, [swatch("nnpg-sw-train-line"), document.createTextNode("Training")]),
      el("span", {}, [swatch("nnpg-sw-test-line"), document.createTextNode("Test")]),
      el("span", { className: "nnpg-legend-note", text: "Kreuzentropie je Epoche; ln 2 = Raten" }),
    ]);
    var plots = el("div", { className: "nnpg-plots" }, [
      el("figure", { className: "nnpg-fig" }, [cvSurface, legendSurface]),
      el("figure", { className: "nnpg-fig" }, [cvCurves, legendCurves]),
    ]);
    var arch = el("p", { className: "nnpg-arch", "data-role": "arch" });

    root.appendChild(bar);
    root.appendChild(plots);
    root.appendChild(arch);
    root.appendChild(controls);

    /* ---------- Daten, Modell, Training ---------- */

    function hidden() { return st.neurons.slice(0, st.nLayers); }

    function makeData() {
      var nTrain = Math.round(N_POINTS * st.trainFrac), nTest = N_POINTS - nTrain;
      // wie run_playground: eigene Stichproben für Training (Seed 0) und Test (Seed 10 000)
      var tr = M.toy2d.make(st.dataset, nTrain, st.noise, 0);
      var te = M.toy2d.make(st.dataset, nTest, st.noise, 10000);
      var d = st.features.length, Ftr = M.toy2d.addFeatures(tr.X, nTrain, st.features);
      var scale = new Float64Array(d), i, j;
      for (i = 0; i < nTrain; i++) for (j = 0; j < d; j++) scale[j] = Math.max(scale[j], Math.abs(Ftr[i * d + j]));
      for (j = 0; j < d; j++) scale[j] += 1e-12; // je Spalte auf etwa [−1, 1]
      function scaled(F) { for (var q = 0; q < F.length; q++) F[q] /= scale[q % d]; return F; }
      var g = M.toy2d.grid(RES, LIMIT);
      run.data = { tr: tr, te: te, nTrain: nTrain, nTest: nTest, Ftr: scaled(Ftr),
                   Fte: scaled(M.toy2d.addFeatures(te.X, nTest, st.features)) };
      run.grid = { xs: g.xs, F: scaled(M.toy2d.addFeatures(g.X, RES * RES, st.features)) };
    }

    function evaluate() {
      var m = run.model, d = run.data;
      var trainLoss = M.loss(m, d.Ftr, d.tr.y, d.nTrain);
      var testLoss = M.loss(m, d.Fte, d.te.y, d.nTest);
      return { train: trainLoss, test: testLoss };
    }

    function accuracy() {
      var d = run.data, p = M.predictProba(run.model, d.Fte, d.nTest), hits = 0;
      for (var i = 0; i < d.nTest; i++) if ((p[2 * i + 1] > p[2 * i] ? 1 : 0) === d.te.y[i]) hits++;
      return hits / d.nTest;
    }

    function resetModel() {
      run.model = M.create({ sizes: [st.features.length].concat(hidden(), [2]),
                             activation: st.activation, head: "softmax", seed: st.seed });
      run.rng = M.makeRng(st.seed + 1); // Reihenfolge der Mini-Batches
      run.epoch = 0;
      run.diverged = false;
      var e = evaluate();
      run.hist = { start: e, train: [], test: [], step: 1 };
      run.last = e;
      outMsg.textContent = "";
    }

    function record(e) {
      var h = run.hist;
      if (run.epoch % h.step !== 0) return;
      h.train.push(e.train);
      h.test.push(e.test);
      if (h.train.length >= 2 * HIST_CAP) { // ausdünnen: jeden zweiten Punkt behalten
        h.train = h.train.filter(function (v, i) { return i % 2 === 1; });
        h.test = h.test.filter(function (v, i) { return i % 2 === 1; });
        h.step *= 2;
      }
    }

    function trainEpoch() {
      var d = run.data;
      M.trainEpoch(run.model, d.Ftr, d.tr.y, d.nTrain, { lr: st.lr, batchSize: st.batch, rng: run.rng });
      run.epoch++;
      var e = evaluate();
      run.last = e;
      record(e);
      if (!Number.isFinite(e.train) || !Number.isFinite(e.test)) {
        run.diverged = true;
        pause();
        outMsg.textContent = "Das Training ist entgleist: Die Gewichte sind übergelaufen. Kleinere Lernrate wählen und neu starten.";
      }
    }

    /* ---------- Zeichnen ---------- */
    var theme = null;

    function readTheme() {
      var cs = getComputedStyle(root);
      function v(name, fallback) { return (cs.getPropertyValue(name) || "").trim() || fallback; }
      theme = { text: cs.color, muted: v("--pst-color-text-muted", "#6c757d"),
                border: v("--pst-color-border", "rgba(128,128,128,0.35)"),
                bg: v("--pst-color-background", "#fff"), font: cs.fontFamily || "sans-serif" };
    }

    function prepare(canvas) {
      var dpr = window.devicePixelRatio || 1;
      var w = Math.max(1, Math.round(canvas.clientWidth)), h = Math.max(1, Math.round(canvas.clientHeight));
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
      }
      var ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      return { ctx: ctx, w: w, h: h };
    }

    var img = document.createElement("canvas");
    img.width = RES; img.height = RES;
    var imgCtx = img.getContext("2d"), imgData = imgCtx.createImageData(RES, RES);

    function color(p) { // orange (0) → weiß (0,5) → blau (1), etwas aufgehellt
      if (!Number.isFinite(p)) return [190, 190, 190];
      var c = p >= 0.5 ? BLUE : ORANGE, t = Math.abs(2 * p - 1);
      return [0, 1, 2].map(function (i) { return 255 + (c[i] - 255) * 0.62 * t; }); // Punkte bleiben sichtbar
    }

    function drawSurface() {
      var P = M.predictProba(run.model, run.grid.F, RES * RES), S = run.surface;
      for (var q = 0; q < RES * RES; q++) S[q] = P[2 * q + 1];
      for (var r = 0; r < RES; r++) {
        for (var c = 0; c < RES; c++) {
          var col = color(S[r * RES + c]), o = 4 * ((RES - 1 - r) * RES + c); // Zeile r = x₂, oben groß
          imgData.data[o] = col[0]; imgData.data[o + 1] = col[1]; imgData.data[o + 2] = col[2];
          imgData.data[o + 3] = 255;
        }
      }
      imgCtx.putImageData(imgData, 0, 0);
      var g = prepare(cvSurface), ctx = g.ctx;
      var padL = 26, padB = 20, padT = 6, padR = 6;
      var size = Math.min(g.w - padL - padR, g.h - padT - padB);
      var x0 = padL, y0 = padT;
      function px(x) { return x0 + (x + LIMIT) / (2 * LIMIT) * size; }
      function py(y) { return y0 + (LIMIT - y) / (2 * LIMIT) * size; }
      ctx.save();
      ctx.beginPath(); ctx.rect(x0, y0, size, size); ctx.clip();
      var half = LIMIT / (RES - 1); // Pixelmitten liegen auf den Gitterpunkten
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(img, px(-LIMIT - half), py(LIMIT + half), px(LIMIT + half) - px(-LIMIT - half),
                    py(-LIMIT - half) - py(LIMIT + half));
      var rad = size < 260 ? 2.4 : 3.1;
      function dots(set, n, test) {
        for (var i = 0; i < n; i++) {
          var cl = set.y[i] === 1 ? BLUE : ORANGE;
          ctx.beginPath();
          ctx.arc(px(set.X[2 * i]), py(set.X[2 * i + 1]), rad, 0, 2 * Math.PI);
          ctx.fillStyle = "rgb(" + cl.join(",") + ")";
          ctx.fill();
          ctx.lineWidth = test ? 1.2 : 1;
          ctx.strokeStyle = test ? "rgba(0,0,0,0.85)" : "#fff";
          ctx.stroke();
        }
      }
      dots(run.data.tr, run.data.nTrain, false);
      if (st.showTest) dots(run.data.te, run.data.nTest, true);
      ctx.restore();
      ctx.strokeStyle = theme.border; ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, y0 + 0.5, size - 1, size - 1);
      ctx.fillStyle = theme.muted;
      ctx.font = "11px " + theme.font;
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      [-6, -3, 0, 3, 6].forEach(function (t) { ctx.fillText(String(t).replace("-", "−"), px(t), y0 + size + 4); });
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      [-6, -3, 0, 3, 6].forEach(function (t) { ctx.fillText(String(t).replace("-", "−"), x0 - 4, py(t)); });
      ctx.fillStyle = "#333"; // auf der hellen Fläche, auch im dunklen Modus
      ctx.font = "italic 12px " + theme.font;
      ctx.textAlign = "right"; ctx.textBaseline = "bottom";
      ctx.fillText("x₁", x0 + size - 4, y0 + size - 3);
      ctx.textAlign = "left"; ctx.textBaseline = "top";
      ctx.fillText("x₂", x0 + 4, y0 + 3);
    }

    function drawCurves() {
      var g = prepare(cvCurves), ctx = g.ctx, h = run.hist;
      var padL = 40, padB = 32, padT = 8, padR = 10;
      var W = g.w - padL - padR, H = g.h - padT - padB;
      var n = h.train.length, lastEpoch = n * h.step, xmax = Math.max(10, lastEpoch);
      var ymax = Math.max(h.start.train, h.start.test, 0.75);
      for (var i = 0; i < n; i++) ymax = Math.max(ymax, h.train[i], h.test[i]);
      if (!Number.isFinite(ymax)) ymax = 3;
      ymax = Math.min(ymax, 3);
      var ystep = niceStep(ymax, 4);
      ymax = Math.ceil(ymax / ystep - 1e-9) * ystep;
      function px(e) { return padL + e / xmax * W; }
      function py(v) { return padT + (1 - Math.min(v, ymax) / ymax) * H; }
      ctx.font = "11px " + theme.font;
      ctx.lineWidth = 1;
      ctx.strokeStyle = theme.border;
      ctx.fillStyle = theme.muted;
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      for (var y = 0; y <= ymax + 1e-9; y += ystep) {
        ctx.beginPath(); ctx.moveTo(padL, Math.round(py(y)) + 0.5); ctx.lineTo(padL + W, Math.round(py(y)) + 0.5); ctx.stroke();
        ctx.fillText(de(y, ystep < 0.1 ? 2 : ystep < 1 ? 1 : 0), padL - 5, py(y));
      }
      var xstep = niceStep(xmax, 4, true);
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      for (var x = 0; x <= xmax + 1e-9; x += xstep) {
        ctx.fillText(String(Math.round(x)), px(x), padT + H + 4);
      }
      ctx.fillText("Epoche", padL + W / 2, padT + H + 17);
      // ln 2: so hoch ist die Kreuzentropie, wenn das Netz für jeden Punkt 50 : 50 tippt
      if (Math.LN2 < ymax) {
        ctx.save();
        ctx.setLineDash([2, 3]);
        ctx.strokeStyle = theme.muted;
        ctx.beginPath(); ctx.moveTo(padL, py(Math.LN2)); ctx.lineTo(padL + W, py(Math.LN2)); ctx.stroke();
        ctx.restore();
        ctx.textAlign = "right"; ctx.textBaseline = "bottom";
        ctx.fillText("ln 2", padL + W - 2, py(Math.LN2) - 2);
      }
      function line(values, start, colorName, dash) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(padL, padT - 2, W + 2, H + 4); ctx.clip();
        ctx.setLineDash(dash);
        ctx.strokeStyle = colorName; ctx.lineWidth = 2; ctx.lineJoin = "round";
        ctx.beginPath();
        ctx.moveTo(px(0), py(start));
        var stride = Math.max(1, Math.floor(values.length / (2 * W)));
        for (var i = stride - 1; i < values.length; i += stride) {
          var v = values[i];
          ctx.lineTo(px((i + 1) * h.step), py(Number.isFinite(v) ? v : ymax));
        }
        if (values.length) ctx.lineTo(px(values.length * h.step), py(Number.isFinite(values[values.length - 1]) ? values[values.length - 1] : ymax));
        ctx.stroke();
        ctx.restore();
      }
      line(h.test, h.start.test, TEST_COLOR, [6, 4]);
      line(h.train, h.start.train, TRAIN_COLOR, []);
      ctx.strokeStyle = theme.border; ctx.setLineDash([]);
      ctx.beginPath(); ctx.moveTo(padL + 0.5, padT); ctx.lineTo(padL + 0.5, padT + H + 0.5); ctx.lineTo(padL + W, padT + H + 0.5); ctx.stroke();
    }

    function updateStatus() {
      outEpoch.textContent = String(run.epoch);
      outTrain.textContent = deLoss(run.last.train);
      outTest.textContent = deLoss(run.last.test);
      var acc = run.diverged ? NaN : accuracy();
      outAcc.textContent = Number.isFinite(acc) ? de(100 * acc, 1) + " %" : "–";
      btnPlay.disabled = run.running;
      btnPause.disabled = !run.running;
      btnStep.disabled = run.running;
      root.dataset.epoch = String(run.epoch);
    }

    function updateArch() {
      arch.textContent = "Netz: " + st.features.length + " Merkmal" + (st.features.length > 1 ? "e" : "") + " → " +
        (st.nLayers ? hidden().join(" → ") + " (" + ACTIVATIONS.filter(function (a) { return a[0] === st.activation; })[0][1] + ") → " : "") +
        "2 Ausgaben (Softmax) · " + M.nParams(run.model) + " Parameter · " + run.data.nTrain + " Trainings- und " +
        run.data.nTest + " Testpunkte";
    }

    function render() {
      if (!theme) readTheme();
      drawSurface();
      drawCurves();
      updateStatus();
    }

    /* ---------- Ablauf ---------- */

    function frame() {
      run.raf = 0;
      if (!run.running) return;
      var t0 = performance.now();
      for (var i = 0; i < st.speed && run.running; i++) {
        trainEpoch();
        if (performance.now() - t0 > FRAME_BUDGET_MS) break;
      }
      render();
      if (run.running) run.raf = requestAnimationFrame(frame);
    }

    function play() {
      if (run.running) return;
      if (run.diverged) resetModel();
      run.running = true;
      updateStatus();
      if (!run.raf) run.raf = requestAnimationFrame(frame);
    }

    function pause() {
      run.running = false;
      if (run.raf) { cancelAnimationFrame(run.raf); run.raf = 0; }
      updateStatus();
    }

    function restart(newData) { // neue Daten und/oder neues Netz; läuft weiter, wenn es lief
      if (newData) makeData();
      resetModel();
      updateArch();
      render();
    }

    /* ---------- Ereignisse ---------- */

    btnPlay.addEventListener("click", play);
    btnPause.addEventListener("click", pause);
    btnStep.addEventListener("click", function () {
      if (run.running) return;
      if (run.diverged) resetModel();
      trainEpoch();
      render();
    });
    btnReset.addEventListener("click", function () {
      pause();
      st.seed += 1; // neue Anfangsgewichte
      restart(false);
    });

    function showValues() {
      valNoise.textContent = de(st.noise, 2);
      rngNoise.setAttribute("aria-valuetext", de(st.noise, 2));
      var nTrain = Math.round(N_POINTS * st.trainFrac);
      valSplit.textContent = Math.round(100 * st.trainFrac) + " %";
      rngSplit.setAttribute("aria-valuetext", Math.round(100 * st.trainFrac) + " Prozent: " + nTrain +
                            " Trainings- und " + (N_POINTS - nTrain) + " Testpunkte");
      valBatch.textContent = String(st.batch);
      neuronFields.forEach(function (f, i) { f.hidden = i >= st.nLayers; });
      neuronRow.classList.toggle("nnpg-none", st.nLayers === 0);
    }

    selData.addEventListener("change", function () { st.dataset = selData.value; restart(true); });
    rngNoise.addEventListener("input", function () { st.noise = Number(rngNoise.value); showValues(); restart(true); });
    rngSplit.addEventListener("input", function () { st.trainFrac = Number(rngSplit.value) / 100; showValues(); restart(true); });
    chkTest.addEventListener("change", function () { st.showTest = chkTest.checked; render(); });
    featBoxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var chosen = FEATURES.map(function (f) { return f[0]; })
          .filter(function (f, i) { return featBoxes[i].checked; });
        if (!chosen.length) { box.checked = true; return; } // mindestens ein Merkmal
        st.features = chosen;
        restart(true);
      });
    });

    function clampInput(input, lo, hi, fallback) {
      var v = Math.round(Number(input.value));
      if (!Number.isFinite(v) || input.value === "") v = fallback;
      v = Math.min(hi, Math.max(lo, v));
      input.value = String(v);
      return v;
    }

    numLayers.addEventListener("change", function () {
      st.nLayers = clampInput(numLayers, 0, MAX_LAYERS, st.nLayers);
      showValues();
      restart(false);
    });
    neuronInputs.forEach(function (inp, i) {
      inp.addEventListener("change", function () {
        st.neurons[i] = clampInput(inp, 1, MAX_NEURONS, st.neurons[i]);
        restart(false);
      });
    });
    selAct.addEventListener("change", function () { st.activation = selAct.value; restart(false); });
    // Lernrate, Batchgröße und Tempo ändern das laufende Training nicht (Aufgabe: η = 1 → 0,3)
    selLr.addEventListener("change", function () { st.lr = Number(selLr.value); });
    rngBatch.addEventListener("input", function () { st.batch = Number(rngBatch.value); showValues(); });
    selSpeed.addEventListener("change", function () { st.speed = Number(selSpeed.value); });

    var pendingResize = 0;
    function onResize() {
      if (pendingResize) return;
      pendingResize = requestAnimationFrame(function () { pendingResize = 0; render(); });
    }
    if (window.ResizeObserver) new ResizeObserver(onResize).observe(plots);
    else window.addEventListener("resize", onResize);
    // Hell/dunkel umgeschaltet: Farben neu lesen
    new MutationObserver(function () { readTheme(); render(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "data-mode", "class"] });

    showValues();
    makeData();
    resetModel();
    updateArch();
    readTheme();
    render();
    root.dataset.ready = "1";
  }

  document.querySelectorAll('[data-kibuch-widget="' + NAME + '"]').forEach(init);
})();
