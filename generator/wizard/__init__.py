"""The interactive wizard: questions as data, folder detection, and the prompts (prompt.py,
the only module that imports questionary)."""
