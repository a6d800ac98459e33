"""The Coding page's Streamlit side: the workspace fragment, its events and its side panels.

The workspace is an ``st.fragment``: an action reruns the transcript and its panels, not the page.
Component events arrive through callbacks, before the fragment reruns, so the rerun the user
waits for already shows the result. Every action is one transaction (``state.action``) and
leaves an undo entry; undo and redo name what they did.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from qualcode import undo
from qualcode.nlp.pipeline import lemma_search
from qualcode.read.views import coding as view
from qualcode.services import codes as code_service
from qualcode.services import codings as coding_service
from qualcode.services import memos as memo_service
from qualcode.ui import markup, runner, state
from qualcode.ui.state import tr, tr_plain
from qualcode.ui.transcript import event_value, selection_span, to_codepoints, transcript
from qualcode.workspace import search_text, window_of_offset, window_payload, windows

ss = st.session_state
KEY = "coding_ws"


def open_at(document_id: int, offset: int, *, every_coder: bool = False) -> None:
    """Ask the Coding page to open ``document_id`` at ``offset`` (for links from other pages)."""
    ss["coding_doc_id"] = document_id
    ss["coding_goto"] = offset
    if every_coder:
        ss["coding_view"] = "all"


# -- one action: qualcode.ui.runner.run_event (one transaction, an undo entry, a notice) --------

def _run(act: Any, done: str | None = None, what: str = "") -> bool:
    return runner.run_event(act, done=done, what=what)


def _names(ids: list[int]) -> str:
    codes = {c.id: c.name for c in ss.get("coding_panel_codes", [])}
    return ", ".join(codes.get(i, str(i)) for i in ids)


def _ctx() -> tuple[int, int, str]:
    return state.project_id() or 0, state.user_id() or 0, ss["coding_text_cache"][1]


# -- events from the component -------------------------------------------------------------------

def on_event(name: str) -> None:
    ss["coding_event_started"] = time.perf_counter()
    value = event_value(KEY, name)
    if value is None:
        return
    handler = HANDLERS.get(name)
    if handler is not None:
        handler(value)


def _apply(value: dict[str, Any]) -> None:
    pid, uid, text = _ctx()
    span = selection_span(text, value)
    doc_id = ss["coding_doc_id"]
    code_ids = [int(c) for c in value.get("codes", [])]
    if span is None or not code_ids:
        return

    def act(session):
        return undo.added([coding_service.code_span(session, doc_id, span[0], span[1], c, actor_id=uid).id
                           for c in code_ids])

    if _run(act, tr_plain("coding.applied", codes=_names(code_ids)), tr_plain("coding.what_applied", codes=_names(code_ids))):
        ss["coding_recent"] = view.push_recent(ss.get("coding_recent", []), code_ids)


def _in_vivo(value: dict[str, Any]) -> None:
    pid, uid, text = _ctx()
    span = selection_span(text, value)
    if span is None:
        return
    name = view.quote(text[span[0]:span[1]], 80).strip("…") or text[span[0]:span[1]][:80]
    doc_id = ss["coding_doc_id"]

    def act(session):
        # The same words coded in vivo again go to the code they named the first time.
        code = (code_service.sibling_named(session, pid, name, None)
                or code_service.create_code(session, pid, name, actor_id=uid))
        return undo.added([coding_service.code_span(session, doc_id, span[0], span[1], code.id, actor_id=uid).id])

    _run(act, tr_plain("coding.in_vivo_done", name=name), tr_plain("coding.what_in_vivo", name=name))


def _segments(value: dict[str, Any]) -> None:
    ss["seg_focus"] = [int(x) for x in value.get("ids", [])]


def _sentence(value: dict[str, Any]) -> None:
    _, _, text = _ctx()
    at = to_codepoints(text, value["a"])
    units = ss["coding_units_cache"][1]
    ss["coding_select"] = view.sentence_span(text, units, at, at + 1)


def _undo(_: Any) -> None:
    if runner.step(redo=False, done=lambda what: tr_plain("coding.undone", what=what or tr_plain("coding.last_action"))):
        ss["seg_focus"] = []


def _redo(_: Any) -> None:
    if runner.step(redo=True, done=lambda what: tr_plain("coding.redone", what=what or tr_plain("coding.last_action"))):
        ss["seg_focus"] = []


def _pin(value: dict[str, Any]) -> None:
    code = int(value["code"])
    pins = list(ss.get("coding_pinned", []))
    ss["coding_pinned"] = [c for c in pins if c != code] if code in pins else [*pins, code]


def _retrieve(value: dict[str, Any]) -> None:
    ss["coding_retrieve"] = int(value["code"])


def _resize(value: dict[str, Any]) -> None:
    pid, uid, text = _ctx()
    seg_id = int(value["segment"])
    at = to_codepoints(text, value["p"])
    segments = {s.id: s for s in ss.get("coding_window_segments", [])}
    seg = segments.get(seg_id)
    if seg is None:
        return
    start, end = (at, seg.end) if value.get("which") == "start" else (seg.start, at)
    if start > end:
        start, end = end, start
    _resize_mine(seg, *view.snap_to_words(text, start, end))


RIGHTS = "coding_rights"  # (the user owns the project, the ids of its members), as last drawn


def _movable(seg: Any, uid: int | None) -> list[int]:
    """The codings of ``seg`` that a boundary change moves: the user's own; on a passage without
    any, for the project's owner, those of coders who are not members (a ``.qdpx`` import brought
    them), which nobody else may move (``auth.coding_rights``)."""
    mine = [c["coding"] for c in seg.codings if c["coder_id"] == uid]
    owner, members = ss.get(RIGHTS, (False, frozenset()))
    if mine or not owner:
        return mine
    return [c["coding"] for c in seg.codings if c["coder_id"] not in members]


def _resize_mine(seg: Any, start: int, end: int) -> None:
    uid = state.user_id() or 0
    mine = _movable(seg, uid)
    if not mine or start >= end or (start, end) == (seg.start, seg.end):
        return

    def act(session):
        for coding_id in mine:
            coding_service.resize_coding(session, coding_id, start, end, actor_id=uid)
        return undo.resized_many([(c, seg.start, seg.end) for c in mine])

    if _run(act, tr_plain("coding.resized_to", quote=view.quote(_ctx()[2][start:end], 60)), tr_plain("coding.what_resized")):
        ss["seg_focus"] = []


HANDLERS = {"apply": _apply, "in_vivo": _in_vivo, "segments": _segments, "sentence": _sentence, "undo": _undo,
            "redo": _redo, "pin": _pin, "retrieve": _retrieve, "resize": _resize}


# -- reading ----------------------------------------------------------------------------------------

def _text(session: Any, doc_id: int) -> str:
    """The document's text, read once per document (it does not change once it carries codings)."""
    cached = ss.get("coding_text_cache")
    length = view.document_length(session, doc_id)
    if cached is None or cached[0] != (doc_id, length):
        ss["coding_text_cache"] = ((doc_id, length), view.document_text(session, doc_id))
    return ss["coding_text_cache"][1]


