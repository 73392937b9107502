"""The `kg` command line. Each command calls one KnowledgeBase method and formats the result."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kg.cli_qa import ask, evaluate, search
from kg.errors import KGError
from kg.knowledge_base import KnowledgeBase
from kg.settings import Settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line


class KGGroup(click.Group):
    """Turns domain errors into a one-line message and exit code 2 instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True)
            sys.exit(2)


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--kb",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KG_KB",
    help="KB folder (default: the bundled kb/). Env: KG_KB.",
)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KG_HOME",
    help="State folder for stores and indexes. Env: KG_HOME.",
)
@click.option(
    "--database-url",
    envvar="KG_DATABASE_URL",
    help="SQLAlchemy URL of the SQL store (default: SQLite in the state folder).",
)
@click.pass_context
def cli(ctx: click.Context, kb: Path | None, home: Path | None, database_url: str | None) -> None:
    """neuro-omics-kg: ingest a knowledge base of cards and docs, query it, ask it."""
    overrides = {
        k: v for k, v in {"kb": kb, "home": home, "database_url": database_url}.items() if v
    }
    ctx.obj = KnowledgeBase(Settings(**overrides))


def _kb() -> KnowledgeBase:
    return click.get_current_context().obj


@cli.command()
@click.option("--no-embed", is_flag=True, help="Skip building the retrieval (embedding) index.")
def ingest(no_embed: bool) -> None:
    """Ingest the KB: parse changed files, link, write SQL, RDF and the index."""
    from rich.progress import Progress

    kb = _kb()
    if no_embed:
        kb.settings.retrieval.embed = False
    with Progress(console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        report = kb.ingest(progress)
    table = Table(title=f"ingest of {kb.settings.kb}")
    for col in ("kind", "entities"):
        table.add_column(col)
    for kind, n in sorted(report.counts.items()):
        table.add_row(kind, str(n))
    out.print(table)
    errors = [f for f in report.findings if f.severity == "error"]
    out.print(
        f"{report.sources} files, {report.parsed} parsed, {len(report.upserted)} written, "
        f"{len(report.deleted)} deleted, {len(report.failed)} failed; "
        f"{len(errors)} errors, {len(report.findings) - len(errors)} warnings"
    )
    if report.reindexed:
        out.print("retrieval index rebuilt: it was made by other chunking code or embedder")
    out.print("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    for f in errors[:20]:
        err.print(str(f), markup=False)


@cli.command()
def validate() -> None:
    """List problems (file:line, what, hint) and SHACL violations; exit 1 on errors."""
    findings = _kb().validate()
    for f in findings:
        out.print(f"{f.severity}: {f}", markup=False)
    n_err = sum(f.severity == "error" for f in findings)
    n_unres = sum(f.code == "unresolved-ref" for f in findings)
    out.print(f"{n_err} errors, {len(findings) - n_err} warnings, {n_unres} unresolved references")
    sys.exit(1 if n_err else 0)


@cli.command()
def stats() -> None:
    """Counts per kind, relations per predicate, sources and findings."""
    s = _kb().stats()
    for section in ("entities", "relations"):
        table = Table(title=section)
        table.add_column("kind" if section == "entities" else "predicate")
        table.add_column("count", justify="right")
        for k, n in sorted(s.get(section, {}).items()):
            table.add_row(k, str(n))
        out.print(table)
    rest = {k: v for k, v in s.items() if k not in ("entities", "relations")}
    out.print(", ".join(f"{k}: {v}" for k, v in rest.items()))


@cli.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(ref: str, as_json: bool) -> None:
    """An entity (id, name or alias), all its facts and their sources."""
    from dataclasses import asdict

    facts = _kb().show(ref)
    if as_json:
        out.print_json(json.dumps(asdict(facts), default=str))
        return
    out.print(
        f"[bold]{facts.name}[/] ({facts.kind} {facts.id}) — {facts.source}:{facts.lines[0]}-{facts.lines[1]}"
    )
    if facts.aliases:
        out.print("aliases: " + ", ".join(facts.aliases))
    # Plain lines rather than a table: long values and paths stay readable and grep-able.
    for a in facts.attributes:
        prop = f" [{a.property}]" if a.property else ""
        value = " ".join(a.raw.split())
        value = value if len(value) <= 100 else value[:97] + "..."
        out.print(
            f"  {a.path}{prop} = {value}   ({a.prov.source}:{a.prov.line_start})", markup=False
        )
    for r in facts.outgoing:
        out.print(
            f"→ {r.predicate} {r.object}   ({r.prov.source}:{r.prov.line_start})", markup=False
        )
    for r in facts.incoming:
        out.print(
            f"← {r.predicate} {r.subject}   ({r.prov.source}:{r.prov.line_start})", markup=False
        )


@cli.command()
@click.argument("query")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml"]), default="table"
)
def sparql(query: str, fmt: str) -> None:
    """Run a read-only SPARQL query (json = SPARQL 1.1 JSON results)."""
    from kg.sparql import serialize_select, term_text

    result = _kb().sparql(query)
    if fmt != "table":
        if result.kind == "graph":
            for t in result.triples or []:
                sys.stdout.write(f"{t.subject} {t.predicate} {t.object} .\n")
            return
        sys.stdout.write(serialize_select(result, fmt).decode())
        return
    if result.kind == "ask":
        out.print(str(result.boolean).lower())
        return
    if result.kind == "graph":
        for t in result.triples or []:
            out.print(f"{t.subject} {t.predicate} {t.object} .", markup=False)
        return
    table = Table()
    for v in result.variables:
        table.add_column(v)
    for row in result.rows:
        table.add_row(*[term_text(t) for t in row])
    out.print(table)
    if result.truncated:
        err.print(f"(truncated at {len(result.rows)} rows)")


@cli.command()
@click.argument("a")
@click.argument("b")
def path(a: str, b: str) -> None:
    """The shortest chain of relations between two entities."""
    for step in _kb().path(a, b):
        out.print(str(step), markup=False)


@cli.command()
def conflicts() -> None:
    """Properties on which sources disagree, with every value and its source."""
    found = _kb().conflicts()
    for c in found:
        out.print(f"[bold]{c.entity}[/] {c.property}:")
        for a in c.values:
            out.print(
                f"    {a.raw!r:40}  {a.prov.source}:{a.prov.line_start} ({a.path})", markup=False
            )
    out.print(f"{len(found)} conflicts")


@cli.command()
@click.argument("refs", nargs=-1)
@click.option(
    "--fields", help="Comma-separated properties, synonyms or YAML paths (default: most filled)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "json", "html", "latex"]),
    default="md",
    show_default=True,
    help="Output format.",
)
@click.option("--kind", help="Only entities of this kind (model, paper, dataset, ...).")
@click.option("--modality", help="Only entities of this modality (genetics, fmri, smri, ...).")
@click.option("--tag", help="Only entities with this tag.")
@click.option("--sort", "sort_by", help="Order rows by this field ('-field' for descending).")
@click.option("--desc", is_flag=True, help="Sort descending.")
@click.option("--transpose", is_flag=True, help="Fields as rows, entities as columns.")
@click.option("--limit", default=500, show_default=True, help="At most this many filter matches.")
def compare(
    refs: tuple[str, ...],
    fields: str | None,
    fmt: str,
    kind: str | None,
    modality: str | None,
    tag: str | None,
    sort_by: str | None,
    desc: bool,
    transpose: bool,
    limit: int,
) -> None:
    """Compare entities (ids, names or aliases) or a filter's matches on chosen fields."""
    from kg.table_formats import render

    names = [f for f in (fields or "").split(",") if f.strip()] or None
    table = _kb().compare(
        list(refs) or None,
        names,
        kind=kind,
        modality=modality,
        tag=tag,
        sort=sort_by,
        descending=desc,
        transpose=transpose,
        limit=limit,
    )
    text, _media_type = render(table, fmt)
    sys.stdout.write(text)
    if not table.rows:
        err.print("(no entity matches that filter)")
    elif table.total is not None:
        err.print(f"(showing {len(table.rows)} of {table.total}; raise --limit for more)")


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.md, models.md, papers.md, datasets.md (default: print).",
)
@click.option(
    "--page",
    type=click.Choice(["models", "papers", "datasets", "all"]),
    default="all",
    show_default=True,
    help="Which page to print (without --out).",
)
def catalog(out: Path | None, page: str) -> None:
    """Registry pages from the cards: models by modality, papers by year, datasets by access."""
    pages = _kb().catalog(out)
    if out is not None:
        err.print(f"wrote {len(pages)} pages to {out}: {', '.join(sorted(pages))}")
        return
    names = ["models.md", "papers.md", "datasets.md"] if page == "all" else [f"{page}.md"]
    sys.stdout.write("\n".join(pages[n] for n in names))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--log-level", default="info", show_default=True, help="uvicorn log level.")
def serve(host: str, port: int, log_level: str) -> None:
    """Serve the HTTP API (SPARQL endpoint, REST, /ask) for this KB with uvicorn."""
    import uvicorn

    from api.app import create_app

    kb = _kb()
    err.print(f"serving {kb.settings.kb} at http://{host}:{port} (API docs at /docs)")
    uvicorn.run(create_app(kb.settings), host=host, port=port, log_level=log_level)


# Questions: ask, search, eval (kg.cli_qa keeps this module to its size).
cli.add_command(ask)
cli.add_command(search)
cli.add_command(evaluate)


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
