"""Coding: select text in a transcript and apply codes; see, edit and undo codings."""

import streamlit as st
from sqlalchemy import select

from qualcode import undo
from qualcode.errors import QualcodeError
from qualcode.models import AuditEvent, Code, Coding, Document, User
from qualcode.nlp.pipeline import lemma_search
from qualcode.read import entities as read_entities
from qualcode.read.codes import tree_sorted
from qualcode.review.comments import comment_threads
from qualcode.services import codes as code_service
from qualcode.services import codings as coding_service
from qualcode.services import memos as memo_service
from qualcode.ui import markup, state
from qualcode.ui.state import tr
from qualcode.ui.transcript import selection_span, transcript
from qualcode.workspace import (
    coding_progress,
    document_units,
    search_text,
    segments_in_range,
    sentence_at,
    uncoded_turn_numbers,
    window_of_offset,
    window_payload,
    windows,
)

st.title(tr("nav.coding"))
pid = state.require_project()
uid = state.user_id()
lang = state.lang()
ss = st.session_state
ss.setdefault("undo_stack", [])

with state.reading() as session:
    docs = [(d.id, d.title) for d in session.query(Document).filter(Document.project_id == pid).order_by(Document.title)]
    progress = coding_progress(session, pid)
    codes = tree_sorted(list(session.query(Code).filter(Code.project_id == pid)))
    members = read_entities.members(session, pid)
    people = [(u.id, u.display_name) for u, _ in members]
    i_own_the_project = any(u.id == uid and role == "owner" for u, role in members)
if not docs:
    st.info(tr("documents.empty"))
    st.stop()
code_label = {c.id: f"{c.label(lang)} · {c.name_en if lang == 'id' else c.name_id} · {c.key}" for c in codes}
code_by_id = {c.id: c for c in codes}


def doc_label(doc_id: int) -> str:
    done, total = progress.get(doc_id, (0, 0))
    title = dict(docs)[doc_id]
    return f"{title} — {tr('coding.progress', done=done, total=total)}" if total else title


def run(action):  # type: ignore[no-untyped-def]
    """One user action, one transaction; its undo entry is pushed when it succeeds."""
    try:
        with state.action() as session:
            entry = action(session)
        if entry is not None:
            ss.undo_stack.append(entry)
        return True
    except state.ActionFailed:
        return False


main, side = st.columns([7, 3], gap="medium")

with side:
    doc_ids = [d for d, _ in docs]
    # The choice lives in a plain session key, so no rerun (a component event, a rerun that
    # interrupts another) can lose it the way widget state can be lost.
    if ss.get("coding_doc_id") not in doc_ids:
        ss.coding_doc_id = doc_ids[0]
    doc_id = st.selectbox(tr("coding.document"), doc_ids, index=doc_ids.index(ss.coding_doc_id),
                          format_func=doc_label)
    if doc_id != ss.coding_doc_id:
        ss.coding_doc_id = doc_id
        ss.pop("pending", None)
        ss.pop("seg_focus", None)
    view_options = ["mine", "all", *[str(i) for i, _ in people if i != uid]]
    view_names = {"mine": tr("coding.view_mine"), "all": tr("coding.view_all"),
                  **{str(i): markup.inline(n) for i, n in people if i != uid}}
    view = st.radio(tr("coding.view"), view_options, format_func=view_names.get, horizontal=True, key="coding_view")
    coder_ids = [uid] if view == "mine" else (None if view == "all" else [int(view)])
    code_filter = st.multiselect(tr("coding.filter_codes"), list(code_label), format_func=code_label.get,
                                 key="coding_filter", placeholder=tr("coding.filter_all"))
    query = st.text_input(tr("coding.search"), key="coding_search", placeholder=tr("coding.search_help"))

with state.reading() as session:
    document = session.get(Document, doc_id)
    text = document.text
    units = document_units(session, document)
    spans = windows(units)
    uncoded = uncoded_turn_numbers(session, doc_id, coder_ids)

