from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format

from roundtable.bookings.services import active_pools, places_now
from roundtable.cocreation.models import Session


def how_places_are_allocated(session: Session) -> list[str]:
    """Plain-English sentences for the public page: how this session shares out its places."""
    pools = active_pools(session)
    if not pools:
        return [
            "Places are given in the order people sign up. When the session is full, you can join the "
            "waiting list and we will offer you a place, in order, if one comes up."
        ]
    sentences = [f"This session has {session.capacity} places. To keep a broad mix of voices:"]
    for pool in pools:
        when = date_format(timezone.localtime(pool.release_at), "l j F")
        sentences.append(
            f"{pool.places} place{'s are' if pool.places != 1 else ' is'} kept {pool.describe_who()} until {when}."
        )
    places = places_now(session, pools)
    held = sum(places.held.values())
    if places.free > 0 and held:
        open_places = max(places.free - held, 0)
        sentences.append(
            f"Right now {places.free} place{'s are' if places.free != 1 else ' is'} left: {held} of them kept as above, "
            f"{open_places} open to everyone."
        )
    sentences.append(
        "After that, any place still free is open to everyone. Other places are given in the order "
        "people sign up, and the waiting list offers places in order to people who can take them."
    )
    return sentences
