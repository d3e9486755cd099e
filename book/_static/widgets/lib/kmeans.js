/* k-Means (Lloyd-Algorithmus) für das Widget „kmeans-steps“ – dieselben Rechnungen wie
 * code/kibuch/scratch/kmeans.py, Schritt für Schritt.
 *
 * Klassisches Skript im UMD-Stil: im Browser als window.KibuchKMeans, in Node über
 * module.exports (tests/js/kmeans.test.mjs). Punkte und Zentren sind Arrays von
 * Koordinaten-Arrays, z. B. [[x1, x2], …]. Die Summen folgen der Reihenfolge von NumPy
 * (paarweise Summation wie np.sum), damit Zuordnung, Zentren und Inertia mit Python
 * Bit für Bit übereinstimmen.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.KibuchKMeans = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var INITS = ["random", "k-means++"];
  var MAX_K = 8;

  // ---- Argumentprüfung (deutsche Fehlermeldungen mit dem Namen des Arguments) ----------

  function checkPoints(name, X, minRows) {
    if (!Array.isArray(X)) {
      throw new TypeError(name + " muss ein Array von Punkten sein, nicht " + typeof X + ".");
    }
    if (X.length < (minRows || 0)) {
      throw new RangeError(name + " braucht mindestens " + minRows + " Punkte, hat aber " +
        X.length + ".");
    }
    var d = X.length ? X[0].length : 0;
    for (var i = 0; i < X.length; i++) {
      var p = X[i];
      if (!p || typeof p.length !== "number" || p.length !== d || d === 0) {
        throw new RangeError(name + "[" + i + "] muss ein Punkt mit " + (d || "mindestens 1") +
          " Koordinaten sein.");
      }
      for (var j = 0; j < d; j++) {
        if (typeof p[j] !== "number" || !isFinite(p[j])) {
          throw new TypeError(name + "[" + i + "][" + j + "] muss eine endliche Zahl sein, " +
            "nicht " + p[j] + ".");
        }
      }
    }
    return d;
  }

  function checkInt(name, value, min, max) {
    if (typeof value !== "number" || !isFinite(value) || Math.floor(value) !== value) {
      throw new TypeError(name + " muss eine ganze Zahl sein, nicht " + value + ".");
    }
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      throw new RangeError(name + " muss zwischen " + min + " und " + max + " liegen, nicht " +
        value + ".");
    }
    return value;
  }

  function checkCenters(name, centers, d, k) {
    var dc = checkPoints(name, centers, 1);
    if (dc !== d || (k !== undefined && centers.length !== k)) {
      throw new RangeError(name + " muss die Form (" + (k === undefined ? "k" : k) + ", " + d +
        ") haben, nicht (" + centers.length + ", " + dc + ").");
    }
  }

  function checkLabels(labels, n, k) {
    if (!labels || typeof labels.length !== "number" || labels.length !== n) {
      throw new RangeError("labels muss " + n + " ganze Clusternummern enthalten.");
    }
    for (var i = 0; i < n; i++) {
      var l = labels[i];
      if (Math.floor(l) !== l || l < 0 || l >= k) {
        throw new RangeError("labels[" + i + "] muss eine Clusternummer 0 … " + (k - 1) +
          " sein, nicht " + l + ".");
      }
    }
  }

  function checkRandom(rand) {
    if (typeof rand !== "function") {
      throw new TypeError("rand muss eine Funktion sein, die Zahlen in [0, 1) liefert.");
    }
  }

  // ---- Zufall ----------------------------------------------------------------------------

  /** Kleiner, reproduzierbarer Zufallsgenerator (mulberry32); liefert Zahlen in [0, 1). */
  function makeRng(seed) {
    var a = checkInt("seed", seed, 0, 4294967295) >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Standardnormalverteilte Zahl (Box-Muller) aus ``rand``. */
  function gauss(rand) {
    var u = 1 - rand();  // (0, 1], damit log endlich bleibt
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }

  // ---- Rechnungen wie in kibuch.scratch.kmeans --------------------------------------------

  /** Summe wie np.sum für float64: paarweise Summation in Blöcken von acht. */
  function pairwiseSum(a, start, n) {
    var i, res;
    if (start === undefined) { start = 0; n = a.length; }
    if (n < 8) {
      res = 0;
      for (i = 0; i < n; i++) res += a[start + i];
      return res;
    }
    if (n <= 128) {
      var r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
      var r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
      for (i = 8; i < n - (n % 8); i += 8) {
        var o = start + i;
        r0 += a[o]; r1 += a[o + 1]; r2 += a[o + 2]; r3 += a[o + 3];
        r4 += a[o + 4]; r5 += a[o + 5]; r6 += a[o + 6]; r7 += a[o + 7];
      }
      res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += a[start + i];
      return res;
    }
    var n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
  }

  function sqDist(p, c) {
    var s = 0;
    for (var j = 0; j < p.length; j++) {
      var t = p[j] - c[j];
      s += t * t;
    }
    return s;
  }

  /** Quadrierte euklidische Abstände aller Punkte zu allen Zentren, Form (n, k). */
  function squaredDistances(X, centers) {
    var d = checkPoints("X", X, 1);
    checkCenters("centers", centers, d);
    return X.map(function (p) { return centers.map(function (c) { return sqDist(p, c); }); });
  }

  function assignUnchecked(X, centers) {
    var n = X.length, k = centers.length;
    var labels = new Array(n), best = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var bj = 0, bd = sqDist(X[i], centers[0]);
      for (var j = 1; j < k; j++) {
        var dj = sqDist(X[i], centers[j]);
        if (dj < bd) { bd = dj; bj = j; }  // bei Gleichstand gewinnt das erste (wie argmin)
      }
      labels[i] = bj;
      best[i] = bd;
    }
    return { labels: labels, inertia: pairwiseSum(best), distances: best };
  }

  /** Zuordnen-Schritt: Nummer des nächsten Zentrums je Punkt und die Inertia. */
  function assign(X, centers) {
    var d = checkPoints("X", X, 1);
    checkCenters("centers", centers, d);
    var res = assignUnchecked(X, centers);
    return { labels: res.labels, inertia: res.inertia };
  }

  /** Summe der quadrierten Abstände jedes Punkts zu *seinem* Zentrum (labels). */
  function inertia(X, labels, centers) {
    var d = checkPoints("X", X, 1);
    checkCenters("centers", centers, d);
    checkLabels(labels, X.length, centers.length);
    var dist = new Float64Array(X.length);
    for (var i = 0; i < X.length; i++) dist[i] = sqDist(X[i], centers[labels[i]]);
    return pairwiseSum(dist);
  }

  /** Verschieben-Schritt: Mittelwert der Punkte je Cluster; leere Cluster bleiben stehen. */
  function updateCenters(X, labels, centers) {
    var d = checkPoints("X", X, 1);
    checkCenters("centers", centers, d);
    checkLabels(labels, X.length, centers.length);
    var k = centers.length;
    var sums = [], counts = [];
    for (var j = 0; j < k; j++) { sums.push(new Float64Array(d)); counts.push(0); }
    for (var i = 0; i < X.length; i++) {  // der Reihe nach aufsummiert wie mean(axis=0)
      var s = sums[labels[i]];
      for (var t = 0; t < d; t++) s[t] += X[i][t];
      counts[labels[i]] += 1;
    }
    return centers.map(function (c, j) {
      if (!counts[j]) return c.slice();
      return Array.prototype.map.call(sums[j], function (v) { return v / counts[j]; });
    });
  }

  /** Index aus den Gewichten ``weights`` wie numpy: Summenkurve, normiert, dann suchen. */
  function weightedIndex(weights, u) {
    var n = weights.length, total = pairwiseSum(weights), cdf = new Float64Array(n), acc = 0;
    for (var i = 0; i < n; i++) { acc += weights[i] / total; cdf[i] = acc; }
    var last = cdf[n - 1];
    for (i = 0; i < n; i++) {
      if (cdf[i] / last > u) return i;  // searchsorted(..., side="right")
    }
    return n - 1;
  }

  /** Startzentren: ``k`` verschiedene Datenpunkte (``"random"``) oder k-means++.
   *
   * ``rand`` liefert gleichverteilte Zahlen in [0, 1). k-means++ wählt den ersten Punkt
   * gleichverteilt und jeden weiteren mit Wahrscheinlichkeit proportional zum quadrierten
   * Abstand zum nächsten schon gewählten Zentrum (wie init_centers in Python).
   */
  function initCenters(X, k, method, rand) {
    checkPoints("X", X, 1);
    checkInt("k", k, 1, X.length);
    if (INITS.indexOf(method) < 0) {
      throw new RangeError("method muss \"random\" oder \"k-means++\" sein, nicht " +
        JSON.stringify(method) + ".");
    }
    checkRandom(rand);
    var n = X.length, i;
    if (method === "random") {  // k verschiedene Indizes: Fisher-Yates, nach k Schritten Schluss
      var idx = [];
      for (i = 0; i < n; i++) idx.push(i);
      for (i = 0; i < k; i++) {
        var j = i + Math.floor(rand() * (n - i));
        var tmp = idx[i]; idx[i] = idx[j]; idx[j] = tmp;
      }
      return idx.slice(0, k).map(function (t) { return X[t].slice(); });
    }
    var centers = [X[Math.floor(rand() * n)].slice()];
    var d2 = new Float64Array(n);
    for (i = 0; i < n; i++) d2[i] = sqDist(X[i], centers[0]);
    while (centers.length < k) {
      // alle Abstände 0 (nur doppelte Punkte): gleichverteilt wie np.full(n, 1 / n) in Python
      var pick = weightedIndex(pairwiseSum(d2) > 0 ? d2 : ones(n), rand());
      var c = X[pick].slice();
      centers.push(c);
      for (i = 0; i < n; i++) d2[i] = Math.min(d2[i], sqDist(X[i], c));
    }
    return centers;
  }

  function ones(n) {
    var a = new Float64Array(n);
    a.fill(1);
    return a;
  }

  function sameLabels(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Ein k-Means-Lauf zum Durchschreiten in halben Schritten (Zuordnen, Verschieben).
   *
   * Zustände: ``phase`` ist "init" (nur Zentren), "assigned" (nach dem Zuordnen) oder
   * "moved" (nach dem Verschieben). ``steps`` enthält je halben Schritt Art, Zentren,
   * Zuordnung, Inertia und die Zahl der Punkte, die ihr Cluster gewechselt haben.
   * ``converged`` wird wahr, sobald ein Zuordnen nach dem Verschieben nichts mehr ändert –
   * dieselbe Regel wie ``kmeans`` in Python, dessen ``n_iter`` hier ``rounds`` heißt.
   */
  function Run(X, centers, maxIter) {
    var d = checkPoints("X", X, 1);
    checkCenters("centers", centers, d);
    if (centers.length > X.length) {
      throw new RangeError("centers: Es gibt mehr Zentren (" + centers.length +
        ") als Punkte (" + X.length + ").");
    }
    this.X = X;
    this.k = centers.length;
    this.maxIter = checkInt("maxIter", maxIter === undefined ? 100 : maxIter, 1, 1e6);
    this.centers = centers.map(function (c) { return c.slice(); });
    this.trail = this.centers.map(function (c) { return [c.slice()]; });
    this.labels = null;
    this.phase = "init";
    this.rounds = 0;
    this.converged = false;
    this.steps = [];
  }

  Run.prototype.canAssign = function () { return !this.converged && this.phase !== "assigned"; };
  Run.prototype.canUpdate = function () {
    return !this.converged && this.phase === "assigned" && this.rounds < this.maxIter;
  };
  Run.prototype.finished = function () {
    return this.converged || (this.phase === "assigned" && this.rounds >= this.maxIter);
  };

  Run.prototype.assign = function () {
    if (!this.canAssign()) return null;
    var res = assignUnchecked(this.X, this.centers);
    var changed = 0;
    if (this.labels) {
      for (var i = 0; i < res.labels.length; i++) if (res.labels[i] !== this.labels[i]) changed++;
    } else {
      changed = res.labels.length;
    }
    var prev = this.labels;
    this.labels = res.labels;
    this.phase = "assigned";
    if (prev && sameLabels(prev, res.labels)) this.converged = true;
    var step = { kind: "assign", round: this.rounds, centers: this.centers, labels: res.labels,
      inertia: res.inertia, changed: changed };
    this.steps.push(step);
    return step;
  };

  Run.prototype.update = function () {
    if (!this.canUpdate()) return null;
    var newCenters = updateCenters(this.X, this.labels, this.centers);
    this.rounds += 1;
    var moved = 0;
    for (var j = 0; j < this.k; j++) {
      moved = Math.max(moved, Math.sqrt(sqDist(newCenters[j], this.centers[j])));
      this.trail[j].push(newCenters[j].slice());
    }
    this.centers = newCenters;
    this.phase = "moved";
    var step = { kind: "update", round: this.rounds, centers: newCenters, labels: this.labels,
      inertia: inertia(this.X, this.labels, newCenters), moved: moved };
    this.steps.push(step);
    return step;
  };

  /** Nächster halber Schritt; ``null``, wenn der Lauf fertig ist. */
  Run.prototype.step = function () {
    if (this.converged) return null;
    return this.phase === "assigned" ? this.update() : this.assign();
  };

  /** Läuft bis zur Konvergenz (oder maxIter Runden); gibt die Zahl der Runden zurück. */
  Run.prototype.runToEnd = function () {
    while (this.step()) { /* weiter */ }
    return this.rounds;
  };

  /** Ganzer Lauf wie ``kmeans(X, init=centers)`` in Python; ``history`` wie dort. */
  function kmeans(X, centers, maxIter) {
    var run = new Run(X, centers, maxIter);
    run.runToEnd();
    var history = run.steps.filter(function (s) { return s.kind === "assign"; })
      .map(function (s) { return { centers: s.centers, labels: s.labels, inertia: s.inertia }; });
    var last = history[history.length - 1];
    return { centers: run.centers, labels: last.labels, inertia: last.inertia,
      nIter: run.rounds, converged: run.converged, history: history };
  }

  // ---- Voronoi-Zellen (für die Schattierung) ---------------------------------------------

  /** Schneidet ein konvexes Polygon mit der Halbebene {p: a·p ≤ b}. */
  function clipPolygon(poly, a, b) {
    var out = [];
    for (var i = 0; i < poly.length; i++) {
      var p = poly[i], q = poly[(i + 1) % poly.length];
      var fp = a[0] * p[0] + a[1] * p[1] - b, fq = a[0] * q[0] + a[1] * q[1] - b;
      if (fp <= 0) out.push(p);
      if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
        var t = fp / (fp - fq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
    return out;
  }

  /** Voronoi-Zelle jedes Zentrums (2D) im Rechteck box = [xmin, xmax, ymin, ymax]. */
  function voronoiCells(centers, box) {
    checkCenters("centers", centers, 2);
    return centers.map(function (c, i) {
      var poly = [[box[0], box[2]], [box[1], box[2]], [box[1], box[3]], [box[0], box[3]]];
      for (var j = 0; j < centers.length && poly.length; j++) {
        var o = centers[j];
        if (j === i || (o[0] === c[0] && o[1] === c[1])) {
          if (j < i && o[0] === c[0] && o[1] === c[1]) return [];  // doppeltes Zentrum
          continue;
        }
        // näher an c als an o: 2 (o − c)·p ≤ |o|² − |c|²
        var a = [2 * (o[0] - c[0]), 2 * (o[1] - c[1])];
        var b = o[0] * o[0] + o[1] * o[1] - c[0] * c[0] - c[1] * c[1];
        poly = clipPolygon(poly, a, b);
      }
      return poly;
    });
  }

  // ---- Beispieldaten (in etwa im Quadrat [−5, 5]², wie kibuch.data.synthetic.toy2d) -------

  var DATASETS = [
    { id: "wolken", label: "Drei Wolken" },
    { id: "halbmonde", label: "Halbmonde" },
    { id: "kreise", label: "Ring um Scheibe" },
    { id: "gestreckt", label: "Gestreckte Wolken" },
    { id: "ungleich", label: "Ungleich große Wolken" },
    { id: "gleichmaessig", label: "Gleichmäßig verteilt" }
  ];

  function clamp(v) { return Math.max(-5.8, Math.min(5.8, v)); }

  /** ``n`` Punkte des Beispiels ``name`` (siehe DATASETS), gezogen mit ``rand``. */
  function makeDataset(name, n, rand) {
    var ids = DATASETS.map(function (d) { return d.id; });
    if (ids.indexOf(name) < 0) {
      throw new RangeError("name muss einer von " + ids.join(", ") + " sein, nicht " +
        JSON.stringify(name) + ".");
    }
    checkInt("n", n, 1, 100000);
    checkRandom(rand);
    var X = [], i, t, c;
    if (name === "wolken") {
      var phase = rand() * 2 * Math.PI;
      var mids = [0, 1, 2].map(function (j) {
        var ang = phase + j * 2 * Math.PI / 3;
        return [3 * Math.cos(ang), 3 * Math.sin(ang)];
      });
      for (i = 0; i < n; i++) {
        c = mids[i % 3];
        X.push([c[0] + 0.9 * gauss(rand), c[1] + 0.9 * gauss(rand)]);
      }
    } else if (name === "halbmonde") {
      for (i = 0; i < n; i++) {
        t = Math.PI * rand();
        var upper = i % 2 === 0;
        var x = upper ? Math.cos(t) : 1 - Math.cos(t);
        var y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
        X.push([3.6 * (x - 0.5) + 0.3 * gauss(rand), 3.6 * (y - 0.25) + 0.3 * gauss(rand)]);
      }
    } else if (name === "kreise") {
      for (i = 0; i < n; i++) {
        var r = i % 2 === 0 ? 2 * Math.sqrt(rand()) : 3.6 + 1.2 * rand();
        t = 2 * Math.PI * rand();
        X.push([r * Math.cos(t), r * Math.sin(t)]);
      }
    } else if (name === "gestreckt") {
      var ys = [-3, 0, 3];
      for (i = 0; i < n; i++) {
        var along = 2.2 * gauss(rand), across = 0.35 * gauss(rand), y0 = ys[i % 3];
        // leicht schräg gestellte, lange schmale Wolken
        X.push([along * 0.94 - across * 0.34, y0 + along * 0.34 + across * 0.94]);
      }
    } else if (name === "ungleich") {
      for (i = 0; i < n; i++) {
        var m = i % 6;
        if (m < 4) X.push([-1.5 + 1.6 * gauss(rand), 0.5 + 1.6 * gauss(rand)]);
        else if (m === 4) X.push([3.6 + 0.35 * gauss(rand), 3.4 + 0.35 * gauss(rand)]);
        else X.push([3.4 + 0.35 * gauss(rand), -3.2 + 0.35 * gauss(rand)]);
      }
    } else {
      for (i = 0; i < n; i++) X.push([10 * rand() - 5, 10 * rand() - 5]);
    }
    return X.map(function (p) { return [clamp(p[0]), clamp(p[1])]; });
  }

  return {
    INITS: INITS,
    MAX_K: MAX_K,
    DATASETS: DATASETS,
    makeRng: makeRng,
    pairwiseSum: pairwiseSum,
    squaredDistances: squaredDistances,
    assign: assign,
    inertia: inertia,
    updateCenters: updateCenters,
    initCenters: initCenters,
    Run: Run,
    kmeans: kmeans,
    voronoiCells: voronoiCells,
    makeDataset: makeDataset
  };
});
