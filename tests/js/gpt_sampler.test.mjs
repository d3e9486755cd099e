// Golden-Test für lib/gpt.js: dieselben Zahlen wie PyTorch (kibuch.nn.gpt, kibuch.text.sampling).
// Die Fixture schreibt tests/js/make_fixtures_gpt.py; Aufruf: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, loadLib } from "./helpers.mjs";

const G = loadLib("gpt.js");
const fixture = loadFixture("gpt.json");
const TOL = 1e-4;

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

for (const dtype of ["float32", "float16"]) {
  const data = fixture[dtype];

  test(`${dtype}: Logits wie PyTorch für feste Anfänge`, (t) => {
    const model = G.fromData(data);
    assert.equal(data.dtype, dtype);
    let worst = 0;
    for (const ref of data.references) {
      const { ids, unknown } = model.encode(ref.prompt);
      assert.deepEqual(unknown, []);
      assert.deepEqual(ids, ref.ids);
      worst = Math.max(worst, maxDiff(model.logits(ids), ref.logits));
    }
    t.diagnostic(`größte Abweichung der Logits: ${worst.toExponential(2)}`);
    assert.ok(worst < TOL, `Abweichung ${worst}`);
  });

  test(`${dtype}: Greedy-Decoding über die Kontextlänge hinaus wie generate()`, () => {
    const model = G.fromData(data);
    const start = model.encode(data.greedy.prompt).ids;
    assert.ok(start.length + data.greedy.ids.length > data.config.block_size);
    const out = model.greedy(start, data.greedy.ids.length);
    assert.deepEqual(out, data.greedy.ids);
    assert.equal(model.decode(out), data.greedy.text);
  });
}

test("KV-Cache: Schritt für Schritt dieselben Logits wie der ganze Kontext", (t) => {
  const model = G.fromData(fixture.float32);
  const ids = model.encode(fixture.float32.references[2].prompt).ids;  // länger als block_size
  const ctx = new G.Context(model, ids.slice(0, 2));
  let worst = maxDiff(ctx.logits, model.logits(ids.slice(0, 2)));
  for (let n = 3; n <= ids.length; n++) {
    ctx.push(ids[n - 1]);
    worst = Math.max(worst, maxDiff(ctx.logits, model.logits(ids.slice(0, n))));
  }
  t.diagnostic(`größte Abweichung: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-12);
});

test("Unbekannte Zeichen werden ausgelassen und gemeldet", () => {
  const model = G.fromData(fixture.float32);
  const { ids, unknown } = model.encode("a€bx€");
  assert.deepEqual(unknown, ["€", "x"]);
  assert.equal(model.decode(ids), "ab");
});

test("filterLogits entspricht kibuch.text.sampling.filter_logits", (t) => {
  let worst = 0;
  for (const c of fixture.sampling) {
    const scores = G.filterLogits(Float32Array.from(c.logits),
      { temperature: c.temperature, topK: c.top_k, topP: c.top_p });
    const label = JSON.stringify([c.temperature, c.top_k, c.top_p, c.logits.length]);
    for (let i = 0; i < scores.length; i++) {
      if (c.scores[i] === null) {
        assert.equal(scores[i], -Infinity, `${label}: Zeichen ${i} müsste wegfallen`);
      } else {
        assert.ok(Number.isFinite(scores[i]), `${label}: Zeichen ${i} müsste bleiben`);
        worst = Math.max(worst, Math.abs(scores[i] - c.scores[i]));
      }
    }
  }
  t.diagnostic(`${fixture.sampling.length} Fälle, größte Abweichung ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5);
});

test("filterLogits lehnt unsinnige Einstellungen ab", () => {
  const logits = [1, 2, 3];
  assert.throws(() => G.filterLogits(logits, { temperature: 0 }), /temperature/);
  assert.throws(() => G.filterLogits(logits, { topK: 0 }), /top_k/);
  assert.throws(() => G.filterLogits(logits, { topK: 1.5 }), /top_k/);
  assert.throws(() => G.filterLogits(logits, { topP: 0 }), /top_p/);
  assert.throws(() => G.filterLogits(logits, { topP: 1.2 }), /top_p/);
});

test("erf und GELU ohne Näherung", (t) => {
  const { x, y } = fixture.erf;
  const worst = maxDiff(x.map(G.erf), y);
  t.diagnostic(`erf: größte Abweichung von math.erf ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-14);
  assert.equal(G.gelu(0), 0);
  assert.ok(Math.abs(G.gelu(1) - 0.8413447460685429) < 1e-15);
});

test("Ziehen: reproduzierbar mit Seed und nur aus erlaubten Zeichen", () => {
  const a = G.mulberry32(42), b = G.mulberry32(42), c = G.mulberry32(43);
  const seqA = Array.from({ length: 5 }, a), seqB = Array.from({ length: 5 }, b);
  assert.deepEqual(seqA, seqB);
  assert.notDeepEqual(seqA, Array.from({ length: 5 }, c));
  assert.ok(seqA.every((u) => u >= 0 && u < 1));
  const probs = G.softmax(G.filterLogits([0, 3, 1, 2], { topK: 2 }));
  assert.equal(probs[0], 0);
  assert.equal(probs[2], 0);
  const rng = G.mulberry32(7), counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[G.sampleIndex(probs, rng())]++;
  assert.equal(counts[0] + counts[2], 0);
  assert.ok(Math.abs(counts[1] / 4000 - probs[1]) < 0.03);
  assert.equal(G.sampleIndex(probs, 0.9999999999), 3);  // das letzte erlaubte Zeichen
});

test("Base64 und float16 dekodieren", () => {
  assert.deepEqual(Array.from(G.base64Bytes("AAEC/w==")), [0, 1, 2, 255]);
  assert.throws(() => G.base64Bytes("AA$A"), /Base64/);
  assert.equal(G.halfToFloat(0x3c00), 1);
  assert.equal(G.halfToFloat(0xc000), -2);
  assert.equal(G.halfToFloat(0x0001), Math.pow(2, -24));
  assert.equal(G.halfToFloat(0x7c00), Infinity);
  const w = G.decodeArray(fixture.float32.tensors["wte.weight"]);
  const h = G.decodeArray(fixture.float16.tensors["wte.weight"]);
  assert.equal(w.length, fixture.float32.config.vocab_size * fixture.float32.config.n_embd);
  assert.ok(maxDiff(w, h) < 2e-3);  // float16 rundet auf etwa drei Stellen
  assert.throws(() => G.decodeArray({ dtype: "float32", shape: [3], data: "AAAA" }), /Länge/);
});
