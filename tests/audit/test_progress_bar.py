"""The progress bar of `kliento audit verify` and `kliento keys rotate`."""

from __future__ import annotations

from kliento.common.progress import ProgressBar


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_on_a_terminal_the_bar_redraws_one_line_with_counts_and_rate() -> None:
    written: list[str] = []
    clock = Clock()
    bar = ProgressBar("data keys", 1000, write=written.append, tty=True, width=10, clock=clock)

    clock.now += 1.0
    bar.advance(500)
    clock.now += 1.0
    bar.advance(500)
    bar.finish()

    assert written[0] == "\rdata keys [#####-----] 500/1000  50% 500/s"
    assert written[-1] == "\rdata keys [##########] 1000/1000 100% 500/s\n"


def test_without_a_terminal_it_prints_whole_lines_now_and_then() -> None:
    written: list[str] = []
    clock = Clock()
    bar = ProgressBar("entries", 10_000, write=written.append, tty=False, width=4, clock=clock)

    for _ in range(100):  # 100 updates within one second: one line, not a hundred
        clock.now += 0.01
        bar.advance(100)
    bar.finish()

    assert written == [
        "entries [----] 100/10000   1% 10,000/s\n",
        "entries [####] 10000/10000 100% 10,000/s\n",
    ]


def test_an_empty_job_shows_as_complete() -> None:
    written: list[str] = []
    ProgressBar("cards", 0, write=written.append, tty=False).finish()
    assert "0/0 100%" in written[0]
