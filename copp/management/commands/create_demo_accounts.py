"""Create the demo logins and print them (development and demo sites only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_PASSWORD = "demo-copp-2026"  # noqa: S105 - demo sites only, printed on purpose

# (username, first name, last name, superuser)
DEMO_ACCOUNTS: list[tuple[str, str, str, bool]] = [
    ("admin", "Администратор", "Портала", True),
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
        rows = []
        for username, first_name, last_name, is_superuser in DEMO_ACCOUNTS:
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
            rows.append((username, "superuser" if is_superuser else "staff"))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role in rows:
            self.stdout.write(f"  {username:<12} {role}")
