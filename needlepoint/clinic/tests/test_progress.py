"""The progress chart as SVG: accessible names, the direction on the axis, gaps for sessions
without a value, escaping, and every point inside the plot. No database."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinic import progress


def series(values, *, lower=True, minimum=1, maximum=4, title="Goodman & Baron") -> progress.Series:
    return progress.Series(
        id="p-gb",
        title=title,
        axis=f"Grade {minimum}–{maximum}",
        minimum=minimum,
        maximum=maximum,
        lower_is_better=lower,
        points=tuple(
            progress.Point(f"Session {n}", f"{n} Mar 2026", v, f"{v} (x)" if v else "")
            for n, v in enumerate(values, start=1)
        ),
    )


def test_the_chart_names_itself_and_says_which_way_is_better() -> None:
    drawn = progress.render(series([3, 2, 2]))
    assert 'role="img"' in drawn.svg
    assert 'aria-labelledby="p-gb-title p-gb-desc"' in drawn.svg
    assert '<title id="p-gb-title">Goodman &amp; Baron</title>' in drawn.svg
    assert "Grade 1–4 · lower is better ↓" in drawn.svg
    assert drawn.direction == "Lower is better"
    assert "Session 1 (1 Mar 2026): 3 (x); Session 2 (2 Mar 2026): 2 (x)" in drawn.summary
    assert [r.shown for r in drawn.rows] == ["3 (x)", "2 (x)", "2 (x)"]


def test_a_higher_is_better_axis_says_so() -> None:
    drawn = progress.render(series([2, 6], lower=False, minimum=0, maximum=10))
    assert "higher is better ↑" in drawn.svg
    assert drawn.direction == "Higher is better"


def test_a_session_without_a_value_breaks_the_line() -> None:
    drawn = progress.render(series([3, None, 2, 1]))
    assert drawn.svg.count("<polyline") == 1  # only sessions 3–4 are consecutive
    assert drawn.svg.count("<circle") == 3
    assert drawn.rows[1].shown == "—"
    assert "Session 2 (2 Mar 2026): none recorded" in drawn.summary


def test_a_lower_grade_is_drawn_lower() -> None:
    drawn = progress.render(series([4, 1]))
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', drawn.svg)]
    assert ys[0] < ys[1]  # SVG y grows downwards: grade 4 near the top, grade 1 near the bottom


def test_text_is_escaped() -> None:
    drawn = progress.render(series([1], title="<script>alert(1)</script>"))
    assert "<script>" not in drawn.svg
    assert "&lt;script&gt;" in drawn.svg


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(1, 4, [1, 2, 3, 4]), (6, 60, list(range(6, 61, 6))), (0, 10, list(range(11)))],
)
def test_ticks_are_whole_numbers_covering_the_scale(low, high, expected) -> None:
    assert progress.ticks(low, high) == expected


def test_a_scale_needs_a_range() -> None:
    with pytest.raises(ValueError, match="maximum > minimum"):
        progress.ticks(3, 3)


@given(
    bounds=st.tuples(st.integers(0, 50), st.integers(1, 60)).filter(lambda b: b[0] < b[1]),
    data=st.data(),
)
def test_every_point_lies_inside_the_plot(bounds, data) -> None:
    low, high = bounds
    values = data.draw(
        st.lists(st.one_of(st.none(), st.integers(low, high)), min_size=1, max_size=12)
    )
    drawn = progress.render(series(values, minimum=low, maximum=high))
    xs = [float(x) for x in re.findall(r'cx="([\d.]+)"', drawn.svg)]
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', drawn.svg)]
    assert len(xs) == sum(v is not None for v in values)
    assert all(progress.LEFT <= x <= progress.WIDTH - progress.RIGHT for x in xs)
    assert all(progress.TOP <= y <= progress.HEIGHT - progress.BOTTOM for y in ys)
