"""Issue 14 item 4: `export --bundle` carries only real images from inside the document's folder.

It used to copy any readable `*.png/*.svg/*.jpg` into the zip: an absolute path, `../`, a
symlink in assets/ pointing out, or a "png" holding text. Now the rule `send` has is shared
(app/build/local_files.py): the real path, symlinks resolved, must lie under the document's folder,
and the first bytes must be an image's. Each refused reference stays as written, is listed in
the report and gets one warning on stderr; the export still exits 0, like a missing image.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.app.document.model import Document
from mailwright.app.export import export_bundle
from mailwright.app.build.local_files import sniff_image
from mailwright.app.document.storage import save_document
from tests.reliability.conftest import POSIX
from tests.reliability.test_fuzz import FUZZ

# a real 1×1 PNG; the secret one differs by its trailing bytes so a copy of it is recognisable
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SECRET = PNG + b"SECRET-OUTSIDE-THE-FOLDER"


def image_doc(*srcs: str) -> Document:
    blocks = [
        {"id": f"b{i}", "type": "image", "props": {"src": src, "alt": f"image {i}", "width": 100}}
        for i, src in enumerate(srcs, 1)
    ]
    return Document.model_validate(
        {"subject": "Paths", "rows": [{"id": "r1", "columns": [{"id": "c1", "blocks": blocks}]}]}
    )


@pytest.fixture()
def layout(tmp_path: Path) -> Path:
    """tmp/outside/secret.png (a real, readable image) and tmp/doc/ with assets/logo.png."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.png").write_bytes(SECRET)
    (tmp_path / "outside.png").write_bytes(SECRET)
    (tmp_path / "doc" / "assets").mkdir(parents=True)
    (tmp_path / "doc" / "assets" / "logo.png").write_bytes(PNG)
    return tmp_path


def export_cli(doc_dir: Path, doc: Document) -> tuple[subprocess.CompletedProcess[str], dict[str, bytes]]:
    save_document(doc, doc_dir / "news.mwt")
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "export", "news.mwt", "--bundle", "news.zip"],
        cwd=doc_dir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    files: dict[str, bytes] = {}
    if (doc_dir / "news.zip").exists():
        with zipfile.ZipFile(doc_dir / "news.zip") as zf:
            files = {name: zf.read(name) for name in zf.namelist()}
    return result, files


def hostile_refs(root: Path) -> dict[str, str]:
    """Case → the reference written in the document (with its files set up under root/doc)."""
    doc_dir = root / "doc"
    (doc_dir / "assets" / "link.png").symlink_to(root / "outside" / "secret.png")
    (doc_dir / "assets" / "notes.png").write_text("my bank PIN is 1234\n", encoding="utf-8")
    return {
        "absolute path": str(root / "outside" / "secret.png"),
        "../": "../outside.png",
        "symlink out of assets/": "assets/link.png",
        "text named .png": "assets/notes.png",
        "file: URL": (root / "outside" / "secret.png").as_uri(),
    }


REASONS = {
    "absolute path": "is outside the document's folder; not bundled",
    "../": "is outside the document's folder; not bundled",
    "symlink out of assets/": "is outside the document's folder; not bundled",
    "text named .png": "is not a PNG image (its content is text); not bundled",
    "file: URL": "is outside the document's folder; not bundled",
}


