"""What a run did: counts for the summary table, and the events it caused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Report:
    """A run's outcome, for the CLI summary and the Prefect artifact table.

    ``events`` are (name, case id, payload), e.g. ("carecase.case.opened", 12, {...});
    the flows publish them as Prefect events so automations can react.
    """

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    events: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def merge(self, other: Report) -> None:
        for key, n in other.counts.items():
            self.add(key, n)
        self.details += other.details
        self.events += other.events

    def rows(self) -> list[dict[str, Any]]:
        """The counts as table rows (what the Prefect table artifact shows)."""
        return [{"what": key, "count": n} for key, n in sorted(self.counts.items())]
