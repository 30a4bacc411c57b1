import pytest

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
    assert (second.timeout, second.raises) == (5.0, "ValueError")


def test_skips_snippet_syntax_shown_inside_another_fence():
    assert "snippets/shown-not-run.py" not in [ref.path for ref in find_snippets(PAGE, "p")]


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("x\n```snippet colour=red\nsnippets/a.py\n```\n", "docs/p.md:2: unknown snippet option"),
        ("```snippet\nsnippets/a.py\nsnippets/b.py\n```\n", "docs/p.md:1: a snippet block holds"),
        ("```snippet\n```\n", "docs/p.md:1: a snippet block holds exactly one path"),
        ("\n\n```snippet\nsnippets/a.py\n", "docs/p.md:3: this code fence is never closed"),
        ("```snippet timeout=soon\nsnippets/a.py\n```\n", "docs/p.md:1: timeout must be a number"),
        ("```snippet\n../secret.py\n```\n", "docs/p.md:1: snippet path '../secret.py' must be"),
    ],
)
def test_malformed_references_name_page_and_line(markdown, message):
    with pytest.raises(DirectiveError, match="^" + message.replace(".", r"\.")):
        find_snippets(markdown, "docs/p.md")
