// Functions the data grids call by name (dash-ag-grid looks them up in dashAgGridFunctions).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// CSV export: text a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) gets a
// leading apostrophe, so a practice or scheme named =HYPERLINK(...) stays inert text. Numbers are
// exported raw (unformatted), so they stay numbers.
dagfuncs.neutraliseFormulas = function (params) {
    var value = params.value;
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(value)) {
        return "'" + value;
    }
    return value;
};
