/* The on-site checklist: answers save as the auditor goes, and what was typed is never lost.
 *
 * Every change is written to localStorage first (keyed by user, audit and question), then posted
 * as JSON with the version the page holds. The local copy goes only once the server has it. A
 * failed save (no network, session ended, server error) is retried with backoff; a new sign-in
 * (in another tab is fine) lets the retries through. A 409 means a team mate saved the question
 * in between: both answers are shown and the auditor chooses. Without JavaScript every question
 * is a plain form. */
(function () {
  "use strict";

  var configElement = document.getElementById("checklist-config");
  if (!configElement || !window.fetch || !window.JSON) return;
  var config = JSON.parse(configElement.textContent);
  var T = config.text;
  var csrfToken = config.csrfToken;
  var prefix = "checklist:" + config.user + ":" + config.audit + ":";
  var storage = usableStorage();
  var states = {}; // question id -> what this page knows about it
  var notice = document.getElementById("local-notice");
  var signedOut = false;
  var answered = parseInt(document.getElementById("progress-bar").getAttribute("value"), 10) || 0;

  // -- local copies ----------------------------------------------------------------------------

  function usableStorage() {
    try {
      window.localStorage.setItem("checklist:probe", "1");
      window.localStorage.removeItem("checklist:probe");
      return window.localStorage;
    } catch (error) {
      return null; // private mode: the page still saves, it just cannot keep a copy
    }
  }

  function readLocal(question) {
    if (!storage) return null;
    try {
      return JSON.parse(storage.getItem(prefix + question));
    } catch (error) {
      return null;
    }
  }

  function writeLocal(question, entry) {
    if (!storage) return;
    try {
      storage.setItem(prefix + question, JSON.stringify(entry));
    } catch (error) {
      /* storage full: the save itself still goes on */
    }
  }

  function dropLocal(question) {
    if (storage) storage.removeItem(prefix + question);
  }

  function localQuestions() {
    var found = [];
    if (!storage) return found;
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(prefix) === 0) found.push(key.slice(prefix.length));
    }
    return found;
  }

  // -- values ------------------------------------------------------------------------------------

  function valuesOf(form) {
    var grade = form.querySelector("input[name=grade]:checked");
    var points = form.querySelector("input[name=points]:checked");
    return {
      grade: grade && grade.value ? grade.value : null,
      points: points && points.value !== "" ? parseInt(points.value, 10) : null,
      evidence: form.elements.evidence.value,
    };
  }

  function setValues(form, values) {
    form.querySelectorAll("input[name=grade]").forEach(function (input) {
      input.checked = input.value === (values.grade || "");
    });
    var pointsValue = values.points === null || values.points === undefined ? "" : String(values.points);
    form.querySelectorAll("input[name=points]").forEach(function (input) {
      input.checked = input.value === pointsValue;
    });
    form.elements.evidence.value = values.evidence || "";
  }

  function serverValues(form) {
    var points = form.dataset.savedPoints;
    return {
      grade: form.dataset.savedGrade || null,
      points: points === "" || points === undefined ? null : parseInt(points, 10),
      evidence: form.elements.evidence.dataset.saved || "",
      version: parseInt(form.dataset.version, 10) || 0,
    };
  }

  function text(value) {
    return (value || "").replace(/\r\n/g, "\n");
  }

  function same(a, b) {
    var pa = a.points === undefined ? null : a.points;
    var pb = b.points === undefined ? null : b.points;
    return (a.grade || null) === (b.grade || null) && pa === pb && text(a.evidence) === text(b.evidence);
  }

  // -- status, progress, notices --------------------------------------------------------------------

  function setStatus(state, message, kind) {
    if (!state.status) return;
    state.status.textContent = message;
    state.status.className = "save-status" + (kind ? " " + kind : "");
  }

  function countGraded(before, after) {
    var change = (after ? 1 : 0) - (before ? 1 : 0);
    if (!change) return;
    answered += change;
    var bar = document.getElementById("progress-bar");
    bar.setAttribute("value", answered);
    document.getElementById("progress-text").textContent = T.answered
      .replace("{answered}", answered)
      .replace("{total}", config.total);
    document.querySelectorAll("[data-clause-count='" + config.clause + "']").forEach(function (span) {
      var done = parseInt(span.dataset.done, 10) + change;
      span.dataset.done = done;
      span.textContent = done + "/" + span.dataset.total;
      span.classList.toggle("complete", done === parseInt(span.dataset.total, 10));
    });
  }

  function showNotice(parts) {
    notice.textContent = "";
    parts.forEach(function (part) {
      notice.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    notice.hidden = parts.length === 0;
  }

  function showSignedOut() {
    signedOut = true;
    var link = document.createElement("a");
    link.href = config.loginUrl;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = T.signIn;
    showNotice([T.signedOut + " ", link]);
  }

  // -- saving ----------------------------------------------------------------------------------

  function schedule(question, delay) {
    var state = states[question];
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      send(question);
    }, delay);
  }

  function keep(question) {
    var state = states[question];
    writeLocal(question, { clause: state.clause, values: valuesOf(state.form), base: state.version });
  }

  function retryLater(question, message) {
    var state = states[question];
    state.attempts = (state.attempts || 0) + 1;
    var delay = Math.min(60000, 2000 * Math.pow(2, state.attempts - 1));
    setStatus(state, message, "unsaved");
    clearTimeout(state.retry);
    state.retry = setTimeout(function () {
      send(question);
    }, delay);
  }

  function post(question, values, version) {
    var body = JSON.stringify({
      grade: values.grade,
      points: values.points,
      evidence: values.evidence,
      version: version,
    });
    return fetch(config.saveUrl.replace("QUESTION", encodeURIComponent(question)), {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
      },
      body: body,
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve(null)).then(function (data) {
        return { response: response, data: data };
      });
    });
  }

  function refreshToken() {
    return fetch(config.tokenUrl, {
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) return false;
        return response.json().then(function (data) {
          csrfToken = data.csrf_token;
          document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
            input.value = csrfToken;
          });
          if (signedOut) {
            signedOut = false;
            showNotice([]);
          }
          return true;
        });
      })
      .catch(function () {
        return false;
      });
  }

  function send(question) {
    var state = states[question];
    clearTimeout(state.timer);
    clearTimeout(state.retry);
    if (state.conflict) return Promise.resolve();
    if (state.inflight) {
      state.again = true;
      return state.inflight;
    }
    var values = valuesOf(state.form);
    setStatus(state, T.saving, "saving");
    state.inflight = post(question, values, state.version)
      .then(function (result) {
        handle(question, values, result);
      })
      .catch(function (error) {
        console.error(error);
        retryLater(question, T.kept); // no network
      })
      .then(function () {
        state.inflight = null;
        if (state.again) {
          state.again = false;
          if (readLocal(question)) send(question);
        }
      });
    return state.inflight;
  }

  function handle(question, sent, result) {
    var state = states[question];
    var response = result.response;
    var data = result.data;
    if (response.ok && data && data.saved) {
      state.attempts = 0;
      state.version = data.version;
      state.form.dataset.version = data.version;
      state.form.elements.version.value = data.version;
      countGraded(state.savedGrade, data.grade);
      state.savedGrade = data.grade;
      state.form.dataset.savedGrade = data.grade || "";
      if (same(valuesOf(state.form), sent)) {
        dropLocal(question);
        setStatus(state, T.saved, "saved");
      } else {
        keep(question); // typed on while the save was under way
        schedule(question, 800);
      }
    } else if (data && data.error === "closed") {
      // The report went to the committee first: the local copy stays, nothing is retried.
      setStatus(state, T.refused + " " + data.message, "unsaved");
    } else if (response.status === 409 && data) {
      showConflict(question, data.theirs);
    } else if (data && data.error === "invalid") {
      setStatus(state, T.refused + " " + data.message, "unsaved");
    } else if (response.status === 403 && data) {
      setStatus(state, T.refused + " " + data.message, "unsaved");
    } else if (response.status === 401 || response.type === "opaqueredirect" || response.status === 400) {
      // Signed out, or the CSRF token has aged: a fresh token after a new sign-in lets it through.
      refreshToken().then(function (ok) {
        if (!ok) showSignedOut();
        retryLater(question, T.kept);
      });
    } else {
      retryLater(question, T.retrying);
    }
  }

  // -- a team mate saved in between ---------------------------------------------------------------

  function describe(values) {
    var parts = [config.grades[values.grade] || T.notGraded];
    if (values.points !== null && values.points !== undefined) parts.push(values.points + " " + T.points);
    return parts.join(" · ");
  }

  function column(title, values, label, choose) {
    var box = document.createElement("div");
    var heading = document.createElement("strong");
    heading.textContent = title;
    var summary = document.createElement("p");
    summary.textContent = describe(values);
    var evidence = document.createElement("blockquote");
    evidence.textContent = values.evidence || "—";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", choose);
    box.append(heading, summary, evidence, button);
    return box;
  }

  function showConflict(question, theirs) {
    var state = states[question];
    var mine = valuesOf(state.form); // as shown when the conflict came; the fields stay editable
    if (state.conflict) state.conflict.remove();
    var box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    var intro = document.createElement("p");
    intro.textContent = T.conflict;
    var title = T.theirs + (theirs.updated_by ? " (" + theirs.updated_by + ")" : "");
    var columns = document.createElement("div");
    columns.className = "conflict-columns";
    columns.append(
      column(title, theirs, T.takeTheirs, function () {
        resolve(question, theirs, theirs);
      }),
      column(T.yours, mine, T.keepMine, function () {
        resolve(question, theirs, null); // what the fields hold now
      })
    );
    box.append(intro, columns);
    state.form.insertBefore(box, state.form.querySelector(".answer-foot"));
    state.conflict = box;
    setStatus(state, T.refused, "unsaved");
  }

  function resolve(question, theirs, chosen) {
    var state = states[question];
    state.conflict.remove();
    state.conflict = null;
    state.version = theirs.version;
    state.form.elements.version.value = theirs.version;
    countGraded(state.savedGrade, theirs.grade);
    state.savedGrade = theirs.grade;
    if (chosen === theirs) {
      setValues(state.form, theirs);
      dropLocal(question);
      setStatus(state, T.saved, "saved");
    } else {
      keep(question);
      send(question);
    }
  }

  // -- answers kept on this device from an earlier visit ---------------------------------------------

  function restore() {
    var restored = 0;
    var elsewhere = [];
    localQuestions().forEach(function (question) {
      var entry = readLocal(question);
      if (!entry || !entry.values) {
        dropLocal(question);
        return;
      }
      var state = states[question];
      if (!state) {
        elsewhere.push([question, entry]);
        return;
      }
      var server = serverValues(state.form);
      if (same(entry.values, server)) {
        dropLocal(question);
      } else if (entry.base === server.version) {
        setValues(state.form, entry.values);
        restored += 1;
        send(question);
      } else {
        setValues(state.form, entry.values);
        showConflict(question, server);
      }
    });
    var parts = restored ? [T.restored] : [];
    if (elsewhere.length) {
      parts.push((parts.length ? " " : "") + T.elsewhere + " ");
      elsewhere.forEach(function (item, index) {
        var link = document.createElement("a");
        link.href = config.clauseUrl.replace("CLAUSE", encodeURIComponent(item[1].clause)) + "#q-" + item[0];
        link.textContent = item[0];
        if (index) parts.push(", ");
        parts.push(link);
      });
    }
    showNotice(parts);
  }

  // -- wiring ------------------------------------------------------------------------------------

  document.querySelectorAll("form.answer").forEach(function (form) {
    var question = form.dataset.question;
    var state = {
      form: form,
      clause: form.dataset.clause,
      version: parseInt(form.dataset.version, 10) || 0,
      savedGrade: form.dataset.savedGrade || null,
      status: form.querySelector(".save-status"),
    };
    states[question] = state;
    form.addEventListener("change", function (event) {
      if (event.target.name === "grade" && event.target.value === "not_applicable") {
        var none = form.querySelector("input[name=points][value='']");
        if (none) none.checked = true; // a question left out of the score has no points
      }
      keep(question);
      schedule(question, event.target.name === "evidence" ? 0 : 300);
    });
    form.elements.evidence.addEventListener("input", function () {
      keep(question);
      setStatus(state, "", "");
      schedule(question, 1500);
    });
    form.elements.evidence.addEventListener("blur", function () {
      if (readLocal(question) || !storage) schedule(question, 0);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      keep(question);
      send(question);
    });
  });

  // A photo is sent as soon as it is taken; a pending answer goes first.
  document.querySelectorAll("form.attach").forEach(function (form) {
    var question = form.dataset.question;
    function submitAfterSave(event) {
      if (event) event.preventDefault();
      var pending = states[question] && readLocal(question) ? send(question) : Promise.resolve();
      pending.then(function () {
        form.submit();
      });
    }
    form.addEventListener("submit", submitAfterSave);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.files.length) submitAfterSave();
      });
    });
  });

  window.addEventListener("online", function () {
    Object.keys(states).forEach(function (question) {
      if (readLocal(question)) send(question);
    });
  });

  var nav = document.getElementById("clause-nav");
  if (nav && window.matchMedia && window.matchMedia("(min-width: 900px)").matches) nav.open = true;

  restore();
})();
