// Live screens: a WebSocket when it works, polling when it does not. The server sends the
// whole state on (re)connect, so a screen that joins late or drops catches up. The launch is
// "at server time T": each screen flips at T by its own clock corrected by the server's, so
// screens flip together however late the message reached them.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-socket]");
  if (!root) return;
  var text = JSON.parse(document.getElementById("live-text").textContent);
  var socketPath = root.dataset.liveSocket;
  var stateUrl = root.dataset.liveState; // bridge-point screens; the control room polls via htmx
  var offset = 0; // server clock minus this clock, in ms
  var launchAt = null;
  var socket = null;
  var retry = 1000;
  var pollTimer = null;
  var stopped = false;
  var tallyTimer = null;

  function $(name) { return root.querySelector('[data-live="' + name + '"]'); }
  function say(name, value) { var el = $(name); if (el) el.textContent = value; }

  function syncClock(serverTime) {
    if (serverTime) offset = Date.parse(serverTime) - Date.now();
  }
  function serverNow() { return Date.now() + offset; }

  function showLaunch() {
    var box = $("launch");
    if (!box || launchAt === null) return;
    box.hidden = false;
    var left = launchAt - serverNow();
    if (left > 0) {
      box.classList.remove("launched");
      say("launch-countdown", text.countdown.replace("%s", Math.ceil(left / 1000)));
      setTimeout(showLaunch, Math.min(left, 250));
    } else {
      box.classList.add("launched");
      say("launch-countdown", text.launched);
      if (!root.dataset.launched) root.dataset.launched = String(Date.now());
    }
  }

  function apply(state) {
    if (state.kind === "revoked") return gone();
    if (state.kind === "tally") {
      // Thousands of bridge points report in the same minutes: refresh at most every 2 s.
      if (!tallyTimer) tallyTimer = setTimeout(function () {
        tallyTimer = null; document.body.dispatchEvent(new Event("tally"));
      }, 2000);
      return;
    }
    syncClock(state.server_time);
    if (state.point) say("status", state.point.status_label);
    if ("current_item" in state) say("current-item", state.current_item ? state.current_item.title : text.notStarted);
    if (state.launch_at) { launchAt = Date.parse(state.launch_at); showLaunch(); }
  }

  function gone() {
    stopped = true;
    if (socket) socket.close();
    clearInterval(pollTimer);
    say("connection", text.gone);
    root.classList.add("gone");
    var actions = document.getElementById("actions");
    if (actions) actions.hidden = true;
  }

  function poll() {
    if (!stateUrl) { document.body.dispatchEvent(new Event("tally")); return; }
    fetch(stateUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(apply)
      .catch(function () { /* offline: the next poll tries again */ });
  }

  function startPolling() {
    say("connection", text.polling);
    // 5–8 s apart, spread so that thousands of polling screens do not arrive together.
    if (!pollTimer) { poll(); pollTimer = setInterval(poll, 5000 + Math.random() * 3000); }
  }
  function stopPolling() { clearInterval(pollTimer); pollTimer = null; }

  function connect() {
    if (stopped) return;
    if (!("WebSocket" in window)) return startPolling();
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try { socket = new WebSocket(scheme + location.host + socketPath); }
    catch (e) { return startPolling(); }
    socket.onopen = function () { retry = 1000; stopPolling(); say("connection", text.live); };
    socket.onmessage = function (m) { apply(JSON.parse(m.data)); };
    socket.onclose = function (e) {
      if (e.code === 4403 || e.code === 4404) return gone();
      startPolling();
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  // The attendance form on a bad connection: what was typed is kept on the phone and sent
  // again until it arrives; its submission id makes a resend count once.
  var form = root.querySelector(".attendance-form");
  if (form && window.fetch && window.localStorage) {
    var key = "hocvuso-pending:" + location.pathname;
    var note = form.querySelector("[data-live=form-status]");
    var send = function () {
      var body = localStorage.getItem(key);
      if (!body) return;
      fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (r) { return r.json(); }).then(function (answer) {
        localStorage.removeItem(key);
        if (answer.ok) { location.replace(location.pathname + "?sent=1"); }
        else if (note) { note.textContent = answer.error; note.className = "error"; }
      }).catch(function () {
        if (note) { note.textContent = text.pending; note.className = "alert"; }
        setTimeout(send, 5000);
      });
    };
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      localStorage.setItem(key, new URLSearchParams(new FormData(form)).toString());
      send();
    });
    window.addEventListener("online", send);
    send();
  }

  syncClock(root.dataset.serverTime);
  if (root.dataset.launchAt) { launchAt = Date.parse(root.dataset.launchAt); showLaunch(); }
  setInterval(function () { if (socket && socket.readyState === 1) socket.send("{}"); }, 25000);
  connect();
})();
