// Enter in a date field applies the dates typed: Streamlit's field applies them only when it
// loses focus. Added once per page (dashboard.frame).
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.body.dataset.strikesKeys) return;
  doc.body.dataset.strikesKeys = "1";
  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    const target = event.target;
    if (target instanceof doc.defaultView.HTMLElement && target.closest("[data-testid='stDateInput']")) {
      target.blur();
    }
  }, true);
})();
