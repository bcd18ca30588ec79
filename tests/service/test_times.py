from fractions import Fraction

import pytest

from kijkocut.service.errors import ServiceError
from kijkocut.service.times import parse_duration, parse_time

NTSC = Fraction(30000, 1001)


@pytest.mark.parametrize(
    ("text", "rate", "expected"),
    [
        ("2.5", Fraction(30), Fraction(5, 2)),
        (2.5, Fraction(24), Fraction(5, 2)),
        ("1001/30000", NTSC, Fraction(1001, 30000)),
        ("00:01:02.5", Fraction(30), Fraction(125, 2)),
        ("1:02.5", Fraction(30), Fraction(125, 2)),
        ("00:01:02:15", Fraction(30), Fraction(62) + Fraction(15, 30)),
        ("01:00:00:00", Fraction(25), Fraction(3600)),
        ("f30", Fraction(25), Fraction(30, 25)),
        ("F0", Fraction(25), Fraction(0)),
    ],
)
def test_every_notation_reads_to_the_exact_time(text, rate, expected):
    assert parse_time(text, rate) == expected


def test_times_snap_to_the_frame_grid():
    assert parse_time("0.51", Fraction(10)) == Fraction(1, 2)
    assert parse_time(0.033, NTSC) == Fraction(1001, 30000)  # a float read back from a view


def test_ntsc_timecode_counts_frames_at_the_nominal_rate():
    # Non-drop-frame: one hour of timecode at 29.97 is 108000 frames, 3603.6 s of real time.
    assert parse_time("01:00:00:00", NTSC) * NTSC == 108000
    # Drop-frame: frames ;00 and ;01 of minute 1 do not exist, so 00:01:00;02 is frame 1800.
    assert parse_time("00:01:00;02", NTSC) * NTSC == 1800
    assert parse_time("00:10:00;00", NTSC) * NTSC == 17982


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("00:61:00", "minutes and seconds run 0-59"),
        ("00:00:01:30", "frames run 0-29"),
        ("00:00:01.5:03", "mixes a fractional second"),
        ("soon", "cannot read 'soon'"),
    ],
)
def test_bad_times_say_what_is_wrong(text, message):
    with pytest.raises(ServiceError, match=message):
        parse_time(text, Fraction(30))


def test_a_duration_is_at_least_one_frame():
    assert parse_duration("f1", Fraction(30)) == Fraction(1, 30)
    with pytest.raises(ServiceError, match="at least one frame"):
        parse_duration("0.001", Fraction(30))
