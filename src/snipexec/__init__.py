"""snipexec: run Python snippet files when a MkDocs site is built."""
