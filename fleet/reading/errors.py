"""Configuration errors a person can act on: which key, what value, how to fix it."""

from __future__ import annotations


class ConfigError(Exception):
    """Every problem found in the configuration, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
