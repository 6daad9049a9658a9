/* A deliberately wrong search runtime (the self-test's fault for the `search` and
   `search-tokens` checks): it tokenizes without NFKC and without bigrams, and puts the home
   page first for every query, a query without any match included. Do not fix it. */
(function () {
  var gk = (window.gk = window.gk || {});
  gk.loaded = [];
  gk.tokens = function (text) {
    return text.toLowerCase().split(/[^0-9a-z\u4e00-\u9fff]+/).filter(Boolean);
  };
  var q = new URLSearchParams(window.location.search).get("q");
  if (!q) return;
  var results = document.getElementById("search-results");
  var ol = document.createElement("ol");
  var li = document.createElement("li");
  var a = document.createElement("a");
  a.href = "index.html";
  a.textContent = "首页";
  li.appendChild(a);
  ol.appendChild(li);
  results.appendChild(ol);
  document.getElementById("search-status").textContent = "找到 1 个结果。";
})();
