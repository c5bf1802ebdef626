"""The one exception tree: every error the bot raises on purpose, one base class per layer.

    SupportbotError                 root; the pure core raises its subclasses (each keeps its builtin base)
    ├── ConfigError                 config.py (ValueError): a setting is missing or wrong
    ├── RulesError                  keys/rules.py (ValueError): the key rules file is invalid
    ├── FieldError, TimeFieldError  tickets/fields.py, tickets/when.py (ValueError): a ticket field is invalid
    ├── KnowledgeError              knowledge/files.py (ValueError); FrontMatterError knowledge/frontmatter.py
    ├── ChecklistError, StepsError  triage/checklist.py, triage/steps.py (ValueError)
    ├── SynonymsError               text/analysis.py (ValueError)
    ├── BlockKitError               render/blockkit.py (ValueError); TemplateError render/templates.py
    │                               (RuntimeError)
    ├── RevokerUnavailable          revoke/decision.py: the key's source cannot be asked right now
    ├── StoreLayerError             store/errors.py: the storage layer
    │   ├── StoreError              store/db.py (RuntimeError): the database cannot be used now; always transient
    │   │   └── DatabaseBusy        no writer turn within the bounded wait
    │   └── AmbiguousGap            store/gap_tables.py (LookupError): a gap reference matches several gaps
    ├── SlackLayerError             slack/errors.py: the Slack edge
    │   ├── SlackError              a Web API call failed (its own tree is drawn in slack/errors.py)
    │   ├── AppStartError           slack/app.py (RuntimeError): the app cannot start
    │   └── TransientFailure        slack/app.py (RuntimeError): a retry can fix it
    │       └── Redeliver           answer non-2xx so Slack delivers the event again
    └── EmulatorError               emulator/errors.py: the local Slack (with the two below)
        ├── ApiError                emulator/webapi/base.py: an ``ok: false`` answer
        ├── DriverError             (ValueError): an action a person could not take
        └── WorkspaceError          (LookupError): no such name or id

Classes keep their builtin bases so that existing ``except ValueError`` / ``except LookupError``
still catch them; ``except SupportbotError`` catches anything the bot raised on purpose, and a
layer's base anything that layer raised. Messages never hold a key or message text.
"""

from __future__ import annotations


class SupportbotError(Exception):
    """Base of every error supportbot raises on purpose (see the tree above)."""
