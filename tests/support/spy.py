"""A loopback HTTP "spy" server that records every request (hardening.md §8).

Tests point an email's images, stylesheets and imports at it and assert that it heard nothing.
It listens on 127.0.0.1 only, on a free port, and stops when the `with` block ends.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        body = b"/* spy */"
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET
    do_HEAD = do_GET

    def log_message(self, *args) -> None:
        return None


class Spy:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.requests = []  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def requests(self) -> list[str]:
        return list(self.server.requests)  # type: ignore[attr-defined]

    def __enter__(self) -> "Spy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def hostile_mjml(base: str) -> str:
    """An MJML email that would fetch from `base` through every channel an email has."""
    return f"""<mjml>
  <mj-head>
    <mj-raw><link rel="stylesheet" href="{base}/link.css"></mj-raw>
    <mj-raw><meta http-equiv="refresh" content="0;url={base}/refresh"></mj-raw>
    <mj-style>@import url({base}/import.css);
      .hero {{ background-image: url({base}/css-bg.png); }}</mj-style>
  </mj-head>
  <mj-body>
    <mj-section css-class="hero" background-url="{base}/section-bg.png">
      <mj-column>
        <mj-image src="{base}/img.png" alt="Spy image" width="200px"></mj-image>
        <mj-text><p style="background:url({base}/inline-bg.png)">Spy text</p>
          <a id="jslink" href="javascript:document.body.innerHTML='PWNED'">js link</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
