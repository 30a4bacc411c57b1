// A box that scrolls sideways can be reached and scrolled by keyboard: while its content
// is wider than it, it is in the tab order, a group named by what it holds. The theme
// does the same for code blocks, but only when their box resizes: an output whose font
// outputs.js changed is followed here. Boxes that appear later (the theme wraps tables
// after load) and content that changes (the calculator redraws its summary) are too.
(() => {
  const NAMES = {
    ".md-typeset__scrollwrap": "Table, scrolls sideways",
    ".snippet-output pre > code, .snippet-stderr pre > code": "Output, scrolls sideways",
    ".md-typeset .math-display": "Formula, scrolls sideways",
    ".md-typeset .calc-summary": "Summary, scrolls sideways",
    ".jupyter-wrapper .jp-OutputArea-output pre": "Output, scrolls sideways",
    ".jupyter-wrapper .highlight-ipynb pre": "Code, scrolls sideways",
  };
  const SELECTOR = Object.keys(NAMES).join(", ");
  const boxes = new Set();
  const set = (box, attributes) => {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null && box.hasAttribute(name)) box.removeAttribute(name);
      else if (value !== null && box.getAttribute(name) !== value) box.setAttribute(name, value);
    }
  };
  const mark = (box) => {
    // A box the page took away (the calculator redraws its summary) is no longer followed.
    const named = Object.entries(NAMES).find(([selector]) => box.matches(selector));
    if (!box.isConnected || !named) {
      resized.unobserve(box);
      boxes.delete(box);
      return;
    }
    const wide = box.scrollWidth > box.clientWidth + 1;
    set(box, { tabindex: wide ? "0" : null, role: wide ? "group" : null, "aria-label": wide ? named[1] : null });
  };
  const resized = new ResizeObserver((entries) => entries.forEach(({ target }) => mark(target)));
  const follow = (root) => {
    const found = root.matches?.(SELECTOR) ? [root] : [];
    for (const box of [...found, ...(root.querySelectorAll?.(SELECTOR) ?? [])]) {
      if (boxes.has(box)) continue;
      boxes.add(box);
      resized.observe(box);
    }
  };
  follow(document.body);
  // The theme takes a code block's tab stop away where it sees no pointer that hovers.
  new MutationObserver((records) => {
    for (const { target, addedNodes } of records) {
      addedNodes.forEach(follow);
      const box = target.closest?.(SELECTOR);
      if (box && boxes.has(box)) mark(box);
    }
  }).observe(document.body, { childList: true, subtree: true, attributeFilter: ["tabindex"] });
})();
