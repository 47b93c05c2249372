"""Domain errors that carry the field they concern and a translatable message."""


def N_(message: str) -> str:
    """Mark a message for translation without translating it (the view layer translates)."""
    return message


class DomainError(Exception):
    """A broken business rule: `field` names the input it concerns (or None), `message` is Thai.

    `message` is a msgid with %(name)s placeholders filled from `params` after translation.
    """

    def __init__(self, field: str | None, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.field = field
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


class ConflictError(DomainError):
    """The object changed since the user loaded it (stale version)."""


class LockedError(DomainError):
    """The object is locked against the requested change (e.g. confirmed installment)."""


class NotPermittedError(DomainError):
    """The user's role may not perform the action."""


class ValidationError(DomainError):
    """Several fields are invalid at once; `errors` maps field name to a DomainError."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.field, first.message, **first.params)
        self.errors = errors
