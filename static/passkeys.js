/*
 * Passkeys, on the pages that have them: the profile's section (add,
 * rename, remove), "Sign in with a passkey" and conditional UI on /login,
 * and "Use a passkey" at the second step. The server speaks JSON with
 * binary fields in base64url; the browser's WebAuthn API wants
 * ArrayBuffers: the conversions are here. The sign-ins post a form (CSRF
 * token and all), so the server answers with the cookies and a redirect
 * like the password form; no token is ever kept by this script.
 */
(function () {
  "use strict";

  var supported = !!(window.PublicKeyCredential && navigator.credentials);

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function describe(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = toBytes(item.id);
      return copy;
    });
  }

  /* The server's creation options, as navigator.credentials.create wants them. */
  function creationOptions(options) {
    var publicKey = Object.assign({}, options.publicKey);
    publicKey.challenge = toBytes(publicKey.challenge);
    publicKey.user = Object.assign({}, publicKey.user, { id: toBytes(publicKey.user.id) });
    publicKey.excludeCredentials = describe(publicKey.excludeCredentials);
    return { publicKey: publicKey };
  }

  /* The server's request options, as navigator.credentials.get wants them. */
  function requestOptions(options) {
    var publicKey = Object.assign({}, options.publicKey);
    publicKey.challenge = toBytes(publicKey.challenge);
    publicKey.allowCredentials = describe(publicKey.allowCredentials);
    return { publicKey: publicKey };
  }

  /* What the browser made, as the server reads it. */
  function registered(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toText(response.attestationObject),
        clientDataJSON: toText(response.clientDataJSON),
        transports: response.getTransports ? response.getTransports() : undefined
      },
      extensions: credential.getClientExtensionResults()
    };
  }

  function asserted(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toText(response.authenticatorData),
        clientDataJSON: toText(response.clientDataJSON),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : null
      },
      extensions: credential.getClientExtensionResults()
    };
  }

  /* POST JSON; the answer's body, or an Error with the server's message. */
  function post(url, method, body) {
    return fetch(url, {
      method: method || "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          // On the profile the email is known: only the password can be wrong.
          if (json.error === "invalid_credentials") throw new Error("Your password is incorrect.");
          throw new Error(json.message || "HTTP " + response.status);
        }
        return json;
      });
    });
  }

  function say(element, message) {
    if (!element) return;
    element.textContent = message || "";
    element.hidden = !message;
  }

  function cancelled(error) {
    return error && (error.name === "NotAllowedError" || error.name === "AbortError");
  }

  function show(selector) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (element) {
      element.hidden = false;
    });
  }

  /* A sign-in: ask for options, let the browser answer, post the form. */
  function signIn(form, optionsUrl, body, errorBox, mediation, signal) {
    return post(optionsUrl, "POST", body).then(function (options) {
      var request = requestOptions(options);
      if (mediation) request.mediation = mediation;
      if (signal) request.signal = signal;
      return navigator.credentials.get(request);
    }).then(function (credential) {
      if (!credential) return;
      form.elements.credential.value = JSON.stringify(asserted(credential));
      form.submit();
    }).catch(function (error) {
      if (signal && signal.aborted) return;
      say(errorBox, cancelled(error) ? "No passkey was used." : error.message);
    });
  }

  function loginPage() {
    var form = document.getElementById("passkey-login");
    if (!form || !supported) return;
    form.hidden = false;
    var errorBox = document.getElementById("passkey-login-error");
    var conditional = null;
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) return;
        conditional = new AbortController();
        signIn(form, "/auth/passkey/login/options", {}, errorBox, "conditional", conditional.signal);
      });
    }
    document.getElementById("sign-in-with-passkey").addEventListener("click", function () {
      if (conditional) conditional.abort();
      conditional = null;
      say(errorBox, "");
      signIn(form, "/auth/passkey/login/options", {}, errorBox);
    });
  }

  function secondStepPage() {
    var form = document.getElementById("passkey-second-step");
    if (!form || !supported) return;
    form.hidden = false;
    var errorBox = document.getElementById("passkey-error");
    document.getElementById("use-passkey").addEventListener("click", function () {
      say(errorBox, "");
      signIn(form, "/auth/login/second-factor/passkey/options", {}, errorBox);
    });
  }

  function profilePage() {
    var section = document.getElementById("passkeys");
    if (!section || !supported) return;
    show("#passkeys [data-needs-passkeys]");
    var note = document.getElementById("passkeys-need-script");
    if (note) note.hidden = true;

    var add = document.getElementById("add-passkey");
    var addError = document.getElementById("add-passkey-error");
    add.addEventListener("submit", function (event) {
      event.preventDefault();
      say(addError, "");
      var name = add.elements.name.value;
      var password = add.elements.password.value;
      post("/auth/passkeys/options", "POST", { name: name, password: password })
        .then(function (options) {
          return navigator.credentials.create(creationOptions(options));
        })
        .then(function (credential) {
          return post("/auth/passkeys", "POST", { credential: registered(credential) });
        })
        .then(function () {
          window.location.reload();
        })
        .catch(function (error) {
          say(addError, cancelled(error) ? "No passkey was made." : error.message);
        });
    });

    Array.prototype.forEach.call(section.querySelectorAll("[data-passkey-id]"), function (row) {
      var id = row.getAttribute("data-passkey-id");
      var url = "/api/passkeys/" + encodeURIComponent(id);
      var rename = row.querySelector("[data-passkey-rename]");
      var remove = row.querySelector("[data-passkey-remove]");
      var errorBox = row.querySelector("[data-passkey-error]");
      Array.prototype.forEach.call(row.querySelectorAll("[data-show]"), function (button) {
        button.addEventListener("click", function () {
          var which = button.getAttribute("data-show");
          rename.hidden = which !== "rename";
          remove.hidden = which !== "remove";
          (which === "rename" ? rename : remove).elements[0].focus();
        });
      });
      rename.addEventListener("submit", function (event) {
        event.preventDefault();
        post(url, "PATCH", { name: rename.elements.name.value })
          .then(function () { window.location.reload(); })
          .catch(function (error) { say(errorBox, error.message); });
      });
      remove.addEventListener("submit", function (event) {
        event.preventDefault();
        post(url, "DELETE", { password: remove.elements.password.value })
          .then(function () { window.location.reload(); })
          .catch(function (error) { say(errorBox, error.message); });
      });
    });
  }

  loginPage();
  secondStepPage();
  profilePage();
})();
