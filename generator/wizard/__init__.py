"""The interactive wizard: the question model, the questions by topic (topics/), the
answers file it writes, the preview and summary, folder detection, and the prompts (prompt.py,
the only module that imports questionary)."""
