// The list of exports updates itself until every export is ready or failed.
(function () {
  "use strict";
  var table = document.getElementById("exports");
  if (!table) return;
  var url = table.getAttribute("data-state-url");
  var downloadLabel = document.documentElement.lang === "en" ? "Download" : "Скачать";

  function update(state) {
    var row = table.querySelector('tr[data-export="' + state.id + '"]');
    if (!row) return;
    var bar = row.querySelector("progress");
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    var label = state.status_label + (state.total ? " · " + state.done + " / " + state.total : "");
    row.querySelector(".export-status").textContent = label;
    var cell = row.querySelector(".export-download");
    if (state.download && !cell.querySelector("a")) {
      var link = document.createElement("a");
      link.className = "button";
      link.href = state.download;
      link.textContent = downloadLabel;
      cell.appendChild(link);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var pending = false;
        data.exports.forEach(function (state) {
          update(state);
          if (state.status === "waiting" || state.status === "running") pending = true;
        });
        if (pending) window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
