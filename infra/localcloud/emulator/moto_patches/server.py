"""moto's HTTP application: its allow-every-origin CORS is off; the gateway decides instead.

moto wraps every service app in flask-cors answering any ``Origin`` (unless
``MOTO_DISABLE_GLOBAL_CORS`` was set before moto was imported); the local cloud's gateway lets
only the origins it allows read a response (gateway/browser.py).
"""

from __future__ import annotations

from moto.moto_server import werkzeug_app

from localcloud.emulator.patching import Patches


def patches() -> Patches:
    group = Patches("server")
    group.add(werkzeug_app, "DISABLE_GLOBAL_CORS", True)
    return group
