// Enter in a date field applies the dates typed: Streamlit's field applies them on Escape or
// when focus moves on, not on Enter. And a start date typed whole moves on to the end date, as
// each part of a date moves on to the next: "2016010120160331" is 1 Jan to 31 Mar 2016 (the
// end date's digits went into the start's day). Added once per page (dashboard.frame).
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
  // the start date's day: two digits, or one that no second can follow (4-9), complete it; focus
  // moves on when the completing key comes up, once the field has taken its digit and before
  // the next key goes down
  let typed = 0, complete = null;
  const startDay = target => target instanceof doc.defaultView.HTMLElement &&
    /^day, .*start date$/.test(target.getAttribute("aria-label") || "");
  doc.addEventListener("focusin", () => { typed = 0; complete = null; }, true);
  doc.addEventListener("keydown", (event) => {
    if (!/^[0-9]$/.test(event.key) || !event.isTrusted || !startDay(event.target)) return;
    typed += 1;
    if (typed >= 2 || event.key >= "4") complete = event.key;
  }, true);
  doc.addEventListener("keyup", (event) => {
    if (event.key !== complete || !startDay(event.target)) return;
    complete = null;
    const field = event.target.closest("[data-testid='stDateInput']");
    const end = field && [...field.querySelectorAll("[role='spinbutton']")]
      .find(part => /^year, .*end date$/.test(part.getAttribute("aria-label") || ""));
    if (end) end.focus();
  }, true);
})();
