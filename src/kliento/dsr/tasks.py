"""The scheduled retention run, as a django-tasks task (enqueue it daily)."""

from __future__ import annotations

from django_tasks import task

from kliento.audit.actors import Actor
from kliento.dsr.retention import retention_run


@task()
def retention_run_task() -> dict[str, int]:
    """Delete or anonymise everything past its retention period; returns rows per kind."""
    reports = retention_run(actor=Actor.system("retention"))
    return {report.kind.key: report.changed for report in reports}
