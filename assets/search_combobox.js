// The shell's search box, and the filter bar's practice search: the ARIA 1.2 combobox pattern with a listbox popup and list autocomplete
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/). Focus stays in
// the input; aria-activedescendant names the option the arrow keys are on. Keys: Down and Up move through
// the options (and open the list), Home and End go to the first and last option while one is chosen (else
// they move the caret, as in any text box), Enter opens the chosen option (or the first), Escape closes the
// list (a second Escape clears the box). The number of results is said in a live region.
//
// Answers come from /search.json (dashboard/search.py), which does all the matching; this file only draws.
// Each box is an instance named by its ids' prefix (INSTANCES): "site-search" finds anything; "practice-search"
// finds practices within the address's other filters (kind=practice&address=...), and its results choose
// that practice in the address; "group-search" (the Groups page) finds practices, PCNs and localities
// (kind=member&address=...), and its results add that member to the group in the address.
// Listeners sit on the document, so they keep working whatever Dash re-renders. Nothing is fetched from
// anywhere but this server.
(function () {
  var INSTANCES = {
    "site-search": {placeholder: "Name, ODS code or postcode", scope: null, focusAfter: "main"},
    "practice-search": {placeholder: "Name, ODS code or postcode", scope: "practice", focusAfter: "filter-practice"},
    "group-search": {placeholder: "Practice, PCN or locality: name or code", scope: "member",
                     focusAfter: "group-search-input", redrawn: true}
  };
  var MIN_TYPED = 2, WAIT_MS = 150, states = {};

  function el(id) { return document.getElementById(id); }

  function state(prefix) {
    if (!states[prefix]) {
      states[prefix] = {timer: null, pending: null, results: [], active: -1, lastAsked: null};
    }
    return states[prefix];
  }

  function prefixOf(target) {
    if (!target || !target.id || target.id.slice(-6) !== "-input") { return null; }
    var prefix = target.id.slice(0, -6);
    return INSTANCES[prefix] ? prefix : null;
  }

  // The input itself, made here because Dash 4's input components take no role or aria-* attributes; the
  // shell (dashboard/app.py) draws its label, its list, its hint and its live region.
  function build() {
    Object.keys(INSTANCES).forEach(function (prefix) {
      var field = el(prefix + "-field");
      if (!field || el(prefix + "-input")) { return; }
      var input = document.createElement("input");
      input.id = prefix + "-input";
      input.type = "text";
      input.className = "form-control form-control-sm";
      input.placeholder = INSTANCES[prefix].placeholder;
      input.maxLength = Number(field.getAttribute("data-max-length")) || 100;
      input.autocomplete = "off";
      input.spellcheck = false;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", prefix + "-listbox");
      input.setAttribute("aria-describedby", prefix + "-hint");
      field.insertBefore(input, field.firstChild);
    });
  }
  new MutationObserver(build).observe(document.documentElement, {childList: true, subtree: true});

  function period() {
    var match = /[?&]period=([0-9]{4}-[0-9]{2})/.exec(window.location.search);
    return match ? match[1] : "";
  }

  function say(prefix, text) {
    var status = el(prefix + "-status");
    if (status) { status.textContent = text; }
  }

  function showNote(prefix, text) {
    var note = el(prefix + "-note");
    if (!note) { return; }
    note.textContent = text || "";
    note.hidden = !text;
  }

  function setOpen(prefix, open) {
    var input = el(prefix + "-input"), listbox = el(prefix + "-listbox");
    if (!input || !listbox) { return; }
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) { setActive(prefix, -1); }
  }

  function isOpen(prefix) {
    var listbox = el(prefix + "-listbox");
    return !!listbox && !listbox.hidden;
  }

  function setActive(prefix, index) {
    var input = el(prefix + "-input"), listbox = el(prefix + "-listbox");
    if (!input || !listbox) { return; }
    var options = listbox.querySelectorAll("[role=option]");
    state(prefix).active = index;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function draw(prefix, answer) {
    var listbox = el(prefix + "-listbox");
    if (!listbox) { return; }
    var results = state(prefix).results = answer.results || [];
    listbox.textContent = "";
    results.forEach(function (result, i) {
      var option = document.createElement("li");
      option.id = prefix + "-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.className = "site-search-option";
      var kind = document.createElement("span");
      kind.className = "site-search-kind";
      kind.textContent = result.kind;
      var label = document.createElement("span");
      label.className = "site-search-label";
      label.textContent = result.label;
      option.appendChild(kind);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(label);
      if (result.detail) {
        var detail = document.createElement("span");
        detail.className = "site-search-detail";
        detail.textContent = result.detail;
        option.appendChild(document.createTextNode(" "));
        option.appendChild(detail);
      }
      listbox.appendChild(option);
    });
    showNote(prefix, answer.note);
    setOpen(prefix, results.length > 0);
    say(prefix, answer.announcement || "");
  }

  function ask(prefix, text) {
    var s = state(prefix), scope = INSTANCES[prefix].scope;
    var url = "/search.json?q=" + encodeURIComponent(text) + "&page=" + encodeURIComponent(window.location.pathname)
      + (scope ? "&kind=" + scope + "&address=" + encodeURIComponent(window.location.search)
                : (period() ? "&period=" + encodeURIComponent(period()) : ""));
    if (url === s.lastAsked) { return; }
    s.lastAsked = url;
    if (s.pending) { s.pending.abort(); }
    s.pending = new AbortController();
    fetch(url, {signal: s.pending.signal, headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("search answered " + response.status); }
        return response.json();
      })
      .then(function (answer) { draw(prefix, answer); })
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        s.lastAsked = null;
        s.results = [];
        setOpen(prefix, false);
        showNote(prefix, "The search is not answering just now. Try again in a moment.");
        say(prefix, "The search is not answering just now.");
      });
  }

  function clear(prefix) {
    var s = state(prefix);
    if (s.pending) { s.pending.abort(); }
    window.clearTimeout(s.timer);
    s.lastAsked = null;
    s.results = [];
    var listbox = el(prefix + "-listbox");
    if (listbox) { listbox.textContent = ""; }
    setOpen(prefix, false);
    showNote(prefix, "");
    say(prefix, "");
  }

  // Go where a result points, as Dash's own links do (dcc.Link: pushState and the event dcc.Location
  // listens for), so the page changes without reloading the app; the box is emptied for the next search,
  // and the focus goes where the user will look next (the page; or the practice filter, now showing it).
  function go(prefix, index) {
    var result = state(prefix).results[index];
    if (!result) { return; }
    var input = el(prefix + "-input");
    clear(prefix);
    if (input) { input.value = ""; }
    window.history.pushState({}, "", result.href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    var after = el(INSTANCES[prefix].focusAfter);
    if (INSTANCES[prefix].focusAfter === "main") { window.scrollTo(0, 0); }
    if (INSTANCES[prefix].redrawn) { refocus(INSTANCES[prefix].focusAfter, after); return; }
    if (after) { after.focus({preventScroll: INSTANCES[prefix].focusAfter === "main"}); }
  }

  // A box its page draws again from the new address (the Groups page) is a new element once drawn: the
  // focus goes to the new one, so a keyboard user carries on adding members where they were.
  function refocus(id, old) {
    var tries = 0;
    (function again() {
      var now = el(id);
      if (now && now !== old) { now.focus(); return; }
      if (tries++ < 50) { window.setTimeout(again, 100); }
    })();
  }

  document.addEventListener("input", function (event) {
    var prefix = prefixOf(event.target);
    if (!prefix) { return; }
    var s = state(prefix), text = event.target.value.trim();
    window.clearTimeout(s.timer);
    if (text.replace(/[^0-9A-Za-z]/g, "").length < MIN_TYPED) { clear(prefix); return; }
    s.timer = window.setTimeout(function () { ask(prefix, text); }, WAIT_MS);
  });

  document.addEventListener("keydown", function (event) {
    var prefix = prefixOf(event.target);
    if (!prefix) { return; }
    var s = state(prefix), count = s.results.length;
    switch (event.key) {
      case "ArrowDown":
        if (!count) { return; }
        event.preventDefault();
        if (!isOpen(prefix)) { setOpen(prefix, true); if (event.altKey) { return; } }
        setActive(prefix, s.active < count - 1 ? s.active + 1 : 0);
        break;
      case "ArrowUp":
        if (!count) { return; }
        event.preventDefault();
        if (!isOpen(prefix)) { setOpen(prefix, true); }
        setActive(prefix, s.active > 0 ? s.active - 1 : count - 1);
        break;
      case "Home":
      case "End":
        if (!isOpen(prefix) || s.active < 0) { return; }  // no option chosen: the caret moves, as in any text box
        event.preventDefault();
        setActive(prefix, event.key === "Home" ? 0 : count - 1);
        break;
      case "Enter":
        if (!isOpen(prefix) || !count) { return; }
        event.preventDefault();
        go(prefix, s.active >= 0 ? s.active : 0);
        break;
      case "Escape":
        event.preventDefault();
        if (isOpen(prefix)) { setOpen(prefix, false); } else { event.target.value = ""; clear(prefix); }
        break;
      default:
        break;
    }
  });

  // A pointer: an option chosen by click, without taking the focus out of the box first.
  function optionOf(target) {
    var option = target && target.closest ? target.closest(".site-search-option") : null;
    if (!option) { return null; }
    var at = option.id.lastIndexOf("-option-");
    return {prefix: option.id.slice(0, at), index: Number(option.id.slice(at + 8))};
  }
  document.addEventListener("mousedown", function (event) {
    if (optionOf(event.target)) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var chosen = optionOf(event.target);
    if (chosen) { go(chosen.prefix, chosen.index); }
  });

  // The list closes when the focus leaves the box, as a native select's does.
  document.addEventListener("focusout", function (event) {
    var prefix = prefixOf(event.target);
    if (!prefix) { return; }
    window.setTimeout(function () {
      var box = el(prefix);
      if (box && !box.contains(document.activeElement)) { setOpen(prefix, false); }
    }, 0);
  });
  document.addEventListener("focusin", function (event) {
    var prefix = prefixOf(event.target);
    if (prefix && state(prefix).results.length && event.target.value.trim()) { setOpen(prefix, true); }
  });
})();
