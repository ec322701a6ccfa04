// The shell's search box: the ARIA 1.2 combobox pattern with a listbox popup and list autocomplete
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/). Focus stays in
// the input; aria-activedescendant names the option the arrow keys are on. Keys: Down and Up move through
// the options (and open the list), Home and End go to the first and last option while one is chosen (else
// they move the caret, as in any text box), Enter opens the chosen option (or the first), Escape closes the
// list (a second Escape clears the box). The number of results is said in a live region.
//
// Answers come from /search.json (dashboard/search.py), which does all the matching; this file only draws.
// Listeners sit on the document, so they keep working whatever Dash re-renders. Nothing is fetched from
// anywhere but this server.
(function () {
  var INPUT = "site-search-input", LISTBOX = "site-search-listbox", STATUS = "site-search-status",
      NOTE = "site-search-note", MIN_TYPED = 2, WAIT_MS = 150;
  var timer = null, pending = null, results = [], active = -1, lastAsked = null;

  function el(id) { return document.getElementById(id); }

  // The input itself, made here because Dash 4's input components take no role or aria-* attributes; the
  // shell (dashboard/app.py _search_box) draws its label, its list, its hint and its live region.
  function build() {
    var field = el("site-search-field");
    if (!field || el(INPUT)) { return; }
    var input = document.createElement("input");
    input.id = INPUT;
    input.type = "text";
    input.className = "form-control form-control-sm";
    input.placeholder = "Name, ODS code or postcode";
    input.maxLength = Number(field.getAttribute("data-max-length")) || 100;
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", LISTBOX);
    input.setAttribute("aria-describedby", "site-search-hint");
    field.insertBefore(input, field.firstChild);
  }
  new MutationObserver(build).observe(document.documentElement, {childList: true, subtree: true});

  function period() {
    var match = /[?&]period=([0-9]{4}-[0-9]{2})/.exec(window.location.search);
    return match ? match[1] : "";
  }

  function say(text) {
    var status = el(STATUS);
    if (status) { status.textContent = text; }
  }

  function showNote(text) {
    var note = el(NOTE);
    if (!note) { return; }
    note.textContent = text || "";
    note.hidden = !text;
  }

  function setOpen(open) {
    var input = el(INPUT), listbox = el(LISTBOX);
    if (!input || !listbox) { return; }
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) { setActive(-1); }
  }

  function isOpen() {
    var listbox = el(LISTBOX);
    return !!listbox && !listbox.hidden;
  }

  function setActive(index) {
    var input = el(INPUT), listbox = el(LISTBOX);
    if (!input || !listbox) { return; }
    var options = listbox.querySelectorAll("[role=option]");
    active = index;
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

  function draw(answer) {
    var listbox = el(LISTBOX);
    if (!listbox) { return; }
    results = answer.results || [];
    listbox.textContent = "";
    results.forEach(function (result, i) {
      var option = document.createElement("li");
      option.id = "site-search-option-" + i;
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
    showNote(answer.note);
    setOpen(results.length > 0);
    say(answer.announcement || "");
  }

  function ask(text) {
    var key = text + "\u0000" + window.location.pathname + "\u0000" + period();
    if (key === lastAsked) { return; }
    lastAsked = key;
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var url = "/search.json?q=" + encodeURIComponent(text) + "&page=" + encodeURIComponent(window.location.pathname)
      + (period() ? "&period=" + encodeURIComponent(period()) : "");
    fetch(url, {signal: pending.signal, headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("search answered " + response.status); }
        return response.json();
      })
      .then(draw)
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        lastAsked = null;
        results = [];
        setOpen(false);
        showNote("The search is not answering just now. Try again in a moment.");
        say("The search is not answering just now.");
      });
  }

  function clear() {
    if (pending) { pending.abort(); }
    window.clearTimeout(timer);
    lastAsked = null;
    results = [];
    var listbox = el(LISTBOX);
    if (listbox) { listbox.textContent = ""; }
    setOpen(false);
    showNote("");
    say("");
  }

  // Go where a result points, as Dash's own links do (dcc.Link: pushState and the event dcc.Location
  // listens for), so the page changes without reloading the app; the box is emptied for the next search.
  function go(index) {
    var result = results[index];
    if (!result) { return; }
    var input = el(INPUT);
    clear();
    if (input) { input.value = ""; }
    window.history.pushState({}, "", result.href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
    var main = el("main");
    if (main) { main.focus({preventScroll: true}); }
  }

  document.addEventListener("input", function (event) {
    if (!event.target || event.target.id !== INPUT) { return; }
    var text = event.target.value.trim();
    window.clearTimeout(timer);
    if (text.replace(/[^0-9A-Za-z]/g, "").length < MIN_TYPED) { clear(); return; }
    timer = window.setTimeout(function () { ask(text); }, WAIT_MS);
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target || event.target.id !== INPUT) { return; }
    var count = results.length;
    switch (event.key) {
      case "ArrowDown":
        if (!count) { return; }
        event.preventDefault();
        if (!isOpen()) { setOpen(true); if (event.altKey) { return; } }
        setActive(active < count - 1 ? active + 1 : 0);
        break;
      case "ArrowUp":
        if (!count) { return; }
        event.preventDefault();
        if (!isOpen()) { setOpen(true); }
        setActive(active > 0 ? active - 1 : count - 1);
        break;
      case "Home":
      case "End":
        if (!isOpen() || active < 0) { return; }  // no option chosen: the caret moves, as in any text box
        event.preventDefault();
        setActive(event.key === "Home" ? 0 : count - 1);
        break;
      case "Enter":
        if (!isOpen() || !count) { return; }
        event.preventDefault();
        go(active >= 0 ? active : 0);
        break;
      case "Escape":
        event.preventDefault();
        if (isOpen()) { setOpen(false); } else { event.target.value = ""; clear(); }
        break;
      default:
        break;
    }
  });

  // A pointer: an option chosen by click, without taking the focus out of the box first.
  document.addEventListener("mousedown", function (event) {
    var option = event.target && event.target.closest ? event.target.closest(".site-search-option") : null;
    if (option) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var option = event.target && event.target.closest ? event.target.closest(".site-search-option") : null;
    if (option) { go(Number(option.id.replace("site-search-option-", ""))); }
  });

  // The list closes when the focus leaves the box, as a native select's does.
  document.addEventListener("focusout", function (event) {
    if (!event.target || event.target.id !== INPUT) { return; }
    window.setTimeout(function () {
      var search = el("site-search");
      if (search && !search.contains(document.activeElement)) { setOpen(false); }
    }, 0);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.id === INPUT && results.length && event.target.value.trim()) { setOpen(true); }
  });
})();
