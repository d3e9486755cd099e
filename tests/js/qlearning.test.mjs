// Goldener Test: book/_static/widgets/lib/qlearning.js rechnet wie kibuch.scratch.qlearning.
// Referenzwerte: tests/js/fixtures/qlearning.json (erzeugt von make_fixtures_qlearning.py).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, loadLib } from "./helpers.mjs";

const QL = loadLib("qlearning.js");
const fixture = loadFixture("qlearning.json");

const TOL = 1e-12;  // verlangt; erreicht wird Gleichheit Bit für Bit (siehe maxErr unten)
let maxErr = 0;

function close(actual, expected, what) {
  const err = Math.abs(actual - expected);
  maxErr = Math.max(maxErr, err);
  assert.ok(err <= TOL, `${what}: ${actual} statt ${expected} (Abweichung ${err})`);
}

function closeTable(q, expected, what) {
  assert.equal(q.length, expected.length, `${what}: Zahl der Zustände`);
  expected.forEach((row, s) => row.forEach((v, a) => close(q[s][a], v, `${what}[${s}][${a}]`)));
}

const worlds = Object.fromEntries(
  Object.entries(fixture.worlds).map(([name, w]) => [name, new QL.GridWorld(w)]));

test("Aktionen wie in Python: hoch, rechts, runter, links", () => {
  assert.deepEqual(QL.ACTIONS, fixture.actions);
  assert.deepEqual(QL.ACTION_NAMES, ["hoch", "rechts", "runter", "links"]);
});

test("Die Standardwelt ist die Gitterwelt des Buchs", () => {
  const env = new QL.GridWorld();
  const ref = fixture.worlds.buch;
  assert.equal(env.height, ref.height);
  assert.equal(env.width, ref.width);
  assert.deepEqual(env.start, ref.start);
  assert.deepEqual(env.terminals, ref.terminals);
  assert.deepEqual(env.walls, ref.walls);
  assert.equal(env.stepReward, ref.stepReward);
});

for (const [name, ref] of Object.entries(fixture.worlds)) {
  test(`Übergänge und Belohnungen wie env.step in Python: Welt „${name}“`, () => {
    const env = worlds[name];
    assert.equal(env.nStates, ref.n_states);
    ref.transitions.forEach((row, s) => row.forEach(([next, reward, done], a) => {
      const t = env.step(s, a);
      assert.equal(t.next, next, `Folgezustand von (${s}, ${a})`);
      assert.equal(t.reward, reward, `Belohnung von (${s}, ${a})`);
      assert.equal(t.done, done, `Ende nach (${s}, ${a})`);
    }));
  });
}

for (const run of fixture.runs) {
  const label = `Welt „${run.world}“, α = ${run.alpha}, γ = ${run.gamma}`;
  test(`Q-Tabelle nach ${run.actions.length} Aktualisierungen wie Python: ${label}`, () => {
    const env = worlds[run.world];
    let i = 0;
    const choose = (s) => {
      assert.equal(s, run.states[i], `Zustand bei Wahl ${i}`);
      return run.actions[i++];
    };
    const res = QL.train(env, { episodes: run.episodes, alpha: run.alpha, gamma: run.gamma,
      epsilon: 0, maxSteps: run.max_steps }, choose);
    assert.equal(i, run.actions.length, "alle Aktionen der Folge verbraucht");
    closeTable(res.q, run.q, "Q");
    run.returns.forEach((v, e) => close(res.returns[e], v, `Summe der Belohnungen, Episode ${e}`));
    assert.deepEqual(res.lengths, run.lengths);
    assert.deepEqual(res.visits, run.visits);
  });

  test(`Schritt für Schritt (wie im Widget) dasselbe: ${label}`, () => {
    const env = worlds[run.world];
    const q = QL.zeros(env);
    const cfg = { alpha: run.alpha, gamma: run.gamma, epsilon: 0, maxSteps: run.max_steps };
    let i = 0;
    for (let e = 0; e < run.episodes; e++) {
      const ep = QL.startEpisode(env);
      while (QL.episodeStep(env, q, ep, cfg, () => run.actions[i++])) { /* weiter */ }
      close(ep.total, run.returns[e], `Episode ${e}`);
      assert.equal(ep.path.length, run.lengths[e] + 1);
    }
    closeTable(q, run.q, "Q");
  });
}

