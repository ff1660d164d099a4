from django.db import migrations


# The streams the centre had as bare codes, now with their rules (DOMAIN.md:
# funding streams and categories; government decree No. 291 of 7 March 2025).
STREAMS = {
    "federal": {
        "name": "Федеральный проект «Активные меры содействия занятости»",
        "payer": "federal_budget",
        "requires_contract": True,
        "min_age": 18,
        "categories": [
            "age_50_plus",
            "childcare_leave",
            "non_working_mother",
            "disability",
            "unemployed",
            "dismissal_risk",
            "svo",
            "youth",
        ],
        "documents": {
            "unemployed": ["employment_service"],
            "childcare_leave": ["childcare_leave", "child_birth"],
            "non_working_mother": ["child_birth"],
            "disability": ["disability"],
            "dismissal_risk": ["employment"],
            "svo": ["svo"],
        },
        "position": 10,
    },
    "regional": {
        "name": "Региональный бюджет",
        "payer": "regional_budget",
        "requires_contract": False,
        # The region sets who may use it; staff write its rules in.
        "categories": [],
        "documents": {},
        "position": 20,
    },
    "employer": {
        "name": "За счёт работодателя",
        "payer": "employer",
        "requires_contract": True,
        "min_age": 18,
        "categories": ["working_adult", "partner_employee", "dismissal_risk"],
        "documents": {None: ["employment"]},
        "position": 30,
    },
    "personal": {
        "name": "За счёт слушателя (платное обучение)",
        "payer": "learner",
        "requires_contract": True,
        "categories": [],
        "documents": {},
        "position": 40,
    },
    "maternity_capital": {
        "name": "Материнский капитал",
        "payer": "maternity_capital",
        "requires_contract": True,
        "max_age": 25,
        "categories": [],
        "documents": {None: ["maternity_capital"]},
        "position": 50,
    },
}
CATEGORY_AGES = {
    "age_50_plus": (50, None),
    "youth": (None, 34),
    "pupil_6_7": (None, 15),
    "pupil_8_11": (None, 19),
}


def fill_streams(apps, schema_editor):
    FundingSource = apps.get_model("programs", "FundingSource")
    LearnerCategory = apps.get_model("programs", "LearnerCategory")
    StreamDocument = apps.get_model("programs", "StreamDocument")
    Cohort = apps.get_model("programs", "Cohort")
    CohortQuota = apps.get_model("programs", "CohortQuota")
    categories = {c.code: c for c in LearnerCategory.objects.all()}
    for code, (low, high) in CATEGORY_AGES.items():
        LearnerCategory.objects.filter(code=code).update(min_age=low, max_age=high)
    for code, rules in STREAMS.items():
        stream, _created = FundingSource.objects.update_or_create(
            code=code,
            defaults={
                "name": rules["name"],
                "payer": rules["payer"],
                "requires_contract": rules["requires_contract"],
                "min_age": rules.get("min_age"),
                "max_age": rules.get("max_age"),
                "position": rules["position"],
            },
        )
        stream.categories.set(
            [categories[c] for c in rules["categories"] if c in categories]
        )
        for category, kinds in rules["documents"].items():
            for kind in kinds:
                StreamDocument.objects.get_or_create(
                    stream=stream,
                    category=categories.get(category) if category else None,
                    kind=kind,
                )
    # Every cohort offers its seats on one stream until staff split them: a
    # free program's first budget stream, a paid one's "personal".
    streams = {s.code: s for s in FundingSource.objects.all()}
    for cohort in Cohort.objects.select_related("program"):
        codes = set(cohort.program.funding_sources.values_list("code", flat=True))
        if cohort.program.price == 0:
            preferred = ["federal", "regional", "employer", "personal"]
        else:
            preferred = ["personal", "employer", "maternity_capital", "federal"]
        code = next((c for c in preferred if c in codes), preferred[0])
        CohortQuota.objects.get_or_create(
            cohort=cohort, stream=streams[code], defaults={"seats": cohort.capacity}
        )


class Migration(migrations.Migration):
    # Data apart from the schema: PostgreSQL cannot change a table in the
    # transaction that wrote rows with deferred constraints into it.

    dependencies = [
        ("programs", "0004_funding_streams"),
    ]

    operations = [
        migrations.RunPython(fill_streams, migrations.RunPython.noop),
    ]
