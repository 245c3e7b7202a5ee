/// The report's one inline script: paging, filtering and sorting of every table from
/// its JSON data island.
///
/// It only ever sets `textContent`, never HTML, so a tenant's value stays text. When it
/// has run it sets `data-report-ready` on `<html>` to the milliseconds since navigation
/// start (the benchmark and tests read it).
enum ReportScript {
    static let javascript = """
    (function () {
      "use strict";
      var PAGE = 50;
      function make(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
      Array.prototype.forEach.call(document.querySelectorAll("table[data-rows]"), function (table) {
        var island = document.getElementById(table.getAttribute("data-rows"));
        var status = document.querySelector("[data-status='" + table.id + "']");
        var rows;
        try { rows = JSON.parse(island.textContent); } catch (e) { return; }
        var numeric = (table.getAttribute("data-numeric") || "").split(",").filter(Boolean).map(Number);
        var view = rows, page = 0, sortColumn = -1, ascending = true, lowered = null;
        var controls = make("div"); controls.className = "controls";
        var filter = make("input"); filter.type = "search"; filter.placeholder = "Filter rows"; filter.setAttribute("aria-label", "Filter rows");
        var previous = make("button", "‹ Previous"), next = make("button", "Next ›");
        previous.type = next.type = "button";
        controls.appendChild(filter); controls.appendChild(previous); controls.appendChild(next);
        table.parentNode.parentNode.insertBefore(controls, table.parentNode);
        function render() {
          var body = document.createElement("tbody"), start = page * PAGE, end = Math.min(view.length, start + PAGE);
          for (var r = start; r < end; r++) {
            var tr = document.createElement("tr"), row = view[r];
            for (var c = 0; c < row.length; c++) {
              var td = make("td", row[c]);
              if (numeric.indexOf(c) >= 0) td.className = "num";
              tr.appendChild(td);
            }
            body.appendChild(tr);
          }
          table.replaceChild(body, table.tBodies[0]);
          status.textContent = view.length === 0 ? "No rows match." :
            "Rows " + (start + 1) + "–" + end + " of " + view.length + (view.length !== rows.length ? " (filtered from " + rows.length + ")" : "") + ".";
          previous.disabled = page === 0;
          next.disabled = end >= view.length;
        }
        function sort() {
          if (sortColumn < 0) return;
          var c = sortColumn, sign = ascending ? 1 : -1, isNumber = numeric.indexOf(c) >= 0;
          var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
          view = view.slice().sort(function (a, b) {
            return sign * (isNumber ? (Number(a[c]) - Number(b[c])) : collator.compare(a[c], b[c]));
          });
        }
        filter.addEventListener("input", function () {
          var query = filter.value.toLowerCase();
          if (!lowered) lowered = rows.map(function (row) { return row.join("\\u0001").toLowerCase(); });
          view = query ? rows.filter(function (row, i) { return lowered[i].indexOf(query) >= 0; }) : rows;
          sort(); page = 0; render();
        });
        previous.addEventListener("click", function () { if (page > 0) { page--; render(); } });
        next.addEventListener("click", function () { if ((page + 1) * PAGE < view.length) { page++; render(); } });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, c) {
          th.setAttribute("data-sort", "none"); th.title = "Sort";
          th.addEventListener("click", function () {
            ascending = sortColumn === c ? !ascending : true; sortColumn = c;
            Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute("data-sort", "none"); });
            th.setAttribute("data-sort", ascending ? "asc" : "desc");
            sort(); page = 0; render();
          });
        });
        render();
      });
      document.documentElement.setAttribute("data-report-ready", String(Math.round(performance.now())));
    })();
    """
}
