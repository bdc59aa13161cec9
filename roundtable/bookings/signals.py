"""Domain signals bookings sends for apps above it (bookings imports none of them).

`attendance_marked` is sent inside the transaction that marks someone as attended, not come, or
undoes that, so a receiver's writes commit or roll back with the mark (payments makes an accepted
fee due). Arguments: booking, old (status before), new (status after), actor.

`place_given` is sent inside the transaction wherever a booking gains a place: a sign-up that gets
one (by the person or taken by a coordinator), a promotion from the waiting list (automatic or by
hand) and a walk-in. Payments makes the person's fee then, so no page has to write on a GET.
Arguments: booking, actor (None when it was the person or automatic).
"""

from django.dispatch import Signal

attendance_marked = Signal()
place_given = Signal()
