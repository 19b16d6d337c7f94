/* The analysis book is read offline and from file://, so it never loads MathJax
 * from a CDN: _config.yml points mathjax_path at this file instead. (Jupyter
 * Book asks for MathJax on every single-page build, which makes the PDF.)
 * The book has no equations. If a page ever has one, say so in the console, so
 * that the browser tests fail and MathJax gets shipped with the book. */
(function () {
  function check() {
    if (document.querySelector(".math, span.math, div.math")) {
      console.error("This page has equations, but the analysis book does not ship MathJax " +
                    "(see book/_static/analysis-no-mathjax.js): they are shown as TeX.");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
