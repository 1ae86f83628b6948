"""Fill the current-consent table from the consent events recorded before it existed."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("consent", "ConsentEvent")
    current_model = apps.get_model("marketing", "CurrentConsent")
    newest: dict[tuple[int, str], Any] = {}
    for event in event_model.objects.order_by("at", "id").iterator():
        newest[(event.subject_id, event.purpose)] = event
    current_model.objects.bulk_create(
        [
            current_model(
                subject_id=event.subject_id,
                purpose=event.purpose,
                granted=event.action == "given",
                action=event.action,
                notice_version=event.notice_version,
                event_id=event.pk,
                at=event.at,
            )
            for event in newest.values()
        ],
        batch_size=1000,
    )


def clear(apps: Any, schema_editor: Any) -> None:
    apps.get_model("marketing", "CurrentConsent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial"), ("consent", "0003_append_only_on_postgresql")]

    operations = [migrations.RunPython(backfill, clear)]
