// Offline search in pieces: a query loads the word pieces of its words (search/w-BLOCK-N.js, one per block of
// articles), then what its shown results need (search/d-N.js), as script files, since pages opened from disk
// cannot fetch.
(function () {
  "use strict";
  var input = document.getElementById("search-query");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var root = results.getAttribute("data-root") || "";
  var wordBlocks = Number(results.getAttribute("data-word-blocks"));
  var wordPieces = Number(results.getAttribute("data-word-pieces"));
  var docsPerPiece = Number(results.getAttribute("data-docs-per-piece"));
  var PAGE = 20;
  // Results are shown once typing pauses this long: the pieces of every half-typed word are not loaded.
  var PAUSE_MS = 100;
  var timer = null;
  var typed = 0;
  // A word in the headline weighs most, then in the topics and tags, the summary, the text.
  var WEIGHTS = [8, 4, 2, 1];
  var loaded = {};
  var waiting = {};
  var latest = 0;
  var focusWhenShown = false;

  window.NEWSDIGEST_SEARCH = {
    words: function (number, table) { arrived("w-" + number, table); },
    docs: function (number, records) { arrived("d-" + number, records); }
  };

  function arrived(name, data) {
    loaded[name] = data;
    var callbacks = waiting[name] || [];
    delete waiting[name];
    callbacks.forEach(function (callback) { callback(); });
  }

  // Load the named pieces (each once), then call done.
  function load(names, done) {
    var left = names.filter(function (name) { return !Object.prototype.hasOwnProperty.call(loaded, name); });
    var count = left.length;
    if (count === 0) { done(); return; }
    left.forEach(function (name) {
      var first = !waiting[name];
      (waiting[name] = waiting[name] || []).push(function () { if (--count === 0) { done(); } });
      if (first) {
        var script = document.createElement("script");
        script.src = root + "search/" + name + ".js";
        // A piece that cannot load finds nothing, rather than stopping the search.
        script.onerror = function () { arrived(name, name.charAt(0) === "w" ? {} : []); };
        document.head.appendChild(script);
      }
    });
  }

  function unique(list) {
    return list.filter(function (item, index) { return list.indexOf(item) === index; });
  }

  // Words as the index has them: lowercased runs of letters, digits and "_"; a single letter finds too much.
  function words(text) {
    return unique(text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (word) { return word.length >= 2; }));
  }

  // The pieces of a word, one per block: the same hash of its first two letters as the build's (32-bit FNV-1a).
  function pieces(word) {
    var hash = 0x811c9dc5;
    Array.from(word).slice(0, 2).forEach(function (letter) {
      hash = Math.imul(hash ^ letter.codePointAt(0), 0x01000193) >>> 0;
    });
    var names = [];
    for (var block = 0; block < wordBlocks; block++) { names.push("w-" + block + "-" + (hash % wordPieces)); }
    return names;
  }

  // Every word of the query must begin a word of the article; each counts where it weighs most.
  function matches(query) {
    var totals = null;
    query.forEach(function (prefix) {
      var best = {};
      pieces(prefix).forEach(function (name) {
        var table = loaded[name] || {};
        Object.keys(table).forEach(function (word) {
          if (!word.startsWith(prefix)) { return; }
          table[word].forEach(function (gaps, field) {
            var number = 0;
            if (!gaps) { return; }
            gaps.split(",").forEach(function (gap) {
              number += Number(gap);
              if (!(best[number] >= WEIGHTS[field])) { best[number] = WEIGHTS[field]; }
            });
          });
        });
      });
      if (totals === null) {
        totals = best;
      } else {
        var both = {};
        Object.keys(totals).forEach(function (number) { if (best[number]) { both[number] = totals[number] + best[number]; } });
        totals = both;
      }
    });
    // Most weight first; among equals the newest (articles are numbered from the oldest).
    return Object.keys(totals || {}).map(function (number) { return [totals[number], Number(number)]; })
      .sort(function (a, b) { return b[0] - a[0] || b[1] - a[1]; });
  }

  function docPiece(number) { return "d-" + Math.floor(number / docsPerPiece); }

  function element(name, className) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    return node;
  }

  function escaped(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // The text into node, with the words the query begins marked.
  function marked(node, text, query) {
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}_])(" + query.map(escaped).join("|") + ")", "giu");
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var start = match.index + match[1].length;
      node.appendChild(document.createTextNode(text.slice(last, start)));
      var mark = element("mark");
      mark.textContent = match[2];
      node.appendChild(mark);
      last = start + match[2].length;
      pattern.lastIndex = last;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  // A result as every list of the site shows an article: headline, time and publisher, topics, summary.
  function entry(record, query) {
    var item = element("li");
    var article = element("article", "entry");
    var heading = element("h2");
    if (record.url) {
      var link = element("a");
      link.href = root + record.url;
      marked(link, record.title, query);
      heading.appendChild(link);
    } else {
      // A headline alone has no page: shown as text, as its entry in every list is.
      article.className += " headline-only";
      marked(heading, record.title, query);
    }
    article.appendChild(heading);
    var meta = element("p", "meta");
    var time = element("time");
    time.dateTime = record.date;
    time.textContent = record.when;
    meta.appendChild(time);
    if (record.source) { meta.appendChild(document.createTextNode(" · " + record.source)); }
    if (!record.url) { meta.appendChild(document.createTextNode(" · headline only")); }
    article.appendChild(meta);
    if (record.topics.length) {
      var topics = element("ul", "topics");
      topics.setAttribute("aria-label", "Topics");
      record.topics.forEach(function (topic) {
        var topicItem = element("li");
        var topicLink = element("a");
        topicLink.href = root + topic[1];
        topicLink.textContent = topic[0];
        topicItem.appendChild(topicLink);
        topics.appendChild(topicItem);
      });
      article.appendChild(topics);
    }
    if (record.summary) {
      var summary = element("p", "summary");
      marked(summary, record.summary, query);
      article.appendChild(summary);
    }
    item.appendChild(article);
    return item;
  }

  function show(text) {
    var started = typed || performance.now();
    typed = 0;
    var query = words(text);
    var ticket = ++latest;
    if (!query.length) {
      results.textContent = "";
      status.textContent = "";
      more.hidden = true;
      return;
    }
    load(unique([].concat.apply([], query.map(pieces))), function () {
      if (ticket !== latest) { return; }
      var found = matches(query);
      results.textContent = "";
      status.textContent = found.length === 0 ? "No articles match." :
        found.length + (found.length === 1 ? " article matches." : " articles match.");
      showMore(found, query, ticket, function () {
        results.setAttribute("data-elapsed-ms", String(Math.round(performance.now() - started)));
        var first = results.querySelector("a");
        if (focusWhenShown && first) { first.focus(); }
        focusWhenShown = false;
      });
    });
  }

  // The next PAGE results, with what they show loaded first.
  function showMore(found, query, ticket, done) {
    var shown = results.children.length;
    var next = found.slice(shown, shown + PAGE);
    load(unique(next.map(function (row) { return docPiece(row[1]); })), function () {
      if (ticket !== latest) { return; }
      next.forEach(function (row) {
        results.appendChild(entry(loaded[docPiece(row[1])][row[1] % docsPerPiece], query));
      });
      more.hidden = results.children.length >= found.length;
      more.onclick = function () { showMore(found, query, ticket, function () {}); };
      done();
    });
  }

  // Timed from the keystroke: what a reader waits is the pause and the work.
  function later(text) {
    typed = performance.now();
    clearTimeout(timer);
    timer = setTimeout(function () { show(text); keep(text); }, PAUSE_MS);
  }

  // The query in the address, so that a reload, a bookmark or a shared link shows the same results. A page
  // opened from disk may refuse it (its origin is opaque in some browsers): the search works all the same.
  function keep(text) {
    var address = new URL(window.location.href);
    if (text.trim()) { address.searchParams.set("q", text); } else { address.searchParams.delete("q"); }
    try { window.history.replaceState(null, "", address.href); } catch (refused) { /* from disk */ }
  }

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  input.addEventListener("input", function () { later(input.value); });
  // Enter goes to the first result, once the results are there.
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    focusWhenShown = true;
    clearTimeout(timer);
    show(input.value);
    keep(input.value);
  });
  // What is in the field now: from the address, or typed before this script came (a slow line), or restored
  // by the browser on going back.
  show(input.value);
  keep(input.value);
}());
