"""Create the demo logins and print them (development and demo sites only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from copp import roles

DEMO_PASSWORD = "demo-copp-2026"  # noqa: S105 - demo sites only, printed on purpose

# (username, first name, last name, superuser, role)
DEMO_ACCOUNTS: list[tuple[str, str, str, bool, str]] = [
    ("admin", "Администратор", "Портала", True, ""),
    ("intake", "Ирина", "Приёмова", False, roles.INTAKE),
    ("manager", "Михаил", "Руководов", False, roles.MANAGERS),
    ("partners", "Павел", "Партнёров", False, roles.PARTNER_RELATIONS),
]


class Command(BaseCommand):
    help = "Create demo accounts with a known password and print their logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (a demo site; never a real one).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have a published password; "
                "refusing with DEBUG off (use --force on a demo site)."
            )
        User = get_user_model()
        roles.setup_roles()
        rows = []
        for username, first_name, last_name, is_superuser, role in DEMO_ACCOUNTS:
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@copp.local",
                    "is_staff": True,
                    "is_superuser": is_superuser,
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role)] if role else [])
            rows.append((username, "superuser" if is_superuser else role))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role in rows:
            self.stdout.write(f"  {username:<10} {role}")
