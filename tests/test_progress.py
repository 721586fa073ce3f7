import io

from tunelint.progress import MIN_BYTES, Progress


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    path.write_text("{}\n")
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert Progress.for_files([str(path)]).bar is None


def test_no_bar_in_ci_or_for_small_runs(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stderr", Terminal())
    monkeypatch.setenv("CI", "true")
    assert Progress.for_files([]).bar is None
    assert Progress(MIN_BYTES - 1, enabled=True).bar is None


def test_bar_counts_the_bytes_of_the_lines_it_passes(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    progress = Progress(MIN_BYTES, enabled=True)
    lines = [b"x" * 1000 + b"\n"] * 3000
    assert list(progress.lines(lines)) == lines
    assert progress.bar.n == 3000 * 1001
    progress.close()
    assert "tunelint" in stream.getvalue()


def test_a_workers_progress_counts_into_its_slot_of_a_shared_array():
    import multiprocessing

    read_bytes = multiprocessing.get_context("fork").RawArray("q", 3)
    lines = [b"x" * 1000 + b"\n"] * 3000
    assert list(Progress.into_slot(read_bytes, 1).lines(lines)) == lines
    assert list(read_bytes) == [0, 3000 * 1001, 0]
