"""The HTTP side: lifecycle, authentication and the body formats slack_sdk sends."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d


def _post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 - loopback emulator
        url, data=body, headers={"Content-Type": content_type, **(headers or {})}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        parsed: dict[str, object] = json.loads(answer.read())
        return parsed


def test_no_token_is_not_authed(emulator: Emulator) -> None:
    client = WebClient(base_url=emulator.api_url)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response["error"] == "not_authed"
    assert emulator.calls[-1].token_kind == "none"


def test_an_unknown_token_is_invalid_auth(emulator: Emulator) -> None:
    client = WebClient(token="xoxb-not-issued-here", base_url=emulator.api_url)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=d.SUPPORT, text="hi")
    assert caught.value.response["error"] == "invalid_auth"
    assert emulator.calls[-1].token_kind == "unknown"
    assert emulator.workspace.history(d.SUPPORT) == []


def test_an_unknown_method_is_unknown_method(bot: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        bot.api_call("chat.teleport")
    assert caught.value.response["error"] == "unknown_method"


def test_auth_test_tells_who_each_token_is(emulator: Emulator, bot: WebClient, admin: WebClient) -> None:
    me = bot.auth_test()
    assert (me["user_id"], me["bot_id"], me["team_id"], me["team"]) == (
        "U0BOT0001",
        "B0BOT0001",
        "T0HOME001",
        "Supportbot Dev",
    )
    assert me["url"] == "https://supportbot-dev.slack.com/"
    assert admin.auth_test()["user_id"] == "U0ADMIN01"
    bob = WebClient(token=emulator.user_token(d.EXT_BOB), base_url=emulator.api_url).auth_test()
    assert (bob["user_id"], bob["team_id"]) == ("U0EXTRN01", "T0EXTRN01")
    assert "bot_id" not in bob


def test_a_form_body_with_the_token_as_a_field_and_blocks_as_a_json_string(emulator: Emulator) -> None:
    blocks = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}])
    form = urlencode({"token": emulator.bot_token, "channel": d.SUPPORT, "text": "hi", "blocks": blocks})
    answer = _post(emulator.api_url + "chat.postMessage", form.encode(), "application/x-www-form-urlencoded")
    assert answer["ok"] is True
    stored = emulator.workspace.history(d.SUPPORT)[0]
    assert stored.blocks is not None
    assert stored.blocks[0]["text"]["text"] == "*hi*"
    assert "token" not in emulator.calls[-1].params


def test_a_multipart_body_is_read(emulator: Emulator) -> None:
    boundary = "----emulator-test"
    parts = [(name, value) for name, value in {"channel": d.SUPPORT, "text": "from multipart"}.items()]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode() for n, v in parts
    )
    body += f"--{boundary}--\r\n".encode()
    answer = _post(
        emulator.api_url + "chat.postMessage",
        body,
        f"multipart/form-data; boundary={boundary}",
        {"Authorization": f"Bearer {emulator.bot_token}"},
    )
    assert answer["ok"] is True
    assert emulator.workspace.history(d.SUPPORT)[0].text == "from multipart"


def test_read_methods_answer_get_with_query_parameters(emulator: Emulator) -> None:
    query = urlencode({"token": emulator.bot_token, "user": d.LI_WEI, "include_locale": "true"})
    with urllib.request.urlopen(f"{emulator.api_url}users.info?{query}", timeout=5) as answer:  # noqa: S310
        body = json.loads(answer.read())
    assert body["ok"] is True
    assert body["user"]["locale"] == "zh-CN"


def test_malformed_json_is_invalid_json(emulator: Emulator) -> None:
    answer = _post(
        emulator.api_url + "chat.postMessage",
        b"{not json",
        "application/json",
        {"Authorization": f"Bearer {emulator.bot_token}"},
    )
    assert answer == {"ok": False, "error": "invalid_json"}
    assert emulator.calls[-1].error == "invalid_json"


def test_only_loopback_addresses_are_allowed() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host="0.0.0.0")  # noqa: S104 - the point of the test


def test_port_zero_picks_a_free_port_and_two_emulators_coexist() -> None:
    with Emulator() as first, Emulator() as second:
        assert first.port != second.port > 0
        assert first.api_url == f"http://127.0.0.1:{first.port}/api/"
        assert WebClient(token=second.bot_token, base_url=second.api_url).auth_test()["ok"]


def test_stop_releases_the_port_and_can_be_called_twice() -> None:
    emu = Emulator().start()
    url = emu.api_url
    emu.stop()
    emu.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "api.test", timeout=1)  # noqa: S310
    with pytest.raises(RuntimeError):
        _ = emu.port


def test_unknown_paths_are_404(emulator: Emulator) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(emulator.base_url + "/nothing-here", timeout=5)  # noqa: S310
    caught.value.close()
    assert caught.value.code == 404


def test_socket_mode_opens_only_with_the_app_level_token(emulator: Emulator, bot: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        bot.apps_connections_open(app_token=d.BOT_TOKEN)
    assert refused.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as unknown:
        bot.apps_connections_open(app_token="xapp-not-this-one")
    assert unknown.value.response["error"] == "invalid_auth"
    opened = bot.apps_connections_open(app_token=emulator.app_token)
    assert str(opened["url"]).startswith("ws://127.0.0.1:")
    assert not emulator.socket_mode.wait_for_app(timeout=0.1), "nobody has connected yet"
