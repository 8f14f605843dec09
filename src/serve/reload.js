// oogst live reload: injected by `oogst serve` only, never into built sites.
(() => {
  let overlay = null;
  const clear = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const show = (errors) => {
    clear();
    overlay = document.createElement("div");
    overlay.id = "oogst-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;padding:2rem";
    const title = document.createElement("h2");
    title.textContent = "oogst: the site has errors; the last good version is shown behind this";
    title.style.cssText = "font:bold 1.1rem system-ui,sans-serif;margin:0 0 1rem;color:#ffb4a8";
    overlay.append(title);
    for (const e of errors) {
      const item = document.createElement("pre");
      item.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;padding:.75rem;background:#000;border-left:4px solid #ff6b57";
      const place = e.line ? `${e.file}:${e.line}:${e.col}` : e.file;
      // The source line, with a caret under the column unless the line was cut to a window.
      const source = e.source_line === undefined ? "" : `\n  | ${e.source_line}` +
        (e.source_line.startsWith("\u2026") ? "" : `\n  | ${" ".repeat(Math.max(e.col - 1, 0))}^`);
      item.textContent = `${place}\n${e.message}${source}` + (e.hint ? `\nhint: ${e.hint}` : "");
      overlay.append(item);
    }
    document.body.append(overlay);
  };
  // The version of the site this page shows, told to the server with the page's path: a
  // stream that opens after a change to this page (one dropped and opened again, a server
  // started again, an edit saved while the page loaded) is told at once to reload.
  const version = document.currentScript?.dataset.version;
  const stream = "/__oogst/events" + (version === undefined ? "" :
    `?version=${version}&page=${encodeURIComponent(location.pathname)}`);
  // The browser opens a dropped stream again by itself, but not one the server refused (503,
  // when too many pages are open): that one is asked for again here, at most every 5 s.
  let wait = 500;
  const open = () => {
    const events = new EventSource(stream);
    window.__oogst = events;
    events.addEventListener("open", () => { wait = 500; });
    events.addEventListener("error", () => {
      if (events.readyState !== EventSource.CLOSED) return;
      setTimeout(open, wait);
      wait = Math.min(wait * 2, 5000);
    });
    events.addEventListener("reload", () => location.reload());
    events.addEventListener("css", async (m) => {
      clear();
      const version = JSON.parse(m.data).version;
      // The theme's stylesheet is named after its content: the page as served now names the
      // new one. Other stylesheets keep their name and are asked for again.
      let names = [];
      try {
        const page = await fetch(location.href, { cache: "no-store" });
        const html = new DOMParser().parseFromString(await page.text(), "text/html");
        names = [...html.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.getAttribute("href"));
      } catch (_) { /* each stylesheet is asked for again below */ }
      document.querySelectorAll('link[rel="stylesheet"]').forEach((link, i) => {
        if (names[i] && names[i] !== link.getAttribute("href")) {
          link.setAttribute("href", names[i]);
          return;
        }
        const url = new URL(link.href);
        url.searchParams.set("oogst", version);
        link.href = url.href;
      });
    });
    events.addEventListener("errors", (m) => show(JSON.parse(m.data)));
    events.addEventListener("ok", clear);
    events.addEventListener("updated", (m) => {
      if (JSON.parse(m.data).paths.includes(location.pathname)) location.reload();
    });
  };
  open();
})();

