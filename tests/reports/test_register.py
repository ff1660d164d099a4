"""The ФИС ФРДО register in the official templates (ПО, 35 columns; ДПО, 40):
headers exactly as the templates have them, values from their lists, column
by column; every row checked before export, with where to fix it."""

from __future__ import annotations

import ast
import datetime
import io
import re
import zoneinfo
from pathlib import Path

import openpyxl
import pytest

from core.identifiers import format_snils, snils_check_digits
from enrollment import register, services
from enrollment.models import Applicant, Duplicate
from programs.models import Cohort, LearnerCategory, ProgramKind, StudyForm
from tests.factories import CohortFactory, ProgramFactory, applicant_data, submit

pytestmark = pytest.mark.django_db
URL = "/reports/"
MSK = zoneinfo.ZoneInfo("Europe/Moscow")

# The templates' headers (sheet «Шаблон», row 1), stray spaces and all.
PO_HEADERS = [
    "Вид документа ",
    "Статус документа",
    "Подтверждение утраты",
    "Подтверждение обмена",
    "Подтверждение уничтожения",
    "Серия документа",
    "Номер документа",
    "Дата выдачи документа",
    "Регистрационный номер",
    "Программа профессионального обучения, направление подготовки",
    " Наименование программы профессионального обучения" + " " * 101,
    "Наименование \nпрофессий рабочих, должностей служащих",
    "Присвоенный квалификационный разряд, класс, категория (при наличии)",
    "Год начала обучения",
    "Год окончания обучения",
    "Срок обучения, часов",
    "Фамилия получателя",
    "Имя получателя",
    "Отчество получателя",
    "Дата рождения получателя ",
    "Пол получателя",
    "СНИЛС",
    "Гражданство получателя (код страны по ОКСМ)",
    "Форма обучения",
    "Источник финансирования обучения",
    "Форма получения образования на момент прекращения образовательных отношений",
    "Наименование документа об образовании (оригинала)",
    "Серия (оригинала)",
    "Номер (оригинала)",
    "Регистрационный N (оригинала)",
    "Дата выдачи (оригинала)",
    "Фамилия получателя (оригинала)",
    "Имя получателя (оригинала)",
    "Отчество получателя (оригинала)",
    "Номер документа для изменения",
]
DPO_HEADERS = [
    "Вид документа",
    "Статус документа",
    "Подтверждение утраты",
    "Подтверждение обмена",
    "Подтверждение уничтожения",
    "Серия документа",
    "Номер документа",
    "Дата выдачи документа",
    "Регистрационный номер",
    "Дополнительная профессиональная программа (повышение квалификации/ профессиональная переподготовка)",
    "Наименование дополнительной профессиональной программы",
    "Наименование области профессиональной деятельности",
    "Укрупненные группы специальностей",
    "Наименование квалификации, профессии, специальности",
    "Уровень образования ВО/СПО",
    "Фамилия указанная в дипломе о ВО или СПО",
    "Серия документа о ВО/СПО",
    "Номер документа о ВО/СПО",
    "Год начала обучения (для документа о квалификации)",
    "Год окончания обучения (для документа о квалификации)",
    "Срок обучения, часов (для документа о квалификации)",
    "Фамилия получателя",
    "Имя получателя",
    "Отчество получателя",
    "Дата рождения получателя",
    "Пол получателя",
    "СНИЛС",
    "Форма обучения",
    "Источник финансирования обучения",
    "Форма получения образования на момент прекращения образовательных отношений",
    "Гражданство получателя (код страны по ОКСМ)",
    "Наименование документа об образовании (оригинала)",
    "Серия (оригинала)",
    "Номер (оригинала)",
    "Регистрационный N (оригинала)",
    "Дата выдачи (оригинала)",
    "Фамилия получателя (оригинала)",
    "Имя получателя (оригинала)",
    "Отчество получателя (оригинала)",
    "Номер документа для изменения",
]
# The lists of the templates' «Проверки» sheets, for the columns we fill.
LISTS = {
    "Статус документа": {"Оригинал", "Дубликат"},
    "Подтверждение утраты": {
        "Нет",
        "Справка из органов внутренних дел",
        "Справка из органов пожарной охраны",
        "Объявление в газете",
        "Другое",
    },
    "Подтверждение обмена": {
        "Нет",
        "Обмен по причине наличия недостоверной информации",
        "Обмен по причине порчи",
    },
    "Подтверждение уничтожения": {"Да", "Нет"},
    "Пол получателя": {"Муж", "Жен"},
    "Форма обучения": {"Очная", "Очно-заочная (вечерняя)", "Заочная"},
    "Источник финансирования обучения": {
        "Федеральный бюджет",
        "Региональный бюджет",
        "Местный бюджет",
        "Платное обучение",
    },
    "Форма получения образования на момент прекращения образовательных отношений": {
        "в образовательной организации",
        "вне образовательной организации",
    },
}
PO_LISTS = {
    **LISTS,
    "Вид документа": {
        "Свидетельство о профессии рабочего, должности служащего",
        "Свидетельство об освоении дополнительных предпрофессиональных программ в "
        "области искусств",
        "Справка об обучении",
    },
    "Программа профессионального обучения, направление подготовки": {
        "Программа профессиональной подготовки по профессии рабочего, должности "
        "служащего",
        "Программа переподготовки рабочих, служащих",
        "Программа повышения квалификации рабочих, служащих",
    },
}
DPO_LISTS = {
    **LISTS,
    "Вид документа": {
        "Диплом о профессиональной переподготовке",
        "Свидетельство о повышении квалификации",
        "Справка об обучении",
        "Удостоверение о повышении квалификации",
    },
    "Дополнительная профессиональная программа (повышение квалификации/ "
    "профессиональная переподготовка)": {
        "Повышение квалификации",
        "Профессиональная переподготовка",
    },
    "Уровень образования ВО/СПО": {
        "Высшее образование",
        "Среднее профессиональное образование",
        "Справка",
        "Стаж",
        "Пункт 1 правил формирования ФИС ФРДО",
    },
}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "FIS-FRDO.md"


