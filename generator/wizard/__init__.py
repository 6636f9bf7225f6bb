"""The interactive wizard: questions as data, folder detection, the prompts (the only questionary import)."""
