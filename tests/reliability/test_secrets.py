"""bad-inputs.md row 37 and issue 8 point 7: after a real test send with DEBUG logging on, the
password and its base64 forms are in no log, no output, no saved file and no export.

The send runs through the command line's own entry point in a child process (with the root
logger at DEBUG writing to a file and to stderr), against a STARTTLS + AUTH server on loopback
that checks the password really was used. Then every byte the run left behind is searched.
"""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from tests.e2e.test_sending import Sink, make_certs, server_context
from tests.reliability.conftest import ROOT

PASSWORD = "Reliability-s3cret-🔑-pw"
USER = "mailer@example.com"

_CHILD = textwrap.dedent("""
    import logging, sys
    from pathlib import Path
    logging.basicConfig(level=logging.DEBUG, filename=sys.argv[1],
                        format="%%(asctime)s %%(name)s %%(levelname)s %%(message)s")
    logging.getLogger().addHandler(logging.StreamHandler(sys.stderr))
    from mailwright.app.cli.main import main
    from mailwright.app.send.profiles import Profile, ProfileStore
    from mailwright.app.send.secrets import PasswordStore, Secret
    from mailwright.app.document.autosave import Autosaver
    from mailwright.app.document.session import Session

    port, cafile, out = sys.argv[2], sys.argv[3], Path(sys.argv[4])
    code = main(["send", "examples/welcome.mwt", "--to", "you@example.com", "--smtp", f"127.0.0.1:{port}",
                 "--security", "starttls", "--user", "%(user)s", "--from", "hello@tally.example",
                 "--cafile", cafile])
    print("send exit", code)
    # A profile saved with its password (no keyring here: memory fallback), then everything a
    # user can write: the template, an autosave, an export bundle, the rendered HTML.
    store = PasswordStore()
    outcome = store.set("Work", Secret("%(password)s"))
    print("keyring:", outcome.in_keyring, outcome.message)
    ProfileStore().save(Profile(name="Work", host="smtp.example.com", port=587, security="starttls",
                                username="%(user)s"))
    session = Session.open("examples/welcome.mwt")
    session.save(out / "saved.mwt")
    Autosaver().save(session)
    print("export exit", main(["export", str(out / "saved.mwt"), "--bundle", str(out / "bundle.zip")]))
    print("build exit", main(["build", str(out / "saved.mwt"), "-o", str(out / "email.html")]))
    logging.getLogger("careless").debug("password=%%s", "%(password)s")  # even a careless line
""") % {"user": USER, "password": PASSWORD}


def _forms() -> list[str]:
    b64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    return [
        PASSWORD,
        b64(PASSWORD),
        b64(f"\0{USER}\0{PASSWORD}"),
        b64(f"{USER}\0{USER}\0{PASSWORD}"),
        PASSWORD.encode("unicode_escape").decode(),
        repr(PASSWORD)[1:-1],
    ]


def _everything_under(folder: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            files[str(path)] = data
            if path.suffix == ".zip":
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    for name in zf.namelist():
                        files[f"{path}!{name}"] = zf.read(name)
    return files


def test_row37_the_password_is_in_no_log_output_file_or_export(tmp_path):
    (tmp_path / "certs").mkdir()
    certs = make_certs(tmp_path / "certs")
    out = tmp_path / "out"
    out.mkdir()
    log = tmp_path / "debug.log"
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        MAILWRIGHT_SMTP_PASSWORD=PASSWORD,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONIOENCODING="utf-8",
        MAILWRIGHT_DATA_DIR=str(tmp_path / "data"),
        MAILWRIGHT_CONFIG_DIR=str(tmp_path / "config"),
    )
    with Sink(tls_context=server_context(certs), auth_ok=True) as sink:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(log), str(sink.port), str(certs["ca"]), str(out)],
            capture_output=True,
            timeout=120,
            cwd=ROOT,
            env=env,
        )
        received = [m[2] for m in sink.messages]
        logins = list(sink.logins)
    stdout, stderr = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, stderr[-3000:]
    assert "send exit 0" in stdout and "export exit 0" in stdout and "build exit 0" in stdout, stdout + stderr
    assert logins == [(USER.encode(), PASSWORD.encode())], "the password was not really used"
    assert "keyring: False" in stdout
    assert log.stat().st_size > 0 and "DEBUG" in log.read_text(encoding="utf-8")
    files = _everything_under(tmp_path)
    assert any("profiles.json" in name for name in files) and any(
        name.endswith("bundle.zip!email.html") for name in files
    )
    assert any("/autosave/" in name for name in files)
    haystacks = {
        "stdout": done.stdout,
        "stderr": done.stderr,
        **files,
        **{f"message {i}": raw for i, raw in enumerate(received)},
    }
    for form in _forms():
        needle = form.encode("utf-8")
        leaks = [name for name, data in haystacks.items() if needle in data]
        assert not leaks, f"{form!r} found in {leaks}"
