"""What the booking services refuse with: each carries a message written for the person."""

from __future__ import annotations


class BookingError(Exception):
    """A sign-up that cannot be taken; `message` is written for the person signing up."""

    code = "booking_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SignupClosed(BookingError):
    code = "signup_closed"

    def __init__(self, message: str, state: str = ""):
        super().__init__(message)
        self.state = state


class BookingStateError(BookingError):
    code = "booking_state"
