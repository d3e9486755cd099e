/*
 * KibuchCNN – das ConvNet aus kibuch.nn.convnet im Browser (und in Node).
 *
 * Rechnet wie das PyTorch-Modell im Auswertungsmodus:
 *   x = (Bild − mean) / std                      (Normierung mit den Trainingsbildern)
 *   je Block: 3×3-Faltung mit Padding 1 → ReLU (→ 2×2-Max-Pooling, außer im letzten Block)
 *   Mittelwert-Pooling auf grid × grid (wie nn.AdaptiveAvgPool2d) → Linear → Logits
 * BatchNorm steckt schon in den Faltungen: kibuch.web.models.cnn_payload fasst beim Export
 * jede Faltung mit ihrer BatchNorm (gespeicherte Mittelwerte und Varianzen) zu einer
 * Faltung mit Bias zusammen. Dropout wirkt beim Auswerten nicht.
 *
 * preprocess() bringt eine Zeichnung ins MNIST-Format, genau wie
 * kibuch.web.models.mnist_preprocess: Umriss, auf 20 × 20 skalieren (Flächenmittelung),
 * Schwerpunkt auf Pixel (14, 14).
 *
 * Klassisches Skript (UMD): im Browser window.KibuchCNN, in Node module.exports.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.KibuchCNN = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // ------------------------------------------------------------------ Base64 → Zahlen

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var B64_INDEX = new Int16Array(128).fill(-1);
  for (var bi = 0; bi < B64.length; bi++) B64_INDEX[B64.charCodeAt(bi)] = bi;

  function base64Bytes(text) {
    var clean = text.replace(/=+$/, "");
    var out = new Uint8Array(Math.floor((clean.length * 3) / 4));
    var buffer = 0, bits = 0, j = 0;
    for (var i = 0; i < clean.length; i++) {
      var code = clean.charCodeAt(i);
      var v = code < 128 ? B64_INDEX[code] : -1;
      if (v < 0) throw new Error("Ungültiges Base64-Zeichen an Stelle " + i + ".");
      buffer = ((buffer << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[j++] = (buffer >> bits) & 255;
      }
    }
    return out;
  }

  /** {dtype, shape, data} aus kibuch.web.models.encode_array → Float32Array / Uint8Array. */
  function decodeArray(entry) {
    var bytes = base64Bytes(entry.data);
    var count = entry.shape.reduce(function (a, b) { return a * b; }, 1);
    if (entry.dtype === "uint8") {
      if (bytes.length !== count) throw new Error("Falsche Länge der uint8-Daten.");
      return bytes;
    }
    if (entry.dtype !== "float32") throw new Error("Unbekannter Datentyp " + entry.dtype + ".");
    if (bytes.length !== 4 * count) throw new Error("Falsche Länge der float32-Daten.");
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var out = new Float32Array(count);
    for (var i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }

  // ------------------------------------------------------------------------ Bausteine

  /** 3×3-Faltung mit Padding 1 und Bias: (cIn, H, W) → (cOut, H, W). */
  function conv3x3(input, cIn, H, W, weight, bias, cOut) {
    var out = new Float64Array(cOut * H * W), HW = H * W;
    for (var co = 0; co < cOut; co++) {
      var o = co * HW, b = bias[co], p;
      for (p = 0; p < HW; p++) out[o + p] = b;
      for (var ci = 0; ci < cIn; ci++) {
        var inOff = ci * HW, wOff = (co * cIn + ci) * 9;
        for (var ky = 0; ky < 3; ky++) {
          for (var kx = 0; kx < 3; kx++) {
            var w = weight[wOff + ky * 3 + kx];
            var dy = ky - 1, dx = kx - 1;
            var y0 = Math.max(0, -dy), y1 = Math.min(H, H - dy);
            var x0 = Math.max(0, -dx), x1 = Math.min(W, W - dx);
            for (var y = y0; y < y1; y++) {
              var orow = o + y * W, irow = inOff + (y + dy) * W + dx;
              for (var x = x0; x < x1; x++) out[orow + x] += w * input[irow + x];
            }
          }
        }
      }
    }
    return out;
  }

  function relu(a) {
    for (var i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0;
    return a;
  }

  /** 2×2-Max-Pooling mit Schrittweite 2 (ungerade Ränder fallen weg, wie in torch). */
  function maxPool2(input, C, H, W) {
    var h = Math.floor(H / 2), w = Math.floor(W / 2), out = new Float64Array(C * h * w);
    for (var c = 0; c < C; c++) {
      for (var y = 0; y < h; y++) {
        for (var x = 0; x < w; x++) {
          var i = c * H * W + 2 * y * W + 2 * x;
          out[c * h * w + y * w + x] = Math.max(input[i], input[i + 1], input[i + W],
                                                input[i + W + 1]);
        }
      }
    }
    return out;
  }

  /** Wie nn.AdaptiveAvgPool2d(G): Fenster [⌊iH/G⌋, ⌈(i+1)H/G⌉) (dürfen überlappen). */
  function adaptiveAvgPool(input, C, H, W, G) {
    var out = new Float64Array(C * G * G);
    for (var c = 0; c < C; c++) {
      for (var i = 0; i < G; i++) {
        var ys = Math.floor((i * H) / G), ye = Math.ceil(((i + 1) * H) / G);
        for (var j = 0; j < G; j++) {
          var xs = Math.floor((j * W) / G), xe = Math.ceil(((j + 1) * W) / G), s = 0;
          for (var y = ys; y < ye; y++) for (var x = xs; x < xe; x++) s += input[c * H * W + y * W + x];
          out[c * G * G + i * G + j] = s / ((ye - ys) * (xe - xs));
        }
      }
    }
    return out;
  }

  function softmax(logits) {
    var max = -Infinity, total = 0, i, out = new Float64Array(logits.length);
    for (i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
    for (i = 0; i < logits.length; i++) total += out[i] = Math.exp(logits[i] - max);
    for (i = 0; i < logits.length; i++) out[i] /= total;
    return out;
  }

  // ---------------------------------------------------------------------------- Modell

  function Model(data) {
    if (!data || !data.config || !data.blocks || !data.head) throw new Error("Unvollständige CNN-Daten.");
    this.config = data.config;
    this.mean = data.mean;
    this.std = data.std;
    var c = data.config, cIn = c.in_channels;
    this.blocks = data.blocks.map(function (b, i) {
      var block = { weight: decodeArray(b.weight), bias: decodeArray(b.bias), pool: b.pool,
                    cIn: cIn, cOut: c.channels[i] };
      cIn = c.channels[i];
      return block;
    });
    this.headW = decodeArray(data.head.weight);
    this.headB = decodeArray(data.head.bias);
  }

  /**
   * Vorwärtsdurchlauf für ein Bild (Float64Array oder Array, size × size, Werte 0…1).
   * Rückgabe: {logits, probs, maps}; maps sind die Merkmalskarten der ersten Faltung
   * (nach BatchNorm und ReLU, vor dem Pooling), Form (channels[0], H, W).
   */
  Model.prototype.forward = function (image, H, W) {
    var c = this.config;
    H = H || c.image_size;
    W = W || H;
    if (image.length !== c.in_channels * H * W) throw new Error("Bild hat die falsche Größe.");
    var x = new Float64Array(image.length), i;
    for (i = 0; i < image.length; i++) x[i] = (image[i] - this.mean) / this.std;
    var maps = null;
    for (var b = 0; b < this.blocks.length; b++) {
      var blk = this.blocks[b];
      x = relu(conv3x3(x, blk.cIn, H, W, blk.weight, blk.bias, blk.cOut));
      if (b === 0) maps = x;
      if (blk.pool) {
        x = maxPool2(x, blk.cOut, H, W);
        H = Math.floor(H / 2);
        W = Math.floor(W / 2);
      }
    }
    var last = this.blocks[this.blocks.length - 1].cOut;
    var emb = adaptiveAvgPool(x, last, H, W, c.grid), n = emb.length;
    var logits = new Float64Array(c.n_classes);
    for (var o = 0; o < c.n_classes; o++) {
      var s = this.headB[o];
      for (i = 0; i < n; i++) s += this.headW[o * n + i] * emb[i];
      logits[o] = s;
    }
    return { logits: logits, probs: softmax(logits), maps: maps };
  };

  // ------------------------------------------------------------- MNIST-Vorverarbeitung

  var DEFAULTS = { size: 28, box: 20, center: 14, threshold: 0.1 };

  /** Matrix (nOut, nIn) zeilenweise: Zeile i mittelt die Fläche [i, i+1) · nIn/nOut. */
  function areaWeights(nIn, nOut) {
    var w = new Float64Array(nOut * nIn), step = nIn / nOut;
    for (var i = 0; i < nOut; i++) {
      var lo = i * step, hi = (i + 1) * step;
      for (var j = Math.floor(lo); j < Math.min(nIn, Math.ceil(hi)); j++) {
        var overlap = Math.min(hi, j + 1) - Math.max(lo, j);
        if (overlap > 0) w[i * nIn + j] = overlap / step;
      }
    }
    return w;
  }

  /**
   * Zeichnung → MNIST-Bild (Float64Array, size × size). bitmap: {width, height, data} mit
   * Tinte 0…1 je Pixel (Zeile 0 oben). Wie kibuch.web.models.mnist_preprocess:
   * Umriss der Pixel > threshold, auf höchstens box × box skalieren (Seitenverhältnis
   * bleibt, Flächenmittelung), Schwerpunkt auf (center, center) runden, im Feld halten.
   * Rückgabe null, wenn nichts gezeichnet ist.
   */
  function preprocess(bitmap, options) {
    var o = Object.assign({}, DEFAULTS, options || {});
    var Wd = bitmap.width, Ht = bitmap.height, d = bitmap.data;
    var r0 = Ht, r1 = -1, c0 = Wd, c1 = -1, y, x;
    for (y = 0; y < Ht; y++) {
      for (x = 0; x < Wd; x++) {
        if (d[y * Wd + x] > o.threshold) {
          if (y < r0) r0 = y;
          if (y > r1) r1 = y;
          if (x < c0) c0 = x;
          if (x > c1) c1 = x;
        }
      }
    }
    if (r1 < 0) return null;
    var h = r1 - r0 + 1, w = c1 - c0 + 1, scale = o.box / Math.max(h, w);
    var nh = Math.min(o.box, Math.max(1, Math.floor(h * scale + 0.5)));
    var nw = Math.min(o.box, Math.max(1, Math.floor(w * scale + 0.5)));
    var wy = areaWeights(h, nh), wx = areaWeights(w, nw);
    // erst die Spalten (crop · wxᵀ: h × nw), dann die Zeilen (wy · …: nh × nw)
    var tmp = new Float64Array(h * nw), i, j, k, s;
    for (i = 0; i < h; i++) {
      var row = (r0 + i) * Wd + c0;
      for (j = 0; j < nw; j++) {
        s = 0;
        for (k = 0; k < w; k++) s += d[row + k] * wx[j * w + k];
        tmp[i * nw + j] = s;
      }
    }
    var small = new Float64Array(nh * nw);
    for (i = 0; i < nh; i++) {
      for (j = 0; j < nw; j++) {
        s = 0;
        for (k = 0; k < h; k++) s += wy[i * h + k] * tmp[k * nw + j];
        small[i * nw + j] = Math.min(1, Math.max(0, s));  // wie np.clip in Python
      }
    }
    var mass = 0, my = 0, mx = 0;
    for (i = 0; i < nh; i++) {
      for (j = 0; j < nw; j++) {
        var v = small[i * nw + j];
        mass += v;
        my += v * i;
        mx += v * j;
      }
    }
    var top = Math.min(Math.max(Math.floor(o.center - my / mass + 0.5), 0), o.size - nh);
    var left = Math.min(Math.max(Math.floor(o.center - mx / mass + 0.5), 0), o.size - nw);
    var out = new Float64Array(o.size * o.size);
    for (i = 0; i < nh; i++) {
      for (j = 0; j < nw; j++) out[(top + i) * o.size + left + j] = small[i * nw + j];
    }
    return out;
  }

  return {
    Model: Model,
    fromData: function (data) { return new Model(data); },
    decodeArray: decodeArray,
    base64Bytes: base64Bytes,
    conv3x3: conv3x3,
    maxPool2: maxPool2,
    adaptiveAvgPool: adaptiveAvgPool,
    softmax: softmax,
    areaWeights: areaWeights,
    preprocess: preprocess,
  };
});
