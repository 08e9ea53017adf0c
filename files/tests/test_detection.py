import io

import pytest

from files import detection

from . import samples


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [(samples.pdf(), "application/pdf", "pdf"), (samples.png(), "image/png", "png"), (samples.jpeg(), "image/jpeg", "jpg")],
)
def test_detect_recognises_allowed_types_from_their_content(content, mime, extension):
    kind = detection.detect(io.BytesIO(content))
    assert (kind.mime, kind.extension) == (mime, extension)
    assert extension in kind.extensions


@pytest.mark.parametrize(
    "content", [samples.elf(), samples.pe(), samples.html(), b"just some text", samples.fake_png()], ids=str
)
def test_detect_refuses_anything_else(content):
    with pytest.raises(detection.Refused):
        detection.detect(io.BytesIO(content))


def test_detect_refuses_an_image_whose_content_is_not_its_format():
    # JPEG content behind a PNG signature.
    with pytest.raises(detection.Refused):
        detection.detect(io.BytesIO(samples.png()[:16] + samples.jpeg()))


def test_detect_refuses_an_image_with_too_many_pixels(settings):
    settings.FILE_MAX_IMAGE_PIXELS = 100 * 100
    detection.detect(io.BytesIO(samples.png(size=(100, 100))))
    with pytest.raises(detection.Refused) as refused:
        detection.detect(io.BytesIO(samples.png(size=(101, 100))))
    assert "101 × 100" in str(refused.value.message)


def test_detect_follows_the_allowed_types_setting(settings):
    settings.FILE_ALLOWED_TYPES = ["application/pdf"]
    with pytest.raises(detection.Refused, match="PDF"):
        detection.detect(io.BytesIO(samples.png()))


def test_detect_leaves_the_file_at_its_start():
    content = io.BytesIO(samples.png())
    detection.detect(content)
    assert content.tell() == 0
