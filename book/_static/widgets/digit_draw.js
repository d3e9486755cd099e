/*
 * Widget „digit-draw“ (Kapitel 3.3): Eine Ziffer zeichnen, das CNN des Kapitels erkennt sie.
 *
 * Die Zeichnung wird wie MNIST vorverarbeitet (Umriss, auf 20 × 20 skalieren, Schwerpunkt
 * in die Mitte des 28 × 28-Felds) und live klassifiziert; das Widget zeigt die zehn
 * Wahrscheinlichkeiten, das Eingabebild des Netzes und die Merkmalskarten der ersten
 * Faltungsschicht. Tastatur: Beispielziffern aus den Testdaten über die Auswahlliste.
 *
 * Braucht window.KIBUCH_DATA.cnn (data/cnn.js, geschrieben von
 * kibuch.web.models.write_cnn_js) und window.KibuchCNN (lib/cnn.js). Klassisches Skript,
 * mit defer geladen; jedes Element mit data-kibuch-widget="digit-draw" wird ein Widget.
 */
(function () {
  "use strict";

  var SIDE = 280;  // Pixel der Zeichenfläche (intern; per CSS skaliert)
  var PEN = 22;  // Strichbreite: so dick wie die Striche in MNIST nach dem Skalieren
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function percent(p) {
    if (p > 0 && p < 0.0005) return "< 0,1\u202f%";
    return (100 * p).toFixed(1).replace(".", ",") + "\u202f%";
  }

  /** Graubild (Werte 0…1, w × h) in ein Canvas malen; scale: Maximum für Weiß. */
  function paintGray(canvas, values, w, h, scale) {
    var ctx = canvas.getContext("2d");
    var img = ctx.createImageData(w, h);
    for (var i = 0; i < w * h; i++) {
      var v = scale > 0 ? Math.max(0, Math.min(255, Math.round((255 * values[i]) / scale))) : 0;
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function init(root) {
    var data = window.KIBUCH_DATA && window.KIBUCH_DATA.cnn;
    if (data && data.unavailable) {  // der Buchbau konnte kein passendes Modell ausliefern
      root.appendChild(el("p", { className: "kdd-error", text: data.unavailable }));
      root.dataset.ready = "1";
      return;
    }
    var C = window.KibuchCNN;
    if (!data || !C) {
      root.appendChild(el("p", { className: "kdd-error",
        text: "Das Netz für dieses Widget fehlt (data/cnn.js oder lib/cnn.js)." }));
      return;
    }
    var model = C.fromData(data);
    var nMaps = data.config.channels[0], size = data.config.image_size;
    var uid = "kdd" + ++counter;

    // -------------------------------------------------------------------------- Aufbau
    var canvas = el("canvas", { width: SIDE, height: SIDE, className: "kdd-canvas",
                                "data-role": "canvas", role: "img",
                                "aria-label": "Zeichenfläche: Ziffer mit Maus, Finger oder Stift zeichnen" });
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    var clearBtn = el("button", { type: "button", "data-role": "clear", text: "Löschen" });
    var select = el("select", { id: uid + "-sample", "data-role": "sample" }, [
      el("option", { value: "", text: "– wählen –" }),
    ]);
    data.samples.forEach(function (s, i) {
      select.appendChild(el("option", { value: String(i), text: "Ziffer " + s.label }));
    });
    var inputCanvas = el("canvas", { width: size, height: size, className: "kdd-input",
                                     "data-role": "input", role: "img",
                                     "aria-label": "Eingabe des Netzes, 28 mal 28 Pixel" });
    var prediction = el("output", { className: "kdd-prediction", "data-role": "prediction",
                                    "aria-live": "polite" });
    var tbody = el("tbody");
    var rows = [];
    for (var d = 0; d < data.config.n_classes; d++) {
      var bar = el("span", { className: "kdd-bar", "aria-hidden": "true" });
      var num = el("span", { className: "kdd-num" });
      var tr = el("tr", {}, [el("th", { scope: "row", text: String(d) }),
                             el("td", {}, [el("span", { className: "kdd-barbox" }, [bar]), num])]);
      rows.push({ tr: tr, bar: bar, num: num });
      tbody.appendChild(tr);
    }
    var table = el("table", { className: "kdd-table", "data-role": "probs" }, [
      el("caption", { text: "Wahrscheinlichkeit je Ziffer" }),
      el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "Ziffer" }),
                                    el("th", { scope: "col", text: "Wahrscheinlichkeit" })])]),
      tbody,
    ]);
    var mapsBox = el("div", { className: "kdd-maps", "data-role": "maps" });
    var mapCanvases = [];
    for (var m = 0; m < nMaps; m++) {
      var mc = el("canvas", { width: size, height: size, className: "kdd-map",
                              title: "Karte " + (m + 1), "aria-hidden": "true" });
      mapCanvases.push(mc);
      mapsBox.appendChild(mc);
    }

    root.classList.add("kdd");
    root.appendChild(el("div", { className: "kdd-main" }, [
      el("div", { className: "kdd-draw" }, [
        canvas,
        el("div", { className: "kdd-controls" }, [
          clearBtn,
          el("div", { className: "kdd-field" }, [
            el("label", { for: select.id, className: "kdd-label", text: "Testbild laden" }),
            select,
          ]),
        ]),
        el("p", { className: "kdd-hint",
                  text: "Zeichnen Sie eine Ziffer von 0 bis 9 – mit Maus, Finger oder Stift." }),
      ]),
      el("div", { className: "kdd-result" }, [
        prediction,
        table,
        el("figure", { className: "kdd-input-fig" }, [
          inputCanvas,
          el("figcaption", { text: "So sieht das Netz die Zeichnung: 28 × 28 Pixel, die " +
                                   "Ziffer auf 20 × 20 skaliert und nach ihrem Schwerpunkt zentriert." }),
        ]),
      ]),
    ]));
    root.appendChild(el("div", { className: "kdd-maps-wrap" }, [
      el("p", { className: "kdd-maps-title",
                text: "Merkmalskarten der ersten Faltungsschicht (" + nMaps + " Filter, je 3 × 3)" }),
      mapsBox,
      el("p", { className: "kdd-hint",
                text: "Hell ist, wo ein Filter anspricht (nach BatchNorm und ReLU; jede Karte auf " +
                      "ihr eigenes Maximum skaliert). Manche Filter reagieren auf Kanten einer " +
                      "Richtung, andere auf die Fläche des Strichs oder den Hintergrund." }),
    ]));

    // -------------------------------------------------------------------------- Zustand
    var state = { mode: "empty", sample: null, last: null, dirty: false, frame: null,
                  drawing: false, pointer: null, point: null };

    function blank() {
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, SIDE, SIDE);
    }

    function readBitmap() {
      var px = ctx.getImageData(0, 0, SIDE, SIDE).data, out = new Float64Array(SIDE * SIDE);
      for (var i = 0; i < out.length; i++) out[i] = px[4 * i] / 255;
      return { width: SIDE, height: SIDE, data: out };
    }

    function render(result, input) {
      if (!result) {
        rows.forEach(function (r) {
          r.bar.style.width = "0%";
          r.num.textContent = "–";
          r.tr.classList.remove("kdd-best");
        });
        prediction.textContent = "Noch nichts gezeichnet.";
        paintGray(inputCanvas, new Float64Array(size * size), size, size, 1);
        mapCanvases.forEach(function (mc) { paintGray(mc, new Float64Array(size * size), size, size, 1); });
        root.dataset.prediction = "";
        return;
      }
      var probs = result.probs, best = 0, i;
      for (i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
      rows.forEach(function (r, k) {
        r.bar.style.width = (100 * probs[k]).toFixed(2) + "%";
        r.num.textContent = percent(probs[k]);
        r.tr.classList.toggle("kdd-best", k === best);
      });
      prediction.textContent = (probs[best] >= 0.5 ? "Das Netz erkennt eine " : "Unsicher, am ehesten eine ") +
        best + " (" + percent(probs[best]) + ").";
      root.dataset.prediction = String(best);
      paintGray(inputCanvas, input, size, size, 1);
      var HW = size * size;
      for (var c = 0; c < nMaps; c++) {
        var map = result.maps.subarray(c * HW, (c + 1) * HW), max = 0;
        for (i = 0; i < HW; i++) if (map[i] > max) max = map[i];
        paintGray(mapCanvases[c], map, size, size, max);
      }
    }

    function classify() {
      state.frame = null;
      state.dirty = false;
      var input = null;
      if (state.mode === "sample") {
        var px = C.decodeArray(data.samples[state.sample].pixels);
        input = new Float64Array(size * size);
        for (var i = 0; i < input.length; i++) input[i] = Math.fround(px[i] / 255);  // wie float32
      } else if (state.mode === "drawing") {
        input = C.preprocess(readBitmap(), data.preprocess);
      }
      var result = input ? model.forward(input) : null;
      state.last = result ? { probs: Array.from(result.probs), logits: Array.from(result.logits),
                              input: Array.from(input) } : null;
      render(result, input);
      root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
    }

    function schedule() {
      state.dirty = true;
      if (state.frame === null) state.frame = window.requestAnimationFrame(classify);
    }

    function clear() {
      blank();
      state.mode = "empty";
      state.sample = null;
      select.value = "";
      classify();
    }

    function loadSample(index) {
      var sample = data.samples[index], px = C.decodeArray(sample.pixels);
      var small = document.createElement("canvas");
      small.width = small.height = size;
      paintGray(small, Float64Array.from(px, function (v) { return v / 255; }), size, size, 1);
      blank();
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(small, 0, 0, SIDE, SIDE);
      state.mode = "sample";
      state.sample = index;
      classify();
    }

    // ---------------------------------------------------------------------- Zeichnen
    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: ((e.clientX - rect.left) * SIDE) / rect.width,
               y: ((e.clientY - rect.top) * SIDE) / rect.height };
    }

    function strokeTo(p) {
      ctx.strokeStyle = "#fff";
      ctx.fillStyle = "#fff";
      ctx.lineWidth = PEN;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      if (!state.point) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, PEN / 2, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        ctx.beginPath();
        ctx.moveTo(state.point.x, state.point.y);
        ctx.lineTo(p.x, p.y);
        ctx.stroke();
      }
      state.point = p;
    }

    function startDrawing() {
      if (state.mode !== "drawing") {
        state.mode = "drawing";  // auf einem Testbild weiterzeichnen: ab jetzt zählt die Zeichnung
        select.value = "";
      }
    }

    canvas.addEventListener("pointerdown", function (e) {
      if (e.button !== undefined && e.button > 0) return;
      e.preventDefault();
      try {
        canvas.setPointerCapture(e.pointerId);  // Strich läuft weiter, auch über den Rand hinaus
      } catch (err) {
        void err;  // kein aktiver Zeiger (etwa ein synthetisches Ereignis): ohne Capture zeichnen
      }
      state.drawing = true;
      state.pointer = e.pointerId;
      state.point = null;
      startDrawing();
      strokeTo(point(e));
      schedule();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!state.drawing || e.pointerId !== state.pointer) return;
      e.preventDefault();
      var events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      (events.length ? events : [e]).forEach(function (ev) { strokeTo(point(ev)); });
      schedule();
    });
    function end(e) {
      if (e.pointerId !== state.pointer) return;
      state.drawing = false;
      state.pointer = null;
      state.point = null;
      schedule();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    clearBtn.addEventListener("click", clear);
    select.addEventListener("change", function () {
      if (select.value === "") clear();
      else loadSample(Number(select.value));
    });

    // Schnittstelle für Tests und Neugierige (Konsole)
    root.kibuch = {
      model: model,
      last: function () { return state.last; },
      preprocess: function (bitmap) { return C.preprocess(bitmap, data.preprocess); },
      classifyNow: classify,
    };
    clear();
    root.dataset.ready = "1";
  }

  document.querySelectorAll('[data-kibuch-widget="digit-draw"]').forEach(init);
})();
