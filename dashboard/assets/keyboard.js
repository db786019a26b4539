// The keyboard's ways through a page, added once per page (dashboard.frame):
// - skip links, the first stops of the Tab key (before Streamlit's own "Skip to main content"),
//   shown when focused: one to the first control of each section of the page (its headings);
// - a visible focus ring on a table, and Enter on a table's row opens it as a click does
//   (the table's own key for that is Shift+Space);
// - Enter in a date field applies the dates typed: Streamlit's field applies them on Escape or
//   when focus moves on, not on Enter. And a start date typed whole moves on to the end date, as
//   each part of a date moves on to the next: "2016010120160331" is 1 Jan to 31 Mar 2016 (the
//   end date's digits went into the start's day).
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.body.dataset.strikesKeys) return;
  doc.body.dataset.strikesKeys = "1";
  const view = doc.defaultView;

  const style = doc.createElement("style");
  style.textContent = `
    .strikes-skip a { position: absolute; left: -10000px; top: 8px; z-index: 1000001; padding: 6px 12px;
      background: #fff; color: #1f4e79; border: 2px solid #1f4e79; border-radius: 4px; font: 600 15px sans-serif; }
    .strikes-skip a:focus { left: 8px; }
    [data-testid="stDataFrame"]:focus-within { outline: 2px solid #1f4e79; outline-offset: 2px; border-radius: 4px; }`;
  doc.head.appendChild(style);

  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type='hidden']), select, textarea, " +
                    "[tabindex]:not([tabindex='-1'])";
  const main = () => doc.querySelector("[data-testid='stMain']");
  const firstControlAfter = (start) => [...(main()?.querySelectorAll(FOCUSABLE) || [])].find(
    (el) => el.getClientRects().length > 0 && !el.closest("[data-testid='stHeaderActionElements'], [data-testid='stTooltipHoverTarget']") &&
            (!start || start.compareDocumentPosition(el) & view.Node.DOCUMENT_POSITION_FOLLOWING));
  const skip = (label, target) => {
    const link = doc.createElement("a");
    link.href = "#";
    link.textContent = label;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const control = target();
      if (control) control.focus();
    });
    return link;
  };
  // one link a section, before Streamlit's own "Skip to main content": made again as the page changes
  const links = doc.createElement("nav");
  links.className = "strikes-skip";
  links.setAttribute("aria-label", "Sections of the page");
  doc.body.prepend(links);
  let shown = "";
  const update = () => {
    const headings = [...(main()?.querySelectorAll("h2, h3") || [])]
      .filter((heading) => (heading.innerText || "").trim() && heading.getClientRects().length > 0);
    const names = headings.map((heading) => heading.innerText.trim());
    if (names.join("\n") === shown || links.contains(doc.activeElement)) return;
    shown = names.join("\n");
    links.replaceChildren(...headings.map((heading, n) => skip(`Skip to ${names[n]}`, () => firstControlAfter(heading))));
  };
  let pending = null;
  new view.MutationObserver(() => { clearTimeout(pending); pending = setTimeout(update, 250); })
    .observe(doc.body, {childList: true, subtree: true});

  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || !event.isTrusted) return;
    const table = event.target instanceof view.HTMLElement && event.target.closest("[data-testid='stDataFrame']");
    if (!table) return;
    // the table's own key for choosing a row: its row opens, as a click on it does
    event.preventDefault();
    event.stopPropagation();
    event.target.dispatchEvent(new view.KeyboardEvent("keydown", {
      key: " ", code: "Space", shiftKey: true, bubbles: true, cancelable: true, composed: true}));
  }, true);
  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || !event.isTrusted) return;
    const target = event.target;
    if (!(target instanceof view.HTMLElement) || !target.closest("[data-testid='stDateInput']")) return;
    // the field's own Escape: it applies the dates as typed
    target.dispatchEvent(new view.KeyboardEvent(
      "keydown", {key: "Escape", code: "Escape", bubbles: true, cancelable: true, composed: true}));
  }, true);
  // the start date's day: two digits, or one that no second can follow (4-9), complete it; focus
  // moves on when the completing key comes up, once the field has taken its digit and before
  // the next key goes down
  let typed = 0, complete = null;
  const startDay = target => target instanceof view.HTMLElement &&
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
