"""Views of the workspace: each person's modal stack and their App Home tab."""

from __future__ import annotations

import secrets

from supportbot.emulator.model import JSONDict, View, snapshot
from supportbot.emulator.workspace.state import WorkspaceState, random_id


class ViewsMixin(WorkspaceState):
    """Modals (a stack per person, as Slack keeps them) and Home tabs (one per person)."""

    def open_view(
        self, user_id: str, spec: JSONDict, *, trigger_id: str | None, origin: str, push: bool = False
    ) -> View:
        with self.lock:
            stack = self._modal_stacks.setdefault(user_id, [])
            if not push:
                for view_id in stack:
                    self.views[view_id].closed = True
                stack.clear()
            view_id = random_id("V")
            previous = stack[-1] if stack else None
            view = View(
                id=view_id,
                team_id=self.home.id,
                user_id=user_id,
                type="modal",
                spec=snapshot(spec),
                hash=self._view_hash(),
                root_view_id=self.views[stack[0]].id if stack else view_id,
                previous_view_id=previous,
                trigger_id=trigger_id,
            )
            self.views[view_id] = view
            stack.append(view_id)
            self.record("view_pushed" if push else "view_opened", origin, actor=user_id, data={"view": view})
            return view

    def update_view(self, view: View, spec: JSONDict, *, origin: str) -> View:
        with self.lock:
            kept_id = view.spec.get("external_id")
            view.spec = snapshot(spec)
            if kept_id and not view.spec.get("external_id"):
                view.spec["external_id"] = kept_id  # an update without external_id keeps the old one
            view.hash = self._view_hash()
            view.state = {"values": {}}
            kind = "home_published" if view.type == "home" else "view_updated"
            self.record(kind, origin, actor=view.user_id, data={"view": view})
            return view

    def publish_home(self, user_id: str, spec: JSONDict, *, origin: str) -> View:
        with self.lock:
            existing = self._homes.get(user_id)
            if existing is not None:
                return self.update_view(self.views[existing], spec, origin=origin)
            view_id = random_id("V")
            view = View(view_id, self.home.id, user_id, "home", snapshot(spec), self._view_hash(), view_id)
            self.views[view_id] = view
            self._homes[user_id] = view_id
            self.record("home_published", origin, actor=user_id, data={"view": view})
            return view

    def home_view(self, user_id: str) -> View | None:
        with self.lock:
            view_id = self._homes.get(user_id)
            return self.views[view_id] if view_id else None

    def modal_stack(self, user_id: str) -> list[View]:
        with self.lock:
            return [self.views[v] for v in self._modal_stacks.get(user_id, [])]

    def top_modal(self, user_id: str) -> View | None:
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def close_modal(self, user_id: str, *, origin: str, everything: bool = False) -> None:
        """Close the top modal (``everything``: the whole stack), as Slack does after a submission."""
        with self.lock:
            stack = self._modal_stacks.get(user_id, [])
            closing = list(stack) if everything else stack[-1:]
            for view_id in closing:
                stack.remove(view_id)
                self.views[view_id].closed = True
                self.record("view_closed", origin, actor=user_id, data={"view": self.views[view_id]})

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> View | None:
        with self.lock:
            if view_id:
                return self.views.get(view_id)
            if external_id:
                for view in self.views.values():
                    if view.spec.get("external_id") == external_id and not view.closed:
                        return view
            return None

    def _view_hash(self) -> str:
        return f"{int(self.clock())}.{secrets.token_hex(4)}"
