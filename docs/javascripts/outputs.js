// Let each output block fit its lines, up to 80 columns, in its box (see snippets.css):
// `--columns` is its longest line, at most 80; the stylesheet sizes the font from it.
(() => {
  const MAX_COLUMNS = 80;
  const blocks = document.querySelectorAll(
    ".snippet-output pre > code, .snippet-stderr pre > code, .jp-OutputArea-output pre",
  );
  for (const block of blocks) {
    const longest = Math.max(...block.textContent.split("\n").map((line) => line.length));
    block.style.setProperty("--columns", Math.min(Math.max(longest, 1), MAX_COLUMNS));
    block.classList.add("output-fit");
  }
})();