def _units(session: Any, doc_id: int, text: str) -> list[Any]:
    """Turns (or paragraphs), read again only when the document's turns change."""
    signature = (doc_id, view.turns_signature(session, doc_id))
    cached = ss.get("coding_units_cache")
    if cached is None or cached[0] != signature:
        ss["coding_units_cache"] = (signature, view.units_of(session, doc_id, text))
    return ss["coding_units_cache"][1]


# -- the fragment -------------------------------------------------------------------------------------

@st.fragment
def workspace(doc_id: int, people: list[tuple[int, str]], codes: list[Any], owners: frozenset[int] = frozenset()) -> None:
    started = time.perf_counter()
    pid = state.project_id() or 0
    uid = state.user_id()
    lang = state.lang()
    main, side = st.columns([3, 1], gap="small")
    view_names = {"mine": tr("coding.view_mine"), "all": tr("coding.view_all"),
                  **{str(i): markup.inline(n) for i, n in people if i != uid}}  # radio labels are Markdown
    with side:
        choice = st.radio(tr("coding.view"), list(view_names), format_func=view_names.get, horizontal=True,
                          key="coding_view")
    coder_ids = [uid] if choice == "mine" and uid is not None else (None if choice == "all" else [int(choice)])

    with state.reading() as session:
        text = _text(session, doc_id)
        units = _units(session, doc_id, text)
        revision = view.project_revision(session, pid)
        spans = view.coded_spans(session, doc_id, coder_ids)
        counts = view.document_code_counts(session, doc_id, coder_ids)
        longest = view.longest_segment(session, doc_id)
    parts = windows(units)
    window_key = f"coding_window_{doc_id}"
    ss.setdefault(window_key, 0)
    goto = ss.pop("coding_goto", None)
    focus_unit = None
    if goto is not None:
        ss[window_key] = window_of_offset(units, parts, int(goto))
        unit = view.unit_of(units, int(goto))
        focus_unit = unit.number if unit else None
    ss[window_key] = max(0, min(ss[window_key], len(parts) - 1))

    with side:
        hits = _search_panel(text, units, parts, window_key, codes, uid)
    current_hit = ss.get("coding_hit_current")
    i, j = parts[ss[window_key]]
    shown = units[i:j]
    lo = shown[0].start if shown else 0
    hi = shown[-1].end if shown else 0
    code_filter = ss.get("coding_filter") or None
    with state.reading() as session:
        segments = view.window_segments(session, doc_id, lo, hi, coder_ids=coder_ids, code_ids=code_filter,
                                        longest=longest)
    ss["coding_window_segments"] = segments
    ss[RIGHTS] = (uid in owners, frozenset(i for i, _ in people))
    focus_segment = (ss.get("seg_focus") or [None])[0]
    focused = next((s for s in segments if s.id == focus_segment), None)
    panel = view.code_panel(codes, lang, counts, ss.get("coding_pinned", []))
    ss["coding_panel_codes"] = panel
    quick = view.quick_codes(ss.get("coding_pinned", []), ss.get("coding_recent", []), [c.id for c in panel])
    notice = runner.take_notice()
    payload = window_payload(text, shown, segments, lang=lang, search=[h for h in hits if h[0] < hi and h[1] > lo],
                             focus=ss.pop("coding_focus", focus_unit))
    undo_stack, redo_stack = runner.undo_stack(), runner.redo_stack()
    payload.update({
        "document": doc_id,
        "revision": revision,
        "render": _next_render(),
        "coder": _coder_name(people, uid),
        "codes": [c.as_payload() for c in panel],
        "quick": quick,
        "notice": {"kind": notice.kind, "text": notice.text, "nonce": notice.nonce} if notice else None,
        "can_undo": bool(undo_stack), "can_redo": bool(redo_stack),
        "undo_title": tr_plain("coding.undo_what", what=undo_stack[-1][1]) if undo_stack else "",
        "redo_title": tr_plain("coding.redo_what", what=redo_stack[-1][1]) if redo_stack else "",
        "select": ss.pop("coding_select", None),
        "focus_segment": focus_segment,
        "can_resize": focused is not None and bool(_movable(focused, uid)),
        "current_hit": list(current_hit) if current_hit and lo <= current_hit[0] < hi else None,
        "scroll_to_focus": goto is not None,
        "labels": _labels(),
    })
    with main:
        transcript(payload, key=KEY, on_event=on_event)
        _window_nav(units, parts, window_key, spans)
    with side:
        _segment_panel(text, units, doc_id, coder_ids, uid, pid, owner=uid in owners)
        _retrieve_panel(pid, lang)
        _suggestions_panel(pid, doc_id, lo, hi, uid)
    # what the user waits for on the server: the event's action (in its callback) and this rerun
    _record_timing(time.perf_counter() - ss.pop("coding_event_started", started))


