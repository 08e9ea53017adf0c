import pytest

from files.names import MAX_LENGTH, clean, display_name

PDF = {"extension": "pdf", "extensions": frozenset({"pdf"})}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\windows\\system32\\config.pdf", "config.pdf"),
        ("C:\\Users\\budi\\KTP.pdf", "KTP.pdf"),
        ("..", "file.pdf"),
        ("", "file.pdf"),
        (".bashrc", "bashrc.pdf"),
        ("/", "file.pdf"),
        ("ｆｕｌｌ／ｗｉｄｔｈ.pdf", "width.pdf"),
        ("a\x00b\x07c\x7f\x1b[31m.pdf", "abc[31m.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),
        ('tiket "VIP" <1>.pdf', "tiket _VIP_ _1_.pdf"),
        ("laporan.exe", "laporan.exe.pdf"),
        ("Surat  Tugas\t2025 .PDF", "Surat Tugas 2025.PDF"),
        ("CON.pdf", "_CON.pdf"),
        ("kartu pelajar. . .", "kartu pelajar.pdf"),
    ],
)
def test_display_name_keeps_only_a_safe_last_part(raw, expected):
    assert display_name(raw, **PDF) == expected


def test_display_name_normalises_unicode_to_one_form():
    decomposed = "Bu\u0301di\u0301 KTP.pdf"  # combining acute accents
    assert display_name(decomposed, **PDF) == "Búdí KTP.pdf"
    assert display_name("résumé – 履歴書.pdf", **PDF) == "résumé – 履歴書.pdf"


def test_display_name_shortens_long_names_but_keeps_the_extension():
    name = display_name("a" * 1000 + ".pdf", **PDF)
    assert len(name) == MAX_LENGTH
    assert name.endswith("aaa.pdf")
    unicode_name = display_name("ü" * 400 + ".jpeg", extension="jpg", extensions=frozenset({"jpg", "jpeg"}))
    assert len(unicode_name) <= MAX_LENGTH
    assert unicode_name.endswith(".jpeg")


def test_display_name_accepts_every_extension_of_the_type():
    kind = {"extension": "jpg", "extensions": frozenset({"jpg", "jpeg", "jpe"})}
    assert display_name("foto.JPEG", **kind) == "foto.JPEG"
    assert display_name("foto.png", **kind) == "foto.png.jpg"


def test_clean_makes_one_path_component():
    assert clean("budi/../x@example.com") == "x@example.com"
    assert "/" not in clean("a/b") and "\\" not in clean("a\\b")
