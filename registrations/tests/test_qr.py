import uuid

import pytest

from registrations import qr

KEY_A = "a" * 32 + "-first-signing-key"
KEY_B = "b" * 32 + "-second-signing-key"


@pytest.fixture
def keys(settings):
    settings.QR_SIGNING_KEYS = [KEY_A]
    return settings


def test_sign_then_verify_returns_the_registration_id(keys):
    rid = uuid.uuid4()
    code = qr.sign(rid)
    assert code.startswith("EH1.")
    assert len(code) == 49
    assert qr.verify(code) == rid


def test_verify_rejects_a_tampered_id(keys):
    code = qr.sign(uuid.uuid4())
    prefix, _, tag = code.split(".")
    other = qr.sign(uuid.uuid4()).split(".")[1]
    assert qr.verify(f"{prefix}.{other}.{tag}") is None


def test_verify_rejects_a_tampered_tag(keys):
    code = qr.sign(uuid.uuid4())
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert qr.verify(flipped) is None


@pytest.mark.parametrize("cut", [1, 5, 23])
def test_verify_rejects_a_truncated_code(keys, cut):
    assert qr.verify(qr.sign(uuid.uuid4())[:-cut]) is None


@pytest.mark.parametrize("junk", ["", "EH1", "EH1..", "EH2.abc.def", "x" * 500, None, 12, "EH1.!!!.???"])
def test_verify_rejects_junk(keys, junk):
    assert qr.verify(junk) is None


def test_verify_rejects_a_code_signed_with_an_unknown_key(settings):
    settings.QR_SIGNING_KEYS = [KEY_B]
    code = qr.sign(uuid.uuid4())
    settings.QR_SIGNING_KEYS = [KEY_A]
    assert qr.verify(code) is None


def test_rotation_signs_with_the_newest_and_accepts_the_retired_key(settings):
    rid = uuid.uuid4()
    settings.QR_SIGNING_KEYS = [KEY_A]
    old_code = qr.sign(rid)
    settings.QR_SIGNING_KEYS = [KEY_B, KEY_A]
    new_code = qr.sign(rid)
    assert new_code != old_code
    assert qr.verify(old_code) == rid
    assert qr.verify(new_code) == rid
    settings.QR_SIGNING_KEYS = [KEY_B]
    assert qr.verify(old_code) is None


def test_png_and_svg_render_the_code(keys):
    code = qr.sign(uuid.uuid4())
    assert qr.render_png(code).startswith(b"\x89PNG\r\n\x1a\n")
    svg = qr.render_svg(code)
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:200]
