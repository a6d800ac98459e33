// The transcript view of the coding workspace (st.components.v2, no build step).
// Text is inserted with textContent only, never innerHTML, so a transcript that contains
// "<script>" shows as text. Offsets sent back are [chunk start in code points, UTF-16 offset
// inside the chunk]; Python converts them to code points.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  let root = parentElement.querySelector(".qc-doc");
  if (!root) {
    root = document.createElement("div");
    root.className = "qc-doc";
    parentElement.appendChild(root);
  }
  root.replaceChildren();
  const segments = data.segments || {};
  const hits = data.search || [];
  const labels = data.labels || {};

  const inHit = (s, e) => hits.some(([a, b]) => a < e && b > s);

  const styleChunk = (span, ids) => {
    const colours = [];
    // Only "#RRGGBB" reaches a style: a colour can never smuggle url(...) into the page.
    const safe = (c) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : "#999999");
    ids.forEach((id) => (segments[id]?.codes || []).forEach((c) => colours.push(safe(c.colour))));
    if (!colours.length) return;
    span.classList.add("qc-coded");
    const unique = [...new Set(colours)];
    const layers = unique.map((c) => `linear-gradient(${c}, ${c})`);
    const positions = unique.map((_, i) => `0 calc(100% - ${i * 4}px)`);
    span.style.backgroundImage = [`linear-gradient(${unique[0]}22, ${unique[0]}22)`, ...layers].join(", ");
    span.style.backgroundSize = ["100% 100%", ...unique.map(() => "100% 3px")].join(", ");
    span.style.backgroundPosition = ["0 0", ...positions].join(", ");
    span.style.paddingBottom = `${Math.max(0, unique.length - 1) * 4}px`;
    span.title = ids
      .flatMap((id) => (segments[id]?.codes || []).map((c) => `${c.name} · ${c.coder}`))
      .concat(ids.some((id) => segments[id]?.memos) ? [labels.memo || "memo"] : [])
      .join("\n");
  };

  for (const unit of data.units || []) {
    const row = document.createElement("div");
    row.className = "qc-unit" + (unit.interviewer ? " qc-interviewer" : "");
    row.dataset.n = unit.n;
    const head = document.createElement("div");
    head.className = "qc-head";
    if (unit.speaker) {
      const sp = document.createElement("span");
      sp.className = "qc-speaker";
      sp.textContent = unit.speaker;
      head.appendChild(sp);
    }
    if (unit.ts) {
      const ts = document.createElement("span");
      ts.className = "qc-ts";
      ts.textContent = unit.ts;
      head.appendChild(ts);
    }
    const btn = document.createElement("button");
    btn.className = "qc-turn-btn";
    btn.type = "button";
    btn.textContent = labels.select_unit || "select";
    btn.title = labels.select_unit_help || "";
    btn.dataset.n = unit.n;
    btn.addEventListener("click", (ev) => {
      ev.preventDefault();
      setTriggerValue("unit", { n: unit.n, start: unit.text_start, end: unit.end });
    });
    head.appendChild(btn);
    const body = document.createElement("div");
    body.className = "qc-body";
    for (const [s, text, ids] of unit.chunks) {
      const span = document.createElement("span");
      span.className = "qc-c";
      span.dataset.s = s;
      span.dataset.segs = ids.join(",");
      span.textContent = text;
      styleChunk(span, ids);
      if (inHit(s, s + text.length)) span.classList.add("qc-hit");
      body.appendChild(span);
    }
    row.appendChild(head);
    row.appendChild(body);
    root.appendChild(row);
  }

  // Resolve a DOM boundary point to [chunk start (code points), UTF-16 offset in the chunk].
  const point = (node, offset) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const span = node.parentElement.closest(".qc-c");
      return span ? [Number(span.dataset.s), offset] : null;
    }
    const el = node;
    if (el.classList && el.classList.contains("qc-c")) {
      return [Number(el.dataset.s), offset === 0 ? 0 : el.textContent.length];
    }
    const children = [...(el.childNodes || [])];
    const after = children[offset];
    const find = (n, first) => {
      if (!n) return null;
      const spans = n.classList && n.classList.contains("qc-c") ? [n] : [...(n.querySelectorAll ? n.querySelectorAll(".qc-c") : [])];
      if (!spans.length) return null;
      const span = first ? spans[0] : spans[spans.length - 1];
      return [Number(span.dataset.s), first ? 0 : span.textContent.length];
    };
    return find(after, true) || find(children[offset - 1], false);
  };

  const report = () => {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return false;
    const range = sel.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return false;
    const a = point(range.startContainer, range.startOffset);
    const b = point(range.endContainer, range.endOffset);
    if (!a || !b) return false;
    setTriggerValue("selection", { a, b, text: sel.toString().slice(0, 500) });
    return true;
  };

  root.onmouseup = (ev) => {
    if (ev.altKey) {
      // Alt+click: the whole sentence under the pointer.
      const sel = window.getSelection();
      const at = sel && sel.rangeCount ? point(sel.getRangeAt(0).startContainer, sel.getRangeAt(0).startOffset) : null;
      if (at) {
        setTriggerValue("sentence", { a: at });
        return;
      }
    }
    if (report()) return;
    const span = ev.target.closest && ev.target.closest(".qc-c.qc-coded");
    if (span) {
      setTriggerValue("segments", { ids: span.dataset.segs.split(",").map(Number), at: Number(span.dataset.s) });
    }
  };
  root.onkeyup = (ev) => {
    if (ev.shiftKey || ev.key === "Shift") report();
  };
  root.tabIndex = 0;

  if (data.focus !== null && data.focus !== undefined) {
    const target = root.querySelector(`.qc-unit[data-n="${data.focus}"]`);
    if (target) {
      target.classList.add("qc-focus");
      target.scrollIntoView({ block: "center" });
    }
  }
}
