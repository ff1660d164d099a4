"""The demo centre's details: what its contracts, invoices and orders print.
The numbers are valid by their check digits and belong to no real centre's
papers."""

from __future__ import annotations

import datetime

from programs.models import CENTRE_PK, Centre
from programs.services import update_centre

DEMO_CENTRE = {
    "full_name": "Государственное автономное профессиональное образовательное "
    "учреждение «Центр опережающей профессиональной подготовки Энской области»",
    "short_name": "ЦОПП Энской области",
    "address": "600000, г. Энск, ул. Заводская, д. 1",
    "phone": "+7 (800) 555-00-00",
    "email": "priem@copp.example",
    "inn": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "bank_name": "Отделение Энск Банка России // УФК по Энской области",
    "bik": "044525225",
    "account": "40702810938000000001",
    "correspondent_account": "30101810400000000225",
    "treasury_details": "л/с 30456Ц12340 в Министерстве финансов Энской области",
    "licence_number": "Л035-01234-33/00123456",
    "licence_date": datetime.date(2021, 3, 15),
    "licence_issuer": "Министерством образования Энской области",
    "signatory_last_name": "Петрова",
    "signatory_first_name": "Анна",
    "signatory_patronymic": "Сергеевна",
    "signatory_sex": "female",
    "signatory_position": "директор",
    "signatory_position_genitive": "директора",
    "signatory_authority": "Устава",
}


def seed_centre() -> bool:
    """Fill in the centre's details unless staff already have; True if created."""
    if Centre.objects.filter(pk=CENTRE_PK).exists():
        return False
    update_centre(user=None, changes=DEMO_CENTRE, reason="demo data")
    return True
