// The check-in form on a learner's own phone: what they typed last time is filled in again
// (kept in this phone's localStorage only, never sent anywhere else), and the village list,
// which is the host commune's, is set aside for someone of another commune.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var KEY = "hocvuso.checkin.person";
  var FIELDS = ["name", "birth_year", "commune", "village"];
  var f = form.elements;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null") || {}; } catch (e) { return {}; }
  }
  function villageForCommune() {
    var own = String(f.commune.value) === form.dataset.hostCommune;
    f.village.disabled = !own;
    if (!own) f.village.value = "";
  }

  // Only an untouched form is filled in: after a refusal the server's copy is what was sent.
  var saved = load();
  if (!f.name.value && saved.name) {
    FIELDS.forEach(function (name) {
      if (saved[name] !== undefined && f[name]) f[name].value = saved[name];
    });
  }
  villageForCommune();
  f.commune.addEventListener("change", villageForCommune);

  form.addEventListener("submit", function () {
    var person = {};
    FIELDS.forEach(function (name) { person[name] = f[name].value; });
    try { localStorage.setItem(KEY, JSON.stringify(person)); } catch (e) { /* private mode */ }
    var button = form.querySelector("button[type=submit]");
    // A second tap on a slow connection would only be told "already checked in".
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
