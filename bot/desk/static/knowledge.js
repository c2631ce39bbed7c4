// The knowledge editor: a live character counter for the button label, and "Sprawdź
// pytanie" asked as the coordinator types (the form works without this script too).
(function () {
  "use strict";
  var form = document.querySelector("form.entry");
  if (!form) { return; }
  var LIMIT = 40;

  var button = document.getElementById("przycisk");
  var counter = document.getElementById("przycisk-licznik");
  function count() {
    var n = Array.from(button.value).length;
    counter.textContent = n + " / " + LIMIT + " znaków" +
      (n > LIMIT ? " – za długi o " + (n - LIMIT) : "");
    counter.classList.toggle("field-error", n > LIMIT);
  }
  if (button && counter) {
    button.addEventListener("input", count);
    count();
  }

  var question = document.getElementById("zapytanie");
  var result = document.getElementById("zapytanie-wynik");
  var check = form.querySelector("button[value=sprawdz]");
  if (!question || !result) { return; }
  var entryMatch = form.getAttribute("action").match(/\/wpis\/([^/]+)$/);
  var entryId = entryMatch ? decodeURIComponent(entryMatch[1]) : "";
  var token = form.querySelector("input[name=csrf]").value;
  var timer = null;
  var sent = 0;

  function value(name) {
    var field = form.elements.namedItem(name);
    return field ? field.value : "";
  }

  function ask() {
    var typed = question.value.trim();
    if (!typed) { result.textContent = ""; return; }
    var mine = ++sent;
    fetch("/koordynator/wiedza/sprawdz", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({
        wpis: entryId, kategoria: value("kategoria"), zapytanie: typed,
        pytanie: value("pytanie"), przycisk: value("przycisk"),
        sformulowania: value("sformulowania"), odpowiedz: value("odpowiedz"),
        zrodlo: value("zrodlo"), sprawdzono: value("sprawdzono")
      })
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      if (mine !== sent) { return; }  // a newer question is on its way
      result.textContent = data.text || data.error || "";
    }).catch(function () {
      if (mine === sent) { result.textContent = "Nie udało się sprawdzić – spróbuj jeszcze raz."; }
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  }

  question.addEventListener("input", later);
  question.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); ask(); }
  });
  ["pytanie", "sformulowania", "przycisk", "kategoria"].forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (field) { field.addEventListener("input", function () { if (question.value.trim()) { later(); } }); }
  });
  if (check) {
    check.addEventListener("click", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      ask();
    });
  }
})();
