/* The review page, improved when JavaScript runs: as soon as a grade is chosen, the
   due-diligence score and the risk rating (with its reason) in the verdict panel follow: the
   server judges the chosen grades with the grades in force, without saving them.
   So does the count of graded answers in the verdict panel. Without JavaScript they
   follow after "Save grades". */
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  if (!form) return;
  var total = document.getElementById("live-total");
  var rating = document.getElementById("live-rating");
  var provisional = document.getElementById("live-provisional");
  var note = document.getElementById("live-note");
  var pending = 0;

  function rescore() {
    var asked = ++pending;
    var data = new FormData(form);
    fetch(form.getAttribute("data-score-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (!body || asked !== pending) return;
      if (total) total.textContent = body.total_text;
      if (rating) rating.textContent = body.rating_text;
      if (provisional) provisional.textContent = body.provisional ?
        " (" + form.getAttribute("data-provisional-label") + ")" : "";
      if (note) note.textContent = form.getAttribute("data-unsaved-label");
    }).catch(function () { /* the score still follows after saving */ });
  }
  /* "8 of 12 graded" follows the grades chosen, as the score does */
  var progress = document.getElementById("progress");
  var grades = form.querySelectorAll("select.grade");
  function recount() {
    if (!progress) return;
    var graded = 0;
    grades.forEach(function (el) { if (el.value !== "") graded += 1; });
    progress.textContent = progress.getAttribute("data-template")
      .replace("{graded}", graded).replace("{total}", grades.length);
  }
  grades.forEach(function (el) {
    el.addEventListener("change", rescore);
    el.addEventListener("change", recount);
  });
})();
