"""``kliento staff create-admin``: the first administrator and their one-time setup link."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kliento.accounts import staff as services
from kliento.audit.actors import Actor
from kliento.backoffice.staff_mail import default_base_url, setup_link_send
from kliento.common.errors import DomainError

CREATE_ADMIN_HELP = """\
Create the first administrator: a staff login in the administrator role, with no
password. It prints a link (and e-mails it to ADDRESS) that works once, for 72 hours:
the administrator chooses a password there and then sets up two-factor authentication
(TOTP), which every staff page demands. There are no default credentials.

When an administrator exists already the command refuses; pass --force to create
another one anyway (for example when the only administrator has lost their
authenticator). Further staff, administrators too, are invited on /staff/team/.

Run it again with the same ADDRESS before the link has been used to get a new link;
the earlier one stops working.
"""


class Command(BaseCommand):
    help = "Manage Kliento's staff. `kliento staff create-admin --help` explains more."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create-admin",
            help="Create the first administrator and print their one-time setup link.",
            description=CREATE_ADMIN_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        create.add_argument("--email", required=True, metavar="ADDRESS")
        create.add_argument(
            "--language",
            choices=["fi", "sv", "en"],
            default="fi",
            help="Language of the e-mail, stored as the login's language (default fi).",
        )
        create.add_argument(
            "--force",
            action="store_true",
            help="Create an administrator even when one exists already.",
        )
        create.add_argument(
            "--base-url",
            default="",
            help="Where Kliento answers, e.g. https://kliento.fi (default: the first host "
            "of KLIENTO_ALLOWED_HOSTS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create-admin":
            self.create_admin(
                email=options["email"],
                language=options["language"],
                force=options["force"],
                base_url=options["base_url"] or default_base_url(),
            )

    def create_admin(self, *, email: str, language: str, force: bool, base_url: str) -> None:
        try:
            user, token = services.staff_first_admin_create(
                email=email,
                language=language,
                force=force,
                actor=Actor.system("kliento staff create-admin"),
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        link = setup_link_send(user=user, token=token, base_url=base_url)
        self.stdout.write(f"Administrator {user.email}: setup link sent by e-mail.")
        self.stdout.write("The link works once, for 72 hours:")
        self.stdout.write(link)
