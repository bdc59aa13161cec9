"""Domain signals bookings sends for apps above it (bookings imports none of them).

`attendance_marked` is sent inside the transaction that marks someone as attended, not come, or
undoes that, so a receiver's writes commit or roll back with the mark (payments makes an accepted
fee due). Arguments: booking, old (status before), new (status after), actor.
"""

from django.dispatch import Signal

attendance_marked = Signal()
