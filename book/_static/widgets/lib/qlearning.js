/* Tabellarisches Q-Learning in der Gitterwelt des Buchs – dieselbe Umgebung und dieselbe
 * Aktualisierung wie code/kibuch/scratch/qlearning.py:
 *
 *   Q(s, a) ← Q(s, a) + α · (r + γ · max_a' Q(s', a') − Q(s, a))   (ohne γ-Term am Ende)
 *
 * Klassisches Skript im UMD-Stil: im Browser als window.KibuchQLearning, in Node über
 * module.exports (tests/js/qlearning.test.mjs). Zustände sind zeilenweise durchnummerierte
 * Felder (Zeile 0 oben), Aktionen 0 … 3 = hoch, rechts, runter, links.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.KibuchQLearning = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var ACTIONS = [[-1, 0], [0, 1], [1, 0], [0, -1]];
  var ACTION_NAMES = ["hoch", "rechts", "runter", "links"];
  var ACTION_ARROWS = ["↑", "→", "↓", "←"];

  // ---- Argumentprüfung ---------------------------------------------------------------------

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

  function checkFloat(name, value, min, max, openMin) {
    if (typeof value !== "number" || !isFinite(value)) {
      throw new TypeError(name + " muss eine endliche Zahl sein, nicht " + value + ".");
    }
    if (min !== undefined && (value < min || (openMin && value === min))) {
      throw new RangeError(name + " muss " + (openMin ? "größer als " : "mindestens ") + min +
        " sein, nicht " + value + ".");
    }
    if (max !== undefined && value > max) {
      throw new RangeError(name + " darf höchstens " + max + " sein, nicht " + value + ".");
    }
    return value;
  }

  function checkCell(name, cell, height, width) {
    if (!Array.isArray(cell) || cell.length !== 2) {
      throw new TypeError(name + " muss ein Paar [Zeile, Spalte] sein, nicht " +
        JSON.stringify(cell) + ".");
    }
    checkInt(name + " (Zeile)", cell[0], 0, height - 1);
    checkInt(name + " (Spalte)", cell[1], 0, width - 1);
    return cell;
  }

  function checkConfig(cfg) {
    if (!cfg || typeof cfg !== "object") {
      throw new TypeError("config muss ein Objekt {alpha, gamma, epsilon, maxSteps} sein.");
    }
    var out = {
      alpha: checkFloat("alpha", cfg.alpha === undefined ? 0.5 : cfg.alpha, 0, 1, true),
      gamma: checkFloat("gamma", cfg.gamma === undefined ? 0.9 : cfg.gamma, 0, 1),
      epsilon: checkFloat("epsilon", cfg.epsilon === undefined ? 0.1 : cfg.epsilon, 0, 1),
      maxSteps: checkInt("maxSteps", cfg.maxSteps === undefined ? 100 : cfg.maxSteps, 1, 1e7)
    };
    if (cfg.episodes !== undefined) out.episodes = checkInt("episodes", cfg.episodes, 1, 1e8);
    return out;
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

  // ---- Die Gitterwelt ------------------------------------------------------------------------

  /** Gitterwelt wie ``GridWorld()`` in Python; ``opts`` überschreibt einzelne Felder.
   *
   * ``terminals`` ist eine Liste [[Zeile, Spalte, Belohnung], …], ``walls`` eine Liste von
   * Feldern [Zeile, Spalte]. Standard: 4 × 5 Felder, Start unten links, großer Schatz (+1)
   * oben rechts, kleiner Schatz (+0,3) zwei Felder rechts vom Start, Falle (−1) dazwischen.
   */
  function GridWorld(opts) {
    opts = opts || {};
    this.height = checkInt("height", opts.height === undefined ? 4 : opts.height, 1, 1000);
    this.width = checkInt("width", opts.width === undefined ? 5 : opts.width, 1, 1000);
    var h = this.height, w = this.width;
    this.start = checkCell("start", opts.start || [3, 0], h, w).slice();
    this.stepReward = checkFloat("stepReward", opts.stepReward === undefined ? 0 :
      opts.stepReward);
    var terms = opts.terminals || [[0, 4, 1.0], [3, 2, 0.3], [1, 2, -1.0]];
    if (!Array.isArray(terms) || !terms.length) {
      throw new RangeError("terminals: Die Gitterwelt braucht mindestens ein Endfeld.");
    }
    var walls = opts.walls || [];
    if (!Array.isArray(walls)) throw new TypeError("walls muss eine Liste von Feldern sein.");
    this.reward = new Float64Array(h * w);     // Belohnung beim Betreten eines Endfelds
    this.terminal = new Uint8Array(h * w);
    this.wall = new Uint8Array(h * w);
    var self = this;
    this.terminals = terms.map(function (t, i) {
      if (!Array.isArray(t) || t.length !== 3) {
        throw new TypeError("terminals[" + i + "] muss [Zeile, Spalte, Belohnung] sein.");
      }
      checkCell("terminals[" + i + "]", [t[0], t[1]], h, w);
      checkFloat("terminals[" + i + "] (Belohnung)", t[2]);
      var s = t[0] * w + t[1];
      self.terminal[s] = 1;
      self.reward[s] = t[2];
      return [t[0], t[1], t[2]];
    });
    this.walls = walls.map(function (c, i) {
      checkCell("walls[" + i + "]", c, h, w);
      var s = c[0] * w + c[1];
      if (self.terminal[s]) {
        throw new RangeError("Ein Feld kann nicht zugleich Wand und Endfeld sein.");
      }
      self.wall[s] = 1;
      return [c[0], c[1]];
    });
    var s0 = this.start[0] * w + this.start[1];
    if (this.wall[s0] || this.terminal[s0]) {
      throw new RangeError("Das Startfeld darf weder Wand noch Endfeld sein.");
    }
    this.nStates = h * w;
    this.nActions = ACTIONS.length;
    this.startState = s0;
  }

  GridWorld.prototype.state = function (cell) {
    checkCell("cell", cell, this.height, this.width);
    return cell[0] * this.width + cell[1];
  };
  GridWorld.prototype.cell = function (state) {
    checkInt("state", state, 0, this.nStates - 1);
    return [Math.floor(state / this.width), state % this.width];
  };
  GridWorld.prototype.isTerminal = function (state) { return this.terminal[state] === 1; };
  GridWorld.prototype.isWall = function (state) { return this.wall[state] === 1; };

  /** Ein deterministischer Schritt: {next, reward, done}. Rand und Wand lassen stehen. */
  GridWorld.prototype.step = function (state, action) {
    checkInt("state", state, 0, this.nStates - 1);
    checkInt("action", action, 0, this.nActions - 1);
    return this._step(state, action);
  };
  GridWorld.prototype._step = function (state, action) {
    var w = this.width, r = Math.floor(state / w), c = state % w;
    var nr = r + ACTIONS[action][0], nc = c + ACTIONS[action][1];
    if (nr < 0 || nr >= this.height || nc < 0 || nc >= w || this.wall[nr * w + nc]) {
      nr = r; nc = c;
    }
    var s = nr * w + nc;
    if (this.terminal[s]) return { next: s, reward: this.reward[s], done: true };
    return { next: s, reward: this.stepReward, done: false };
  };

  // ---- Q-Tabelle und Aktualisierung -----------------------------------------------------

  function zeros(env) {
    var q = [];
    for (var s = 0; s < env.nStates; s++) q.push(new Float64Array(env.nActions));
    return q;
  }

  function rowMax(row) {
    var m = row[0];
    for (var a = 1; a < row.length; a++) if (row[a] > m) m = row[a];
    return m;
  }

  /** Alle Aktionen mit dem größten Q-Wert (Gleichstand: mehrere). */
  function bestActions(row) {
    var m = rowMax(row), out = [];
    for (var a = 0; a < row.length; a++) if (row[a] === m) out.push(a);
    return out;
  }

  /** Mit Wahrscheinlichkeit ``epsilon`` zufällig, sonst die beste Aktion; Gleichstand zufällig. */
  function epsilonGreedy(row, epsilon, rand) {
    if (rand() < epsilon) return Math.floor(rand() * row.length);
    var best = bestActions(row);
    return best[Math.floor(rand() * best.length)];
  }

  /** Eine Aktualisierung nach Gleichung (eq-qlearning); gibt den neuen Wert Q(s, a) zurück. */
  function update(q, s, a, r, sNext, done, alpha, gamma) {
    var target = done ? r : r + gamma * rowMax(q[sNext]);
    q[s][a] += alpha * (target - q[s][a]);
    return q[s][a];
  }

  /** Neue Episode am Start: {state, total, steps, done, path}. */
  function startEpisode(env) {
    return { state: env.startState, total: 0, steps: 0, done: false, path: [env.startState],
      actions: [] };
  }

  /** Ein Schritt der Episode ``ep``: Aktion wählen, gehen, Q nachführen (wie die Schleife
   * in ``q_learning``). ``choose(state, qRow)`` liefert die Aktion. Gibt false zurück, wenn
   * die Episode schon vorbei war. */
  function episodeStep(env, q, ep, cfg, choose) {
    if (ep.done) return false;
    ep.steps += 1;
    var s = ep.state;
    var a = choose(s, q[s]);
    var t = env._step(s, a);
    update(q, s, a, t.reward, t.next, t.done, cfg.alpha, cfg.gamma);
    ep.total += t.reward;
    ep.state = t.next;
    ep.path.push(t.next);
    ep.actions.push(a);
    if (t.done || ep.steps >= cfg.maxSteps) ep.done = true;
    ep.reachedTerminal = t.done;
    return true;
  }

  function epsilonChooser(cfg, rand) {
    return function (s, row) { return epsilonGreedy(row, cfg.epsilon, rand); };
  }

  /** Eine ganze Episode; ``choose`` wie bei episodeStep (Standard: ε-greedy mit rand). */
  function runEpisode(env, q, cfg, choose) {
    var ep = startEpisode(env);
    while (episodeStep(env, q, ep, cfg, choose)) { /* weiter */ }
    return ep;
  }

  /** Training wie ``q_learning(env, config)``: {q, returns, lengths, visits}.
   *
   * ``choose(state, qRow)`` ersetzt die ε-greedy-Wahl (z. B. für Tests mit fester Folge);
   * sonst zieht ``rand`` (Standard: makeRng(0)) die Erkundung.
   */
  function train(env, config, choose, rand) {
    if (!(env instanceof GridWorld)) throw new TypeError("env muss eine GridWorld sein.");
    var cfg = checkConfig(config);
    var episodes = cfg.episodes === undefined ? 500 : cfg.episodes;
    choose = choose || epsilonChooser(cfg, rand || makeRng(0));
    if (typeof choose !== "function") throw new TypeError("choose muss eine Funktion sein.");
    var q = zeros(env), visits = new Array(env.nStates).fill(0);
    var returns = [], lengths = [];
    for (var e = 0; e < episodes; e++) {
      var ep = runEpisode(env, q, cfg, choose);
      for (var i = 0; i < ep.path.length; i++) visits[ep.path[i]] += 1;
      returns.push(ep.total);
      lengths.push(ep.steps);
    }
    return { q: q, returns: returns, lengths: lengths, visits: visits };
  }

  /** Optimale Q-Werte aus dem bekannten Modell (wie ``value_iteration`` in Python). */
  function valueIteration(env, gamma, tol, maxIter) {
    checkFloat("gamma", gamma, 0, 1);
    tol = checkFloat("tol", tol === undefined ? 1e-12 : tol, 0, undefined, true);
    maxIter = checkInt("maxIter", maxIter === undefined ? 10000 : maxIter, 1, 1e7);
    var q = zeros(env), s, a;
    var active = [];
    for (s = 0; s < env.nStates; s++) if (!env.terminal[s] && !env.wall[s]) active.push(s);
    for (var it = 0; it < maxIter; it++) {
      var fresh = zeros(env), delta = 0;
      for (var i = 0; i < active.length; i++) {
        s = active[i];
        for (a = 0; a < env.nActions; a++) {
          var t = env._step(s, a);
          fresh[s][a] = t.done ? t.reward : t.reward + gamma * rowMax(q[t.next]);
        }
      }
      for (s = 0; s < env.nStates; s++) {
        for (a = 0; a < env.nActions; a++) delta = Math.max(delta, Math.abs(fresh[s][a] - q[s][a]));
      }
      q = fresh;
      if (delta < tol) return q;
    }
    throw new Error("Value Iteration ist nach " + maxIter + " Runden nicht konvergiert.");
  }

  /** Felder [Zeile, Spalte] des gierigen Wegs ab dem Start (Gleichstand: erste Aktion). */
  function greedyPath(env, q, maxSteps) {
    maxSteps = checkInt("maxSteps", maxSteps === undefined ? 50 : maxSteps, 1, 1e6);
    var s = env.startState, path = [env.cell(s)], seen = {};
    seen[s] = true;
    for (var i = 0; i < maxSteps; i++) {
      var t = env._step(s, bestActions(q[s])[0]);
      s = t.next;
      path.push(env.cell(s));
      if (t.done || seen[s]) break;
      seen[s] = true;
    }
    return path;
  }

  /** max_a Q(s, a) je Feld als Zeilen-Array; Wände und Endfelder sind NaN. */
  function valueGrid(env, q) {
    var grid = [];
    for (var r = 0; r < env.height; r++) {
      var row = [];
      for (var c = 0; c < env.width; c++) {
        var s = r * env.width + c;
        row.push(env.terminal[s] || env.wall[s] ? NaN : rowMax(q[s]));
      }
      grid.push(row);
    }
    return grid;
  }

  return {
    ACTIONS: ACTIONS,
    ACTION_NAMES: ACTION_NAMES,
    ACTION_ARROWS: ACTION_ARROWS,
    makeRng: makeRng,
    GridWorld: GridWorld,
    checkConfig: checkConfig,
    zeros: zeros,
    rowMax: rowMax,
    bestActions: bestActions,
    epsilonGreedy: epsilonGreedy,
    update: update,
    startEpisode: startEpisode,
    episodeStep: episodeStep,
    runEpisode: runEpisode,
    train: train,
    valueIteration: valueIteration,
    greedyPath: greedyPath,
    valueGrid: valueGrid
  };
});
