// Load the style sheets and scripts a page names in `data-page-assets` (paths from the
// site's root), so that a page's own tool is loaded only where it is used and its paths
// hold with or without directory URLs, served or opened from files.
(() => {
  const config = document.getElementById("__config");
  const base = config ? JSON.parse(config.textContent).base : ".";
  const root = new URL(`${base}/`, location.href);
  for (const holder of document.querySelectorAll("[data-page-assets]")) {
    for (const path of holder.dataset.pageAssets.split(/\s+/).filter(Boolean)) {
      const url = new URL(path, root).href;
      if (path.endsWith(".css")) {
        document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: url }));
      } else {
        document.body.append(Object.assign(document.createElement("script"), { src: url, async: false }));
      }
    }
  }
})();
