// Behaviour shared by every page. No inline script anywhere: the Content-Security-Policy
// allows scripts from this site's files only.
"use strict";

// Forms carry a CSRF token that lives an hour (WTF_CSRF_TIME_LIMIT). While a page stays open,
// a fresh one is fetched every third of that life (the page's data-csrf-refresh-ms: 20 minutes
// by default), and at once when the page comes back into view after longer, and put into every
// form of the page: a form filled in slowly is still accepted.
const DEFAULT_REFRESH_MS = 20 * 60 * 1000;

function refreshTokens(url) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((body) => {
      if (!body || !body.csrf_token) return false;
      for (const input of document.querySelectorAll("input[name=csrf_token]")) {
        input.value = body.csrf_token;
      }
      return true;
    })
    .catch(() => false); // offline: the next turn tries again; the server keeps what was typed
}

function keepTokensFresh() {
  const url = document.body.dataset.csrfUrl;
  if (!url || !window.fetch || !document.querySelector("input[name=csrf_token]")) return;
  const every = Number(document.body.dataset.csrfRefreshMs) || DEFAULT_REFRESH_MS;
  let last = Date.now();
  const refresh = () => {
    last = Date.now();
    refreshTokens(url);
  };
  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && Date.now() - last > every) refresh();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  // A <select data-autosubmit> sends its form as soon as a choice is made (the language menu).
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // A read-only address to copy (the calendar feed) is selected whole when focused.
  for (const input of document.querySelectorAll("input.select-all")) {
    input.addEventListener("focus", () => input.select());
  }
  keepTokensFresh();
});
