"""Notifications: an inbox per person in the read model's database, filled by a subscriber to the App's
syncs, and email over SMTP, each notification sent at most once; every person chooses per kind."""

from .mail import MailConfigError, SmtpSettings, send_pending
from .notifier import Notifier
from .store import (
                    KINDS,
                    BadEmailError,
                    Notification,
                    Person,
                    UnknownKindError,
                    create_tables,
                    inbox,
                    mark_read,
                    notify,
                    person,
                    preferences,
                    remember,
                    set_email,
                    set_preferences,
                    unread_count,
)

__all__ = ["KINDS", "BadEmailError", "MailConfigError", "Notification", "Notifier", "Person", "SmtpSettings",
           "UnknownKindError", "create_tables", "inbox", "mark_read", "notify", "person", "preferences", "remember",
           "send_pending", "set_email", "set_preferences", "unread_count"]
