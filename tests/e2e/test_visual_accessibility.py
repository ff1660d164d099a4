"""What a person with low vision sees, measured in the browser at a phone's and a
laptop's size (390×844, 1366×900), in the regular version and in each colour
scheme of the version for the visually impaired.

- Every form control's edge keeps 3:1 against what is behind it (WCAG 1.4.11),
  on every public form.
- Drop-downs keep a visible arrow and placeholders stay legible (4.5:1).
- The largest type lays the page out in one column and breaks a long word only
  between syllables, with a hyphen.
- On a phone the settings of the version fold, so that the page starts on the
  first screen.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from enrollment.models import ApplicationStatus
from programs.models import Cohort, FundingSource, ProgramKind
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import keep_if_failed
from tests.e2e.conftest import open_page as open_watched_page
from tests.factories import (
    CohortFactory,
    DirectionFactory,
    ProgramFactory,
    applicant_data,
    submit,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 900)}
# The regular version, then each scheme of the version for the visually impaired.
VERSIONS = {
    "regular": None,
    "black on white": "scheme=bw&size=1",
    "white on black": "scheme=wb&size=1",
    "dark blue on light blue": "scheme=blue&size=1",
}
LARGEST = "size=3&scheme=bw"


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """Transactional tests lose the rows of data migrations; put them back."""


@pytest.fixture
def site():
    """A program with long Russian words, an open group, and an application
    offered a paid seat: its page has every form an applicant meets."""
    direction = DirectionFactory(
        name="Мехатроника и обслуживание оборудования", slug="mechatronics"
    )
    program = ProgramFactory(
        direction=direction,
        title=(
            "Электромонтёр по ремонту и обслуживанию электрооборудования: "
            "повышение квалификации"
        ),
        slug="electrician",
        kind=ProgramKind.PO_UPGRADE,
        hours=96,
        price=29000,
        summary=(
            "Повышение квалификации электромонтёров: электроприводы станков, "
            "частотные преобразователи и поиск неисправностей."
        ),
        description=(
            "Слушатели изучают электрооборудование металлорежущих станков, "
            "частотно-регулируемый привод, устройства защиты и методы поиска "
            "неисправностей в цепях управления."
        ),
    )
    program.funding_sources.set(FundingSource.objects.filter(code="personal"))
    cohort = CohortFactory(
        program=program,
        code="ELM-03",
        admission_mode=Cohort.AdmissionMode.FIRST_COME,
        quotas={"personal": 8},
        starts_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    ProgramFactory(
        direction=direction,
        title="Наладчик автоматизированных линий машиностроительного производства",
        slug="line-setter",
    )
    application = submit(
        cohort,
        stream_code="personal",
        data=applicant_data(last_name="Белова", first_name="Ольга", sex="female"),
    )
    assert application.status == ApplicationStatus.OFFERED
    return {"program": program, "cohort": cohort, "application": application}


def forms_of(site) -> dict[str, str]:
    """Every public page with a form. The consent texts have none."""
    return {
        "catalog": "/programs/",
        "eligibility check": f"/programs/{site['program'].slug}/eligibility/",
        "application form": f"/apply/{site['cohort'].pk}/",
        "lost link": "/applications/lost-link/",
        "applicant's page": site["application"].get_absolute_url(),
    }


@pytest.fixture
def visit(request, browser, live_server):
    """A fresh browser at a size, in a version; the page it opens."""
    opened = []

    def open_page(viewport: str, version: str | None = None):
        width, height = VIEWPORTS[viewport]
        context, page, blocked = open_watched_page(
            browser, live_server.url, width, height
        )
        if version:
            page.goto(f"/accessibility/?{version}&next=/")
        opened.append((context, page, blocked))
        return page

    yield open_page
    for index, (context, page, blocked) in enumerate(opened):
        keep_if_failed(request, page, suffix=f"-{index}")
        context.close()
        assert blocked == [], "blocked by the Content-Security-Policy"


def unfold(page) -> None:
    """Open what a page folds, so that every control in it is seen: the
    catalog's filters on a phone, the <details> of the applicant's page."""
    toggle = page.locator("[aria-controls='filters']")
    if toggle.count() and toggle.is_visible():
        toggle.click()
        expect(page.locator("#filters")).to_be_visible()
    page.evaluate(
        "() => document.querySelectorAll('main details').forEach(d => d.open = true)"
    )


# Colours as the browser computes them, composited over what is behind.
COLOUR_TOOLS = r"""
const parse = (value) => {
  const m = /rgba?\(([^)]*)\)/.exec(value);
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const hex = (value) => {
  const h = value.replace("#", "");
  const full = h.length === 3 ? [...h].map(c => c + c).join("") : h;
  return [0, 2, 4].map(i => parseInt(full.slice(i, i + 2), 16)).concat(1);
};
const over = (top, bottom) =>
  [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map(v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return Math.round((x + 0.05) / (y + 0.05) * 100) / 100;
};
// What is behind an element: its ancestors' backgrounds up to the first
// opaque one, composited over the white canvas.
const behind = (element) => {
  const layers = [];
  for (let e = element.parentElement; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) {
      layers.push(c);
      if (c[3] >= 1) break;
    }
  }
  return layers.reverse().reduce((acc, layer) => over(layer, acc), [255, 255, 255, 1]);
};
const own = (element) => over(parse(getComputedStyle(element).backgroundColor), behind(element));
const visible = (e) => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && !e.disabled &&
    e.checkVisibility({opacityProperty: true, visibilityProperty: true});
};
const name = (e) => (e.id ? "#" + e.id : `${e.tagName.toLowerCase()}[name=${e.name}]`) +
  (e.type && e.tagName === "INPUT" ? ` (${e.type})` : "");
