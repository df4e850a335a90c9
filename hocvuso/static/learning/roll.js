// The trainer's roll call on a phone, with or without a connection. Each tap is a mark kept
// in IndexedDB under the line's id (the enrolment's, or one made here for a walk-in), then
// sent in batches whenever there is a connection. The server writes a line once: sending it
// again after a dropped answer comes back as a "duplicate", i.e. synced. Modelled on the
// visit form's queue (static/fieldwork/visits.js).
(function () {
  "use strict";
  var root = document.getElementById("roll");
  if (!root) return;

  var BATCH = 500;
  var TICK_MS = 15000;
  var DB_NAME = "hocvuso-roll";
  var STORE = "marks";
  var classId = root.dataset.class;
  var owner = root.dataset.user || "";
  var text = {};
  Array.prototype.forEach.call(document.querySelectorAll("#roll-text [data-key]"), function (el) {
    text[el.dataset.key] = el.textContent;
  });
  function fmt(key) {
    var args = Array.prototype.slice.call(arguments, 1);
    return text[key].replace(/%s/g, function () { return args.shift(); });
  }
  function $(name) { return root.querySelector('[data-roll="' + name + '"]'); }
  function readJson(id) {
    var el = document.getElementById(id);
    try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
  }
  var roll = readJson("roll-data") || [];
  var statuses = readJson("roll-statuses") || [];
  var commune = readJson("roll-commune") || {};

  // --- IndexedDB: one record per line, its latest mark -------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
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
        var out = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && "value" in out ? out.value : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function mine() {
    return tx("readonly", function (s) {
      var out = { value: [] };
      s.getAll().onsuccess = function (e) {
        out.value = e.target.result.filter(function (r) { return r.cls === classId && r.owner === owner; });
      };
      return out;
    });
  }
  function put(records) { return tx("readwrite", function (s) { records.forEach(function (r) { s.put(r); }); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- The list ----------------------------------------------------------------------------
  function lines(records) {
    var byId = {};
    records.forEach(function (r) { byId[r.id] = r; });
    var out = roll.map(function (line) { return { line: line, mark: byId[line.id] }; });
    records.forEach(function (r) {
      if (r.person && !roll.some(function (l) { return l.id === r.id; })) {
        out.push({ line: { id: r.id, name: r.person.name, birth_year: r.person.birth_year, village: r.village_name || "", status: r.status, walkIn: true }, mark: r });
      }
    });
    return out;
  }
  function render() {
    return mine().then(function (records) {
      var list = $("list");
      list.textContent = "";
      var present = 0, pending = 0;
      lines(records).forEach(function (item) { list.appendChild(row(item)); });
      lines(records).forEach(function (item) {
        var status = item.mark ? item.mark.status : item.line.status;
        if (status === "present" || status === "late") present += 1;
        if (item.mark && item.mark.state === "pending") pending += 1;
      });
      $("empty").hidden = list.children.length > 0;
      $("counts").textContent = fmt("counts", present, pending);
      showStatus();
    });
  }
  function row(item) {
    var line = item.line, mark = item.mark;
    var status = mark ? mark.status : line.status;
    var li = document.createElement("li");
    li.dataset.id = line.id;
    var who = document.createElement("div");
    who.className = "who";
    var name = document.createElement("strong");
    name.textContent = line.name;
    var more = document.createElement("span");
    more.className = "muted";
    more.textContent = [line.birth_year, line.village, line.walkIn ? text.walkIn : ""].filter(Boolean).join(" · ");
    who.appendChild(name); who.appendChild(more);
    if (mark) {
      var state = document.createElement("span");
      state.className = "state-" + mark.state;
      state.dataset.state = mark.state;
      state.textContent = mark.state === "rejected" ? fmt("rejected", mark.reason) : text[mark.state];
      who.appendChild(state);
    }
    var marks = document.createElement("div");
    marks.className = "marks";
    statuses.forEach(function (s) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "secondary"; b.textContent = s.label;
      b.dataset.status = s.value;
      b.setAttribute("aria-pressed", String(status === s.value));
      b.addEventListener("click", function () { markLine(line, s.value, mark); });
      marks.appendChild(b);
    });
    li.appendChild(who); li.appendChild(marks);
    return li;
  }
  function markLine(line, status, previous) {
    var record = previous ? Object.assign({}, previous) : { id: line.id, cls: classId, owner: owner, learner_id: line.learner_id || null };
    record.status = status; record.state = "pending"; record.reason = "";
    record.at = new Date().toISOString(); record.created_at = record.created_at || Date.now();
    return put([record]).then(render).then(function () { sync(); });
  }

  // --- Walk-ins ----------------------------------------------------------------------------
  var form = document.getElementById("walk-in");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = form.elements;
    var name = f.name.value.trim(), year = parseInt(f.birth_year.value, 10);
    var error = $("form-error");
    if (!name || !year) { error.textContent = text.required; error.hidden = false; return; }
    error.hidden = true;
    var village = f.village.value ? parseInt(f.village.value, 10) : null;
    var record = {
      id: newId(), cls: classId, owner: owner, status: "present", state: "pending", reason: "",
      at: new Date().toISOString(), created_at: Date.now(),
      person: { name: name, birth_year: year, commune_id: commune.id, village_id: village },
      village_name: village ? f.village.options[f.village.selectedIndex].text : "",
    };
    put([record]).then(function () { form.reset(); f.name.focus(); return render(); })
      .then(function () { sync(); }).catch(function () { error.textContent = text.noStorage; error.hidden = false; });
  });

  // --- Sync ----------------------------------------------------------------------------------
  var problem = "";
  function showStatus() {
    var conn = $("connection");
    conn.textContent = navigator.onLine ? text.online : text.offline;
    conn.className = navigator.onLine ? "online" : "offline";
    $("problem").textContent = problem;
  }
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function payload(r) {
    var out = { id: r.id, status: r.status, at: r.at };
    if (r.person) out.person = r.person; else out.learner_id = r.learner_id;
    return out;
  }
  function send(records) {
    return fetch(root.dataset.batchUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ marks: records.map(payload) }),
    }).then(function (resp) {
      if (resp.status === 401 || resp.status === 403 || resp.redirected) return { auth: true };
      if (!resp.ok) {
        return resp.json().then(function (b) { return { retry: true, detail: b && b.detail }; }, function () { return { retry: true }; });
      }
      return resp.json().then(function (answer) {
        var done = {};
        (answer.saved || []).concat(answer.duplicates || []).forEach(function (id) { done[id] = true; });
        var rejected = answer.rejected || {};
        records.forEach(function (r) {
          if (done[r.id]) { r.state = "synced"; r.reason = ""; }
          else if (r.id in rejected) { r.state = "rejected"; r.reason = rejected[r.id]; }
        });
        return put(records).then(function () { return { ok: true }; });
      });
    }, function () { return { retry: true }; });
  }
  var running = null;
  function sync() {
    if (running) return running;
    if (!navigator.onLine) { showStatus(); return Promise.resolve(); }
    running = mine().then(function (records) {
      // A mark changed while it was being sent is sent again: it is stored after the answer.
      var pending = records.filter(function (r) { return r.state === "pending"; })
        .sort(function (a, b) { return a.created_at - b.created_at; }).slice(0, BATCH);
      if (!pending.length) return { ok: true };
      return send(pending);
    }).then(function (result) {
      problem = result.auth ? text.login : result.retry ? (result.detail || text.serverDown) : "";
      running = null;
      return render();
    }, function () { running = null; problem = text.noStorage; showStatus(); });
    return running;
  }

  window.addEventListener("online", function () { showStatus(); sync(); });
  window.addEventListener("offline", showStatus);
  $("sync-now").addEventListener("click", function () { sync(); });
  setInterval(sync, TICK_MS);
  render().then(sync).catch(function () { problem = text.noStorage; showStatus(); });
  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/learning/classes/" }).catch(function () {});
  }
  // Send every line again, even those synced: the server answers "duplicate" for each, so
  // this is safe (and is how the browser test proves it).
  function resend() {
    return mine().then(function (records) {
      records.forEach(function (r) { r.state = "pending"; });
      return put(records);
    }).then(sync);
  }
  window.hocvusoRoll = { sync: sync, records: mine, resend: resend };
})();
