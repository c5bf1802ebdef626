"""Output formats for files and archives: the leads' HTML report, its SVG charts, Slack workspace exports."""
