"""What people see: jinja2 templates, Block Kit limits, Markdown turned into mrkdwn."""
