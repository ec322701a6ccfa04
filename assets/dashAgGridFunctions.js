// Functions the data grids call by name (dash-ag-grid looks them up in dashAgGridFunctions).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// CSV export: text a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) gets a
// leading apostrophe, so a practice or scheme named =HYPERLINK(...) stays inert text. Numbers are
// exported raw (unformatted), so they stay numbers. A markdown column with a formatter (a practice
// link, tables.practice_link_column) exports its formatted text, the plain code, not the markdown:
// with this callback set, AG Grid no longer applies formatters to the export by itself.
dagfuncs.neutraliseFormulas = function (params) {
    var value = params.value;
    var colDef = params.column ? params.column.getColDef() : {};
    if (colDef.cellRenderer === "markdown" && colDef.valueFormatter && params.formatValue) {
        value = params.formatValue(value);
    }
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(value)) {
        return "'" + value;
    }
    if (typeof value === "number" && isPercent(colDef)) {
        return parseFloat((value * 100).toPrecision(12));  // 0.0733 -> 7.33, without 7.330000000000001
    }
    return value;
};

// A percentage column (tables.PERCENT_TYPE) is held as a fraction and shown as 7.3%: in the CSV it is
// written in per cent, so 0.0733 never sits under a header that reads as a percentage.
function isPercent(colDef) {
    var types = [].concat(colDef.type || []);
    return types.indexOf("percentColumn") !== -1;
}

// headersJson: {field: header} of the columns whose CSV header is not the grid's (a percentage's, with its
// unit), worked out on the server by the catalogue's header rule (tables.csv_headers), so the grid's CSV
// and the downloads name a unit alike.
dagfuncs.csvHeader = function (params, headersJson) {
    var colDef = params.column.getColDef();
    var headers = JSON.parse(headersJson || "{}");
    return headers[colDef.field] || colDef.headerName || colDef.field;
};

// A practice as a markdown link to its profile; the label is escaped so a name with brackets or
// asterisks cannot break the link (tables.practice_link_column).
dagfuncs.practiceLink = function (params, codeField, labelField, query) {
    var code = String(params.data[codeField]);
    var label = String(params.data[labelField]).replace(/[\[\]()*_`\\]/g, "\\$&");
    return "[" + label + "](/practice/" + encodeURIComponent(code) + query + ")";
};

// An area's name as a link to a page with that area selected, e.g. a council to "/?council=E06000001".
// Built here, as practiceLink is, so rowData keeps plain values for the CSV export and the filters.
dagfuncs.areaLink = function (params, codeField, labelField, pathAndKey) {
    var code = String(params.data[codeField]);
    var label = String(params.data[labelField]).replace(/[\[\]()*_`\\]/g, "\\$&");
    return "[" + label + "](" + pathAndKey + encodeURIComponent(code) + ")";
};

// A number cell as the column's kind writes it (dashboard/formats.py KINDS: places, thousands separators, a
// share held as 0.083 shown as 8.3%, pounds, a sign): the grids' one number format. Written with Intl rather
// than d3-format, which dash-ag-grid's expression evaluator did not apply (cells showed 8.1264109069).
// Text in a number column (the small-number markers "<5" and "[c]") is shown as it is.
dagfuncs.formatCell = function (params, places, separators, proportion, pounds, signed) {
    var value = params.value;
    if (value === null || value === undefined || value === "") { return ""; }
    if (typeof value === "string") { return value; }
    var shown = new Intl.NumberFormat("en-GB", {
        minimumFractionDigits: places, maximumFractionDigits: places, useGrouping: separators,
        signDisplay: signed ? "exceptZero" : "auto"
    }).format(proportion ? value * 100 : value);
    return (pounds ? "£" : "") + shown + (proportion ? "%" : "");
};