def _next_render() -> int:
    """A counter the component shows as ``data-render``: tests wait for the next one."""
    ss["coding_render"] = ss.get("coding_render", 0) + 1
    return int(ss["coding_render"])


def _coder_name(people: list[tuple[int, str]], uid: int | None) -> str:
    return dict(people).get(uid or -1, "?")


def _labels() -> dict[str, str]:
    keys = ["coder", "no_selection", "selected", "undo", "redo", "select_unit", "select_unit_help", "quick", "filter",
            "in_vivo", "in_vivo_help", "keys", "pin", "retrieve", "legend", "memo", "drag_handle", "select_first",
            "empty"]
    return {k: tr(f"coding.ws_{k}") for k in keys}


def _record_timing(elapsed: float) -> None:
    """For bench/coding_bench.py: the fragment's whole server time per run, when asked for."""
    import os

    path = os.environ.get("QUALCODE_TIMING_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{elapsed * 1000:.2f}\n")


def _window_nav(units: list[Any], parts: list[tuple[int, int]], window_key: str,
                spans: list[tuple[int, int]]) -> None:
    uncoded = view.uncoded_turns(units, spans)
    done, total = view.progress_of(units, spans)
    current_first = units[parts[ss[window_key]][0]].number if units else 0
    previous = [n for n in uncoded if n < current_first]
    following = [n for n in uncoded if n > current_first]
    nav = st.columns([1, 1, 2, 1, 1])
    # actions run as callbacks, before the rerun: one rerun shows their result
    nav[0].button(tr("coding.prev_window"), disabled=ss[window_key] == 0, key="win_prev",
                  on_click=_set, args=(window_key, ss[window_key] - 1))
    nav[1].button(tr("coding.next_window"), disabled=ss[window_key] >= len(parts) - 1, key="win_next",
                  on_click=_set, args=(window_key, ss[window_key] + 1))
    caption = tr("coding.window", n=ss[window_key] + 1, total=len(parts), units=len(units))
    if total:
        caption += " · " + tr("coding.progress", done=done, total=total)
    nav[2].caption(caption)
    by_number = {u.number: u for u in units}
    nav[3].button(tr("coding.prev_uncoded"), disabled=not previous, key="prev_uncoded", on_click=_set,
                  args=("coding_goto", by_number[previous[-1]].start if previous else None))
    nav[4].button(tr("coding.next_uncoded"), disabled=not following, key="next_uncoded", on_click=_set,
                  args=("coding_goto", by_number[following[0]].start if following else None))


