"""Apps import downwards only (DESIGN.md §2): an app may use the apps below it, never one above
or beside it; the project package's generic helpers use no app. Imports inside functions count:
a lazy import is still a dependency."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lower numbers sit lower. Apps on one level must not import each other either.
LEVELS = {"home": 0, "deputies": 1, "submissions": 2, "disclosure": 4, "privacy": 5}
LEVELS |= {"accounts": 3, "notifications": 3, "visits": 3, "mycases": 4}
# portal is the project package: its settings, URLs, admin branding and seed_demo sit on top
# of every app; these modules are generic helpers that apps import, so they import no app.
PORTAL_HELPERS = [
    "columns",
    "exports",
    "generations",
    "menu",
    "ratelimit",
    "spreadsheets",
    "xlsx_print",
]


def imported_apps(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LEVELS:
                yield node.lineno, top


def modules(app):
    return sorted((ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", sorted(LEVELS))
def test_an_app_imports_only_the_apps_below_it(app):
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in modules(app)
        for line, other in imported_apps(path)
        if other != app and LEVELS[other] >= LEVELS[app]
    ]
    assert not upward


@pytest.mark.parametrize("name", PORTAL_HELPERS)
def test_the_project_packages_helpers_import_no_app(name):
    path = ROOT / "portal" / f"{name}.py"
    assert path.exists(), path
    assert not list(imported_apps(path))


def test_the_check_sees_a_lazy_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from visits.models import Visit\n    return Visit\n")
    assert list(imported_apps(module)) == [(2, "visits")]


def tag_libraries():
    """{library name: the app that defines it} for the project's template tag libraries."""
    return {
        path.stem: app
        for app in LEVELS
        for path in (ROOT / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


@pytest.mark.parametrize("app", sorted(LEVELS))
def test_an_apps_templates_load_only_tags_from_the_apps_below_it(app):
    libraries = tag_libraries()
    upward = []
    for path in sorted((ROOT / "templates" / app).rglob("*.html")):
        for line in path.read_text().splitlines():
            for tag in line.split("{% load ")[1:]:
                for name in tag.split("%}")[0].split():
                    other = libraries.get(name)
                    if other and other != app and LEVELS[other] >= LEVELS[app]:
                        upward.append(f"{path.relative_to(ROOT)} loads {name} ({other})")
    assert not upward