const CONTROLS = "input:not([type=hidden], [type=submit], [type=button], [type=reset], [type=image]), select, textarea";
"""

BORDERS = (
    "() => {"
    + COLOUR_TOOLS
    + r"""
  return [...document.querySelectorAll(CONTROLS)].filter(visible).map(e => {
    const style = getComputedStyle(e);
    const sides = ["Top", "Right", "Bottom", "Left"].filter(side =>
      parseFloat(style[`border${side}Width`]) > 0 && style[`border${side}Style`] !== "none");
    if (!sides.length) {
      // A control the browser draws itself has its own edge; one styled
      // without a border has none.
      return {control: name(e), ratio: style.appearance === "none" ? 0 : null};
    }
    const back = behind(e);
    const ratios = sides.map(side => contrast(over(parse(style[`border${side}Color`]), back), back));
    return {control: name(e), ratio: Math.min(...ratios)};
  });
}"""
)

ARROWS_AND_PLACEHOLDERS = (
    "() => {"
    + COLOUR_TOOLS
    + r"""
  const selects = [...document.querySelectorAll("select")]
    .filter(e => visible(e) && !e.multiple && !(e.size > 1))
    .map(e => {
      const style = getComputedStyle(e);
      const image = style.backgroundImage;
      const stroke = /stroke='(#[0-9a-f]{3,6})'/i.exec(decodeURIComponent(image));
      return {
        control: name(e),
        image,
        native: style.appearance !== "none",
        arrow: stroke ? contrast(hex(stroke[1]), own(e)) : null,
      };
    });
  const placeholders = [...document.querySelectorAll("input[placeholder], textarea[placeholder]")]
    .filter(e => visible(e) && !e.value)
    .map(e => {
      const style = getComputedStyle(e, "::placeholder");
      const colour = parse(style.color);
      colour[3] *= parseFloat(style.opacity);
      const back = own(e);
      return {control: name(e), ratio: contrast(over(colour, back), back)};
    });
  return {selects, placeholders};
}"""
)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_form_controls_edge_keeps_3_to_1_against_the_page(visit, site, viewport):
    weak, counted = [], {}
    for version, switch in VERSIONS.items():
        page = visit(viewport, switch)
        for form, path in forms_of(site).items():
            page.goto(path)
            unfold(page)
            controls = page.evaluate(BORDERS)
            counted[form] = len(controls)
            weak += [
                f"{form}, {version}: {c['control']} {c['ratio']}:1"
                for c in controls
                if c["ratio"] is not None and c["ratio"] < 3
            ]
            if form == "applicant's page":
                seen = {c["control"].split(" ")[0] for c in controls}
                # The upload, the customer's details and the answer to the offer.
                assert {"#id_kind", "#id_file", "#confirm-decline"} <= seen, seen
                assert any(c.startswith("#id_address") for c in seen), seen
    assert all(counted.values()), counted
    assert weak == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_drop_downs_keep_their_arrow_and_placeholders_stay_legible(
    visit, site, viewport
):
    faults, selects, placeholders = [], 0, 0
    for version, switch in VERSIONS.items():
        page = visit(viewport, switch)
        for form, path in forms_of(site).items():
            page.goto(path)
            unfold(page)
            found = page.evaluate(ARROWS_AND_PLACEHOLDERS)
            selects += len(found["selects"])
            placeholders += len(found["placeholders"])
            for select in found["selects"]:
                if select["native"]:
                    continue  # the browser draws its own arrow
                if select["image"] == "none":
                    faults.append(f"{form}, {version}: {select['control']} no arrow")
                elif select["arrow"] is not None and select["arrow"] < 3:
                    faults.append(
                        f"{form}, {version}: {select['control']} "
                        f"arrow {select['arrow']}:1"
                    )
            faults += [
                f"{form}, {version}: {p['control']} placeholder {p['ratio']}:1"
                for p in found["placeholders"]
                if p["ratio"] < 4.5
            ]
    assert selects and placeholders
    assert faults == []


# --- The largest type -----------------------------------------------------------

TOO_WIDE = r"""() => {
  const width = document.documentElement.clientWidth;
  const describe = (e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "");
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => !e.closest(".visually-hidden, .visually-hidden-focusable"))
    .filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > width + 1 || r.left < -1);
    })
    .map(describe);
  const scrolling = [...document.querySelectorAll("body *")]
    .filter(e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
    .map(describe);
  if (document.documentElement.scrollWidth > width + 1) scrolling.push("the page");
  return [...wide.slice(0, 5), ...scrolling.slice(0, 5)];
}"""

SIDE_BY_SIDE = r"""() => {
  const describe = (e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "");
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // Bootstrap's rows and any grid: their visible cells one under another.
  const containers = [...document.querySelectorAll("main *")].filter(e =>
    e.classList.contains("row") || ["grid", "inline-grid"].includes(getComputedStyle(e).display));
  const pairs = [];
  let columns = 0;
  for (const row of containers) {
    const cells = [...row.children].filter(shown);
    if (cells.length > 1) columns += 1;
    for (let i = 1; i < cells.length; i++) {
      if (cells[i].getBoundingClientRect().top < cells[i - 1].getBoundingClientRect().bottom - 1) {
        pairs.push(describe(cells[i - 1]) + " beside " + describe(cells[i]));
      }
    }
  }
  const asides = [...document.querySelectorAll("main aside")].filter(shown).map(aside => {
    const main = aside.previousElementSibling;
    return {aside: describe(aside), main: main && describe(main),
            below: !main || aside.getBoundingClientRect().top >= main.getBoundingClientRect().bottom - 1};
  });
  return {pairs, asides, columns};
}"""

# A word broken across lines is broken between syllables, with a hyphen, when
# the break stays once the last resort (overflow-wrap) is taken away: it is then
# the browser's hyphenation, a soft hyphen, or a hyphen of the word itself.
BROKEN_WORDS = r"""() => {
  const WORD = /^\p{P}*[\p{L}\u00AD-]+\p{P}*$/u;
  const lines = (range) => {
    const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top).sort((a, b) => a - b);
    return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 2).length;
  };
  const rangeOf = (node, start, end) => { const r = new Range(); r.setStart(node, start); r.setEnd(node, end); return r; };
  const broken = [], noHyphens = new Set();
  let words = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest("script, style, select, option, textarea, .visually-hidden, .visually-hidden-focusable")) continue;
    if (!node.data.trim() || !parent.checkVisibility()) continue;
    if (getComputedStyle(parent).hyphens !== "auto") noHyphens.add(parent.tagName.toLowerCase() + "." + parent.className);
    for (const match of node.data.matchAll(/\S+/g)) {
      if (!WORD.test(match[0]) || match[0].replace(/[^\p{L}]/gu, "").length < 2) continue;
      words += 1;
      const start = match.index, end = start + match[0].length;
      if (lines(rangeOf(node, start, end)) > 1) broken.push({node, parent, start, end});
    }
  }
  const unhyphenated = [];
  for (const {node, parent, start, end} of broken) {
    const style = parent.style;
    const saved = ["overflow-wrap", "word-break"].map(p => [p, style.getPropertyValue(p), style.getPropertyPriority(p)]);
    style.setProperty("overflow-wrap", "normal", "important");
    style.setProperty("word-break", "normal", "important");
    if (lines(rangeOf(node, start, end)) < 2) {
      unhyphenated.push(node.data.slice(start, end).replace(/\u00AD/g, "|"));
    }
    for (const [p, value, priority] of saved) {
      if (value) style.setProperty(p, value, priority); else style.removeProperty(p);
    }
  }
  return {words, broken: broken.length, unhyphenated, noHyphens: [...noHyphens].slice(0, 5)};
}"""


def largest_type_pages(site) -> dict[str, tuple[str, str]]:
    """Page: (path, the language its <html lang> must name)."""
    return {
        "program": (f"/programs/{site['program'].slug}/", "ru"),
        "catalog": ("/programs/", "ru"),
        "application form": (f"/apply/{site['cohort'].pk}/", "ru"),
        "program in English": (f"/en/programs/{site['program'].slug}/", "en"),
        "application form in English": (f"/en/apply/{site['cohort'].pk}/", "en"),
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_largest_type_is_one_column_and_breaks_words_only_with_a_hyphen(
    visit, site, viewport
):
    page = visit(viewport, LARGEST)
    faults, broken_with_hyphen = [], 0
    for name, (path, language) in largest_type_pages(site).items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_class(re.compile(r"\ba11y-size-3\b"))
        if wide := page.evaluate(TOO_WIDE):
            faults.append(f"{name}: wider than the screen: {wide}")
        layout = page.evaluate(SIDE_BY_SIDE)
        if layout["pairs"]:
            faults.append(f"{name}: side by side: {layout['pairs']}")
        faults += [
            f"{name}: {a['aside']} beside {a['main']}"
            for a in layout["asides"]
            if not a["below"]
        ]
        assert layout["columns"], f"{name}: no layout of columns is found"
        words = page.evaluate(BROKEN_WORDS)
        assert words["words"] > 50, name
        broken_with_hyphen += words["broken"] - len(words["unhyphenated"])
        if words["unhyphenated"]:
            faults.append(f"{name}: broken without a hyphen: {words['unhyphenated']}")
        if words["noHyphens"]:
            faults.append(f"{name}: no hyphenation in {words['noHyphens']}")
    assert faults == []
    if viewport == "phone":
        # Long words do not fit a phone's line at this size: they were broken,
        # each with its hyphen.
        assert broken_with_hyphen > 0


def test_the_catalogs_filters_fold_above_the_results_in_the_largest_type(visit, site):
    """The filters come before the results in reading and tab order; in the
    largest type they fold behind «Фильтры», as on a phone, instead of
    squeezing beside the results, and unfold across the whole width."""
    page = visit("laptop", LARGEST)
    page.goto("/programs/")
    filters = page.locator("#filters")
    expect(filters).to_be_hidden()
    toggle = page.get_by_role("button", name="Фильтры", exact=True)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(filters).to_have_class(re.compile(r"\bcollapse show\b"))  # unfolded
    results = page.locator("[aria-labelledby='results-title']").bounding_box()
    panel = page.locator("aside:has(#filters)").bounding_box()
    assert panel["y"] + panel["height"] <= results["y"] + 1
    assert panel["width"] >= results["width"] - 1


# --- The settings on a phone ----------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3])
def test_on_a_phone_the_settings_fold_and_the_page_starts_on_the_first_screen(
    visit, site, size
):
    page = visit("phone", f"size={size}&scheme=wb")
    summary = page.locator(".a11y-settings > summary")
    size_group = page.get_by_role("group", name="Размер шрифта")
    for path in (
        f"/programs/{site['program'].slug}/",
        "/programs/",
        f"/apply/{site['cohort'].pk}/",
    ):
        page.goto(path)
        expect(summary).to_be_visible()
        expect(size_group).to_be_hidden()
        # The way back to the regular version stays in sight.
        expect(page.get_by_role("link", name="Обычная версия")).to_be_visible()
        heading = page.locator("h1").bounding_box()
        line = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('h1')).lineHeight)"
        )
        assert heading["y"] + line <= VIEWPORTS["phone"][1], (path, heading)

        summary.click()
        expect(size_group).to_be_visible()
        expect(page.get_by_role("group", name="Цвета")).to_be_visible()
        expect(page.get_by_role("group", name="Изображения")).to_be_visible()
    # Open, the settings work as before.
    size_group.get_by_role("link", name="обычный").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y-size-1\b"))


def test_on_a_laptop_the_settings_are_open_without_a_click(visit, site):
    page = visit("laptop", "size=3&scheme=blue")
    page.goto("/programs/")
    expect(page.get_by_role("group", name="Размер шрифта")).to_be_visible()
    expect(page.locator(".a11y-settings > summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Обычная версия")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_serious_in_the_largest_type(visit, site, viewport):
    found = {}
    for scheme in ("bw", "wb", "blue"):
        page = visit(viewport, f"size=3&scheme={scheme}")
        for name, (path, _language) in largest_type_pages(site).items():
            page.goto(path)
            if violations := axe_violations(page):
                found[f"{name}, {scheme}"] = violations
        page.goto(site["application"].get_absolute_url())
        unfold(page)
        if violations := axe_violations(page):
            found[f"applicant's page, {scheme}"] = violations
    if viewport == "phone":
        page = visit("phone", "size=3&scheme=wb")
        page.goto("/programs/")
        page.locator(".a11y-settings > summary").click()
        if violations := axe_violations(page):
            found["catalog, settings unfolded"] = violations
    assert found == {}
