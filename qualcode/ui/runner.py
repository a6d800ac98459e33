"""One way to run a user action from a page.

Conventions every page follows through :func:`run`:

- one action, one transaction (``state.action``); a :class:`~qualcode.errors.QualcodeError` is shown
  with ``st.error`` in the UI language and nothing of the action is stored;
- an action that changes what the page shows reruns the page (the default). Its confirmation is
  kept in session state and shown as a toast on the next run (:func:`show_flash`, called by the page
  preamble), so it survives the rerun and the layout (open tab, scroll) stays put;
- an action that does not rerun (``rerun=False``) confirms with an inline ``st.success``;
- an action may return an :class:`~qualcode.undo.UndoEntry`; with ``undoable=True`` it is pushed on
  the page's undo stack (:func:`undo_stack`) once the transaction has committed.

Work that reads but may refuse (an export the user may not make, a file that does not parse)
goes through :func:`attempt`: the error is shown the same way, and ``None`` comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from qualcode.errors import QualcodeError
from qualcode.ui import markup, state
from qualcode.undo import UndoEntry

T = TypeVar("T")
FLASH_KEY = "qc_flash"
UNDO_KEY = "undo_stack"

Message = str | Callable[[Any], str] | None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What an action that did not rerun left: whether it was stored, and what it returned."""

    ok: bool
    value: T | None = None


def run(action: Callable[[Session], T], *, done: Message = None, rerun: bool = True,
        undoable: bool = False, then: Callable[[T], object] | None = None) -> Outcome[T]:
    """Run ``action(session)`` as one user action.

    ``done`` is the confirmation (already translated), or a function of the action's result that
    makes it. ``then`` runs with the result once it is stored (to open what was made, say). With
    ``rerun`` (the default) a successful action does not return: the page reruns.
    """
    try:
        with state.action() as session:
            value = action(session)
    except state.ActionFailed:
        return Outcome(False)
    if undoable and isinstance(value, UndoEntry):
        undo_stack().append(value)
    if then is not None:
        then(value)
    message = done(value) if callable(done) else done
    if rerun:
        if message:
            st.session_state[FLASH_KEY] = message
        st.rerun()
    if message:
        st.success(message)
    return Outcome(True, value)


def attempt(work: Callable[[], T]) -> T | None:
    """Run read-side work that may refuse with a QualcodeError: show it, and give ``None``."""
    try:
        return work()
    except QualcodeError as exc:
        st.error(markup.message(exc, state.lang()))
        return None


def quietly(work: Callable[[], T]) -> T | None:
    """Run read-side work whose refusal needs no message here (it is shown elsewhere): ``None``."""
    try:
        return work()
    except QualcodeError:
        return None


def flash(message: str) -> None:
    """A confirmation to show as a toast on the next run (before an ``st.rerun`` of the page's own)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show the confirmation left by the action before the last rerun, once."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.toast(message, icon=":material/check_circle:", duration="long")


def undo_stack() -> list[UndoEntry]:
    """The undo entries of this browser session, newest last."""
    stack: list[UndoEntry] = st.session_state.setdefault(UNDO_KEY, [])
    return stack
