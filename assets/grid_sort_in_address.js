// A data grid's sort is part of the address (?sort=<grid>.<column>.<asc|desc>, one per grid, comma
// separated), so a reload or a shared link shows the table sorted as it was. The browser keeps it alone:
// the address is replaced without telling Dash, because a sort changes no figure and drawing the page
// again for it would cost a round trip. A change of filter or measure draws a new table and starts
// unsorted. (Grids: dashboard/components/tables.py data_grid, ids {"grid": ..., "type": "data-grid"}.)
(function () {
  var PARAM = "sort";

  function sorts() {
    var found = {};
    (new URLSearchParams(window.location.search).get(PARAM) || "").split(",").forEach(function (part) {
      var bits = part.split(".");
      if (bits.length === 3 && (bits[2] === "asc" || bits[2] === "desc")) {
        found[bits[0]] = {colId: bits[1], sort: bits[2]};
      }
    });
    return found;
  }

  function write(all) {
    var params = new URLSearchParams(window.location.search);
    var text = Object.keys(all).map(function (grid) {
      return grid + "." + all[grid].colId + "." + all[grid].sort;
    }).join(",");
    if (text) { params.set(PARAM, text); } else { params.delete(PARAM); }
    var search = params.toString();
    window.history.replaceState(window.history.state, "",
                                window.location.pathname + (search ? "?" + search : "") + window.location.hash);
  }

  function attach(element) {
    if (element.dataset.sortInAddress) { return; }
    element.dataset.sortInAddress = "1";
    var grid;
    try { grid = JSON.parse(element.id).grid; } catch (error) { return; }
    window.dash_ag_grid.getApiAsync(element.id).then(function (api) {
      var wanted = sorts()[grid];
      if (wanted && api.getColumn(wanted.colId)) {
        api.applyColumnState({state: [wanted], defaultState: {sort: null}});
      }
      api.addEventListener("sortChanged", function () {
        var all = sorts();
        var sorted = api.getColumnState().filter(function (column) { return column.sort; })[0];
        if (sorted) { all[grid] = {colId: sorted.colId, sort: sorted.sort}; } else { delete all[grid]; }
        write(all);
      });
    });
  }

  // A chart drawing makes thousands of mutations: look for new grids at most once a frame.
  var pending = false;
  new MutationObserver(function () {
    if (pending || !window.dash_ag_grid) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      document.querySelectorAll('[id^="{"][id*="data-grid"]').forEach(attach);
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
