from fractions import Fraction

import pytest

from kijkocut.timebase import frame_count, frame_index, frame_time, snap_to_frame, to_fraction, to_rate


def test_parses_exact_values():
    assert to_fraction("1001/30000") == Fraction(1001, 30000)
    assert to_fraction(0.1) == Fraction(1, 10)  # shortest repr, not the binary float
    assert to_fraction("2.5") == Fraction(5, 2)
    assert to_fraction(3) == Fraction(3)
    assert to_fraction({"value": 48, "rate": 24}) == Fraction(2)


@pytest.mark.parametrize("bad", ["abc", "1/0", float("nan"), True, None, [1]])
def test_rejects_non_numbers(bad):
    with pytest.raises(ValueError):
        to_fraction(bad)


def test_ntsc_rates_become_exact_fractions():
    assert to_rate("29.97") == Fraction(30000, 1001)
    assert to_rate(23.976) == Fraction(24000, 1001)
    assert to_rate("30000/1001") == Fraction(30000, 1001)
    with pytest.raises(ValueError):
        to_rate(0)


def test_frame_arithmetic_does_not_drift_at_ntsc_rates():
    rate = Fraction(30000, 1001)
    # An hour of frames: accumulating floats would drift; rational time lands exactly.
    n = 107892
    t = frame_time(n, rate)
    assert frame_index(t, rate) == n
    assert frame_index(t - Fraction(1, 10**9), rate) == n - 1
    assert frame_count(Fraction(60), Fraction(30)) == 1800
    assert snap_to_frame(Fraction(1, 61), Fraction(30)) == Fraction(0)
    assert snap_to_frame(Fraction(1, 59), Fraction(30)) == Fraction(1, 30)
