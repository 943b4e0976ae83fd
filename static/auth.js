/*
 * sesame's client script: keeps a signed-in page signed in without the user
 * noticing. Plain JavaScript, no build step.
 *
 * - sesame.authFetch(input, init): fetch with the session's cookies; on a 401
 *   from this site it refreshes once and retries once; if the refresh is
 *   refused it sends the user to /login?next=<this page>.
 * - One refresh at a time: any number of 401s in a tab share one refresh, and
 *   tabs take turns through the Web Locks API (with a timeout, so a lock left
 *   by a stuck tab never blocks the others).
 * - On the 401 page it refreshes and reloads by itself; on the forward-auth
 *   401 page (/auth/required, which a proxy serves in place of a page behind
 *   it) it reloads the page the browser is on.
 * - On signed-in pages it refreshes ahead of expiry while the page is visible.
 *   One that fails for another reason than a 401 (network, timeout, 5xx,
 *   403) is tried again after growing pauses: 2 s, 4 s, 8 s ... at most 60 s
 *   (give or take 10%), back to 2 s after any successful refresh.
 * - Times (<time datetime>) show in the browser's time zone.
 * - On the answer to a failed form post, a reload asks for the page again
 *   instead of posting the form a second time.
 *
 * Tokens live only in HttpOnly cookies: this script never sees or stores one,
 * and it uses no Web Storage at all.
 */
