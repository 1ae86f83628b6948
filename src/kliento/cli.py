"""The ``kliento`` command: ``manage.py`` with a few names of its own.

``kliento serve`` runs the web app with gunicorn, ``kliento worker`` the background
task worker, ``kliento instance init`` creates a local instance with fresh secrets;
everything else is a Django management command (``kliento migrate``, ``kliento demo``).
"""

from __future__ import annotations

import os
import sys

from kliento.config import instance

ALIASES = {"worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if args[1:3] == ["instance", "init"]:
        created = instance.init()
        print(f"instance: {'created' if created else 'kept'} {instance.env_file()}")
        return
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
