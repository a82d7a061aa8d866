"""What drives the talk: the words and phrases that set a period's mentions apart."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.analytics_schemas import Sentiments, ThemeOut, ThemesOut
from api.deps import ConfigDep, IndexDep
from api.scope import ScopeDep, ZoneDep
from search.analytics.themes import Background, ThemeQuery, background_filters, extractor_for, themes

router = APIRouter(tags=["themes"])
MAX_SIZE = 50


def theme_query(term: str) -> str:
    return f'"{term}"' if " " in term else term


@router.get("/themes", response_model=ThemesOut)
def list_themes(
    index: IndexDep, config: ConfigDep, scope: ScopeDep, tz: ZoneDep,
    compare_to: Annotated[Background, Query(description="previous: the period before and this one; "
                                                        "all: every matching mention")] = "previous",
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
) -> ThemesOut:
    """Words and two-word phrases far more frequent in the period than in the background, with examples."""
    since, until = scope.period(timedelta(days=7))
    request = ThemeQuery(scope.query, scope.filters, since, until, compare_to=compare_to, size=size)
    report = themes(index, request, extractor_for(config))
    background = background_filters(scope.filters, since, until, compare_to)
    return ThemesOut(
        since=since.astimezone(tz), until=until.astimezone(tz), compare_to=compare_to,
        background_since=background.since.astimezone(tz) if background.since else None,
        mentions=report.foreground, background=report.background, sampled=report.sampled,
        themes=[ThemeOut(term=t.term, query=theme_query(t.term), count=t.count, background=t.background,
                         score=t.score, sentiment=Sentiments.of(t.tally), example=t.example)
                for t in report.themes])