def _set(key: str, value: Any) -> None:
    ss[key] = value


# -- side panels ------------------------------------------------------------------------------------

def _search_panel(text: str, units: list[Any], parts: list[tuple[int, int]], window_key: str, codes: list[Any],
                  uid: int | None) -> list[tuple[int, int]]:
    query = st.text_input(tr("coding.search"), key="coding_search", placeholder=tr("coding.search_help"))
    if not query:
        ss.pop("coding_hit_current", None)
        return []
    cached = ss.get("coding_hits_cache")
    if cached is None or cached[0] != (ss["coding_doc_id"], len(text), query):
        # Word forms meet (percaya finds kepercayaan, dipercaya); a phrase that is no word falls back to text.
        found = lemma_search(text, query) or search_text(text, query)
        ss["coding_hits_cache"] = ((ss["coding_doc_id"], len(text), query), found)
        ss["coding_hit_index"] = 0
    hits: list[tuple[int, int]] = ss["coding_hits_cache"][1]
    if not hits:
        st.caption(tr("coding.no_hits"))
        return []
    index = min(ss.get("coding_hit_index", 0), len(hits) - 1)
    c1, c2, c3 = st.columns([1, 2, 1])
    c1.button("◀", key="hit_prev", disabled=index == 0, help=tr("coding.hit_prev"), on_click=_set,
              args=("coding_hit_index", index - 1))
    c3.button("▶", key="hit_next", disabled=index >= len(hits) - 1, help=tr("coding.hit_next"), on_click=_set,
              args=("coding_hit_index", index + 1))
    c2.caption(tr("coding.hit_of", n=index + 1, count=len(hits)))
    ss["coding_hit_index"] = index
    ss["coding_hit_current"] = hits[index]
    ss[window_key] = window_of_offset(units, parts, hits[index][0])
    with st.container(height=220, key="coding_kwic"):
        for n, hit in enumerate(view.keyword_in_context(text, hits[:200], 40)):
            label = f"{markup.inline(hit.left)} »{markup.inline(hit.match)}« {markup.inline(hit.right)}"
            st.button(label, key=f"kwic_{n}", type="primary" if n == index else "tertiary", on_click=_set,
                      args=("coding_hit_index", n))
    labels = {c.id: c.label(state.lang()) for c in codes}
    target = st.selectbox(tr("coding.code_hits_with"), list(labels), format_func=state.label_of(labels), index=None,
                          key="code_hits_code", placeholder=tr("coding.pick_codes"))
    st.button(tr("coding.code_hits", count=len(hits)), key="code_hits", disabled=target is None,
              on_click=_code_hits, args=(hits, int(target) if target is not None else 0, uid))
    return hits


