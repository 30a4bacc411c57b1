import re

import pytest
from bs4 import BeautifulSoup

from snipexec._internal.directives import DirectiveError, find_snippets

PAGE = """\
# Title

```snippet
snippets/a.py
```

    ```snippet timeout=5 raises=ValueError
    snippets/b.py
    ```

````markdown
```snippet
snippets/shown-not-run.py
```
````
"""


def test_finds_references_with_lines_indent_and_options():
    first, second = find_snippets(PAGE, "docs/p.md")
    assert (first.path, first.line, first.end, first.indent) == ("snippets/a.py", 3, 5, "")
    assert (second.path, second.line, second.indent) == ("snippets/b.py", 7, "    ")
    assert (second.timeout, second.expected_exception("keras2")) == (5.0, "ValueError")


def test_variant_options():
    markdown = (
        "```snippet variants=keras3,keras2 raises=keras2:AttributeError max-lines=9\na.py\n```"
    )
    (ref,) = find_snippets(markdown, "p")
    assert ref.variants == ("keras3", "keras2")
    assert (ref.expected_exception("keras2"), ref.expected_exception("keras3")) == (
        "AttributeError",
        None,
    )
    assert (ref.max_lines, ref.max_bytes) == (9, None)


def test_skips_snippet_syntax_shown_inside_another_fence():
    assert "snippets/shown-not-run.py" not in [ref.path for ref in find_snippets(PAGE, "p")]


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("x\n```snippet colour=red\nsnippets/a.py\n```\n", "docs/p.md:2: unknown snippet option"),
        ("```snippet\nsnippets/a.py\nsnippets/b.py\n```\n", "docs/p.md:1: a snippet block holds"),
        ("```snippet\n```\n", "docs/p.md:1: a snippet block holds exactly one path"),
        ("\n\n```snippet\nsnippets/a.py\n", "docs/p.md:3: this code fence is never closed"),
        (
            "```snippet timeout=soon\nsnippets/a.py\n```\n",
            "docs/p.md:1: timeout must be a positive number",
        ),
        ("```snippet\n../secret.py\n```\n", "docs/p.md:1: snippet path '../secret.py' must be"),
        ("```snippet max-lines=-3\na.py\n```\n", "docs/p.md:1: max-lines must be a positive"),
        (
            "```snippet variants=jax raises=keras2:E\na.py\n```\n",
            "docs/p.md:1: raises= names keras2, which is not in this block's variants=",
        ),
    ],
)
def test_malformed_references_name_page_and_line(markdown, message):
    with pytest.raises(DirectiveError, match="^" + message.replace(".", r"\.")):
        find_snippets(markdown, "docs/p.md")


CONTEXTS = """\
# Contexts

!!! note "In an admonition"

    ```snippet
    snippets/in_note.py
    ```

=== "In a tab"

    ```snippet
    snippets/in_tab.py
    ```

1. In a list item:

    ```snippet
    snippets/in_list.py
    ```

<!-- commented out:
```snippet
snippets/commented.py
```
-->

<!-- ```snippet -->

````markdown
```snippet
snippets/shown.py
```
````
"""


def test_blocks_run_in_admonitions_tabs_and_lists_not_in_comments_or_fences(project):
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text()
        + "markdown_extensions:\n  - pymdownx.tabbed:\n      alternate_style: true\n"
    )
    for name in ("in_note", "in_tab", "in_list", "commented", "shown"):
        project.write(f"snippets/{name}.py", f"print('output of {name}')\n")
    project.write("docs/index.md", CONTEXTS)
    build = project.build("--strict")
    assert build.returncode == 0, build.stderr
    assert sorted(re.findall(r"ran snippets/(\w+)\.py", build.stderr)) == [
        "in_list",
        "in_note",
        "in_tab",
    ]
    page = (project.root / "site/index.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    for name, container in (
        ("in_note", ".admonition"),
        ("in_tab", ".tabbed-block"),
        ("in_list", "li"),
    ):
        outputs = [
            element.get_text() for element in soup.select(f"{container} .snippet-output code")
        ]
        assert f"output of {name}\n" in outputs, name
    assert "output of commented" not in page and "output of shown" not in page
