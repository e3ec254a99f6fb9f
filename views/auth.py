"""Signing in: the first admin on a new install, password sign-in (or the firm's identity provider), sessions that
end after inactivity, and signing out. The signed-in account is kept in the session, never a typed name; a reload of
the page resumes it from the browser session its cookie names (research.storage.sessions)."""

from __future__ import annotations

import time
from datetime import timedelta

import streamlit as st

from research.domain.accounts import SignInFailed, User
from research.wiring import default_index
from views.common import app_database

USER_KEY = "signed_in_user"
LAST_SEEN_KEY = "last_seen"
SESSION_KEY = "browser_session"
SESSION_COOKIE = "research_session"  # lives as long as the browser runs; the server ends it after idle minutes


def _first_admin() -> None:
    st.title("Create the first admin")
    st.caption("No account exists yet. The first account manages users and matters; add the others from the Admin "
               "page (or `research users add NAME --role ... --as ADMIN`).")
    with st.form("first_admin"):
        name = st.text_input("Name")
        password = st.text_input("Password", type="password")
        again = st.text_input("Password again", type="password")
        if st.form_submit_button("Create admin"):
            if password != again:
                st.error("The two passwords differ.")
            else:
                try:
                    user = app_database().accounts.add_user(name, "admin", password, by=None)
                except (ValueError, PermissionError) as exc:
                    st.error(str(exc))
                else:
                    _start(user)
                    st.rerun()


def _sign_in_form() -> None:
    st.title("Sign in")
    settings = default_index().settings
    with st.form("sign_in"):
        name = st.text_input("Name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in"):
            try:
                user = app_database().accounts.sign_in(name, password)
            except SignInFailed as exc:
                st.error(str(exc))
            else:
                _start(user)
                st.rerun()
    if settings.auth.oidc:
        st.button("Sign in with your firm's account", on_click=st.login)


def _oidc_user() -> User | None:
    """The account of the identity provider's signed-in user (its e-mail address is the account name)."""
    if not default_index().settings.auth.oidc or not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email") or "")
    accounts = app_database().accounts
    try:
        user = accounts.user(email)
    except LookupError:
        st.error(f"No account is named {email!r}; ask an admin to add it.")
        return None
    if user.disabled:
        st.error("This account is disabled.")
        return None
    app_database().audit.record(user.name, "sign-in", "", via="identity provider")
    return user


def _start(user: User, secret: str | None = None) -> None:
    """Sign `user` in to this tab: a new browser session, or the one `secret` resumes."""
    st.session_state[USER_KEY] = user
    st.session_state[LAST_SEEN_KEY] = time.monotonic()
    st.session_state[SESSION_KEY] = secret or app_database().browser_sessions.start(user)


def _idle_limit() -> timedelta:
    """How long a session may go unused (`[auth] session_minutes`)."""
    return timedelta(minutes=default_index().settings.auth.session_minutes)


def _cookie_script(value: str) -> None:
    """Set the session cookie in the browser (an empty value deletes it). The secret is URL-safe base64."""
    lifetime = "" if value else "; max-age=0"
    st.html(f"<script>document.cookie = '{SESSION_COOKIE}={value}; path=/; SameSite=Strict{lifetime}' + "
            "(location.protocol === 'https:' ? '; Secure' : '');</script>", unsafe_allow_javascript=True)


def _resumed() -> User | None:
    """The user of the browser session the cookie names, when it is still open; a stale cookie is deleted."""
    secret = st.context.cookies.get(SESSION_COOKIE)
    if not isinstance(secret, str) or not secret:  # no cookie (or, under AppTest, no browser at all)
        return None
    user = app_database().browser_sessions.resume(secret, _idle_limit())
    if user is None:
        _cookie_script("")
        return None
    _start(user, secret)
    return user


def sign_out(reason: str = "signed out") -> None:
    """End the session (and the identity provider's, when it was used)."""
    user = st.session_state.pop(USER_KEY, None)
    secret = st.session_state.pop(SESSION_KEY, None)
    st.session_state.clear()
    if secret is not None:
        app_database().browser_sessions.end(secret)
    if user is not None:
        app_database().accounts.record_sign_out(user, reason)
    if default_index().settings.auth.oidc and getattr(st.user, "is_logged_in", False):
        st.logout()


def signed_in_user() -> User:
    """The signed-in user, as the account is now; shows the first-admin or sign-in screen and stops the page until
    there is one. A session unused for longer than `[auth] session_minutes` is ended."""
    user: User | None = st.session_state.get(USER_KEY)
    minutes = default_index().settings.auth.session_minutes
    if user is not None and time.monotonic() - st.session_state.get(LAST_SEEN_KEY, 0.0) > minutes * 60:
        sign_out(f"session expired after {minutes} minutes without use")
        st.warning(f"Your session ended after {minutes} minutes without use; sign in again.")
        user = None
    if user is None:
        user = _resumed()
    if user is None:
        user = _oidc_user()
        if user is not None:
            _start(user)
    if user is None:
        # the only page until someone signs in: the menu of whoever signed out goes with them
        page = _first_admin if not app_database().accounts.has_users() else _sign_in_form
        st.navigation([st.Page(page, title="Sign in")], position="hidden").run()
        st.stop()
    try:
        user = app_database().accounts.refreshed(user)
    except PermissionError:
        user = None
    if user is None or user.disabled:
        sign_out("account disabled")
        st.error("This account is disabled or no longer exists.")
        st.stop()
    st.session_state[USER_KEY] = user
    st.session_state[LAST_SEEN_KEY] = time.monotonic()
    secret = st.session_state.get(SESSION_KEY)
    if secret:
        if not app_database().browser_sessions.touch(secret, _idle_limit()):  # signed out in another tab, or too old
            sign_out("browser session ended")
            st.rerun()
        with st.sidebar:  # at every run, as a sign-in reruns the page before its first run could show it
            _cookie_script(secret)
    return user
