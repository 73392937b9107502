"""Optional per-KB settings in `kg.toml` at the KB root.

```toml
base_iri = "https://example.org/kb"      # entity IRIs become {base_iri}/{kind}/{id}
exclude = ["drafts/**", "**/*.bak.yaml"]  # globs (relative to the root) never ingested

[folders]                                  # folder glob -> source kind, before the defaults
"catalog/models" = "model_card"
"notes/**/*.md" = "doc"
```

A glob without wildcards means "everything under that folder". Kinds are the
`SourceFile.kind` values: model_card, paper_card, dataset_card, integration_card,
experiment, doc. Any mistake raises ConfigError as "kg.toml:LINE: what — hint".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError

SOURCE_KINDS = ("model_card", "paper_card", "dataset_card", "integration_card", "experiment", "doc")
CONFIG_FILE = "kg.toml"
_KEYS = {"folders", "exclude", "base_iri"}


@dataclass(frozen=True)
class KBConfig:
    """What kg.toml says: extra folder→kind rules, excluded globs and the base IRI."""

    folders: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    base_iri: str | None = None


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over '/'-separated paths: `**` any depth, `*` within a segment, `?` one char.

    A pattern without wildcards matches the path itself and everything below it.
    """
    pattern = pattern.strip().strip("/")
    if not any(c in pattern for c in "*?["):
        pattern += "/**"
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def _line_of(text: str, key: str) -> int:
    """The line where a key (or table header) is written, for error messages."""
    pat = re.compile(rf'^\s*(?:\[{re.escape(key)}\]|"?{re.escape(key)}"?\s*=)', re.M)
    m = pat.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _error(line: int, what: str, hint: str) -> ConfigError:
    return ConfigError(f"{CONFIG_FILE}:{line}: {what} — {hint}")


def load_kb_config(kb_root: Path) -> KBConfig:
    """Read `kg.toml` from the KB root; no file means the defaults.

    Raises:
        ConfigError: the file is not valid TOML or holds an unknown key, a wrong type, an
            unknown source kind, a bad glob or a base IRI that is not http(s).
    """
    path = Path(kb_root) / CONFIG_FILE
    if not path.is_file():
        return KBConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _error(1, f"cannot be read ({exc})", "save it as UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise _error(
            int(m.group(1)) if m else 1,
            f"invalid TOML: {exc}",
            "check quotes and '=' on that line; see https://toml.io",
        ) from exc
    for key in data:
        if key not in _KEYS:
            raise _error(
                _line_of(text, key),
                f"unknown setting '{key}'",
                "known settings are base_iri, exclude and [folders]",
            )
    folders = data.get("folders", {})
    if not isinstance(folders, dict):
        raise _error(
            _line_of(text, "folders"),
            "'folders' must be a table",
            'write [folders] then "glob" = "kind" lines',
        )
    for glob, kind in folders.items():
        if kind not in SOURCE_KINDS:
            raise _error(
                _line_of(text, glob),
                f"folder '{glob}' has unknown kind {kind!r}",
                "use one of " + ", ".join(SOURCE_KINDS),
            )
        _check_glob(text, glob)
    exclude = data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(g, str) for g in exclude):
        raise _error(
            _line_of(text, "exclude"),
            "'exclude' must be a list of glob strings",
            'write exclude = ["drafts/**"]',
        )
    for glob in exclude:
        _check_glob(text, glob, "exclude")
    base = data.get("base_iri")
    if base is not None and (
        not isinstance(base, str) or not re.match(r"^https?://[^\s/]+\S*$", base)
    ):
        raise _error(
            _line_of(text, "base_iri"),
            f"base_iri {base!r} is not an http(s) IRI",
            'write base_iri = "https://example.org/kb"',
        )
    return KBConfig(
        folders=dict(folders), exclude=list(exclude), base_iri=base.rstrip("/") if base else None
    )


def _check_glob(text: str, glob: str, key: str | None = None) -> None:
    if not glob.strip() or glob.startswith("/") or ".." in glob.split("/"):
        raise _error(
            _line_of(text, key or glob),
            f"glob {glob!r} is not a path inside the KB",
            "write globs relative to the KB root, without '..' or a leading '/'",
        )
    try:
        glob_regex(glob)
    except re.error as exc:
        raise _error(
            _line_of(text, key or glob), f"glob {glob!r} is invalid ({exc})", "fix the pattern"
        ) from exc
