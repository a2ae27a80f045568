"""The fixed-window limiter (core/ratelimit.py): counting, windows, the web decorator, client addresses."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from servicedesk.core import ratelimit


@pytest.fixture
def at(monkeypatch):
    """Set the limiter's clock: `at(125.0)`."""
    moment = {"t": 1_000_000.0}
    monkeypatch.setattr(ratelimit, "clock", lambda: moment["t"])

    def set_time(seconds: float) -> None:
        moment["t"] = seconds

    return set_time


def test_counts_up_to_the_limit_then_says_how_long_to_wait(at):
    at(6000.0)  # the window [6000, 6060)
    assert [ratelimit.hit("b", limit=3, window=60) for _ in range(3)] == [None, None, None]
    at(6005.0)
    assert ratelimit.hit("b", limit=3, window=60) == 55.0
    at(6059.5)
    assert ratelimit.hit("b", limit=3, window=60) == 1.0  # never less than a second


def test_a_new_window_starts_from_zero(at):
    at(6000.0)
    for _ in range(4):
        ratelimit.hit("b", limit=3, window=60)
    at(6060.0)
    assert ratelimit.hit("b", limit=3, window=60) is None


def test_buckets_and_windows_are_independent(at):
    at(7200.0)
    for _ in range(3):
        ratelimit.hit("a", limit=3, window=60)
    assert ratelimit.hit("a", limit=3, window=60) is not None
    assert ratelimit.hit("other", limit=3, window=60) is None
    assert ratelimit.hit("a", limit=3, window=3600) is None


def test_a_limit_of_zero_counts_nothing(at):
    assert all(ratelimit.hit("b", limit=0) is None for _ in range(100))
    assert cache.get(f"{ratelimit.KEY_PREFIX}:b:60:{int(1_000_000.0 // 60)}") is None


def test_a_counter_that_vanished_mid_window_starts_again(at):
    at(6000.0)
    for _ in range(3):
        ratelimit.hit("b", limit=3, window=60)
    cache.delete(f"{ratelimit.KEY_PREFIX}:b:60:100")  # evicted, or expired between add and incr
    assert ratelimit.hit("b", limit=3, window=60) is None
    assert cache.get(f"{ratelimit.KEY_PREFIX}:b:60:100") == 1


def test_counting_is_atomic_under_threads(at):
    import threading

    at(6000.0)
    results = []
    barrier = threading.Barrier(20)

    def one():
        barrier.wait()
        results.append(ratelimit.hit("t", limit=5, window=60))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(None) == 5


@pytest.mark.parametrize(
    "hops, forwarded, expected",
    [
        (0, "198.51.100.1", "10.0.0.1"),  # no trusted proxy: the header is the client's word, ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a spoofed first entry is not believed
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.5", "198.51.100.1"),
        (3, "198.51.100.1", "198.51.100.1"),  # fewer hops than trusted: the leftmost
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address(hops, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(API_TRUSTED_PROXIES=hops):
        assert ratelimit.client_ip(request) == expected


@override_settings(TEST_LIMIT=2)
def test_throttle_posts_stops_the_view_with_a_portuguese_429(demo, at):
    calls = []

    @ratelimit.throttle_posts("test", limit_setting="TEST_LIMIT", window=3600)
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    at(3600.0 * 10 + 600)  # 10 minutes into the hour: 50 minutes to wait
    factory = RequestFactory()

    def request(method):
        req = getattr(factory, method)("/x/")
        req.user = demo["joana.acme"]
        req.session = {}
        return req

    assert view(request("post")).status_code == 200
    assert view(request("post")).status_code == 200
    assert view(request("get")).status_code == 200  # reading is never limited
    refused = view(request("post"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3000"
    assert "aguarde 50 minuto(s)" in refused.content.decode()
    assert "Nada foi alterado" in refused.content.decode()
    assert calls == ["POST", "POST", "GET"]
    # Another user has their own count.
    other = factory.post("/x/")
    other.user = demo["pedro.acme"]
    assert view(other).status_code == 200
