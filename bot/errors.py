"""The errors a user's own mistake raises, in a module light enough for every command to
import: each names the file and the key or line, and is shown as one line, never a traceback."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the file and the key."""


class StoreError(Exception):
    """A store file or an input file that cannot be used; the message names file and line."""
