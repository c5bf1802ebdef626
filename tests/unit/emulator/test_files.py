"""files.info, files.delete and downloading url_private."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from supportbot.emulator import Emulator, SlackDriver
from supportbot.emulator import defaults as d


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _download(url: str, token: str | None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=5) as answer:  # noqa: S310
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, dict(failed.headers.items()), failed.read()


def _share(driver: SlackDriver, user: str = d.ALICE, channel: str = d.SUPPORT) -> str:
    delivery = driver.share_file(user, channel, "prod.env", "OPENAI_BASE_URL=https://x.invalid/v1\n")
    assert delivery.file_id is not None
    return delivery.file_id


def test_files_info_describes_a_snippet_and_gives_its_content(bot: WebClient, driver: SlackDriver) -> None:
    file_id = _share(driver)
    answer = bot.files_info(file=file_id)
    info = answer["file"]
    assert (info["name"], info["mode"], info["user"], info["channels"]) == (
        "prod.env",
        "snippet",
        d.ALICE,
        [d.SUPPORT],
    )
    assert info["url_private"].startswith(driver.emulator.base_url + "/files-pri/T0HOME001-")
    assert answer["content"] == "OPENAI_BASE_URL=https://x.invalid/v1\n"


def test_the_bot_token_downloads_url_private(bot: WebClient, driver: SlackDriver, emulator: Emulator) -> None:
    url = bot.files_info(file=_share(driver))["file"]["url_private"]
    status, headers, body = _download(url, emulator.bot_token)
    assert (status, body) == (200, b"OPENAI_BASE_URL=https://x.invalid/v1\n")
    assert headers["Content-Type"] == "text/plain"
    assert emulator.calls_for("file_download")[-1].token_kind == "bot"


def test_without_a_token_a_download_is_sent_to_the_login_page(
    bot: WebClient, driver: SlackDriver, emulator: Emulator
) -> None:
    url = bot.files_info(file=_share(driver))["file"]["url_private"]
    status, headers, body = _download(url, None)
    assert status == 302
    assert headers["Location"].startswith(emulator.base_url + "/login?redir=")
    assert b"OPENAI" not in body


def test_other_tokens_may_not_download(bot: WebClient, driver: SlackDriver, emulator: Emulator) -> None:
    url = bot.files_info(file=_share(driver))["file"]["url_private"]
    assert _download(url, emulator.admin_token)[0] == 403
    assert _download(url, "xoxb-unknown")[0] == 302


def test_the_bot_deletes_only_its_own_files(
    emulator: Emulator, bot: WebClient, admin: WebClient, driver: SlackDriver
) -> None:
    file_id = _share(driver)
    with pytest.raises(SlackApiError) as caught:
        bot.files_delete(file=file_id)
    assert caught.value.response["error"] == "cant_delete_file"
    assert admin.files_delete(file=file_id)["ok"]
    assert emulator.workspace.file(file_id) is None
    with pytest.raises(SlackApiError) as gone:
        bot.files_info(file=file_id)
    assert gone.value.response["error"] == "file_not_found"


def test_a_person_deletes_their_own_file_but_not_anothers(
    as_user: Callable[[str], WebClient], driver: SlackDriver
) -> None:
    file_id = _share(driver)
    with pytest.raises(SlackApiError) as caught:
        as_user(d.SAM).files_delete(file=file_id)
    assert caught.value.response["error"] == "cant_delete_file"
    assert as_user(d.ALICE).files_delete(file=file_id)["ok"]


def test_the_admin_cannot_delete_an_external_members_file(admin: WebClient, driver: SlackDriver) -> None:
    file_id = _share(driver, d.EXT_BOB, d.EXT_ACME)
    with pytest.raises(SlackApiError) as caught:
        admin.files_delete(file=file_id)
    assert caught.value.response["error"] == "cant_delete_file"
