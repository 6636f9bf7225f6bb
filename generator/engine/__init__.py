"""Commands that need a container engine: verify, seccomp learn, pin."""
