"""The render pipeline: answers + profile -> Spec -> files, self-checked, written all or nothing."""
