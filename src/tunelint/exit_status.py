"""The exit statuses every entry point uses (a module of its own: the CLI's start-up reads it
without importing the run machinery)."""

EXIT_OK = 0
"""No finding fails the run."""
EXIT_FINDINGS = 1
"""Errors found (warnings too with --strict)."""
EXIT_USAGE = 2
"""Bad arguments, an unreadable or invalid config, a path that cannot be read."""
EXIT_INTERNAL = 3
"""A rule raised: reported as an internal error, the rest still ran."""
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
