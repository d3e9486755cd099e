/*
 * KibuchGPT – das kleine Zeichen-GPT aus kibuch.nn.gpt im Browser (und in Node).
 *
 * Rechnet genau wie das PyTorch-Modell im Auswertungsmodus:
 *   x = wte[id] + wpe[pos]
 *   je Block (Pre-LN): x += proj(Attention(LN1(x)));  x += W2 · GELU(W1 · LN2(x))
 *   Attention: qkv = Linear(C → 3C), aufgeteilt in Q | K | V, je Kopf d = C / h Spalten,
 *              softmax(Q Kᵀ / √d) V mit kausaler Maske, dann die Ausgangsprojektion
 *   GELU exakt: 0,5 · x · (1 + erf(x / √2)) (wie nn.GELU() ohne Näherung)
 *   logits = wte · LN_f(x)  (Ausgabeschicht teilt die Gewichte mit dem Token-Embedding)
 * Kontext über block_size hinaus wird wie in GPT.generate abgeschnitten: solange der
 * KV-Cache Platz hat, wird nur das neue Zeichen gerechnet, danach jeweils das ganze
 * Fenster der letzten block_size Zeichen neu.
 *
 * Sampling wie kibuch.text.sampling.filter_logits: erst Temperatur, dann Top-k (bei
 * Gleichstand an der Grenze bleiben alle gleich großen), dann Top-p (die kleinste Menge der
 * wahrscheinlichsten Zeichen mit Masse ≥ p; das beste bleibt immer).
 *
 * Klassisches Skript (UMD): im Browser window.KibuchGPT, in Node module.exports.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KibuchGPT = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // ------------------------------------------------------------------ Base64 → Zahlen

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var B64_INDEX = new Int16Array(128).fill(-1);
  for (var bi = 0; bi < B64.length; bi++) B64_INDEX[B64.charCodeAt(bi)] = bi;

  /** Base64-Text → Uint8Array (ohne atob, damit es auch in Node gleich rechnet). */
  function base64Bytes(text) {
    var clean = text.replace(/=+$/, "");
    var n = Math.floor((clean.length * 3) / 4);
    var out = new Uint8Array(n);
    var buffer = 0, bits = 0, j = 0;
    for (var i = 0; i < clean.length; i++) {
      var code = clean.charCodeAt(i);
      var v = code < 128 ? B64_INDEX[code] : -1;
      if (v < 0) throw new Error("Ungültiges Base64-Zeichen an Stelle " + i + ".");
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[j++] = (buffer >> bits) & 255;
      }
    }
    return out;
  }

  /** float16 (als Bits) → Zahl. */
  function halfToFloat(h) {
    var sign = h & 0x8000 ? -1 : 1;
    var exp = (h >> 10) & 0x1f;
    var frac = h & 0x3ff;
    if (exp === 0) return sign * frac * Math.pow(2, -24);
    if (exp === 31) return frac ? NaN : sign * Infinity;
    return sign * (1 + frac / 1024) * Math.pow(2, exp - 15);
  }

  /**
   * Ein Eintrag {dtype, shape, data} aus kibuch.web.models.encode_array → Float32Array
   * (uint8 → Uint8Array). Little Endian, zeilenweise wie NumPy.
   */
  function decodeArray(entry) {
    var bytes = base64Bytes(entry.data);
    var count = entry.shape.reduce(function (a, b) { return a * b; }, 1);
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var out, i;
    if (entry.dtype === "float32") {
      if (bytes.length !== 4 * count) throw new Error("Falsche Länge der float32-Daten.");
      out = new Float32Array(count);
      for (i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    } else if (entry.dtype === "float16") {
      if (bytes.length !== 2 * count) throw new Error("Falsche Länge der float16-Daten.");
      out = new Float32Array(count);
      for (i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    } else if (entry.dtype === "uint8") {
      if (bytes.length !== count) throw new Error("Falsche Länge der uint8-Daten.");
      out = bytes;
    } else {
      throw new Error("Unbekannter Datentyp " + entry.dtype + ".");
    }
    return out;
  }

  // ------------------------------------------------------------------------ Bausteine

  var SQRT1_2 = Math.SQRT1_2;
  var TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  /**
   * Fehlerfunktion erf(x) auf etwa 1e-15 genau (JavaScript hat kein Math.erf):
   * |x| < 2,5: Reihe erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (nur positive
   * Glieder); sonst Kettenbruch für erfc. Ab |x| ≥ 6 ist erf(x) = ±1 in double-Genauigkeit.
   */
  function erf(x) {
    var ax = Math.abs(x);
    if (ax >= 6) return x > 0 ? 1 : -1;
    var result;
    if (ax < 2.5) {
      var x2 = ax * ax, term = ax, sum = ax;
      for (var n = 0; n < 200; n++) {
        term *= (2 * x2) / (2 * n + 3);
        sum += term;
        if (term < 1e-17 * sum) break;
      }
      result = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    } else {
      // erfc(x) = e^(−x²)/√π · 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + …)))))
      var f = ax;
      for (var k = 60; k >= 1; k--) f = ax + k / 2 / f;
      result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    }
    return x < 0 ? -result : result;
  }

  /** GELU ohne Näherung, wie torch.nn.GELU(). */
  function gelu(x) {
    return 0.5 * x * (1 + erf(x * SQRT1_2));
  }

  /** y = W x + b mit W (nOut, nIn) zeilenweise; x ab xOff, y ab yOff. */
  function linear(W, b, x, xOff, nIn, nOut, y, yOff) {
    for (var o = 0; o < nOut; o++) {
      var s = b ? b[o] : 0, row = o * nIn;
      for (var i = 0; i < nIn; i++) s += W[row + i] * x[xOff + i];
      y[yOff + o] = s;
    }
  }

  /** LayerNorm über C Werte (biased Varianz, eps wie torch). */
  function layerNorm(x, off, C, w, b, eps, y, yOff) {
    var mean = 0, i;
    for (i = 0; i < C; i++) mean += x[off + i];
    mean /= C;
    var v = 0;
    for (i = 0; i < C; i++) {
      var d = x[off + i] - mean;
      v += d * d;
    }
    var inv = 1 / Math.sqrt(v / C + eps);
    for (i = 0; i < C; i++) y[yOff + i] = (x[off + i] - mean) * inv * w[i] + b[i];
  }

  // ---------------------------------------------------------------------------- Modell

  function Model(data) {
    var c = data.config;
    if (!c || !data.tensors || !data.chars) throw new Error("Unvollständige GPT-Daten.");
    if (c.norm !== "pre-ln" || c.activation !== "gelu_erf" || !c.tied_head) {
      throw new Error("Diese GPT-Variante kennt lib/gpt.js nicht.");
    }
    this.config = c;
    this.chars = data.chars.slice();
    this.stoi = {};
    for (var i = 0; i < this.chars.length; i++) this.stoi[this.chars[i]] = i;
    var t = {};
    Object.keys(data.tensors).forEach(function (name) { t[name] = decodeArray(data.tensors[name]); });
    this.t = t;
    this.layers = [];
    for (var l = 0; l < c.n_layer; l++) {
      var p = "blocks." + l + ".";
      this.layers.push({
        ln1w: t[p + "ln1.weight"], ln1b: t[p + "ln1.bias"],
        qkvW: t[p + "attn.qkv.weight"], qkvB: t[p + "attn.qkv.bias"],
        projW: t[p + "attn.proj.weight"], projB: t[p + "attn.proj.bias"],
        ln2w: t[p + "ln2.weight"], ln2b: t[p + "ln2.bias"],
        ff1W: t[p + "ff.0.weight"], ff1B: t[p + "ff.0.bias"],
        ff2W: t[p + "ff.2.weight"], ff2B: t[p + "ff.2.bias"],
      });
    }
    this.wte = t["wte.weight"];
    this.wpe = t["wpe.weight"];
    this.lnfW = t["ln_f.weight"];
    this.lnfB = t["ln_f.bias"];
    var C = c.n_embd, F = c.ff_mult * C;
    // Arbeitsspeicher für eine Position
    this._h = new Float64Array(C);
    this._qkv = new Float64Array(3 * C);
    this._att = new Float64Array(C);
    this._tmp = new Float64Array(C);
    this._ff = new Float64Array(F);
    this._scores = new Float64Array(c.block_size);
  }

  /** Text → {ids, unknown}: unbekannte Zeichen werden ausgelassen und gemeldet. */
  Model.prototype.encode = function (text) {
    var ids = [], unknown = [];
    for (var ch of text) {
      if (Object.prototype.hasOwnProperty.call(this.stoi, ch)) ids.push(this.stoi[ch]);
      else if (unknown.indexOf(ch) < 0) unknown.push(ch);
    }
    return { ids: ids, unknown: unknown };
  };

  Model.prototype.decode = function (ids) {
    var chars = this.chars;
    return ids.map(function (i) { return chars[i]; }).join("");
  };

  /** Leerer KV-Cache: je Block K und V für bis zu block_size Positionen. */
  Model.prototype.emptyCache = function () {
    var c = this.config, layers = [];
    for (var l = 0; l < c.n_layer; l++) {
      layers.push({ k: new Float64Array(c.block_size * c.n_embd),
                    v: new Float64Array(c.block_size * c.n_embd) });
    }
    return { layers: layers, length: 0 };
  };

  /**
   * Schickt ein Token an Position cache.length durch das Netz, legt K und V im Cache ab
   * und gibt die Logits (Float64Array, V) zurück, wenn wantLogits gilt. Mit kvOnly
   * endet die Rechnung im letzten Block nach K und V: Mehr braucht niemand von einer
   * Position, die weder Logits liefert noch später im Cache weiterverwendet wird.
   */
  Model.prototype._position = function (id, cache, wantLogits, kvOnly) {
    var c = this.config, C = c.n_embd, H = c.n_head, D = C / H, F = c.ff_mult * C;
    var pos = cache.length;
    if (pos >= c.block_size) throw new Error("KV-Cache voll.");
    if (!(id >= 0 && id < c.vocab_size)) throw new Error("Token-ID " + id + " außerhalb.");
    var x = new Float64Array(C), i;
    for (i = 0; i < C; i++) x[i] = this.wte[id * C + i] + this.wpe[pos * C + i];
    var h = this._h, qkv = this._qkv, att = this._att, tmp = this._tmp, ff = this._ff;
    var scores = this._scores, scale = 1 / Math.sqrt(D);
    for (var l = 0; l < this.layers.length; l++) {
      var L = this.layers[l], K = cache.layers[l].k, V = cache.layers[l].v;
      layerNorm(x, 0, C, L.ln1w, L.ln1b, c.ln_eps, h, 0);
      linear(L.qkvW, L.qkvB, h, 0, C, 3 * C, qkv, 0);
      for (i = 0; i < C; i++) {
        K[pos * C + i] = qkv[C + i];
        V[pos * C + i] = qkv[2 * C + i];
      }
      if (kvOnly && l === this.layers.length - 1) break;
      for (var hd = 0; hd < H; hd++) {
        var off = hd * D, max = -Infinity, s, j, d;
        for (j = 0; j <= pos; j++) {  // kausal: nur Positionen bis einschließlich pos
          s = 0;
          for (d = 0; d < D; d++) s += qkv[off + d] * K[j * C + off + d];
          s *= scale;
          scores[j] = s;
          if (s > max) max = s;
        }
        var total = 0;
        for (j = 0; j <= pos; j++) {
          scores[j] = Math.exp(scores[j] - max);
          total += scores[j];
        }
        for (d = 0; d < D; d++) att[off + d] = 0;
        for (j = 0; j <= pos; j++) {
          var w = scores[j] / total;
          for (d = 0; d < D; d++) att[off + d] += w * V[j * C + off + d];
        }
      }
      linear(L.projW, L.projB, att, 0, C, C, tmp, 0);
      for (i = 0; i < C; i++) x[i] += tmp[i];
      layerNorm(x, 0, C, L.ln2w, L.ln2b, c.ln_eps, h, 0);
      linear(L.ff1W, L.ff1B, h, 0, C, F, ff, 0);
      for (i = 0; i < F; i++) ff[i] = gelu(ff[i]);
      linear(L.ff2W, L.ff2B, ff, 0, F, C, tmp, 0);
      for (i = 0; i < C; i++) x[i] += tmp[i];
    }
    cache.length = pos + 1;
    if (!wantLogits) return null;
    layerNorm(x, 0, C, this.lnfW, this.lnfB, c.ln_eps, h, 0);
    var logits = new Float64Array(c.vocab_size);
    linear(this.wte, null, h, 0, C, c.vocab_size, logits, 0);  // geteilte Gewichte
    return logits;
  };

  /** Logits des nächsten Zeichens nach ids (höchstens die letzten block_size zählen). */
  Model.prototype.logits = function (ids) {
    if (!ids.length) throw new Error("Mindestens ein Zeichen nötig.");
    return this._window(ids, this.emptyCache());
  };

  /** Rechnet die letzten block_size Zeichen von ids in einen leeren Cache; Logits am Ende. */
  Model.prototype._window = function (ids, cache) {
    var window = ids.slice(-this.config.block_size), last = window.length - 1, out = null;
    var full = window.length === this.config.block_size;  // danach wird ohnehin neu gerechnet
    for (var i = 0; i <= last; i++) {
      out = this._position(window[i], cache, i === last, full && i < last);
    }
    return out;
  };

  /**
   * Laufender Kontext zum Generieren: ctx.logits gehört zum nächsten Zeichen,
   * ctx.push(id) hängt ein Zeichen an (mit KV-Cache wie GPT.generate).
   */
  function Context(model, ids) {
    if (!ids.length) throw new Error("Mindestens ein Zeichen nötig.");
    this.model = model;
    this.ids = ids.slice();
    this._restart();
  }

  Context.prototype._restart = function () {
    this.cache = this.model.emptyCache();
    this.logits = this.model._window(this.ids, this.cache);
  };

  Context.prototype.push = function (id) {
    this.ids.push(id);
    if (this.cache.length < this.model.config.block_size) {
      this.logits = this.model._position(id, this.cache, true);  // nur das neue Zeichen
    } else {
      this._restart();  // Fenster voll: die letzten block_size Zeichen neu rechnen
    }
    return this.logits;
  };

  /** Greedy-Decoding: n Zeichen, immer das wahrscheinlichste (wie generate(greedy=True)). */
  Model.prototype.greedy = function (ids, n) {
    var ctx = new Context(this, ids), out = [];
    for (var i = 0; i < n; i++) {
      var best = argmax(ctx.logits);
      out.push(best);
      if (i < n - 1) ctx.push(best);
    }
    return out;
  };

  // -------------------------------------------------------------------------- Sampling

  function argmax(a) {
    var best = 0;
    for (var i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
    return best;
  }

  /** Softmax (−Infinity → 0). */
  function softmax(scores) {
    var max = -Infinity, i, out = new Float64Array(scores.length), total = 0;
    for (i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
    for (i = 0; i < scores.length; i++) {
      out[i] = scores[i] === -Infinity ? 0 : Math.exp(scores[i] - max);
      total += out[i];
    }
    for (i = 0; i < scores.length; i++) out[i] /= total;
    return out;
  }

  /**
   * Wie kibuch.text.sampling.filter_logits: logits / T, dann Top-k, dann Top-p; aussortierte
   * Zeichen werden −Infinity. topK / topP: null oder undefined = aus.
   */
  function filterLogits(logits, options) {
    options = options || {};
    var T = options.temperature === undefined ? 1 : options.temperature;
    if (!(T > 0) || !isFinite(T)) throw new Error("temperature muss > 0 sein.");
    var n = logits.length, i, scores = new Float64Array(n);
    for (i = 0; i < n; i++) scores[i] = logits[i] / T;
    var k = options.topK;
    if (k !== null && k !== undefined) {
      if (!(k >= 1) || Math.floor(k) !== k) throw new Error("top_k muss eine ganze Zahl ≥ 1 sein.");
      var sorted = Array.prototype.slice.call(scores).sort(function (a, b) { return b - a; });
      var kth = sorted[Math.min(k, n) - 1];
      for (i = 0; i < n; i++) if (scores[i] < kth) scores[i] = -Infinity;
    }
    var p = options.topP;
    if (p !== null && p !== undefined) {
      if (!(p > 0 && p <= 1)) throw new Error("top_p muss in (0, 1] liegen.");
      // aufsteigend sortieren: die unwahrscheinlichsten zuerst (stabil nach Index)
      var order = [];
      for (i = 0; i < n; i++) order.push(i);
      order.sort(function (a, b) { return scores[a] - scores[b] || a - b; });
      var ascending = new Float64Array(n);
      for (i = 0; i < n; i++) ascending[i] = scores[order[i]];
      var probs = softmax(ascending), cum = 0, limit = 1 - p;
      for (i = 0; i < n - 1; i++) {  // das beste (letzte) bleibt immer
        cum += probs[i];
        if (cum <= limit) scores[order[i]] = -Infinity;
      }
    }
    return scores;
  }

  /** Zieht einen Index gemäß probs mit einer Zufallszahl u ∈ [0, 1). */
  function sampleIndex(probs, u) {
    var cum = 0, last = -1;
    for (var i = 0; i < probs.length; i++) {
      if (probs[i] <= 0) continue;
      cum += probs[i];
      last = i;
      if (u < cum) return i;
    }
    return last;  // Rundung: u liegt knapp über der Summe
  }

  /** Reproduzierbarer Zufallszahlengenerator (mulberry32): rng() ∈ [0, 1). */
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  return {
    Model: Model,
    Context: Context,
    fromData: function (data) { return new Model(data); },
    decodeArray: decodeArray,
    base64Bytes: base64Bytes,
    halfToFloat: halfToFloat,
    erf: erf,
    gelu: gelu,
    softmax: softmax,
    filterLogits: filterLogits,
    sampleIndex: sampleIndex,
    argmax: argmax,
    mulberry32: mulberry32,
  };
});
