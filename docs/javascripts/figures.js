// Open a figure full size: each figure becomes a button (click, Enter or Space) that
// shows it in a modal dialog, wider than a phone and scrollable; Escape, a click or the
// Close button closes it and gives the focus back.
(() => {
  const figures = document.querySelectorAll("figure.snippet-figure img, .jp-RenderedImage img");
  if (!figures.length) return;
  const dialog = document.createElement("dialog");
  dialog.className = "figure-dialog";
  dialog.setAttribute("aria-label", "Figure, full size");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  const full = document.createElement("img");
  dialog.append(close, full);
  dialog.addEventListener("click", () => dialog.close());
  document.body.append(dialog);
  for (const image of figures) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "figure-zoom";
    button.setAttribute("aria-label", `Enlarge figure: ${image.alt}`);
    image.replaceWith(button);
    button.append(image);
    button.addEventListener("click", () => {
      full.src = image.src;
      full.alt = image.alt;
      dialog.showModal();
      close.focus();
    });
  }
})();
