"""Flask's signed-cookie session, minus the signing work when there is no session at all."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class LeanCookieSessions(SecureCookieSessionInterface):
    """The same cookies as Flask's own; a request that brings no session cookie (every public
    look-up, every first visit) gets an empty session without building the signer, and one that
    leaves it empty and unchanged returns without reading the cookie settings."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