@pytest.fixture
def issued(admin_user):
    """Documents of both templates: an original, a certificate of study, a
    duplicate (ПО); a diploma (ДПО); a certificate of participation."""
    staff = services.Actor.staff(admin_user)
    unemployed = LearnerCategory.objects.get(code="unemployed")
    welder = ProgramFactory(
        title="Сварщик ручной дуговой сварки",
        kind=ProgramKind.PO_TRAINING,
        hours=320,
        profession="Сварщик ручной дуговой сварки плавящимся покрытым электродом",
        qualification_rank="3",
    )
    po_cohort = CohortFactory(program=welder, quotas={"federal": 10})
    designer = ProgramFactory(
        title="Инженер-конструктор",
        kind=ProgramKind.DPO_RETRAINING,
        hours=260,
        study_form=StudyForm.MIXED,
        qualification="Инженер-конструктор в машиностроении",
        professional_area="Производство машин и оборудования",
        specialty_group="Машиностроение",
    )
    dpo_cohort = CohortFactory(program=designer, quotas={"personal": 10})
    guidance = CohortFactory(
        program=ProgramFactory(kind=ProgramKind.CAREER_GUIDANCE, hours=6, min_age=11),
        quotas={"regional": 10},
    )

    numbers = iter(range(1, 100))

    def learner(cohort, code, **data):
        person = data.pop("person", {})
        first_nine = f"{200_000_000 + next(numbers)}"
        application = submit(
            cohort,
            data=applicant_data(
                categories=[unemployed],
                snils=first_nine + snils_check_digits(first_nine),
                **person,
            ),
            stream_code=code,
        )
        services.accept_application(application=application, actor=staff)
        services.enrol(application=application, actor=staff)
        services.start_studies(application=application, actor=staff)
        return application

    first = learner(po_cohort, "federal", person={"last_name": "Петров"})
    done = services.complete_studies(
        application=first,
        actor=staff,
        document=services.IssuedDocument(
            "ПО-1",
            datetime.date(2026, 11, 20),
            blank_series="СВ",
            blank_number="000101",
        ),
    )
    second = learner(po_cohort, "federal", person={"last_name": "Сидоров"})
    services.expel(
        application=second,
        actor=staff,
        reason="По собственному желанию",
        certificate=services.IssuedDocument(
            "ПО-2", datetime.date(2026, 11, 10), blank_number="000102"
        ),
    )
    duplicate = services.issue_duplicate(
        completion=done,
        actor=staff,
        document=services.IssuedDocument(
            "ПО-3",
            datetime.date(2026, 11, 27),
            blank_series="СВ",
            blank_number="000150",
        ),
        loss=Duplicate.Loss.POLICE,
    )
    third = learner(
        dpo_cohort, "personal", person={"last_name": "Кузнецова", "sex": "female"}
    )
    services.correct_applicant(
        applicant=third.applicant,
        actor=staff,
        changes={
            "prior_education": "higher",
            "prior_document_surname": "Кузнецова",
            "prior_document_series": "107718",
            "prior_document_number": "0123456",
        },
        reason="Диплом предъявлен",
    )
    services.complete_studies(
        application=third,
        actor=staff,
        document=services.IssuedDocument(
            "ДПО-1", datetime.date(2026, 11, 25), blank_number="772400001"
        ),
    )
    child = learner(
        guidance,
        "regional",
        person={
            "birth_date": datetime.date(2012, 1, 1),
            "representative_name": "Иванова Мария",
            "representative_phone": "+79123456780",
            "representative_relation": "mother",
        },
    )
    services.complete_studies(
        application=child,
        actor=staff,
        document=services.IssuedDocument("ПП-1", datetime.date(2026, 11, 26)),
    )
    # Enrolled with a СНИЛС that was later found wrong and cleared.
    Applicant.objects.filter(pk=second.applicant_id).update(snils="")
    # The groups studied in the past: their years go to the register.
    Cohort.objects.filter(pk=po_cohort.pk).update(
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 11, 20)
    )
    Cohort.objects.filter(pk=dpo_cohort.pk).update(
        starts_on=datetime.date(2025, 12, 1), ends_on=datetime.date(2026, 11, 25)
    )
    return {"first": first, "second": second, "duplicate": duplicate, "third": third}


