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
  var summary = document.getElementById("error-summary") || document.getElementById("conflict");
  if (summary) summary.focus();
  if (!form || !window.KedjekollConditions) return;
  var C = window.KedjekollConditions;
  var saved = {};
  try { saved = JSON.parse(form.getAttribute("data-answers") || "{}"); } catch (e) { saved = {}; }

  function numberOf(text) {
    var cleaned = String(text).replace(/[\s\u00a0]/g, "").replace(",", ".").replace("\u2212", "-");
    if (cleaned === "" || isNaN(Number(cleaned))) return text === "" ? null : text;
    return Number(cleaned);
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

  function tableRows(wrapper) {
    var rows = [];
    wrapper.querySelectorAll("tbody tr[data-row]").forEach(function (tr) {
      var row = {};
      tr.querySelectorAll("td[data-column]").forEach(function (td) {
        var field = td.querySelector("[name]:not([type=checkbox])") || td.querySelector("[name]");
        if (!field) return;
        var v = valueOf(tr, field.name, td.getAttribute("data-type"));
        row[td.getAttribute("data-column")] = v === undefined ? null : v;
      });
      rows.push(row);
    });
    return rows;
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

  function applyConditions() {
    var now = answers();
    form.querySelectorAll("[data-question][data-show-if]").forEach(function (wrapper) {
      var tree = JSON.parse(wrapper.getAttribute("data-show-if"));
      wrapper.hidden = !C.holds(tree, now);
    });
    form.querySelectorAll("tbody tr[data-row]").forEach(function (tr) {
      var table = tr.closest("[data-question]");
      var rows = now[table.getAttribute("data-question")] || [];
      var row = rows[Array.prototype.indexOf.call(tr.parentNode.children, tr)] || {};
      tr.querySelectorAll("td[data-show-if]").forEach(function (td) {
        var shown = C.holds(JSON.parse(td.getAttribute("data-show-if")), now, row);
        Array.prototype.forEach.call(td.children, function (child) { child.hidden = !shown; });
        td.classList.toggle("not-applicable", !shown);
      });
    });
  }

  /* ------------------------------------------------------------ autosave */
  var status = form.querySelector(".save-status");
  var timer = null;
  var busy = false;
  function autosave() {
    if (busy) { timer = setTimeout(autosave, 1000); return; }
    busy = true;
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (el) { data.delete(el.name); });
    data.set("action", "save");
    fetch(form.getAttribute("data-autosave"), {
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
      .finally(function () { busy = false; });
  }
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
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[name=action]") : null;
    if (!button) return;
    var action = button.value || "";
    if (action.indexOf("add:") === 0) {
      var table = form.querySelector('table[data-table="' + CSS.escape(action.slice(4)) + '"]');
      var last = table && table.querySelector("tbody tr[data-row]:last-child");
      if (!last) return;
      event.preventDefault();
      var indices = Array.prototype.map.call(table.querySelectorAll("tbody tr[data-row]"),
        function (tr) { return Number(tr.getAttribute("data-row")); });
      var next = Math.max.apply(null, indices) + 1;
      var oldIndex = last.getAttribute("data-row");
      var row = last.cloneNode(true);
      row.setAttribute("data-row", String(next));
      row.querySelectorAll(".field-error, .file-kept").forEach(function (el) { el.remove(); });
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace("-" + oldIndex + "-", "-" + next + "-"));
        });
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
        if (el.tagName === "SELECT") el.selectedIndex = 0;
        else if (el.type === "checkbox" || el.type === "radio") el.checked = false;
        else if ("value" in el && el.tagName !== "BUTTON") el.value = "";
      });
      row.querySelector("th").textContent = String(table.querySelectorAll("tbody tr").length + 1);
      var remove = row.querySelector('button[value^="remove:"]');
      if (remove) remove.value = "remove:" + action.slice(4) + ":" + next;
      last.parentNode.appendChild(row);
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
      changed();
    } else if (action.indexOf("remove:") === 0) {
      var tr = button.closest("tr");
      var body = tr && tr.parentNode;
      if (!tr || !body || body.children.length < 2) return;
      event.preventDefault();
      var focusTarget = (tr.nextElementSibling || tr.previousElementSibling).querySelector("input, select, textarea");
      tr.remove();
      if (focusTarget) focusTarget.focus();
      changed();
    }
  });

  applyConditions();
})();
