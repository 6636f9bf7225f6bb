"""A spool worker: turns JSON job files into result files. No network port."""
