// Stable data-testid hooks for browser tests and benchmarks (st.components.v2, no build step).
// Streamlit gives a keyed element the class "st-key-<key>" but no test id of our choosing; this
// element maps CSS selectors to data-testid values and keeps them set while Streamlit re-renders
// (a MutationObserver on the page). It renders nothing itself.
export default function (component) {
  const { data, parentElement } = component;
  const doc = parentElement.ownerDocument || document;
  const rules = (window.__qcTestIdRules = { ...(window.__qcTestIdRules || {}), ...((data && data.rules) || {}) });
  const apply = () => {
    for (const [selector, testid] of Object.entries(window.__qcTestIdRules || rules)) {
      doc.querySelectorAll(selector).forEach((el) => {
        if (el.getAttribute("data-testid") !== testid) el.setAttribute("data-testid", testid);
      });
    }
  };
  apply();
  if (!window.__qcTestIdObserver) {
    window.__qcTestIdObserver = new MutationObserver(apply);
    window.__qcTestIdObserver.observe(doc.body, { childList: true, subtree: true });
  }
}
