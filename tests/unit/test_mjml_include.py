"""Issue 13 item 3: <mj-include> for .mjml partials, CSS and HTML, only inside the template's folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailwright.app.cli.main import main
from mailwright.app.build.mjml_include import MAX_DEPTH
from mailwright.app.build.pipeline import BuildError, build_file

HEADER = """<mj-section background-color="#222222">
  <mj-column>
    <mj-text color="#ffffff">Header for << data:firstname | default("you") >></mj-text>
    <mj-include path="./logo.mjml" />
  </mj-column>
</mj-section>
"""
LOGO = (
    '<mjml><mj-head><mj-attributes><mj-text font-size="21px" /></mj-attributes></mj-head>'
    '<mj-body><mj-image src="https://x.test/logo.png" alt="Logo" /></mj-body></mjml>\n'
)


def project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "partials").mkdir(exist_ok=True)
    (tmp_path / "partials" / "header.mjml").write_text(HEADER, encoding="utf-8")
    (tmp_path / "partials" / "logo.mjml").write_text(LOGO, encoding="utf-8")
    (tmp_path / "partials" / "styles.css").write_text(".red { color: #cc0000; }\n", encoding="utf-8")
    (tmp_path / "partials" / "legal.html").write_text('<p class="red">Legal text</p>\n', encoding="utf-8")
    main_file = tmp_path / "main.mjml"
    main_file.write_text(
        f"<mjml>\n  <mj-head><mj-title>Inc</mj-title></mj-head>\n  <mj-body>\n{body}\n  </mj-body>\n</mjml>\n",
        encoding="utf-8",
    )
    return main_file


def test_partials_css_and_html_are_included_as_mjml_does(tmp_path: Path) -> None:
    src = project(
        tmp_path,
        '<mj-include path="partials/header.mjml" />\n'
        '<mj-include path="partials/styles.css" type="css" css-inline="inline" />\n'
        '<mj-include path="partials/legal.html" type="html" />\n'
        '<!-- <mj-include path="/etc/passwd" /> -->',
    )
    result = build_file(src)
    assert 'Header for << data:firstname | default("you") >>' in result.html  # merge tags in partials work
    assert 'alt="Logo"' in result.html  # nested, a whole <mjml> file
    assert "font-size:21px" in result.html  # its head reached the head
    assert '<p class="red" style="color:#c00">Legal text</p>' in result.html  # CSS inlined
    assert "Header for" in result.text and "Legal text" in result.text


def test_the_mjml_extension_may_be_left_out(tmp_path: Path) -> None:
    assert "Header for" in build_file(project(tmp_path, '<mj-include path="partials/header" />')).html


@pytest.mark.parametrize(
    "ref, says",
    [
        ("/etc/passwd", "write a path relative to this file"),
        ("https://example.com/x.mjml", "not URLs"),
        ("file:///etc/passwd", "not URLs"),
        ("../outside.mjml", "is outside the template's folder"),
        ("partials/missing.mjml", "no such file"),
    ],
)
def test_includes_that_leave_the_folder_or_do_not_exist_are_refused_at_their_line(tmp_path: Path, ref, says) -> None:
    (tmp_path / "outside.mjml").write_text("<mj-text>SECRET</mj-text>", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    src = project(folder, f'    <mj-include path="{ref}" />')
    with pytest.raises(BuildError) as info:
        build_file(src)
    assert str(info.value).startswith(f"{src}:4:5: mj-include")
    assert says in str(info.value) and "SECRET" not in str(info.value)


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.mjml"
    secret.write_text("<mj-text>SECRET</mj-text>", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    src = project(folder, '<mj-include path="partials/link.mjml" />')
    (folder / "partials" / "link.mjml").symlink_to(secret)
    with pytest.raises(BuildError, match="is outside the template's folder"):
        build_file(src)
    # A link that stays inside is fine.
    (folder / "partials" / "link.mjml").unlink()
    (folder / "partials" / "link.mjml").symlink_to(folder / "partials" / "header.mjml")
    assert "Header for" in build_file(src).html


def test_circles_and_depth_are_refused_naming_the_including_file(tmp_path: Path) -> None:
    src = project(tmp_path, '<mj-include path="partials/a.mjml" />')
    (tmp_path / "partials" / "a.mjml").write_text('<mj-include path="b.mjml" />', encoding="utf-8")
    (tmp_path / "partials" / "b.mjml").write_text('\n<mj-include path="a.mjml" />', encoding="utf-8")
    with pytest.raises(BuildError, match=r"partials/b\.mjml:2:1: mj-include 'a\.mjml' includes itself"):
        build_file(src)
    for i in range(MAX_DEPTH + 2):
        (tmp_path / "partials" / f"d{i}.mjml").write_text(f'<mj-include path="d{i + 1}.mjml" />', encoding="utf-8")
    src.write_text('<mjml><mj-body><mj-include path="partials/d0.mjml" /></mj-body></mjml>', encoding="utf-8")
    with pytest.raises(BuildError, match=f"nests more than {MAX_DEPTH} files deep"):
        build_file(src)


def test_the_size_limit_counts_what_is_included(tmp_path: Path) -> None:
    src = project(tmp_path, '<mj-include path="partials/big.mjml" />' * 3)
    (tmp_path / "partials" / "big.mjml").write_text("<mj-text>" + "x" * 2_000_000 + "</mj-text>", encoding="utf-8")
    with pytest.raises(BuildError, match="the template and its includes are over the 5 MB limit"):
        build_file(src)


def test_an_error_inside_a_partial_names_the_partial_and_its_line(tmp_path: Path) -> None:
    src = project(tmp_path, '<mj-include path="partials/bad.mjml" />')
    (tmp_path / "partials" / "bad.mjml").write_text(
        '<mj-section><mj-column>\n<mj-image src="x.png" ="c" />\n</mj-column></mj-section>', encoding="utf-8"
    )
    with pytest.raises(BuildError) as info:
        build_file(src)
    assert str(info.value).startswith(str(tmp_path / "partials" / "bad.mjml") + ":2:")


def test_without_a_file_an_include_is_refused(tmp_path: Path) -> None:
    from mailwright.app.build.pipeline import build_mjml_text

    with pytest.raises(BuildError, match="mj-include works in an .mjml file on disk"):
        build_mjml_text('<mjml><mj-body><mj-include path="x.mjml" /></mj-body></mjml>', source="pasted.mjml")


def test_the_cli_builds_and_exports_a_project_with_includes(tmp_path: Path, capsys) -> None:
    src = project(tmp_path, '<mj-include path="partials/header.mjml" />')
    os.chdir(tmp_path / "partials")  # paths are relative to the file, not to where the command runs
    try:
        assert main(["build", str(src), "-o", str(tmp_path / "out.html")]) == 0
        assert main(["check", str(src)]) in (0, 1)
        assert main(["export", str(src), "--bundle", str(tmp_path / "out.zip")]) == 0
    finally:
        os.chdir(Path(__file__).parent)
    assert "Header for" in (tmp_path / "out.html").read_text(encoding="utf-8")
    import zipfile

    with zipfile.ZipFile(tmp_path / "out.zip") as bundle:  # the bundle's email is whole, partials included
        assert "Header for" in bundle.read("email.html").decode("utf-8")
        assert 'alt="Logo"' in bundle.read("email.html").decode("utf-8")
