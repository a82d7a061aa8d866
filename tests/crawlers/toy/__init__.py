"""A toy source type, as a new source type's package looks: its config model, collector and docs.

Registered at test time (``register(SOURCE)``), which stands for the one entry-point line in
pyproject.toml that a real source type adds.
"""

from earful.sources import SourceType
from tests.crawlers.toy.config import ToySource

SOURCE = SourceType(name="toy", model=ToySource, collector="tests.crawlers.toy.collector:ToyCollector",
                    docs="tests/crawlers/toy/README.md")
