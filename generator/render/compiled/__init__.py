"""The built-in templates as jinja2 compiles them (see generator/render/shipped_templates.py)."""
