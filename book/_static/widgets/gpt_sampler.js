/*
 * Widget „gpt-sampler“ (Kapitel 3.4): Das kleine Zeichen-GPT des Buchs schreibt im Browser
 * weiter. Temperatur, Top-k und Top-p formen die Verteilung des nächsten Zeichens; die
 * Tabelle zeigt sie vor und nach jedem Schritt der Umformung.
 *
 * Braucht window.KIBUCH_DATA.gpt (data/gpt.js, geschrieben von
 * kibuch.web.models.write_gpt_js) und window.KibuchGPT (lib/gpt.js). Klassisches Skript,
 * mit defer geladen; jedes Element mit data-kibuch-widget="gpt-sampler" wird ein Widget.
 */
(function () {
  "use strict";

  var ROWS = 10;  // Zeilen der Wahrscheinlichkeitstabelle
  var MAX_CHARS = 1000;
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

  /** Zahl mit Dezimalkomma. */
  function de(x, digits) {
    return x.toFixed(digits).replace(".", ",").replace("-", "−");
  }

  function percent(p) {
    if (p > 0 && p < 0.0005) return "< 0,1 %";
    return de(100 * p, 1) + "\u202f%";
  }

  var SPECIAL = { " ": ["␣", "Leerzeichen"], "\n": ["↵", "Zeilenumbruch"], "\t": ["⇥", "Tabulator"] };

  /** Ein Zeichen für die Tabelle: Leerraum sichtbar, mit Klartext für Screenreader. */
  function charCell(ch) {
    var special = SPECIAL[ch];
    if (!special) return el("span", { className: "kgs-char", text: ch });
    return el("span", { className: "kgs-char kgs-special", title: special[1],
                        "aria-label": special[1], text: special[0] });
  }

  function quoted(ch) {
    var special = SPECIAL[ch];
    return special ? special[1] : "„" + ch + "“";
  }

  function init(root) {
    var data = window.KIBUCH_DATA && window.KIBUCH_DATA.gpt;
    if (data && data.unavailable) {  // der Buchbau konnte kein passendes Modell ausliefern
      root.appendChild(el("p", { className: "kgs-error", text: data.unavailable }));
      root.dataset.ready = "1";
      return;
    }
    var G = window.KibuchGPT;
    if (!data || !G) {
      root.appendChild(el("p", { className: "kgs-error",
        text: "Das Sprachmodell für dieses Widget fehlt (data/gpt.js oder lib/gpt.js)." }));
      return;
    }
    var model = G.fromData(data);
    var cfg = data.config, V = cfg.vocab_size, block = cfg.block_size;
    var uid = "kgs" + ++counter;

    // ------------------------------------------------------------------- Bedienelemente
    function field(label, input, output, hint) {
      input.id = uid + "-" + input.getAttribute("data-role");
      var children = [el("label", { for: input.id, text: label }), input];
      if (output) children.push(output);
      if (hint) children.push(el("span", { className: "kgs-hint", text: hint }));
      return el("div", { className: "kgs-field" }, children);
    }

    var prompt = el("input", { type: "text", "data-role": "prompt", autocomplete: "off",
                               spellcheck: "false",
                               value: root.getAttribute("data-prompt") || data.references[0].prompt });
    var temperature = el("input", { type: "range", min: "0.1", max: "2", step: "0.05",
                                    value: "1", "data-role": "temperature" });
    var topK = el("input", { type: "range", min: "0", max: String(V), step: "1", value: "0",
                             "data-role": "top-k" });
    var topP = el("input", { type: "range", min: "0.05", max: "1", step: "0.05", value: "1",
                             "data-role": "top-p" });
    var length = el("input", { type: "number", min: "1", max: String(MAX_CHARS), step: "1",
                               value: "200", inputmode: "numeric", "data-role": "length" });
    var seed = el("input", { type: "number", min: "0", max: "999999", step: "1", value: "1",
                             inputmode: "numeric", "data-role": "seed" });
    var tOut = el("output", { for: uid + "-temperature", className: "kgs-value" });
    var kOut = el("output", { for: uid + "-top-k", className: "kgs-value" });
    var pOut = el("output", { for: uid + "-top-p", className: "kgs-value" });
    var generateBtn = el("button", { type: "button", className: "kgs-primary",
                                     "data-role": "generate", text: "Generieren" });
    var stepBtn = el("button", { type: "button", "data-role": "step", text: "Ein Zeichen" });
    var resetBtn = el("button", { type: "button", "data-role": "reset", text: "Zurücksetzen" });

    var text = el("output", { className: "kgs-text", "data-role": "text",
                              "aria-label": "Erzeugter Text" });
    var legend = el("p", { className: "kgs-hint", "data-role": "legend" });
    var status = el("p", { className: "kgs-status", "data-role": "status", role: "status",
                           "aria-live": "polite" });
    var tbody = el("tbody");
    var table = el("table", { className: "kgs-table", "data-role": "probs" }, [
      el("caption", { text: "Die " + ROWS + " wahrscheinlichsten nächsten Zeichen" }),
      el("thead", {}, [el("tr", {}, [
        el("th", { scope: "col", text: "Zeichen" }),
        el("th", { scope: "col", text: "Modell (T = 1)" }),
        el("th", { scope: "col", "data-role": "t-head", text: "mit Temperatur" }),
        el("th", { scope: "col", text: "nach Top-k / Top-p" }),
      ])]),
      tbody,
    ]);
    var summary = el("p", { className: "kgs-summary", "data-role": "summary" });

    root.classList.add("kgs");
    root.appendChild(el("div", { className: "kgs-controls" }, [
      field("Anfang des Texts (Prompt)", prompt, null, null),
      el("div", { className: "kgs-sliders" }, [
        field("Temperatur", temperature, tOut),
        field("Top-k", topK, kOut),
        field("Top-p", topP, pOut),
      ]),
      el("div", { className: "kgs-row" }, [
        field("Zeichen", length),
        field("Seed", seed),
        el("div", { className: "kgs-buttons" }, [generateBtn, stepBtn, resetBtn]),
      ]),
    ]));
    root.appendChild(el("div", { className: "kgs-output" }, [text, legend, status]));
    root.appendChild(el("div", { className: "kgs-table-wrap" }, [table]));
    root.appendChild(summary);
    text.setAttribute("for", prompt.id);

    // ---------------------------------------------------------------------- Zustand
    var state = { ctx: null, rng: null, promptIds: [], generated: [], running: false,
                  remaining: 0, timer: null, note: "" };

    function intValue(input, fallback, min, max) {
      var v = Math.round(Number(input.value));
      if (!Number.isFinite(v)) v = fallback;
      return Math.min(max, Math.max(min, v));
    }

    function options() {
      var k = intValue(topK, 0, 0, V), p = Number(topP.value);
      return { temperature: Number(temperature.value), topK: k > 0 ? k : null,
               topP: p < 1 ? p : null };
    }

    function resetText() {
      var enc = model.encode(prompt.value), notes = [];
      if (enc.unknown.length) {
        notes.push("Nicht im Vokabular und ausgelassen: " +
                   enc.unknown.map(function (c) { return "„" + c + "“"; }).join(", ") + ".");
      }
      var ids = enc.ids;
      if (!ids.length) {
        ids = [model.stoi["\n"] !== undefined ? model.stoi["\n"] : 0];
        notes.push("Ohne Anfang beginnt das Modell nach einem Zeilenumbruch.");
      }
      state.promptIds = ids;
      state.generated = [];
      state.ctx = new G.Context(model, ids);
      state.rng = G.mulberry32(intValue(seed, 1, 0, 999999));
      state.note = notes.join(" ");
    }

    function renderText() {
      var all = state.promptIds.concat(state.generated), start = Math.max(0, all.length - block);
      var nPrompt = state.promptIds.length;
      text.textContent = "";
      // Stücke [von, bis, Klasse]; grau ist, was außerhalb des Kontextfensters liegt
      var a = Math.min(start, nPrompt), b = Math.max(start, nPrompt);
      var pieces = [[0, a, "kgs-prompt kgs-out"], [a, nPrompt, "kgs-prompt"],
                    [nPrompt, b, "kgs-gen kgs-out"], [b, all.length, "kgs-gen"]];
      pieces.forEach(function (piece) {
        if (piece[1] > piece[0]) {
          text.appendChild(el("span", { className: piece[2],
                                        text: model.decode(all.slice(piece[0], piece[1])) }));
        }
      });
      text.appendChild(el("span", { className: "kgs-cursor", "aria-hidden": "true" }));
      legend.textContent = "Fett: Ihr Anfang, danach der erzeugte Text." + (start > 0
        ? " Grau: Das Modell sieht nur die letzten " + block + " Zeichen (seine Kontextlänge)."
        : "");
      root.dataset.chars = String(state.generated.length);
    }

    function renderTable() {
      var opts = options();
      var logits = state.ctx.logits;
      var base = G.softmax(logits);
      var warm = G.softmax(G.filterLogits(logits, { temperature: opts.temperature }));
      var final = G.softmax(G.filterLogits(logits, opts));
      var order = Array.from(base.keys()).sort(function (a, b) { return base[b] - base[a] || a - b; });
      tbody.textContent = "";
      var maxP = Math.max(final[order[0]], warm[order[0]], base[order[0]]);
      order.slice(0, ROWS).forEach(function (i) {
        var row = el("tr", { className: final[i] > 0 ? "" : "kgs-removed" });
        row.appendChild(el("th", { scope: "row" }, [charCell(model.chars[i])]));
        [[base[i], "kgs-bar-base"], [warm[i], "kgs-bar-warm"], [final[i], "kgs-bar-final"]]
          .forEach(function (cell, col) {
            var removed = col === 2 && final[i] === 0;
            var bar = el("span", { className: "kgs-bar " + cell[1], "aria-hidden": "true" });
            bar.style.width = (100 * cell[0] / maxP).toFixed(2) + "%";
            row.appendChild(el("td", {}, [el("div", { className: "kgs-cell" }, [
              el("span", { className: "kgs-barbox" }, [bar]),
              el("span", { className: "kgs-num", text: removed ? "aussortiert" : percent(cell[0]) }),
            ])]));
          });
        tbody.appendChild(row);
      });
      root.querySelector('[data-role="t-head"]').textContent = "mit T = " + de(opts.temperature, 2);
      var kept = 0, massBefore = 0;
      for (var i = 0; i < V; i++) {
        if (final[i] > 0) {
          kept++;
          massBefore += warm[i];
        }
      }
      summary.textContent = "Gezogen wird aus " + kept + " von " + V + " Zeichen." +
        (kept < V ? " Vor dem Filtern hatten sie zusammen " + percent(massBefore) +
                    " Wahrscheinlichkeit, danach wird ihr Anteil auf 100\u202f% hochgerechnet." : "") +
        (opts.topP ? " Top-p behält die kleinste Menge mit mindestens " + percent(opts.topP) + "." : "");
      root.kibuch.last = { base: base, warm: warm, final: final, options: opts };
    }

    function renderControls() {
      var opts = options();
      tOut.textContent = de(opts.temperature, 2);
      kOut.textContent = opts.topK ? String(opts.topK) : "aus";
      pOut.textContent = opts.topP ? de(opts.topP, 2) : "aus";
      topK.setAttribute("aria-valuetext", opts.topK ? String(opts.topK) : "aus");
      topP.setAttribute("aria-valuetext", opts.topP ? de(opts.topP, 2) : "aus");
      generateBtn.textContent = state.running ? "Anhalten" : "Generieren";
      generateBtn.setAttribute("aria-pressed", state.running ? "true" : "false");
      stepBtn.disabled = state.running;
      root.dataset.state = state.running ? "running" : "idle";
    }

    function setStatus(message) {
      status.textContent = [message, state.note].filter(Boolean).join(" ");
    }

    function stepOnce() {
      var probs = G.softmax(G.filterLogits(state.ctx.logits, options()));
      var id = G.sampleIndex(probs, state.rng());
      state.ctx.push(id);
      state.generated.push(id);
      return { id: id, p: probs[id] };
    }

    function stop(message) {
      if (state.timer !== null) clearTimeout(state.timer);
      state.timer = null;
      state.running = false;
      renderControls();
      if (message) setStatus(message);
    }

    function chunk() {
      state.timer = null;
      var t0 = performance.now();
      while (state.remaining > 0 && performance.now() - t0 < 25) {
        stepOnce();
        state.remaining--;
      }
      renderText();
      renderTable();
      if (state.remaining > 0) {
        state.timer = setTimeout(chunk, 0);
      } else {
        stop("Fertig: " + state.generated.length + " Zeichen erzeugt (Seed " +
             intValue(seed, 1, 0, 999999) + ").");
      }
    }

    function generate() {
      if (state.running) {
        stop("Angehalten nach " + state.generated.length + " Zeichen.");
        return;
      }
      resetText();
      state.remaining = intValue(length, 200, 1, MAX_CHARS);
      length.value = String(state.remaining);
      state.running = true;
      renderControls();
      setStatus("Erzeuge " + state.remaining + " Zeichen …");
      state.timer = setTimeout(chunk, 0);
    }

    function step() {
      if (state.running) return;
      var drawn = stepOnce();
      renderText();
      renderTable();
      setStatus("Gezogen: " + quoted(model.chars[drawn.id]) + " mit " + percent(drawn.p) +
                " Wahrscheinlichkeit. Die Tabelle zeigt jetzt das Zeichen danach.");
    }

    function reset(message) {
      stop();
      resetText();
      renderText();
      renderTable();
      setStatus(message || "");
    }

    // ---------------------------------------------------------------------- Ereignisse
    [temperature, topK, topP].forEach(function (input) {
      input.addEventListener("input", function () {
        renderControls();
        renderTable();
      });
    });
    prompt.addEventListener("input", function () { reset(); });
    generateBtn.addEventListener("click", generate);
    stepBtn.addEventListener("click", step);
    resetBtn.addEventListener("click", function () { reset("Zurück auf den Anfang; der Seed beginnt von vorn."); });
    length.addEventListener("change", function () {
      length.value = String(intValue(length, 200, 1, MAX_CHARS));
    });
    seed.addEventListener("change", function () {
      seed.value = String(intValue(seed, 1, 0, 999999));
    });

    // Schnittstelle für Tests und Neugierige (Konsole): dieselbe Rechnung wie im Widget
    root.kibuch = {
      model: model,
      logitsFor: function (s) { return Array.from(model.logits(model.encode(s).ids)); },
      text: function () { return model.decode(state.promptIds.concat(state.generated)); },
      generated: function () { return model.decode(state.generated); },
    };
    resetText();
    renderControls();
    renderText();
    renderTable();
    setStatus("Gleicher Anfang, gleiche Einstellungen und gleicher Seed ergeben denselben Text.");
    root.dataset.ready = "1";
  }

  document.querySelectorAll('[data-kibuch-widget="gpt-sampler"]').forEach(init);
})();
