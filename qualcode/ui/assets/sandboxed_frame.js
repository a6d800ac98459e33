// A preview of a document we generated (the study report) in a sandboxed frame
// (st.components.v2, no build step). The frame has an empty sandbox: no scripts, no forms, no
// same-origin access, no top navigation; the document also carries its own
// Content-Security-Policy that forbids every request. The HTML arrives as data and is only ever
// given to the frame's srcdoc, never to the app page.
export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  let frame = parentElement.querySelector("iframe.qc-frame");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "qc-frame";
    frame.setAttribute("sandbox", "");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.style.width = "100%";
    frame.style.border = "1px solid rgba(49, 51, 63, 0.2)";
    frame.style.borderRadius = "0.5rem";
    parentElement.appendChild(frame);
  }
  frame.title = String(data.title || "");
  frame.style.height = `${Math.max(100, Number(data.height) || 600)}px`;
  if (frame.srcdoc !== data.html) frame.srcdoc = String(data.html || "");
}