@pytest.fixture
def manager(client, admin_user):
    client.force_login(admin_user)
    return admin_user


def download(client, template: str) -> list[tuple]:
    response = client.get(
        URL,
        {
            "format": "register",
            "template": template,
            "date_from": "2026-11-01",
            "date_to": "2026-11-30",
        },
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Шаблон"]
    return list(book["Шаблон"].iter_rows(values_only=True))


def as_dict(headers, row) -> dict:
    return {
        h.strip(): ("" if v is None else v) for h, v in zip(headers, row, strict=True)
    }


def test_the_headers_are_the_templates_own(client, manager, issued):
    po, dpo = download(client, "po"), download(client, "dpo")
    assert list(po[0]) == PO_HEADERS and len(PO_HEADERS) == 35
    assert list(dpo[0]) == DPO_HEADERS and len(DPO_HEADERS) == 40


def test_the_headers_match_the_shared_description_of_the_templates():
    """The same headers as read from the official files (FIS-FRDO.md), where
    the description is at hand; the lists above are its copy."""
    text = SHARED.read_text(encoding="utf-8") if SHARED.exists() else ""
    for section, ours in (
        ("ПО: 35", register.headers("po")),
        ("ДПО: 40", register.headers("dpo")),
    ):
        if not text:
            assert ours == (PO_HEADERS if section.startswith("ПО") else DPO_HEADERS)
            continue
        block = text.split(f"## {section} columns")[1].split("###")[0]
        theirs = [
            ast.literal_eval(m)
            for m in re.findall(r"^- [A-Z]+: ('(?:[^'\\]|\\.)*')", block, re.M)
        ]
        assert ours == theirs


def test_an_original_column_by_column(client, manager, issued):
    rows = download(client, "po")
    assert len(rows) == 1 + 3  # two originals and the duplicate; no participation
    first = as_dict(rows[0], rows[1 + 1])  # by date: ПО-2 (10.11), ПО-1 (20.11)
    assert first == {
        "Вид документа": "Свидетельство о профессии рабочего, должности служащего",
        "Статус документа": "Оригинал",
        "Подтверждение утраты": "Нет",
        "Подтверждение обмена": "Нет",
        "Подтверждение уничтожения": "Нет",
        "Серия документа": "СВ",
        "Номер документа": "000101",
        "Дата выдачи документа": datetime.datetime(2026, 11, 20),
        "Регистрационный номер": "ПО-1",
        "Программа профессионального обучения, направление подготовки": (
            "Программа профессиональной подготовки по профессии рабочего, должности "
            "служащего"
        ),
        "Наименование программы профессионального обучения": "Сварщик ручной дуговой сварки",
        "Наименование \nпрофессий рабочих, должностей служащих": (
            "Сварщик ручной дуговой сварки плавящимся покрытым электродом"
        ),
        "Присвоенный квалификационный разряд, класс, категория (при наличии)": "3",
        "Год начала обучения": 2026,
        "Год окончания обучения": 2026,
        "Срок обучения, часов": 320,
        "Фамилия получателя": "Петров",
        "Имя получателя": "Пётр",
        "Отчество получателя": "Сергеевич",
        "Дата рождения получателя": datetime.datetime(1990, 5, 17),
        "Пол получателя": "Муж",
        "СНИЛС": format_snils(issued["first"].applicant.snils),
        "Гражданство получателя (код страны по ОКСМ)": "643",
        "Форма обучения": "Очная",
        "Источник финансирования обучения": "Федеральный бюджет",
        "Форма получения образования на момент прекращения образовательных отношений": (
            "в образовательной организации"
        ),
        "Наименование документа об образовании (оригинала)": "",
        "Серия (оригинала)": "",
        "Номер (оригинала)": "",
        "Регистрационный N (оригинала)": "",
        "Дата выдачи (оригинала)": "",
        "Фамилия получателя (оригинала)": "",
        "Имя получателя (оригинала)": "",
        "Отчество получателя (оригинала)": "",
        "Номер документа для изменения": "",
    }


def test_a_duplicate_carries_the_originals_particulars(client, manager, issued):
    rows = download(client, "po")
    duplicate = as_dict(rows[0], rows[3])
    assert duplicate["Статус документа"] == "Дубликат"
    assert duplicate["Подтверждение утраты"] == "Справка из органов внутренних дел"
    assert duplicate["Регистрационный номер"] == "ПО-3"
    assert duplicate["Номер документа"] == "000150"
    assert duplicate["Наименование документа об образовании (оригинала)"] == (
        "Свидетельство о профессии рабочего, должности служащего"
    )
    assert duplicate["Регистрационный N (оригинала)"] == "ПО-1"
    assert duplicate["Номер (оригинала)"] == "000101"
    assert duplicate["Дата выдачи (оригинала)"] == datetime.datetime(2026, 11, 20)
    assert duplicate["Фамилия получателя (оригинала)"] == "Петров"
    certificate = as_dict(rows[0], rows[1])
    assert certificate["Вид документа"] == "Справка об обучении"


def test_a_further_education_diploma_column_by_column(client, manager, issued):
    rows = download(client, "dpo")
    assert len(rows) == 2
    row = as_dict(rows[0], rows[1])
    assert row["Вид документа"] == "Диплом о профессиональной переподготовке"
    assert (
        row[
            "Дополнительная профессиональная программа (повышение квалификации/ "
            "профессиональная переподготовка)"
        ]
        == "Профессиональная переподготовка"
    )
    assert row["Наименование области профессиональной деятельности"] == (
        "Производство машин и оборудования"
    )
    assert row["Укрупненные группы специальностей"] == "Машиностроение"
    assert row["Наименование квалификации, профессии, специальности"] == (
        "Инженер-конструктор в машиностроении"
    )
    assert row["Уровень образования ВО/СПО"] == "Высшее образование"
    assert row["Фамилия указанная в дипломе о ВО или СПО"] == "Кузнецова"
    assert row["Серия документа о ВО/СПО"] == "107718"
    assert row["Номер документа о ВО/СПО"] == "0123456"
    assert row["Год начала обучения (для документа о квалификации)"] == 2025
    assert row["Год окончания обучения (для документа о квалификации)"] == 2026
    assert row["Срок обучения, часов (для документа о квалификации)"] == 260
    assert row["Пол получателя"] == "Жен"
    assert row["Форма обучения"] == "Очно-заочная (вечерняя)"
    assert row["Источник финансирования обучения"] == "Платное обучение"
    assert row["Гражданство получателя (код страны по ОКСМ)"] == "643"


@pytest.mark.parametrize(("template", "lists"), [("po", PO_LISTS), ("dpo", DPO_LISTS)])
def test_every_listed_value_is_one_the_template_allows(
    client, manager, issued, template, lists
):
    rows = download(client, template)
    for row in rows[1:]:
        values = as_dict(rows[0], row)
        for column, allowed in lists.items():
            value = values[column]
            assert value in allowed, (
                column,
                value,
            )


def test_the_check_lists_who_lacks_what_with_links_to_fix_it(client, manager, issued):
    response = client.get(
        URL,
        {
            "format": "register-check",
            "template": "po",
            "date_from": "2026-11-01",
            "date_to": "2026-11-30",
        },
    )
    assert response.status_code == 200
    assert (response.context["rows"], response.context["ready"]) == (3, 2)
    ((entry, problem),) = response.context["problems"]
    assert entry.applicant.full_name.startswith("Сидоров")
    assert problem.field == "СНИЛС"
    correct = f"/admin/enrollment/applicant/{issued['second'].applicant_id}/correct/"
    assert problem.fix_url == correct
    html = response.content.decode()
    assert correct in html and "format=register" in html


def test_a_program_without_its_register_fields_is_named(client, manager, issued):
    program = issued["third"].cohort.program
    program.professional_area = ""
    program.save()
    response = client.get(
        URL,
        {"format": "register-check", "template": "dpo", "date_from": "2026-11-01"},
    )
    problems = response.context["problems"]
    assert [p.field for _entry, p in problems] == [
        "Область профессиональной деятельности"
    ]
    assert problems[0][1].fix_url == f"/admin/programs/program/{program.pk}/change/"


@pytest.mark.parametrize("template", ["po", "dpo"])
def test_the_check_in_sql_finds_what_the_rows_check_finds(issued, template):
    from enrollment.models import Completion

    # Break a few things the rules look at, on both kinds of program.
    Applicant.objects.filter(pk=issued["third"].applicant_id).update(
        prior_document_number="", citizenship="6X3"
    )
    Completion.objects.filter(application=issued["first"]).update(blank_number="")
    every = register.originals(Completion.objects.all(), template)
    in_python = {
        c.pk
        for c in every.select_related(*register.RELATED)
        if register.check(register.Entry(c))
    }
    in_sql = set(
        every.filter(register.problem_q(template)).values_list("pk", flat=True)
    )
    assert in_sql == in_python and in_sql


def submitted_in_november(issued) -> None:
    """The learners applied on 5 November 2026 (whatever day the test runs)."""
    from enrollment.models import Application

    Application.objects.update(
        submitted_at=datetime.datetime(2026, 11, 5, 12, 0, tzinfo=MSK)
    )


def check_page(client, template: str, first: str, last: str):
    return client.get(
        URL,
        {
            "format": "register-check",
            "template": template,
            "date_from": first,
            "date_to": last,
        },
    )


def test_the_check_says_which_completions_of_the_period_are_elsewhere(
    client, manager, issued
):
    submitted_in_november(issued)
    # Three learners who applied in November completed: a ПО certificate (in
    # this register), a ДПО diploma (in the other), a certificate of
    # participation (never reported). The one expelled did not complete.
    po = check_page(client, "po", "2026-11-01", "2026-11-30").context["left_out"]
    assert (po.completed, po.listed) == (3, 1)
    assert (po.other_template, po.participation) == (1, 1)
    assert (po.issued_outside, po.no_document) == (0, 0)
    dpo = check_page(client, "dpo", "2026-11-01", "2026-11-30").context["left_out"]
    assert (dpo.completed, dpo.listed, dpo.other_template) == (3, 1, 1)


def test_an_empty_register_explains_the_completions_it_leaves_out(
    client, manager, issued
):
    submitted_in_november(issued)
    # The certificate of 20 November is not in a register up to the 19th.
    response = check_page(client, "po", "2026-11-01", "2026-11-19")
    left_out = response.context["left_out"]
    assert (left_out.completed, left_out.listed, left_out.issued_outside) == (3, 0, 1)
    assert (left_out.outside_from, left_out.outside_to) == (
        datetime.date(2026, 11, 20),
        datetime.date(2026, 11, 20),
    )
    html = response.content.decode()
    assert "Завершили обучение по заявкам, поданным в периоде: 3" in html
    assert "из них в этом реестре: 0" in html
    assert "документ выдан вне периода" in html and ": 1" in html
    # A link to the register of the days those documents were issued.
    assert "date_from=2026-11-20&amp;date_to=2026-11-20" in html
    assert "реестр с 20.11.2026 по 20.11.2026" in html
    assert "программа другого реестра — дополнительное профессиональное" in html
    assert "сертификат участника профориентации" in html


def test_a_completion_without_a_document_is_named(client, manager, issued):
    from enrollment.models import Application

    # Completed by hand, outside the services: no document recorded.
    lost = submit(
        issued["first"].cohort,
        data=applicant_data(
            categories=[LearnerCategory.objects.get(code="unemployed")]
        ),
        stream_code="federal",
    )
    Application.objects.filter(pk=lost.pk).update(reached_completion=True)
    submitted_in_november(issued)
    response = check_page(client, "po", "2026-11-01", "2026-11-30")
    assert response.context["left_out"].no_document == 1
    assert "в заявке не записан выданный документ: 1" in response.content.decode()


def test_nothing_is_explained_when_every_completion_is_listed(client, manager, issued):
    submitted_in_november(issued)
    Cohort.objects.exclude(program__kind=ProgramKind.PO_TRAINING).update(
        status=Cohort.Status.CANCELLED
    )
    from enrollment.models import Application

    Application.objects.exclude(cohort__program__kind=ProgramKind.PO_TRAINING).update(
        reached_completion=False
    )
    response = check_page(client, "po", "2026-11-01", "2026-11-30")
    assert response.context["left_out"].left_out == 0
    assert "register-left-out" not in response.content.decode()


def test_the_check_counts_what_is_missing_by_field(
    client, manager, issued, django_assert_max_num_queries
):
    from enrollment.models import Completion

    Completion.objects.filter(application=issued["first"]).update(blank_number="")
    with django_assert_max_num_queries(20):
        response = check_page(client, "po", "2026-11-01", "2026-11-30")
    # Сидоров lacks his СНИЛС; Петров's certificate and its duplicate lack
    # nothing but the original's blank number.
    assert response.context["by_field"] == [("СНИЛС", 1), ("Номер бланка", 1)]
    html = response.content.decode()
    assert "Чего не хватает и в скольких документах:" in html
    assert "<li>СНИЛС — 1</li>" in html
