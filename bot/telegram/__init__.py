"""The Telegram side: the reminder bot, and the fake Bot API server its tests and demo use."""
