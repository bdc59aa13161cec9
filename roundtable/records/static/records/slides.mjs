// The story so far as a presentation: one slide at a time, arrow keys and buttons, full screen.
// Without this file every slide shows in order on one page, each with previous and next links.

const deck = document.querySelector("[data-rt-slides]");
if (deck) {
  const slides = [...deck.querySelectorAll("[data-rt-slide]")];
  const counter = document.querySelector("[data-rt-slide-counter]");
  const status = document.querySelector("[data-rt-slide-status]");
  const controls = document.querySelector("[data-rt-slide-controls]");
  const previousButton = controls.querySelector("[data-rt-prev]");
  const nextButton = controls.querySelector("[data-rt-next]");
  const fullscreenButton = controls.querySelector("[data-rt-fullscreen]");
  let current = 0;

  // Shrink a long slide's type (and photos) until it fits the screen, never below MIN_FIT so it can
  // still be read from the back of a room; the server already puts long lists of actions on more
  // than one slide. A slide that would not fit even then (a phone) keeps its full size and scrolls
  // inside itself: small type that still needs scrolling helps nobody, and nothing is cut off.
  const MIN_FIT = 0.55;
  const fits = (slide) => slide.scrollHeight <= slide.clientHeight + 1 && slide.scrollWidth <= slide.clientWidth + 1;

  function fit(slide = slides[current]) {
    slide.style.removeProperty("--rt-fit");
    if (fits(slide)) return;
    let low = MIN_FIT;
    let high = 1;
    for (let step = 0; step < 7; step += 1) {
      const middle = (low + high) / 2;
      slide.style.setProperty("--rt-fit", middle);
      if (fits(slide)) low = middle;
      else high = middle;
    }
    slide.style.setProperty("--rt-fit", low);
    if (!fits(slide)) slide.style.removeProperty("--rt-fit");
  }

  function fromHash() {
    const match = /^#slide-(\d+)$/.exec(window.location.hash);
    const index = match ? Number(match[1]) - 1 : 0;
    return Math.min(Math.max(index, 0), slides.length - 1);
  }

  function show(index, { focus = true } = {}) {
    current = Math.min(Math.max(index, 0), slides.length - 1);
    slides.forEach((slide, i) => { slide.hidden = i !== current; });
    const title = slides[current].querySelector("h2");
    // The counter on screen is short, so the bar never changes; a screen reader hears the title too.
    counter.textContent = `Slide ${current + 1} of ${slides.length}`;
    status.textContent = `Slide ${current + 1} of ${slides.length}: ${title ? title.textContent.trim() : ""}`;
    fit();
    previousButton.disabled = current === 0;
    nextButton.disabled = current === slides.length - 1;
    history.replaceState(null, "", `#slide-${current + 1}`);
    // Focus the heading so a screen reader reads the new slide and Tab starts inside it.
    if (focus && title) title.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  document.body.classList.add("rt-present--js");
  deck.classList.add("rt-slides--js");
  controls.hidden = false;
  show(fromHash(), { focus: false });

  window.addEventListener("resize", () => fit());
  deck.querySelectorAll("img").forEach((image) => image.addEventListener("load", () => fit()));

  previousButton.addEventListener("click", () => show(current - 1, { focus: false }));
  nextButton.addEventListener("click", () => show(current + 1, { focus: false }));

  if (document.fullscreenEnabled) {
    fullscreenButton.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
    document.addEventListener("fullscreenchange", () => {
      fullscreenButton.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    });
  } else {
    fullscreenButton.hidden = true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, audio, video")) return;
    const moves = {
      ArrowRight: current + 1, ArrowDown: current + 1, PageDown: current + 1,
      ArrowLeft: current - 1, ArrowUp: current - 1, PageUp: current - 1,
      Home: 0, End: slides.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      show(moves[event.key]);
    }
  });

  window.addEventListener("hashchange", () => show(fromHash()));
}
