"""Customer text (pure): plain messages, language, questions, Traditional Chinese, scrubbing, search terms."""
