"""Parse one discovered file into IR. Never raises: bad input gives ok=False and findings.

Bytes are checked before any parser sees them: size, NUL bytes (binary), UTF-8 validity
(the finding names the line of the first bad byte). A UTF-8 byte-order mark is accepted
with a warning. YAML cards go through `yaml_lines` and `cards`; markdown through
`markdown`. An unexpected exception is reported as an "internal-error" finding so one bad
file never stops an ingest.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from ingest.cards import parse_card
from ingest.markdown import parse_markdown
from ingest.yaml_lines import load_yaml
from kg.ir import Finding, ParsedSource, SourceFile

_BOM = b"\xef\xbb\xbf"


def _fail(source: SourceFile, code: str, line: int, message: str, hint: str) -> ParsedSource:
    return ParsedSource(
        source=source, ok=False, findings=[Finding("error", code, source.path, line, message, hint)]
    )


def read_text(
    kb_root: Path, source: SourceFile, max_file_bytes: int
) -> tuple[str | None, ParsedSource | None, list[Finding]]:
    """The file's text, or a failed ParsedSource saying why it cannot be read."""
    path = kb_root / source.path
    try:
        root = kb_root.resolve()
        real = path.resolve()
        if root != real and root not in real.parents:
            return (
                None,
                _fail(
                    source,
                    "outside-root",
                    1,
                    "the file resolves to a place outside the KB root",
                    "replace the symlink with the file itself",
                ),
                [],
            )
        size = path.stat().st_size
        if size > max_file_bytes:
            return (
                None,
                _fail(
                    source,
                    "too-large",
                    1,
                    f"the file has {size:,} bytes, more than the limit of {max_file_bytes:,}",
                    "split it into smaller files or raise KG_MAX_FILE_BYTES",
                ),
                [],
            )
        data = path.read_bytes()
    except OSError as exc:
        return (
            None,
            _fail(
                source,
                "unreadable",
                1,
                f"the file cannot be read: {exc.strerror or exc}",
                "check that it exists and is readable",
            ),
            [],
        )
    findings: list[Finding] = []
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        findings.append(
            Finding(
                "warning",
                "bom",
                source.path,
                1,
                "the file starts with a UTF-8 byte-order mark",
                "save the file as UTF-8 without BOM",
            )
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return (
            None,
            _fail(
                source,
                "binary",
                line,
                "the file contains NUL bytes; it looks binary, not text",
                "only UTF-8 text files can be cards or docs",
            ),
            [],
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (
            None,
            _fail(
                source,
                "not-utf8",
                line,
                f"byte 0x{data[exc.start]:02x} at line {line} is not valid UTF-8",
                "re-save the file as UTF-8",
            ),
            [],
        )
    return text, None, findings


def parse_source(kb_root: Path, source: SourceFile, max_file_bytes: int) -> ParsedSource:
    """Parse one file into a ParsedSource; never raises.

    On unreadable or unparseable input the result has ok=False and findings with a line and
    a hint, so the pipeline can keep the file's last good version.
    """
    try:
        text, failed, findings = read_text(kb_root, source, max_file_bytes)
        if failed is not None:
            return failed
        if source.kind == "doc":
            parsed = parse_markdown(source, text)
        else:
            doc = load_yaml(text, source.path)
            if not doc.ok:
                return ParsedSource(source=source, ok=False, findings=findings + doc.findings)
            parsed = parse_card(source, doc)
        parsed.findings[:0] = findings
        return parsed
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop an ingest
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return _fail(
            source,
            "internal-error",
            1,
            f"the parser failed on this file: {type(exc).__name__}: {exc} "
            f"({Path(where.filename).name}:{where.lineno})",
            "please report this file; it is skipped until then",
        )
