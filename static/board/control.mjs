// The facilitator's control page, kept current while people add ideas: poll the board's public
// state (ETag, so an unchanged board costs a 304), and when it changed, fetch this page again and
// swap in the parts marked data-live-part. A part the facilitator is using (focus inside it, a box
// ticked, something typed or chosen) is left alone until they are done, so nothing they are doing
// is lost; a polite live region says what arrived. Without this file the page works the same with
// its "Refresh the page" link.
const root = document.getElementById("board-control");
const POLL_MS = 2000;

if (root) {
  const code = root.dataset.code;
  const live = document.getElementById("board-control-live");
  let version = Number(root.dataset.version);
  let stage = root.dataset.stage;
  let etag = null;
  let busy = false;

  // Is someone in the middle of using this part of the page?
  const inUse = (part) => {
    const focused = document.activeElement;
    if (focused && focused !== document.body && part.contains(focused)) return true;
    for (const field of part.querySelectorAll("input, textarea, select")) {
      if ((field.type === "checkbox" || field.type === "radio") && field.checked !== field.defaultChecked) return true;
      if ((field.type === "text" || field.tagName === "TEXTAREA") && field.value !== field.defaultValue) return true;
      if (field.type === "file" && field.files && field.files.length) return true;
      if (field.tagName === "SELECT") {
        const chosen = field.options[field.selectedIndex];
        if (chosen && !chosen.defaultSelected && field.selectedIndex !== 0) return true;
      }
    }
    return false;
  };

  const refresh = async (state) => {
    const answer = await fetch(window.location.pathname, { cache: "no-store", headers: { Accept: "text/html" } });
    if (!answer.ok) return false;
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    let waiting = false;
    document.querySelectorAll("[data-live-part]").forEach((part) => {
      const fresh = page.querySelector(`[data-live-part="${part.dataset.livePart}"]`);
      if (!fresh) return;
      if (inUse(part)) {
        waiting = true;
        return;
      }
      part.replaceWith(document.importNode(fresh, true));
    });
    const before = Number(root.dataset.ideas);
    const now = state.ideas.length;
    if (live && now > before) live.textContent = now - before === 1 ? "1 new idea on the board" : `${now - before} new ideas on the board`;
    root.dataset.ideas = String(now);
    return !waiting;
  };

  const poll = async () => {
    if (busy || document.visibilityState === "hidden") return;
    busy = true;
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const answer = await fetch(`/api/boards/${encodeURIComponent(code)}`, { headers, cache: "no-store" });
      if (answer.status === 200) {
        const state = await answer.json();
        if (state.stage !== stage && ![...document.forms].some(inUse)) {
          // Another member of the team moved the stage: the page's forms change, so load it afresh.
          window.location.reload();
          return;
        }
        if (state.version !== version && (await refresh(state))) {
          version = state.version;
          etag = answer.headers.get("ETag");
        } else if (state.version === version) {
          etag = answer.headers.get("ETag");
        }
        // Until every part could be updated the ETag is not kept, so the next poll tries again.
      }
    } catch {
      // Offline for a moment: try again at the next tick; the Refresh link still works.
    } finally {
      busy = false;
    }
  };

  window.setInterval(poll, POLL_MS);
}
