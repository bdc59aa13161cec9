"""The offline digest under a realistic load: a month with 20 posts and 40 photos.

    .venv/bin/python bench/bench_digest.py [--json PATH] [--posts 20] [--images-per-post 2]

Runs in a throwaway SQLite database and media folder (nothing touches var/). Times the worker's
job (layout + PDF/UA-1 writing, images read from storage), prints the size, and then times a
second request for the same month, which must be a cache hit (no new PDF). Prints one JSON line
last so bench/run.py can pick it up.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _photo(rng: random.Random, width: int = 1600, height: int = 1200) -> bytes:
    """A photo-like JPEG (gradients, shapes, grain): compresses like a real photo, unlike flat colour."""
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    tint = Image.new("RGB", (width, height), tuple(rng.randrange(40, 220) for _ in range(3)))
    image = Image.blend(image, tint, 0.6)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(3))
    grain = Image.effect_noise((width, height), 18).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--images-per-post", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="rt-bench-digest-"))
    os.environ["ROUNDTABLE_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "ERROR"

    import django

    django.setup()
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    from roundtable.accounts.models import User
    from roundtable.blog import digest as digests
    from roundtable.blog import services
    from roundtable.blog.models import Digest, Post

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    author = User.objects.create_user(email="bench@example.org", password=None, name="Bench", role="coordinator")
    rng = random.Random(20)
    month_start = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)

    setup_started = time.perf_counter()
    paragraph = (
        "We met at the Community Hall and worked together creatively. Everyone's voice counted "
        "equally, and we took a break for a brew and a snack. "
    ) * 4
    for n in range(args.posts):
        post = services.post_create(
            author=author,
            title=f"Session notes {n + 1}: what we decided together",
            summary="What happened, what we made, and what we decided.",
            body_markdown="",
            tags=["co-creation", f"theme {n % 4}"],
            status=Post.Status.PUBLISHED,
        )
        parts = [f"## Part {k + 1}\n\n{paragraph}" for k in range(3)]
        for k in range(args.images_per_post):
            image = services.image_add(
                post=post,
                actor=author,
                upload=SimpleUploadedFile("p.jpg", _photo(rng), content_type="image/jpeg"),
                alt_text=f"Photo {k + 1} from session {n + 1}: people around a table with models they made",
                caption=f"Photo {k + 1}",
            )
            parts.insert(k + 1, image.markdown)
        Post.objects.filter(pk=post.pk).update(
            body_markdown="\n\n".join(parts), publish_at=month_start + timedelta(hours=n)
        )
    setup_seconds = time.perf_counter() - setup_started

    posts = list(
        Post.objects.published()
        .in_month(month_start.year, month_start.month)
        .order_by("publish_at", "id")
        .prefetch_related("images", "tags")
        .select_related("author")
    )
    title = f"Bench blog: {month_start:%B %Y}"
    scope = f"{month_start:%Y-%m}"
    digest = digests.request_digest(posts=posts, scope=scope, title=title)

    started = time.perf_counter()
    outcome = digests.generate(digest.pk)  # exactly what the worker's task runs
    generate_seconds = time.perf_counter() - started
    digest.refresh_from_db()

    started = time.perf_counter()
    again = digests.request_digest(posts=posts, scope=scope, title=title)
    cache_ms = (time.perf_counter() - started) * 1000

    result = {
        "benchmark": "blog digest PDF",
        "posts": len(posts),
        "images": sum(len(p.images.all()) for p in posts),
        "outcome": outcome,
        "pdf_variant": digests.PDF_OPTIONS["pdf_variant"],
        "generate_seconds": round(generate_seconds, 2),
        "pdf_bytes": digest.size,
        "pdf_mb": round(digest.size / 1_000_000, 2),
        "cache_hit": again.pk == digest.pk and again.state == Digest.State.READY,
        "cache_lookup_ms": round(cache_ms, 1),
        "setup_seconds": round(setup_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(
        f"Digest of {result['posts']} posts with {result['images']} images: "
        f"{result['generate_seconds']} s to make, {result['pdf_mb']} MB ({result['pdf_variant']}); "
        f"asking again: cache {'hit' if result['cache_hit'] else 'MISS'} in {result['cache_lookup_ms']} ms; "
        f"peak memory {result['peak_rss_mb']} MB."
    )
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)
    return result


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if outcome["outcome"] == "ready" and outcome["cache_hit"] else 1)
