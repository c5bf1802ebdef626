"""One exception tree: every error class in the package descends from its layer's base."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import supportbot
from supportbot.emulator.errors import EmulatorError
from supportbot.infra.errors import SupportbotError
from supportbot.slack.errors import SlackLayerError
from supportbot.store.errors import StoreLayerError

LAYER_BASES = {"slack": SlackLayerError, "store": StoreLayerError, "emulator": EmulatorError}
# Modules that start a process or need a browser when imported are not where error classes live.
SKIP = {"supportbot.__main__"}


def _error_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(supportbot.__path__, "supportbot."):
        if info.name in SKIP or ".migrations." in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == info.name:
                found[f"{info.name}.{name}"] = value
    return found


def test_the_package_defines_the_errors_the_tree_draws() -> None:
    names = {qualified.rsplit(".", 1)[1] for qualified in _error_classes()}
    assert {"ConfigError", "StoreError", "DatabaseBusy", "SlackError", "SlackTokenRejected", "ApiError"} <= names


def test_every_error_descends_from_supportbot_error() -> None:
    strays = sorted(name for name, cls in _error_classes().items() if not issubclass(cls, SupportbotError))
    assert strays == []


def test_every_error_of_an_edge_layer_descends_from_that_layers_base() -> None:
    strays = []
    for name, cls in _error_classes().items():
        layer = name.split(".")[1]
        if layer in LAYER_BASES and not issubclass(cls, LAYER_BASES[layer]):
            strays.append(name)
    assert sorted(strays) == []


def test_errors_keep_their_builtin_bases() -> None:
    from supportbot.config import ConfigError
    from supportbot.emulator.errors import WorkspaceError
    from supportbot.store.db import DatabaseBusy, StoreError
    from supportbot.store.gap_tables import AmbiguousGap

    assert issubclass(ConfigError, ValueError)
    assert issubclass(WorkspaceError, LookupError)
    assert issubclass(AmbiguousGap, LookupError)
    assert issubclass(DatabaseBusy, RuntimeError)
    # A gap reference that matches several gaps is not a database outage: never counted as transient.
    assert not issubclass(AmbiguousGap, StoreError)
