/*
 * sesame's client script: keeps a signed-in page signed in without the user
 * noticing. Plain JavaScript, no build step.
 *
 * - sesame.authFetch(input, init): fetch with the session's cookies; on a 401
 *   it refreshes once and retries once; if the refresh is refused it sends
 *   the user to /login?next=<this page>.
 * - One refresh at a time: any number of 401s in a tab share one refresh, and
 *   tabs take turns through the Web Locks API (with a timeout, so a lock left
 *   by a stuck tab never blocks the others).
 * - On the 401 page it refreshes and reloads by itself.
 * - On signed-in pages it refreshes ahead of expiry while the page is visible.
 *
 * Tokens live only in HttpOnly cookies: this script never sees or stores one
 * (nothing goes to localStorage or sessionStorage but a reload timestamp).
 */
(function () {
  "use strict";

  var REFRESH_URL = "/auth/refresh";
  var LOCK_NAME = "sesame-refresh";
  var LOCK_WAIT_MS = 5000; // how long to wait for another tab's refresh
  var REFRESH_TIMEOUT_MS = 10000; // how long a refresh request may take
  var RELOAD_GUARD_MS = 10000; // a second 401 page this soon means: stop, sign in
  var RELOAD_KEY = "sesame:reloaded-at";

  var inFlight = null; // this tab's refresh, while it runs
  var keepAlive = false; // whether this page refreshes ahead of expiry
  var aheadTimer = null;
  var aheadDueAt = Infinity;

  function loginUrl() {
    var here = encodeURIComponent(location.pathname + location.search).replace(/%2F/gi, "/");
    return "/login?next=" + here;
  }

  function goToLogin(url) {
    location.assign(url || loginUrl());
  }

  function urlOf(input) {
    return new URL(input instanceof Request ? input.url : String(input), location.href);
  }

  // A 401 from /auth/* is an answer a refresh cannot cure.
  function isAuthEndpoint(input) {
    var url = urlOf(input);
    return url.origin === location.origin && url.pathname.indexOf("/auth/") === 0;
  }

  // POST /auth/refresh. Resolves "ok", "refused" (the session is over) or
  // "error" (network trouble: worth trying again later, not a sign-out).
  function postRefresh() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REFRESH_TIMEOUT_MS);
    return fetch(REFRESH_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller.signal
    }).then(function (response) {
      if (response.status === 401) return "refused";
      if (!response.ok) return "error";
      return response.json().then(function (body) {
        var expiresIn = Number(body.expiresIn);
        if (keepAlive) scheduleAhead(expiresIn);
        document.dispatchEvent(new CustomEvent("sesame:refreshed", { detail: { expiresIn: expiresIn } }));
        return "ok";
      });
    }).catch(function () {
      return "error";
    }).finally(function () {
      clearTimeout(timer);
    });
  }

  // Runs `task` holding the cross-tab lock; if the lock cannot be had in
  // LOCK_WAIT_MS (or the browser has no Web Locks), runs it anyway: the
  // server's grace window makes concurrent refreshes safe, the lock only
  // spares it the extra work.
  function withLock(task) {
    if (!navigator.locks || !navigator.locks.request) return task();
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, LOCK_WAIT_MS);
    var acquired = false;
    return navigator.locks.request(LOCK_NAME, { signal: controller.signal }, function () {
      acquired = true;
      clearTimeout(timer);
      return task();
    }).catch(function (error) {
      clearTimeout(timer);
      if (!acquired) return task();
      throw error;
    });
  }

  // Single-flight: every caller in this tab shares the refresh under way.
  function refresh() {
    if (!inFlight) {
      inFlight = withLock(postRefresh).finally(function () { inFlight = null; });
    }
    return inFlight;
  }

  function authFetch(input, init) {
    var options = Object.assign({ credentials: "same-origin" }, init);
    // A Request's body can be read once: keep a copy for the retry.
    var retry = input instanceof Request ? input.clone() : input;
    return fetch(input, options).then(function (response) {
      if (response.status !== 401 || isAuthEndpoint(input)) return response;
      return refresh().then(function (outcome) {
        if (outcome === "ok") return fetch(retry, options); // the one retry
        if (outcome === "refused") goToLogin();
        return response;
      });
    });
  }

  // Refresh ahead of expiry: 20% of the lifetime early, at most a minute.
  function scheduleAhead(expiresIn) {
    clearTimeout(aheadTimer);
    if (!(expiresIn > 0)) return;
    var lead = Math.min(60, expiresIn * 0.2);
    var delay = Math.max(0, (expiresIn - lead) * 1000);
    aheadDueAt = Date.now() + delay;
    aheadTimer = setTimeout(refreshAhead, delay);
  }

  function refreshAhead() {
    // A hidden page waits until it is seen again (see visibilitychange).
    if (document.visibilityState !== "visible") return;
    aheadDueAt = Infinity;
    refresh().then(function (outcome) {
      if (outcome === "refused") goToLogin();
      if (outcome === "error") scheduleAhead(5); // try again shortly
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && Date.now() >= aheadDueAt) refreshAhead();
  });

  function readReloadedAt() {
    try { return Number(sessionStorage.getItem(RELOAD_KEY) || 0); } catch (e) { return 0; }
  }

  function writeReloadedAt(value) {
    try {
      if (value) sessionStorage.setItem(RELOAD_KEY, String(value));
      else sessionStorage.removeItem(RELOAD_KEY);
    } catch (e) { /* storage off: the guard is best effort */ }
  }

  // The 401 page: refresh silently, then reload; else sign in.
  function recover(page) {
    var login = page.getAttribute("data-login-url") || loginUrl();
    if (Date.now() - readReloadedAt() < RELOAD_GUARD_MS) {
      // Refreshed and reloaded moments ago, yet 401 again: do not loop.
      writeReloadedAt(0);
      location.replace(login);
      return;
    }
    refresh().then(function (outcome) {
      if (outcome === "ok") {
        writeReloadedAt(Date.now());
        location.reload();
      } else {
        location.replace(login);
      }
    });
  }

  function start() {
    var unauthorized = document.getElementById("unauthorized");
    if (unauthorized) {
      recover(unauthorized);
      return;
    }
    writeReloadedAt(0);
    var meta = document.querySelector('meta[name="sesame-access-expires-in"]');
    if (meta) {
      keepAlive = true;
      scheduleAhead(Number(meta.getAttribute("content")));
    }
  }

  window.sesame = { authFetch: authFetch, refresh: refresh };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