def _code_hits(hits: list[tuple[int, int]], code_id: int, uid: int | None) -> None:
    doc_id = ss["coding_doc_id"]

    def act(session):
        return undo.added(coding_service.code_spans(session, doc_id, hits, code_id, actor_id=uid or 0))

    _run(act, tr_plain("coding.hits_coded", count=len(hits), codes=_names([code_id])),
         tr_plain("coding.what_hits", count=len(hits), codes=_names([code_id])))


def _segment_panel(text: str, units: list[Any], doc_id: int, coder_ids: list[int] | None, uid: int | None,
                   pid: int, *, owner: bool = False) -> None:
    with state.reading() as session:
        chosen = view.focused_segments(session, doc_id, ss.get("seg_focus") or [], coder_ids=coder_ids)
    if not chosen:
        st.caption(tr("coding.how_to"))
        return
    st.divider()
    st.markdown(f"**{tr('coding.segment_details')}**")
    for seg in chosen:
        with st.container(border=True):
            st.text("“" + view.quote(text[seg.start:seg.end], 200) + "”")
            for c in seg.codings:
                name = c["name_en"] if state.lang() == "en" and c["name_en"] else c["name_id"]
                row = st.columns([4, 1])
                row[0].text(f"{name} · {c['coder']}")
                if c["coder_id"] == uid or owner:  # the owner may remove anyone's coding (audited)
                    row[1].button("✕", key=f"remove_{c['coding']}", help=tr("coding.remove"), on_click=_remove,
                                  args=(c["coding"], name, c["coder_id"] == uid))
                    if ss.get(ASK_REMOVE) == c["coding"]:
                        _remove_question(c["coding"], name, c["coder"], c["coder_id"] == uid)
            if _movable(seg, uid):
                st.caption(tr("coding.boundaries_help"))
                cols = st.columns(3)
                for col, to in zip(cols, ("word", "sentence", "turn"), strict=True):
                    col.button(tr(f"coding.extend_{to}"), key=f"extend_{to}_{seg.id}", on_click=_resize_mine,
                               args=(seg, *view.extend(text, units, seg.start, seg.end, to)))
            _memo_box(seg, pid, uid)
    _history(chosen)


ASK_REMOVE = "coding_remove_ask"  # the coding whose removal waits for a yes


def _remove(coding_id: int, name: str, own: bool = True) -> None:
    """Remove a coding at once (undo is offered), or, when a memo, comment, evidence link,
    condensation or summary-sheet place rests on it or its passage, ask first (the question says
    what goes and what stays)."""
    with state.reading() as session:
        asks = view.removal(session, coding_id).asks
    if asks:
        ss[ASK_REMOVE] = coding_id
        return
    _remove_now(coding_id, name, own)


def _remove_confirmed(coding_id: int, name: str, own: bool) -> None:
    ss.pop(ASK_REMOVE, None)
    _remove_now(coding_id, name, own)


