"""Demo data: clearly fictional names, and an audit trail for the accounts it creates."""

from __future__ import annotations

from portal.demo import ACCOUNTS, ENTERPRISES, RENAMED, demo_credit_code
from portal.extensions import db
from portal.models import AuditEntry, Organisation, User


def run_demo(runner, app):
    with app.app_context():
        result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def test_enterprise_names_are_fictional_and_marked():
    names = [name for name, *_rest in ENTERPRISES]
    assert all(name.endswith("（示例）") for name in names)
    # Fragments of real companies' names must not be borrowed.
    for fragment in ("微创", "心脉", "联影"):
        assert not any(fragment in name for name in names), fragment
    assert set(RENAMED.values()) <= set(names)


def test_each_demo_account_is_audited_once(runner, app):
    run_demo(runner, app)
    run_demo(runner, app)  # the second run creates nothing, so it audits nothing
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.kind == "account.created")).all()
        users = {u.id: u.email for u in db.session.scalars(db.select(User))}
        assert sorted(users[e.target_id] for e in entries) == sorted(email for email, _role, _org in ACCOUNTS)
        assert all(e.target_type == "users" and e.actor_id is None and e.data["demo"] for e in entries)


def test_a_demo_database_with_the_old_names_is_renamed(runner, app):
    run_demo(runner, app)
    old, new = next(iter(RENAMED.items()))
    n = next(i for i, (name, *_rest) in enumerate(ENTERPRISES, start=1) if name == new)
    code = f"e-{demo_credit_code(n).lower()}"
    with app.app_context():
        org = db.session.scalar(db.select(Organisation).where(Organisation.code == code))
        org.name_zh = old
        db.session.commit()
    run_demo(runner, app)
    with app.app_context():
        assert db.session.scalar(db.select(Organisation.name_zh).where(Organisation.code == code)) == new
