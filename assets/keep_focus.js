// A page control that writes the address (the Outcomes and practice measure choosers) makes Dash draw the
// page again, which replaces the control under the keyboard's focus. Focus goes back to the new control
// with the same id, so a keyboard or screen-reader user stays where they were (WCAG 2.2 3.2.2, 2.4.3).
(function () {
  var lastChanged = null;
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id) { lastChanged = event.target.id; }
  }, true);
  new MutationObserver(function () {
    if (!lastChanged) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) { return; }
    var again = document.getElementById(lastChanged);
    if (again) { again.focus(); lastChanged = null; }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
