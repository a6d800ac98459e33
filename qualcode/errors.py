"""The project's own errors. Each carries a message key from the catalogue (``qualcode.i18n``)
and its parameters, so the same error reads well in Indonesian and English."""

from __future__ import annotations

from typing import Any


class Part:
    """A part of a message that is itself a message of the catalogue (a place in a file, a
    problem): passed as a parameter, it is read in the language the whole message is read in."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        from qualcode.i18n import t

        return t(self.key, lang, **{k: v.text(lang) if isinstance(v, Part) else v for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.text("en")


class QualcodeError(Exception):
    """Base class: an error a researcher can read and act on."""

    key = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from qualcode.i18n import t

        params = {k: v.text(lang) if isinstance(v, Part) else v for k, v in self.params.items()}
        if params.get("role") in ("owner", "researcher", "supervisor"):
            params["role"] = t(f"role.{params['role']}", lang)  # "pembimbing", not "supervisor"
        return t(self.key, lang, **params)


class ValidationError(QualcodeError):
    """The input does not make sense (bad offsets, empty name, wrong project...)."""


class NotFoundError(QualcodeError):
    """A record the caller named does not exist (any more)."""


class ConflictError(QualcodeError):
    """The change would break a rule (duplicate name, text frozen by codings...)."""


class ImportFileError(QualcodeError):
    """A file could not be imported; the message names the file and the problem."""


class PermissionDenied(QualcodeError):
    """The current user's role does not allow this action."""