def _remove_now(coding_id: int, name: str, own: bool) -> None:
    """Remove a coding: one's own (undoable), or as the owner another coder's (audited; not undoable,
    since only its coder may put it back)."""
    uid = state.user_id() or 0

    def act(session: Session) -> undo.UndoEntry | None:
        entry = undo.removed(view.coding(session, coding_id)) if own else None
        coding_service.remove_coding(session, coding_id, actor_id=uid)
        return entry

    _run(act, tr_plain("coding.removed", codes=name), tr_plain("coding.what_removed", codes=name))


def _listed(parts: list[str]) -> str:
    """``a, b and c`` in the UI language."""
    if len(parts) < 2:
        return "".join(parts)
    return tr_plain("coding.list_and", rest=", ".join(parts[:-1]), last=parts[-1])


def _remove_question(coding_id: int, name: str, coder: str, own: bool) -> None:
    """The question before removing a coding that something rests on: what it carries, what goes
    with it (comments on the coding itself) and what stays with its passage of text."""
    with state.reading() as session:
        rests = view.removal(session, coding_id)
    comments = rests.coding_comments + rests.passage_comments
    carried = [(rests.memos, tr_plain("coding.part_memos", count=rests.memos)),
               (comments, tr_plain("coding.part_comments", count=comments)),
               (len(rests.conclusions), tr_plain("coding.part_evidence", count=len(rests.conclusions))),
               (rests.condensations, tr_plain("coding.part_condensation")),
               (rests.summary_sheets, tr_plain("coding.part_summary_sheets", count=rests.summary_sheets))]
    staying = [(rests.memos, tr_plain("coding.part_memos", count=rests.memos)),
               (rests.passage_comments, tr_plain("coding.part_passage_comments", count=rests.passage_comments)),
               *carried[2:]]
    with st.container(border=True, key=f"remove_ask_{coding_id}"):
        st.warning(tr("coding.remove_ask", code=name, coder=coder, what=_listed([t for n, t in carried if n])))
        if rests.coding_comments:
            st.markdown(tr("coding.remove_goes", count=rests.coding_comments))
        stays = _listed([t for n, t in staying if n])
        if rests.stays and rests.other_codings:
            st.markdown(tr("coding.remove_stays_shared", what=stays))
        elif rests.stays:
            st.markdown(tr("coding.remove_stays_alone", what=stays))
        # one under the other: side by side, the narrow panel cuts their labels short
        st.button(tr("coding.remove_yes"), type="primary", key=f"remove_yes_{coding_id}", width="stretch",
                  on_click=_remove_confirmed, args=(coding_id, name, own))
        st.button(tr("coding.remove_no"), key=f"remove_no_{coding_id}", width="stretch", on_click=_set,
                  args=(ASK_REMOVE, None))


def _memo_box(seg: Any, pid: int, uid: int | None) -> None:
    with state.reading() as session:
        memos = view.segment_memos(session, [seg.id])
    for author, body in memos:
        st.text(f"{author}: {body}")
    with st.form(f"memo_form_{seg.id}", clear_on_submit=True, border=False):
        st.text_area(tr("coding.memo"), key=f"memo_body_{seg.id}", height=80)
        st.form_submit_button(tr("coding.add_memo"), on_click=_add_memo, args=(seg.id, pid, uid))


def _add_memo(seg_id: int, pid: int, uid: int | None) -> None:
    body = ss.get(f"memo_body_{seg_id}", "")
    _run(lambda s: undo.memo_added(memo_service.add_memo(s, pid, body, actor_id=uid or 0, segment_id=seg_id)),
         tr_plain("coding.memo_added"), tr_plain("coding.what_memo"))


def _history(chosen: list[Any]) -> None:
    coding_ids = [c["coding"] for s in chosen for c in s.codings]
    with state.reading() as session:
        history = view.coding_history(session, coding_ids)
        threads = view.segment_comments(session, state.project_id() or 0, ss["coding_doc_id"],
                                        {(s.start, s.end) for s in chosen})
    if threads:
        st.markdown(f"**{tr('coding.comments')}**")
        for author, code, status, body in threads:
            status_text = tr("coding.comment_open") if status == "open" else tr("coding.comment_resolved")
            st.text(f"{author} ({code or '-'}, {status_text}): {body}")
    actions = {"coding.add": tr("coding.action_add"), "coding.remove": tr("coding.action_remove"),
               "coding.resize": tr("coding.action_resize")}
    with st.expander(tr("coding.history")):
        for at, who, action, code in history:
            st.caption(f"{at:%Y-%m-%d %H:%M} · {markup.inline(who or '?')} · {actions.get(action, action)} · "
                       f"{markup.inline(code)}")


