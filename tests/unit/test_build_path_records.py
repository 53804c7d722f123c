"""The build path's records are not dataclasses (issue #16: `import dataclasses` and its generated
methods cost ~10 ms a `mailwright build` start), and still behave as the values the code uses."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.app.build.pipeline import build_file
from mailwright.app.merge import MergeSyntaxError, Pos, parse
from mailwright.app.merge.ast import BoolOp, Compare, Const, Filter, For, If, Not, Output, Ref, Text, iter_refs
from mailwright.app.merge.parser import TagSeg, segments_of
from mailwright.blocks import REGISTRY
from mailwright.blocks.base import BlockData
from mailwright.themes import load_theme

ROOT = Path(__file__).resolve().parents[2]
STARTERS = sorted((ROOT / "examples").glob("*.mwt")) + [ROOT / "examples" / "hello.mjml"]  # and an MJML source

_SPY = """
import builtins, json, sys
preloaded = "dataclasses" in sys.modules
importers = set()
_import = builtins.__import__
def spy(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "dataclasses":
        importers.add((globals or {}).get("__name__"))
    return _import(name, globals, locals, fromlist, level)
builtins.__import__ = spy
from mailwright.app.cli.main import main
rc = main(ARGS)
print(json.dumps({"rc": rc, "importers": sorted(map(str, importers)), "preloaded": preloaded,
                  "loaded": "dataclasses" in sys.modules}))
"""


@pytest.mark.parametrize("starter", STARTERS, ids=lambda p: p.stem)
def test_building_a_starter_imports_no_dataclasses(starter: Path, tmp_path: Path) -> None:
    args = ["build", str(starter), "-o", str(tmp_path / "x.html")]
    out = subprocess.run(
        [sys.executable, "-c", _SPY.replace("ARGS", repr(args))], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["rc"] == 0
    assert seen["importers"] == [], "these modules import dataclasses on a build"
    assert seen["preloaded"] or not seen["loaded"]  # (the interpreter's own start is not ours)
    assert (tmp_path / "x.html").read_text(encoding="utf-8") == build_file(starter).html


def test_positions_and_refs_are_values() -> None:
    assert Pos("a.mwt", 2, 3) == Pos("a.mwt", 2, 3) and Pos("a.mwt") == Pos("a.mwt", 1, 1)
    assert Pos("a.mwt", 2, 3) != Pos("a.mwt", 2, 4)
    assert len({Pos("a.mwt", 2, 3), Pos("a.mwt", 2, 3), Pos("b.mwt", 2, 3)}) == 2
    assert str(Pos("a.mwt", 2, 3)) == "a.mwt:2:3" and str(Pos("a.mwt: b1", 0, 0)) == "a.mwt: b1"
    assert repr(Pos("a.mwt", 2, 3)) == "Pos(source='a.mwt', line=2, col=3)"
    r1, r2 = Ref("data", ("order", "total"), Pos("t")), Ref("data", ("order", "total"), Pos("t"))
    assert r1 == r2 and hash(r1) == hash(r2) and {r1: 1}[r2] == 1
    assert r1.name == "data:order.total"
    # The same template parses to equal (and equally hashing) trees.
    src = "<< data:a | upper >><% if data:b == 'x' and not data:c %>y<% endif %><% for i in data:items %><< i:n >><% endfor %>"
    assert parse(src, source="t") == parse(src, source="t")
    assert hash(parse(src, source="t")) == hash(parse(src, source="t"))
    assert [r.name for r in iter_refs(parse(src, source="t"))] == ["data:a", "data:b", "data:c", "data:items", "i:n"]


def test_nodes_are_not_tuples_and_equal_only_their_own_type() -> None:
    pos = Pos("t")
    nodes = [
        Const("a"),
        Text("a"),
        Not(Const("a")),
        Ref("a", (), pos),
        Filter("a", (), pos),
        TagSeg("a", pos),
        Compare("==", Const(1), Const(2)),
        BoolOp("==", Const(1), Const(2)),
        Output(Const("a"), (), pos),
        If(((Const(True), (Text("a"),)),), None, pos),
        For("i", Ref("data", ("x",), pos), (), pos),
        pos,
    ]
    for a in nodes:
        assert not isinstance(a, (tuple, list))
        for b in nodes:
            assert (a == b) is (a is b), (a, b)
        assert a != ("a",) and a != ("t", 1, 1)
    assert Const("a") != Text("a") and len({Const("a"), Text("a")}) == 2


def test_nodes_are_immutable_and_pickle_and_copy() -> None:
    tree = parse("<% if data:x %><< data:y | default('z') >><% else %>n<% endif %>", source="t")
    node, field = tree[0], "pos"
    with pytest.raises(AttributeError):
        setattr(node, field, Pos("u"))
    with pytest.raises(AttributeError):
        delattr(node, field)
    assert pickle.loads(pickle.dumps(tree)) == tree
    assert copy.copy(node) == node and copy.deepcopy(tree) == tree
    seg = segments_of("a << data:x >>", "t")[1]
    assert isinstance(seg, TagSeg) and pickle.loads(pickle.dumps(seg)) == seg and not seg.in_attr
    assert seg._replace(in_attr=True) == TagSeg(seg.text, seg.pos, True)
    with pytest.raises(TypeError):
        seg._replace(nope=1)
    with pytest.raises(MergeSyntaxError) as caught:
        parse("<< data: >>", source="t")
    assert caught.value.pos == Pos("t", 1, 8) and pickle.loads(pickle.dumps(caught.value.pos)) == caught.value.pos


def test_theme_overrides_make_a_new_theme() -> None:
    theme = load_theme("classic")
    changed = theme.with_overrides({"primary_color": "#123456", "font_size": 17, "text_color": None})
    assert type(changed) is type(theme)
    assert changed.colors["primary"] == "#123456" and changed.sizes["body"] == 17
    assert changed.colors["text"] == theme.colors["text"]
    assert theme.colors["primary"] != "#123456"  # the cached theme is left alone
    assert changed._replace(colors=theme.colors, sizes=theme.sizes) == theme
    assert pickle.loads(pickle.dumps(theme)) == theme and copy.deepcopy(theme) == theme


def test_build_results_replace_and_pickle() -> None:
    result = build_file(STARTERS[0])
    again = result._replace(includes=("a.mjml",))
    assert again.includes == ("a.mjml",) and again.html == result.html and result.includes == ()
    assert again != result and result._replace() == result
    back = pickle.loads(pickle.dumps(result))
    assert back.html == result.html and back.tokens is not None and back.html_bytes == result.html_bytes


def test_block_specs_and_data_survive_a_pickle() -> None:
    spec = REGISTRY["text"]
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert spec.field(spec.fields[0].name) is spec.fields[0]
    data = BlockData("b1", "text", {"x": 1})
    assert data["x"] == 1 and data == BlockData("b1", "text", {"x": 1}) and data != BlockData("b2", "text", {"x": 1})
    assert pickle.loads(pickle.dumps(data)) == data
