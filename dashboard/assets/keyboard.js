// Enter in a date field applies the dates typed: Streamlit's field applies them on Escape or
// when focus moves on, not on Enter. Added once per page (dashboard.frame).
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.body.dataset.strikesKeys) return;
  doc.body.dataset.strikesKeys = "1";
  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || !event.isTrusted) return;
    const target = event.target;
    if (!(target instanceof doc.defaultView.HTMLElement) || !target.closest("[data-testid='stDateInput']")) return;
    // the field's own Escape: it applies the dates as typed
    target.dispatchEvent(new doc.defaultView.KeyboardEvent(
      "keydown", {key: "Escape", code: "Escape", bubbles: true, cancelable: true, composed: true}));
  }, true);
})();
