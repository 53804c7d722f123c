"""Editing a block's text in place on the canvas (double-click, or Enter on the selection).

The rendered element (a text block's content, a heading, a button's label) becomes
contenteditable from QtWebEngine's isolated world: page JavaScript stays off, and editing is
the browser's own. Merge tags become non-editable tokens, so a tag is deleted, moved or kept
as one piece. While the edit lasts the canvas polls the text and reports it (the inspector
follows); each report is a mergeable SetProp, and Esc or a click outside ends the edit, so
the whole edit is one undo step. Rich text goes through app/build/richtext_clean.py.
"""

from __future__ import annotations

import json

# block type -> (prop, CSS selector of the edited element under the block's cell, rich?)
EDITABLE: dict[str, tuple[str, str, bool]] = {
    "text": ("html", ":scope > div", True),
    "heading": ("text", "h1,h2,h3,h4,h5,h6", False),
    "button": ("label", "a", False),
}
POLL_MS = 250  # how often the live text is read while editing

_TAG_CSS = "background:#dbeafe;color:#1e3a8a;border-radius:3px;padding:0 2px;white-space:nowrap;"

START_JS = """
(function(id,sel,rich,x,y){
 var host=document.getElementsByClassName('mw-id-'+id)[0]; if(!host) return '';
 var el=host.querySelector(sel); if(!el) return '';
 var walker=document.createTreeWalker(el,NodeFilter.SHOW_TEXT),nodes=[];
 while(walker.nextNode()) nodes.push(walker.currentNode);
 nodes.forEach(function(t){var re=/<<[\\s\\S]*?>>/g,s=t.nodeValue,m,last=0,any=false,
   frag=document.createDocumentFragment();
  while((m=re.exec(s))){any=true; frag.appendChild(document.createTextNode(s.slice(last,m.index)));
   var sp=document.createElement('span'); sp.className='mw-tag'; sp.setAttribute('contenteditable','false');
   sp.setAttribute('style',%(tag_css)s); sp.textContent=m[0]; frag.appendChild(sp); last=m.index+m[0].length;}
  if(any){frag.appendChild(document.createTextNode(s.slice(last))); t.parentNode.replaceChild(frag,t);}});
 el.setAttribute('contenteditable', rich ? 'true' : 'plaintext-only');
 el.style.outline='2px solid #f97316'; el.style.outlineOffset='3px'; el.style.cursor='text';
 el.focus();
 var r=(x>=0&&document.caretRangeFromPoint)?document.caretRangeFromPoint(x,y):null;
 if(!r||!el.contains(r.startContainer)){r=document.createRange(); r.selectNodeContents(el); r.collapse(false);}
 var s=window.getSelection(); s.removeAllRanges(); s.addRange(r);
 window.mwEditing=el;
 var q=el.getBoundingClientRect(); return JSON.stringify([q.left,q.top,q.width,q.height]);
})(%%s,%%s,%%s,%%f,%%f)
""" % {"tag_css": json.dumps(_TAG_CSS)}

# The edited content as the document stores it: tokens back to text, the renderer's inline
# styles (paragraph margins, link colours) dropped, alignment kept. `finish` ends the edit.
READ_JS = """
(function(finish){var el=window.mwEditing; if(!el) return '';
 var c=el.cloneNode(true);
 c.querySelectorAll('span.mw-tag').forEach(function(s){s.replaceWith(document.createTextNode(s.textContent));});
 c.querySelectorAll('a').forEach(function(a){a.removeAttribute('style');});
 c.querySelectorAll('p,li,div').forEach(function(p){var al=p.style.textAlign; p.removeAttribute('style');
  if(al&&al!=='left')p.style.textAlign=al;});
 var q=el.getBoundingClientRect(),out=JSON.stringify({html:c.innerHTML,text:c.innerText.replace(/\\n+$/,''),
  rect:[q.left,q.top,q.width,q.height]});
 if(finish){el.removeAttribute('contenteditable'); el.style.outline=''; el.style.outlineOffset='';
  el.style.cursor=''; window.mwEditing=null; window.getSelection().removeAllRanges(); el.blur();}
 return out;})(%s)
"""

EXEC_JS = """(function(cmd,arg){var el=window.mwEditing; if(!el) return false; el.focus();
 if(window.mwRange){var s=window.getSelection(); s.removeAllRanges(); s.addRange(window.mwRange); window.mwRange=null;}
 return document.execCommand(cmd,false,arg);})(%s,%s)"""
# A merge tag goes in as a node at the saved selection, the caret after it. execCommand
# ("insertHTML") put a non-editable token typed at the end of a paragraph into a new paragraph
# of its own (Chromium's paragraph merging), so "The end.<< data:city >>" became two paragraphs.
INSERT_TAG_JS = """(function(html){var el=window.mwEditing; if(!el) return false; el.focus();
 var s=window.getSelection(), r=window.mwRange || (s.rangeCount ? s.getRangeAt(0) : null); window.mwRange=null;
 if(!r || !el.contains(r.commonAncestorContainer)) return false;
 var t=document.createElement('template'); t.innerHTML=html; var node=t.content.firstChild;
 r.deleteContents(); r.insertNode(node); r.setStartAfter(node); r.collapse(true);
 s.removeAllRanges(); s.addRange(r); el.dispatchEvent(new InputEvent('input', {bubbles:true})); return true;})(%s)"""
SAVE_RANGE_JS = """(function(){var s=window.getSelection(); window.mwRange=s.rangeCount?s.getRangeAt(0).cloneRange():null;
 return !!window.mwRange;})()"""


def tag_html(tag: str) -> str:
    """The atomic token for a merge tag inserted from the toolbar."""
    from html import escape

    return (
        f'<span class="mw-tag" contenteditable="false" style="{_TAG_CSS}">{escape("<< " + tag.strip() + " >>")}</span>'
    )
