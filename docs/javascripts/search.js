// The theme's search, tidied. Its dialog gets a name, as every dialog needs. Its results
// link to their page with the query to highlight (`?h=...`); where no word of the query
// is left to highlight (a number such as 9,494,561), a link drops the empty parameter.
(() => {
  const search = document.querySelector('.md-search[role="dialog"]');
  if (!search) return;
  search.setAttribute("aria-label", "Search");
  const results = search.querySelector(".md-search-result");
  const tidy = () => {
    for (const link of results.querySelectorAll('a[href*="h="]')) {
      const url = new URL(link.href);
      if (url.searchParams.has("h") && !url.searchParams.get("h").trim()) {
        url.searchParams.delete("h");
        link.href = url.href;
      }
    }
  };
  if (results) new MutationObserver(tidy).observe(results, { childList: true, subtree: true });
})();
