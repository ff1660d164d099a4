"""Create or update the staff groups and their permissions (safe to run again)."""

from django.core.management.base import BaseCommand

from copp.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the staff roles: intake, managers, partner relations."

    def handle(self, *args, **options) -> None:
        for role, count in setup_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
