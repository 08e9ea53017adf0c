// The waiting room page: join the queue, follow the place in it without reloading,
// and move on to the event page when admitted (the API's answer sets the pass
// cookie). The server says how soon to ask again (`poll_after_seconds`).
(function () {
  "use strict";
  var root = document.getElementById("queue");
  if (!root || !window.fetch) return;
  var data = root.dataset;
  var csrf = root.querySelector('input[name="csrfmiddlewaretoken"]');
  var card = document.getElementById("queue-state");
  var headline = document.getElementById("queue-headline");
  var opens = document.getElementById("queue-opens");
  var figures = document.getElementById("queue-figures");
  var position = document.getElementById("queue-position");
  var ahead = document.getElementById("queue-ahead");
  var wait = document.getElementById("queue-wait");
  var action = document.getElementById("queue-action");
  var link = document.getElementById("queue-link");
  var numbers = new Intl.NumberFormat(data.language || "id");
  var failures = 0;
  var timer = null;
  var leaving = false;
  var rejoined = false;
  var first = true;
  var visitor = data.visitor || "";

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function waitText(seconds) {
    if (seconds === null || seconds === undefined) return data.msgUnknown;
    if (seconds < 60) return data.msgWaitSoon;
    var minutes = Math.ceil(seconds / 60);
    if (minutes === 1) return data.msgWaitMinute;
    if (minutes < 60) return fill(data.msgWaitMinutes, { count: numbers.format(minutes) });
    return fill(data.msgWaitHours, { hours: numbers.format(Math.floor(minutes / 60)), minutes: numbers.format(minutes % 60) });
  }

  function openingText(iso) {
    if (!iso) return "";
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) return "";
    var options = { dateStyle: "medium", timeStyle: "short" };
    try {
      options.timeZone = data.timezone;
      moment = new Intl.DateTimeFormat(data.language || "id", options).format(moment);
    } catch (ignored) {
      delete options.timeZone;
      moment = new Intl.DateTimeFormat(data.language || "id", options).format(moment);
    }
    return fill(data.msgOpensAt, { time: moment + (data.zone ? " " + data.zone : "") });
  }

  function setNumber(element, value, placeholder) {
    element.dataset.value = value === null || value === undefined ? "" : String(value);
    element.textContent = value === null || value === undefined ? placeholder : numbers.format(value);
  }

  function offer(href, text) {
    link.href = href;
    link.textContent = text;
    action.hidden = false;
  }

  function moveOn(text) {
    leaving = true;
    headline.textContent = text;
    offer(data.eventUrl, data.msgTickets);
    // A moment to read that it is their turn; the link is there if the browser does not follow.
    setTimeout(function () { window.location.assign(data.eventUrl); }, 800);
  }

  function show(state) {
    card.dataset.state = state.state;
    action.hidden = true;
    opens.hidden = true;
    figures.hidden = true;
    if (state.state === "admitted") return moveOn(data.msgAdmitted);
    if (state.state === "off") return moveOn(data.msgOff);
    if (state.state === "sold_out") {
      headline.textContent = data.msgSoldOut;
      offer(data.waitlistUrl, data.msgWaitlist);
      return;
    }
    var before = state.state === "before_open";
    headline.textContent = before ? data.msgBeforeOpen : state.state === "paused" ? data.msgPaused
      : rejoined ? data.msgRejoined : data.msgWaiting;
    if (before && state.opens_at) {
      opens.textContent = openingText(state.opens_at);
      opens.hidden = !opens.textContent;
    }
    var undecided = before ? data.msgDrawnAtOpening : data.msgUnknown;
    setNumber(position, state.position, undecided);
    setNumber(ahead, state.ahead, undecided);
    wait.textContent = waitText(state.estimated_wait_seconds);
    figures.hidden = false;
  }

  function later(seconds, next) {
    clearTimeout(timer);
    var delay = Math.min(Math.max(Number(seconds) || 2, 1), 60);
    timer = setTimeout(next, delay * 1000);
  }

  function ask(method, url) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET" && csrf) headers["X-CSRFToken"] = csrf.value;
    // The page's visitor token lets the server answer from the queue alone, without the session;
    // answers bring a fresh one before it runs out. The session cookie still goes along as a fallback.
    if (visitor) headers["X-Waiting-Room-Visitor"] = visitor;
    return fetch(url, { method: method, credentials: "same-origin", headers: headers }).then(function (response) {
      var renewed = response.headers.get("X-Waiting-Room-Visitor");
      if (renewed) visitor = renewed;
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body || {} };
      });
    });
  }

  function trouble() {
    // Keep the place on screen; back off a little each time, up to half a minute.
    failures += 1;
    card.dataset.trouble = "true";
    if (!leaving && figures.hidden) headline.textContent = data.msgRetry;
    later(Math.min(2 * failures, 30), poll);
  }

  function answered(answer) {
    if (leaving) return;
    var arriving = first;
    first = false;
    var code = answer.body.code;
    if (answer.status === 200 && answer.body.state === "admitted" && !answer.body.pass && !rejoined) {
      // Admitted, but the pass has run out: joining again takes a new place at the back of the line.
      rejoined = true;
      card.dataset.rejoined = "true";
      join();
    } else if (answer.status === 200 && answer.body.state) {
      failures = 0;
      delete card.dataset.trouble;
      show(answer.body);
      if (!leaving) later(answer.body.poll_after_seconds, poll);
    } else if (answer.status === 404 && code === "not_in_queue") {
      later(arriving ? 0 : 1, join);
    } else if (answer.status === 404) {
      card.dataset.state = "unavailable";
      headline.textContent = data.msgNotFound;
      offer(data.eventUrl, data.msgTickets);
    } else if (answer.status === 401 || code === "not_authenticated") {
      // The session ended: the page itself sends to the login and back here.
      leaving = true;
      window.location.reload();
    } else {
      trouble();
    }
  }

  function join() {
    ask("POST", data.joinUrl).then(answered, trouble);
  }

  function poll() {
    ask("GET", data.statusUrl).then(answered, trouble);
  }

  // Ask first where this account stands: not in line yet, join; admitted but the pass has run out,
  // join again (to the back of the line) and say why; else follow the place it holds.
  poll();
})();
