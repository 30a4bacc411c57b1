import re

import pytest
from bs4 import BeautifulSoup

from snipexec._internal.directives import DirectiveError, find_snippets

PAGE = """\
# Title

```snippet
snippets/a.py
```

!!! note

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
    assert (second.path, second.line, second.indent) == ("snippets/b.py", 9, "    ")
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
        ("\n\n```snippet\nsnippets/a.py\n", "docs/p.md:3: this snippet block is never closed"),
        (
            "!!! note\n\n    ```snippet\n    a.py\n    ````\n",
            "docs/p.md:3: this snippet block is never closed (its closing fence must match",
        ),
        (
            "!!! note\n\n    ```snippet\n    a.py\n```\n",
            "docs/p.md:3: this snippet block is never closed",
        ),
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
    with pytest.raises(DirectiveError, match="^" + re.escape(message)):
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

> In a blockquote:
>
> ```snippet
> snippets/in_quote.py
> ```

- A list item

    ??? tip "Holding a note"

        ```snippet
        snippets/deep.py
        ```

<!-- commented out:

```snippet
snippets/commented.py
```
-->

<!-- ```snippet -->

A paragraph before indented code:

    ```snippet
    snippets/indented_code.py
    ```

~~~~markdown
```snippet
snippets/shown.py
```
~~~~
"""
RUN = ["deep", "in_list", "in_note", "in_quote", "in_tab"]
NOT_RUN = ["commented", "indented_code", "shown"]


def test_blocks_run_where_markdown_renders_fences_and_nowhere_else(project):
    for name in RUN + NOT_RUN:
        project.write(f"snippets/{name}.py", f"print('output of {name}')\n")
    project.write("snippets/quoted.py", "WHERE = 'in_quote'\n")  # its copy folds this in
    project.write("snippets/in_quote.py", "from quoted import WHERE\nprint('output of', WHERE)\n")
    project.write("docs/index.md", CONTEXTS)
    build = project.build("--strict")
    assert build.returncode == 0, build.stderr
    assert sorted(re.findall(r"ran snippets/(\w+)\.py", build.stderr)) == RUN
    page = (project.root / "site/index.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    for name, container in (
        ("in_note", ".admonition"),
        ("in_tab", ".tabbed-block"),
        ("in_list", "li"),
        ("in_quote", "blockquote"),
        ("deep", "li details"),
    ):
        outputs = [
            element.get_text() for element in soup.select(f"{container} .snippet-output code")
        ]
        assert f"output of {name}\n" in outputs, name
    assert not any(f"output of {name}" in page for name in NOT_RUN)
    (copy,) = [element["data-copy"] for element in soup.select("blockquote [data-copy]")]
    assert copy.startswith("# quoted.py\nWHERE = 'in_quote'\n")
    code = [element.get_text() for element in soup.select("pre > code")]
    assert "```snippet\nsnippets/indented_code.py\n```\n" in code  # shown as it is written
