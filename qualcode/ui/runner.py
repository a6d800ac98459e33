"""One way to run a user action from a page.

Conventions every page follows through :func:`run`:

- one action, one transaction (``state.action``); a :class:`~qualcode.errors.QualcodeError` is shown
  with ``st.error`` in the UI language and nothing of the action is stored;
- an action that changes what the page shows reruns the page (the default). Its confirmation is
  kept in session state and shown as a toast on the next run (:func:`show_flash`, called by the page
  preamble), so it survives the rerun and the layout (open tab, scroll) stays put;
- an action that does not rerun (``rerun=False``) confirms with an inline ``st.success``;
- an action may return an :class:`~qualcode.undo.UndoEntry`; with ``undoable=True`` it is pushed on
  the page's undo stack (:func:`undo_stack`) once the transaction has committed;
- an action started by a component event or a button callback (the coding workspace) goes through
  :func:`run_event`: the same transaction and undo entry (named by ``what``), but its confirmation
  or refusal becomes a :class:`Notice` the page shows in place (:func:`take_notice`), since the
  callback's own rerun follows; :func:`step` undoes or redoes, naming what it did;
- an action on a thing the page shows (a conclusion, say) is a form's or button's callback that
  gets that thing's id in ``args`` when the page draws it, and runs through :func:`submit`: the
  rerun that follows may show something else (a tab beside it deleted the thing), and the action
  must still act on what the user saw, or be refused. Once stored, its confirmation is the toast of
  that rerun; a refusal is a notice at its ``place``, and the form keeps what was typed.

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
REDO_KEY = "redo_stack"
NOTICE_KEY = "qc_notice"

Message = str | Callable[[Any], str | None] | None  # a function of the result may say nothing


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What an action that did not rerun left: whether it was stored, and what it returned."""

    ok: bool
    value: T | None = None


def run(action: Callable[[Session], T], *, done: Message = None, rerun: bool = True,
        undoable: bool = False, then: Callable[[T], object] | None = None,
        clear: str | None = None) -> Outcome[T]:
    """Run ``action(session)`` as one user action.

    ``done`` is the confirmation (already translated), or a function of the action's result that
    makes it. ``then`` runs with the result once it is stored (to open what was made, say). With
    ``rerun`` (the default) a successful action does not return: the page reruns. ``clear``: a
    form whose fields (keyed by ``state.form_key``) are emptied once the action is stored, and
    only then: a refused form keeps what was typed (``clear_on_submit`` would lose it).
    """
    try:
        with state.action() as session:
            value = action(session)
    except state.ActionFailed:
        return Outcome(False)
    if undoable and isinstance(value, UndoEntry):
        undo_stack().append((value, message_of(done, value) or ""))
        st.session_state[REDO_KEY] = []
    if then is not None:
        then(value)
    if clear is not None:
        state.clear_form(clear)
    message = message_of(done, value)
    if rerun:
        if message:
            st.session_state[FLASH_KEY] = message
        st.rerun()
    if message:
        st.success(message)
    return Outcome(True, value)


def submit(action: Callable[[Session], T], *, done: Message = None, clear: str | None = None,
           place: str = "") -> Outcome[T]:
    """Run ``action(session)`` from a widget's callback as one user action (see the module's
    notes): once stored, ``done`` (or ``done(result)``) is the toast of the rerun that follows and
    the form ``clear`` is emptied; a refusal becomes the error notice at ``place``
    (:func:`take_notice`) and the form's fields keep what was typed."""
    try:
        with state.action(show=False) as session:
            value = action(session)
    except state.ActionFailed as exc:
        notify("error", _refusal(exc), place=place)
        return Outcome(False)
    if clear is not None:
        state.clear_form(clear)
    message = message_of(done, value)
    if message:
        flash(message)
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
    """Show the confirmation left by the action before the last rerun, once. It is taken from the
    session only once the toast is sent: a click that comes while this run goes (a double-click)
    stops the run at its next Streamlit call, which may be the toast, and the confirmation then
    waits for the next run instead of being lost."""
    message = st.session_state.get(FLASH_KEY)
    if message:
        st.toast(message, icon=":material/check_circle:", duration="long")
    st.session_state.pop(FLASH_KEY, None)


def message_of(done: Message, value: Any) -> str | None:
    return done(value) if callable(done) else done


def undo_stack() -> list[tuple[UndoEntry, str]]:
    """The undo entries of this browser session with what each did, newest last."""
    stack: list[tuple[UndoEntry, str]] = st.session_state.setdefault(UNDO_KEY, [])
    return stack


def redo_stack() -> list[tuple[UndoEntry, str]]:
    """What undo took back, newest last; a new action empties it."""
    stack: list[tuple[UndoEntry, str]] = st.session_state.setdefault(REDO_KEY, [])
    return stack


@dataclass(frozen=True)
class Notice:
    """A confirmation, a refusal or a remark to show in place (``kind`` is ``ok``, ``error`` or
    ``info``); ``place`` names where on the page, for a page with several forms."""

    kind: str
    text: str
    nonce: float
    place: str = ""


def notify(kind: str, text: str, *, place: str = "") -> None:
    """Leave a notice for the page's next run to show in place (a callback cannot show it)."""
    import time

    st.session_state[NOTICE_KEY] = Notice(kind, text, time.time(), place)


def _notice(kind: str, text: str) -> None:
    notify(kind, text)


def take_notice() -> Notice | None:
    """The notice the last event left, once."""
    notice: Notice | None = st.session_state.pop(NOTICE_KEY, None)
    return notice


def show_notice(notice: Notice | None, place: str | None = None) -> None:
    """Show ``notice`` here if it belongs to ``place`` (any place when None): an error, a remark or
    a confirmation; its text is plain, so it is shown literally."""
    if notice is None or (place is not None and notice.place != place):
        return
    show = {"error": st.error, "info": st.info}.get(notice.kind, st.success)
    show(markup.literal(notice.text))


def _refusal(exc: state.ActionFailed) -> str:
    cause = exc.__cause__
    return cause.message(state.lang()) if isinstance(cause, QualcodeError) else str(cause)  # plain text


def run_event(action: Callable[[Session], UndoEntry | None], *, done: str | None = None, what: str = "") -> bool:
    """Run an action started by a component event or a callback: one transaction; its undo entry,
    named ``what``, goes on the stack (and the redo stack empties); ``done`` or the refusal becomes
    the notice. True when it was stored."""
    try:
        with state.action(show=False) as session:
            entry = action(session)
    except state.ActionFailed as exc:
        _notice("error", _refusal(exc))
        return False
    if entry is not None:
        undo_stack().append((entry, what))
        st.session_state[REDO_KEY] = []
    if done:
        _notice("ok", done)
    return True


def step(*, redo: bool, done: Callable[[str], str]) -> bool:
    """Undo (or redo) the newest entry, as an audited change by the current user; the notice says
    what was undone (``done(what)``). The reverse entry goes on the other stack."""
    from qualcode import undo

    source, target = (redo_stack(), undo_stack()) if redo else (undo_stack(), redo_stack())
    if not source:
        return False
    entry, what = source[-1]
    try:
        with state.action(show=False) as session:
            inverse = undo.apply_undo(session, entry, actor_id=state.user_id() or 0)
    except state.ActionFailed as exc:
        _notice("error", _refusal(exc))
        return False
    source.pop()
    target.append((inverse, what))
    _notice("ok", done(what))
    return True
