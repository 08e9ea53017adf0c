import datetime

import pytest
from django.urls import reverse

from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

URL = reverse("events:list")
UTC = datetime.UTC


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return [event.title for event in response.context["page"].object_list]


@pytest.fixture
def events():
    return {
        "jazz": EventFactory(title="Jazz Denpasar", city="Denpasar", timezone="Asia/Makassar",
                             event_date=datetime.datetime(2031, 3, 9, 17, 0, tzinfo=UTC)),  # 10 Mar 01.00 WITA
        "run": EventFactory(title="Lari Jakarta", city="Jakarta", timezone="Asia/Jakarta",
                            event_date=datetime.datetime(2031, 3, 9, 17, 0, tzinfo=UTC)),  # 10 Mar 00.00 WIB
        "talk": EventFactory(title="Diskusi Jakarta", city="jakarta", timezone="Asia/Jakarta",
                             event_date=datetime.datetime(2031, 3, 9, 16, 59, tzinfo=UTC)),  # 9 Mar 23.59 WIB
        "dive": EventFactory(title="Selam Jayapura", city="Jayapura", timezone="Asia/Jayapura",
                             event_date=datetime.datetime(2031, 3, 20, 1, 0, tzinfo=UTC)),
        "none": EventFactory(title="Tanpa Kota", city="", event_date=datetime.datetime(2031, 4, 1, 1, 0, tzinfo=UTC)),
    }


def test_the_city_filter_lists_each_city_once_and_ignores_capitalisation(en_client, events):
    response = en_client.get(URL)
    assert response.context["cities"] == ["Denpasar", "Jakarta", "Jayapura"]
    assert _titles(en_client.get(URL, {"city": "JAKARTA"})) == ["Diskusi Jakarta", "Lari Jakarta"]
    assert '<option value="Denpasar">Denpasar</option>' in response.content.decode()


def test_dates_are_read_in_each_events_own_time_zone(en_client, events):
    # 10 March, local: the WITA and WIB events starting just after their own midnight, not the one at 23.59 WIB.
    assert sorted(_titles(en_client.get(URL, {"date_from": "2031-03-10", "date_to": "2031-03-10"}))) == [
        "Jazz Denpasar", "Lari Jakarta"]
    assert _titles(en_client.get(URL, {"date_to": "2031-03-09"})) == ["Diskusi Jakarta"]
    assert _titles(en_client.get(URL, {"date_from": "2031-03-11"})) == ["Selam Jayapura", "Tanpa Kota"]


def test_city_dates_and_search_combine(en_client, events):
    assert _titles(en_client.get(URL, {"city": "Jakarta", "date_from": "2031-03-10", "q": "lari"})) == ["Lari Jakarta"]
    assert _titles(en_client.get(URL, {"q": "denpasar"})) == ["Jazz Denpasar"]  # the city is searched too


def test_a_date_that_does_not_parse_is_reported_and_left_out(en_client, events):
    response = en_client.get(URL, {"date_from": "kemarin", "city": "Jayapura"})
    page = response.content.decode()
    assert _titles(response) == ["Selam Jayapura"]
    assert "Enter a valid date." in page and 'aria-invalid="true"' in page


def test_an_end_before_the_start_is_reported(en_client, events):
    response = en_client.get(URL, {"date_from": "2031-03-20", "date_to": "2031-03-01"})
    assert "The end date must not be before the start date." in response.content.decode()
    assert _titles(response) == ["Selam Jayapura", "Tanpa Kota"]


def test_no_match_offers_to_show_all_events(en_client, events):
    page = en_client.get(URL, {"city": "Medan"}).content.decode()
    assert "No events match these filters." in page
    assert f'href="{URL}?when=upcoming"' in page


def test_the_page_links_keep_the_filters(en_client):
    for n in range(13):
        EventFactory(title=f"Lari {n:02d}", city="Bandung", event_date=datetime.datetime(2031, 5, 1, n, tzinfo=UTC))
    page = en_client.get(URL, {"city": "bandung", "date_from": "2031-05-01"}).content.decode()
    assert "?city=bandung&amp;date_from=2031-05-01&amp;when=upcoming&amp;page=2" in page


@pytest.mark.parametrize("params", [{"city": "x" * 500}, {"date_to": "2031-13-45"}, {"date_from": "9" * 300}])
def test_bad_filters_never_fail_the_page(en_client, events, params):
    assert en_client.get(URL, params).status_code == 200
