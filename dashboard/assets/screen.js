// The reader's window width, told to the app when it is narrow (dashboard.frame: charts laid out
// for a phone). Only a change is told, so a wide window never causes a second run of the page.
// body[data-charts-for] says which width the page's charts are laid out for ("wide", or the
// narrow width), once the app knows it: what a browser test waits for.
export default function ({ data, setStateValue }) {
  let told = data.width;
  const tell = () => {
    const width = window.innerWidth < data.narrow ? Math.round(window.innerWidth / 10) * 10 : null;
    if (width === data.width) {
      document.body.dataset.chartsFor = width === null ? "wide" : String(width);
    } else {
      delete document.body.dataset.chartsFor;
    }
    if (width !== told) {
      told = width;
      setStateValue("width", width);
    }
  };
  tell();
  let pending = null;
  const resized = () => { clearTimeout(pending); pending = setTimeout(tell, 300); };
  window.addEventListener("resize", resized);
  return () => { clearTimeout(pending); window.removeEventListener("resize", resized); };
}
