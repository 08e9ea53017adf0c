"""Judging screenshots: whether a chart (or anything) was really drawn, not left blank."""

import io

from PIL import Image


def drawn(png: bytes) -> float:
    """Return the share of a screenshot's pixels that are neither white nor near-white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(image.histogram()[:235]) / (image.width * image.height)


def colours(png: bytes) -> int:
    """Return how many distinct colours (of 32 after quantising) cover more than a few pixels."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=32)
    return sum(1 for count in image.histogram() if count > 20)
