"""Drop the theme's files the site never loads: source maps and other languages' search.

They name other hosts (in comments and examples) and no page requests them: source maps
serve only a browser's developer tools, and the search loads a language's stemmer only
for the languages `plugins.search.lang` lists (English needs none).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig


def on_post_build(config: MkDocsConfig) -> None:
    """Remove `*.map` files and the search languages (and segmenters) not configured."""
    site = Path(config.site_dir)
    for source_map in site.glob("assets/**/*.map"):
        source_map.unlink()
    search = config.plugins.get("material/search") or config.plugins.get("search")
    languages = set(getattr(search, "config", {}).get("lang") or ["en"])
    lunr = site / "assets/javascripts/lunr"
    needed = {f"lunr.{language}.min.js" for language in languages}
    if languages - {"en"}:
        needed |= {"lunr.stemmer.support.min.js", "lunr.multi.min.js"}
    for script in lunr.glob("min/lunr.*.min.js"):
        if script.name not in needed:
            script.unlink()
    segmenters = {"ja": "tinyseg.js", "jp": "tinyseg.js", "th": "wordcut.js"}
    for language, segmenter in segmenters.items():
        if language not in languages and (lunr / segmenter).exists():
            (lunr / segmenter).unlink()
