"""The passes of 401 diagnosis, each a function of the frozen :class:`.paste.Paste`.

:func:`.paste.read_paste` reads the shared parts once (curl commands, ``name = value`` sites,
provider error texts, key echoes); the passes report findings (:mod:`.found`) in a fixed reading
order that :mod:`supportbot.triage.diagnose` owns; :mod:`.merge` turns them into checks.
"""
