"""FAQ gaps and what leads see: grouping unanswered questions, the dashboards' figures, ISO weeks."""
