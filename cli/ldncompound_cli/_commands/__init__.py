"""One module per command; `ldncompound_cli._app` loads a command's module only when the
command runs (or its help is shown)."""
