"""Admin page: accounts (add, disable, reset a password), matters and their members, and the audit trail's check.

Every change goes through the data layer's checks (the signed-in account must be an admin) and is audited.
"""

from __future__ import annotations

import streamlit as st

from research.domain.accounts import Role
from views.common import app_database, as_text, workspace

st.title("Admin")
db = app_database()
me = workspace().user
accounts = db.accounts


def _done(action, message: str) -> None:
    try:
        action()
    except (ValueError, LookupError, PermissionError) as exc:
        st.error(as_text(str(exc)))
    else:
        # the tables and pickers were drawn before the change: draw the page again, with the message on top
        st.session_state["admin_done"] = message
        st.rerun()


if done := st.session_state.pop("admin_done", None):
    st.success(as_text(done))
st.subheader("Users")
users = accounts.users()
st.dataframe([{"Name": u.name, "Role": u.role, "Disabled": u.disabled} for u in users], hide_index=True)
with st.form("add_user", clear_on_submit=True):
    st.markdown("**Add a user**")
    left, middle, right = st.columns(3)
    name = left.text_input("Name")
    role = middle.selectbox("Role", [r.value for r in Role])
    password = right.text_input("Initial password", type="password")
    if st.form_submit_button("Add user"):
        _done(lambda: accounts.add_user(name, role, password, by=me), f"Added {name} ({role}).")
left, right = st.columns(2)
with left.form("disable_user"):
    who = st.selectbox("Account", [u.name for u in users], key="disable_who")
    enable = st.toggle("Enable instead of disable")
    if st.form_submit_button("Apply"):
        _done(lambda: accounts.set_disabled(who, not enable, by=me), f"{who} {'enabled' if enable else 'disabled'}.")
with right.form("reset_password", clear_on_submit=True):
    who_reset = st.selectbox("Account", [u.name for u in users], key="reset_who")
    new_password = st.text_input("New password", type="password")
    if st.form_submit_button("Reset password"):
        _done(lambda: accounts.reset_password(who_reset, new_password, by=me), f"Password of {who_reset} reset.")

st.subheader("Matters")
matters = accounts.matters(me)
with st.form("add_matter", clear_on_submit=True):
    left, right = st.columns(2)
    matter_name = left.text_input("New matter")
    members = right.multiselect("Members", [u.name for u in users], default=[me.name])
    if st.form_submit_button("Add matter"):
        _done(lambda: accounts.add_matter(matter_name, members, by=me), f"Added matter {matter_name}.")
if matters:
    chosen = st.selectbox("Matter", [m.name for m in matters], key="admin_matter")
    current = [u.name for u in accounts.members(chosen, by=me)]
    st.caption("Members: " + as_text(", ".join(current) or "none"))
    left, right = st.columns(2)
    with left.form("add_members", clear_on_submit=True):
        adding = st.multiselect("Add members", [u.name for u in users if u.name not in current])
        if st.form_submit_button("Add"):
            _done(lambda: accounts.add_members(chosen, adding, by=me), f"Added {len(adding)} member(s).")
    with right.form("remove_member"):
        removing = st.selectbox("Remove a member", current or ["—"])
        if st.form_submit_button("Remove") and current:
            _done(lambda: accounts.remove_member(chosen, removing, by=me), f"Removed {removing} from {chosen}.")

st.subheader("Audit trail")
if st.button("Verify the audit trail"):
    check = db.audit.verify()
    if check.intact:
        st.success(f"Intact: {check.records} records.")
    else:
        where = f"record {check.first_bad}" if check.first_bad is not None else "the end"
        st.error(as_text(f"Broken at {where}: {check.problem}."))