window_key = f"coding_window_{doc_id}"
ss.setdefault(window_key, 0)
ss[window_key] = min(ss[window_key], len(spans) - 1)
# Word forms meet (percaya finds kepercayaan, dipercaya); a phrase that is no word falls back to plain text.
hits = (lemma_search(text, query) or search_text(text, query)) if query else []
focus = ss.pop("coding_focus", None)


def go_to_unit(number: int) -> None:
    unit = next((u for u in units if u.number == number), None)
    if unit is not None:
        ss[window_key] = window_of_offset(units, spans, unit.start)
        ss.coding_focus = number


with main:
    nav = st.columns([1, 1, 2, 1, 1])
    if nav[0].button(tr("coding.prev_window"), disabled=ss[window_key] == 0, key="win_prev"):
        ss[window_key] -= 1
        st.rerun()
    if nav[1].button(tr("coding.next_window"), disabled=ss[window_key] >= len(spans) - 1, key="win_next"):
        ss[window_key] += 1
        st.rerun()
    nav[2].caption(tr("coding.window", n=ss[window_key] + 1, total=len(spans), units=len(units)))
    current_first = units[spans[ss[window_key]][0]].number if units else 0
    previous = [n for n in uncoded if n < (focus or current_first)]
    following = [n for n in uncoded if n > (focus or current_first - 1)]
    if nav[3].button(tr("coding.prev_uncoded"), disabled=not previous, key="prev_uncoded"):
        go_to_unit(previous[-1])
        st.rerun()
    if nav[4].button(tr("coding.next_uncoded"), disabled=not following, key="next_uncoded"):
        go_to_unit(following[0])
        st.rerun()
    if hits:
        st.caption(tr("coding.hits", count=len(hits)))
        hit = st.selectbox(tr("coding.go_to_hit"), range(len(hits)), key=f"hit_{query}",
                           format_func=lambda i: "…" + text[max(0, hits[i][0] - 30):hits[i][1] + 30].replace("\n", " ") + "…")
        target_window = window_of_offset(units, spans, hits[hit][0])
        if target_window != ss[window_key]:
            ss[window_key] = target_window
            st.rerun()

    i, j = spans[ss[window_key]]
    shown = units[i:j]
    lo = shown[0].start if shown else 0
    hi = shown[-1].end if shown else 0
    with state.reading() as session:
        segments = segments_in_range(session, doc_id, lo, hi, coder_ids=coder_ids, code_ids=code_filter or None)
    payload = window_payload(text, shown, segments, lang=lang, search=[h for h in hits if h[0] < hi and h[1] > lo],
                             focus=focus)
    payload["labels"] = {"select_unit": tr("coding.select_unit"), "select_unit_help": tr("coding.select_unit_help"),
                         "memo": tr("coding.has_memo")}
    result = transcript(payload, key=f"transcript_{doc_id}")

if result is not None and getattr(result, "selection", None):
    span = selection_span(text, result.selection)
    if span:
        ss.pending = {"doc": doc_id, "start": span[0], "end": span[1]}
        ss.pop("seg_focus", None)
if result is not None and getattr(result, "unit", None):
    u = result.unit
    ss.pending = {"doc": doc_id, "start": int(u["start"]), "end": int(u["end"])}
if result is not None and getattr(result, "sentence", None):
    from qualcode.ui.transcript import to_codepoints

    at = to_codepoints(text, result.sentence["a"])
    unit = next((u for u in shown if u.text_start <= at <= u.end), None)
    if unit is not None:
        s_start, s_end = sentence_at(text, at, unit.text_start, unit.end)
        if s_start < s_end:
            ss.pending = {"doc": doc_id, "start": s_start, "end": s_end}
if result is not None and getattr(result, "segments", None):
    ss.seg_focus = [int(x) for x in result.segments["ids"]]

