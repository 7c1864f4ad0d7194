"""YAML in and out: plain, readable, key order kept, and files replaced atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style with readable multi-line strings, and never an alias: `load` refuses them, so
    an object that appears twice in a record is written out twice."""

    def ignore_aliases(self, data) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


class AliasRefused(yaml.MarkedYAMLError):
    """A YAML alias where none is allowed."""


def load(text: str):
    """Parsed YAML (safe; libyaml's loader when PyYAML has it, ten times faster for a store of
    thousands of files), refusing aliases: a kilobyte of nested `*name` references expands to
    gigabytes (the "billion laughs"), and no file we read needs them. Errors are PyYAML's
    MarkedYAMLError, with the line.

    >>> load("{a: 1, b: [x, y]}")
    {'a': 1, 'b': ['x', 'y']}
    >>> load("[&x 1, *x]")
    Traceback (most recent call last):
    bot.yamlio.AliasRefused: YAML aliases (*name) are not allowed here
      in "<unicode string>", line 1, column 8
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if "&" in text:  # no anchor, no alias: most files skip this pass
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise AliasRefused(problem="YAML aliases (*name) are not allowed here", problem_mark=event.start_mark)
    return yaml.load(text, Loader=loader)


def dump(data) -> str:
    """`data` as YAML text, deterministic for equal input; `load` reads it back.

    >>> change = {"at": "2027-01-05", "what": "location changed"}
    >>> load(dump({"changes": [change, change]})) == {"changes": [change, change]}
    True
    """
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_atomic(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Replace `path` with `content` so readers see the old file or the new one, never half.
    The file keeps the mode of the one it replaces (a new one gets `mode`, readable by the web
    server's user: mkstemp alone would make every feed and store file owner-only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        found = path.stat()
    except FileNotFoundError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode) and not stat.S_ISDIR(found.st_mode):
        # A pipe or a device ("-o /dev/null", "-o /dev/stdout"): there is nothing to replace, and
        # renaming a file over it would put a plain file in the device's place (as root, for
        # every program on the machine).
        with open(path, "wb") as out:
            out.write(data)
        return
    if found is not None:
        mode = stat.S_IMODE(found.st_mode)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
