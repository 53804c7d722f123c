"""Reset to theme and the colours that clash after a theme switch (issue 15 item 5), headless."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from mailwright.app.checks.contrast import contrast_problems
from mailwright.app.document.commands import History, SetDocField, SetProp
from mailwright.app.document.model import Document
from mailwright.app.build.mjml_render import resolved_theme
from mailwright.app.document.storage import dumps_document, load_document
from mailwright.app.document.theme_reset import clash_fix, hand_set_styles, reset_to_theme, strip_text_colours
from mailwright.themes import available_themes, display_name

NEWSLETTER = Path(__file__).resolve().parents[2] / "examples" / "newsletter.mwt"


def newsletter_in(theme: str) -> tuple[Document, History]:
    doc = load_document(NEWSLETTER)
    history = History(doc)
    history.push(SetDocField("settings.theme", theme))
    history.seal()
    return doc, history


def block(doc: Document, block_id: str):
    node = doc.find(block_id)
    assert node is not None
    return node


# --- the clashes a theme switch makes ----------------------------------------------------------


def test_newsletter_in_midnight_one_click_fixes_every_clash_and_one_undo_restores_it():
    doc, history = newsletter_in("midnight")
    before = dumps_document(doc)
    # What the designer saw: the dark menu on navy, pale text on the cream band.
    assert {"b6", "b29"} <= set(contrast_problems(doc))
    fix = clash_fix(doc)
    assert dumps_document(doc) == before, "finding the fix changes nothing"
    assert ("b6", "color") in fix.props and ("r10", "background_color") in fix.props
    assert fix.count == len(fix.props) and fix.left == 0
    history.push(fix.command(doc))
    assert contrast_problems(doc) == []
    theme = resolved_theme(doc)
    assert block(doc, "b6").props.color is None  # the menu takes the theme's colour
    assert doc.rows[9].props.background_color is None  # the cream band takes the theme's
    assert block(doc, "b6").props.font_size == 13, "sizes are the layout's, not reset"
    assert "color:" not in block(doc, "b14").props.html and "font-size:12px" in block(doc, "b14").props.html
    assert doc.rows[0].props.background_color == "transparent", "a band on the page background stays"
    assert theme.colors["heading"] == "#f8fafc"
    assert history.undo_label() == f"Reset {fix.count} clashing colours"
    history.undo()
    assert dumps_document(doc) == before


def test_a_theme_that_fits_has_nothing_to_reset_and_a_theme_failing_itself_keeps_the_colours():
    doc, _ = newsletter_in("classic")
    assert clash_fix(doc).props == () and clash_fix(doc).problems == 0
    # In Bold the 12px view-online link fails with the theme's own link colour too: resetting
    # the hand-set one would fix nothing, so nothing is offered and the problem is still counted.
    doc, _ = newsletter_in("bold")
    fix = clash_fix(doc)
    assert fix.problems == fix.left == 1 and fix.props == ()
    assert fix.command(doc) is None


# --- Reset to theme on a block, a row, the email -----------------------------------------------


def test_reset_a_block_a_row_and_the_email_each_one_undo_step():
    doc, history = newsletter_in("midnight")
    original = dumps_document(doc)
    command = reset_to_theme(doc, "b6")
    assert command.label == "Reset menu to theme"
    history.push(command)
    assert block(doc, "b6").props.color is None and block(doc, "b1").props.color == "#67615c"
    history.push(reset_to_theme(doc, "r10"))
    assert doc.rows[9].props.background_color is None and block(doc, "b30").props.color is None
    history.push(SetDocField("settings.text_color", "#ff0000"))
    history.seal()
    history.push(reset_to_theme(doc, None))
    assert history.undo_label() == "Reset email to theme"
    assert hand_set_styles(doc) == [] and doc.settings.text_color is None
    assert reset_to_theme(doc, None) is None, "nothing left to reset"
    for _ in range(4):
        history.undo()
    assert dumps_document(doc) == original


def test_reset_to_theme_on_a_block_without_hand_set_colours_is_nothing():
    doc, _ = newsletter_in("serif")
    assert reset_to_theme(doc, "b9") is None  # a heading that follows the theme already


def test_rich_text_keeps_everything_but_its_text_colours():
    assert (
        strip_text_colours('<p><span style="color:#7c2d12;font-size:12px">IN</span></p>')
        == '<p><span style="font-size:12px">IN</span></p>'
    )
    assert strip_text_colours('<a href="x" style="color: #67615c">V</a>') == '<a href="x">V</a>'
    assert (
        strip_text_colours('<span style="background-color:#fef3c7;color:red">x</span>')
        == '<span style="background-color:#fef3c7;">x</span>'
    )
    assert strip_text_colours('<font color="#f00">x</font>') == "<font>x</font>"
    merge = '<span style="color:<< data:colour >>">x</span>'
    assert strip_text_colours(merge) == merge, "a colour from data is not set by hand"
    assert strip_text_colours("<p>colour me plain</p>") == "<p>colour me plain</p>"


COLOURS = st.sampled_from(["#000000", "#ffffff", "#7c2d12", "#fef3c7", "transparent", None])


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    st.sampled_from(available_themes()),
    st.lists(st.tuples(st.integers(0, 10_000), COLOURS), max_size=8),
    st.integers(0, 10_000),
)
def test_every_reset_is_undone_exactly(theme, paints, pick):
    doc, history = newsletter_in(theme)
    nodes = list(doc.iter_nodes())
    for n, colour in paints:  # hand-set colours in random places
        node = nodes[n % len(nodes)]
        fields = [
            f.name for f in (getattr(node, "spec", None).fields if hasattr(node, "spec") else ()) if f.kind == "color"
        ] or ["background_color"]
        history.push(SetProp(node.id, fields[n % len(fields)], colour, mergeable=False))
    before = dumps_document(doc)
    scope = [None, *(n.id for n in nodes)][pick % (len(nodes) + 1)]
    for command in (reset_to_theme(doc, scope), clash_fix(doc).command(doc)):
        if command is None:
            continue
        history.push(command)
        assert (
            hand_set_styles(doc, scope) == []
            or command.label.endswith("clashing colours")
            or command.label.endswith("clashing colour")
        )
        history.undo()
        assert dumps_document(doc) == before


# --- one way to name a theme --------------------------------------------------------------------


def test_theme_names_are_shown_the_same_way_everywhere():
    assert display_name("midnight") == "Midnight"
    assert {"Bold", "Classic", "Midnight", "Serif"} <= {display_name(n) for n in available_themes()}
    assert display_name("no-such-theme") == "no-such-theme"
