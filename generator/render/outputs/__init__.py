"""One module per output kind. Each turns a Spec into {relative path: text}."""
