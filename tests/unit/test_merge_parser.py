"""The merge-language grammar: every construct, and every error with its position."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from mailwright.app.merge import MergeSyntaxError, parse, parse_expression, parse_repeat
from mailwright.app.merge.ast import BoolOp, Compare, Const, For, If, Not, Output, Text


def one(text: str):
    nodes = parse(text, "t.mwt")
    assert len(nodes) == 1, nodes
    return nodes[0]


def test_output_with_namespace_dotted_and_quoted_paths():
    ref = one("<< data:firstname >>").expr
    assert (ref.ns, ref.path, ref.pos.col) == ("data", ("firstname",), 4)
    assert one("<< data:order.total >>").expr.path == ("order", "total")
    assert one('<< data:"first name" >>').expr.path == ("first name",)
    assert one('<< data:"a \\"b\\"".c >>').expr.path == ('a "b"', "c")
    assert one("<< var:campaign >>").expr.ns == "var"
    assert one("<< link:unsubscribe >>").expr.path == ("unsubscribe",)


def test_filters_and_arguments():
    node = one('<< data:name | default("there") | upper | truncate(10) | number(2) | urlencode >>')
    assert [(f.name, f.args) for f in node.filters] == [
        ("default", ("there",)),
        ("upper", ()),
        ("truncate", (10,)),
        ("number", (2,)),
        ("urlencode", ()),
    ]
    assert one("<< data:x | default('single') >>").filters[0].args == ("single",)
    assert one("<< data:x | default(0) >>").filters[0].args == (0,)


def test_if_elif_else_and_expressions():
    node = one('<% if data:plan == "pro" and data:seats > 5 %>A<% elif not data:vip %>B<% else %>C<% endif %>')
    assert isinstance(node, If)
    cond, body = node.branches[0]
    assert isinstance(cond, BoolOp) and cond.op == "and"
    assert cond.left == Compare("==", cond.left.left, Const("pro"))
    assert body == (Text("A"),)
    assert isinstance(node.branches[1][0], Not)
    assert node.else_body == (Text("C"),)


def test_precedence_or_binds_looser_than_and_and_parentheses_work():
    e = parse_expression("data:a or data:b and data:c", "t")
    assert e.op == "or" and e.right.op == "and"
    e = parse_expression("(data:a or data:b) and data:c", "t")
    assert e.op == "and" and e.left.op == "or"
    e = parse_expression('"x" in data:tags and data:n not in data:list', "t")
    assert e.left.op == "in" and e.right.op == "not in"
    assert parse_expression("data:ok == true", "t").right == Const(True)
    assert parse_expression("data:n >= -1.5", "t").right == Const(-1.5)


def test_loops_scope_their_variable():
    node = one(
        "<% for item in data:order.items %><< item:name >> <% for x in item:parts %><< x:id >><% endfor %><% endfor %>"
    )
    assert isinstance(node, For) and node.var == "item"
    assert node.iterable.path == ("order", "items")
    with pytest.raises(MergeSyntaxError, match="unknown namespace 'item'"):
        parse("<% for item in data:items %><% endfor %><< item:name >>", "t.mwt")


def test_comments_and_literal_escape():
    nodes = parse("a<# a note with << inside #>b \\<< c", "t")
    assert nodes[0] == Text("a")
    assert nodes[1] == Text("b ")
    assert isinstance(nodes[2], Output) and nodes[2].expr == Const("<<")


def test_text_without_tags_is_one_text_node():
    assert parse("Read more >> now, 5 > 3 and a < b", "t") == (Text("Read more >> now, 5 > 3 and a < b"),)


def test_repeat_and_condition_helpers():
    var, ref = parse_repeat("item in data:order.items", "d.mwt: b3.repeat")
    assert var == "item" and ref.path == ("order", "items")
    with pytest.raises(MergeSyntaxError, match=r"d\.mwt: b3\.repeat:1:1"):
        parse_repeat("data:items", "d.mwt: b3.repeat")


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("<< Prev | Next >>", "1:4", "'Prev' is not a field"),
        ("Hi <<data:x | Next >>", "1:15", "unknown filter 'Next'"),
        ("<< data:x | nope >>", "1:13", "unknown filter 'nope'"),
        ("<< foo:bar >>", "1:4", "unknown namespace 'foo'"),
        ("<< link:home >>", "1:4", "unknown link"),
        ("line one\n  << data:x | truncate('a') >>", "2:15", "needs a whole number"),
        ("<< data:x | default >>", "1:13", "takes 1 argument"),
        ("<< data:x | upper(1) >>", "1:13", "takes 0 argument"),
        ("<< >>", "1:1", "empty merge tag"),
        ("a << b", "1:3", "starts no merge tag"),
        ("<<- arrows ->>", "1:1", "whitespace control"),
        ("<% if data:a %>x", "1:1", "never closed"),
        ("x<% endif %>", "1:2", "endif without an open if"),
        ("<% else %>", "1:1", "else without an open if"),
        ("<% if data:a %><% else %><% else %><% endif %>", "1:26", "a second else"),
        ("<% if data:a %><% else %><% elif data:b %><% endif %>", "1:26", "elif after else"),
        ("<% for x in data:l %><% endif %>", "1:22", "still open"),
        ("<% for data in data:l %><% endfor %>", "1:8", "loop variable"),
        ("<% for x data:l %><% endfor %>", "1:10", "expected 'in'"),
        ("<% while data:x %>", "1:1", "holds if, elif"),
        ("<% if data:a == %><% endif %>", "1:17", "ends too early"),
        ("<% if (data:a %><% endif %>", "1:15", "missing ')'"),
    ],
)
def test_errors_name_line_and_column(text, where, message):
    with pytest.raises(MergeSyntaxError) as info:
        parse(text, "welcome.mwt: b7.props.text")
    assert str(info.value).startswith(f"welcome.mwt: b7.props.text:{where}: "), str(info.value)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "hostile",
    [
        "<< ''.__class__ >>",
        "<< data.__class__.__mro__ >>",
        "<< data:x.__class__ >>",
        "<< data|attr('__class__') >>",
        "<< data:x | attr('__class__') >>",
        "<< lipsum.__globals__ >>",
        "<< cycler.__init__.__globals__.os >>",
        "<< ('a' * 10**9) >>",
        "<< 2 ** 10**8 >>",
        "<< range(10**9) >>",
        "<< 'x'|center(10**9) >>",
        "<< data:x + 1 >>",
        "<< data:x() >>",
        "<% if data:x.__len__() %><% endif %>",
        "<% for x in range(9) %><% endfor %>",
    ],
)
def test_injection_attempts_are_rejected_before_anything_runs(hostile):
    with pytest.raises(MergeSyntaxError):
        parse(hostile, "evil.mjml")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes_the_parser(text):
    try:
        parse(text, "fuzz")
    except MergeSyntaxError as e:
        assert str(e).startswith("fuzz:")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text().filter(lambda s: "<<" not in s and "<%" not in s and "<#" not in s))
def test_plain_text_passes_through_unchanged(text):
    nodes = parse(text, "plain")
    assert "".join(n.value for n in nodes) == text


def test_a_tag_written_inside_html_reads_as_written_without_its_entities() -> None:
    import html

    from mailwright.app.merge.tags import unescape_tag

    written = "<< data:name | default(&quot;caf&eacute; &amp; co&quot;) >>"
    assert unescape_tag(written) == html.unescape(written) == '<< data:name | default("café & co") >>'
    plain = '<< data:name | default("x") >>'
    assert unescape_tag(plain) is plain  # no entity: the text itself, html never needed
