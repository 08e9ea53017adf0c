"""The Indonesian catalog: complete, faithful to its placeholders, in step with the code, compiled as committed."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
# What `make messages` leaves out of the scan, plus what a copy of the tree does not need.
NOT_SCANNED = (".git", ".venv", "frontend", "var", "node_modules", "__pycache__", "*.mo")


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _key(msgid: str, msgctxt: str | None) -> str:
    return f"{msgctxt}\x04{msgid}" if msgctxt else msgid


def test_every_indonesian_message_is_translated_and_none_is_fuzzy():
    po = _po("id")

    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert len(po.translated_entries()) > 400


def test_indonesian_has_one_plural_form_and_every_plural_message_fills_it():
    po = _po("id")

    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    plurals = [entry for entry in po if entry.msgid_plural and not entry.obsolete]
    assert plurals
    assert [entry.msgid for entry in plurals if list(entry.msgstr_plural) != [0]] == []


def test_each_translation_keeps_the_placeholders_of_its_source():
    wrong = []
    for entry in _po("id").translated_entries():
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if sorted(set(PLACEHOLDER.findall(text))) != expected:
                wrong.append((entry.msgid, text))

    assert wrong == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_committed_mo_holds_exactly_the_translations_of_the_po(language):
    expected = {}
    for entry in _po(language).translated_entries():
        key = _key(entry.msgid, entry.msgctxt)
        if entry.msgid_plural:
            expected |= {(key, n): text for n, text in entry.msgstr_plural.items()}
        else:
            expected[key] = entry.msgstr

    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        # Python's own reader, independent of the .po parser: msgid, or (msgid, n) for plurals, → text.
        compiled = dict(gettext.GNUTranslations(mo)._catalog)
    compiled.pop("", None)  # the header

    assert compiled == expected


def test_the_catalog_holds_every_message_the_code_marks_and_no_other(tmp_path):
    """`make messages` on a copy of the tree would neither add nor retire a message."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        reason = "GNU gettext is not installed (apt-get install -y gettext)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true: the catalog check must run", pytrace=False)
        pytest.skip(reason)
    tree = tmp_path / "tree"
    shutil.copytree(settings.BASE_DIR, tree, ignore=shutil.ignore_patterns(*NOT_SCANNED))

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "id", "--verbosity", "0"],
        cwd=tree, check=True, capture_output=True, timeout=120,
        env={**os.environ, "VAR_DIR": str(tmp_path / "var")},
    )

    def messages(po: polib.POFile) -> set:
        return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}

    fresh = messages(polib.pofile(str(tree / "locale" / "id" / "LC_MESSAGES" / "django.po")))
    committed = messages(_po("id"))
    assert {"missing from the catalog": fresh - committed, "no longer in the code": committed - fresh} == {
        "missing from the catalog": set(), "no longer in the code": set()}
