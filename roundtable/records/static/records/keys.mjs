// Arrow keys for galleries and single outputs. Progressive enhancement: without this file the
// links (and Tab) do everything.

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable], audio, video");
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || typing(event.target)) return;
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
  if (!step) return;

  // In a gallery, move between its captions' links.
  const gallery = event.target.closest("[data-rt-gallery]");
  if (gallery && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
    const links = [...gallery.querySelectorAll("[data-rt-gallery-link]")];
    const index = links.indexOf(event.target);
    const next = links[index + step];
    if (index !== -1 && next) {
      event.preventDefault();
      next.focus();
    }
    return;
  }

  // On one output's page, left and right go to the previous and next one.
  const nav = document.querySelector("[data-rt-keynav]");
  if (nav && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
    const link = nav.querySelector(step > 0 ? 'a[rel="next"]' : 'a[rel="prev"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  }
});

const hint = document.querySelector("[data-rt-keynav-hint]");
if (hint) hint.hidden = false;
