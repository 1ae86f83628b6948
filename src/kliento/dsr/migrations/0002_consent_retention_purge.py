"""Let the retention run delete consent events after their proof period.

Consent events are append-only, and on PostgreSQL a trigger (consent migration 0003)
refuses every UPDATE and DELETE. Proof is kept only for a declared period, though
(docs/decisions/0013-retention.md): this replaces the trigger's function so that a
DELETE passes when the deleting transaction has set ``kliento.retention_purge`` to
``on`` (``SET LOCAL``, which only the retention run does). UPDATE stays refused.
"""

from django.db import migrations

PURGE_ALLOWED = """
CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kliento.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PURGE_ALLOWED, params=None)


def refuse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0001_initial"),
        ("consent", "0003_append_only_on_postgresql"),
    ]

    operations = [migrations.RunPython(allow, refuse)]
