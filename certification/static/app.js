// Behaviour shared by every page. No inline script anywhere: the Content-Security-Policy
// allows scripts from this site's files only.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A <select data-autosubmit> sends its form as soon as a choice is made (the language menu).
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // A read-only address to copy (the calendar feed) is selected whole when focused.
  for (const input of document.querySelectorAll("input.select-all")) {
    input.addEventListener("focus", () => input.select());
  }
});
