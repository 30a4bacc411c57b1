// A box that scrolls sideways can be reached and scrolled by keyboard: while its content
// is wider than it, it is in the tab order, a group named by what it holds. Code blocks
// and outputs of the question pages get the same from the theme. Boxes that appear
// later (the theme wraps tables after load) and content that changes (the calculator
// redraws its summary) are followed.
(() => {
  const NAMES = {
    ".md-typeset__scrollwrap": "Table, scrolls sideways",
    ".md-typeset .math-display": "Formula, scrolls sideways",
    ".md-typeset .calc-summary": "Summary, scrolls sideways",
    ".jupyter-wrapper .jp-OutputArea-output pre": "Output, scrolls sideways",
    ".jupyter-wrapper .highlight-ipynb pre": "Code, scrolls sideways",
  };
  const SELECTOR = Object.keys(NAMES).join(", ");
  const boxes = new Set();
  const mark = (box) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      const name = Object.entries(NAMES).find(([selector]) => box.matches(selector))[1];
      box.tabIndex = 0;
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", name);
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
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
  new MutationObserver((records) => {
    for (const { target, addedNodes } of records) {
      addedNodes.forEach(follow);
      const box = target.closest?.(SELECTOR);
      if (box && boxes.has(box)) mark(box);
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
