// The offline phone form for door-to-door visits ("Đi từng ngõ, gõ từng nhà").
// Every visit is first stored in IndexedDB with an id made here, then sent in batches whenever
// there is a connection. The server saves an id once, so sending the same record again (a
// retry after a dropped answer) is harmless: it comes back as a "duplicate", i.e. synced.
(function () {
  "use strict";
  var root = document.getElementById("fieldwork");
  if (!root) return;

  var BATCH = 500; // the server's limit per request
  var TICK_MS = 30000; // while records wait, try again this often…
  var MAX_BACKOFF_MS = 5 * 60000; // …or less often after repeated failures
  var KEEP_SYNCED_DAYS = 30; // synced records are only shown; older ones leave the phone
  var DB_NAME = "hocvuso-fieldwork";
  var STORE = "visits";
  var CACHE_KEY = "hocvuso.fieldwork.formData"; // last teams and services seen online
  var PREFS_KEY = "hocvuso.fieldwork.prefs"; // last team, village and date used
  var SYNC_KEY = "hocvuso.fieldwork.lastSync";
  var FIELDS = ["id", "team", "village", "visited_on", "household", "people_guided", "services",
    "outcome", "follow_up_on", "note", "members_present", "aged_60_plus", "women",
    "ethnic_minority", "disability"];
  var EQUITY = ["aged_60_plus", "women", "ethnic_minority", "disability"];

  var form = document.getElementById("visit-form");
  var batchUrl = root.dataset.batchUrl;
  // Whose session this page belongs to. A record is sent, listed and counted only by the
  // account that logged it: on a phone passed from hand to hand, another person's queued
  // visits wait for that person instead of going out under someone else's name.
  var owner = root.dataset.user || "";
  function mine(r) { return !r.owner || r.owner === owner; }
  var text = {};
  Array.prototype.forEach.call(document.querySelectorAll("#fw-text [data-key]"), function (el) {
    text[el.dataset.key] = el.textContent;
  });
  function fmt(key, value) { return text[key].replace("%s", value); }
  function $(name) { return root.querySelector('[data-fw="' + name + '"]'); }

  // --- Storage helpers -------------------------------------------------------------------

  function readJson(id) {
    var el = document.getElementById(id);
    try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
  }
  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private */ }
  }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          var visits = req.result.createObjectStore(STORE, { keyPath: "id" });
          visits.createIndex("status", "status");
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var t = conn.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && "value" in result ? result.value : result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function allRecords() {
    return tx("readonly", function (s) {
      var out = { value: [] };
      s.getAll().onsuccess = function (e) { out.value = e.target.result; };
      return out;
    });
  }
  function putRecords(records) {
    return tx("readwrite", function (s) { records.forEach(function (r) { s.put(r); }); });
  }
  function deleteRecord(id) {
    return tx("readwrite", function (s) { s.delete(id); });
  }
  function pendingRecords() {
    return allRecords().then(function (all) {
      return all.filter(function (r) { return r.status === "pending" && mine(r); })
        .sort(function (a, b) { return a.created_at - b.created_at; });
    });
  }

  // --- Teams, villages, members and services ---------------------------------------------

  // The page's own data wins (it is what the server says now, or what the service worker
  // cached with the page); the copy in localStorage covers a page opened without either.
  var data = { teams: readJson("fw-teams"), services: readJson("fw-services") };
  if (data.teams && data.teams.length) store(CACHE_KEY, data);
  else data = load(CACHE_KEY) || { teams: [], services: [] };
  var prefs = load(PREFS_KEY) || {};

  function option(value, label) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label;
    return o;
  }
  function checkbox(name, value, label) {
    var li = document.createElement("li");
    var lab = document.createElement("label");
    var input = document.createElement("input");
    input.type = "checkbox"; input.name = name; input.value = value;
    lab.appendChild(input);
    lab.appendChild(document.createTextNode(" " + label));
    li.appendChild(lab);
    return li;
  }
  function teamById(id) {
    return data.teams.filter(function (t) { return String(t.id) === String(id); })[0];
  }

  var teamSelect = form.elements.team;
  var villageSelect = form.elements.village;
  function fillTeams() {
    teamSelect.textContent = "";
    if (data.teams.length !== 1) teamSelect.appendChild(option("", "—"));
    data.teams.forEach(function (t) { teamSelect.appendChild(option(t.id, t.name)); });
    if (data.teams.length === 1) teamSelect.value = String(data.teams[0].id);
    else if (prefs.team && teamById(prefs.team)) teamSelect.value = String(prefs.team);
    if (!data.teams.length) showFormError(text.noTeam);
  }
  function fillTeamParts() {
    var team = teamById(teamSelect.value);
    var villages = team ? team.villages : [];
    villageSelect.textContent = "";
    if (villages.length !== 1) villageSelect.appendChild(option("", "—"));
    villages.forEach(function (v) { villageSelect.appendChild(option(v.id, v.name)); });
    if (villages.length === 1) villageSelect.value = String(villages[0].id);
    else if (prefs.village && villages.some(function (v) { return String(v.id) === String(prefs.village); })) {
      villageSelect.value = String(prefs.village);
    }
    var members = $("members");
    members.textContent = "";
    (team ? team.members : []).forEach(function (m) {
      members.appendChild(checkbox("members_present", m.id, m.name));
    });
    members.closest("fieldset").hidden = !members.children.length;
  }
  function fillServices() {
    var list = $("services");
    list.textContent = "";
    (data.services || []).forEach(function (s) { list.appendChild(checkbox("services", s.code, s.name)); });
  }

  // --- The form ---------------------------------------------------------------------------

  function localToday() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }
  function showFormError(message) {
    var el = $("form-error");
    el.textContent = message || "";
    el.hidden = !message;
  }
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error[data-for]"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    showFormError("");
  }
  function fieldError(input, message) {
    var p = document.createElement("p");
    p.className = "error"; p.dataset.for = input.name; p.id = input.id + "-error";
    p.textContent = message;
    input.closest(".field").classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "")
      .replace(p.id, "") + " " + p.id).trim());
    input.insertAdjacentElement("afterend", p);
  }
  function intOrNull(input, errors) {
    var raw = input.value.trim();
    if (raw === "") return null;
    if (!/^\d+$/.test(raw)) { errors.push([input, text.notNumber]); return null; }
    return parseInt(raw, 10);
  }
  function checked(name) {
    return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'),
      function (i) { return i.checked; }).map(function (i) { return i.value; });
  }

  // The same checks as the server (fieldwork.services.VisitChecker), so a record is refused
  // here while the person is still at the door, not days later in the queue.
  function readForm() {
    var f = form.elements;
    var errors = [];
    ["team", "village", "visited_on", "household", "people_guided"].forEach(function (name) {
      if (!String(f[name].value).trim()) errors.push([f[name], text.required]);
    });
    var household = f.household.value.trim();
    if (/\d{9,}/.test(household.replace(/[\s.\-]/g, ""))) errors.push([f.household, text.idNumber]);
    if (f.visited_on.value && f.visited_on.value > localToday()) errors.push([f.visited_on, text.future]);
    var people = null;
    if (f.people_guided.value.trim()) {
      people = intOrNull(f.people_guided, errors);
      if (people !== null && people < 1) errors.push([f.people_guided, text.peopleMin]);
      if (people !== null && people > 50) errors.push([f.people_guided, text.peopleMax]);
    }
    var outcome = checked("outcome")[0] || "done";
    var followUp = null;
    if (outcome === "follow_up") {
      followUp = f.follow_up_on.value || null;
      if (!followUp) errors.push([f.follow_up_on, text.followUpNeeded]);
      else if (f.visited_on.value && followUp < f.visited_on.value) errors.push([f.follow_up_on, text.followUpBefore]);
    }
    var record = {
      team: parseInt(f.team.value, 10),
      village: parseInt(f.village.value, 10),
      visited_on: f.visited_on.value,
      household: household,
      people_guided: people,
      services: checked("services"),
      outcome: outcome,
      follow_up_on: followUp,
      note: f.note.value.trim(),
      members_present: checked("members_present").map(Number),
    };
    EQUITY.forEach(function (name) {
      var value = intOrNull(f[name], errors);
      if (value !== null && people !== null && value > people) errors.push([f[name], text.moreThanPeople]);
      record[name] = value;
    });
    return { record: record, errors: errors };
  }

  function resetForNextHousehold() {
    var keep = { team: teamSelect.value, village: villageSelect.value, visited_on: form.elements.visited_on.value };
    form.reset();
    teamSelect.value = keep.team;
    fillTeamParts();
    villageSelect.value = keep.village;
    form.elements.visited_on.value = keep.visited_on;
    $("follow-up").hidden = true;
    form.elements.household.focus();
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID needs a secure context; the same version-4 layout from getRandomValues.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var read = readForm();
    if (read.errors.length) {
      read.errors.forEach(function (e) { if (!form.querySelector('[data-for="' + e[0].name + '"]')) fieldError(e[0], e[1]); });
      showFormError(text.fixErrors);
      read.errors[0][0].focus();
      return;
    }
    var record = read.record;
    record.id = newId();
    record.status = "pending";
    record.reason = "";
    record.created_at = Date.now();
    record.owner = owner;
    prefs = { team: record.team, village: record.village };
    store(PREFS_KEY, prefs);
    putRecords([record]).then(function () {
      $("saved").textContent = fmt("savedOne", record.household);
      resetForNextHousehold();
      return render();
    }).then(function () { sync(); }).catch(function () { showFormError(text.noStorage); });
  });

  teamSelect.addEventListener("change", fillTeamParts);
  form.addEventListener("change", function (event) {
    if (event.target.name === "outcome") {
      var follow = event.target.value === "follow_up";
      $("follow-up").hidden = !follow;
      form.elements.follow_up_on.required = follow;
    }
  });

  // --- The list and the status line --------------------------------------------------------

  function render() {
    return allRecords().then(function (everyone) {
      var all = everyone.filter(mine);
      var held = everyone.filter(function (r) { return !mine(r) && r.status === "pending"; });
      $("held").hidden = !held.length;
      $("held").textContent = held.length ? fmt("held", held.length) : "";
      var counts = { pending: 0, synced: 0, rejected: 0 };
      all.forEach(function (r) { counts[r.status] += 1; });
      Object.keys(counts).forEach(function (k) {
        root.querySelector('[data-count="' + k + '"]').textContent = counts[k];
      });
      all.sort(function (a, b) { return b.created_at - a.created_at; });
      var list = $("records");
      list.textContent = "";
      all.slice(0, 200).forEach(function (r) { list.appendChild(row(r)); });
      $("empty").hidden = all.length > 0;
      showStatus();
      return counts;
    });
  }
  function row(r) {
    var li = document.createElement("li");
    li.dataset.id = r.id; li.dataset.status = r.status;
    var what = document.createElement("span");
    what.className = "what";
    var day = r.visited_on.split("-").reverse().join("/");
    what.textContent = r.household + " · " + day + " · " + fmt("people", r.people_guided);
    var state = document.createElement("span");
    state.className = "status state-" + r.status;
    state.textContent = r.status === "rejected" ? fmt("rejected", r.reason) : text[r.status];
    li.appendChild(what); li.appendChild(state);
    if (r.status === "rejected") {
      var del = document.createElement("button");
      del.type = "button"; del.className = "secondary"; del.textContent = text.delete;
      del.addEventListener("click", function () {
        if (window.confirm(text.confirmDelete)) deleteRecord(r.id).then(render);
      });
      li.appendChild(del);
    }
    return li;
  }

  var problem = "";
  var needsLogin = false;
  function showStatus() {
    var online = navigator.onLine;
    var conn = $("connection");
    conn.textContent = online ? text.online : text.offline;
    conn.className = online ? "online" : "offline";
    var last = load(SYNC_KEY);
    $("last-sync").textContent = last
      ? fmt("lastSync", new Date(last).toLocaleString("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" }))
      : text.neverSynced;
    var p = $("problem");
    p.textContent = problem;
    if (needsLogin) {
      var a = document.createElement("a");
      a.href = root.dataset.loginUrl; a.textContent = text.loginLink;
      p.appendChild(document.createTextNode(" "));
      p.appendChild(a);
    }
  }

  // --- Sync ------------------------------------------------------------------------------

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function payload(r) {
    var out = {};
    FIELDS.forEach(function (k) { out[k] = r[k]; });
    return out;
  }

  // POST one batch; resolves to {ok, auth, retry} after storing what the server said.
  //  - 200: each record's own answer (saved, duplicate, or refused with its reason);
  //  - 401/403: the session ended, nothing is sent until the person signs in again;
  //  - another 4xx: the server refused these records as they are, and will refuse them again:
  //    the batch is never sent again as it was, but halved until the refused record is alone
  //    (see refused), so the others go through — except the answers that speak of the
  //    address or of the load, not of the records (404, 405, 408, 410, 425, 429): later;
  //  - 5xx, no network, or an answer that is not the server's (a hotspot's login page):
  //    tried again later, with a growing wait (see sync).
  function send(records) {
    return fetch(batchUrl, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ visits: records.map(payload) }),
    }).then(function (resp) {
      if (resp.status === 401 || resp.status === 403) return { auth: true };
      if (LATER.indexOf(resp.status) !== -1) return { retry: true };
      if (resp.status >= 400 && resp.status < 500) {
        return resp.text().then(reasonOf, function () { return ""; }).then(function (reason) {
          return refused(records, reason);
        });
      }
      if (!resp.ok) return { retry: true };
      return resp.json().then(function (answer) {
        if (!answer || !Array.isArray(answer.saved)) return { retry: true };
        return apply(records, answer);
      }, function () { return { retry: true }; });
    }, function () { return { retry: true }; });
  }
  var LATER = [404, 405, 408, 410, 425, 429];
  // The server's reason for refusing a request, for the person: its message, and the field
  // it names in the form's own words ("Thành viên tham gia", not "members_present").
  function reasonOf(body) {
    var detail;
    try { detail = JSON.parse(body).detail; } catch (e) { return ""; }
    if (typeof detail === "string") return detail;
    if (!Array.isArray(detail) || !detail.length) return "";
    var first = detail[0] || {};
    var loc = (first.loc || []).filter(function (part) { return typeof part === "string"; });
    var name = loc[loc.length - 1];
    var label = name && labelOf(name);
    return (label ? "“" + label + "”: " : "") + String(first.msg || "").slice(0, 200);
  }
  function labelOf(name) {
    var input = form.querySelector('[name="' + name + '"]');
    if (!input) return name === "members_present" || name === "services" ? "" : name;
    var label = input.id && form.querySelector('label[for="' + input.id + '"]');
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    var el = label || legend;
    return el ? el.textContent.replace("*", "").trim() : name;
  }
  // A batch refused as it is: halve it until the refused record is alone, so one record the
  // server will not take (corrupt, or one a newer server no longer accepts) cannot hold every
  // other record back. The record left alone is marked refused, with the server's reason.
  function refused(records, reason) {
    if (records.length === 1) {
      records[0].status = "rejected";
      records[0].reason = reason ? text.invalid + " (" + reason + ")" : text.invalid;
      return putRecords(records).then(function () { return { ok: true }; });
    }
    var half = Math.ceil(records.length / 2);
    return send(records.slice(0, half)).then(function (a) {
      if (!a.ok) return a;
      return send(records.slice(half));
    });
  }
  function apply(records, answer) {
    var done = {};
    (answer.saved || []).concat(answer.duplicates || []).forEach(function (id) { done[id] = true; });
    var rejected = answer.rejected || {};
    var now = Date.now();
    var changed = records.filter(function (r) {
      if (done[r.id]) { r.status = "synced"; r.reason = ""; r.synced_at = now; return true; }
      if (r.id in rejected) { r.status = "rejected"; r.reason = rejected[r.id]; return true; }
      return false; // not mentioned: stays pending for the next try
    });
    store(SYNC_KEY, now);
    return putRecords(changed).then(function () { return { ok: true, progress: changed.length > 0 }; });
  }

  var running = null;
  var again = false;
  var failures = 0;
  var retryAt = 0;
  // Records per request. Halved after each failed try, so a record the server fails on (a
  // server fault, not a refusal) ends up alone and cannot hold back the others; doubled back
  // after each success. Records that failed alone are sent after all the others.
  var size = BATCH;
  var failedAlone = {};
  function inTurn(pending) {
    return pending.slice().sort(function (a, b) {
      return (failedAlone[a.id] || 0) - (failedAlone[b.id] || 0) || a.created_at - b.created_at;
    });
  }
  function sync(force) {
    if (running) { again = true; return running; }
    if (!navigator.onLine) { showStatus(); return Promise.resolve(); }
    if (!force && Date.now() < retryAt) return Promise.resolve();
    running = (function loop() {
      return pendingRecords().then(function (pending) {
        if (!pending.length) return { ok: true };
        $("last-sync").textContent = text.sending;
        var chunk = inTurn(pending).slice(0, size);
        return send(chunk).then(function (result) {
          if (result.retry) {
            if (chunk.length === 1) failedAlone[chunk[0].id] = (failedAlone[chunk[0].id] || 0) + 1;
            size = Math.max(1, Math.ceil(chunk.length / 2));
            return result;
          }
          if (result.ok) size = Math.min(BATCH, size * 2);
          if (result.ok && result.progress !== false && pending.length > chunk.length) return loop();
          return result;
        });
      });
    })().then(function (result) {
      needsLogin = !!result.auth;
      problem = result.auth ? text.login : result.retry ? text.serverDown : "";
      if (result.retry) {
        failures += 1;
        // 30 s, 1, 2, 4 min, then every 5 min, each ±25 %, so phones coming back together do
        // not arrive together.
        retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, TICK_MS * Math.pow(2, failures - 1)) * (0.75 + Math.random() / 2);
      } else { failures = 0; retryAt = 0; }
      return result;
    }, function () { problem = text.noStorage; return {}; }).then(function (result) {
      running = null;
      return render().then(function () {
        if (again) { again = false; return sync(); }
        return result;
      });
    });
    return running;
  }

  // Send these records again even if marked synced: the server answers "duplicate" for any
  // it already has, so this is safe (and is how the browser test proves it).
  function resend(ids) {
    return allRecords().then(function (all) {
      var chosen = all.filter(function (r) { return ids.indexOf(r.id) !== -1; });
      chosen.forEach(function (r) { r.status = "pending"; });
      return putRecords(chosen);
    }).then(function () { return sync(true); });
  }

  function prune() {
    var cutoff = Date.now() - KEEP_SYNCED_DAYS * 86400000;
    return allRecords().then(function (all) {
      return tx("readwrite", function (s) {
        all.forEach(function (r) { if (r.status === "synced" && r.synced_at < cutoff) s.delete(r.id); });
      });
    });
  }

  window.addEventListener("online", function () { failures = 0; retryAt = 0; showStatus(); sync(true); });
  window.addEventListener("offline", showStatus);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) sync(); });
  $("sync-now").addEventListener("click", function () { sync(true); });
  setInterval(function () {
    pendingRecords().then(function (p) { if (p.length) sync(); });
  }, TICK_MS);

  // --- Start ------------------------------------------------------------------------------

  if (!form.elements.visited_on.value || form.elements.visited_on.value !== localToday()) {
    // A page from the service worker's cache carries the day it was cached: use today.
    form.elements.visited_on.value = localToday();
  }
  form.elements.visited_on.max = localToday();
  fillTeams();
  fillTeamParts();
  fillServices();
  prune().catch(function () {}).then(render).then(function () { return sync(true); })
    .catch(function () { showFormError(text.noStorage); });

  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/fieldwork/" })
      .catch(function () { /* the form still works while this tab stays open */ });
  }

  window.hocvusoFieldwork = { sync: sync, resend: resend, records: allRecords };
})();
