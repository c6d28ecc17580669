// Offline search: the index is a script file (window.NEWSDIGEST_SEARCH), since pages opened from disk cannot fetch.
(function () {
  "use strict";
  var input = document.getElementById("search-query");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var records = window.NEWSDIGEST_SEARCH || [];
  var root = results.getAttribute("data-root") || "";
  var LIMIT = 50;

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Every word of the query must appear; a match in the title weighs most, then topics, tags and summary.
  function score(record, query) {
    var total = 0;
    var fields = [[record.title, 8], [record.terms, 4], [record.summary, 2], [record.words, 1]];
    for (var i = 0; i < query.length; i++) {
      var best = 0;
      for (var j = 0; j < fields.length; j++) {
        if (fields[j][0].toLowerCase().indexOf(query[i]) !== -1) { best = Math.max(best, fields[j][1]); }
      }
      if (best === 0) { return 0; }
      total += best;
    }
    return total;
  }

  function show(text) {
    var query = words(text);
    results.textContent = "";
    if (!query.length) { status.textContent = ""; return; }
    var found = records.map(function (record, index) { return [score(record, query), index, record]; })
      .filter(function (row) { return row[0] > 0; })
      .sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    status.textContent = found.length === 0 ? "No articles match." :
      found.length + (found.length === 1 ? " article matches." : " articles match.") +
      (found.length > LIMIT ? " Showing the first " + LIMIT + "." : "");
    found.slice(0, LIMIT).forEach(function (row) {
      var record = row[2];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + record.url;
      link.textContent = record.title;
      var heading = document.createElement("h2");
      heading.appendChild(link);
      var meta = document.createElement("p");
      meta.className = "meta";
      var time = document.createElement("time");
      time.dateTime = record.date;
      time.textContent = record.date;
      meta.appendChild(time);
      item.appendChild(heading);
      item.appendChild(meta);
      if (record.summary) {
        var summary = document.createElement("p");
        summary.className = "summary";
        summary.textContent = record.summary;
        item.appendChild(summary);
      }
      results.appendChild(item);
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  input.addEventListener("input", function () { show(input.value); });
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    var first = results.querySelector("a");
    if (first) { first.focus(); }
  });
  show(input.value);
}());
