/* gongkai 站内搜索: the runtime of search index format 1, copied beside every index it reads
   (<year>/search/search.js, search/search.js) so that an archived edition keeps a runtime
   that reads its frozen index. Plain ES2017 in a classic script: no fetch, XHR, module,
   Worker, WASM or eval, so it works from file://, a USB stick, any static host and under a
   strict CSP. Data arrives as classic scripts added on demand (gk.index, gk.chunk).

   The tokenizer below is the same as src/html/search_tokens.rs, rule for rule, and both pass
   tests/fixtures/search/tokens.json. */
(function () {
  "use strict";
  var FORMAT = 1;
  var gk = (window.gk = window.gk || {});
  var script = document.currentScript;
  var here = script ? script.src.slice(0, script.src.lastIndexOf("/") + 1) : "";

  /* ---- tokenizer (src/html/search_tokens.rs) ---- */
  function code(c) {
    return c.codePointAt(0);
  }
  function isHan(c) {
    var o = code(c);
    return (o >= 0x3400 && o <= 0x4dbf) || (o >= 0x4e00 && o <= 0x9fff) ||
      (o >= 0xf900 && o <= 0xfaff) || (o >= 0x20000 && o <= 0x323af);
  }
  function isLatin(c) {
    var o = code(c);
    return (o >= 0x61 && o <= 0x7a) || (o >= 0xdf && o <= 0xf6) ||
      (o >= 0xf8 && o <= 0xff) || (o >= 0x100 && o <= 0x24f);
  }
  function isDigit(c) {
    return c !== undefined && c.length === 1 && c >= "0" && c <= "9";
  }
  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }
  /* Runs of the text: {han: true, chars} or {han: false, word}. */
  function runs(text) {
    var cs = Array.from(normalise(text));
    var out = [];
    var i = 0;
    while (i < cs.length) {
      var c = cs[i];
      var start = i;
      if (isHan(c)) {
        while (i < cs.length && isHan(cs[i])) i++;
        out.push({ han: true, chars: cs.slice(start, i) });
      } else if (isDigit(c)) {
        var n = "";
        while (isDigit(cs[i])) n += cs[i++];
        if (i - start <= 3) {
          while (cs[i] === "," && isDigit(cs[i + 1]) && isDigit(cs[i + 2]) && isDigit(cs[i + 3]) && !isDigit(cs[i + 4])) {
            n += cs[i + 1] + cs[i + 2] + cs[i + 3];
            i += 4;
          }
        }
        if (cs[i] === "." && isDigit(cs[i + 1])) {
          n += ".";
          i++;
          while (isDigit(cs[i])) n += cs[i++];
        }
        out.push({ han: false, word: n });
      } else if (isLatin(c)) {
        while (i < cs.length && isLatin(cs[i])) i++;
        out.push({ han: false, word: cs.slice(start, i).join("") });
      } else {
        i++;
      }
    }
    return out;
  }
  /* Every token, in order: Han characters and overlapping pairs, numbers, words. */
  function tokens(text) {
    var out = [];
    runs(text).forEach(function (r) {
      if (!r.han) {
        out.push(r.word);
        return;
      }
      for (var k = 0; k < r.chars.length; k++) {
        out.push(r.chars[k]);
        if (k + 1 < r.chars.length) out.push(r.chars[k] + r.chars[k + 1]);
      }
    });
    return out;
  }
  /* The terms a query must all match: the pairs of a Han run (its one character when it
     has one), numbers and words. */
  function terms(query) {
    var out = [];
    runs(query).forEach(function (r) {
      if (!r.han) out.push(r.word);
      else if (r.chars.length === 1) out.push(r.chars[0]);
      else for (var k = 0; k + 1 < r.chars.length; k++) out.push(r.chars[k] + r.chars[k + 1]);
    });
    return out.filter(function (t, k) {
      return out.indexOf(t) === k;
    });
  }
  gk.tokens = tokens;
  gk.terms = terms;

  /* ---- loading ---- */
  var store = {};
  var manifests = {};
  var lastManifest = null;
  var loading = {};
  gk.loaded = [];
  gk.chunk = function (name, data) {
    store[name] = data;
  };
  gk.index = function (m) {
    lastManifest = m;
    if (m && typeof m.dir === "string") manifests[m.dir] = m;
  };
  function load(url) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.onload = function () {
          gk.loaded.push(url);
          resolve();
        };
        s.onerror = function () {
          reject(new Error("cannot load " + url));
        };
        document.head.appendChild(s);
      });
    }
    return loading[url];
  }
  /* The manifest at `src` (relative to the site root), or null when it is missing. */
  function manifestAt(root, src) {
    var dir = src.slice(0, src.lastIndexOf("/") + 1);
    return load(root + src).then(function () {
      return manifests[dir] || lastManifest || null;
    }, function () {
      return null;
    });
  }
  function chunkData(root, m, file) {
    var name = file.replace(/\.js$/, "");
    return load(root + m.dir + file).then(function () {
      return store[name];
    });
  }
  /* The postings of `term` in index `m`: Map page → field mask, or null. */
  var parsed = {};
  function postings(root, m, term) {
    var chunk = null;
    for (var k = 0; k < m.chunks.length; k++) {
      if (m.chunks[k][0] <= term && term <= m.chunks[k][1]) {
        chunk = m.chunks[k];
        break;
      }
    }
    if (!chunk) return Promise.resolve(null);
    return chunkData(root, m, chunk[2]).then(function (data) {
      var key = m.dir + chunk[2];
      if (!parsed[key]) {
        var table = {};
        data.split("\n").forEach(function (line) {
          var tab = line.indexOf("\t");
          table[line.slice(0, tab)] = line.slice(tab + 1);
        });
        parsed[key] = table;
      }
      var list = parsed[key][term];
      if (list === undefined) return null;
      var out = new Map();
      var page = 0;
      list.split(",").forEach(function (entry) {
        page += parseInt(entry.slice(1), 36);
        out.set(page, entry.charCodeAt(0) - 48);
      });
      return out;
    });
  }
  /* A term counts by the best field it is in: title > names (headings, table headings,
     where indicators are named) > body. */
  function weight(mask) {
    return mask & 1 ? 100 : mask & 2 ? 10 : 1;
  }
  /* Pages of index `m` holding every term, with their scores. The terms' chunks load one
     after the other, and a term the index lacks ends the search there: a query without a
     match loads little. */
  function matches(root, m, ts) {
    return ts.reduce(function (got, t) {
      return got.then(function (lists) {
        if (lists === null) return null;
        return postings(root, m, t).then(function (l) {
          return l === null ? null : lists.concat([l]);
        });
      });
    }, Promise.resolve([])).then(function (lists) {
      if (!lists || !lists.length) return [];
      lists.sort(function (a, b) { return a.size - b.size; });
      var out = [];
      lists[0].forEach(function (mask, page) {
        var score = 0;
        for (var k = 0; k < lists.length; k++) {
          var got = lists[k].get(page);
          if (got === undefined) return;
          score += weight(got);
        }
        out.push({ m: m, page: page, score: score });
      });
      return out;
    });
  }
  /* The page-table row of a result: [url, title, date, section, figure, text]. */
  function row(root, hit) {
    var groups = hit.m.groups;
    var g = 0;
    while (g + 1 < groups.length && groups[g + 1][0] <= hit.page) g++;
    return chunkData(root, hit.m, groups[g][1]).then(function (rows) {
      hit.row = rows[hit.page - groups[g][0]];
      return hit;
    });
  }
  function edition(hit) {
    return hit.m.edition === null ? -1 : hit.m.edition;
  }
  /* Score; newer editions first (the site-wide pages after them); then the index's own
     order: an edition's report, its annual report, other pages, indicators. */
  function order(a, b) {
    return b.score - a.score || edition(b) - edition(a) || a.page - b.page;
  }
  /* Searches the indexes `ms` for `query`; resolves to the hits in rank order, the first
     `shown` with their rows. */
  function search(root, ms, query, shown) {
    var ts = terms(query);
    if (!ts.length) return Promise.resolve([]);
    return Promise.all(ms.map(function (m) {
      return matches(root, m, ts);
    })).then(function (lists) {
      var hits = [].concat.apply([], lists).sort(order);
      return withRows(root, hits, 0, shown, query).then(function () {
        return hits;
      });
    });
  }
  /* Loads the rows of hits[from..to) and adds the exact-substring bonus there: a page whose
     title or text holds the query as typed ranks above one holding only its pieces. */
  function withRows(root, hits, from, to, query) {
    var q = normalise(query).replace(/\s+/g, "");
    var part = hits.slice(from, to);
    return Promise.all(part.map(function (h) {
      return row(root, h);
    })).then(function () {
      part.forEach(function (h) {
        if (h.bonus) return;
        h.bonus = true;
        var title = normalise(h.row[1]).replace(/\s+/g, "");
        if (title.indexOf(q) >= 0) {
          h.score += 1000;
        } else if (normalise(h.row[5]).replace(/\s+/g, "").indexOf(q) >= 0) {
          h.score += 50;
        }
      });
      var sorted = part.sort(order);
      for (var k = 0; k < sorted.length; k++) hits[from + k] = sorted[k];
    });
  }
  gk.search = search;

  /* ---- the search page ---- */
  var PAGE = 10;
  function el(name, attrs, text) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text) e.textContent = text;
    return e;
  }
  /* The snippet of `text` around the query's first match, matches marked. */
  function snippet(text, query, ts) {
    var chars = Array.from(text);
    var norm = "";
    var at = [];
    chars.forEach(function (c, k) {
      var n = normalise(c);
      norm += n;
      for (var u = 0; u < n.length; u++) at.push(k);
    });
    var marked = new Array(chars.length).fill(false);
    var first = -1;
    var needles = [normalise(query).trim()].concat(ts).filter(function (t) { return t; });
    needles.forEach(function (t) {
      var from = 0;
      var i;
      while ((i = norm.indexOf(t, from)) >= 0) {
        for (var k = i; k < i + t.length; k++) marked[at[k]] = true;
        if (first < 0 || at[i] < first) first = at[i];
        from = i + t.length;
      }
    });
    var start = Math.max(0, (first < 0 ? 0 : first) - 30);
    var end = Math.min(chars.length, start + 120);
    var p = el("p", { class: "result-snippet" });
    if (start > 0) p.appendChild(document.createTextNode("…"));
    var k = start;
    while (k < end) {
      var j = k;
      while (j < end && marked[j] === marked[k]) j++;
      var piece = chars.slice(k, j).join("");
      p.appendChild(marked[k] ? el("mark", {}, piece) : document.createTextNode(piece));
      k = j;
    }
    if (end < chars.length) p.appendChild(document.createTextNode("…"));
    return p;
  }
  function page() {
    var results = document.getElementById("search-results");
    if (!results || !script) return;
    var status = document.getElementById("search-status");
    var scope = document.getElementById("search-scope");
    var input = document.getElementById("search-q");
    var select = document.getElementById("search-edition");
    var params = new URLSearchParams(window.location.search);
    var query = (params.get("q") || "").trim();
    var only = params.get("edition") || "";
    input.value = query;
    if (select) select.value = only;
    // The 关怀版 copy links its results to the 关怀版 pages.
    var care = !!document.querySelector('link[rel="stylesheet"][href$="care.css"]');
    if (!query) {
      status.textContent = "请输入要搜索的词语，例如指标名称、年份或数字。";
      return;
    }
    status.textContent = "正在搜索……";
    manifestAt(here, "index.js").then(function (own) {
      if (!own || own.format !== FORMAT) {
        status.textContent = "搜索索引未能加载，请通过网站地图查找页面。";
        return;
      }
      var root = here.slice(0, here.length - own.dir.length);
      var pages = root + (care ? "care/" : "");
      var indexes = [own];
      var notes = [];
      var later = [];
      var more = Promise.resolve();
      function load(list) {
        return Promise.all(list.map(function (x) {
          return manifestAt(root, x.src).then(function (m) {
            if (m && m.format === FORMAT) indexes.push(m);
            else notes.push(x);
          });
        }));
      }
      if (own.edition === null) {
        // The site-wide page: the current edition with the site-wide pages first, older
        // editions on request (so a query's bytes do not grow with the number of editions);
        // or the one edition asked for.
        var wanted = (own.indexes || []).filter(function (x) {
          return !only || String(x.edition) === only;
        });
        if (only) indexes.shift();
        else later = wanted.slice(1);
        more = load(only ? wanted : wanted.slice(0, 1));
      } else {
        // An edition's page searches its own index; when the site-wide one is there too
        // (not in an unpacked bundle), all editions are one click away.
        more = manifestAt(root, "search/index.js").then(function (site) {
          if (!site) return;
          scope.textContent = "";
          var a = el("a", { href: pages + "search.html?q=" + encodeURIComponent(query) }, "在全部年度中搜索“" + query + "”");
          scope.appendChild(a);
          scope.hidden = false;
        });
      }
      function run() {
        return search(root, indexes, query, PAGE).then(function (hits) {
          show(hits, root, pages, query, notes);
          if (own.edition !== null) return;
          scope.textContent = "";
          scope.hidden = !later.length;
          if (!later.length) return;
          var years = later.map(function (x) { return x.edition; });
          status.textContent += "已搜索" + indexes.filter(function (m) { return m.edition !== null; })
            .map(function (m) { return m.edition + "年度"; }).join("、") + "和全站页面。";
          var button = el("button", { type: "button", class: "search-more" },
            "继续在更早的年度中搜索（" + years[years.length - 1] + "—" + years[0] + "年度）");
          button.addEventListener("click", function () {
            var rest = later;
            later = [];
            status.textContent = "正在搜索更早的年度……";
            load(rest).then(run);
          });
          scope.appendChild(button);
        });
      }
      return more.then(run);
    }).catch(function () {
      status.textContent = "搜索索引未能加载，请通过网站地图查找页面。";
    });

    function show(hits, root, pages, query, notes) {
      var ts = terms(query);
      results.textContent = "";
      notes.forEach(function (x) {
        var p = el("p", { class: "search-note" }, x.edition + "年度的索引格式与本页不同，");
        if (x.page) p.appendChild(el("a", { href: pages + x.page + "?q=" + encodeURIComponent(query) }, "请在该年度的搜索页中搜索"));
        results.appendChild(p);
      });
      status.textContent = hits.length
        ? "找到 " + hits.length + " 个与“" + query + "”相关的页面。"
        : "没有找到与“" + query + "”相关的页面（0 个结果）。请换一个词语，或查看网站地图。";
      if (!hits.length) return;
      var list = el("ol", { class: "search-results" });
      results.appendChild(list);
      var shown = 0;
      function add(to) {
        hits.slice(shown, to).forEach(function (h) {
          var r = h.row;
          var li = el("li");
          var h2 = el("h2", { class: "result-title" });
          h2.appendChild(el("a", { href: pages + r[0] }, r[1] || r[0]));
          li.appendChild(h2);
          var meta = [h.m.edition === null ? "全站" : h.m.edition + "年度", r[3]];
          if (r[2]) meta.push("发布日期 " + r[2]);
          if (r[4]) meta.push("数值 " + r[4]);
          li.appendChild(el("p", { class: "result-meta" }, meta.join(" · ")));
          li.appendChild(snippet(r[5], query, ts));
          list.appendChild(li);
        });
        shown = Math.min(to, hits.length);
        button.hidden = shown >= hits.length;
      }
      var button = el("button", { type: "button", class: "search-more" }, "显示更多结果");
      button.addEventListener("click", function () {
        var to = shown + PAGE;
        withRows(root, hits, shown, to, query).then(function () {
          var first = shown;
          add(to);
          var next = list.children[first];
          if (next) next.querySelector("a").focus();
        });
      });
      results.appendChild(button);
      add(PAGE);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", page);
  else page();
})();
