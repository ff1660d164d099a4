// Progressive enhancement only: every page works without this file.
// base.html loads it on every page; a page that loads it again runs it once.
(() => {
  if (window.coppSite) return;
  window.coppSite = true;

  // The settings of the version for the visually impaired: folded on a phone
  // (the HTML's default), open on a wider screen. site.css already shows them
  // there where the browser can style a <details>' content; this sets the
  // state the summary announces, and helps the browsers that cannot.
  const WIDE = "(min-width: 768px)";

  // Soft hyphens in long Russian words, from TeX's hyphenation patterns
  // (vendor/hyphen, loaded by base.html at the larger type steps), for a
  // browser with no Russian hyphenation dictionary of its own, and on the
  // English pages' Russian names: without them the larger type would break
  // such a word anywhere, without a hyphen (overflow-wrap).
  const LONG_WORD = /[а-яё]{10,}/gi;
  const HAS_LONG_WORD = /[а-яё]{10,}/i;

  function hyphenatesRussian() {
    const probe = document.createElement("div");
    probe.className = "hyphen-probe";
    probe.lang = "ru";
    probe.textContent = "электрооборудования";
    document.body.append(probe);
    const range = document.createRange();
    range.selectNodeContents(probe);
    // One line when the browser cannot break the word between syllables.
    const lines = range.getClientRects().length;
    probe.remove();
    return lines > 1;
  }

  const SKIP = "script, style, textarea, select, option, code, pre, .a11y-bar";

  function addSoftHyphens(root, hyphenate) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        HAS_LONG_WORD.test(node.data) && !node.parentElement.closest(SKIP)
          ? NodeFilter.FILTER_ACCEPT
          : NodeFilter.FILTER_REJECT,
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      node.data = node.data.replace(LONG_WORD, (word) => hyphenate(word));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const field of document.querySelectorAll("[data-autosubmit]")) {
      field.addEventListener("change", () => field.form.requestSubmit());
    }

    const settings = document.querySelector(".a11y-settings");
    if (settings && window.matchMedia(WIDE).matches) settings.open = true;

    const html = document.documentElement;
    const largeType = html.matches(".a11y-size-2, .a11y-size-3");
    const patterns = window.hyphenationPatternsRu;
    if (
      largeType &&
      patterns &&
      window.createHyphenator &&
      (html.lang !== "ru" || !hyphenatesRussian())
    ) {
      addSoftHyphens(document.body, window.createHyphenator(patterns));
    }
  });
})();
