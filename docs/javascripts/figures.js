// Open a figure larger: each figure (the pages' and the notebooks') becomes a button
// (click, Enter or Space) that shows it in a modal dialog, scrollable both ways: twice
// its shown width on a phone, half as large again on a wider screen, and never smaller
// than the figure fitting the screen. Escape, a click or Close closes it and gives the
// focus back.
(() => {
  const figures = document.querySelectorAll(
    "figure.snippet-figure img, .jp-RenderedImage img, .jp-RenderedSVG img",
  );
  if (!figures.length) return;
  const PHONE = 720; // px: below this width, figures open at twice their shown size
  const dialog = document.createElement("dialog");
  dialog.className = "figure-dialog";
  dialog.setAttribute("aria-label", "Figure, enlarged");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  const full = document.createElement("img");
  dialog.append(close, full);
  dialog.addEventListener("click", () => dialog.close());
  document.body.append(dialog);

  const enlargedWidth = (image) => {
    const shown = image.getBoundingClientRect().width;
    const aspect = image.naturalHeight / image.naturalWidth || 1;
    const fitting = Math.min(window.innerWidth, window.innerHeight / aspect);
    const factor = window.innerWidth < PHONE ? 2 : 1.5;
    return Math.max(fitting, shown * factor);
  };

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
      full.style.width = `${Math.round(enlargedWidth(image))}px`;
      dialog.showModal();
      close.focus();
    });
  }
})();
