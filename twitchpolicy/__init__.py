"""twitchpolicy: a registry of Twitch API authorization rules, and a checker built on it."""

__version__ = "0.1.0"
