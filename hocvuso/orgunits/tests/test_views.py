from __future__ import annotations

from hocvuso.orgunits.models import OrgUnit, UnitPopulation
from hocvuso.orgunits.services import create_unit


def test_search_without_diacritics_finds_the_ward(client, coordinator, tree):
    client.force_login(coordinator)
    page = client.get("/units/search/", {"q": "hoa lu"}).content.decode()
    assert "Phường Hoa Lư" in page
    assert "Phường Nam Hoa Lư" in page
    assert "Sở Khoa học" not in page


def test_search_by_abbreviation_and_with_diacritics(client, coordinator, tree):
    client.force_login(coordinator)
    assert (
        "Sở Khoa học và Công nghệ" in client.get("/units/search/", {"q": "KH&CN"}).content.decode()
    )
    assert "Phường Hoa Lư" in client.get("/units/search/", {"q": "Hoa Lư"}).content.decode()


def test_htmx_search_returns_only_the_results_fragment(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.get("/units/search/", {"q": "dong"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "Thôn Đông" in body


def test_unit_page_shows_children_groups_figures_and_people(
    client, coordinator, hoalu_focal_point, tree
):
    UnitPopulation.objects.create(unit=tree.hoalu, year=2026, adults=5120, households=1980)
    client.force_login(coordinator)
    page = client.get(f"/units/{tree.hoalu.pk}/").content.decode()
    for text in ("Tổ dân phố số 1", "5.120", "1.980", "Hoalu", "Đầu mối đơn vị", "Tỉnh Ninh Bình"):
        assert text in page


def test_unit_page_query_count_does_not_grow_with_children(
    client, coordinator, tree, django_assert_max_num_queries
):
    for n in range(30):
        create_unit(actor=None, parent=tree.hoalu, name=f"Thôn {n}", kind="village")
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(f"/units/{tree.hoalu.pk}/").status_code == 200


def test_browser_of_a_single_unit_person_opens_their_unit(client, hoalu_focal_point, tree):
    client.force_login(hoalu_focal_point)
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"] == f"/units/{tree.hoalu.pk}/"


def test_focal_point_adds_a_village_and_sets_population(client, hoalu_focal_point, tree):
    client.force_login(hoalu_focal_point)
    response = client.post(
        f"/units/{tree.hoalu.pk}/add/", {"name": "Thôn Mới", "kind": "village", "code": ""}
    )
    assert response.status_code == 302
    village = OrgUnit.objects.get(name="Thôn Mới")
    assert village.depth == tree.hoalu.depth + 1
    client.post(f"/units/{village.pk}/population/", {"year": "2026", "adults": "300"})
    assert village.populations.get(year=2026).adults == 300


def test_duplicate_code_is_a_form_error_not_a_crash(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.post(
        f"/units/{tree.hoalu.pk}/edit/", {"name": "Phường Hoa Lư", "kind": "commune", "code": "37"}
    )
    assert response.status_code == 200
    assert "Mã đơn vị “37” đã được dùng." in response.content.decode()


def test_population_needs_at_least_one_figure(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.post(f"/units/{tree.hoalu.pk}/population/", {"year": "2026"})
    assert "Nhập ít nhất một số liệu" in response.content.decode()
    assert not UnitPopulation.objects.exists()


def test_vietnamese_even_when_the_browser_asks_for_english(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="vi"' in page


def test_page_is_in_english_when_chosen(client, coordinator, tree):
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page


def test_the_home_page_offers_no_unit_adding_to_an_agencys_focal_point(client, tree):
    """Issue 13: a focal point may add only villages, and none fits under an agency — the
    home page's "add one by one" link answered 403."""
    from conftest import make_person
    from hocvuso.core.roles import Role

    client.force_login(make_person("skhcn", Role.FOCAL_POINT, tree.agency))
    page = client.get("/").content.decode()
    assert f"/units/{tree.agency.pk}/add/" not in page
    assert client.get(f"/units/{tree.agency.pk}/add/").status_code == 403


def test_the_home_page_still_offers_villages_to_a_communes_focal_point(client, tree):
    from conftest import make_person
    from hocvuso.core.roles import Role

    client.force_login(make_person("namhoalu2", Role.FOCAL_POINT, tree.namhoalu))
    OrgUnit.objects.filter(pk=tree.namhoalu_village.pk).delete()
    page = client.get("/").content.decode()
    assert f"/units/{tree.namhoalu.pk}/add/" in page