@pytest.mark.skipif(not POSIX, reason="symlinks")
@pytest.mark.parametrize("case", sorted(REASONS))
def test_a_hostile_reference_is_not_bundled_and_is_named_on_stderr(layout: Path, case: str) -> None:
    ref = hostile_refs(layout)[case]
    result, files = export_cli(layout / "doc", image_doc(ref, "assets/logo.png"))
    assert result.returncode == 0, result.stderr
    payload = b"".join(files.values())
    assert b"SECRET-OUTSIDE-THE-FOLDER" not in payload and b"bank PIN" not in payload
    assert sorted(n for n in files if n.startswith("images/")) == ["images/logo.png"]
    assert files["images/logo.png"] == PNG
    warning = f"news.zip: warning: {ref!r} {REASONS[case]} (left as written)"
    assert warning in result.stderr.splitlines(), result.stderr
    html = files["email.html"].decode()
    assert f'src="{ref}"' in html and 'src="images/logo.png"' in html


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_images_under_the_folder_are_bundled_even_through_a_symlink_that_stays_inside(layout: Path) -> None:
    doc_dir = layout / "doc"
    (doc_dir / "shared").mkdir()
    (doc_dir / "shared" / "badge.svg").write_text(
        '\ufeff<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"/>\n',
        encoding="utf-8",
    )
    (doc_dir / "assets" / "badge.svg").symlink_to(doc_dir / "shared" / "badge.svg")
    (doc_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 60)
    result, files = export_cli(
        doc_dir, image_doc("assets/logo.png", "assets/badge.svg", "./photo.jpg", str(doc_dir / "assets" / "logo.png"))
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    assert sorted(n for n in files if n.startswith("images/")) == [
        "images/badge.svg",
        "images/logo.png",
        "images/photo.jpg",
    ]
    assert files["images/badge.svg"].startswith(b"\xef\xbb\xbf<?xml")
    assert files["email.html"].decode().count('src="images/logo.png"') == 2  # relative and absolute


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_the_report_lists_each_refused_reference_with_its_reason(layout: Path) -> None:
    refs = hostile_refs(layout)
    doc_dir = layout / "doc"
    save_document(image_doc(*refs.values()), doc_dir / "news.mwt")
    report = export_bundle(doc_dir / "news.mwt", doc_dir / "news.zip")
    refused = dict(report.refused)
    assert set(refused) == set(refs.values())
    assert refused[refs["text named .png"]] == "is not a PNG image (its content is text)"
    assert refused[refs["../"]] == "is outside the document's folder"
    assert report.images == {} and report.missing == ()


# --- fuzzed spellings -----------------------------------------------------------------------------

_ESCAPES = [
    "../outside.png",
    "../outside/secret.png",
    "assets/../../outside.png",
    "./../outside.png",
    "%2e%2e/outside.png",
    "..%2foutside.png",
    "assets/%2e%2e/%2e%2e/outside.png",
    "{abs}",
    "{abs}?v=1",
    "{abs}#x",
    "{uri}",
    "file://{abs}",
    "file:{abs}",
    "file:///{rel}",
    "assets/link.png",
    "assets/linkdir/secret.png",
    "assets/chain.png",
    "//{abs}",
]


@pytest.mark.skipif(not POSIX, reason="symlinks")
@settings(FUZZ, max_examples=40)
@given(st.lists(st.sampled_from(_ESCAPES), min_size=1, max_size=4), st.sampled_from(["image", "html", "css"]))
def test_no_spelling_of_a_path_out_of_the_folder_gets_into_the_bundle(refs: list[str], where: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve()
        (root / "outside").mkdir()
        (root / "outside" / "secret.png").write_bytes(SECRET)
        (root / "outside.png").write_bytes(SECRET)
        assets = root / "doc" / "assets"
        assets.mkdir(parents=True)
        (assets / "link.png").symlink_to(root / "outside" / "secret.png")
        (assets / "linkdir").symlink_to(root / "outside", target_is_directory=True)
        (assets / "hop.png").symlink_to(root / "doc" / "assets" / "link.png")  # inside → inside → out
        os.symlink("hop.png", assets / "chain.png")
        abs_path = str(root / "outside" / "secret.png")
        spelled = [
            r.format(abs=abs_path, uri=(root / "outside" / "secret.png").as_uri(), rel=abs_path.lstrip("/"))
            for r in refs
        ]
        if where == "image":
            doc = image_doc(*spelled)
        else:
            markup = "".join(
                f'<img src="{r}" alt="x">' if where == "html" else f"<div style=\"background-image:url('{r}')\">x</div>"
                for r in spelled
            )
            doc = Document.model_validate(
                {
                    "subject": "Paths",
                    "rows": [
                        {
                            "id": "r1",
                            "columns": [
                                {"id": "c1", "blocks": [{"id": "b1", "type": "html", "props": {"html": markup}}]}
                            ],
                        }
                    ],
                }
            )
        save_document(doc, root / "doc" / "news.mwt")
        report = export_bundle(root / "doc" / "news.mwt", root / "doc" / "news.zip")
        with zipfile.ZipFile(root / "doc" / "news.zip") as zf:
            payload = b"".join(zf.read(n) for n in zf.namelist())
        assert b"SECRET-OUTSIDE-THE-FOLDER" not in payload
        assert report.images == {}


def test_the_content_must_be_an_image_of_a_known_format() -> None:
    assert sniff_image(PNG) == "PNG"
    assert sniff_image(b"\xff\xd8\xff\xdb") == "JPEG"
    assert sniff_image(b"GIF89a\x01\x00") == "GIF"
    assert sniff_image(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "WebP"
    assert sniff_image(b"BM" + b"\0" * 30) == "BMP"
    assert sniff_image(b"\x00\x00\x01\x00\x01\x00" + b"\0" * 20) == "ICO"
    assert sniff_image(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1") == "AVIF"
    assert sniff_image(b"  <svg viewBox='0 0 1 1'/>") == "SVG"
    assert sniff_image("<svg/>".encode("utf-16")) == "SVG"  # with its BOM
    for not_an_image in (
        b"",
        b"hello",
        b"<html><svg/></html>",
        b"<?xml version='1.0'?><svgx/>",
        b"%PDF-1.7",
        b"PK\x03\x04",
        b"<!-- <svg -->",
    ):
        assert sniff_image(not_an_image) is None, not_an_image


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_send_applies_the_same_rule_to_inline_images(layout: Path) -> None:
    from mailwright.app.build.personalise import CompiledEmail
    from mailwright.app.build.pipeline import build_file
    from mailwright.app.send.sending import build_message

    refs = hostile_refs(layout)
    doc_dir = layout / "doc"
    save_document(
        image_doc(refs["text named .png"], refs["symlink out of assets/"], "assets/logo.png"), doc_dir / "news.mwt"
    )
    personal = CompiledEmail(build_file(doc_dir / "news.mwt")).render({})
    msg = build_message(personal, from_addr="a@example.com", to="b@example.com", folder=doc_dir)
    images = [part for part in msg.walk() if part.get_content_maintype() == "image"]
    assert [part.get_content() for part in images] == [PNG]
    assert b"SECRET-OUTSIDE-THE-FOLDER" not in msg.as_bytes() and b"bank PIN" not in msg.as_bytes()
    assert "'assets/notes.png' is not a PNG image (its content is text); it is left as is" in msg.warnings
    assert any("'assets/link.png' is outside the document's folder" in w for w in msg.warnings)


def test_a_test_email_carries_the_images_an_export_bundles(tmp_path: Path) -> None:
    """An image next to the document but not in assets/ (pics/logo.png): the export bundles it and
    the canvas shows it, so the test email embeds it too (it used to arrive broken)."""
    from mailwright.app.build.personalise import CompiledEmail
    from mailwright.app.build.pipeline import build_file
    from mailwright.app.export import export_bundle
    from mailwright.app.send.sending import build_message

    doc_dir = tmp_path / "doc"
    (doc_dir / "pics").mkdir(parents=True)
    (doc_dir / "pics" / "logo.png").write_bytes(PNG)
    save_document(image_doc("pics/logo.png"), doc_dir / "news.mwt")
    report = export_bundle(doc_dir / "news.mwt", tmp_path / "news.zip")
    assert list(report.images.values()) == ["pics/logo.png"] and not report.refused
    personal = CompiledEmail(build_file(doc_dir / "news.mwt")).render({})
    msg = build_message(personal, from_addr="a@example.com", to="b@example.com", folder=doc_dir)
    assert [part.get_content() for part in msg.walk() if part.get_content_maintype() == "image"] == [PNG]
    assert msg.warnings == []


def test_a_test_email_never_embeds_an_image_above_the_document_folder(tmp_path: Path) -> None:
    """A ../ image one level above the document: left out, said in a warning."""
    from mailwright.app.build.personalise import CompiledEmail
    from mailwright.app.build.pipeline import build_file
    from mailwright.app.send.sending import build_message

    doc_dir = tmp_path / "doc"
    (doc_dir / "pics").mkdir(parents=True)
    (doc_dir / "pics" / "logo.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(SECRET)
    save_document(image_doc("pics/logo.png", "../secret.png"), doc_dir / "news.mwt")
    personal = CompiledEmail(build_file(doc_dir / "news.mwt")).render({})
    msg = build_message(personal, from_addr="a@example.com", to="b@example.com", folder=doc_dir)
    assert [part.get_content() for part in msg.walk() if part.get_content_maintype() == "image"] == [PNG]
    assert b"SECRET-OUTSIDE-THE-FOLDER" not in msg.as_bytes()
    assert any("'../secret.png' is outside the document's folder" in w for w in msg.warnings)