(function () {
  "use strict";

  var REFRESH_URL = "/auth/refresh";
  var LOCK_NAME = "sesame-refresh";
  var LOCK_WAIT_MS = 5000; // how long to wait for another tab's refresh
  var REFRESH_TIMEOUT_MS = 10000; // how long a refresh request may take
  var MAX_TIMER_MS = 2147483647; // setTimeout's limit (about 24.8 days)
  var RETRY_FIRST_MS = 2000; // pause before retrying a failed refresh ahead
  var RETRY_MAX_MS = 60000; // the pauses double up to this

  var inFlight = null; // this tab's refresh, while it runs
  var refreshes = 0; // successful refreshes in this tab so far
  var keepAlive = false; // whether this page refreshes ahead of expiry
  var aheadTimer = null;
  var aheadDueAt = Infinity;
  var retryPause = RETRY_FIRST_MS; // the next pause after a failed refresh

  // /login?next=<path>, by default the page the browser is on.
  function loginUrl(path) {
    var next = encodeURIComponent(path || location.pathname + location.search).replace(/%2F/gi, "/");
    return "/login?next=" + next;
  }

  function goToLogin(url) {
    location.assign(url || loginUrl());
  }

  function urlOf(input) {
    return new URL(input instanceof Request ? input.url : String(input), location.href);
  }

  // Only a 401 from this site, outside /auth/*, is one a refresh can cure.
  function refreshCanCure(input) {
    var url = urlOf(input);
    return url.origin === location.origin && url.pathname.indexOf("/auth/") !== 0;
  }

  // fetch with a time limit (where the browser can abort requests).
  function fetchWithTimeout(url, options, timeoutMs) {
    if (typeof AbortController !== "function") return fetch(url, options);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, timeoutMs);
    options.signal = controller.signal;
    return fetch(url, options).then(function (response) {
      clearTimeout(timer);
      return response;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  // POST /auth/refresh. Resolves "ok", "refused" (the session is over) or
  // "error" (network trouble or a server fault: worth trying again later,
  // not a reason to sign the user out). Never rejects.
  function postRefresh() {
    return fetchWithTimeout(REFRESH_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }, REFRESH_TIMEOUT_MS).then(function (response) {
      if (response.status === 401) return "refused";
      if (!response.ok) return "error";
      return response.json().then(function (body) {
        var expiresIn = Number(body.expiresIn);
        refreshes += 1;
        retryPause = RETRY_FIRST_MS;
        if (keepAlive) scheduleAhead(expiresIn);
        document.dispatchEvent(new CustomEvent("sesame:refreshed", { detail: { expiresIn: expiresIn } }));
        return "ok";
      });
    }).catch(function () {
      return "error";
    });
  }

  // Runs `task` holding the cross-tab lock; if the lock cannot be had in
  // LOCK_WAIT_MS (or the browser has no Web Locks), runs it anyway: the
  // server's grace window makes concurrent refreshes safe, the lock only
  // spares it the extra work.
  function withLock(task) {
    if (!navigator.locks || !navigator.locks.request || typeof AbortController !== "function") {
      return task();
    }
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, LOCK_WAIT_MS);
    var acquired = false;
    return navigator.locks.request(LOCK_NAME, { signal: controller.signal }, function () {
      acquired = true;
      clearTimeout(timer);
      return task();
    }).catch(function () {
      clearTimeout(timer);
      return acquired ? "error" : task();
    });
  }

  // Single-flight: every caller in this tab shares the refresh under way.
  function refresh() {
    if (!inFlight) {
      inFlight = withLock(postRefresh).then(function (outcome) {
        inFlight = null;
        return outcome;
      });
    }
    return inFlight;
  }

  function authFetch(input, init) {
    var options = Object.assign({ credentials: "same-origin" }, init);
    // A Request's body can be read once: keep a copy for the retry.
    var retry = input instanceof Request ? input.clone() : input;
    var refreshesBefore = refreshes;
    return fetch(input, options).then(function (response) {
      if (response.status !== 401 || !refreshCanCure(input)) return response;
      // A refresh finished while this request was on its way: just retry.
      var refreshed = refreshes !== refreshesBefore ? Promise.resolve("ok") : refresh();
      return refreshed.then(function (outcome) {
        if (outcome === "ok") return fetch(retry, options); // the one retry
        if (outcome === "refused") goToLogin();
        return response;
      });
    });
  }

  // Refresh ahead of expiry: a quarter of the lifetime early (at least 2 s,
  // as the server counts whole seconds; at most a minute; never more than
  // half the lifetime, so short tokens do not refresh in a loop).
  function scheduleAhead(expiresIn) {
    clearTimeout(aheadTimer);
    if (!(expiresIn > 0)) return;
    var lead = Math.min(60, Math.max(2, expiresIn * 0.25), expiresIn / 2);
    runAheadIn(Math.min(MAX_TIMER_MS, Math.max(0, (expiresIn - lead) * 1000)));
  }

  // After a failed refresh: try again after a pause that doubles each time
  // (capped), with a little jitter so tabs do not retry in step.
  function retryAhead() {
    runAheadIn(retryPause * (0.9 + Math.random() * 0.2));
    retryPause = Math.min(RETRY_MAX_MS, retryPause * 2);
  }

  function runAheadIn(delay) {
    clearTimeout(aheadTimer);
    aheadDueAt = Date.now() + delay;
    aheadTimer = setTimeout(refreshAhead, delay);
  }

  function refreshAhead() {
    // A hidden page waits until it is seen again (see visibilitychange).
    if (document.visibilityState !== "visible") return;
    aheadDueAt = Infinity;
    refresh().then(function (outcome) {
      if (outcome === "refused") goToLogin();
      if (outcome === "error") retryAhead();
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && Date.now() >= aheadDueAt) refreshAhead();
  });

  // The 401 page (only ever the answer to a GET): refresh silently, then
  // reload; else sign in. A mark in this history entry (it survives the
  // reload and needs no storage) says a refresh was just tried, so a 401 that
  // a refresh cannot cure never loops.
  //
  // The forward-auth page (data-forward-next) stands in for a page behind a
  // proxy, at that page's address (nginx's error_page keeps it): the page to
  // recover is the one the browser is on. On /auth/required itself (a proxy
  // that redirects there) it is the one named by `next`: the entry takes its
  // address before the reload. The same page with data-mfa (a proxy asked
  // for a second factor): a refresh may cure an expired access token of a
  // session that has one; if the page comes back, it stays.
  function recover(page) {
    var forwardNext = page.getAttribute("data-forward-next");
    var elsewhere = forwardNext && location.pathname === "/auth/required" ? forwardNext : null;
    var login = page.getAttribute("data-login-url") || loginUrl(elsewhere);
    // The page a proxy shows for want of a second factor: its link signs in
    // again, and back to this page.
    var again = document.getElementById("sign-in-with-second-factor");
    if (again) again.href = login;
    if (history.state && history.state.sesameRetried) {
      history.replaceState(null, "");
      // Refreshed and still refused for want of a second factor: the page
      // says so, and its link signs in again (no loop, no silent redirect).
      if (page.hasAttribute("data-mfa")) return;
      location.replace(login);
      return;
    }
    refresh().then(function (outcome) {
      if (outcome === "ok") {
        history.replaceState({ sesameRetried: true }, "", elsewhere || location.href);
        location.reload();
      } else {
        location.replace(login);
      }
    }, function () {
      location.replace(login);
    });
  }

  // A <time datetime> shows UTC as the server wrote it (what a browser
  // without script shows); here it shows in the browser's own time zone,
  // the UTC instant kept in its title. data-show="date": the day only.
  function showLocalTime(time) {
    var at = new Date(time.getAttribute("datetime"));
    if (isNaN(at.getTime()) || typeof Intl !== "object" || !Intl.DateTimeFormat) return;
    var options = time.getAttribute("data-show") === "date"
      ? { year: "numeric", month: "long", day: "numeric" }
      : { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
    time.textContent = new Intl.DateTimeFormat(undefined, options).format(at);
    time.title = at.toISOString().slice(0, 19).replace("T", " ") + " UTC";
  }

  function showLocalTimes() {
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) showLocalTime(times[i]);
  }

  // The answer to a failed form post names its page's address (the form's
  // action only takes posts): giving this history entry that address makes a
  // reload GET the page rather than post the form again.
  function forgetThePost() {
    var address = document.querySelector('meta[name="sesame-page-address"]');
    if (address) history.replaceState(history.state, "", address.getAttribute("content"));
  }

  function start() {
    var unauthorized = document.getElementById("unauthorized");
    if (unauthorized) {
      recover(unauthorized);
      return;
    }
    if (history.state && history.state.sesameRetried) history.replaceState(null, "");
    forgetThePost();
    showLocalTimes();
    var meta = document.querySelector('meta[name="sesame-access-expires-in"]');
    if (meta) {
      keepAlive = true;
      scheduleAhead(Number(meta.getAttribute("content")));
    }
  }

  window.sesame = { authFetch: authFetch, refresh: refresh, showLocalTime: showLocalTime };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
