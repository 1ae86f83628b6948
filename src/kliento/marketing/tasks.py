"""Background tasks of a campaign (``kliento worker`` runs them): start at the scheduled
time, then deliver in batches; failed messages are retried with a delay."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kliento.audit.actors import Actor
from kliento.marketing import services
from kliento.marketing.models import Campaign


@task()
def campaign_start(campaign_id: int) -> int:
    """Compute the audience now and queue its delivery; returns how many were included."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return services.campaign_start(campaign=campaign, actor=Actor.system("marketing"))


@task()
def campaign_deliver(campaign_id: int, recipient_ids: list[int], attempt: int) -> int:
    """Deliver one batch; queue the failures again (later, where the backend can defer)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    retry = services.campaign_deliver(
        campaign=campaign, recipient_ids=recipient_ids, attempt=attempt
    )
    if retry:
        again = campaign_deliver
        if again.get_backend().supports_defer:
            again = again.using(run_after=timezone.now() + services.RETRY_DELAY * attempt)
        again.enqueue(campaign_id=campaign_id, recipient_ids=retry, attempt=attempt + 1)
    return len(recipient_ids) - len(retry)
