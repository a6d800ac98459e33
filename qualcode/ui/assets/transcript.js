// The coding workspace (st.components.v2, no build step): a code panel that stays in view, the
// transcript in its own scroll box, coding stripes in the margin and a legend.
//
// All user text goes in through textContent, never innerHTML, so a transcript or a code name that
// contains "<script>" shows as text. Offsets sent back are [chunk start in code points, UTF-16
// offset inside the chunk]; Python converts them to code points.
//
// Applying a code paints the highlight at once (the selected text is split into spans that carry
// the code) and asks the server to store it; the server's answer re-renders the transcript from
// the database, so a refused action takes the highlight back and shows the reason.

const NS = "qcWorkspace";

const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
};

const cpLength = (s) => [...s].length;

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  const labels = data.labels || {};
  const L = (key, fallback) => labels[key] || fallback;
  const segments = data.segments || {};
  const codes = data.codes || [];
  const codeById = new Map(codes.map((c) => [String(c.id), c]));
  const hits = data.search || [];
  const state = (parentElement[NS] = parentElement[NS] || { saved: null, filter: "", active: 0 });

  // ---- skeleton -------------------------------------------------------------------------
  let root = parentElement.querySelector(".qc-ws");
  if (!root) {
    root = el("div", "qc-ws");
    parentElement.appendChild(root);
  }
  const scrollBefore = root.querySelector(".qc-scroll")?.scrollTop ?? null;
  const docBefore = root.dataset.doc;
  root.replaceChildren();
  root.removeAttribute("data-qc-ready");
  root.dataset.doc = String(data.document ?? "");
  root.style.setProperty("--qc-height", `${data.height || 640}px`);

  const bar = el("div", "qc-bar");
  const coder = el("span", "qc-coder");
  coder.dataset.testid = "qc-coder";
  coder.setAttribute("data-testid", "qc-coder");
  coder.textContent = `${L("coder", "Coder")}: ${data.coder || "?"}`;
  bar.appendChild(coder);
  const selInfo = el("span", "qc-selinfo", L("no_selection", ""));
  bar.appendChild(selInfo);
  const undoBtn = el("button", "qc-btn", L("undo", "Undo"));
  undoBtn.type = "button";
  undoBtn.setAttribute("data-testid", "qc-undo");
  undoBtn.disabled = !data.can_undo;
  undoBtn.title = data.undo_title || "";
  undoBtn.addEventListener("click", () => setTriggerValue("undo", { t: Date.now() }));
  const redoBtn = el("button", "qc-btn", L("redo", "Redo"));
  redoBtn.type = "button";
  redoBtn.setAttribute("data-testid", "qc-redo");
  redoBtn.disabled = !data.can_redo;
  redoBtn.title = data.redo_title || "";
  redoBtn.addEventListener("click", () => setTriggerValue("redo", { t: Date.now() }));
  bar.appendChild(undoBtn);
  bar.appendChild(redoBtn);
  const notice = el("div", "qc-notice");
  notice.setAttribute("data-testid", "qc-notice");
  if (data.notice && data.notice.text) {
    notice.textContent = data.notice.text;
    notice.classList.add(data.notice.kind === "error" ? "qc-notice-error" : "qc-notice-ok");
  }

  const grid = el("div", "qc-grid");
  const scroll = el("div", "qc-scroll");
  const page = el("div", "qc-page");
  const doc = el("div", "qc-doc");
  doc.setAttribute("data-testid", "qc-transcript");
  const margin = el("div", "qc-margin");
  margin.setAttribute("aria-hidden", "true");
  page.appendChild(doc);
  page.appendChild(margin);
  scroll.appendChild(page);
  const panel = el("div", "qc-panel");
  panel.setAttribute("data-testid", "qc-code-panel");
  grid.appendChild(scroll);
  grid.appendChild(panel);
  root.appendChild(bar);
  root.appendChild(notice);
  root.appendChild(grid);
  const legend = el("div", "qc-legend");
  legend.setAttribute("data-testid", "qc-legend");
  root.appendChild(legend);

  // ---- transcript -------------------------------------------------------------------------
  const inHit = (s, e) => hits.some(([a, b]) => a < e && b > s);
  const codesOf = (ids) => {
    const out = [];
    ids.forEach((id) => (segments[id]?.codes || []).forEach((c) => out.push(c)));
    return out;
  };
  // Only "#RRGGBB" reaches a style: a colour can never smuggle url(...) into the page.
  const safe = (c) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : "#999999");
  codes.forEach((c) => (c.colour = safe(c.colour)));
  Object.values(segments).forEach((seg) => (seg.codes || []).forEach((c) => (c.colour = safe(c.colour))));
  const paint = (span, codeList) => {
    const unique = [...new Map(codeList.map((c) => [String(c.id), c])).values()];
    span.dataset.codes = unique.map((c) => c.id).join(" ");
    if (!unique.length) return;
    span.classList.add("qc-coded");
    const first = unique[0].colour;
    span.style.backgroundColor = `${first}2e`;
    span.style.boxShadow = unique
      .map((c, i) => `inset 0 -${2 + i * 3}px 0 0 ${c.colour}`)
      .reverse()
      .join(", ");
    span.title = codeList.map((c) => `${c.name} · ${c.coder || ""}`).join("\n");
  };

  const unitStarts = [];
  for (const unit of data.units || []) {
    const row = el("div", "qc-unit" + (unit.interviewer ? " qc-interviewer" : ""));
    row.dataset.n = unit.n;
    row.dataset.start = unit.text_start;
    row.dataset.end = unit.end;
    const head = el("div", "qc-head");
    if (unit.speaker) head.appendChild(el("span", "qc-speaker", unit.speaker));
    if (unit.ts) head.appendChild(el("span", "qc-ts", unit.ts));
    const btn = el("button", "qc-turn-btn", L("select_unit", "select"));
    btn.type = "button";
    btn.title = L("select_unit_help", "");
    btn.setAttribute("data-testid", "qc-select-unit");
    btn.addEventListener("mousedown", (ev) => ev.preventDefault());
    btn.addEventListener("click", (ev) => {
      ev.preventDefault();
      selectUnit(row);
    });
    head.appendChild(btn);
    const body = el("div", "qc-body");
    for (const [s, text, ids] of unit.chunks) {
      const span = el("span", "qc-c", text);
      span.dataset.s = s;
      span.dataset.segs = ids.join(" ");
      paint(span, codesOf(ids));
      if (inHit(s, s + cpLength(text))) span.classList.add("qc-hit");
      if (data.current_hit && data.current_hit[0] < s + cpLength(text) && data.current_hit[1] > s) {
        span.classList.add("qc-hit-current");
      }
      body.appendChild(span);
    }
    row.appendChild(head);
    row.appendChild(body);
    doc.appendChild(row);
    unitStarts.push(row);
  }
  if (!(data.units || []).length) doc.appendChild(el("p", "qc-empty", L("empty", "")));

  // ---- selections ---------------------------------------------------------------------------
  const point = (node, offset) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const span = node.parentElement.closest(".qc-c");
      return span ? [Number(span.dataset.s), offset] : null;
    }
    if (node.classList && node.classList.contains("qc-c")) {
      return [Number(node.dataset.s), offset === 0 ? 0 : node.textContent.length];
    }
    const children = [...(node.childNodes || [])];
    const find = (n, first) => {
      if (!n) return null;
      const spans = n.classList && n.classList.contains("qc-c") ? [n] : [...(n.querySelectorAll ? n.querySelectorAll(".qc-c") : [])];
      if (!spans.length) return null;
      const span = first ? spans[0] : spans[spans.length - 1];
      return [Number(span.dataset.s), first ? 0 : span.textContent.length];
    };
    return find(children[offset], true) || find(children[offset - 1], false);
  };

  const currentRange = () => {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
    const range = sel.getRangeAt(0);
    if (!doc.contains(range.commonAncestorContainer)) return null;
    return range;
  };

  const remember = () => {
    const range = currentRange();
    if (!range) return;
    const a = point(range.startContainer, range.startOffset);
    const b = point(range.endContainer, range.endOffset);
    if (!a || !b) return;
    const text = range.toString();
    if (!text.trim()) return;
    state.saved = { a, b, text, range: range.cloneRange() };
    showSelection();
  };

  const showSelection = () => {
    if (!state.saved) {
      selInfo.textContent = L("no_selection", "");
      selInfo.classList.remove("qc-has-sel");
      return;
    }
    const t = state.saved.text.replace(/\s+/g, " ").trim();
    selInfo.textContent = `${L("selected", "Selected")}: “${t.length > 60 ? t.slice(0, 60) + "…" : t}”`;
    selInfo.classList.add("qc-has-sel");
  };

  const clearSelection = () => {
    state.saved = null;
    const sel = window.getSelection();
    if (sel) sel.removeAllRanges();
    showSelection();
  };

  const selectUnit = (row) => {
    const body = row.querySelector(".qc-body");
    if (!body || !body.firstChild) return;
    const range = document.createRange();
    range.selectNodeContents(body);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    remember();
  };

  // A server-chosen span (a sentence, a search hit) becomes the browser's selection.
  const selectOffsets = (start, end) => {
    const spans = [...doc.querySelectorAll(".qc-c")];
    const locate = (offset, isEnd) => {
      for (const span of spans) {
        const s = Number(span.dataset.s);
        const text = span.textContent;
        const len = cpLength(text);
        if (offset > s + len || offset < s) continue;
        if (offset === s + len && !isEnd) continue;
        const units16 = [...text].slice(0, offset - s).join("").length;
        return [span.firstChild, units16];
      }
      return null;
    };
    const a = locate(start, false);
    const b = locate(end, true);
    if (!a || !b) return;
    const range = document.createRange();
    range.setStart(a[0], a[1]);
    range.setEnd(b[0], b[1]);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    remember();
  };

  // Paint a code on the saved selection at once: split the covered chunks so the new spans carry
  // the code. The server's answer replaces all of this with what it stored.
  const paintPending = (codeIds) => {
    const saved = state.saved;
    if (!saved) return;
    const range = saved.range;
    const extra = codeIds.map((id) => codeById.get(String(id))).filter(Boolean).map((c) => ({ ...c, coder: data.coder }));
    const chunks = [...doc.querySelectorAll(".qc-c")].filter((span) => range.intersectsNode(span.firstChild || span));
    for (const span of chunks) {
      const node = span.firstChild;
      if (!node) continue;
      const len = node.textContent.length;
      const from = node === range.startContainer ? range.startOffset : 0;
      const to = node === range.endContainer ? range.endOffset : len;
      if (from >= to) continue;
      const s = Number(span.dataset.s);
      const text = node.textContent;
      const parts = [[0, from], [from, to], [to, len]].filter(([x, y]) => y > x);
      const existing = codesOf((span.dataset.segs || "").split(" ").filter(Boolean));
      const made = parts.map(([x, y]) => {
        const piece = el("span", "qc-c", text.slice(x, y));
        piece.dataset.s = s + cpLength(text.slice(0, x));
        piece.dataset.segs = span.dataset.segs;
        paint(piece, x === from && y === to ? existing.concat(extra) : existing);
        if (x === from && y === to) piece.classList.add("qc-pending");
        return piece;
      });
      span.replaceWith(...made);
    }
  };

  // The turn holding the caret (a click in the text, nothing selected), if any.
  const caretRow = () => {
    const sel = window.getSelection();
    if (!sel || !sel.rangeCount || !sel.isCollapsed) return null;
    const node = sel.getRangeAt(0).startContainer;
    if (!doc.contains(node)) return null;
    return (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement).closest(".qc-unit");
  };

  const apply = (codeIds) => {
    if (!codeIds.length) return;
    if (!state.saved) {
      // nothing selected but a click left the caret in a turn: one key or click codes the whole turn
      const row = caretRow();
      if (row) selectUnit(row);
    }
    if (!state.saved) {
      notice.textContent = L("select_first", "Select some text first.");
      notice.className = "qc-notice qc-notice-error";
      return;
    }
    const { a, b } = state.saved;
    paintPending(codeIds);
    setTriggerValue("apply", { a, b, codes: codeIds.map(Number), t: Date.now() });
    clearSelection();
    state.filter = "";
    filterInput.value = "";
    renderCodeList();
  };

  // ---- code panel -------------------------------------------------------------------------
  const quick = data.quick || [];
  const quickBox = el("div", "qc-quick");
  const quickTitle = el("div", "qc-panel-title", L("quick", "Recent and pinned"));
  quickBox.appendChild(quickTitle);
  quick.forEach((id, i) => {
    const c = codeById.get(String(id));
    if (!c) return;
    quickBox.appendChild(codeButton(c, i < 9 ? String(i + 1) : ""));
  });
  if (quick.length) panel.appendChild(quickBox);

  const filterInput = el("input", "qc-filter");
  filterInput.type = "search";
  filterInput.placeholder = L("filter", "Find a code…");
  filterInput.setAttribute("data-testid", "qc-code-filter");
  filterInput.value = state.filter;
  panel.appendChild(filterInput);
  const list = el("div", "qc-code-list");
  panel.appendChild(list);
  const actions = el("div", "qc-panel-actions");
  const inVivo = el("button", "qc-btn", L("in_vivo", "In vivo"));
  inVivo.type = "button";
  inVivo.title = L("in_vivo_help", "");
  inVivo.setAttribute("data-testid", "qc-in-vivo");
  inVivo.addEventListener("mousedown", (ev) => ev.preventDefault());
  inVivo.addEventListener("click", () => {
    if (!state.saved) return;
    setTriggerValue("in_vivo", { a: state.saved.a, b: state.saved.b, t: Date.now() });
    clearSelection();
  });
  actions.appendChild(inVivo);
  panel.appendChild(actions);
  panel.appendChild(el("div", "qc-keys", L("keys", "")));

  function codeButton(c, shortcut) {
    const item = el("div", "qc-code");
    item.setAttribute("data-testid", "qc-code");
    item.dataset.code = c.id;
    item.style.paddingLeft = `${0.3 + (c.depth || 0) * 0.8}rem`;
    item.tabIndex = -1;
    const sw = el("span", "qc-swatch");
    sw.style.background = c.colour;
    item.appendChild(sw);
    item.appendChild(el("span", "qc-code-name", c.name));
    if (shortcut) item.appendChild(el("kbd", "qc-kbd", shortcut));
    if (c.count) item.appendChild(el("span", "qc-count", c.count));
    const pin = el("button", "qc-pin" + (c.pinned ? " qc-pinned" : ""), c.pinned ? "★" : "☆");
    pin.type = "button";
    pin.title = L("pin", "Pin");
    pin.addEventListener("mousedown", (ev) => ev.preventDefault());
    pin.addEventListener("click", (ev) => {
      ev.stopPropagation();
      setTriggerValue("pin", { code: c.id, t: Date.now() });
    });
    const find = el("button", "qc-retrieve", "⌕");
    find.type = "button";
    find.title = L("retrieve", "All segments with this code");
    find.setAttribute("data-testid", "qc-retrieve");
    find.addEventListener("mousedown", (ev) => ev.preventDefault());
    find.addEventListener("click", (ev) => {
      ev.stopPropagation();
      setTriggerValue("retrieve", { code: c.id, t: Date.now() });
    });
    item.appendChild(find);
    item.appendChild(pin);
    item.title = [c.name, c.other || "", c.definition || ""].filter(Boolean).join("\n");
    // mousedown must not take the selection away from the transcript
    item.addEventListener("mousedown", (ev) => ev.preventDefault());
    item.addEventListener("click", () => apply([c.id]));
    return item;
  }

  const matches = () => {
    const q = state.filter.trim().toLowerCase();
    if (!q) return codes;
    return codes.filter((c) => [c.name, c.other || "", c.key || ""].some((s) => s.toLowerCase().includes(q)));
  };
  function renderCodeList() {
    list.replaceChildren();
    const shown = matches();
    state.active = Math.min(state.active, Math.max(0, shown.length - 1));
    shown.forEach((c, i) => {
      const b = codeButton(c, "");
      if (state.filter && i === state.active) b.classList.add("qc-active");
      list.appendChild(b);
    });
  }
  renderCodeList();
  filterInput.addEventListener("input", () => {
    state.filter = filterInput.value;
    state.active = 0;
    renderCodeList();
  });
  filterInput.addEventListener("keydown", (ev) => {
    const shown = matches();
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (shown[state.active]) apply([shown[state.active].id]);
    } else if (ev.key === "Escape") {
      state.filter = "";
      filterInput.value = "";
      clearSelection();
      renderCodeList();
    } else if (ev.key === "ArrowDown") {
      ev.preventDefault();
      state.active = Math.min(state.active + 1, shown.length - 1);
      renderCodeList();
    } else if (ev.key === "ArrowUp") {
      ev.preventDefault();
      state.active = Math.max(state.active - 1, 0);
      renderCodeList();
    }
  });
  // Typing in the filter moves the focus out of the transcript; keep the selection we saved.

  // ---- events on the transcript -----------------------------------------------------------------
  doc.addEventListener("mouseup", (ev) => {
    if (state.dragging) return;
    if (ev.altKey) {
      const sel = window.getSelection();
      const at = sel && sel.rangeCount ? point(sel.getRangeAt(0).startContainer, sel.getRangeAt(0).startOffset) : null;
      if (at) {
        setTriggerValue("sentence", { a: at, t: Date.now() });
        return;
      }
    }
    if (currentRange()) {
      remember();
      return;
    }
    // a plain click forgets an earlier selection: the next code goes where the caret now is
    state.saved = null;
    showSelection();
    const span = ev.target.closest && ev.target.closest(".qc-c.qc-coded");
    if (span && span.dataset.segs) {
      setTriggerValue("segments", { ids: span.dataset.segs.split(" ").filter(Boolean).map(Number), t: Date.now() });
    }
  });
  doc.addEventListener("keyup", (ev) => {
    if (ev.shiftKey || ev.key === "Shift") remember();
  });
  doc.tabIndex = 0;

  // Keyboard: 1-9 apply the quick codes, Enter the picker's choice, Esc clears, T the whole turn.
  const onKey = (ev) => {
    if (!root.isConnected) return;
    const t = ev.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (typing && t !== filterInput) return;
    if (t === filterInput) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (/^[1-9]$/.test(ev.key) && (state.saved || caretRow())) {
      const id = quick[Number(ev.key) - 1];
      if (id !== undefined) {
        ev.preventDefault();
        apply([id]);
      }
    } else if (ev.key === "Escape") {
      clearSelection();
    } else if ((ev.key === "t" || ev.key === "T") && (state.saved || currentRange())) {
      const range = state.saved ? state.saved.range : currentRange();
      const row = range && (range.startContainer.parentElement || range.startContainer).closest(".qc-unit");
      if (row) {
        ev.preventDefault();
        selectUnit(row);
      }
    } else if (ev.key === "Enter" && state.saved && state.filter) {
      const shown = matches();
      if (shown[state.active]) {
        ev.preventDefault();
        apply([shown[state.active].id]);
      }
    } else if (ev.key === "/" && !typing) {
      ev.preventDefault();
      filterInput.focus();
    }
  };
  if (window.__qcKeyHandler) document.removeEventListener("keydown", window.__qcKeyHandler);
  window.__qcKeyHandler = onKey;
  document.addEventListener("keydown", onKey);

  // ---- margin: coding stripes, memo marks, drag handles ---------------------------------------
  const drawMargin = () => {
    margin.replaceChildren();
    const base = page.getBoundingClientRect().top;
    const extents = new Map(); // segment id -> [top, bottom]
    doc.querySelectorAll(".qc-c.qc-coded").forEach((span) => {
      const segs = (span.dataset.segs || "").split(" ").filter(Boolean);
      const rects = span.getClientRects();
      if (!rects.length) return;
      const top = rects[0].top - base;
      const bottom = rects[rects.length - 1].bottom - base;
      segs.forEach((id) => {
        const e = extents.get(id);
        extents.set(id, e ? [Math.min(e[0], top), Math.max(e[1], bottom)] : [top, bottom]);
      });
    });
    const inView = new Map();
    const bars = [];
    [...extents.entries()]
      .sort((x, y) => x[1][0] - y[1][0])
      .forEach(([segId, [top, bottom]]) => {
        const seg = segments[segId];
        if (!seg) return;
        const seen = new Set();
        seg.codes.forEach((c) => {
          const key = String(c.id);
          if (seen.has(key)) return;
          seen.add(key);
          inView.set(key, c);
          bars.push({ segId, code: c, top, bottom });
        });
        if (seg.memos) {
          const mark = el("div", "qc-memo-mark", "✎");
          mark.setAttribute("data-testid", "qc-memo-mark");
          mark.title = L("memo", "memo");
          mark.style.top = `${top}px`;
          mark.addEventListener("click", () => setTriggerValue("segments", { ids: [Number(segId)], t: Date.now() }));
          margin.appendChild(mark);
        }
      });
    // one stripe per code over a run of its segments that touch or overlap
    bars.sort((x, y) => String(x.code.id).localeCompare(String(y.code.id)) || x.top - y.top);
    const merged = [];
    for (const b of bars) {
      const last = merged[merged.length - 1];
      if (last && String(last.code.id) === String(b.code.id) && b.top <= last.bottom + 2) {
        last.bottom = Math.max(last.bottom, b.bottom);
        last.segs.push(b.segId);
      } else {
        merged.push({ ...b, segs: [b.segId] });
      }
    }
    // lanes: a stripe takes the first lane free at its height (as few lanes as the overlaps need)
    merged.sort((x, y) => x.top - y.top || y.bottom - x.bottom);
    const laneEnds = [];
    for (const b of merged) {
      let lane = laneEnds.findIndex((end) => end < b.top - 3);
      if (lane < 0) {
        lane = laneEnds.length;
        laneEnds.push(b.bottom);
      } else {
        laneEnds[lane] = b.bottom;
      }
      b.lane = lane;
    }
    const laneWidth = 14;
    margin.style.width = `${Math.max(1, laneEnds.length) * laneWidth + 20}px`;
    for (const b of merged) {
      const stripe = el("div", "qc-stripe");
      stripe.setAttribute("data-testid", "qc-stripe");
      stripe.dataset.code = b.code.id;
      stripe.dataset.segs = b.segs.join(" ");
      stripe.style.top = `${b.top}px`;
      stripe.style.height = `${Math.max(8, b.bottom - b.top)}px`;
      stripe.style.left = `${18 + b.lane * laneWidth}px`;
      stripe.style.background = b.code.colour;
      stripe.title = b.code.name;
      const label = el("span", "qc-stripe-label", b.code.name);
      stripe.appendChild(label);
      stripe.addEventListener("click", () =>
        setTriggerValue("segments", { ids: b.segs.map(Number), t: Date.now() }));
      margin.appendChild(stripe);
    }
    legend.replaceChildren();
    if (inView.size) legend.appendChild(el("span", "qc-legend-title", L("legend", "Codes in view")));
    for (const c of inView.values()) {
      const item = el("span", "qc-legend-item");
      item.dataset.code = c.id;
      const sw = el("span", "qc-swatch");
      sw.style.background = c.colour;
      item.appendChild(sw);
      item.appendChild(el("span", "", c.name));
      legend.appendChild(item);
    }
    drawHandles();
  };

  // Drag handles at the ends of the segment in focus: drop one on the text to move that end.
  const drawHandles = () => {
    page.querySelectorAll(".qc-handle").forEach((h) => h.remove());
    const focusId = data.focus_segment;
    if (focusId === null || focusId === undefined || !data.can_resize) return;
    const spans = [...doc.querySelectorAll(".qc-c")].filter((s) => (s.dataset.segs || "").split(" ").includes(String(focusId)));
    if (!spans.length) return;
    spans.forEach((s) => s.classList.add("qc-focus-seg"));
    const base = page.getBoundingClientRect();
    const ends = [
      ["start", spans[0].getClientRects()[0]],
      ["end", [...spans[spans.length - 1].getClientRects()].pop()],
    ];
    for (const [which, rect] of ends) {
      if (!rect) continue;
      const h = el("div", `qc-handle qc-handle-${which}`);
      h.setAttribute("data-testid", `qc-handle-${which}`);
      h.title = L("drag_handle", "Drag to move this end");
      h.style.top = `${rect.top - base.top}px`;
      h.style.left = `${(which === "start" ? rect.left : rect.right) - base.left - 4}px`;
      h.style.height = `${rect.height}px`;
      h.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        state.dragging = which;
        h.classList.add("qc-dragging");
        h.style.pointerEvents = "none"; // so the text under the pointer, not the handle, takes the drop
        const move = (mv) => {
          const now = page.getBoundingClientRect();
          h.style.top = `${mv.clientY - now.top - rect.height / 2}px`;
          h.style.left = `${mv.clientX - now.left - 4}px`;
        };
        const up = (upEv) => {
          document.removeEventListener("mousemove", move);
          document.removeEventListener("mouseup", up);
          const caret = document.caretRangeFromPoint ? document.caretRangeFromPoint(upEv.clientX, upEv.clientY) : null;
          const p = caret ? point(caret.startContainer, caret.startOffset) : null;
          setTimeout(() => (state.dragging = null), 0);
          if (p) setTriggerValue("resize", { segment: Number(focusId), which, p, t: Date.now() });
        };
        document.addEventListener("mousemove", move);
        document.addEventListener("mouseup", up);
      });
      page.appendChild(h);
    }
  };

  // ---- layout, scrolling -----------------------------------------------------------------------
  const finish = () => {
    drawMargin();
    let target = null;
    if (data.focus !== null && data.focus !== undefined) {
      target = doc.querySelector(`.qc-unit[data-n="${data.focus}"]`);
      if (target) target.classList.add("qc-focus");
    }
    const hit = doc.querySelector(".qc-hit-current");
    const sameDoc = docBefore === String(data.document ?? "");
    if (hit) {
      hit.scrollIntoView({ block: "center" });
    } else if (target && data.scroll_to_focus) {
      target.scrollIntoView({ block: "center" });
    } else if (sameDoc && scrollBefore !== null) {
      scroll.scrollTop = scrollBefore;
    }
    if (data.select) selectOffsets(data.select[0], data.select[1]);
    root.setAttribute("data-qc-ready", "1");
    root.dataset.revision = String(data.revision ?? "");
    root.dataset.render = String(data.render ?? "");
  };
  requestAnimationFrame(finish);
  if (window.ResizeObserver) {
    if (state.observer) state.observer.disconnect();
    let width = doc.clientWidth;
    state.observer = new ResizeObserver(() => {
      if (doc.clientWidth !== width) {
        width = doc.clientWidth;
        drawMargin();
      }
    });
    state.observer.observe(doc);
  }
}
