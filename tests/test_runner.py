"""The action runner's conventions (qualcode/ui/runner.py), on a real database through AppTest:
a confirmation survives the rerun as a toast, a refusal is shown in the UI language and nothing is
confirmed, an action that does not rerun confirms inline, an undo entry is kept once committed."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script() -> None:
    import streamlit as st

    from qualcode.errors import ValidationError
    from qualcode.ui import runner
    from qualcode.undo import UndoEntry

    def refused(session):  # type: ignore[no-untyped-def]
        raise ValidationError("error.project_name_empty")

    runner.show_flash()
    if st.button("undoable"):
        runner.run(lambda s: UndoEntry("added", {"codings": [7]}), done="Done.", undoable=True)
    if st.button("refused"):
        runner.run(refused, done="Never shown.")
    if st.button("inline"):
        runner.run(lambda s: 41 + 1, done=lambda value: f"Got {value}.", rerun=False)
    st.write(f"undo entries: {len(runner.undo_stack())}")


def app(url: str, monkeypatch) -> AppTest:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QUALCODE_DATABASE_URL", url)
    return AppTest.from_function(script, default_timeout=30).run()


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_confirmation_outlives_the_rerun_and_the_undo_entry_is_kept(sqlite_url, monkeypatch):
    at = click(app(sqlite_url, monkeypatch), "undoable")
    assert [t.value for t in at.toast] == ["Done."]
    assert "undo entries: 1" in [m.value for m in at.markdown]
    entry, what = at.session_state["undo_stack"][0]
    assert entry.data == {"codings": [7]} and what == "Done."  # the entry and what it did
    at.run()  # shown once
    assert not at.toast


def test_a_refusal_is_shown_in_the_ui_language_and_not_confirmed(sqlite_url, monkeypatch):
    at = click(app(sqlite_url, monkeypatch), "refused")
    assert [e.value for e in at.error] == ["Proyek perlu nama."]
    assert not at.toast and not at.success
    assert "undo entries: 0" in [m.value for m in at.markdown]


def test_an_action_without_rerun_confirms_inline(sqlite_url, monkeypatch):
    at = click(app(sqlite_url, monkeypatch), "inline")
    assert [s.value for s in at.success] == ["Got 42."]
    assert not at.toast


def test_a_run_stopped_at_its_toast_keeps_the_confirmation(sqlite_url, monkeypatch):  # type: ignore[no-untyped-def]
    """A second click while the page reruns after an action stops that run at its next Streamlit
    call, which may be the toast itself: Streamlit then sends nothing. The confirmation must wait
    for the run that follows instead of being lost (it was on a double-click)."""
    import streamlit as st

    real = st.toast
    stopped: list[str] = []

    def toast(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not stopped:
            stopped.append(args[0])
            st.rerun()  # what a pending rerun does to the run at this call
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "toast", toast)
    at = click(app(sqlite_url, monkeypatch), "undoable")
    assert stopped == ["Done."]
    assert [t.value for t in at.toast] == ["Done."]
