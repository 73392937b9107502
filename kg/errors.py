"""The project's named exceptions. Each carries a message that says where and what to do."""


class KGError(Exception):
    """Base class for every error the project raises on purpose."""


class ConfigError(KGError):
    """A setting or kg.toml value is invalid."""


class NotIngestedError(KGError):
    """The state folder holds no ingested graph yet; run `kg ingest` first."""


class UnknownEntityError(KGError):
    """No entity has that id, name or alias."""

    def __init__(self, ref: str, suggestions: list[str] | None = None):
        self.ref = ref
        self.suggestions = suggestions or []
        hint = (
            f" — did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else ""
        )
        super().__init__(f"no entity matches {ref!r}{hint}")


class UnknownFieldError(KGError):
    """A comparison or filter names a field no entity has."""


class QueryError(KGError):
    """A SPARQL query is malformed or not allowed."""


class QueryTimeoutError(QueryError):
    """A query ran longer than the configured timeout."""


class ForbiddenQueryError(QueryError):
    """The query would write or reach outside (UPDATE, LOAD, SERVICE) and is refused."""


class SourceAccessError(KGError):
    """A requested source path is outside the KB root or does not exist."""


class IngestError(KGError):
    """An ingest could not complete; the previous graph is still current."""


class NoPathError(KGError):
    """No chain of relations connects two entities."""


class UnsupportedFormatError(QueryError):
    """No result format the client accepts fits this query (HTTP 406)."""


class QueryBusyError(QueryError):
    """Every query worker stayed busy for the whole timeout; retry later (HTTP 503)."""


class UnauthorizedError(KGError):
    """A write needs the bearer token from settings, and it was missing or wrong."""


class SourceNotFoundError(SourceAccessError):
    """A requested source file does not exist in the KB folder (HTTP 404)."""