with side:
    st.divider()
    pending = ss.get("pending")
    if pending and pending["doc"] == doc_id:
        st.markdown(f"**{tr('coding.selected')}** ({pending['start']}–{pending['end']})")
        st.caption("“" + markup.literal(text[pending["start"]:pending["end"]][:400]) + "”")
        chosen = st.multiselect(tr("coding.codes_to_apply"), list(code_label), format_func=code_label.get,
                                key="codes_to_apply", placeholder=tr("coding.pick_codes"))
        if st.button(tr("coding.apply"), type="primary", disabled=not chosen, key="apply_codes"):
            def apply(session):  # type: ignore[no-untyped-def]
                made = [coding_service.code_span(session, doc_id, pending["start"], pending["end"], c, actor_id=uid).id
                        for c in chosen]
                return undo.added(made)

            if run(apply):
                ss.pop("pending", None)
                st.rerun()
        with st.expander(tr("coding.in_vivo")):
            in_vivo_name = st.text_input(tr("coding.in_vivo_name"), text[pending["start"]:pending["end"]][:80],
                                         key=f"in_vivo_{pending['start']}_{pending['end']}")
            if st.button(tr("coding.in_vivo_apply"), key="in_vivo_apply"):
                def in_vivo(session):  # type: ignore[no-untyped-def]
                    code = code_service.create_code(session, pid, in_vivo_name, actor_id=uid)
                    return undo.added([coding_service.code_span(session, doc_id, pending["start"], pending["end"],
                                                                code.id, actor_id=uid).id])

                if run(in_vivo):
                    ss.pop("pending", None)
                    st.rerun()
        if st.button(tr("coding.clear_selection"), key="clear_selection"):
            ss.pop("pending", None)
            st.rerun()
    else:
        st.caption(tr("coding.how_to"))

    seg_ids = ss.get("seg_focus") or []
    if seg_ids:
        with state.reading() as session:
            rows = [(c.id, c.segment.id, c.segment.start, c.segment.end, c.code_id, c.coder_id, c.coder.display_name,
                     c.created_at) for c in session.query(Coding).filter(Coding.segment_id.in_(seg_ids))]
            seg_memos = [(m.id, m.segment_id, m.author.display_name, m.body) for m in
                         read_entities.memos_for_segments(session, seg_ids)]
        st.divider()
        st.markdown(f"**{tr('coding.segment_details')}**")
        for coding_id, _seg_id, start, end, code_id, coder_id, coder, created in rows:
            code = code_by_id.get(code_id)
            with st.container(border=True):
                markup.swatch_markdown(code.colour if code else None,
                                       f"**{markup.inline(code.label(lang) if code else code_id)}** · "
                                       f"{markup.inline(coder)} · {created:%Y-%m-%d %H:%M}")
                st.caption(f"{start}–{end}: “{markup.literal(text[start:end][:200])}”")
                if coder_id == uid:
                    c1, c2, c3 = st.columns([1, 1, 1])
                    new_start = c1.number_input(tr("coding.start"), 0, len(text), start, key=f"s_{coding_id}")
                    new_end = c2.number_input(tr("coding.end"), 0, len(text), end, key=f"e_{coding_id}")
                    if c3.button(tr("coding.resize"), key=f"resize_{coding_id}"):
                        if run(lambda s, cid=coding_id, a=start, b=end, ns=new_start, ne=new_end: (
                                coding_service.resize_coding(s, cid, int(ns), int(ne), actor_id=uid),
                                undo.resized(cid, a, b))[1]):
                            st.rerun()
                if coder_id == uid or i_own_the_project:  # the owner may remove anyone's (audited)
                    if st.button(tr("coding.remove"), key=f"remove_{coding_id}"):
                        def remove(session, cid=coding_id, own=coder_id == uid):  # type: ignore[no-untyped-def]
                            entry = undo.removed(session.get(Coding, cid)) if own else None
                            coding_service.remove_coding(session, cid, actor_id=uid)
                            return entry

                        if run(remove):
                            ss.seg_focus = [s for s in seg_ids if any(r[1] == s and r[0] != coding_id for r in rows)]
                            st.rerun()
        for _memo_id, _seg, author, body in seg_memos:
            st.info(f"**{markup.inline(author)}**: {markup.literal(body)}")
        with state.reading() as session:
            spans = {(r[2], r[3]) for r in rows}
            threads = comment_threads(session, pid, document_id=doc_id)
            threads = threads[[(a, b) in spans for a, b in zip(threads["start"], threads["end"], strict=True)]]
            history = session.execute(
                select(AuditEvent.at, User.display_name, AuditEvent.action, AuditEvent.payload)
                .outerjoin(User, AuditEvent.user_id == User.id)
                .where(AuditEvent.entity_type == "coding", AuditEvent.entity_id.in_([r[0] for r in rows]))
                .order_by(AuditEvent.at)
            ).all()
        if not threads.empty:
            st.markdown(f"**{tr('coding.comments')}**")
            for row in threads.itertuples():
                status = tr("coding.comment_open") if row.status == "open" else tr("coding.comment_resolved")
                st.text(f"{row.author} ({row.code or '-'}, {status}): {row.body}")
        actions = {"coding.add": tr("coding.action_add"), "coding.remove": tr("coding.action_remove"),
                   "coding.resize": tr("coding.action_resize")}
        with st.expander(tr("coding.history")):
            for at, who, action, payload in history:
                after = payload.get("after") or payload.get("before") or {}
                st.caption(f"{at:%Y-%m-%d %H:%M} · {markup.inline(who or '?')} · {actions.get(action, action)} · "
                           f"{markup.inline(after.get('code', ''))} {after.get('start', '')}–{after.get('end', '')}")
        memo_target = st.selectbox(tr("coding.memo_on"), sorted({r[1] for r in rows}), key="memo_target",
                                   format_func=lambda s: next(f"{r[2]}–{r[3]}" for r in rows if r[1] == s))
        memo_body = st.text_area(tr("coding.memo"), key="memo_body")
        if st.button(tr("coding.add_memo"), key="add_memo"):
            if run(lambda s: undo.memo_added(memo_service.add_memo(s, pid, memo_body, actor_id=uid,
                                                                   segment_id=memo_target))):
                st.rerun()

    with st.expander(tr("coding.suggestions"), expanded=False):
        if st.toggle(tr("coding.show_suggestions"), key="coding_suggest_on"):
            from qualcode.services import suggestions as suggestion_service

            with state.reading() as session:
                inline = suggestion_service.document_queue(session, pid, doc_id, within=(lo, hi))[:8]
            if not inline:
                st.caption(tr("suggest.empty"))
            for n, item in enumerate(inline):
                code = code_by_id.get(item.code_db_id)
                st.markdown(f"**{markup.inline(code.label(lang) if code else item.suggestion.code_id)}** · "
                            f"{item.suggestion.score:.2f}")
                st.caption("“" + markup.literal(item.text[:160]) + ("…”" if len(item.text) > 160 else "”"))
                terms = [t for e in item.suggestion.evidence if e["kind"] == "terms" for t in e["terms"]]
                if terms:
                    st.caption(tr("suggest.ev_terms", terms=", ".join(terms)))
                b1, b2 = st.columns(2)
                for button, decision, col in ((tr("suggest.accept"), "accepted", b1), (tr("suggest.reject"), "rejected", b2)):
                    if col.button(button, key=f"inline_{decision}_{n}"):
                        def act(session, item=item, decision=decision):  # type: ignore[no-untyped-def]
                            made = suggestion_service.decide(session, pid, doc_id, item.start, item.end, item.code_db_id,
                                                             decision, actor_id=uid, score=item.suggestion.score,
                                                             evidence=item.suggestion.evidence)
                            return undo.added([made.coding_id]) if made.coding_id else None

                        if run(act):
                            st.rerun()

    st.divider()
    if st.button(tr("coding.undo"), disabled=not ss.undo_stack, key="undo", icon=":material/undo:"):
        entry = ss.undo_stack[-1]
        try:
            with state.action() as session:
                undo.apply_undo(session, entry, actor_id=uid)
            ss.undo_stack.pop()
            st.rerun()
        except (state.ActionFailed, QualcodeError):
            pass
