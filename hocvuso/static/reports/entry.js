// The report form keeps what is typed on the phone until the server has it: each field's
// text is kept in localStorage as it is typed, dropped when the server answers that it saved
// that field (the "saved" event, from the HX-Trigger header), put back on the next visit if
// the page was closed first, and sent again when the connection returns.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form || !window.localStorage) return;
  var key = "hocvuso:entry:" + location.pathname;
  var banner = document.getElementById("offline-banner");

  function drafts() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function keep(all) {
    if (Object.keys(all).length) localStorage.setItem(key, JSON.stringify(all));
    else localStorage.removeItem(key);
  }
  function field(name) { return form.elements.namedItem(name); }
  function mark(name, unsaved) {
    var el = field(name);
    var row = el && el.closest(".field");
    if (row) row.classList.toggle("unsaved", unsaved);
  }
  function resend() {
    Object.keys(drafts()).forEach(function (name) {
      var el = field(name);
      if (el && window.htmx) window.htmx.trigger(el, "change");
    });
  }

  // Back from a closed tab or a dead battery: what was typed and never saved.
  var saved = drafts();
  Object.keys(saved).forEach(function (name) {
    var el = field(name);
    if (el && !el.readOnly) { el.value = saved[name]; mark(name, true); }
  });
  if (Object.keys(saved).length && navigator.onLine) {
    // After htmx has wired the fields up (its own DOMContentLoaded handler runs first).
    document.addEventListener("DOMContentLoaded", function () { setTimeout(resend, 0); });
  }

  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (!name) return;
    var all = drafts();
    all[name] = event.target.value;
    keep(all);
    mark(name, true);
  });
  document.body.addEventListener("saved", function (event) {
    var all = drafts();
    (event.detail.value || []).forEach(function (name) {
      var el = field(name);
      if (el && all[name] === el.value) delete all[name];
      if (!(name in all)) mark(name, false);
    });
    keep(all);
    if (banner) banner.hidden = true;
  });
  document.body.addEventListener("htmx:sendError", function () {
    if (banner) banner.hidden = false;
  });
  window.addEventListener("online", resend);
})();