def _retrieve_panel(pid: int, lang: str) -> None:
    code_id = ss.get("coding_retrieve")
    if not code_id:
        return
    with state.reading() as session:
        table = view.retrieve(session, pid, int(code_id), lang=lang)
    name = next((c.name for c in ss.get("coding_panel_codes", []) if c.id == code_id), str(code_id))
    st.divider()
    head = st.columns([4, 1])
    head[0].markdown(f"**{tr('coding.retrieved', count=len(table))}**")
    head[0].text(name)
    head[1].button("✕", key="retrieve_close", help=tr("coding.close"), on_click=_set, args=("coding_retrieve", None))
    st.download_button(tr("coding.download_retrieved"), data=view.retrieval_csv(table, lang),
                       file_name=f"segments-{code_id}.csv", mime="text/csv", key="retrieve_download", on_click="ignore")
    with st.container(height=320, key="coding_retrieved"):
        for n, row in enumerate(table.head(300).itertuples()):
            who = " · ".join(x for x in (row.speaker, row.informant, row.group) if x)
            st.caption(markup.inline(row.document) + (f" · {markup.inline(who)}" if who else ""))
            st.text("“" + view.quote(row.text, 200) + "”")
            if st.button(tr("coding.open_here"), key=f"open_seg_{n}_{row.segment_id}"):
                open_at(int(row.document_id), int(row.start))
                ss["seg_focus"] = [int(row.segment_id)]
                st.rerun(scope="app")  # another document: the page's document picker changes too



def _suggestions_panel(pid: int, doc_id: int, lo: int, hi: int, uid: int | None) -> None:
    """Suggested codes for the part on screen; accepting one is an undoable coding like any other."""
    with st.expander(tr("coding.suggestions"), expanded=False):
        if not st.toggle(tr("coding.show_suggestions"), key="coding_suggest_on"):
            return
        from qualcode.read import suggestions as read_suggestions

        names = {c.id: c.name for c in ss.get("coding_panel_codes", [])}
        with state.reading() as session:
            inline = read_suggestions.document_queue(session, pid, doc_id, within=(lo, hi))[:8]
        if not inline:
            st.caption(tr("suggest.empty"))
        for n, item in enumerate(inline):
            name = names.get(item.code_db_id, item.suggestion.code_id)
            st.text(f"{name} · {item.suggestion.score:.2f}")
            st.caption("“" + markup.inline(view.quote(item.text, 160)) + "”")
            terms = [str(t) for e in item.suggestion.evidence if e["kind"] == "terms"
                     for t in e["terms"]]  # type: ignore[attr-defined]  # evidence rows are JSON: "terms" is a list
            if terms:
                st.caption(tr("suggest.ev_terms", terms=", ".join(terms)))
            b1, b2 = st.columns(2)
            for button, decision, col in ((tr("suggest.accept"), "accepted", b1),
                                          (tr("suggest.reject"), "rejected", b2)):
                col.button(button, key=f"inline_{decision}_{n}", on_click=_decide,
                           args=(pid, doc_id, item, decision, name, uid))


def _decide(pid: int, doc_id: int, item: Any, decision: str, name: str, uid: int | None) -> None:
    from qualcode.services import suggestions as suggestion_service

    def act(session):
        made = suggestion_service.decide(session, pid, doc_id, item.start, item.end, item.code_db_id, decision,
                                         actor_id=uid or 0, score=item.suggestion.score,
                                         evidence=item.suggestion.evidence)
        return undo.added([made.coding_id]) if made.coding_id else None

    _run(act, tr_plain("coding.applied", codes=name) if decision == "accepted" else None,
         tr_plain("coding.what_applied", codes=name))
