import datetime as dt

from bot.flood import FloodGate

T0 = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def test_over_the_limit_one_notice_then_silence_until_the_window_passes() -> None:
    gate = FloodGate(per_minute=3)
    moments = [T0 + dt.timedelta(seconds=s) for s in range(6)]
    assert [gate.check(1, m) for m in moments] == ["ok", "ok", "ok", "notice", "silent", "silent"]
    assert gate.check(2, moments[5]) == "ok"  # others are not affected
    assert gate.check(1, T0 + dt.timedelta(seconds=61)) == "ok"


def test_idle_people_are_forgotten() -> None:
    gate = FloodGate(per_minute=3)
    gate.check(1, T0)
    gate.forget_idle(T0 + dt.timedelta(minutes=2))
    assert gate._seen == {}
