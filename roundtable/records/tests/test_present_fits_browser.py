"""The story so far on a projector (Chromium at 1280×720 and 1024×768): every slide fits the screen
without cutting text, however long, the controls stay in one place from slide to slide, photos keep
their shape, and axe-core finds no problems on any slide at either size. With ROUNDTABLE_SCREENSHOTS
set to a folder, each slide at each size is saved there as a PNG, to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roundtable.records import services
from roundtable.records.tests.factories import add_action, add_decision, image_bytes, upload
from roundtable.records.tests.test_browser import make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("ROUNDTABLE_SCREENSHOTS", "")

LONG_OUTCOME = (
    "We wrote to every venue we use and asked whether they have a quiet room with soft light and a door that "
    "closes, and which of them would let us book it for the whole session at no extra cost to the programme"
)

# Every element of the visible slide whose box leaves the slide or the screen, or which hides part of
# what it holds (overflow other than visible, or an ellipsis); and whether the page itself scrolls.
OVERFLOWS = """() => {
  const slide = document.querySelector('[data-rt-slide]:not([hidden])');
  const box = slide.getBoundingClientRect();
  const out = [];
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const style = getComputedStyle(el);
    const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible' || style.textOverflow !== 'clip';
    const clipped = clips && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
    const outside = r.top < box.top - 1 || r.bottom > box.bottom + 1 || r.left < box.left - 1
      || r.right > box.right + 1 || r.bottom > innerHeight + 1 || r.right > innerWidth + 1;
    if (outside || clipped) {
      out.push(`${el.tagName}.${el.className} ${outside ? "outside" : "clipped"} ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight} ${JSON.stringify(r)} in ${JSON.stringify(box)}`);
    }
  }
  if (box.bottom > innerHeight + 1 || box.right > innerWidth + 1) out.push('the slide itself');
  if (document.documentElement.scrollHeight > innerHeight + 1) out.push('the page scrolls');
  return out;
}"""

# Predicates are functions, not expressions: Playwright polls an expression with eval, which the
# site's Content-Security-Policy refuses.
SCRIPT_RUNS = "() => document.querySelector('[data-rt-slides]').classList.contains('rt-slides--js')"

CONTROLS = """() => ['[data-rt-prev]', '[data-rt-next]', '[data-rt-slide-counter]'].map((selector) => {
  const r = document.querySelector(selector).getBoundingClientRect();
  return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
})"""


@pytest.fixture
def long_story(coordinator):
    story = make_story(coordinator)
    decision = add_decision(
        story["session"],
        coordinator,
        title="Quiet rooms at every venue, booked for the whole session, so that anyone can step out when they need to",
        method="consensus",
    )
    for n in range(6):
        add_action(
            decision, coordinator, title=f"Ask venue {n + 1} about a quiet room", status="done", outcome=LONG_OUTCOME
        )
    # A tall photo: on a short screen its height is what limits it.
    services.output_create(
        session=story["session"],
        actor=coordinator,
        kind="image",
        caption="The quiet room",
        alt_text="A small room with two armchairs and a lamp",
        consent="no_one_identifiable",
        upload=upload(content=image_bytes(size=(600, 900))),
    )
    return story


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768)])
def test_every_slide_fits_the_projector_with_the_controls_in_one_place(page, axe, long_story, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/sessions/{long_story['upcoming'].pk}/story-so-far/present/")
    page.wait_for_function(SCRIPT_RUNS)
    count = page.locator("[data-rt-slide]").count()
    assert count >= 7
    controls = []
    for number in range(1, count + 1):
        page.wait_for_function("(number) => location.hash === `#slide-${number}`", arg=number)
        page.evaluate("Promise.all([...document.images].map((image) => image.decode().catch(() => null)))")
        page.wait_for_timeout(50)  # a resize or image load refits the slide on the next frame
        assert page.evaluate(OVERFLOWS) == [], f"slide {number} at {width}×{height}"
        controls.append(page.evaluate(CONTROLS))
        axe(page)
        if SCREENSHOTS:
            page.screenshot(path=Path(SCREENSHOTS) / f"slides-{width}x{height}-{number}.png")
        if number < count:
            page.get_by_role("button", name="Next slide").click()
    assert all(place == controls[0] for place in controls), controls


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768)])
def test_photos_on_the_slides_keep_their_shape(page, long_story, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/sessions/{long_story['upcoming'].pk}/story-so-far/present/")
    page.wait_for_function(SCRIPT_RUNS)
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # the slide of what we made
    images = page.locator("[data-rt-slide]:not([hidden]) img")
    assert images.count() == 3
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-rt-slide]:not([hidden]) img')].every((i) => i.complete && i.naturalWidth)"
    )
    shapes = images.evaluate_all(
        """(images) => images.map((i) => {
          const r = i.getBoundingClientRect();
          return [i.naturalWidth / i.naturalHeight, r.width / r.height, getComputedStyle(i).objectFit];
        })"""
    )
    assert [drawn for _, drawn, _ in shapes] == pytest.approx([natural for natural, _, _ in shapes], rel=0.02), shapes
    assert {fit for _, _, fit in shapes} == {"contain"}
