/*
 * The profile page: "Check my session" asks /api/me through
 * sesame.authFetch, so a silent refresh can be watched happening, and the
 * shown expiry follows each refresh.
 */
(function () {
  "use strict";

  var button = document.getElementById("check-session");
  var answer = document.getElementById("session-answer");
  var expiry = document.getElementById("access-expiry");

  if (button && answer) {
    button.addEventListener("click", function () {
      answer.textContent = "Checking…";
      window.sesame.authFetch("/api/me").then(function (response) {
        if (!response.ok) {
          answer.textContent = "Not signed in (HTTP " + response.status + ").";
          return;
        }
        return response.json().then(function (me) {
          answer.textContent = "Signed in as " + me.name + " (" + me.email + ") at " +
            new Date().toLocaleTimeString() + ".";
        });
      }).catch(function () {
        answer.textContent = "The server could not be reached.";
      });
    });
  }

  document.addEventListener("sesame:refreshed", function (event) {
    if (!expiry) return;
    var at = new Date(Date.now() + event.detail.expiresIn * 1000);
    expiry.setAttribute("datetime", at.toISOString());
    window.sesame.showLocalTime(expiry);
    expiry.textContent += " (refreshed silently)";
  });
})();