for (const vi of fixture.value_iteration) {
  test(`Value Iteration wie Python: Welt „${vi.world}“, γ = ${vi.gamma}`, () => {
    const env = worlds[vi.world];
    const q = QL.valueIteration(env, vi.gamma);
    closeTable(q, vi.q, "Q*");
    assert.deepEqual(QL.greedyPath(env, q), vi.greedy_path);
    const grid = QL.valueGrid(env, q);  // wie value_grid: Wände und Endfelder NaN
    assert.equal(grid.length, env.height);
    grid.forEach((row, r) => row.forEach((v, c) => {
      const s = r * env.width + c;
      if (env.isTerminal(s) || env.isWall(s)) assert.ok(Number.isNaN(v));
      else assert.equal(v, Math.max(...vi.q[s]));
    }));
  });
}

test("ε-greedy: Anteil der Erkundung ≈ ε, Gleichstände gleich verteilt", () => {
  const rand = QL.makeRng(1);
  const row = Float64Array.from([0, 0.5, 0.5, 0.1]);
  const counts = [0, 0, 0, 0];
  const n = 20000;
  for (let i = 0; i < n; i++) counts[QL.epsilonGreedy(row, 0.2, rand)]++;
  // Erwartet: 0,05 für die Aktionen 0 und 3, je 0,45 für 1 und 2.
  const expect = [0.05, 0.45, 0.45, 0.05];
  counts.forEach((c, a) => {
    const sd = Math.sqrt(expect[a] * (1 - expect[a]) / n);
    assert.ok(Math.abs(c / n - expect[a]) < 5 * sd, `Aktion ${a}: ${c / n}`);
  });
  for (let i = 0; i < 100; i++) assert.equal(QL.epsilonGreedy(row, 0, rand) % 3 !== 0, true);
});

test("Mit ε = 1, α = 1 und vielen Episoden: Q-Learning erreicht die Value Iteration", () => {
  const env = new QL.GridWorld();
  const res = QL.train(env, { episodes: 1500, alpha: 1, gamma: 0.9, epsilon: 1 }, null,
    QL.makeRng(0));
  const star = QL.valueIteration(env, 0.9);
  let dev = 0;
  star.forEach((row, s) => row.forEach((v, a) => { dev = Math.max(dev, Math.abs(res.q[s][a] - v)); }));
  assert.ok(dev < 1e-6, `Abweichung ${dev}`);
  assert.deepEqual(QL.greedyPath(env, res.q).at(-1), [0, 4]);
  assert.equal(QL.greedyPath(env, res.q).length - 1, 7);
});

test("Fehler nennen das Argument (auf Deutsch)", () => {
  const env = new QL.GridWorld();
  assert.throws(() => env.step(20, 0), /state muss zwischen 0 und 19/);
  assert.throws(() => env.step(0, 4), /action muss zwischen 0 und 3/);
  assert.throws(() => QL.train(env, { alpha: 0 }), /alpha muss größer als 0/);
  assert.throws(() => QL.train(env, { gamma: 1.5 }), /gamma darf höchstens 1/);
  assert.throws(() => new QL.GridWorld({ start: [0, 4] }), /Startfeld/);
  assert.throws(() => new QL.GridWorld({ walls: [[0, 4]] }), /Wand und Endfeld/);
  assert.throws(() => new QL.GridWorld({ start: [9, 0] }), /start \(Zeile\)/);
});

// Nach allen Tests: erreichte Genauigkeit (bisher 0, also Gleichheit Bit für Bit).
after(() => console.log(`# qlearning.js: größte Abweichung von Python ${maxErr}`));
