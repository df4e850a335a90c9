// The phone form for a campaign's outputs (communications/log_output.html), with or without a
// connection. A pasted link names its channel at once, from the domain table the page embeds
// (the server's own, links.domain_table). Each output gets its id here and is kept in
// localStorage until the API (POST /api/communications/outputs) has it; the server saves an id
// once, so a send retried after a dropped answer comes back "200, already saved". Modelled on
// the visit form's queue (static/fieldwork/visits.js).
//
// Photos: with a connection, an output with photos goes as the plain form (multipart) with its
// id. Without one, its photos wait in IndexedDB (File objects keep there) next to the queued
// output, which is then sent as that same form; where IndexedDB is refused (a private window),
// the output is queued without them and the page says so.
(function () {
  "use strict";
  var root = document.getElementById("log");
  if (!root) return;

  var QUEUE_KEY = "hocvuso.communications.queue";
  var TICK_MS = 20000;
  var form = document.getElementById("log-form");
  var owner = root.dataset.user || "";
  var campaignId = parseInt(root.dataset.campaign, 10);
  var text = {};
  Array.prototype.forEach.call(document.querySelectorAll("#log-text [data-key]"), function (el) {
    text[el.dataset.key] = el.textContent;
  });
  function fmt(key, value) { return text[key].replace("%s", value); }
  function $(name) { return root.querySelector('[data-log="' + name + '"]'); }
  function readJson(id) {
    var el = document.getElementById(id);
    try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
  }
  var channels = readJson("log-channels") || [];
  var domains = readJson("log-domains") || [];
  var byId = {}, byCode = {};
  channels.forEach(function (c) { byId[String(c.id)] = c; byCode[c.code] = c; });
  var f = form.elements;

  // --- The queue on the phone ------------------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]") || []; } catch (e) { return []; }
  }
  function save(queue) {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); return true; } catch (e) { return false; }
  }
  // A record is sent and counted only by the account that typed it (a phone passed on).
  function mine(r) { return r.owner === owner; }
  function update(record) {
    var queue = load().filter(function (r) { return r.id !== record.id; });
    queue.push(record);
    return save(queue);
  }
  function drop(id) { save(load().filter(function (r) { return r.id !== id; })); }

  // --- Photos waiting on the phone (IndexedDB, one record per output) -----------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("hocvuso-communications", 1);
        req.onupgradeneeded = function () { req.result.createObjectStore("photos", { keyPath: "id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function photoTx(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var t = conn.transaction("photos", mode);
        var out = work(t.objectStore("photos"));
        t.oncomplete = function () { resolve(out && "value" in out ? out.value : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function keepPhotos(id, files) {
    return photoTx("readwrite", function (s) { s.put({ id: id, files: Array.prototype.slice.call(files) }); });
  }
  function photosOf(id) {
    return photoTx("readonly", function (s) {
      var out = { value: [] };
      s.get(id).onsuccess = function (e) { out.value = e.target.result ? e.target.result.files : []; };
      return out;
    });
  }
  function dropPhotos(id) {
    return photoTx("readwrite", function (s) { s["delete"](id); }).catch(function () {});
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID needs a secure context; the same version-4 layout from getRandomValues.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- A pasted link names its channel -----------------------------------------------------
  var channelChosen = false, kindChosen = false;
  function hostOf(url) {
    var host;
    try { host = new URL(url.trim()).hostname.toLowerCase().replace(/\.$/, ""); } catch (e) { return ""; }
    return host.replace(/^www\./, "").replace(/^m\./, "");
  }
  // The longest listed domain the host is, or ends with (domains come longest first).
  function recognise(url) {
    var host = hostOf(url);
    if (!host) return null;
    for (var i = 0; i < domains.length; i += 1) {
      var domain = domains[i][0];
      if (host === domain || host.slice(-domain.length - 1) === "." + domain) return byCode[domains[i][1]] || null;
    }
    return null;
  }
  function showChannel() {
    var channel = byId[f.channel.value];
    root.classList.toggle("visual", !!(channel && channel.visual));
  }
  function setChannel(channel) {
    if (!channel) return;
    if (!channelChosen) f.channel.value = String(channel.id);
    if (!kindChosen) f.kind.value = byId[f.channel.value] ? byId[f.channel.value].kind : channel.kind;
    showChannel();
  }
  f.url.addEventListener("input", function () {
    var channel = recognise(f.url.value);
    var line = document.getElementById("recognised");
    if (channel) {
      setChannel(channel);
      var option = f.channel.querySelector('option[value="' + channel.id + '"]');
      if (line) line.textContent = fmt("channelFromLink", option ? option.textContent : channel.code);
    } else if (line) {
      line.textContent = "";
    }
  });
  // The server's answer (htmx, on change) for an address the page's table did not know.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var line = event.detail && event.detail.target;
    var swapped = document.getElementById("recognised");
    if (!swapped || (line && line.id !== "recognised" && line !== swapped)) return;
    if (swapped.dataset.channel) setChannel(byCode[swapped.dataset.channel]);
  });
  f.channel.addEventListener("change", function () {
    channelChosen = true;
    var channel = byId[f.channel.value];
    if (channel && !kindChosen) f.kind.value = channel.kind;
    showChannel();
  });
  f.kind.addEventListener("change", function () { kindChosen = true; });

  // --- Errors next to the fields -----------------------------------------------------------
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error[data-for]"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    showFormError("");
  }
  function showFormError(message) {
    var el = $("form-error");
    el.textContent = message || "";
    el.hidden = !message;
  }
  function fieldError(name, message) {
    var input = f[name];
    if (!input || !input.closest || !input.closest(".field") || input.type === "hidden") {
      showFormError(message);
      return;
    }
    var p = document.createElement("p");
    p.className = "error"; p.dataset.for = name; p.id = input.id + "-error"; p.setAttribute("role", "alert");
    p.textContent = message;
    input.closest(".field").classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", p.id);
    input.insertAdjacentElement("afterend", p);
    var details = input.closest("details");
    if (details) details.open = true;
  }
  function showErrors(errors, detail) {
    var names = Object.keys(errors || {});
    names.forEach(function (name) { fieldError(name, errors[name]); });
    if (!names.length) showFormError(detail || text.fixErrors);
    else if (f[names[0]] && f[names[0]].focus) f[names[0]].focus();
  }

  // --- Reading the form --------------------------------------------------------------------
  function count(name, errors) {
    var raw = String(f[name].value || "").trim();
    if (raw === "") return null;
    if (!/^\d+$/.test(raw)) { errors[name] = text.notNumber; return null; }
    return parseInt(raw, 10);
  }
  // The checks a person can fix at once, before the output is queued; the server checks the
  // rest (the window, the bounds, a link already logged) and says so by field.
  function readForm() {
    var errors = {};
    var url = f.url.value.trim();
    if (url && !/^https?:\/\//i.test(url)) errors.url = text.badUrl;
    var channel = byId[f.channel.value] || (url ? recognise(url) : null);
    if (!channel) errors.channel = url ? text.noChannel : text.needChannel;
    if (!f.title.value.trim()) errors.title = text.needTitle;
    if (!f.published_on.value) errors.published_on = text.needDate;
    var quantity = count("quantity", errors);
    var record = {
      campaign: campaignId,
      unit: parseInt(f.unit.value, 10),
      channel: channel ? channel.code : null,
      kind: f.kind.value || "",
      title: f.title.value.trim(),
      url: url,
      published_on: f.published_on.value,
      quantity: quantity === null ? 1 : quantity,
      views: count("views", errors),
      shares: count("shares", errors),
      attendees: count("attendees", errors),
      hashtag_used: !!f.hashtag_used.checked,
    };
    return { record: record, errors: errors };
  }
  function resetForNext() {
    var keep = { unit: f.unit.value, day: f.published_on.value, channel: f.channel.value };
    form.reset();
    f.unit.value = keep.unit;
    f.published_on.value = keep.day;
    f.channel.value = keep.channel;
    f.output_id.value = "";
    var channel = byId[keep.channel];
    f.kind.value = channel ? channel.kind : "";
    channelChosen = false; kindChosen = false;
    var line = document.getElementById("recognised");
    if (line) line.textContent = "";
    $("photo-offline").hidden = true;
    showChannel();
    f.url.focus();
  }
  function said(message) {
    var el = $("saved");
    el.textContent = message;
    el.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    var photos = f.photos && f.photos.files ? f.photos.files.length : 0;
    if (photos && navigator.onLine) {
      // The plain form carries the photos; its id makes a second tap the same output.
      if (!f.output_id.value) f.output_id.value = newId();
      return;
    }
    event.preventDefault();
    clearErrors();
    var read = readForm();
    if (Object.keys(read.errors).length) { showErrors(read.errors); return; }
    var record = read.record;
    record.id = f.output_id.value || newId();
    record.owner = owner;
    record.state = "pending";
    record.reason = "";
    record.created_at = Date.now();
    if (!update(record)) { showFormError(text.noStorage); return; }
    if (!navigator.onLine) {
      if (!photos) { queued(record, false); return; }
      var files = Array.prototype.slice.call(f.photos.files); // the form is reset after this
      keepPhotos(record.id, files).then(function () {
        record.photos = files.length;
        update(record);
        queued(record, false);
      }, function () { queued(record, true); });
      return;
    }
    send(record).then(function (result) {
      if (result.saved) {
        said(fmt("saved", record.title));
        resetForNext();
        refreshToday();
      } else if (result.refused) {
        // Still on the screen: the person corrects it here, nothing stays queued.
        drop(record.id);
        f.output_id.value = record.id;
        showErrors(result.errors, result.detail);
      } else {
        queued(record, false);
      }
      render();
    });
  });
  function queued(record, hadPhoto) {
    said(fmt("queued", record.title));
    resetForNext();
    if (hadPhoto) $("photo-offline").hidden = false;
    render();
  }

  // --- Sending -------------------------------------------------------------------------------
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function payload(r) {
    return {
      id: r.id, campaign: r.campaign, unit: r.unit, channel: r.channel, kind: r.kind, title: r.title,
      url: r.url, published_on: r.published_on, quantity: r.quantity, views: r.views, shares: r.shares,
      attendees: r.attendees, hashtag_used: r.hashtag_used,
    };
  }
  var problem = "";
  // Resolves to {saved} (201 or 200: the server has it), {refused, errors, detail} (400, 404,
  // 422: it will refuse it again as it is), {auth} (the session ended) or {retry}.
  function send(record) {
    return record.photos ? sendForm(record) : sendJson(record);
  }
  // An output queued with its photos goes as the page's own form would have sent it. The
  // form answers a save with a redirect to ?saved=<its id>; any other redirect is the login.
  function sendForm(record) {
    return photosOf(record.id).then(function (files) {
      var data = new FormData();
      var channel = byCode[record.channel];
      var fields = {
        csrfmiddlewaretoken: csrfToken(), output_id: record.id, unit: record.unit, url: record.url,
        channel: channel ? channel.id : "", kind: record.kind, title: record.title,
        published_on: record.published_on, quantity: record.quantity, views: record.views,
        shares: record.shares, attendees: record.attendees,
      };
      Object.keys(fields).forEach(function (k) {
        if (fields[k] !== null && fields[k] !== undefined) data.append(k, fields[k]);
      });
      if (record.hashtag_used) data.append("hashtag_used", "on");
      files.forEach(function (file) { data.append("photos", file, file.name); });
      var url = root.dataset.formUrl.replace("/0/", "/" + record.campaign + "/");
      return fetch(url, { method: "POST", credentials: "same-origin", body: data, headers: { "X-CSRFToken": csrfToken() } });
    }).then(function (resp) {
      if (resp.redirected && resp.url.indexOf("saved=" + record.id) !== -1) {
        drop(record.id);
        dropPhotos(record.id);
        problem = "";
        return { saved: true };
      }
      if (resp.redirected || resp.status === 403) { problem = text.login; return { auth: true }; }
      if (resp.status === 400 || resp.status === 404) return { refused: true, errors: {}, detail: text.fixErrors };
      problem = text.serverDown;
      return { retry: true };
    }, function () {
      problem = text.serverDown;
      return { retry: true };
    });
  }
  function sendJson(record) {
    return fetch(root.dataset.apiUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(payload(record)),
    }).then(function (resp) {
      if (resp.status === 200 || resp.status === 201) {
        drop(record.id);
        problem = "";
        return { saved: true };
      }
      if (resp.status === 401 || resp.status === 403 || resp.redirected) {
        problem = text.login;
        return { auth: true };
      }
      if (resp.status === 400 || resp.status === 404 || resp.status === 422) {
        return resp.json().then(function (body) { return body || {}; }, function () { return {}; }).then(function (body) {
          var errors = body.errors && !Array.isArray(body.errors) ? body.errors : {};
          return { refused: true, errors: errors, detail: body.detail || "" };
        });
      }
      problem = text.serverDown;
      return { retry: true };
    }, function () {
      problem = text.serverDown;
      return { retry: true };
    });
  }
  var running = null;
  function sync() {
    if (running) return running;
    if (!navigator.onLine) { render(); return Promise.resolve(); }
    var pending = load().filter(function (r) { return mine(r) && r.state === "pending"; })
      .sort(function (a, b) { return a.created_at - b.created_at; });
    var sent = 0;
    running = pending.reduce(function (chain, record) {
      return chain.then(function (stop) {
        if (stop) return true;
        return send(record).then(function (result) {
          if (result.saved) { sent += 1; return false; }
          if (result.refused) {
            record.state = "rejected";
            record.reason = result.detail || text.fixErrors;
            update(record);
            return false;
          }
          return true; // the session or the server: the rest waits for the next try
        });
      });
    }, Promise.resolve(false)).then(function () {
      running = null;
      if (sent) refreshToday();
      render();
    }, function () { running = null; render(); });
    return running;
  }
  function refreshToday() {
    if (window.htmx && document.getElementById("log-today")) {
      window.htmx.ajax("GET", root.dataset.pageUrl, { target: "#log-today", swap: "outerHTML" });
    }
  }

  // --- The status line and the queue ---------------------------------------------------------
  function render() {
    var queue = load().filter(mine);
    var pending = queue.filter(function (r) { return r.state === "pending"; }).length;
    var conn = $("connection");
    conn.textContent = navigator.onLine ? text.online : text.offline;
    conn.className = navigator.onLine ? "online" : "offline";
    $("pending").textContent = fmt("pending", pending);
    $("pending").hidden = pending === 0;
    $("problem").textContent = pending ? problem : "";
    var list = $("queue");
    list.textContent = "";
    queue.sort(function (a, b) { return b.created_at - a.created_at; }).forEach(function (r) {
      list.appendChild(row(r));
    });
    $("queue-section").hidden = queue.length === 0;
  }
  function row(r) {
    var li = document.createElement("li");
    li.dataset.id = r.id; li.dataset.state = r.state;
    var what = document.createElement("span");
    what.className = "what";
    what.textContent = r.title + " · " + (r.published_on || "").split("-").reverse().join("/") +
      (r.photos ? " · " + fmt("withPhotos", r.photos) : "");
    var state = document.createElement("span");
    state.className = r.state === "rejected" ? "error" : "muted";
    state.textContent = r.state === "rejected" ? fmt("rejected", r.reason) : text.waiting;
    li.appendChild(what); li.appendChild(state);
    if (r.state === "rejected") {
      var del = document.createElement("button");
      del.type = "button"; del.className = "secondary"; del.textContent = text["delete"];
      del.addEventListener("click", function () {
        if (window.confirm(text.confirmDelete)) { drop(r.id); dropPhotos(r.id); render(); }
      });
      li.appendChild(del);
    }
    return li;
  }

  window.addEventListener("online", function () { render(); sync(); });
  window.addEventListener("offline", render);
  $("sync-now").addEventListener("click", function () { sync(); });
  setInterval(sync, TICK_MS);
  showChannel();
  render();
  sync();
  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/communications/" }).catch(function () {});
  }
  window.hocvusoLog = { sync: sync, queue: function () { return load().filter(mine); } };
})();
