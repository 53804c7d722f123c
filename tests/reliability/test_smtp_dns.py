"""A server name the DNS never answers for: the send stops within its step's time and says so.

glibc's resolver waits 5 s per attempt and per name server and nothing interrupts it, so an
unanswered lookup used to hold the send for ~10 s past its limit, ignore Cancel, and end in
"the send took longer than its time limit". Here the resolver is real: the sender runs in a
network namespace of its own whose resolv.conf names 127.0.0.1, where a UDP socket reads every
query and answers none (`ip netns exec` mounts /etc/netns/NAME/resolv.conf over the real one).
Needs root and iproute2, as CI here has; skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, socket, threading, time
silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
silent.bind(("127.0.0.1", 53))
threading.Thread(target=lambda: [silent.recvfrom(4096) for _ in iter(int, 1)], daemon=True).start()

from mailwright.app.build.personalise import PersonalEmail
from mailwright.app.send.profiles import Profile
from mailwright.app.send.sending import build_message, send_messages, test_connection

profile = Profile(name="nowhere", host="smtp.nowhere.example", port=587, from_addr="me@tally.example")
out = {}
t = time.monotonic()
steps = test_connection(profile, timeout=1.5)
out["test"] = {"seconds": time.monotonic() - t, "steps": [[s.name, s.ok, s.message] for s in steps]}

email = PersonalEmail(html="<p>Hi</p>", text="Hi\n", subject="Hi", preheader="", missing=(), defaulted=())
message = build_message(email, from_addr="me@tally.example", to="you@example.com")
cancel = threading.Event()
threading.Timer(0.5, cancel.set).start()
t = time.monotonic()
report = send_messages(message, profile, timeout=30, deadline=60, cancel=cancel, retry_delays=())
out["cancel"] = {"seconds": time.monotonic() - t, "cancelled": report.cancelled, "error": report.error,
                 "results": [[r.address, r.status] for r in report.results]}
print(json.dumps(out))
"""


@pytest.fixture
def silent_dns_namespace():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 (ip netns) for a resolver of its own")
    name = f"mw-dns-{uuid.uuid4().hex[:8]}"
    conf = Path("/etc/netns") / name
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {made.stderr.strip()}")
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
        conf.mkdir(parents=True)
        # Two attempts of 3 s: an unanswered lookup takes ~6 s, four times the step's 1.5 s.
        (conf / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:3 attempts:2\n")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
        shutil.rmtree(conf, ignore_errors=True)


def test_an_unanswered_name_lookup_stops_within_the_step_and_cancel_stops_it_at_once(silent_dns_namespace):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        ["ip", "netns", "exec", silent_dns_namespace, sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    test = out["test"]
    assert test["seconds"] < 3.0, test  # the step's 1.5 s and a little, not the resolver's ~6 s
    (name, ok, words), *_ = test["steps"]
    assert (name, ok) == ("connect", False)
    assert "Looking up the server name 'smtp.nowhere.example' took longer than 1.5 s" in words
    assert "DNS" in words

    cancel = out["cancel"]
    assert cancel["cancelled"] is True, cancel
    assert cancel["seconds"] < 2.0, cancel  # Cancel at 0.5 s is obeyed during the lookup
    assert all(status == "not sent" for _, status in cancel["results"]), cancel
