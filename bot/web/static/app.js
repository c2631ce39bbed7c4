/* Infolinia Klastra: the web chat page. No libraries, no build step. Every text from the
   server or the person is put in the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var KEY = "infolinia.sesja";
  var SESSION = /^[A-Za-z0-9_-]{22}$/;
  var log = document.getElementById("rozmowa");
  var status = document.getElementById("status");
  var form = document.getElementById("formularz");
  var field = document.getElementById("pytanie");
  var emailForm = document.getElementById("email");
  var session = null;
  var last = 0;
  var seen = {};
  var pending = [];   // the person's messages shown before the server gave them an id
  var polling = 0;    // generation of the poll loop; a new session starts a new one

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try {
      if (value) { localStorage.setItem(KEY, value); } else { localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the session lives as long as the page */ }
  }
  function say(text, isError) {
    status.textContent = text || "";
    status.className = isError ? "status error" : "status";
  }

  function bubble(author, text) {
    var item = document.createElement("li");
    var p = document.createElement("p");
    p.className = "msg " + (author === "bot" ? "bot" : "person");
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = author === "bot" ? "Infolinia: " : "Ty: ";
    p.appendChild(who);
    p.appendChild(document.createTextNode(text));
    item.appendChild(p);
    log.appendChild(item);
    return item;
  }

  function render(message) {
    if (seen[message.id]) { return; }
    seen[message.id] = true;
    if (message.id > last) { last = message.id; }
    if (message.from === "person") {
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].text === message.text) {
          pending[i].item.setAttribute("data-id", message.id);
          pending.splice(i, 1);
          return;
        }
      }
    }
    var item = bubble(message.from === "person" ? "person" : "bot", message.text);
    item.setAttribute("data-id", message.id);
    if (message.choices && message.choices.length) {
      var list = document.createElement("ul");
      list.className = "choices";
      message.choices.forEach(function (choice) {
        var li = document.createElement("li");
        var meeting = /^web:ics:([A-Za-z0-9_.-]+)$/.exec(choice.id);
        var control;
        if (meeting) {   // a download, not a choice
          control = document.createElement("a");
          control.className = "choice link";
          control.href = "/czat/spotkanie/" + meeting[1] + ".ics";
          control.setAttribute("download", meeting[1] + ".ics");
        } else {
          control = document.createElement("button");
          control.type = "button";
          control.className = "choice";
          control.setAttribute("data-choice", choice.id);
        }
        control.textContent = choice.label;
        li.appendChild(control);
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    item.scrollIntoView({ block: "nearest" });
  }

  function retire(ids) {
    (ids || []).forEach(function (id) {
      var item = log.querySelector('li[data-id="' + Number(id) + '"]');
      var list = item && item.querySelector("ul.choices");
      if (list) { list.remove(); }
    });
  }

  function reset(newSession) {
    session = newSession;
    store(newSession);
    last = 0;
    seen = {};
    pending = [];
    log.textContent = "";
  }

  function request(method, url, body) {
    var options = { method: method, headers: {}, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        data.status = response.status;
        data.retry = Number(response.headers.get("Retry-After")) || 0;
        return data;
      });
    });
  }

  function wait(seconds) {
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); });
  }

  function poll() {
    var generation = ++polling;
    var failures = 0;
    function next() {
      if (generation !== polling || !session) { return; }
      request("GET", "/api/czat/" + session + "?po=" + last).then(function (data) {
        if (generation !== polling) { return; }
        if (data.status === 200) {
          failures = 0;
          data.messages.forEach(render);
          return next();
        }
        if (data.status === 404) {
          reset(null);
          say("Poprzednia rozmowa wygasła. Napisz pytanie, aby zacząć nową.");
          return;
        }
        return wait(data.retry || 5).then(next);
      }, function () {
        failures += 1;
        say("Brak połączenia – próbuję ponownie…", true);
        return wait(Math.min(30, 2 * failures)).then(function () { say(""); next(); });
      });
    }
    next();
  }

  function handle(data, before) {
    if (data.status === 404 && before) {
      reset(null);
      polling += 1;
      say("Poprzednia rozmowa wygasła. Wyślij wiadomość jeszcze raz – zacznę nową.", true);
      return false;
    }
    if (data.status !== 200) {
      say(data.error || "Nie udało się wysłać. Spróbuj ponownie.", true);
      return false;
    }
    say("");
    if (data.session !== session) {
      var fresh = before !== null;   // the data was deleted: a new, empty conversation
      if (fresh) { reset(data.session); } else { session = data.session; store(session); }
      poll();
    }
    retire(data.retired);
    data.messages.forEach(render);
    return true;
  }

  function post(body, shown) {
    var before = session;
    body.session = session;
    say("Wysyłam…");
    if (shown) {
      pending.push({ text: shown, item: bubble("person", shown) });
    }
    return request("POST", "/api/czat", body).then(function (data) {
      return handle(data, before);
    }, function () {
      say("Brak połączenia z infolinią. Sprawdź internet i spróbuj ponownie.", true);
      return false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = field.value.trim();
    if (!text) {
      say("Napisz najpierw pytanie.", true);
      field.focus();
      return;
    }
    post({ text: text }, text).then(function (ok) { if (ok) { field.value = ""; } });
  });
  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.choice");
    if (!button) { return; }
    var choice = button.getAttribute("data-choice");
    if (choice === "web:email") {
      emailForm.hidden = false;
      document.getElementById("adres").focus();
      return;
    }
    post({ choice: choice }, button.textContent);
  });

  emailForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!session) { return; }
    var email = document.getElementById("adres").value.trim();
    var consent = document.getElementById("zgoda").checked;
    if (!consent) {
      say("Zaznacz zgodę, żebym mógł zapisać adres.", true);
      document.getElementById("zgoda").focus();
      return;
    }
    request("POST", "/api/czat/" + session + "/email", { email: email, consent: consent })
      .then(function (data) {
        if (handle(data, session)) { emailForm.hidden = true; field.focus(); }
      }, function () { say("Brak połączenia z infolinią.", true); });
  });
  document.getElementById("email-anuluj").addEventListener("click", function () {
    emailForm.hidden = true;
    field.focus();
  });

  document.getElementById("link").addEventListener("click", function () {
    if (!session) {
      say("Najpierw napisz pytanie – wtedy powstanie rozmowa, do której dam link.");
      return;
    }
    var box = document.getElementById("link-pole");
    var input = document.getElementById("link-tekst");
    input.value = location.origin + "/czat#s=" + session;
    box.hidden = false;
    input.focus();
    input.select();
    var done = function () { say("Link skopiowany. Otwórz go na innym urządzeniu, aby wrócić."); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        say("Skopiuj zaznaczony link i zachowaj go.");
      });
    } else {
      say("Skopiuj zaznaczony link i zachowaj go.");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && window.parent !== window) {
      window.parent.postMessage({ infolinia: "zamknij" }, "*");
    }
  });

  var fromLink = /^#s=([A-Za-z0-9_-]{22})$/.exec(location.hash);
  if (fromLink) {
    store(fromLink[1]);
    history.replaceState(null, "", location.pathname + location.search);
  }
  var known = stored();
  if (known && SESSION.test(known)) {
    session = known;
    poll();
  }
})();
