"""Search on the demo data, as a new user searches (issue 15): sector names, English words, the
listing page's similar listings and the ways forward from a search that found nothing."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.indexing import rebuild
from portal.models import Listing


@pytest.fixture
def demo(app, runner):
    with app.app_context():
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        rebuild()
        return {listing.title: listing.id for listing in db.session.scalars(
            db.select(Listing).where(Listing.status == "published"))}


def titles(client, demo, q: str, **args) -> list[str]:
    answer = client.get("/api/v1/listings", query_string={"q": q, **args}).get_json()
    names = {v: k for k, v in demo.items()}
    return [names[item["id"]] for item in answer["items"]]


DEVICES = {"一种可降解镁合金冠状动脉药物洗脱支架", "一种防脱落静脉留置针固定装置", "一种儿童用雾化吸入面罩"}


def test_sector_names_and_english_words_find_their_listings_first(client, demo):
    for q in ("医疗器械", "醫療器械"):
        assert set(titles(client, demo, q)[:3]) == DEVICES, q
    assert titles(client, demo, "医学影像")[0] == "基于深度学习的肺部CT图像结节分割方法"
    for q, title in (("stent", "一种可降解镁合金冠状动脉药物洗脱支架"), ("catheter", "一种经导管主动脉瓣膜输送系统"),
                     ("sepsis", "一种用于脓毒症早期诊断的血清标志物检测试剂盒"),
                     ("exoskeleton", "一种康复训练用上肢助力外骨骼")):
        assert titles(client, demo, q)[0] == title, q


def test_a_listing_page_shows_similar_listings(client, demo):
    page = client.get(f"/listings/{demo['一种可降解镁合金冠状动脉药物洗脱支架']}").get_data(as_text=True)
    section = page.split('id="similar"', 1)[1].split("</section>", 1)[0]
    assert "相似的许可项目" in page and section.count("<li") <= 5
    assert "一种可降解镁合金冠状动脉药物洗脱支架" not in section
    assert "一种经导管主动脉瓣膜输送系统" in section or "一种防脱落静脉留置针固定装置" in section


def test_a_search_that_finds_nothing_offers_ways_forward(client, demo):
    page = client.get("/search", query_string={"q": "支架", "field": "tcm"}).get_data(as_text=True)
    assert 'id="ways-forward"' in page
    assert "同样的词，不加筛选条件" in page and "医疗器械" in page  # the field 支架 leads to
    page = client.get("/search", query_string={"q": "支架 量子比特"}).get_data(as_text=True)
    assert 'id="ways-forward"' not in page  # 支架 alone finds listings: not a dead end
