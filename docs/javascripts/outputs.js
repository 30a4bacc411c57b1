// Outputs a phone can read. Each output block fits its lines, up to 80 columns, in its
// box, down to 11 px (see layout.css): `--columns` is its longest line, at most 80; the
// stylesheet sizes the font from it. A block still wider than its box scrolls sideways
// and shows a "Full screen" button, which opens it in a dialog at the code's own size;
// Escape or Close closes it and gives the focus back.
(() => {
  const MAX_COLUMNS = 80;
  const blocks = document.querySelectorAll(
    ".snippet-output pre > code, .snippet-stderr pre > code, .jp-OutputArea-output pre",
  );
  if (!blocks.length) return;

  const dialog = document.createElement("dialog");
  dialog.className = "output-dialog";
  dialog.setAttribute("aria-label", "Output, full screen");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  close.addEventListener("click", () => dialog.close());
  const text = document.createElement("pre");
  text.tabIndex = 0; // it scrolls: the keyboard must reach it
  const code = document.createElement("code");
  text.append(code);
  dialog.append(close, text);
  document.body.append(dialog);

  const widerThanItsBox = (block) => block.scrollWidth > block.clientWidth + 1;
  const buttons = new Map();
  const resized = new ResizeObserver((entries) => {
    for (const { target } of entries) buttons.get(target).hidden = !widerThanItsBox(target);
  });

  for (const block of blocks) {
    const longest = Math.max(...block.textContent.split("\n").map((line) => line.length));
    block.style.setProperty("--columns", Math.min(Math.max(longest, 1), MAX_COLUMNS));
    block.classList.add("output-fit");

    const button = document.createElement("button");
    button.type = "button";
    button.className = "output-zoom";
    button.textContent = "Full screen";
    button.setAttribute("aria-label", "Show this output full screen");
    button.hidden = true;
    button.addEventListener("click", () => {
      code.textContent = block.textContent.replace(/\n$/, "");
      dialog.showModal();
      text.scrollTo(0, 0);
      close.focus();
    });
    const title = block.closest(".snippet-output, .snippet-stderr")?.querySelector(".filename");
    if (title) title.append(button);
    else block.before(button);
    buttons.set(block, button);
    resized.observe(block);
  }
})();
