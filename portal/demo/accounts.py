"""Demo organisations and accounts: fictional hospitals (marked as examples), enterprises of every
size, one account per role."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal

from stdnum.cn import uscc

from portal import audit
from portal.admin.operations import ensure_reference_data
from portal.extensions import db
from portal.models import Organisation, User
from portal.rules import classify_enterprise

CENTRES = [
    ("demo-ruihe-ip", "浦江大学附属瑞和医院知识产权运营中心（示例）",
     "Ruihe Hospital IP Operation Centre (example)"),
    ("demo-dongfang-ip", "东方医学院附属仁济湾医院知识产权运营中心（示例）",
     "Renjiwan Hospital IP Operation Centre (example)"),
    ("demo-huaxin-ip", "华信大学附属胸科医院知识产权运营中心（示例）",
     "Huaxin Chest Hospital IP Operation Centre (example)"),
    ("demo-shenkang-ip", "申城儿童医学中心知识产权运营中心（示例）",
     "Shencheng Children's Medical Centre IP Operation Centre (example)"),
]

ORGANISER = ("demo-organiser", "上海医疗卫生知识产权对接服务办公室（示例）",
             "Shanghai Medical IP Matchmaking Office (example)")

# name, industry, employees, revenue (万元), total assets (万元)
ENTERPRISES = [
    ("上海澄溪心血管器械有限公司（示例）", "industry", 180, Decimal("8600"), Decimal("12000")),
    ("上海康序生物医药科技有限公司（示例）", "industry", 45, Decimal("1200"), Decimal("3000")),
    ("上海影智医疗软件有限公司（示例）", "software_it", 60, Decimal("900"), Decimal("800")),
    ("上海睿析医学检验所有限公司（示例）", "other", 120, Decimal("6000"), Decimal("5000")),
    ("上海嘉禾医药批发有限公司（示例）", "wholesale", 35, Decimal("7000"), Decimal("2500")),
    ("上海安康大药房连锁有限公司（示例）", "retail", 420, Decimal("26000"), Decimal("9000")),
    ("上海申穗康复器具有限公司（示例）", "industry", 12, Decimal("150"), Decimal("300")),
    ("上海衡岳医学影像设备有限公司（示例）", "industry", 2600, Decimal("120000"), Decimal("300000")),
    ("上海数康信息技术有限公司（示例）", "software_it", 8, Decimal("40"), Decimal("60")),
    ("上海临研医药科技服务有限公司（示例）", "other", 95, Decimal("2100"), Decimal("1500")),
    ("上海沪医物流有限公司（示例）", "transport", 260, Decimal("4200"), Decimal("3800")),
    ("上海新元租赁服务有限公司（示例）", "leasing_business", 30, Decimal("900"), Decimal("2000")),
]

# Earlier demo names that resembled real companies: an existing demo database is renamed on the next run.
RENAMED = {
    "上海微创心脉器械有限公司（示例）": "上海澄溪心血管器械有限公司（示例）",
    "上海联影智造医疗设备有限公司（示例）": "上海衡岳医学影像设备有限公司（示例）",
}

ACCOUNTS = [
    ("admin@demo.portal.local", "site_admin", ORGANISER[0]),
    ("centre.admin@demo.portal.local", "centre_admin", CENTRES[0][0]),
    ("centre.staff@demo.portal.local", "centre_staff", CENTRES[0][0]),
    ("centre2.staff@demo.portal.local", "centre_staff", CENTRES[1][0]),
    ("organiser@demo.portal.local", "organiser", ORGANISER[0]),
    ("exchange@demo.portal.local", "exchange_operator", "stex"),
    ("sme@demo.portal.local", "sme_member", None),  # the first enterprise
    ("sme2@demo.portal.local", "sme_member", None),  # the second enterprise
]


def demo_credit_code(n: int) -> str:
    """A syntactically valid, clearly fictional code: 91310000 + DEMX + serial + check."""
    body = f"91310000DEMX{n:05d}"
    return body + uscc.calc_check_digit(body)


def _org(code: str, kind: str, name: str, name_en: str | None = None, **fields) -> Organisation:
    org = db.session.scalar(db.select(Organisation).where(Organisation.code == code))
    if org is None:
        org = Organisation(code=code, kind=kind, name_zh=name, name_en=name_en, is_example=True, **fields)
        db.session.add(org)
    elif org.is_example and RENAMED.get(org.name_zh) == name:
        org.name_zh = name
    return org


def load_accounts(*, if_empty: bool = False, echo: Callable[[str], None] = print) -> bool:
    """The reference rows, the organisations and one account per role; false when ``if_empty``
    found accounts already (nothing is loaded then)."""
    ensure_reference_data()
    if if_empty and db.session.scalar(db.select(User.id).limit(1)) is not None:
        echo("accounts exist: demo data not loaded")
        return False
    for code, name, name_en in CENTRES:
        _org(code, "centre", name, name_en)
    _org(ORGANISER[0], "organiser", ORGANISER[1], ORGANISER[2])
    enterprises = []
    for n, (name, industry, employees, revenue, assets) in enumerate(ENTERPRISES, start=1):
        credit = demo_credit_code(n)
        enterprises.append(_org(
            f"e-{credit.lower()}", "enterprise", name, credit_code=credit, industry=industry,
            employees=employees, revenue_wan=revenue, total_assets_wan=assets,
            size_class=classify_enterprise(industry, employees, revenue, assets)))
    db.session.flush()
    sme_orgs = iter(enterprises)
    for email, role, org_code in ACCOUNTS:
        org = next(sme_orgs) if org_code is None else db.session.scalar(
            db.select(Organisation).where(Organisation.code == org_code))
        if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
            continue
        password = secrets.token_urlsafe(9)
        user = User(email=email, role=role, organisation=org)
        user.set_password(password)
        db.session.add(user)
        audit.record("account.created", f"{email} created as {role} of {org.code} (demo data)", target=user,
                     actor=None, data={"role": role, "org": org.code, "demo": True})
        echo(f"{role:<18} {email:<34} password: {password}")
    db.session.commit()
    return True


def reset_demo_passwords(echo: Callable[[str], None] = print) -> int:
    """Give every demo account a new random password and print it with the account's role and
    organisation (`flask demo --accounts`): the passwords shown when the demo was loaded cannot be
    shown again, so they are replaced. Each account's sessions end; the audit log records it."""
    from portal.auth.operations import set_password

    order = {email: n for n, (email, _role, _org) in enumerate(ACCOUNTS)}
    users = sorted(db.session.scalars(db.select(User).where(User.email.in_(order))), key=lambda u: order[u.email])
    for user in users:
        password = secrets.token_urlsafe(12)
        set_password(user, password, actor=None)
        org = user.organisation
        inactive = "  (deactivated)" if not user.active else ""
        echo(f"{user.role:<18} {user.email:<34} password: {password}\n"
             f"{'':<18} {org.code} · {org.name_zh}{inactive}")
    db.session.commit()
    return len(users)
