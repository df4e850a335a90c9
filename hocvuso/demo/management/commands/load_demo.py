from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hocvuso.demo.data import DEMO_PASSWORD
from hocvuso.demo.services import load_demo


class Command(BaseCommand):
    help = "Load the Ninh Bình demo: 129 communes/wards, agencies, villages, one user per role."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded (Ninh Bình)."))
        self.stdout.write(f"Demo logins — password for all: {DEMO_PASSWORD}")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<12} {role} — {unit}")
