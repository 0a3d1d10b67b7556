from django.http import QueryDict

from projects import querystring


def test_replaced_keeps_the_order_and_goes_back_to_page_one():
    params = QueryDict("region=SE21&region=SE33&sort=name&page=3")
    assert querystring.replaced(params, sort="-grant").urlencode() == (
        "region=SE21&region=SE33&sort=-grant"
    )
    assert querystring.replaced(params, region=["SE11"], keep_page=True).urlencode() == (
        "region=SE11&sort=name&page=3"
    )
    assert querystring.replaced(params, sort=None, region="").urlencode() == ""


def test_without_removes_one_value_or_a_whole_range():
    params = QueryDict("region=SE21&region=SE33&esf_grant_min=1&esf_grant_max=9&page=2")
    assert querystring.without(params, "region", "SE21").urlencode() == (
        "region=SE33&esf_grant_min=1&esf_grant_max=9"
    )
    for key in ("esf_grant", "esf_grant_min", "esf_grant_max"):
        assert querystring.without(params, key).urlencode() == "region=SE21&region=SE33"
    assert querystring.without(params, "region").urlencode() == "esf_grant_min=1&esf_grant_max=9"


def test_encode_gives_a_link_even_for_no_parameters():
    assert querystring.encode(QueryDict("")) == "?"
    assert querystring.encode(QueryDict(""), "/projects/") == "/projects/"
    assert querystring.encode(QueryDict("a=1"), "/projects/") == "/projects/?a=1"


def test_changed_parameters_leave_the_request_parameters_as_they_were():
    params = QueryDict("region=SE21&region=SE33&county=SE211&page=2")
    querystring.replaced(params, region=["SE11"], county=None)
    querystring.without(params, "region", "SE21")
    changed = querystring.replaced(params, sort="name")
    changed.setlist("region", ["SE12"])
    assert params.urlencode() == "region=SE21&region=SE33&county=SE211&page=2"
    assert not params._mutable
