/* The questionnaire form, improved when JavaScript runs. Without it every part still
   works through the page's buttons: conditions are applied after saving, rows are added
   with "Add row", regions follow the country after saving.
   - show_if conditions evaluated live (conditions.js, the server's own trees);
   - autosave a few seconds after the last change ("Saved at 10:42");
   - region lists that follow the chosen country;
   - table rows added and removed in place. */
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  /* an error summary that reports a refused save or submit (an alert) takes the focus */
  var summary = document.querySelector("#error-summary[role=alert]") || document.getElementById("conflict");
  /* A link from an error summary (this page's, or the check page's to this page) lands
     on the field: its label or legend in view, the control focused. */
  function land(field) {
    if (!field || !/^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName)) return false;
    var group = /^(radio|checkbox)$/.test(field.type) && field.closest("fieldset");
    var heading = group ? group.querySelector("legend") : (field.labels && field.labels[0]);
    (heading || field).scrollIntoView();
    field.focus({ preventScroll: true });
    return true;
  }
  if (summary) summary.focus();
  else if (location.hash.length > 1) {
    /* after the page has settled (conditions applied, the browser's own jump done) */
    window.addEventListener("load", function () {
      setTimeout(function () { land(document.getElementById(decodeURIComponent(location.hash.slice(1)))); }, 0);
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (link && land(document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1))))) {
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
    }
  });
  if (!form || !window.KedjekollConditions) return;
  var C = window.KedjekollConditions;
  var saved = {};
  try { saved = JSON.parse(form.getAttribute("data-answers") || "{}"); } catch (e) { saved = {}; }

  /* A number typed in the reader's way, read as the server reads it (formats.parse_number):
     spaces group thousands; with both signs the last is the decimal sign; a lone comma
     before three digits groups thousands in English; a lone point before three digits is
     ambiguous in Swedish and left as text, so the server names the problem. */
  function numberOf(text) {
    var raw = String(text);
    var cleaned = raw.trim().replace(/[\s\u00a0\u202f']/g, "").replace("\u2212", "-");
    if (cleaned === "") return text === "" ? null : text;
    var english = (document.documentElement.lang || "sv").slice(0, 2) === "en";
    var signs = cleaned.replace(/[^,.]/g, "");
    var number;
    if (!signs) {
      number = cleaned;
    } else if (signs.indexOf(",") >= 0 && signs.indexOf(".") >= 0) {
      number = cleaned.lastIndexOf(".") > cleaned.lastIndexOf(",") ?
        cleaned.split(",").join("") : cleaned.split(".").join("").replace(",", ".");
    } else if (signs.length > 1) {
      number = cleaned.split(signs[0]).join("");
    } else {
      var parts = cleaned.split(signs);
      var whole = parts[0].replace(/^[+-]/, "");
      var three = /^\d{3}$/.test(parts[1]) && whole !== "" && whole !== "0";
      if (three && signs === "," && english) number = parts.join("");
      else if (three && signs === "." && !english) return raw;
      else number = cleaned.replace(",", ".");
    }
    return isNaN(Number(number)) ? raw : Number(number);
  }

  function valueOf(container, name, type) {
    var inputs = container.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    if (!inputs.length) return undefined;
    if (type === "multichoice") {
      var chosen = [];
      inputs.forEach(function (el) {
        if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.selectedOptions, function (o) { chosen.push(o.value); });
        } else if (el.checked) chosen.push(el.value);
      });
      return chosen;
    }
    var value = null;
    inputs.forEach(function (el) {
      if (el.type === "radio") { if (el.checked) value = el.value; }
      else if (el.type !== "file" && el.type !== "checkbox") value = el.value;
    });
    if (value === "") value = null;
    if (type === "number" && value !== null) value = numberOf(value);
    return value;
  }

  /* One row card's values, keyed by column id, as the server reads them. */
  function rowValues(card) {
    var row = {};
    card.querySelectorAll(".cell[data-column]").forEach(function (cell) {
      var column = cell.getAttribute("data-column");
      var type = cell.getAttribute("data-type");
      var control = cell.querySelector("[name]:not([type=checkbox]):not([name$=__other])");
      if (type === "file") {
        var kept = [];
        cell.querySelectorAll("input[name$=__keep]").forEach(function (el) { kept.push(el.value); });
        row[column] = kept;
        return;
      }
      if (!control) return;
      var v = valueOf(cell, control.name, type);
      row[column] = v === undefined ? null : v;
      var other = cell.querySelector("[name$=__other]");
      if (other && other.value.trim() !== "") row[column + ".other"] = other.value;
    });
    return row;
  }

  function cards(wrapper) {
    return Array.prototype.slice.call(wrapper.querySelectorAll(".rows > .row-card[data-row]"));
  }

  /* A table's answer: the rows that hold a value (an empty starter row is not a row). */
  function tableRows(wrapper) {
    return cards(wrapper).map(rowValues).filter(C.given);
  }

  function answers() {
    var current = Object.assign({}, saved);
    form.querySelectorAll("[data-question]").forEach(function (wrapper) {
      var id = wrapper.getAttribute("data-question");
      var type = wrapper.getAttribute("data-type");
      if (type === "table") { current[id] = tableRows(wrapper); return; }
      if (type === "note" || type === "file") return;
      var v = valueOf(wrapper, id, type);
      if (v !== undefined) current[id] = v;
    });
    return current;
  }

  /* The columns shown in one row: conditions see the row with hidden cells blanked,
     applied until nothing changes (as definitions/scoring.py shown_columns). */
  function shownCells(card, now) {
    var cells = card.querySelectorAll(".cell[data-show-if]");
    var row = rowValues(card);
    for (var pass = 0; pass <= cells.length; pass++) {
      var changedRow = false;
      cells.forEach(function (cell) {
        var column = cell.getAttribute("data-column");
        var tree = JSON.parse(cell.getAttribute("data-show-if"));
        if (row[column] !== null && row[column] !== undefined && !C.holds(tree, now, row)) {
          row[column] = null;
          changedRow = true;
        }
      });
      if (!changedRow) break;
    }
    cells.forEach(function (cell) {
      cell.hidden = !C.holds(JSON.parse(cell.getAttribute("data-show-if")), now, row);
    });
  }

  /* Questions first (a hidden question's answer is not seen by later conditions, as on
     the server), then each row's cells. ("Other" boxes follow their choice by CSS.) */
  function applyConditions() {
    var now = answers();
    var wrappers = form.querySelectorAll("[data-question][data-show-if]");
    for (var pass = 0; pass <= wrappers.length; pass++) {
      var changedAny = false;
      wrappers.forEach(function (wrapper) {
        var hidden = !C.holds(JSON.parse(wrapper.getAttribute("data-show-if")), now);
        var id = wrapper.getAttribute("data-question");
        if (hidden && now[id] !== undefined && now[id] !== null) { now[id] = null; changedAny = true; }
        wrapper.hidden = hidden;
      });
      if (!changedAny) break;
    }
    form.querySelectorAll(".rows > .row-card").forEach(function (card) { shownCells(card, now); });
  }

  /* ------------------------------------------------------------ autosave */
  var status = form.querySelector(".save-status");
  var timer = null;
  var busy = false;
  var pending = null;     /* the autosave in flight, a promise */
  var submitting = false; /* the page is being saved by its buttons: no more autosaves */
  function autosave() {
    if (submitting) return;
    if (busy) { timer = setTimeout(autosave, 1000); return; }
    busy = true;
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (el) { data.delete(el.name); });
    data.set("action", "save");
    pending = fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Kedjekoll-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 409) {
        if (status) status.textContent = form.getAttribute("data-conflict-label");
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (!body) return;
      var version = form.querySelector("[name=draft_version]");
      if (version) version.value = body.version;
      if (status) status.textContent = form.getAttribute("data-saved-label") + " " + body.saved_at;
    }).catch(function () { /* the buttons still save */ })
      .finally(function () { busy = false; pending = null; });
  }
  /* A button's save waits for an autosave in flight and then sends the version that
     autosave made, so the supplier never conflicts with its own autosave. */
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (submitting) return;
    if (pending && form.requestSubmit) {
      event.preventDefault();
      var submitter = event.submitter && event.submitter.form === form ? event.submitter : undefined;
      pending.then(function () { submitting = true; form.requestSubmit(submitter); });
      return;
    }
    submitting = true;
  });
  function changed() {
    applyConditions();
    clearTimeout(timer);
    timer = setTimeout(autosave, 2500);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  /* ------------------------------------------------------------ regions */
  var regionsUrl = form.getAttribute("data-regions");
  form.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.hasAttribute || !select.hasAttribute("data-country")) return;
    var dependants = form.querySelectorAll('[data-region-of="' + CSS.escape(select.id) + '"]');
    if (!dependants.length) return;
    var url = regionsUrl.replace(/XX$/, encodeURIComponent(select.value || "XX"));
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (pairs) {
        dependants.forEach(function (region) {
          var keep = region.value;
          region.innerHTML = "";
          region.appendChild(new Option("\u2014", ""));
          pairs.forEach(function (pair) { region.appendChild(new Option(pair[1], pair[0], false, pair[0] === keep)); });
        });
      }).catch(function () {});
  });

  /* ------------------------------------------------------------ table rows */
  /* Rows are cards named <table>-<index>-<column>, indices 0.. in order. A new row is a
     copy of the blank row the server put in <template data-row-template>. */
  function label(rows, key, n) { return (rows.getAttribute(key) || "").replace("__n__", String(n)); }

  function renumber(rows) {
    var table = rows.getAttribute("data-table");
    var escaped = table.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    cards(rows.closest("[data-question]")).forEach(function (card, position) {
      var old = card.getAttribute("data-row");
      var pattern = new RegExp("(^|\\s)" + escaped + "-" + old + "(?=-|\\s|$)", "g");
      if (old !== String(position)) {
        [card].concat(Array.prototype.slice.call(card.querySelectorAll("*"))).forEach(function (el) {
          ["id", "name", "for", "aria-describedby", "data-region-of", "data-other-for"].forEach(function (attr) {
            var v = el.getAttribute(attr);
            if (v) el.setAttribute(attr, v.replace(pattern, "$1" + table + "-" + position));
          });
        });
        card.setAttribute("data-row", String(position));
      }
      var n = position + 1;
      var title = card.querySelector(".row-title");
      if (title) title.textContent = label(rows, "data-label-row", n);
      card.querySelectorAll(".row-prefix").forEach(function (el) { el.textContent = label(rows, "data-label-prefix", n) + " "; });
      var remove = card.querySelector("button.row-remove");
      if (remove) {
        remove.value = "remove:" + table + ":" + position;
        var text = remove.querySelector(".row-remove-text");
        if (text) text.textContent = label(rows, "data-label-remove", n);
      }
    });
    var wrapper = rows.closest("[data-question]");
    var add = wrapper.querySelector("button.row-add");
    var most = Number(rows.getAttribute("data-max-rows") || 0);
    if (add) add.hidden = most > 0 && cards(wrapper).length >= most;
  }

  function addRow(table) {
    var wrapper = form.querySelector('[data-question="' + CSS.escape(table) + '"]');
    var template = wrapper && wrapper.querySelector('template[data-row-template]');
    var rows = wrapper && wrapper.querySelector(".rows");
    if (!template || !rows) return false;
    var index = String(cards(wrapper).reduce(function (most, card) {
      return Math.max(most, Number(card.getAttribute("data-row")) + 1);
    }, 0));
    var fragment = document.importNode(template.content, true);
    fragment.querySelectorAll("*").forEach(function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (attr) {
        if (attr.value.indexOf("__index__") >= 0 || attr.value.indexOf("__n__") >= 0) {
          el.setAttribute(attr.name, attr.value.split("__index__").join(index).split("__n__").join(String(cards(wrapper).length + 1)));
        }
      });
    });
    var walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (walker.currentNode.nodeValue.indexOf("__n__") >= 0) {
        walker.currentNode.nodeValue = walker.currentNode.nodeValue.split("__n__").join(String(cards(wrapper).length + 1));
      }
    }
    var card = fragment.querySelector(".row-card");
    rows.appendChild(fragment);
    renumber(rows);
    applyConditions();
    var first = card.querySelector(".cell:not([hidden]) input, .cell:not([hidden]) select, .cell:not([hidden]) textarea");
    if (first) first.focus();
    return true;
  }

  function removeRow(button) {
    var card = button.closest(".row-card");
    var rows = card && card.parentNode;
    if (!card || !rows) return false;
    var wrapper = rows.closest("[data-question]");
    var next = card.nextElementSibling || card.previousElementSibling;
    card.remove();
    renumber(rows);
    var target = next ? next.querySelector("input, select, textarea") : wrapper.querySelector("button.row-add");
    if (target) target.focus();
    return true;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[name=action]") : null;
    if (!button) return;
    var action = button.value || "";
    var done = false;
    if (action.indexOf("add:") === 0) done = addRow(action.slice(4));
    else if (action.indexOf("remove:") === 0) done = removeRow(button);
    if (done) {
      event.preventDefault();
      /* the list of rows above the cards describes the page as loaded: drop it */
      var listed = button.closest("[data-question]");
      listed = listed && listed.querySelector("[data-row-summary]");
      if (listed) listed.remove();
      changed();
    }
  });

  applyConditions();
})();
