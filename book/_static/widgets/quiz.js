/* Selbsttests des Buchs: sofortige Rückmeldung, ohne Netz, auch von file://.
 * Jede Frage ist ein <fieldset data-kibuch-quiz>; Antworten tragen data-richtig="1|0",
 * die Erklärung jeder Antwort steht versteckt in .kibuch-quiz-erkl. */
(function () {
  "use strict";

  function explain(input) {
    var span = input.parentElement.querySelector(".kibuch-quiz-erkl");
    return span ? span.textContent : "";
  }

  function show(q, html, ok) {
    var box = q.querySelector(".kibuch-quiz-feedback");
    box.innerHTML = html;
    q.classList.toggle("kibuch-quiz-ok", ok);
    q.classList.toggle("kibuch-quiz-falsch", !ok);
    q.dataset.answered = ok ? "richtig" : "falsch";
  }

  function esc(s) {
    var d = document.createElement("div");
    d.textContent = s;
    return d.innerHTML;
  }

  function checkSingle(q, input) {
    var ok = input.dataset.richtig === "1";
    q.querySelectorAll("label").forEach(function (l) {
      l.classList.remove("kibuch-quiz-gewaehlt-ok", "kibuch-quiz-gewaehlt-falsch");
    });
    input.parentElement.classList.add(ok ? "kibuch-quiz-gewaehlt-ok" : "kibuch-quiz-gewaehlt-falsch");
    show(q, "<strong>" + (ok ? "Richtig." : "Leider nicht.") + "</strong> " + esc(explain(input)), ok);
  }

  function checkMulti(q) {
    var inputs = q.querySelectorAll("input");
    var ok = true, lines = [];
    inputs.forEach(function (inp) {
      var right = inp.dataset.richtig === "1";
      var label = inp.parentElement;
      label.classList.remove("kibuch-quiz-gewaehlt-ok", "kibuch-quiz-gewaehlt-falsch");
      if (inp.checked !== right) ok = false;
      if (inp.checked) {
        label.classList.add(right ? "kibuch-quiz-gewaehlt-ok" : "kibuch-quiz-gewaehlt-falsch");
        lines.push(esc(label.querySelector(".kibuch-quiz-letter").textContent) + " " + esc(explain(inp)));
      } else if (right) {
        lines.push(esc(label.querySelector(".kibuch-quiz-letter").textContent) +
                   " (fehlt) " + esc(explain(inp)));
      }
    });
    show(q, "<strong>" + (ok ? "Richtig." : "Noch nicht ganz.") + "</strong><br>" +
         lines.join("<br>"), ok);
  }

  function init(q) {
    var multi = q.dataset.multi === "1";
    q.querySelectorAll("input").forEach(function (inp) {
      if (!multi) inp.addEventListener("change", function () { checkSingle(q, inp); });
    });
    var btn = q.querySelector(".kibuch-quiz-check");
    if (btn) btn.addEventListener("click", function () { checkMulti(q); });
    q.dataset.ready = "1";
  }

  document.querySelectorAll("[data-kibuch-quiz]").forEach(init);
})();
