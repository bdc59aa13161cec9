"""Keep each session's `updated_at` moving whenever something its public page shows changes, so
the page's version (bookings.selectors.public_session_page_key) moves with it. The session's own
fields, agenda and held places are edited through cocreation.services, which saves the session
(its bulk edits send no signals); venues and programmes are edited on their own pages and reach
many sessions; single agenda items and held places may also change in the admin or a script."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from roundtable.cocreation.models import AgendaItem, Programme, Session, Venue


@receiver([post_save, post_delete], sender=Venue, dispatch_uid="venue-touches-sessions")
def venue_changed(sender, instance: Venue, **kwargs) -> None:
    Session.objects.filter(venue_id=instance.pk).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Programme, dispatch_uid="programme-touches-sessions")
def programme_changed(sender, instance: Programme, **kwargs) -> None:
    Session.objects.filter(programme_id=instance.pk).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=AgendaItem, dispatch_uid="agenda-touches-session")
@receiver([post_save, post_delete], sender="cocreation.ReservedPlaces", dispatch_uid="held-places-touch-session")
def part_of_session_changed(sender, instance, **kwargs) -> None:
    """One item at a time (the admin, a script); the services' bulk edits save the session themselves."""
    Session.objects.filter(pk=instance.session_id).update(updated_at=timezone.now())
