"""views.open / push / update / publish: modals need a fresh trigger id, Home tabs a user."""

from __future__ import annotations

from typing import Any, Final

from supportbot.emulator import blockkit
from supportbot.emulator.model import JSONDict
from supportbot.emulator.serialize import view_json
from supportbot.emulator.webapi.base import ApiContext, ApiError, invalid_arguments, method

MAX_STACK: Final = 3


def _view_param(ctx: ApiContext, *, expect: str) -> JSONDict:
    spec: Any = ctx.params.structured("view")
    if spec is None:
        raise invalid_arguments("missing required field: view")
    problems = blockkit.view_problems(spec)
    if problems:
        raise invalid_arguments(*problems)
    assert isinstance(spec, dict)
    if spec.get("type") != expect:
        raise invalid_arguments(f"must be {expect} [json-pointer:/view/type]")
    return spec


def _exchange_trigger(ctx: ApiContext) -> str:
    trigger_id = ctx.params.text("trigger_id") or ctx.params.text("interactivity_pointer")
    if not trigger_id:
        raise invalid_arguments("missing required field: trigger_id")
    user_id, error = ctx.triggers.exchange(trigger_id)
    if error is not None or user_id is None:
        raise ApiError(error or "invalid_trigger_id")
    ctx.notes["trigger_id"] = trigger_id
    return user_id


@method("views.open")
def views_open(ctx: ApiContext) -> JSONDict:
    spec = _view_param(ctx, expect="modal")
    user_id = _exchange_trigger(ctx)
    view = ctx.ws.open_view(user_id, spec, trigger_id=ctx.notes["trigger_id"], origin="api")
    return {"view": view_json(ctx.ws, view)}


@method("views.push")
def views_push(ctx: ApiContext) -> JSONDict:
    spec = _view_param(ctx, expect="modal")
    user_id = _exchange_trigger(ctx)
    stack = ctx.ws.modal_stack(user_id)
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    view = ctx.ws.open_view(user_id, spec, trigger_id=ctx.notes["trigger_id"], origin="api", push=bool(stack))
    return {"view": view_json(ctx.ws, view)}


@method("views.update")
def views_update(ctx: ApiContext) -> JSONDict:
    view = ctx.ws.find_view(ctx.params.text("view_id"), ctx.params.text("external_id"))
    if view is None or view.closed:
        raise ApiError("not_found")
    spec = _view_param(ctx, expect=view.type)
    expected_hash = ctx.params.text("hash")
    if expected_hash is not None and expected_hash != view.hash:
        raise ApiError("hash_conflict")
    ctx.ws.update_view(view, spec, origin="api")
    return {"view": view_json(ctx.ws, view)}


@method("views.publish")
def views_publish(ctx: ApiContext) -> JSONDict:
    user_id = ctx.params.required("user_id")
    if user_id not in ctx.ws.users:
        raise ApiError("user_not_found")
    spec = _view_param(ctx, expect="home")
    current = ctx.ws.home_view(user_id)
    expected_hash = ctx.params.text("hash")
    if current is not None and expected_hash is not None and expected_hash != current.hash:
        raise ApiError("hash_conflict")
    view = ctx.ws.publish_home(user_id, spec, origin="api")
    return {"view": view_json(ctx.ws, view)}
