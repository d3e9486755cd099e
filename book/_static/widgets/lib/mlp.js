/* KibuchMLP – das NumPy-MLP des Buchs (kibuch.scratch.mlp_numpy) in reinem JavaScript.
 *
 * Gleiche Mathematik wie NumpyMLP: Jede Schicht rechnet Z = A_prev · Wᵀ + b und A = f(Z);
 * W hat die Form (m, n) wie bei torch.nn.Linear und liegt zeilenweise in einem
 * Float64Array. Parameter: params = [W1, b1, W2, b2, …]. Köpfe: "softmax" (mittlere
 * Kreuzentropie, y = Klassennummern), "linear" und "sigmoid" (E = 1/N · Σ ½‖a − y‖²).
 * Xavier-Initialisierung N(0, 2/(n + m)), Schwellwerte 0, Gradientenabstieg θ ← θ − η·∂E/∂θ.
 *
 * Dazu die Spielzeugdaten aus kibuch.data.synthetic.toy2d (gleiche Formeln, eigener
 * Zufallsgenerator) und die Playground-Merkmale x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2).
 *
 * Im Browser als klassisches Skript: window.KibuchMLP. In Node: module.exports.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.KibuchMLP = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* ---------- Prüfungen (klare deutsche Fehlermeldungen) ---------- */

  function fail(msg) { throw new Error(msg); }

  function checkInt(name, v, min, max) {
    if (typeof v !== "number" || !Number.isInteger(v)) fail(name + " muss eine ganze Zahl sein, nicht " + String(v) + ".");
    if (min !== undefined && v < min) fail(name + " muss mindestens " + min + " sein, nicht " + v + ".");
    if (max !== undefined && v > max) fail(name + " darf höchstens " + max + " sein, nicht " + v + ".");
    return v;
  }

  function checkFloat(name, v, min, max, openMin) {
    if (typeof v !== "number" || !Number.isFinite(v)) fail(name + " muss eine endliche Zahl sein, nicht " + String(v) + ".");
    if (min !== undefined && (openMin ? v <= min : v < min)) fail(name + " muss " + (openMin ? "größer als " : "mindestens ") + min + " sein, nicht " + v + ".");
    if (max !== undefined && v > max) fail(name + " darf höchstens " + max + " sein, nicht " + v + ".");
    return v;
  }

  function checkChoice(name, v, choices) {
    if (choices.indexOf(v) < 0) fail(name + " muss eine von " + choices.join(", ") + " sein, nicht " + JSON.stringify(v) + ".");
    return v;
  }

  function checkArray(name, a, len) {
    if (!(a instanceof Float64Array || a instanceof Float32Array || Array.isArray(a) ||
          a instanceof Int32Array)) fail(name + " muss ein Array sein.");
    if (len !== undefined && a.length !== len) fail(name + " muss " + len + " Einträge haben, nicht " + a.length + ".");
    return a;
  }

  /* ---------- Zufallszahlen (mit Seed, reproduzierbar) ---------- */

  /** Zufallsgenerator mit Seed: uniform() in [0, 1), normal() (Box-Muller), int(n) in 0 … n−1. */
  function makeRng(seed) {
    var s = checkInt("seed", seed === undefined ? 0 : seed, 0) >>> 0;
    var spare = null;
    function next32() { // mulberry32
      s = (s + 0x6d2b79f5) >>> 0;
      var t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    }
    function uniform() { // 53 Bit aus zwei 32-Bit-Zahlen
      return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
    }
    function normal() {
      if (spare !== null) { var v = spare; spare = null; return v; }
      var u1 = 0;
      while (u1 === 0) u1 = uniform();
      var r = Math.sqrt(-2 * Math.log(u1)), phi = 2 * Math.PI * uniform();
      spare = r * Math.sin(phi);
      return r * Math.cos(phi);
    }
    return {
      uniform: uniform,
      normal: normal,
      int: function (n) { return Math.floor(uniform() * n); },
    };
  }

  /** Zufällige Reihenfolge 0 … n−1 (Fisher-Yates). */
  function permutation(n, rng) {
    var order = new Int32Array(n);
    for (var i = 0; i < n; i++) order[i] = i;
    for (var j = n - 1; j > 0; j--) {
      var k = rng.int(j + 1), t = order[j];
      order[j] = order[k]; order[k] = t;
    }
    return order;
  }

  /* ---------- Aktivierungen (wie kibuch.nn.activations) ---------- */

  function sigmoid(z) {
    if (z >= 0) return 1 / (1 + Math.exp(-z));
    var ez = Math.exp(z);
    return ez / (1 + ez);
  }

  /* Jede Aktivierung: f(z) und f'(z) aus z und a = f(z) (spart die zweite Auswertung). */
  var ACTIVATIONS = {
    step: { f: function (z) { return z >= 0 ? 1 : 0; }, df: function () { return 0; } },
    sigmoid: { f: sigmoid, df: function (z, a) { return a * (1 - a); } },
    tanh: { f: Math.tanh, df: function (z, a) { return 1 - a * a; } },
    relu: { f: function (z) { return z > 0 ? z : 0; }, df: function (z) { return z > 0 ? 1 : 0; } },
    identity: { f: function (z) { return z; }, df: function () { return 1; } },
  };
  var ACTIVATION_NAMES = Object.keys(ACTIVATIONS);
  var ALIASES = { linear: "identity" };
  var HEADS = ["softmax", "linear", "sigmoid"];

  /* ---------- Modell ---------- */

  /**
   * Neues MLP. opts: sizes (Neuronen je Schicht, Eingabe … Ausgabe), activation, head,
   * seed (Anfangsgewichte) oder params (fertige Gewichte [W1, b1, …], z. B. aus Python).
   */
  function create(opts) {
    opts = opts || {};
    var sizes = opts.sizes || [2, 8, 2];
    if (!Array.isArray(sizes) || sizes.length < 2) fail("sizes braucht mindestens zwei Einträge (Eingabe und Ausgabe).");
    sizes = sizes.map(function (s, i) { return checkInt("sizes[" + i + "]", s, 1); });
    var activation = opts.activation === undefined ? "tanh" : opts.activation;
    activation = ALIASES[activation] || activation;
    checkChoice("activation", activation, ACTIVATION_NAMES);
    var head = checkChoice("head", opts.head === undefined ? "softmax" : opts.head, HEADS);
    if (head === "softmax" && sizes[sizes.length - 1] < 2) fail("Der Softmax-Kopf braucht mindestens zwei Ausgabeneuronen.");
    var L = sizes.length - 1, params = [], l;
    if (opts.params) {
      if (!Array.isArray(opts.params) || opts.params.length !== 2 * L) fail("params muss " + 2 * L + " Arrays enthalten.");
      for (l = 0; l < L; l++) {
        var n = sizes[l], m = sizes[l + 1];
        params.push(Float64Array.from(checkArray("params[" + 2 * l + "]", flat(opts.params[2 * l]), m * n)));
        params.push(Float64Array.from(checkArray("params[" + (2 * l + 1) + "]", flat(opts.params[2 * l + 1]), m)));
      }
    } else {
      var rng = makeRng(opts.seed === undefined ? 0 : opts.seed);
      for (l = 0; l < L; l++) {
        var nIn = sizes[l], mOut = sizes[l + 1], sd = Math.sqrt(2 / (nIn + mOut));
        var W = new Float64Array(mOut * nIn);
        for (var i = 0; i < W.length; i++) W[i] = sd * rng.normal(); // Xavier
        params.push(W, new Float64Array(mOut));
      }
    }
    return {
      sizes: sizes, activation: activation, head: head, params: params,
      grads: params.map(function (p) { return new Float64Array(p.length); }),
      ws: null, batch: null,
    };
  }

  function flat(a) { // verschachtelte Listen (m, n) → flach
    if (Array.isArray(a) && Array.isArray(a[0])) return [].concat.apply([], a);
    return a;
  }

  function nParams(model) {
    return model.params.reduce(function (s, p) { return s + p.length; }, 0);
  }

  /* Arbeitsspeicher für bis zu N Zeilen; wächst bei Bedarf, wird nie pro Batch neu angelegt. */
  function workspace(model, N) {
    var ws = model.ws;
    if (ws && ws.cap >= N) return ws;
    var cap = Math.max(N, ws ? ws.cap : 0), sizes = model.sizes, L = sizes.length - 1;
    var maxW = Math.max.apply(null, sizes);
    ws = { cap: cap, Z: [], A: [], dZ: new Float64Array(cap * maxW), dA: new Float64Array(cap * maxW) };
    for (var l = 0; l < L; l++) {
      ws.Z.push(new Float64Array(cap * sizes[l + 1]));
      ws.A.push(new Float64Array(cap * sizes[l + 1]));
    }
    model.ws = ws;
    return ws;
  }

  /* Vorwärtsrechnung für N Zeilen von X; Ergebnis: Logits im Puffer ws.Z[L−1]. */
  function forwardRaw(model, X, N) {
    var sizes = model.sizes, L = sizes.length - 1, params = model.params;
    var ws = workspace(model, N), f = ACTIVATIONS[model.activation].f;
    var A = X;
    for (var l = 0; l < L; l++) {
      var n = sizes[l], m = sizes[l + 1], W = params[2 * l], b = params[2 * l + 1];
      var Z = ws.Z[l], last = l === L - 1, Aout = ws.A[l];
      for (var i = 0; i < N; i++) {
        var ai = i * n, zi = i * m;
        for (var j = 0; j < m; j++) {
          var s = b[j], wj = j * n;
          for (var k = 0; k < n; k++) s += A[ai + k] * W[wj + k];
          Z[zi + j] = s;
          if (!last) Aout[zi + j] = f(s);
        }
      }
      A = Aout;
    }
    return ws.Z[L - 1];
  }

  /* Kopf anwenden: Softmax bzw. Sigmoid bzw. Identität; schreibt nach out (N·k). */
  function headOutput(head, Zo, N, k, out) {
    for (var i = 0; i < N; i++) {
      var o = i * k, j;
      if (head === "softmax") {
        var mx = -Infinity, sum = 0;
        for (j = 0; j < k; j++) if (Zo[o + j] > mx) mx = Zo[o + j];
        for (j = 0; j < k; j++) { out[o + j] = Math.exp(Zo[o + j] - mx); sum += out[o + j]; }
        for (j = 0; j < k; j++) out[o + j] /= sum;
      } else if (head === "sigmoid") {
        for (j = 0; j < k; j++) out[o + j] = sigmoid(Zo[o + j]);
      } else {
        for (j = 0; j < k; j++) out[o + j] = Zo[o + j];
      }
    }
    return out;
  }

  /* Verlust und Gradienten für N geprüfte Zeilen; Gradienten landen in model.grads. */
  function lossAndGradsRaw(model, X, y, N) {
    var sizes = model.sizes, L = sizes.length - 1, params = model.params, grads = model.grads;
    var Zo = forwardRaw(model, X, N), ws = model.ws, k = sizes[L];
    var dZ = ws.dZ, dA = ws.dA, i, j, loss = 0;
    headOutput(model.head, Zo, N, k, dZ); // dZ enthält zunächst die Ausgabe des Kopfs
    if (model.head === "softmax") {
      for (i = 0; i < N; i++) {
        var c = y[i];
        loss -= Math.log(dZ[i * k + c] + 1e-300);
        dZ[i * k + c] -= 1; // Softmax + Kreuzentropie: p − onehot(y)
      }
      loss /= N;
      for (i = 0; i < N * k; i++) dZ[i] /= N;
    } else {
      var sig = model.head === "sigmoid";
      for (i = 0; i < N * k; i++) {
        var a = dZ[i], d = a - y[i];
        loss += d * d;
        dZ[i] = sig ? (d / N) * a * (1 - a) : d / N;
      }
      loss = 0.5 * loss / N;
    }
    var df = ACTIVATIONS[model.activation].df;
    for (var l = L - 1; l >= 0; l--) {
      var n = sizes[l], m = sizes[l + 1], W = params[2 * l];
      var Aprev = l === 0 ? X : ws.A[l - 1];
      var gW = grads[2 * l], gb = grads[2 * l + 1], q;
      gW.fill(0); gb.fill(0);
      for (i = 0; i < N; i++) {
        var zi = i * m, ai = i * n;
        for (j = 0; j < m; j++) {
          var g = dZ[zi + j];
          if (g === 0) continue;
          gb[j] += g;
          var wj = j * n;
          for (q = 0; q < n; q++) gW[wj + q] += g * Aprev[ai + q];
        }
      }
      if (l > 0) { // dE/dA der Vorgängerschicht, dann · f'(Z_prev)
        var Zp = ws.Z[l - 1];
        for (i = 0; i < N; i++) {
          for (q = 0; q < n; q++) {
            var s = 0;
            for (j = 0; j < m; j++) s += dZ[i * m + j] * W[j * n + q];
            dA[i * n + q] = s * df(Zp[i * n + q], Aprev[i * n + q]);
          }
        }
        var t = dZ; dZ = dA; dA = t; // Puffer tauschen
      }
    }
    return loss;
  }

  function checkX(model, X, N) {
    checkInt("N", N, 1);
    checkArray("X", X, N * model.sizes[0]);
    return X instanceof Float64Array ? X : Float64Array.from(X);
  }

  function checkY(model, y, N) {
    var k = model.sizes[model.sizes.length - 1];
    if (model.head === "softmax") {
      checkArray("y", y, N);
      for (var i = 0; i < N; i++) {
        if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= k) fail("y muss ganze Klassennummern 0 … " + (k - 1) + " enthalten.");
      }
      return y instanceof Int32Array ? y : Int32Array.from(y);
    }
    checkArray("y", y, N * k);
    return y instanceof Float64Array ? y : Float64Array.from(y);
  }

  /** Ausgabe-Logits (vor dem Kopf) als neues Float64Array (N·k). */
  function forward(model, X, N) {
    X = checkX(model, X, N);
    return Float64Array.from(forwardRaw(model, X, N).subarray(0, N * model.sizes[model.sizes.length - 1]));
  }

  /** Ausgabe nach dem Kopf (Klassenwahrscheinlichkeiten bzw. Vorhersagewerte), N·k. */
  function predictProba(model, X, N, out) {
    X = checkX(model, X, N);
    var k = model.sizes[model.sizes.length - 1];
    return headOutput(model.head, forwardRaw(model, X, N), N, k, out || new Float64Array(N * k));
  }

  /** Mittlerer Verlust über die N Zeilen und Kopien der Gradienten (gleiche Formen wie params). */
  function lossAndGrads(model, X, y, N) {
    X = checkX(model, X, N);
    y = checkY(model, y, N);
    var loss = lossAndGradsRaw(model, X, y, N);
    return { loss: loss, grads: model.grads.map(function (g) { return Float64Array.from(g); }) };
  }

  /** Nur der Verlust (eine Vorwärtsrechnung, dieselbe Formel wie in lossAndGrads). */
  function loss(model, X, y, N) {
    X = checkX(model, X, N);
    y = checkY(model, y, N);
    var k = model.sizes[model.sizes.length - 1], i, E = 0;
    var Zo = forwardRaw(model, X, N), out = headOutput(model.head, Zo, N, k, model.ws.dZ);
    if (model.head === "softmax") {
      for (i = 0; i < N; i++) E -= Math.log(out[i * k + y[i]] + 1e-300);
      return E / N;
    }
    for (i = 0; i < N * k; i++) E += (out[i] - y[i]) * (out[i] - y[i]);
    return 0.5 * E / N;
  }

  function stepRaw(params, grads, lr) {
    for (var p = 0; p < params.length; p++) {
      var P = params[p], G = grads[p];
      for (var i = 0; i < P.length; i++) P[i] -= lr * G[i];
    }
  }

  /** Ein Schritt Gradientenabstieg: θ ← θ − lr · ∂E/∂θ. */
  function sgdStep(model, grads, lr) {
    checkFloat("lr", lr, 0, undefined, true);
    if (!Array.isArray(grads) || grads.length !== model.params.length) fail(model.params.length + " Gradienten erwartet.");
    grads.forEach(function (g, i) { checkArray("grads[" + i + "]", g, model.params[i].length); });
    stepRaw(model.params, grads, lr);
  }

  /**
   * Eine Epoche Mini-Batch-Gradientenabstieg wie kibuch.scratch.mlp_numpy.train:
   * Reihenfolge mischen (oder opts.order vorgeben), dann je batchSize Punkte ein Schritt;
   * der letzte Batch darf kleiner sein. opts: lr, batchSize (Standard: alle), rng oder order.
   */
  function trainEpoch(model, X, y, N, opts) {
    X = checkX(model, X, N);
    y = checkY(model, y, N);
    opts = opts || {};
    var lr = checkFloat("lr", opts.lr, 0, undefined, true);
    var bs = opts.batchSize === undefined ? N : checkInt("batchSize", opts.batchSize, 1);
    var order = opts.order ? checkArray("order", opts.order, N)
      : permutation(N, opts.rng || makeRng(0));
    var n0 = model.sizes[0], k = model.sizes[model.sizes.length - 1], soft = model.head === "softmax";
    var cap = Math.min(bs, N), buf = model.batch; // Batch-Puffer, nur bei Bedarf neu
    if (!buf || buf.cap < cap || buf.soft !== soft) {
      buf = model.batch = { cap: cap, soft: soft, X: new Float64Array(cap * n0),
                            y: soft ? new Int32Array(cap) : new Float64Array(cap * k) };
    }
    var bX = buf.X, by = buf.y;
    for (var start = 0; start < N; start += bs) {
      var cnt = Math.min(bs, N - start);
      for (var r = 0; r < cnt; r++) {
        var src = order[start + r], c;
        for (c = 0; c < n0; c++) bX[r * n0 + c] = X[src * n0 + c];
        if (soft) by[r] = y[src];
        else for (c = 0; c < k; c++) by[r * k + c] = y[src * k + c];
      }
      lossAndGradsRaw(model, bX, by, cnt);
      stepRaw(model.params, model.grads, lr);
    }
  }

  /* ---------- Spielzeugdaten wie kibuch.data.synthetic.toy2d ---------- */

  var RADIUS = 5.0;
  var DATASETS = ["kreise", "xor", "gauss", "spirale"];
  var FEATURES = {
    "x1": function (a) { return a; },
    "x2": function (a, b) { return b; },
    "x1^2": function (a) { return a * a; },
    "x2^2": function (a, b) { return b * b; },
    "x1*x2": function (a, b) { return a * b; },
    "sin(x1)": function (a) { return Math.sin(a); },
    "sin(x2)": function (a, b) { return Math.sin(b); },
  };
  var FEATURE_NAMES = Object.keys(FEATURES);

  function uniformIn(rng, lo, hi) { return lo + (hi - lo) * rng.uniform(); }

  var MAKERS = {
    kreise: function (n, noise, rng, X, y) {
      var half = Math.floor(n / 2), r = new Float64Array(n), i;
      for (i = 0; i < half; i++) r[i] = uniformIn(rng, 0, 0.5 * RADIUS); // Scheibe: Klasse 1
      for (i = half; i < n; i++) r[i] = uniformIn(rng, 0.7 * RADIUS, RADIUS); // Ring: Klasse 0
      for (i = 0; i < n; i++) {
        var ang = uniformIn(rng, 0, 2 * Math.PI);
        X[2 * i] = r[i] * Math.sin(ang);
        X[2 * i + 1] = r[i] * Math.cos(ang);
      }
      for (i = 0; i < 2 * n; i++) X[i] += uniformIn(rng, -RADIUS, RADIUS) * noise;
      for (i = 0; i < n; i++) y[i] = i < half ? 1 : 0;
    },
    xor: function (n, noise, rng, X, y) {
      var i;
      for (i = 0; i < 2 * n; i++) {
        var v = uniformIn(rng, -RADIUS, RADIUS);
        X[i] = v + (v > 0 ? 0.3 : -0.3); // Abstand von den Achsen
      }
      for (i = 0; i < n; i++) y[i] = X[2 * i] * X[2 * i + 1] > 0 ? 1 : 0; // vor dem Rauschen
      for (i = 0; i < 2 * n; i++) X[i] += uniformIn(rng, -RADIUS, RADIUS) * noise;
    },
    gauss: function (n, noise, rng, X, y) {
      var half = Math.floor(n / 2), spread = 0.5 + 3.5 * noise;
      for (var i = 0; i < n; i++) {
        var mu = i < half ? 2.0 : -2.0;
        X[2 * i] = mu + spread * rng.normal();
        X[2 * i + 1] = mu + spread * rng.normal();
        y[i] = i < half ? 1 : 0;
      }
    },
    spirale: function (n, noise, rng, X, y) {
      var half = Math.floor(n / 2), parts = [[half, 0.0, 0, 1], [n - half, Math.PI, half, 0]];
      parts.forEach(function (p) {
        var count = p[0], delta = p[1], off = p[2];
        for (var i = 0; i < count; i++) {
          var r = i / count * RADIUS, t = 1.75 * i / count * 2 * Math.PI + delta;
          X[2 * (off + i)] = r * Math.sin(t);
          X[2 * (off + i) + 1] = r * Math.cos(t);
          y[off + i] = p[3];
        }
        for (var q = 2 * off; q < 2 * (off + count); q++) X[q] += uniformIn(rng, -1, 1) * noise;
      });
    },
  };

  /** n Punkte des Datensatzes name (kreise, xor, gauss, spirale): {X (n·2), y (n)}, gemischt. */
  function makeToy2d(name, n, noise, seed) {
    checkChoice("name", name, DATASETS);
    n = checkInt("n", n === undefined ? 400 : n, 2, 10000000);
    noise = checkFloat("noise", noise === undefined ? 0 : noise, 0, 1);
    var rng = makeRng(seed === undefined ? 0 : seed);
    var X0 = new Float64Array(2 * n), y0 = new Int32Array(n);
    MAKERS[name](n, noise, rng, X0, y0);
    var order = permutation(n, rng), X = new Float64Array(2 * n), y = new Int32Array(n);
    for (var i = 0; i < n; i++) {
      X[2 * i] = X0[2 * order[i]]; X[2 * i + 1] = X0[2 * order[i] + 1]; y[i] = y0[order[i]];
    }
    return { X: X, y: y, n: n };
  }

  /** Merkmale names aus den Koordinaten X (n·2) → Float64Array (n·names.length). */
  function addFeatures(X, n, names) {
    checkInt("n", n, 1);
    checkArray("X", X, 2 * n);
    names = names || ["x1", "x2"];
    if (!Array.isArray(names) || !names.length) fail("names braucht mindestens ein Merkmal.");
    var fs = names.map(function (f, i) { return FEATURES[checkChoice("names[" + i + "]", f, FEATURE_NAMES)]; });
    var d = fs.length, F = new Float64Array(n * d);
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < d; j++) F[i * d + j] = fs[j](X[2 * i], X[2 * i + 1]);
    }
    return F;
  }

  /** Gitter über [−limit, limit]²: {xs, X (res²·2)}; Zeilen entsprechen x₂, Spalten x₁. */
  function grid(resolution, limit) {
    resolution = checkInt("resolution", resolution === undefined ? 60 : resolution, 2, 2000);
    limit = checkFloat("limit", limit === undefined ? 6 : limit, 0, undefined, true);
    var xs = new Float64Array(resolution), X = new Float64Array(2 * resolution * resolution);
    for (var i = 0; i < resolution; i++) xs[i] = -limit + 2 * limit * i / (resolution - 1);
    for (var r = 0; r < resolution; r++) {
      for (var c = 0; c < resolution; c++) {
        X[2 * (r * resolution + c)] = xs[c];
        X[2 * (r * resolution + c) + 1] = xs[r];
      }
    }
    return { xs: xs, X: X };
  }

  return {
    ACTIVATIONS: ACTIVATION_NAMES, HEADS: HEADS,
    makeRng: makeRng, permutation: permutation, sigmoid: sigmoid,
    create: create, nParams: nParams,
    forward: forward, predictProba: predictProba, lossAndGrads: lossAndGrads, loss: loss,
    sgdStep: sgdStep, trainEpoch: trainEpoch,
    toy2d: { DATASETS: DATASETS, FEATURES: FEATURE_NAMES, RADIUS: RADIUS,
             make: makeToy2d, addFeatures: addFeatures, grid: grid },
  };
});
