"""The wizard's questions, one module per topic, each a tuple `QUESTIONS` in the order they are
asked; `generator/wizard/questions.py` puts the topics in order."""
