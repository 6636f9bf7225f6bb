"""The checker: finds files, parses them, runs the rules, reports.

Imports nothing from the other programs (render, wizard, engine).
"""
