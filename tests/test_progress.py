import io

from newsdigest.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_output_is_not_a_terminal():
    stream = io.StringIO()
    with ProgressBar(stream=stream) as progress:
        progress.start("writing", 100)
        progress.advance(100)
    assert progress.bar is None and stream.getvalue() == ""


def test_silent_with_quiet_even_on_a_terminal():
    with ProgressBar(enabled=False, stream=Terminal()) as progress:
        progress.start("writing", 10)
        assert progress.bar is None


def test_a_bar_on_a_terminal():
    stream = Terminal()
    progress = ProgressBar(stream=stream)
    progress.start("writing", 10)
    assert progress.bar is not None and progress.bar.total == 10
    progress.advance(10)
    assert progress.bar.n == 10
    progress.close()
    assert progress.bar is None
