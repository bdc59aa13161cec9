// The live board, with JavaScript: poll the board's public state (an ETag, so an unchanged board
// costs a 304 and no body) and keep the ideas list and counts current. New ideas are announced in
// one polite live region ("2 new ideas"), once per change, never per keystroke. Without this file
// the page works the same with its "Refresh the board" link.
const root = document.getElementById("board");
const POLL_MS = 2000;

if (root) {
  const code = root.dataset.code;
  const projector = root.dataset.projector === "true";
  const live = document.getElementById("board-live");
  let etag = null;
  let stage = root.dataset.stage;
  let known = null; // ids of the ideas on screen, once the first answer came

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const ideaItem = (idea) => {
    const li = el("li", "rt-board__idea");
    li.id = `idea-${idea.id}`;
    li.append(el("p", "govuk-body govuk-!-margin-bottom-1", idea.text));
    if (idea.photo) {
      // The same shape as templates/board/_photo.html.
      const link = el("a", "govuk-link rt-board__photo");
      link.href = idea.photo.url;
      const img = el("img");
      img.src = idea.photo.thumb_url;
      img.alt = idea.photo.alt;
      img.loading = "lazy";
      if (idea.photo.width) {
        img.width = idea.photo.width;
        img.height = idea.photo.height;
      }
      const words = el("span", "govuk-body-s rt-board__photo-link", "Open the photo");
      link.append(img, words);
      li.append(link);
    }
    if (idea.by) li.append(el("p", "govuk-body-s govuk-!-margin-bottom-1", `From ${idea.by}`));
    return li;
  };

  const list = (ideas) => {
    const ul = el("ul", "govuk-list rt-board__ideas");
    ideas.forEach((idea) => ul.append(ideaItem(idea)));
    return ul;
  };

  // The same shape as templates/board/_ideas.html.
  const drawIdeas = (state) => {
    const box = document.getElementById("board-ideas");
    if (!box) return;
    const parts = [];
    const inGroup = new Map(state.groups.map((g) => [g.id, []]));
    const loose = [];
    state.ideas.forEach((idea) => (inGroup.has(idea.group) ? inGroup.get(idea.group) : loose).push(idea));
    if (state.groups.length) {
      state.groups.forEach((g) => {
        parts.push(el("h3", "govuk-heading-s rt-board__group", g.name));
        const ideas = inGroup.get(g.id);
        parts.push(ideas.length ? list(ideas) : el("p", "govuk-body rt-board__empty", "No ideas in this group yet."));
      });
      if (loose.length) parts.push(el("h3", "govuk-heading-s rt-board__group", "Not in a group"), list(loose));
    } else if (loose.length) {
      parts.push(list(loose));
    } else {
      parts.push(el("p", "govuk-body rt-board__empty", "No ideas yet."));
    }
    box.replaceChildren(...parts);
  };

  const setText = (id, text) => {
    const node = document.getElementById(id);
    if (node) node.textContent = text;
  };

  const apply = (state) => {
    if (state.stage !== stage) {
      // A new stage brings new forms (voting buttons, results): load the page as the server draws it.
      window.location.reload();
      return;
    }
    const ids = state.ideas.map((i) => i.id);
    if (known !== null) {
      const fresh = ids.filter((id) => !known.has(id)).length;
      if (fresh && live) live.textContent = fresh === 1 ? "1 new idea" : `${fresh} new ideas`;
    }
    known = new Set(ids);
    setText("idea-count", String(ids.length));
    setText("participant-count", String(state.participants));
    // While voting the page's own forms stay as drawn (the server knows this person's dots).
    if (!projector && (stage === "collecting" || stage === "grouping")) drawIdeas(state);
  };

  const poll = async () => {
    if (document.visibilityState === "hidden") return;
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const answer = await fetch(`/api/boards/${encodeURIComponent(code)}`, { headers, cache: "no-store" });
      if (answer.status === 200) {
        etag = answer.headers.get("ETag");
        apply(await answer.json());
      }
    } catch {
      // Offline for a moment: try again at the next tick; the Refresh link still works.
    }
  };

  poll();
  window.setInterval(poll, POLL_MS);
}
