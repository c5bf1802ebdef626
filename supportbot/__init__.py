"""supportbot: a Slack support-desk bot for teams that run or resell AI APIs."""

__version__ = "0.1.0"
