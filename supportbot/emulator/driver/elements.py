"""Block Kit elements as a person meets them: finding buttons and inputs, and what using them sends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from supportbot.emulator import payloads
from supportbot.emulator.errors import DriverError
from supportbot.emulator.model import JSONDict, View


@dataclass(frozen=True)
class Element:
    """An interactive element found in a message or view, with the ids a click would carry."""

    block_id: str
    action_id: str
    type: str
    text: str
    value: str | None
    spec: JSONDict


def interactive_elements(blocks: list[JSONDict]) -> Iterator[Element]:
    """Buttons, menus and pickers of ``blocks``, in reading order."""
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        candidates: list[Any] = []
        if block.get("type") == "actions":
            candidates = list(block.get("elements") or [])
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            candidates = [block["accessory"]]
        elif block.get("type") == "input" and block.get("dispatch_action") and isinstance(block.get("element"), dict):
            candidates = [block["element"]]
        for element in candidates:
            if isinstance(element, dict) and (element.get("action_id") is not None or element.get("type") == "button"):
                label = element.get("text") or element.get("placeholder") or {}
                yield Element(
                    block_id=block_id,
                    action_id=str(element.get("action_id", "")),
                    type=str(element.get("type", "")),
                    text=str(label.get("text", "")) if isinstance(label, dict) else "",
                    value=element.get("value"),
                    spec=element,
                )


def pick(
    candidates: list[Element],
    action_id: str | None,
    value: str | None,
    block_id: str | None,
    index: int | None,
) -> Element:
    """The element a click means: the ``index``-th, else the first by ``action_id``, ``block_id`` and ``value``."""
    if index is not None:
        if not 0 <= index < len(candidates):
            raise DriverError(f"there is no element #{index}; found {len(candidates)}")
        return candidates[index]
    matches = [e for e in candidates if e.action_id == action_id]
    if block_id is not None:
        matches = [e for e in matches if e.block_id == block_id]
    if len(matches) > 1 and value is not None:
        matches = [e for e in matches if e.value == value] or matches
    if not matches:
        known = ", ".join(e.action_id for e in candidates) or "none"
        raise DriverError(f"no element with action_id {action_id!r} (there are: {known})")
    return matches[0]


def action_json(element: Element, value: str | None, action_ts: str) -> JSONDict:
    """The ``actions`` entry of a ``block_actions`` payload for using ``element`` (with ``value`` in a menu)."""
    action: JSONDict = {
        "action_id": element.action_id,
        "block_id": element.block_id,
        "type": element.type,
        "action_ts": action_ts,
    }
    spec = element.spec
    if element.type == "button":
        action["text"] = spec.get("text")
        if spec.get("value") is not None:
            action["value"] = spec["value"]
        if spec.get("style"):
            action["style"] = spec["style"]
    elif element.type in ("static_select", "overflow", "radio_buttons", "external_select"):
        chosen = payloads.input_value(spec, value)
        action["selected_option"] = chosen.get("selected_option")
    elif element.type in ("multi_static_select", "checkboxes"):
        action["selected_options"] = payloads.input_value(spec, value).get("selected_options", [])
    else:
        action.update({k: v for k, v in payloads.input_value(spec, value).items() if k != "type"})
    return action


def state_values(view: View, given: dict[str, Any]) -> JSONDict:
    """``view.state.values`` for the submitted ``given`` values, built from the view's real inputs."""
    values: JSONDict = {}
    used: set[str] = set()
    inputs = [b for b in view.blocks if b.get("type") == "input" and isinstance(b.get("element"), dict)]
    for block in inputs:
        block_id = str(block.get("block_id", ""))
        element = block["element"]
        action_id = str(element.get("action_id", ""))
        label = (block.get("label") or {}).get("text", block_id)
        keys = [block_id, action_id, f"{block_id}.{action_id}"]
        key = next((k for k in keys if k in given), None)
        if key is not None:
            used.add(key)
            value = given[key]
        else:
            value = _initial(element)
            if value is None and not block.get("optional"):
                raise DriverError(f"the field {label!r} ({block_id}) is required")
        values.setdefault(block_id, {})[action_id] = payloads.input_value(element, value)
    unknown = set(given) - used
    if unknown:
        known = ", ".join(str(b.get("block_id")) for b in inputs) or "none"
        raise DriverError(f"no input called {', '.join(sorted(unknown))} (inputs: {known})")
    return values


def _initial(element: JSONDict) -> Any:
    for name in ("initial_value", "initial_date", "initial_time", "initial_user", "initial_conversation"):
        if element.get(name) is not None:
            return element[name]
    option = element.get("initial_option")
    if isinstance(option, dict):
        return option.get("value")
    return None
