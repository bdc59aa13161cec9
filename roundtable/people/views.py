from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from roundtable.core import audit
from roundtable.people.updates import person_for_stop_token


@require_http_methods(["GET", "POST"])
def stop_updates(request, token: str):
    """GET asks (so a mail scanner following the link changes nothing); POST stops at once."""
    person = person_for_stop_token(token)
    if person is None:
        raise Http404
    if request.method == "POST":
        if person.wants_updates:
            person.wants_updates = False
            person.save(update_fields=["wants_updates", "updated_at"])
            audit.log(None, "person.stopped_updates", person, actor_label="participant")
        return render(request, "people/stop_updates.html", {"stopped": True})
    return render(request, "people/stop_updates.html", {"stopped": not person.wants_updates})
